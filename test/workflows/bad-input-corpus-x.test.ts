/**
 * Bad input corpus, X (issue 13): the same two runs as bad-input-corpus.test.ts, against the fake X
 * API. The bad item alone fails with one NodeOperationError on item 0 naming the field, with a fix,
 * and no request; between two good items with Continue On Fail the requests are exactly the good
 * items' (nothing of the bad one, not even the username lookup or a media upload).
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { RunNodeItem } from '../harness';
import { TINY_PNG } from '../fakes/graph';
import { ME, X_USERS, type RecordedXRequest } from '../fakes/x';
import { assertGoodBadGood, assertItemError } from './message.helpers';
import { runX, useFakeX } from './x.helpers';

// The corpus sends far more than X's 15 DM sends per 15 minutes; the limits have their own tests.
const fake = useFakeX({ rateLimits: { dmSend: { limit: 10_000, windowMs: 1000 }, dmSendDaily: { limit: 10_000, windowMs: 1000 }, dmLookup: { limit: 10_000, windowMs: 1000 } } });
beforeEach(() => fake().clearRequests());

interface BadCase {
	name: string;
	parameters: INodeParameters;
	/** X refuses a DM with the same text as the last one: good values are made from a number of their own. */
	good: unknown | ((n: number) => unknown);
	bad: unknown;
	error: RegExp;
}

const V = '={{ $json.v }}';
const ALICE = X_USERS.alice.id;
const send = (extra: INodeParameters): INodeParameters => ({ resource: 'message', operation: 'send', xSendTo: 'userId', xRecipientId: ALICE, xText: '={{ "corpus " + $json.n }}', ...extra });
let counter = 0;
function item(value: unknown): RunNodeItem {
	const n = ++counter;
	const resolved = typeof value === 'function' ? (value as (n: number) => unknown)(n) : value;
	if (resolved !== null && typeof resolved === 'object' && 'json' in (resolved as object)) {
		const given = resolved as RunNodeItem;
		return { ...given, json: { ...given.json, n } };
	}
	return { json: { v: resolved as IDataObject[string], n } };
}
const png = (property: string, prop = property): RunNodeItem => ({ json: { prop }, binary: { [property]: { data: TINY_PNG, mimeType: 'image/png', fileName: 'cat.png' } } });

const CASES: BadCase[] = [
	{ name: 'text over 10,000 characters', parameters: send({ xText: V }), good: (n: number) => `${n} `.padEnd(10_000, 'x'), bad: '😀'.repeat(10_001), error: /10001 characters; X allows at most 10000/ },
	{ name: 'blank text', parameters: send({ xText: V }), good: (n: number) => `hello ${n}`, bad: ' \n\t', error: /no text and no media/ },
	{ name: 'text of zero-width spaces only', parameters: send({ xText: V }), good: (n: number) => `hello ${n}`, bad: '\u200B\u2060', error: /no text and no media/ },
	{ name: 'text is an object', parameters: send({ xText: V }), good: (n: number) => `hello ${n}`, bad: { text: 'hello' }, error: /Text is an object/ },
	{ name: 'text with a lone surrogate', parameters: send({ xText: V }), good: (n: number) => `a😀b ${n}`, bad: 'a\uD83D', error: /Text has a broken character at position 2/ },
	{ name: 'recipient "@alice" (not an ID)', parameters: send({ xRecipientId: V }), good: ALICE, bad: '@alice', error: /Recipient ID "@alice" is not an X ID/ },
	{ name: 'empty recipient', parameters: send({ xRecipientId: V }), good: ALICE, bad: '', error: /User ID is empty/ },
	{ name: 'recipient ID as a number past 2^53', parameters: send({ xRecipientId: V }), good: ALICE, bad: 1580000000000000050, error: /too large to be an exact ID/ },
	{ name: 'recipient ID is an object', parameters: send({ xRecipientId: V }), good: ALICE, bad: { id: ALICE }, error: /User ID is an object/ },
	{ name: 'username with spaces', parameters: send({ xSendTo: 'username', xUsername: V }), good: X_USERS.alice.username, bad: 'no spaces please', error: /is not an X username/ },
	{ name: 'malformed conversation ID', parameters: send({ xSendTo: 'conversation', xConversationId: V }), good: `${ALICE}-${ME.id}`, bad: 'abc', error: /not an X conversation ID/ },
	{ name: 'group of one', parameters: send({ xSendTo: 'group', xParticipantIds: V }), good: `${X_USERS.bob.id},${X_USERS.carol.id}`, bad: ALICE, error: /2 to 49 other people; this one has 1/ },
	{ name: 'group with a participant twice', parameters: send({ xSendTo: 'group', xParticipantIds: V }), good: `${X_USERS.bob.id},${X_USERS.carol.id}`, bad: `${ALICE},${ALICE}`, error: /listed twice/ },
	{ name: 'media URL over ftp', parameters: send({ xText: '', mediaSource: 'url', mediaType: 'image', mediaUrl: V }), good: () => fake().serveFile('corpus/cat.png', TINY_PNG, 'image/png'), bad: 'ftp://example.com/a.png', error: /is not an http\(s\) URL/ },
	{ name: 'binary property missing', parameters: send({ xText: '', mediaSource: 'binary', mediaType: 'image', binaryPropertyName: '={{ $json.prop }}' }), good: png('data'), bad: { json: { prop: 'data' } }, error: /binary file 'data', but none was found/ },
];

/** What a request did: OAuth nonces and signatures left out, and each item's own number in its text. */
const shape = (r: RecordedXRequest) =>
	`${r.method} ${r.path} ${JSON.stringify(r.query)} ${JSON.stringify(r.json ?? r.parts?.map((p) => [p.name, p.size]) ?? null).replace(/"text":"(corpus |hello |a😀b )?\d+/g, '"text":"$1#').replace(/"media_id":"\d+"/g, '"media_id":"#"').slice(0, 300)}`;
const PROBE = process.env.CORPUS_PROBE === '1';

describe('bad input corpus, X', () => {
	for (const c of CASES) {
		it(c.name, async () => {
			const alone = await runX(fake(), c.parameters, { items: [item(c.bad)] });
			if (PROBE) console.log(JSON.stringify({ case: c.name, error: alone.error?.message, description: alone.error?.description, requests: fake().requests.length }));
			// the node did not fail
			expect(alone.error).toBeTruthy();
			assertItemError(alone.error, 0, c.error);
			// the bad item reached X
			expect(fake().requests.map(shape)).toStrictEqual([]);

			const once = await runX(fake(), c.parameters, { items: [item(c.good)] });
			// the good item failed: ${once.error?.message}
			expect(once.error).toBeUndefined();
			const goodRequests = fake().requests.map(shape);
			expect(goodRequests.length).toBeGreaterThan(0);
			fake().clearRequests();

			const mixed = await runX(fake(), c.parameters, { items: [item(c.good), item(c.bad), item(c.good)], continueOnFail: true });
			assertGoodBadGood(mixed, c.error);
			// A username is looked up once per run, so the mixed run may ask for it once, not twice.
			const expected = c.parameters.xSendTo === 'username' ? [...goodRequests, ...goodRequests.filter((r) => !r.includes('/2/users/by/username/'))] : [...goodRequests, ...goodRequests];
			expect(fake().requests.map(shape).sort()).toStrictEqual(expected.sort());
		});
	}
});
