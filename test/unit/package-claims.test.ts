/**
 * Issue 14.7: what package.json tells npm and n8n's community-node search is what ships. Every
 * messaging platform its description or keywords name is one the nodes offer in their Platform field.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { platformField } from '../../nodes/shared/platformField';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { description: string; keywords: string[] };

/** Ways a platform is named in prose and keywords, and the Platform option value it stands for. */
const NAMES: Array<{ pattern: RegExp; platform: string }> = [
	{ pattern: /\bmessenger\b/i, platform: 'messenger' },
	{ pattern: /\binstagram\b/i, platform: 'instagram' },
	{ pattern: /\btwitter\b|\bX\b/, platform: 'x' },
	{ pattern: /\bayrshare\b/i, platform: 'ayrshare' },
];

const offered = new Set((platformField.options as Array<{ value: string }>).map((option) => option.value));

function named(text: string): string[] {
	return NAMES.filter(({ pattern }) => pattern.test(text)).map(({ platform }) => platform);
}

describe('package.json names only platforms that ship', () => {
	it('the description', () => {
		for (const platform of named(pkg.description)) expect(offered.has(platform)).toBeTruthy(); // the description names ${platform}, which the nodes do not offer
	});

	it('the keywords', () => {
		for (const keyword of pkg.keywords) {
			for (const platform of named(keyword === 'x' ? 'X' : keyword)) expect(offered.has(platform)).toBeTruthy(); // the keyword "${keyword}" names ${platform}, which the nodes do not offer
		}
	});

	it('every platform the nodes offer is named in the description', () => {
		for (const platform of offered) expect(named(pkg.description)).toContain(platform); // the description does not name ${platform}
	});
});
