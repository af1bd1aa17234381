/**
 * Tests of the fake Graph API itself (test/fakes/graph): if the fake drifts from the documented
 * behaviour, every node test built on it proves nothing. Run:
 *   node --import tsx --test test/unit/fakes-graph.test.ts
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
	APP_ACCESS_TOKEN,
	APP_ID,
	APP_SECRET,
	appSecretProof,
	batchedPayload,
	CONVERSATION_IDS,
	createBaseState,
	createLargeState,
	EXPIRED_PAGE_TOKEN,
	IG_ACCOUNT_ID,
	IG_APP_SCOPED_ID,
	IG_USER_TOKEN,
	IG_USERNAME,
	largeUserId,
	messageEvent,
	metaJson,
	NOTIFICATION_TOKEN,
	OTHER_PAGE_TOKEN,
	PAGE_ID,
	PAGE_NAME,
	PAGE_TOKEN,
	reactionEvent,
	readEvent,
	startFakeGraph,
	USERS,
	webhookPayload,
	type FakeGraph,
} from '../fakes/graph';

interface ApiResponse {
	status: number;
	body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
	headers: Headers;
}

async function api(
	fake: FakeGraph,
	method: string,
	path: string,
	opts: { token?: string | null; bearer?: boolean; json?: unknown; form?: Record<string, string>; query?: Record<string, string> } = {},
): Promise<ApiResponse> {
	const url = new URL(fake.url + path);
	for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
	const token = opts.token === undefined ? PAGE_TOKEN : opts.token;
	const headers: Record<string, string> = {};
	if (token !== null) {
		if (opts.bearer) headers.authorization = `Bearer ${token}`;
		else url.searchParams.set('access_token', token);
	}
	let body: string | undefined;
	if (opts.json !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(opts.json);
	} else if (opts.form) {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		body = new URLSearchParams(opts.form).toString();
	}
	const res = await fetch(url, { method, headers, body });
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const send = (fake: FakeGraph, json: unknown, token = PAGE_TOKEN, path = '/v23.0/me/messages') => api(fake, 'POST', path, { token, json });

function assertGraphError(res: ApiResponse, code: number, subcode?: number): void {
	assert.equal(res.status, 400, `expected HTTP 400, got ${res.status}: ${JSON.stringify(res.body)}`);
	assert.equal(typeof res.body.error.message, 'string');
	assert.equal(typeof res.body.error.type, 'string');
	assert.equal(typeof res.body.error.fbtrace_id, 'string');
	assert.ok(res.body.error.fbtrace_id.length > 5);
	assert.equal(res.body.error.code, code, JSON.stringify(res.body));
	if (subcode !== undefined) assert.equal(res.body.error.error_subcode, subcode, JSON.stringify(res.body));
}

/** A callback server standing in for the n8n webhook. */
async function callbackServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void>; hits: http.IncomingMessage[] }> {
	const hits: http.IncomingMessage[] = [];
	const server = http.createServer((req, res) => {
		hits.push(req);
		handler(req, res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook/abc`,
		hits,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** Answers the Meta challenge like a correct webhook would, and records POST bodies. */
function goodCallback(verifyToken: string, bodies: Buffer[] = [], headers: http.IncomingHttpHeaders[] = []): http.RequestListener {
	return (req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		if (req.method === 'GET') {
			if (url.searchParams.get('hub.mode') === 'subscribe' && url.searchParams.get('hub.verify_token') === verifyToken) {
				res.writeHead(200, { 'content-type': 'text/plain' }).end(url.searchParams.get('hub.challenge'));
			} else res.writeHead(403).end();
			return;
		}
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			bodies.push(Buffer.concat(chunks));
			headers.push(req.headers);
			res.writeHead(200).end('EVENT_RECEIVED');
		});
	};
}

describe('fake Graph: nodes, versions and auth', () => {
	let fake: FakeGraph;
	before(async () => {
		fake = await startFakeGraph();
	});
	after(() => fake.close());

	it('answers /me and /{PAGE_ID} with id and name, versioned or not, and records the version', async () => {
		fake.clearRequests();
		const me = await api(fake, 'GET', '/v23.0/me', { bearer: true });
		assert.equal(me.status, 200);
		assert.deepEqual(me.body, { id: PAGE_ID, name: PAGE_NAME });
		const page = await api(fake, 'GET', `/${PAGE_ID}`);
		assert.deepEqual(page.body, { id: PAGE_ID, name: PAGE_NAME });
		assert.equal(fake.requests[0].version, 'v23.0');
		assert.equal(fake.requests[0].path, '/me');
		assert.equal(fake.requests[0].headers.authorization, `Bearer ${PAGE_TOKEN}`);
		assert.equal(fake.requests[1].version, null);
		assert.equal(fake.requests[1].path, `/${PAGE_ID}`);
		assert.equal(fake.requests[1].query.access_token, PAGE_TOKEN);
	});

	it('returns only the requested fields plus id', async () => {
		const res = await api(fake, 'GET', `/v19.0/${PAGE_ID}`, { query: { fields: 'instagram_business_account' } });
		assert.deepEqual(res.body, { instagram_business_account: { id: IG_ACCOUNT_ID }, id: PAGE_ID });
	});

	it('rejects unknown fields and malformed field expansions like Graph', async () => {
		assertGraphError(await api(fake, 'GET', `/v23.0/${PAGE_ID}`, { query: { fields: 'name,nope' } }), 100);
		assertGraphError(await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { fields: 'messages{id' } }), 2500);
	});

	it('resolves /me to the Instagram account for an Instagram Login token (id is app-scoped, user_id the account)', async () => {
		const res = await api(fake, 'GET', '/v23.0/me', { token: IG_USER_TOKEN, query: { fields: 'id,username,user_id,name' } });
		assert.equal(res.status, 200);
		assert.deepEqual(res.body, { id: IG_APP_SCOPED_ID, username: IG_USERNAME, user_id: IG_ACCOUNT_ID, name: 'Acme Coffee' });
	});

	it('answers 190 for unknown and expired tokens, 104 for none', async () => {
		const unknown = await api(fake, 'GET', '/v23.0/me', { token: 'EAAnotAtoken' });
		assertGraphError(unknown, 190);
		assert.equal(unknown.body.error.type, 'OAuthException');
		assertGraphError(await api(fake, 'GET', '/v23.0/me', { token: EXPIRED_PAGE_TOKEN }), 190, 463);
		assertGraphError(await api(fake, 'GET', '/v23.0/me', { token: null }), 104);
	});

	it('checks appsecret_proof when present', async () => {
		const good = await api(fake, 'GET', '/v23.0/me', { query: { appsecret_proof: appSecretProof(APP_SECRET, PAGE_TOKEN) } });
		assert.equal(good.status, 200);
		const bad = await api(fake, 'GET', '/v23.0/me', { query: { appsecret_proof: appSecretProof('not-the-secret', PAGE_TOKEN) } });
		assertGraphError(bad, 100);
		assert.equal(bad.body.error.message, 'Invalid appsecret_proof provided in the API argument');
	});

	it('keeps the app token to app-level edges and Page tokens to their own Page', async () => {
		assertGraphError(await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { token: APP_ACCESS_TOKEN }), 210);
		assertGraphError(await api(fake, 'GET', `/v23.0/${APP_ID}/subscriptions`), 15);
		assertGraphError(await api(fake, 'GET', `/v23.0/${PAGE_ID}`, { token: OTHER_PAGE_TOKEN }), 100, 33);
		assertGraphError(await api(fake, 'GET', `/v23.0/${CONVERSATION_IDS.alice}`, { token: OTHER_PAGE_TOKEN }), 100, 33);
		assertGraphError(await api(fake, 'GET', `/v23.0/${CONVERSATION_IDS.alice}`, { token: IG_USER_TOKEN }), 100, 33);
		assertGraphError(await api(fake, 'GET', '/v23.0/me/nonexistent_edge'), 2500);
	});
});

describe('fake Graph: appsecret_proof required', () => {
	it('rejects calls without a proof when the app requires it', async () => {
		const fake = await startFakeGraph({ requireAppSecretProof: true });
		try {
			const missing = await api(fake, 'GET', '/v23.0/me');
			assertGraphError(missing, 100);
			assert.match(missing.body.error.message, /appsecret_proof/);
			const ok = await api(fake, 'GET', '/v23.0/me', { query: { appsecret_proof: appSecretProof(APP_SECRET, PAGE_TOKEN) } });
			assert.equal(ok.status, 200);
		} finally {
			await fake.close();
		}
	});
});

describe('fake Graph: Conversations API', () => {
	let fake: FakeGraph;
	before(async () => {
		fake = await startFakeGraph();
	});
	after(() => fake.close());

	it('lists Messenger conversations newest first with id and updated_time by default', async () => {
		const res = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { platform: 'messenger' } });
		assert.equal(res.status, 200);
		assert.deepEqual(
			res.body.data.map((c: { id: string }) => c.id),
			[CONVERSATION_IDS.chloe, CONVERSATION_IDS.alice, CONVERSATION_IDS.bob, CONVERSATION_IDS.dana],
		);
		assert.deepEqual(Object.keys(res.body.data[0]).sort(), ['id', 'updated_time']);
		assert.match(res.body.data[0].updated_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
		assert.equal(res.body.paging.next, undefined);
	});

	it('filters by user_id and then answers ids only', async () => {
		const res = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { platform: 'messenger', user_id: USERS.alice.id } });
		assert.deepEqual(res.body.data, [{ id: CONVERSATION_IDS.alice }]);
	});

	it('pages with cursors and an absolute next URL on its own host until next is absent', async () => {
		const seen: string[] = [];
		let url: string | undefined = `${fake.url}/v23.0/${PAGE_ID}/conversations?platform=messenger&limit=2&access_token=${PAGE_TOKEN}`;
		let pages = 0;
		while (url) {
			assert.ok(url.startsWith(`${fake.url}/v23.0/`), url);
			const body = (await (await fetch(url)).json()) as { data: Array<{ id: string }>; paging?: { next?: string; cursors: { after: string } } };
			seen.push(...body.data.map((c) => c.id));
			url = body.paging?.next;
			pages++;
		}
		assert.equal(pages, 2);
		assert.deepEqual(seen, [CONVERSATION_IDS.chloe, CONVERSATION_IDS.alice, CONVERSATION_IDS.bob, CONVERSATION_IDS.dana]);
	});

	it('pages backwards with before/previous', async () => {
		const first = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { limit: '2' } });
		const second = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { limit: '2', after: first.body.paging.cursors.after } });
		assert.ok(second.body.paging.previous);
		const back = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { limit: '2', before: second.body.paging.cursors.before } });
		assert.deepEqual(back.body.data, first.body.data);
	});

	it('expands participants, counts and nested messages with their own paging', async () => {
		const res = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, {
			query: { user_id: USERS.alice.id, fields: 'participants,message_count,unread_count,messages.limit(2){id,created_time,from,to,message,attachments}' },
		});
		const conv = res.body.data[0];
		assert.equal(conv.message_count, 6);
		assert.equal(conv.unread_count, 1);
		assert.deepEqual(conv.participants.data[0], { name: 'Alice Müller', email: `${USERS.alice.id}@facebook.com`, id: USERS.alice.id });
		assert.equal(conv.messages.data.length, 2);
		assert.equal(conv.messages.data[0].message, 'Danke! Passt 👍');
		assert.deepEqual(conv.messages.data[0].from, { name: 'Alice Müller', email: `${USERS.alice.id}@facebook.com`, id: USERS.alice.id });
		assert.deepEqual(conv.messages.data[0].to.data, [{ name: PAGE_NAME, email: `${PAGE_ID}@facebook.com`, id: PAGE_ID }]);
		assert.equal(conv.messages.data[1].attachments.data[0].mime_type, 'application/pdf');
		assert.match(conv.messages.data[1].attachments.data[0].file_url, /^http:\/\/127\.0\.0\.1:\d+\/cdn\/seed\/invoice\.pdf$/);
		const next = new URL(conv.messages.paging.next);
		assert.equal(next.pathname, `/v23.0/${CONVERSATION_IDS.alice}/messages`);
		const more = (await (await fetch(next)).json()) as { data: Array<{ message: string; attachments?: { data: Array<{ image_data?: { url: string } }> } }> };
		assert.equal(more.data.length, 2);
		assert.ok(more.data[0].attachments?.data[0].image_data?.url.endsWith('/cdn/seed/label.png'));
		const png = await fetch(more.data[0].attachments!.data[0].image_data!.url);
		assert.equal(png.headers.get('content-type'), 'image/png');
		assert.equal((await png.arrayBuffer()).byteLength, 70);
	});

	it('lists Instagram conversations with usernames, hiding stale request-folder threads', async () => {
		const res = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { platform: 'instagram', fields: 'participants' } });
		const ids = res.body.data.map((c: { id: string }) => c.id);
		assert.deepEqual(ids, [CONVERSATION_IDS.kenji, CONVERSATION_IDS.ines]);
		assert.deepEqual(res.body.data[0].participants.data, [
			{ username: 'kenji_t', id: USERS.kenji.id },
			{ username: IG_USERNAME, id: IG_ACCOUNT_ID },
		]);
		const viaIgLogin = await api(fake, 'GET', '/v23.0/me/conversations', { token: IG_USER_TOKEN, query: { platform: 'instagram' } });
		assert.deepEqual(
			viaIgLogin.body.data.map((c: { id: string }) => c.id),
			ids,
		);
		assertGraphError(await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { platform: 'whatsapp' } }), 100);
	});

	it('can return an empty page that still carries next (hidden threads keep their slot)', async () => {
		const res = await api(fake, 'GET', `/v23.0/${IG_ACCOUNT_ID}/conversations`, { token: IG_USER_TOKEN, query: { limit: '1' } });
		assert.equal(res.body.data.length, 1);
		const p2 = await api(fake, 'GET', `/v23.0/${IG_ACCOUNT_ID}/conversations`, { token: IG_USER_TOKEN, query: { limit: '1', after: res.body.paging.cursors.after } });
		assert.equal(p2.body.data.length, 1);
		assert.ok(p2.body.paging.next, 'the hidden thread follows');
		const p3 = (await (await fetch(p2.body.paging.next)).json()) as { data: unknown[]; paging?: { next?: string } };
		assert.deepEqual(p3.data, []);
		assert.equal(p3.paging?.next, undefined);
	});

	it('only the 20 most recent messages can be read in detail', async () => {
		const list = await api(fake, 'GET', `/v23.0/${CONVERSATION_IDS.bob}/messages`, { query: { fields: 'id,created_time,message,from', limit: '25' } });
		assert.equal(list.body.data.length, 25);
		assert.equal(list.body.data[19].message, 'Message 6 of 25');
		assert.deepEqual(Object.keys(list.body.data[20]).sort(), ['created_time', 'id']);
		const recent = await api(fake, 'GET', `/v23.0/${list.body.data[19].id}`, { query: { fields: 'id,message' } });
		assert.deepEqual(recent.body, { id: list.body.data[19].id, message: 'Message 6 of 25' });
		const old = await api(fake, 'GET', `/v23.0/${list.body.data[20].id}`, { query: { fields: 'id,message' } });
		assertGraphError(old, 100, 9000001);
		assert.equal(old.body.error.message, 'This message has been deleted');
	});

	it('reads a conversation node with a messages expansion (default message fields id, created_time)', async () => {
		const res = await api(fake, 'GET', `/v23.0/${CONVERSATION_IDS.chloe}`, { query: { fields: 'messages' } });
		assert.equal(res.body.id, CONVERSATION_IDS.chloe);
		assert.equal(res.body.messages.data.length, 3);
		assert.deepEqual(Object.keys(res.body.messages.data[0]).sort(), ['created_time', 'id']);
	});

	it('reads a message with Instagram shapes (from.username, to.data)', async () => {
		const conv = fake.state.conversations.get(CONVERSATION_IDS.kenji)!;
		const newest = conv.messages[0];
		const res = await api(fake, 'GET', `/v23.0/${newest.id}`, { token: IG_USER_TOKEN, query: { fields: 'id,created_time,from,to,message' } });
		assert.equal(res.status, 200);
		assert.deepEqual(res.body.from, { username: IG_USERNAME, id: IG_ACCOUNT_ID });
		assert.deepEqual(res.body.to, { data: [{ username: 'kenji_t', id: USERS.kenji.id }] });
		assert.equal(res.body.message, 'はい、確認します 🙇');
		assert.ok(newest.id.startsWith('aWdf'), 'Instagram mids are base64 ig_message_item keys');
	});
});

describe('fake Graph: paging over a large state', () => {
	it('walks 230 conversations 100 at a time (limit above 100 is capped) without gaps or repeats', async () => {
		const fake = await startFakeGraph({ state: createLargeState({ conversations: 230, messagesPerConversation: 3 }) });
		try {
			const ids: string[] = [];
			let url: string | undefined = `${fake.url}/v23.0/me/conversations?limit=500&access_token=${PAGE_TOKEN}`;
			while (url) {
				const body = (await (await fetch(url)).json()) as { data: Array<{ id: string }>; paging?: { next?: string } };
				assert.ok(body.data.length <= 100);
				ids.push(...body.data.map((c) => c.id));
				url = body.paging?.next;
			}
			assert.equal(ids.length, 230);
			assert.equal(new Set(ids).size, 230);
			assert.equal(ids[0], fake.state.findConversation(PAGE_ID, largeUserId('messenger', 229))!.id);
		} finally {
			await fake.close();
		}
	});
});

describe('fake Graph: Send API', () => {
	let fake: FakeGraph;
	before(async () => {
		fake = await startFakeGraph();
	});
	after(() => fake.close());

	it('sends a text, stores it in the conversation and counts the delivery', async () => {
		const res = await send(fake, { recipient: { id: USERS.alice.id }, messaging_type: 'RESPONSE', message: { text: 'Grüße 👋 zurück' } });
		assert.equal(res.status, 200);
		assert.equal(res.body.recipient_id, USERS.alice.id);
		assert.match(res.body.message_id, /^m_/);
		const conv = fake.state.conversations.get(CONVERSATION_IDS.alice)!;
		assert.equal(conv.messages[0].id, res.body.message_id);
		assert.equal(conv.messages[0].text, 'Grüße 👋 zurück');
		assert.equal(fake.state.deliveryCount(USERS.alice.id, 'Grüße 👋 zurück'), 1);
		const read = await api(fake, 'GET', `/v23.0/${res.body.message_id}`, { query: { fields: 'message,from' } });
		assert.equal(read.body.message, 'Grüße 👋 zurück');
		assert.equal(read.body.from.id, PAGE_ID);
	});

	it('accepts form bodies with JSON-valued fields, like Graph', async () => {
		const res = await api(fake, 'POST', '/v23.0/me/messages', {
			form: { recipient: JSON.stringify({ id: USERS.bob.id }), message: JSON.stringify({ text: 'form-encoded' }) },
		});
		assert.equal(res.status, 200);
		const recorded = fake.requests[fake.requests.length - 1].body as Record<string, string>;
		assert.equal(recorded.recipient, JSON.stringify({ id: USERS.bob.id }));
		assert.equal(fake.state.deliveryCount(USERS.bob.id, 'form-encoded'), 1);
	});

	it('creates a conversation for a first message and sends to Instagram through the Page token', async () => {
		const res = await send(fake, { recipient: { id: USERS.omar.id }, message: { text: 'hi' } });
		assertGraphError(res, 200, 2534041);
		const ok = await send(fake, { recipient: { id: USERS.ines.id }, message: { text: '¡Hasta luego!' } }, PAGE_TOKEN, `/v23.0/${PAGE_ID}/messages`);
		assert.equal(ok.status, 200);
		assert.ok(ok.body.message_id.startsWith('aWdf'));
		assert.equal(fake.state.conversations.get(CONVERSATION_IDS.ines)!.messages[0].text, '¡Hasta luego!');
	});

	it('validates recipient / message / sender_action exclusivity', async () => {
		assertGraphError(await send(fake, { message: { text: 'x' } }), 100);
		assertGraphError(await send(fake, { recipient: { id: USERS.alice.id } }), 100);
		assertGraphError(await send(fake, { recipient: { id: USERS.alice.id }, message: { text: 'x' }, sender_action: 'typing_on' }), 100);
		assertGraphError(await send(fake, { recipient: { id: USERS.alice.id }, message: {} }), 100);
		assertGraphError(await send(fake, { recipient: { id: USERS.alice.id }, sender_action: 'dance' }), 100);
	});

	it('answers documented errors for unknown and unreachable recipients', async () => {
		assertGraphError(await send(fake, { recipient: { id: '999' }, message: { text: 'x' } }), 100, 2018001);
		assertGraphError(await send(fake, { recipient: { id: USERS.alice.id }, message: { text: 'x' } }, IG_USER_TOKEN), 100, 2534014);
		assertGraphError(await send(fake, { recipient: { id: USERS.dana.id }, message: { text: 'x' } }), 10, 2018108);
		assertGraphError(await send(fake, { recipient: { id: USERS.erik.id }, message: { text: 'x' } }), 551, 1545041);
	});

	it('enforces the Messenger limit of fewer than 2000 characters (emoji count as one)', async () => {
		assert.equal((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: '😀'.repeat(1999) } })).status, 200);
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'a'.repeat(2000) } }), 100);
	});

	it('enforces the Instagram limit of 1000 UTF-8 bytes', async () => {
		assert.equal((await send(fake, { recipient: { id: USERS.kenji.id }, message: { text: 'a'.repeat(1000) } }, IG_USER_TOKEN)).status, 200);
		// 334 × "ü" (2 bytes) = 668 bytes fine; 250 × "😀" (4 bytes) = 1000 fine; 251 = 1004 bytes too many.
		assert.equal((await send(fake, { recipient: { id: USERS.kenji.id }, message: { text: '😀'.repeat(250) } }, IG_USER_TOKEN)).status, 200);
		assertGraphError(await send(fake, { recipient: { id: USERS.kenji.id }, message: { text: '😀'.repeat(251) } }, IG_USER_TOKEN), 100);
	});

	it('limits quick replies (13, titles 20 chars, Instagram text only)', async () => {
		const qr = (n: number, title = 'Option') => Array.from({ length: n }, (_, i) => ({ content_type: 'text', title, payload: `P${i}` }));
		assert.equal((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'pick', quick_replies: qr(13) } })).status, 200);
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'pick', quick_replies: qr(14) } }), 100);
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'pick', quick_replies: qr(1, 'x'.repeat(21)) } }), 100);
		const email = [{ content_type: 'user_email' }];
		assert.equal((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'mail?', quick_replies: email } })).status, 200);
		assertGraphError(await send(fake, { recipient: { id: USERS.kenji.id }, message: { text: 'mail?', quick_replies: email } }, IG_USER_TOKEN), 100);
	});

	it('limits templates: generic ≤ 10 elements, titles ≤ 80, ≤ 3 buttons; button text ≤ 640 with 1–3 buttons', async () => {
		const button = { type: 'postback', title: 'Go', payload: 'GO' };
		const generic = (elements: unknown[]) => ({ recipient: { id: USERS.bob.id }, message: { attachment: { type: 'template', payload: { template_type: 'generic', elements } } } });
		const element = (title = 'Hat', buttons = [button]) => ({ title, subtitle: 'For everyone', buttons });
		assert.equal((await send(fake, generic(Array.from({ length: 10 }, () => element())))).status, 200);
		assertGraphError(await send(fake, generic(Array.from({ length: 11 }, () => element()))), 100);
		assertGraphError(await send(fake, generic([element('t'.repeat(81))])), 100);
		assertGraphError(await send(fake, generic([element('Hat', [button, button, button, button])])), 100);
		const buttonTemplate = (text: string, buttons: unknown[]) => ({
			recipient: { id: USERS.bob.id },
			message: { attachment: { type: 'template', payload: { template_type: 'button', text, buttons } } },
		});
		assert.equal((await send(fake, buttonTemplate('t'.repeat(640), [button]))).status, 200);
		assertGraphError(await send(fake, buttonTemplate('t'.repeat(641), [button])), 100);
		assertGraphError(await send(fake, buttonTemplate('ok', [])), 100);
	});

	it('validates metadata, messaging_type and tags per platform', async () => {
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'x', metadata: 'm'.repeat(1000) } }), 100);
		assert.equal((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'x', metadata: 'm'.repeat(999) } })).status, 200);
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, messaging_type: 'PROMO', message: { text: 'x' } }), 100);
		assert.equal(
			(await send(fake, { recipient: { id: USERS.bob.id }, messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE', message: { text: 'shipped' } })).status,
			200,
		);
		assertGraphError(
			await send(fake, { recipient: { id: USERS.kenji.id }, messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE', message: { text: 'x' } }, IG_USER_TOKEN),
			100,
		);
		assert.equal(
			(await send(fake, { recipient: { id: USERS.kenji.id }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'agent here' } }, IG_USER_TOKEN))
				.status,
			200,
		);
	});

	it('handles sender actions: typing answers recipient_id only, react validates the message', async () => {
		const typing = await send(fake, { recipient: { id: USERS.alice.id }, sender_action: 'typing_on' });
		assert.deepEqual(typing.body, { recipient_id: USERS.alice.id });
		const mid = fake.state.conversations.get(CONVERSATION_IDS.kenji)!.messages.find((m) => m.direction === 'inbound')!.id;
		const react = await send(fake, { recipient: { id: USERS.kenji.id }, sender_action: 'react', payload: { message_id: mid, reaction: '🔥' } }, IG_USER_TOKEN);
		assert.deepEqual(react.body, { recipient_id: USERS.kenji.id });
		assert.deepEqual(fake.state.messages.get(mid)!.reactions, [{ userId: IG_ACCOUNT_ID, reaction: '🔥' }]);
		assertGraphError(await send(fake, { recipient: { id: USERS.kenji.id }, sender_action: 'react', payload: { message_id: 'm_nope', reaction: '🔥' } }, IG_USER_TOKEN), 100);
		assertGraphError(await send(fake, { recipient: { id: USERS.kenji.id }, sender_action: 'react' }, IG_USER_TOKEN), 100);
		await send(fake, { recipient: { id: USERS.kenji.id }, sender_action: 'unreact', payload: { message_id: mid } }, IG_USER_TOKEN);
		assert.deepEqual(fake.state.messages.get(mid)!.reactions, []);
	});

	it('sends to user_ref (no recipient_id in the answer) and notification tokens', async () => {
		const ref = await send(fake, { recipient: { user_ref: 'checkbox-123' }, message: { text: 'thanks for opting in' } });
		assert.equal(ref.status, 200);
		assert.deepEqual(Object.keys(ref.body), ['message_id']);
		assert.equal(fake.state.deliveryCount('user_ref:checkbox-123'), 1);
		const token = await send(fake, { recipient: { notification_messages_token: NOTIFICATION_TOKEN }, message: { text: 'back in stock' } });
		assert.equal(token.body.recipient_id, USERS.alice.id);
	});

	it('resolves attachment ids and fails URL fetches for fail-fetch URLs', async () => {
		const upload = await api(fake, 'POST', '/v23.0/me/message_attachments', {
			json: { message: { attachment: { type: 'image', payload: { url: 'https://cdn.example.com/hat.png', is_reusable: true } } } },
		});
		assert.equal(upload.status, 200);
		assert.match(upload.body.attachment_id, /^\d+$/);
		const byId = await send(fake, { recipient: { id: USERS.bob.id }, message: { attachment: { type: 'image', payload: { attachment_id: upload.body.attachment_id } } } });
		assert.equal(byId.status, 200);
		assert.equal(fake.state.messages.get(byId.body.message_id)!.attachments[0].url, 'https://cdn.example.com/hat.png');
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, message: { attachment: { type: 'image', payload: { attachment_id: '404' } } } }), 100);
		assertGraphError(
			await send(fake, { recipient: { id: USERS.bob.id }, message: { attachment: { type: 'image', payload: { url: 'https://x.example/fail-fetch.png' } } } }),
			100,
			2018008,
		);
		// An upload made for Messenger cannot be used on Instagram.
		assertGraphError(
			await send(fake, { recipient: { id: USERS.kenji.id }, message: { attachment: { type: 'image', payload: { attachment_id: upload.body.attachment_id } } } }, IG_USER_TOKEN),
			100,
		);
	});
});

describe('fake Graph: Attachment Upload (multipart)', () => {
	let fake: FakeGraph;
	before(async () => {
		fake = await startFakeGraph();
	});
	after(() => fake.close());

	const multipart = (fileSize: number, type = 'image', filename = 'photo.png'): FormData => {
		const form = new FormData();
		form.append('message', JSON.stringify({ attachment: { type, payload: { is_reusable: true } } }));
		form.append('filedata', new Blob([new Uint8Array(fileSize).fill(7)], { type: 'image/png' }), filename);
		return form;
	};

	it('parses filedata + message, serves the bytes back, and records the parts', async () => {
		const res = await fetch(`${fake.url}/v23.0/${PAGE_ID}/message_attachments?access_token=${PAGE_TOKEN}`, { method: 'POST', body: multipart(1234) });
		const body = (await res.json()) as { attachment_id: string };
		assert.equal(res.status, 200);
		const stored = fake.state.attachments.get(body.attachment_id)!;
		assert.equal(stored.size, 1234);
		assert.equal(stored.mimeType, 'image/png');
		const parts = fake.requests[fake.requests.length - 1].body as Array<{ name: string; filename?: string; size: number; data: Buffer; contentType?: string }>;
		assert.deepEqual(
			parts.map((p) => [p.name, p.filename, p.size]),
			[
				['message', undefined, parts[0].size],
				['filedata', 'photo.png', 1234],
			],
		);
		assert.equal(parts[1].contentType, 'image/png');
		assert.equal(parts[1].data[0], 7);
		const served = await fetch(`${fake.url}${stored.url}`);
		assert.equal((await served.arrayBuffer()).byteLength, 1234);
	});

	it('rejects files over 25 MB with 100 / 2018109 and accepts exactly 25 MB', async () => {
		const limit = 25 * 1024 * 1024;
		const ok = await fetch(`${fake.url}/v23.0/me/message_attachments?access_token=${PAGE_TOKEN}`, { method: 'POST', body: multipart(limit, 'file', 'big.bin') });
		assert.equal(ok.status, 200);
		const tooBig = await fetch(`${fake.url}/v23.0/me/message_attachments?access_token=${PAGE_TOKEN}`, { method: 'POST', body: multipart(limit + 1, 'file', 'big.bin') });
		const body = (await tooBig.json()) as { error: { code: number; error_subcode: number } };
		assert.equal(tooBig.status, 400);
		assert.equal(body.error.code, 100);
		assert.equal(body.error.error_subcode, 2018109);
	});
});

describe('fake Graph: batch requests', () => {
	let fake: FakeGraph;
	before(async () => {
		fake = await startFakeGraph();
	});
	after(() => fake.close());

	it('runs each item through the router and answers {code, headers, body: JSON string}', async () => {
		fake.clearRequests();
		const batch = [
			{ method: 'POST', relative_url: 'me/messages', body: new URLSearchParams({ recipient: JSON.stringify({ id: USERS.alice.id }), message: JSON.stringify({ text: 'batch 1' }) }).toString() },
			{ method: 'POST', relative_url: 'v23.0/me/messages', body: new URLSearchParams({ recipient: JSON.stringify({ id: '404' }), message: JSON.stringify({ text: 'batch 2' }) }).toString() },
			{ method: 'GET', relative_url: `${PAGE_ID}?fields=name` },
		];
		const res = await api(fake, 'POST', '/', { form: { batch: JSON.stringify(batch), include_headers: 'true' } });
		assert.equal(res.status, 200);
		assert.equal(res.body.length, 3);
		assert.equal(res.body[0].code, 200);
		assert.ok(Array.isArray(res.body[0].headers));
		assert.equal(JSON.parse(res.body[0].body).recipient_id, USERS.alice.id);
		assert.equal(res.body[1].code, 400);
		assert.equal(JSON.parse(res.body[1].body).error.error_subcode, 2018001);
		assert.deepEqual(JSON.parse(res.body[2].body), { name: PAGE_NAME, id: PAGE_ID });
		assert.equal(fake.state.deliveryCount(USERS.alice.id, 'batch 1'), 1);
		assert.equal(fake.state.deliveryCount(USERS.alice.id, 'batch 2'), 0);
		assert.equal(fake.requests.length, 1);
		assert.equal(fake.requests[0].batchItems!.length, 3);
		assert.equal(fake.calls('POST /me/messages').length, 2);
	});

	it('accepts JSON bodies, omits headers when include_headers=false, and rejects more than 50 items', async () => {
		const item = { method: 'GET', relative_url: 'me' };
		const res = await api(fake, 'POST', '/v23.0/', { json: { batch: [item], include_headers: false } });
		assert.equal(res.status, 200);
		assert.equal(res.body[0].headers, undefined);
		assertGraphError(await api(fake, 'POST', '/', { json: { batch: Array.from({ length: 51 }, () => item) } }), 100);
		assert.equal((await api(fake, 'POST', '/', { json: { batch: Array.from({ length: 50 }, () => item) } })).body.length, 50);
	});

	it('answers null for an item whose call was dropped', async () => {
		fake.failNext({ path: '/me', inBatch: true }, { hangup: true });
		const res = await api(fake, 'POST', '/', { json: { batch: [{ method: 'GET', relative_url: 'me' }, { method: 'GET', relative_url: 'me' }] } });
		assert.equal(res.body[0], null);
		assert.equal(res.body[1].code, 200);
	});
});

describe('fake Graph: injected failures and usage headers', () => {
	let fake: FakeGraph;
	before(async () => {
		fake = await startFakeGraph();
	});
	after(() => fake.close());

	it('fails the next matching call with a documented error, then recovers, without delivering', async () => {
		fake.failNext('POST /me/messages', 'pageRateLimit', 2);
		const body = { recipient: { id: USERS.chloe.id }, message: { text: 'retry me' } };
		assertGraphError(await send(fake, body), 32);
		assertGraphError(await send(fake, body), 32);
		assert.equal(fake.state.deliveryCount(USERS.chloe.id, 'retry me'), 0);
		assert.equal((await send(fake, body)).status, 200);
		assert.equal(fake.state.deliveryCount(USERS.chloe.id, 'retry me'), 1);
	});

	it('injects HTTP 429 and custom error bodies', async () => {
		fake.failNext(/\/messages$/, { status: 429, error: { message: '(#4) Application request limit reached', type: 'OAuthException', code: 4 } });
		const res = await send(fake, { recipient: { id: USERS.chloe.id }, message: { text: 'x' } });
		assert.equal(res.status, 429);
		assert.equal(res.body.error.code, 4);
		fake.failNext(`/${PAGE_ID}/conversations`, 'outsideWindow');
		assertGraphError(await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`), 10, 2018278);
	});

	it('afterProcessing delivers the message and still fails: a blind retry shows up as a duplicate', async () => {
		fake.failNext('POST /me/messages', { afterProcessing: true, status: 500, error: { message: 'An unknown error occurred', code: 1 } });
		const body = { recipient: { id: USERS.chloe.id }, message: { text: 'did it go out?' } };
		assert.equal((await send(fake, body)).status, 500);
		assert.equal(fake.state.deliveryCount(USERS.chloe.id, 'did it go out?'), 1);
		await send(fake, body);
		assert.equal(fake.state.duplicateDeliveries().filter((d) => d.recipient === USERS.chloe.id && d.count === 2).length, 1);
	});

	it('hangup drops the connection', async () => {
		fake.failNext('GET /me', { hangup: true });
		await assert.rejects(() => api(fake, 'GET', '/v23.0/me'));
		assert.equal((await api(fake, 'GET', '/v23.0/me')).status, 200);
	});

	it('adds X-App-Usage / X-Business-Use-Case-Usage / X-Page-Usage when set', async () => {
		fake.setUsageHeaders({
			appUsage: { call_count: 91, total_cputime: 10, total_time: 12 },
			businessUseCaseUsage: { [PAGE_ID]: [{ type: 'pages', call_count: 95, total_cputime: 5, total_time: 5, estimated_time_to_regain_access: 3 }] },
			pageUsage: { call_count: 80, total_cputime: 1, total_time: 1 },
		});
		const res = await api(fake, 'GET', '/v23.0/me');
		assert.equal(JSON.parse(res.headers.get('x-app-usage')!).call_count, 91);
		assert.equal(JSON.parse(res.headers.get('x-business-use-case-usage')!)[PAGE_ID][0].estimated_time_to_regain_access, 3);
		assert.equal(JSON.parse(res.headers.get('x-page-usage')!).call_count, 80);
		fake.setUsageHeaders({});
		assert.equal((await api(fake, 'GET', '/v23.0/me')).headers.get('x-app-usage'), null);
	});
});

describe('fake Graph: sustained rate limit', () => {
	it('answers 613 beyond N sends per second per Page, does not deliver those, and frees the window', async () => {
		const fake = await startFakeGraph({ rateLimitPerSecond: 5 });
		try {
			const results = await Promise.all(
				Array.from({ length: 8 }, (_, i) => send(fake, { recipient: { id: USERS.bob.id }, message: { text: `burst ${i}` } })),
			);
			const ok = results.filter((r) => r.status === 200);
			const limited = results.filter((r) => r.status === 400);
			assert.equal(ok.length, 5);
			assert.equal(limited.length, 3);
			for (const r of limited) {
				assert.equal(r.body.error.code, 613);
				assert.equal(r.body.error.message, '(#613) Calls to this api have exceeded the rate limit.');
				const usage = JSON.parse(r.headers.get('x-business-use-case-usage')!);
				assert.ok(usage[PAGE_ID][0].estimated_time_to_regain_access >= 1);
			}
			const delivered = fake.state.deliveries().filter((d) => d.recipient === USERS.bob.id).reduce((n, d) => n + d.count, 0);
			assert.equal(delivered, 5);
			// Instagram sends have their own window (per business).
			assert.equal((await send(fake, { recipient: { id: USERS.kenji.id }, message: { text: 'ig' } }, IG_USER_TOKEN)).status, 200);
			await new Promise((r) => setTimeout(r, 1050));
			assert.equal((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'after the window' } })).status, 200);
		} finally {
			await fake.close();
		}
	});

	it('counts batch items toward the limit', async () => {
		const fake = await startFakeGraph({ rateLimitPerSecond: 3, regainAccessMinutes: 0 });
		try {
			const item = (i: number) => ({
				method: 'POST',
				relative_url: 'me/messages',
				body: new URLSearchParams({ recipient: JSON.stringify({ id: USERS.bob.id }), message: JSON.stringify({ text: `b${i}` }) }).toString(),
			});
			const res = await api(fake, 'POST', '/', { json: { batch: [0, 1, 2, 3].map(item) } });
			assert.deepEqual(
				res.body.map((r: { code: number }) => r.code),
				[200, 200, 200, 400],
			);
			assert.equal(JSON.parse(res.body[3].body).error.code, 613);
			assert.equal(fake.state.deliveryCount(USERS.bob.id, 'b3'), 0);
		} finally {
			await fake.close();
		}
	});
});

describe('fake Graph: webhook registration', () => {
	let fake: FakeGraph;
	before(async () => {
		fake = await startFakeGraph();
	});
	after(() => fake.close());

	const subscribe = (callbackUrl: string, verifyToken: string, fields = 'messages,messaging_postbacks') =>
		api(fake, 'POST', `/v23.0/${APP_ID}/subscriptions`, {
			token: APP_ACCESS_TOKEN,
			form: { object: 'page', callback_url: callbackUrl, fields, verify_token: verifyToken, include_values: 'true' },
		});

	it('verifies the callback with hub.challenge before answering success', async () => {
		const cb = await callbackServer(goodCallback('s3cret'));
		try {
			const res = await subscribe(cb.url, 's3cret');
			assert.equal(res.status, 200);
			assert.deepEqual(res.body, { success: true });
			assert.equal(cb.hits.length, 1);
			const hit = new URL(cb.hits[0].url!, 'http://x');
			assert.equal(hit.pathname, '/webhook/abc');
			assert.equal(hit.searchParams.get('hub.mode'), 'subscribe');
			assert.equal(hit.searchParams.get('hub.verify_token'), 's3cret');
			assert.match(hit.searchParams.get('hub.challenge')!, /^\d+$/);
			const list = await api(fake, 'GET', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN });
			assert.deepEqual(list.body, {
				data: [
					{
						object: 'page',
						callback_url: cb.url,
						active: true,
						fields: [
							{ name: 'messages', version: 'v23.0' },
							{ name: 'messaging_postbacks', version: 'v23.0' },
						],
					},
				],
			});
		} finally {
			await cb.close();
		}
	});

	it('fails with 2200 when the callback rejects the token or echoes the wrong challenge, keeping the old subscription', async () => {
		const forbidden = await callbackServer(goodCallback('other-token'));
		const wrongEcho = await callbackServer((_req, res) => res.writeHead(200).end('not-the-challenge'));
		try {
			const before = fake.state.appSubscriptions.get('page')?.callbackUrl;
			const a = await subscribe(forbidden.url, 's3cret');
			assertGraphError(a, 2200);
			assert.match(a.body.error.message, /^\(#2200\) Callback verification failed with the following errors: .*403/);
			const b = await subscribe(wrongEcho.url, 's3cret');
			assertGraphError(b, 2200);
			assert.match(b.body.error.message, /does not match challenge/);
			const unreachable = await subscribe('http://127.0.0.1:1/webhook', 's3cret');
			assertGraphError(unreachable, 2200);
			assert.equal(fake.state.appSubscriptions.get('page')?.callbackUrl, before);
		} finally {
			await forbidden.close();
			await wrongEcho.close();
		}
	});

	it('a second callback URL for the same object replaces the first; DELETE removes fields then the object', async () => {
		const first = await callbackServer(goodCallback('t1'));
		const second = await callbackServer(goodCallback('t2'));
		try {
			assert.equal((await subscribe(first.url, 't1')).status, 200);
			assert.equal((await subscribe(second.url, 't2', 'message_reactions')).status, 200);
			const list = await api(fake, 'GET', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN });
			assert.equal(list.body.data.length, 1);
			assert.equal(list.body.data[0].callback_url, second.url);
			assert.ok(list.body.data[0].fields.some((f: { name: string }) => f.name === 'message_reactions'));
			await api(fake, 'DELETE', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN, query: { object: 'page', fields: 'message_reactions' } });
			const after = await api(fake, 'GET', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN });
			assert.ok(!after.body.data[0].fields.some((f: { name: string }) => f.name === 'message_reactions'));
			const del = await api(fake, 'DELETE', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN, query: { object: 'page' } });
			assert.deepEqual(del.body, { success: true });
			assert.deepEqual((await api(fake, 'GET', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN })).body, { data: [] });
		} finally {
			await first.close();
			await second.close();
		}
	});

	it('manages Page and Instagram subscribed_apps', async () => {
		assertGraphError(await api(fake, 'POST', `/v23.0/${PAGE_ID}/subscribed_apps`, {}), 100);
		const res = await api(fake, 'POST', `/v23.0/${PAGE_ID}/subscribed_apps`, { query: { subscribed_fields: 'messages,messaging_postbacks' } });
		assert.deepEqual(res.body, { success: true });
		const list = await api(fake, 'GET', `/v23.0/${PAGE_ID}/subscribed_apps`);
		assert.deepEqual(list.body.data, [{ id: APP_ID, name: 'Social Messaging Test App', subscribed_fields: ['messages', 'messaging_postbacks'] }]);
		const ig = await api(fake, 'POST', `/v23.0/${IG_ACCOUNT_ID}/subscribed_apps`, { token: IG_USER_TOKEN, query: { subscribed_fields: 'messages' } });
		assert.equal(ig.status, 200);
		assert.deepEqual(fake.state.subscribedApps.get(IG_ACCOUNT_ID)?.get(APP_ID), ['messages']);
		await api(fake, 'DELETE', `/v23.0/${PAGE_ID}/subscribed_apps`);
		assert.deepEqual((await api(fake, 'GET', `/v23.0/${PAGE_ID}/subscribed_apps`)).body, { data: [] });
	});
});

describe('fake Graph: webhook delivery', () => {
	let fake: FakeGraph;
	before(async () => {
		fake = await startFakeGraph();
	});
	after(() => fake.close());

	it('escapes non-ASCII and slashes in the raw bytes and signs exactly those bytes', async () => {
		const bodies: Buffer[] = [];
		const headers: http.IncomingHttpHeaders[] = [];
		const cb = await callbackServer(goodCallback('x', bodies, headers));
		try {
			const payload = webhookPayload('page', PAGE_ID, [messageEvent({ from: USERS.alice.id, to: PAGE_ID, timestamp: 1714554000000, text: 'Grüße 👋 https://a.b/c' })]);
			const res = await fake.deliver(cb.url, payload);
			assert.equal(res.status, 200);
			const raw = bodies[0];
			const text = raw.toString('utf8');
			assert.ok(/^[\x00-\x7f]*$/.test(text), 'only ASCII on the wire');
			assert.ok(text.includes('Gr\\u00fc\\u00dfe \\ud83d\\udc4b'), text);
			assert.ok(text.includes('https:\\/\\/a.b\\/c'));
			assert.deepEqual(JSON.parse(text), payload);
			const expected = 'sha256=' + createHmac('sha256', APP_SECRET).update(raw).digest('hex');
			assert.equal(headers[0]['x-hub-signature-256'], expected);
			// Re-serialising the parsed JSON gives different bytes, so a receiver must hash the raw body.
			const reserialised = 'sha256=' + createHmac('sha256', APP_SECRET).update(JSON.stringify(JSON.parse(text))).digest('hex');
			assert.notEqual(reserialised, expected);
			assert.equal(metaJson(payload), text);
		} finally {
			await cb.close();
		}
	});

	it('can send missing, wrong and tampered signatures', async () => {
		const bodies: Buffer[] = [];
		const headers: http.IncomingHttpHeaders[] = [];
		const cb = await callbackServer(goodCallback('x', bodies, headers));
		try {
			const payload = webhookPayload('instagram', IG_ACCOUNT_ID, [messageEvent({ from: USERS.ines.id, to: IG_ACCOUNT_ID, platform: 'instagram', text: 'hola' })]);
			const valid = (raw: Buffer, header: unknown) => header === 'sha256=' + createHmac('sha256', APP_SECRET).update(raw).digest('hex');
			await fake.deliver(cb.url, payload, { signature: 'missing' });
			assert.equal(headers[0]['x-hub-signature-256'], undefined);
			await fake.deliver(cb.url, payload, { signature: 'wrong' });
			assert.match(String(headers[1]['x-hub-signature-256']), /^sha256=[0-9a-f]{64}$/);
			assert.equal(valid(bodies[1], headers[1]['x-hub-signature-256']), false);
			await fake.deliver(cb.url, payload, { signature: 'tampered' });
			assert.equal(valid(bodies[2], headers[2]['x-hub-signature-256']), false);
			assert.notDeepEqual(JSON.parse(bodies[2].toString()), payload);
			await fake.deliver(cb.url, payload);
			assert.equal(valid(bodies[3], headers[3]['x-hub-signature-256']), true);
		} finally {
			await cb.close();
		}
	});

	it('builds batched deliveries: one event per entry, shuffled and with duplicates on request', () => {
		const payload = batchedPayload('page', PAGE_ID, 10, { senders: [USERS.alice.id, USERS.bob.id], shuffle: true, duplicates: 2 });
		assert.equal(payload.entry.length, 12);
		const mids = payload.entry.map((e) => (e.messaging![0].message as { mid: string }).mid);
		assert.equal(new Set(mids).size, 10);
		const times = payload.entry.slice(0, 10).map((e) => e.messaging![0].timestamp);
		assert.notDeepEqual(times, [...times].sort((a, b) => a - b), 'out of order');
		assert.deepEqual(readEvent({ from: USERS.ines.id, to: IG_ACCOUNT_ID, platform: 'instagram', mid: 'aWdfX' }).read, { mid: 'aWdfX' });
		assert.deepEqual(readEvent({ from: USERS.alice.id, to: PAGE_ID, timestamp: 5 }).read, { watermark: 5 });
		assert.deepEqual(reactionEvent({ from: 'u', to: 'p', timestamp: 1, mid: 'm_1', action: 'unreact' }).reaction, { mid: 'm_1', action: 'unreact' });
	});

	it('emitWebhook delivers only when the app and the Page are subscribed to the field', async () => {
		const bodies: Buffer[] = [];
		const cb = await callbackServer(goodCallback('tok', bodies));
		try {
			const payload = webhookPayload('page', PAGE_ID, [messageEvent({ from: USERS.alice.id, to: PAGE_ID, text: 'hi' })]);
			assert.equal((await fake.emitWebhook(payload)).delivered, false);
			await api(fake, 'POST', `/v23.0/${APP_ID}/subscriptions`, {
				token: APP_ACCESS_TOKEN,
				form: { object: 'page', callback_url: cb.url, fields: 'messages', verify_token: 'tok' },
			});
			const noPage = await fake.emitWebhook(payload);
			assert.equal(noPage.delivered, false);
			assert.match(noPage.reason!, /subscribed_apps/);
			await api(fake, 'POST', `/v23.0/${PAGE_ID}/subscribed_apps`, { query: { subscribed_fields: 'messages' } });
			const ok = await fake.emitWebhook(payload);
			assert.equal(ok.delivered, true);
			assert.equal(ok.result!.status, 200);
			assert.equal(bodies.length, 1);
			const reaction = webhookPayload('page', PAGE_ID, [reactionEvent({ from: USERS.alice.id, to: PAGE_ID, mid: 'm_1' })]);
			assert.match((await fake.emitWebhook(reaction)).reason!, /message_reactions/);
		} finally {
			await cb.close();
		}
	});
});

describe('fake Graph: Messenger Profile, personas, user profile', () => {
	let fake: FakeGraph;
	before(async () => {
		fake = await startFakeGraph();
	});
	after(() => fake.close());

	it('sets, reads and deletes Messenger Profile properties; persistent_menu needs get_started', async () => {
		const menu = [{ locale: 'default', composer_input_disabled: false, call_to_actions: [{ type: 'postback', title: 'Help', payload: 'HELP' }] }];
		assertGraphError(await api(fake, 'POST', '/v23.0/me/messenger_profile', { json: { persistent_menu: menu } }), 100);
		const set = await api(fake, 'POST', '/v23.0/me/messenger_profile', {
			json: { get_started: { payload: 'START' }, greeting: [{ locale: 'default', text: 'Grüß Gott!' }], persistent_menu: menu },
		});
		assert.deepEqual(set.body, { result: 'success' });
		const read = await api(fake, 'GET', `/v23.0/${PAGE_ID}/messenger_profile`, { query: { fields: 'get_started,greeting,ice_breakers' } });
		assert.deepEqual(read.body, { data: [{ get_started: { payload: 'START' }, greeting: [{ locale: 'default', text: 'Grüß Gott!' }] }] });
		assertGraphError(await api(fake, 'POST', '/v23.0/me/messenger_profile', { json: { colour: 'red' } }), 100);
		await api(fake, 'DELETE', '/v23.0/me/messenger_profile', { json: { fields: ['greeting'] } });
		const after = await api(fake, 'GET', '/v23.0/me/messenger_profile', { query: { fields: 'greeting' } });
		assert.deepEqual(after.body, { data: [] });
	});

	it('creates, lists, reads and deletes personas; sends may use them', async () => {
		const created = await api(fake, 'POST', '/v23.0/me/personas', { json: { name: 'Jana (Support)', profile_picture_url: 'https://example.com/jana.png' } });
		assert.match(created.body.id, /^\d+$/);
		const read = await api(fake, 'GET', `/v23.0/${created.body.id}`);
		assert.deepEqual(read.body, { id: created.body.id, name: 'Jana (Support)', profile_picture_url: 'https://example.com/jana.png' });
		const list = await api(fake, 'GET', '/v23.0/me/personas');
		assert.equal(list.body.data.length, 1);
		const sent = await send(fake, { recipient: { id: USERS.alice.id }, persona_id: created.body.id, message: { text: 'Jana here' } });
		assert.equal(sent.status, 200);
		assertGraphError(await send(fake, { recipient: { id: USERS.alice.id }, persona_id: '1', message: { text: 'x' } }), 100);
		assert.deepEqual((await api(fake, 'DELETE', `/v23.0/${created.body.id}`)).body, { success: true });
		assertGraphError(await api(fake, 'GET', `/v23.0/${created.body.id}`), 100, 33);
	});

	it('answers user profiles per platform', async () => {
		const m = await api(fake, 'GET', `/v23.0/${USERS.chloe.id}`, { query: { fields: 'first_name,last_name,profile_pic' } });
		assert.equal(m.body.first_name, 'Chloé');
		assert.equal(m.body.last_name, 'Dubois');
		assert.match(m.body.profile_pic, /^http:\/\/127\.0\.0\.1:\d+\/cdn\/profiles\//);
		const ig = await api(fake, 'GET', `/v23.0/${USERS.ines.id}`, { token: IG_USER_TOKEN, query: { fields: 'name,username,follower_count,is_user_follow_business' } });
		assert.deepEqual(ig.body, { name: 'Inés García', username: 'ines.garcia', follower_count: 230, is_user_follow_business: true, id: USERS.ines.id });
		assertGraphError(await api(fake, 'GET', `/v23.0/${USERS.ines.id}`, { token: IG_USER_TOKEN, query: { fields: 'first_name' } }), 100);
	});
});

describe('fake Graph: optional messaging window', () => {
	it('rejects RESPONSE outside 24 h with 10/2018278 but lets HUMAN_AGENT through within 7 days', async () => {
		const state = createBaseState();
		const now = Date.UTC(2024, 5, 1);
		state.now = () => now;
		state.receiveMessage(USERS.alice.id, { text: 'two days ago', createdTime: now - 2 * 24 * 3600 * 1000 });
		const fake = await startFakeGraph({ state, enforceMessagingWindow: true });
		try {
			assertGraphError(await send(fake, { recipient: { id: USERS.alice.id }, messaging_type: 'RESPONSE', message: { text: 'late' } }), 10, 2018278);
			const agent = await send(fake, { recipient: { id: USERS.alice.id }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'agent' } });
			assert.equal(agent.status, 200);
		} finally {
			await fake.close();
		}
	});
});

describe('fake Graph: latency, conversations limit and send events', () => {
	it('delays every request by latencyMs and can change it at runtime', async () => {
		const fake = await startFakeGraph({ latencyMs: 120 });
		try {
			let started = Date.now();
			await api(fake, 'GET', '/v23.0/me');
			assert.ok(Date.now() - started >= 110, 'slow');
			fake.setLatency(0);
			started = Date.now();
			await api(fake, 'GET', '/v23.0/me');
			assert.ok(Date.now() - started < 100, 'fast again');
		} finally {
			await fake.close();
		}
	});

	it('optionally limits the Conversations API (Meta documents 2 calls/s per Page)', async () => {
		const fake = await startFakeGraph({ conversationsRateLimitPerSecond: 2 });
		try {
			assert.equal((await api(fake, 'GET', '/v23.0/me/conversations')).status, 200);
			assert.equal((await api(fake, 'GET', '/v23.0/me/conversations')).status, 200);
			assertGraphError(await api(fake, 'GET', '/v23.0/me/conversations'), 613);
			assert.equal((await api(fake, 'GET', '/v23.0/me')).status, 200, 'other endpoints are not limited');
		} finally {
			await fake.close();
		}
	});

	it('optionally limits audio and video sends (Meta documents 10/s per Page); text is not counted there', async () => {
		const fake = await startFakeGraph({ audioVideoRateLimitPerSecond: 2 });
		try {
			const video = (n: number) => ({ recipient: { id: USERS.bob.id }, message: { attachment: { type: 'video', payload: { url: `https://cdn.example.com/v${n}.mp4` } } } });
			assert.equal((await send(fake, video(1))).status, 200);
			assert.equal((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'text in between' } })).status, 200);
			assert.equal((await send(fake, video(2))).status, 200);
			assertGraphError(await send(fake, video(3)), 613);
			assert.equal((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'text still goes' } })).status, 200);
			assert.equal(fake.state.deliveryCount(USERS.bob.id, 'text still goes'), 1);
		} finally {
			await fake.close();
		}
	});

	it("emits 'send' with the stored message for every accepted message", async () => {
		const fake = await startFakeGraph();
		try {
			const seen: Array<{ recipient: string; message?: { text: string } }> = [];
			fake.events.on('send', (e) => seen.push(e));
			await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'observed' } });
			await send(fake, { recipient: { id: '404' }, message: { text: 'rejected' } });
			assert.equal(seen.length, 1);
			assert.equal(seen[0].recipient, USERS.bob.id);
			assert.equal(seen[0].message?.text, 'observed');
		} finally {
			await fake.close();
		}
	});
});
