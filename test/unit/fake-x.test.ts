/**
 * The fake X API itself: it checks requests against X's OpenAPI description (2.167, and 2.159 for the
 * renamed DM fields), verifies OAuth 1.0a signatures, answers X's shapes (paging, expansions, partial
 * errors, problem details, both 429 bodies, rate-limit headers) and plays media upload states.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

import { oauth1Header } from '../../nodes/platforms/x/oauth1';
import {
	GROUP_ID,
	ME,
	ME_KEYS,
	X_BEARER_TOKEN,
	X_NO_DM_TOKEN,
	X_NO_DM_TOKEN_SECRET,
	X_UNENROLLED_API_KEY,
	X_UNENROLLED_API_KEY_SECRET,
	X_UNENROLLED_TOKEN,
	X_UNENROLLED_TOKEN_SECRET,
	X_USERS,
	callX,
	startFakeX,
	type FakeX,
} from '../fakes/x';
import { extractFrom, referenceDirectory, SOURCES, type SpecVersion } from '../fakes/x/contract/extract';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001', 'hex');
const MP4 = Buffer.concat([Buffer.from('00000018667479706d703432', 'hex'), Buffer.alloc(300, 7)]);

let fake: FakeX;
beforeAll(async () => {
	fake = await startFakeX({ rateLimits: { dmSend: { limit: 3, windowMs: 60_000 } } });
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => fake.clearRequests());

const FIELDS = { 'dm_event.fields': 'id,text,event_type,created_at,dm_conversation_id,attachments', expansions: 'sender_id,attachments.media_keys', 'user.fields': 'name,username', 'media.fields': 'media_key,type,url' };

describe('contract', () => {
	// Skipped when reference/ is not next to the checkout.
	const dir = referenceDirectory();
	(dir ? it : it.skip)('the extract in contract/ is what reference/ holds (when it is next to the checkout)', () => {
		if (!dir) return;
		for (const version of Object.keys(SOURCES) as SpecVersion[]) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			// x-openapi-${version}.json is stale: rerun extract.ts
			expect(require(`../fakes/x/contract/x-openapi-${version}.json`)).toStrictEqual(extractFrom(dir, version));
		}
	});

	it('2.159 field names are accepted through 2.159; names neither takes are a 400 and a violation', async () => {
		const old = await callX(fake.url, 'GET', '/2/dm_events', { qs: { 'dm_event.fields': 'sender_id,text' } });
		expect(old.status).toBe(200);
		expect(fake.requests[0].acceptedBy).toBe('2.159');
		const current = await callX(fake.url, 'GET', '/2/dm_events', { qs: FIELDS });
		expect(current.status).toBe(200);
		expect(fake.requests[1].acceptedBy).toBe('2.167');
		expect(fake.violations.length).toBe(0);

		const wrong = await callX(fake.url, 'GET', '/2/dm_events', { qs: { 'dm_event.fields': 'sender' } });
		expect(wrong.status).toBe(400);
		expect(wrong.body.type).toBe('https://api.x.com/2/problems/invalid-request');
		const tooMany = await callX(fake.url, 'GET', '/2/dm_events', { qs: { max_results: '101' } });
		expect(tooMany.status).toBe(400);
		const unknown = await callX(fake.url, 'GET', '/2/dm_events', { qs: { limit: '5' } });
		expect(unknown.status).toBe(400);
		const badBody = await callX(fake.url, 'POST', `/2/dm_conversations/with/${X_USERS.erin.id}/messages`, { json: { text: 'hi', extra: 1 } });
		expect(badBody.status).toBe(400);
		const badId = await callX(fake.url, 'GET', '/2/dm_conversations/12-ab/dm_events');
		expect(badId.status).toBe(400);
		expect(fake.violations.length).toBe(5);
		expect(fake.violations[0].problems['2.167'][0]).toMatch(/dm_event\.fields.*"sender" is not one of/);
		expect(fake.violations[3].problems['2.167'].join()).toMatch(/unknown property extra/);
		expect(fake.state.deliveryCount(X_USERS.erin.id, 'hi')).toBe(0);
	});
});

describe('authentication', () => {
	it('a signed request is answered with rate-limit headers and the access level; a wrong signature is X\'s 401', async () => {
		const me = await callX(fake.url, 'GET', '/2/users/me', { qs: { 'user.fields': 'profile_image_url' } });
		expect(me.status).toBe(200);
		expect(me.body).toStrictEqual({ data: { id: ME.id, name: ME.name, username: ME.username, profile_image_url: `https://pbs.twimg.com/profile_images/${ME.id}/avatar_normal.jpg` } });
		expect(me.headers.get('x-rate-limit-limit')).toBe('75');
		expect(me.headers.get('x-rate-limit-remaining')).toBe('74');
		expect(me.headers.get('x-rate-limit-reset') ?? '').toMatch(/^\d{10}$/);
		expect(me.headers.get('x-access-level')).toBe('read-write-directmessages');

		const wrong = await callX(fake.url, 'GET', '/2/users/me', { keys: { ...ME_KEYS, tokenSecret: 'not-the-secret' } });
		expect(wrong.status).toBe(401);
		expect(wrong.body).toStrictEqual({ title: 'Unauthorized', detail: 'Unauthorized', type: 'about:blank', status: 401 });
		expect(wrong.headers.get('content-type')).toBe('application/problem+json');
		expect(fake.requests[1].authFailure).toBe('signature does not match');
	});

	it('a signature over other query parameters, a reused nonce and a missing header are refused', async () => {
		const url = `${fake.url}/2/users/me?user.fields=name`;
		const signedForOther = oauth1Header({ method: 'GET', url: `${fake.url}/2/users/me?user.fields=username`, params: [], keys: ME_KEYS });
		expect((await callX(fake.url, 'GET', '/2/users/me', { qs: { 'user.fields': 'name' }, authorization: signedForOther })).status).toBe(401);
		const header = oauth1Header({ method: 'GET', url, params: [], keys: ME_KEYS });
		expect((await callX(fake.url, 'GET', '/2/users/me', { qs: { 'user.fields': 'name' }, authorization: header })).status).toBe(200);
		expect((await callX(fake.url, 'GET', '/2/users/me', { qs: { 'user.fields': 'name' }, authorization: header })).status).toBe(401);
		expect((await callX(fake.url, 'GET', '/2/users/me', { authorization: '' })).status).toBe(401);
		expect(fake.requests.map((request) => request.authFailure)).toStrictEqual(['signature does not match', undefined, 'oauth_nonce used before', 'no Authorization header']);
	});

	it('bearer tokens only where X takes them; DM permission, plan and credits are checked', async () => {
		const bearer = await callX(fake.url, 'GET', '/2/dm_events', { bearer: X_BEARER_TOKEN });
		expect(bearer.status).toBe(403);
		expect(bearer.body.type).toBe('https://api.x.com/2/problems/unsupported-authentication');
		const noDm = await callX(fake.url, 'GET', '/2/dm_events', { keys: { ...ME_KEYS, token: X_NO_DM_TOKEN, tokenSecret: X_NO_DM_TOKEN_SECRET } });
		expect(noDm.status).toBe(403);
		expect(noDm.body.type).toBe('https://api.x.com/2/problems/oauth1-permissions');
		const unenrolledKeys = { consumerKey: X_UNENROLLED_API_KEY, consumerSecret: X_UNENROLLED_API_KEY_SECRET, token: X_UNENROLLED_TOKEN, tokenSecret: X_UNENROLLED_TOKEN_SECRET };
		const unenrolled = await callX(fake.url, 'GET', '/2/users/me', { keys: unenrolledKeys });
		expect(unenrolled.status).toBe(403);
		expect(unenrolled.body.type).toBe('https://api.x.com/2/problems/client-forbidden');
		const app = fake.state.apps.get(ME_KEYS.consumerKey)!;
		app.credits = 1;
		try {
			expect((await callX(fake.url, 'GET', '/2/users/me')).status).toBe(200);
			const capped = await callX(fake.url, 'GET', '/2/users/me');
			expect(capped.status).toBe(429);
			expect(capped.body.type).toBe('https://api.x.com/2/problems/usage-capped');
		} finally {
			app.credits = undefined;
		}
	});
});

describe('DM events', () => {
	it('pages newest first with next_token / previous_token; a foreign token is a 400', async () => {
		const first = await callX(fake.url, 'GET', '/2/dm_events', { qs: { ...FIELDS, max_results: '4' } });
		const data = first.body.data as Array<Record<string, unknown>>;
		expect(data.length).toBe(4);
		expect(data[0]).toStrictEqual({
			id: data[0].id,
			event_type: 'MessageCreate',
			text: 'Great, ordering now',
			created_at: data[0].created_at,
			dm_conversation_id: `${X_USERS.alice.id}-${ME.id}`,
			sender_id: X_USERS.alice.id,
		});
		const meta = first.body.meta as Record<string, unknown>;
		expect(meta.result_count).toBe(4);
		expect(String(meta.next_token).length).toBeGreaterThanOrEqual(16);
		expect(meta.previous_token).toBeUndefined();
		const times = data.map((event) => Date.parse(String(event.created_at)));
		expect(times).toStrictEqual([...times].sort((a, b) => b - a));
		const users = (first.body.includes as { users: Array<Record<string, unknown>> }).users;
		expect(users.some((user) => user.username === 'alice_w')).toBeTruthy();

		const second = await callX(fake.url, 'GET', '/2/dm_events', { qs: { ...FIELDS, max_results: '4', pagination_token: String(meta.next_token) } });
		expect((second.body.meta as Record<string, unknown>).previous_token !== undefined).toBe(true);
		const ids = new Set([...data, ...(second.body.data as Array<Record<string, unknown>>)].map((event) => event.id));
		expect(ids.size).toBe(8);

		const elsewhere = await callX(fake.url, 'GET', `/2/dm_conversations/with/${X_USERS.alice.id}/dm_events`, { qs: { pagination_token: String(meta.next_token) } });
		expect(elsewhere.status).toBe(400);
		expect(fake.violations).toStrictEqual([]);
	});

	it('a group conversation lists its ParticipantsJoin with participant_ids; a missing event is a 200 with errors', async () => {
		const group = await callX(fake.url, 'GET', `/2/dm_conversations/${GROUP_ID}/dm_events`, { qs: { expansions: 'participant_ids,sender_id', 'dm_event.fields': 'dm_conversation_id' } });
		const events = group.body.data as Array<Record<string, unknown>>;
		const join = events.find((event) => event.event_type === 'ParticipantsJoin');
		expect(join?.participant_ids).toStrictEqual([X_USERS.alice.id, X_USERS.bob.id, X_USERS.carol.id]);
		expect(events.filter((event) => event.event_type === 'MessageCreate').every((event) => event.participant_ids === undefined)).toBe(true);
		const missing = await callX(fake.url, 'GET', '/2/dm_events/1234567890123456789');
		expect(missing.status).toBe(200);
		expect((missing.body.errors as Array<Record<string, unknown>>)[0].type).toBe('https://api.x.com/2/problems/resource-not-found');
		const empty = await callX(fake.url, 'GET', `/2/dm_conversations/with/${X_USERS.erin.id}/dm_events`);
		expect(empty.body).toStrictEqual({ meta: { result_count: 0 } });
	});
});

describe('sends', () => {
	it('201 with ids, duplicate content and closed DMs refused, x-rate-limit-* counting down to a 429', async () => {
		const sent = await callX(fake.url, 'POST', `/2/dm_conversations/with/${X_USERS.erin.id}/messages`, { json: { text: 'Welcome Erin' } });
		expect(sent.status).toBe(201);
		expect(Object.keys(sent.body.data as object)).toStrictEqual(['dm_conversation_id', 'dm_event_id']);
		expect(sent.headers.get('x-rate-limit-remaining')).toBe('2');
		const again = await callX(fake.url, 'POST', `/2/dm_conversations/with/${X_USERS.erin.id}/messages`, { json: { text: 'Welcome Erin' } });
		expect(again.status).toBe(403);
		expect(String(again.body.detail)).toMatch(/duplicate content/);
		const closed = await callX(fake.url, 'POST', `/2/dm_conversations/with/${X_USERS.dave.id}/messages`, { json: { text: 'Hi Dave' } });
		expect(closed.status).toBe(403);
		const limited = await callX(fake.url, 'POST', `/2/dm_conversations/with/${X_USERS.erin.id}/messages`, { json: { text: 'Third' } });
		expect(limited.status).toBe(429);
		expect(limited.body).toStrictEqual({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
		expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
		expect(fake.state.deliveryCount(X_USERS.erin.id, 'Welcome Erin')).toBe(1);
		expect(fake.state.deliveryCount(X_USERS.erin.id, 'Third')).toBe(0);
		fake.limits.reset();
		fake.failNext('POST /2/dm_conversations/with/{participant_id}/messages', 'rateLimitLegacy');
		const legacy = await callX(fake.url, 'POST', `/2/dm_conversations/with/${X_USERS.erin.id}/messages`, { json: { text: 'Fourth' } });
		expect(legacy.body).toStrictEqual({ errors: [{ code: 88, message: 'Rate limit exceeded' }] });
		expect(legacy.headers.get('x-rate-limit-reset') ?? '').toMatch(/^\d{10}$/);
		fake.limits.reset();
	});
});

describe('media upload', () => {
	it('simple upload (multipart) gives a media id a DM can carry', async () => {
		const upload = await callX(fake.url, 'POST', '/2/media/upload', { form: { media_category: 'dm_image', media: PNG } });
		expect(upload.status).toBe(200);
		const data = upload.body.data as Record<string, unknown>;
		expect(String(data.media_key)).toMatch(/^3_\d+$/);
		const sent = await callX(fake.url, 'POST', `/2/dm_conversations/${GROUP_ID}/messages`, { json: { attachments: [{ media_id: data.id }] } });
		expect(sent.status).toBe(201);
		const wrongCategory = await callX(fake.url, 'POST', '/2/media/upload', { form: { media_category: 'dm_gif', media: PNG } });
		expect(wrongCategory.status).toBe(400);
		fake.limits.reset();
	});

	it('chunked video: initialize, append, finalize, STATUS through pending, in_progress, succeeded', async () => {
		const init = await callX(fake.url, 'POST', '/2/media/upload/initialize', { json: { media_category: 'dm_video', media_type: 'video/mp4', total_bytes: MP4.length } });
		const id = String((init.body.data as Record<string, unknown>).id);
		expect((await callX(fake.url, 'POST', `/2/media/upload/${id}/append`, { form: { segment_index: '0', media: MP4.subarray(0, 200) } })).status).toBe(200);
		expect((await callX(fake.url, 'POST', `/2/media/upload/${id}/append`, { form: { segment_index: '1', media: MP4.subarray(200) } })).status).toBe(200);
		const final = await callX(fake.url, 'POST', `/2/media/upload/${id}/finalize`);
		expect((final.body.data as Record<string, unknown>).processing_info).toStrictEqual({ state: 'pending', check_after_secs: 1 });
		const early = await callX(fake.url, 'POST', `/2/dm_conversations/${GROUP_ID}/messages`, { json: { attachments: [{ media_id: id }] } });
		expect(early.status).toBe(400);
		const states = [];
		for (let i = 0; i < 2; i++) {
			const status = await callX(fake.url, 'GET', '/2/media/upload', { qs: { command: 'STATUS', media_id: id } });
			states.push(((status.body.data as Record<string, unknown>).processing_info as Record<string, unknown>).state);
		}
		expect(states).toStrictEqual(['in_progress', 'succeeded']);
		expect((await callX(fake.url, 'POST', `/2/dm_conversations/${GROUP_ID}/messages`, { json: { text: 'Clip', attachments: [{ media_id: id }] } })).status).toBe(201);
		expect(fake.violations).toStrictEqual([]);
		fake.limits.reset();
	});
});
