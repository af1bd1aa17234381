/**
 * Issue 14.6, the fake's side: the fake Graph API answers Meta's own documented requests (the Postman
 * collections in reference/meta-postman/) as Meta's examples show. Every documented request the fake
 * covers is replayed against it with the collection's body (placeholders filled with the fake's
 * identities) and must be accepted with an answer of the example's shape: the same keys, the same JSON
 * types, at every level. Requests outside the fake's scope are listed with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';

import {
	IG_ACCOUNT_ID,
	IG_USER_TOKEN,
	PAGE_ID,
	PAGE_TOKEN,
	USERS,
	startFakeGraph,
	type FakeGraph,
} from '../fakes/graph';
import { documentedRequests, extractCollections, referenceDirectory, type DocumentedRequest } from '../fakes/graph/contract/collections';
import { shapeOf } from '../fakes/graph/contract/shapes';
import { INSTAGRAM_LOGIN, MESSENGER, messageIdIn, seedAttachment } from '../workflows/message.helpers';

/** Documented requests the fake does not serve, and why that is fine for this package. */
const OUT_OF_SCOPE: Record<string, string> = {
	'Get Access Tokens of Pages You Manage': 'needs a user access token; the node is given a Page or Instagram token and never lists Pages',
	'Upload a Reel to an IG Container': 'content publishing, not messaging',
	'Get IG Container Status': 'content publishing, not messaging',
	'Publish Reel': 'content publishing, not messaging',
};

let fake: FakeGraph;
beforeAll(async () => {
	fake = await startFakeGraph();
});
afterAll(async () => {
	await fake.close();
});

/** What Meta's placeholders stand for, in the fake's world. */
function placeholders(request: DocumentedRequest, on: FakeGraph): Record<string, unknown> {
	const instagram = request.collection === 'instagram';
	return {
		'{{page-scoped-id}}': USERS.alice.id,
		'{{instagram_scoped_id}}': USERS.ines.id,
		'<PATH_TO_ASSET>': 'https://cdn.example.com/asset.png',
		MEDIA_URL: 'https://cdn.example.com/asset.png',
		ACTUAL_AUDIO_OR_VIDEO_FILE_URL: 'https://cdn.example.com/voice.m4a',
		'<IS_REUSABLE?>': true,
		'<TITLE>': 'Red',
		'<DEVELOPER_DEFINED_PAYLOAD>': 'RED',
		'<ATTACHMENT_ID>': seedAttachment(on, MESSENGER, 'image'),
		MESSAGE_ID: messageIdIn(on, instagram ? INSTAGRAM_LOGIN : MESSENGER),
		POST_ID: '17895695668004550',
	};
}

function fill(value: unknown, values: Record<string, unknown>): unknown {
	if (typeof value === 'string') {
		if (value in values) return values[value];
		// unfilled placeholder ${value}
		expect(value).not.toMatch(/\{\{|<[A-Z_?]+>|^[A-Z][A-Z_]+_(ID|URL)$/);
		return value;
	}
	if (Array.isArray(value)) return value.map((entry) => fill(entry, values));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, fill(entry, values)]));
	return value;
}

const PATH_VALUES: Record<string, string> = { '{page-id}': PAGE_ID, '{ig-user-id}': IG_ACCOUNT_ID };

async function replay(request: DocumentedRequest, on: FakeGraph = fake): Promise<{ status: number; body: unknown; headers: Headers }> {
	const path = request.path.map((segment) => PATH_VALUES[segment] ?? segment).join('/');
	// unfilled path placeholder in ${path}
	expect(path).not.toMatch(/\{/);
	const url = new URL(`${on.url}/v23.0/${path}`);
	for (const [key, value] of Object.entries(request.query)) url.searchParams.set(key, value);
	// graph.instagram.com takes Instagram Login tokens; graph.facebook.com a Page token (the fake serves both hosts).
	const token = request.host === 'graph.instagram.com' ? IG_USER_TOKEN : PAGE_TOKEN;
	const response = await fetch(url, {
		method: request.method,
		headers: { authorization: `Bearer ${token}`, ...(request.body ? { 'content-type': 'application/json' } : {}) },
		...(request.body ? { body: JSON.stringify(fill(request.body, placeholders(request, on))) } : {}),
	});
	return { status: response.status, body: await response.json(), headers: response.headers };
}

const documented = documentedRequests();

describe('the committed extract is what the collections hold', () => {
	const directory = referenceDirectory();
	((directory ? false : 'the reference folder is not next to this checkout (set META_REFERENCE_DIR)') ? it.skip : it)('meta-postman.json equals a fresh extraction of the collections', () => {
		expect(extractCollections(join(directory as string, 'meta-postman'))).toStrictEqual(documented);
	});

	it('every documented request is either replayed below or out of scope for a reason', () => {
		// only ${documented.length} documented requests
		expect(documented.length).toBeGreaterThanOrEqual(19);
		for (const name of Object.keys(OUT_OF_SCOPE)) expect(documented.some((request) => request.name === name)).toBeTruthy(); // ${name} is not in the collections
	});
});

describe("the fake answers Meta's documented requests with the shape of Meta's examples", () => {
	for (const request of documented.filter((candidate) => !(candidate.name in OUT_OF_SCOPE))) {
		it(`${request.collection}: ${request.name} (${request.method} ${request.host}/{version}/${request.path.join('/')})`, async () => {
			const answer = await replay(request);
			// the fake refused it: ${JSON.stringify(answer.body)}
			expect(answer.status).toBe(200);
			// the collection shows no response for this request
			expect(request.responses.length).toBeGreaterThan(0);
			for (const example of request.responses) {
				// the fake's answer ${JSON.stringify(answer.body)} has another shape than Meta's ${example.from} ${JSON.stringify(example.body)}
				expect(shapeOf(answer.body)).toStrictEqual(shapeOf(example.body));
			}
		});
	}
});

describe("the fake's response headers match Meta's examples", () => {
	let limited: FakeGraph;
	beforeAll(async () => {
		// Usage headers come with the Send API limit on (as on every real Page).
		limited = await startFakeGraph({ rateLimitPerSecond: 300 });
	});
	afterAll(async () => {
		await limited.close();
	});

	for (const request of documented.filter((candidate) => candidate.responses.some((response) => response.headers))) {
		it(`${request.collection}: ${request.name}: content type and X-Business-Use-Case-Usage`, async () => {
			const answer = await replay(request, limited);
			// JSON.stringify(answer.body)
			expect(answer.status).toBe(200);
			for (const example of request.responses.filter((response) => response.headers)) {
				const headers = example.headers as Record<string, string>;
				expect(answer.headers.get('content-type')?.toLowerCase()).toBe(headers['content-type']?.toLowerCase());
				const usage = headers['x-business-use-case-usage'];
				if (!usage) continue;
				const ours = answer.headers.get('x-business-use-case-usage');
				// the fake sent no X-Business-Use-Case-Usage
				expect(ours).toBeTruthy();
				const [metaEntry] = Object.values(JSON.parse(usage) as Record<string, unknown[]>);
				const [ourEntry] = Object.values(JSON.parse(ours!) as Record<string, unknown[]>);
				expect(shapeOf(ourEntry)).toStrictEqual(shapeOf(metaEntry));
				// Meta's example of a Messenger send reports the Send API's usage as type "messenger".
				expect((ourEntry[0] as { type: string }).type).toBe((metaEntry[0] as { type: string }).type);
				expect(Object.keys(JSON.parse(ours!) as object)).toStrictEqual([request.path[0] === '{page-id}' ? PAGE_ID : IG_ACCOUNT_ID]);
			}
		});
	}
});
