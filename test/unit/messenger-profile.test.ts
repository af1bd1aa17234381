/** The Messenger Profile body builder: limits the editor cannot enforce (e.g. ice breakers set through code). */
import { describe, expect, it } from '@jest/globals';

import type { GraphAccount } from '../../nodes/platforms/meta/accountContext';
import { buildProfileBody, PROFILE_LIMITS } from '../../nodes/platforms/meta/messengerProfile';

const messenger = { platform: 'messenger', provider: 'metaGraph', node: '1' } as GraphAccount;

describe('buildProfileBody', () => {
	it('more than 4 ice breakers per locale are refused, 4 pass', () => {
		const questions = (count: number) => Array.from({ length: count }, (_, i) => ({ question: `Q${i}?`, payload: `Q${i}` }));
		expect(() => buildProfileBody({ iceBreakers: [{ locale: 'default', questions: questions(5) }] }, messenger)).toThrow(/has 5 questions; Meta allows 1 to 4/);
		expect(PROFILE_LIMITS.iceBreakersMax).toBe(4);
		expect(buildProfileBody({ iceBreakers: [{ locale: 'default', questions: questions(4) }] }, messenger)).toStrictEqual({
			ice_breakers: [{ locale: 'default', call_to_actions: questions(4) }],
		});
	});

	it('a locale given twice, and more than 50 domains, are refused', () => {
		expect(() => buildProfileBody({ greetings: [{ locale: 'default', text: 'a' }, { locale: 'default', text: 'b' }] }, messenger)).toThrow(/the locale "default" appears twice/);
		const domains = Array.from({ length: 51 }, (_, i) => `https://d${i}.example.com`);
		expect(() => buildProfileBody({ whitelistedDomains: domains }, messenger)).toThrow(/51 domains; Meta allows 50/);
	});
});
