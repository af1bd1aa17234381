/**
 * Issue 14.5 inside the Meta adapter: an answer without the ID the adapter reads never turns into the
 * ID "undefined". The transport is a stand-in that answers what each test gives it and records the calls.
 */
import { describe, expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { MetaPlatform, type MetaSettings } from '../../nodes/platforms/meta/client';
import { metaGraphProvider } from '../../nodes/platforms/meta/provider';
import type { Transport } from '../../nodes/platforms/core/transport';

function platformAnswering(answer: IDataObject, settings: Partial<MetaSettings> = {}) {
	const calls: IDataObject[] = [];
	const transport = {
		async request(options: IDataObject) {
			calls.push(options);
			return answer;
		},
	} as unknown as Transport;
	const platform = new MetaPlatform(transport, { provider: 'metaGraph', platform: 'messenger', pageId: '104812345678901', apiVersion: 'v23.0', capabilities: metaGraphProvider.capabilities, ...settings });
	return { platform, calls };
}

describe('answers without an ID', () => {
	for (const answer of [{}, { attachment_id: null }, { attachment_id: '' }]) {
		it(`an upload answered ${JSON.stringify(answer)} fails instead of returning the attachment ID "undefined"`, async () => {
			const { platform, calls } = platformAnswering(answer);
			await expect(platform.uploadAttachment({ type: 'image', source: { url: 'https://cdn.example.com/a.png' } })).rejects.toThrow(expect.objectContaining({ name: 'InputError', message: expect.stringMatching(/^Meta stored the media but answered no attachment ID$/) }));
			expect(calls.length).toBe(1);
		});
	}

	it('an upload answered with an ID returns it', async () => {
		const { platform } = platformAnswering({ attachment_id: '1601472827243653' });
		const result = await platform.uploadAttachment({ type: 'image', source: { url: 'https://cdn.example.com/a.png' } });
		expect(result.attachmentId).toBe('1601472827243653');
	});

	it('Instagram Login: /me answered without user_id or id gives no account ID, not "undefined"', async () => {
		const { platform, calls } = platformAnswering({ username: 'shop' }, { provider: 'instagramLogin', platform: 'instagram', pageId: undefined });
		expect(await platform.ownId()).toBeUndefined();
		expect(calls.length).toBe(1);
	});
});
