/**
 * Tests of the fake Graph API itself (test/fakes/graph): if the fake drifts from the documented
 * behaviour, every node test built on it proves nothing. Run:
 *   node --import tsx --test test/unit/fakes-graph.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
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
	// expected HTTP 400, got ${res.status}: ${JSON.stringify(res.body)}
	expect(res.status).toBe(400);
	expect(typeof res.body.error.message).toBe('string');
	expect(typeof res.body.error.type).toBe('string');
	expect(typeof res.body.error.fbtrace_id).toBe('string');
	expect(res.body.error.fbtrace_id.length).toBeGreaterThan(5);
	// JSON.stringify(res.body)
	expect(res.body.error.code).toBe(code);
	if (subcode !== undefined) expect(res.body.error.error_subcode).toBe(subcode); // JSON.stringify(res.body)
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
	beforeAll(async () => {
		fake = await startFakeGraph();
	});
	afterAll(() => fake.close());

	it('answers /me and /{PAGE_ID} with id and name, versioned or not, and records the version', async () => {
		fake.clearRequests();
		const me = await api(fake, 'GET', '/v23.0/me', { bearer: true });
		expect(me.status).toBe(200);
		expect(me.body).toStrictEqual({ id: PAGE_ID, name: PAGE_NAME });
		const page = await api(fake, 'GET', `/${PAGE_ID}`);
		expect(page.body).toStrictEqual({ id: PAGE_ID, name: PAGE_NAME });
		expect(fake.requests[0].version).toBe('v23.0');
		expect(fake.requests[0].path).toBe('/me');
		expect(fake.requests[0].headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
		expect(fake.requests[1].version).toBeNull();
		expect(fake.requests[1].path).toBe(`/${PAGE_ID}`);
		expect(fake.requests[1].query.access_token).toBe(PAGE_TOKEN);
	});

	it('returns only the requested fields plus id', async () => {
		const res = await api(fake, 'GET', `/v19.0/${PAGE_ID}`, { query: { fields: 'instagram_business_account' } });
		expect(res.body).toStrictEqual({ instagram_business_account: { id: IG_ACCOUNT_ID }, id: PAGE_ID });
	});

	it('rejects unknown fields and malformed field expansions like Graph', async () => {
		assertGraphError(await api(fake, 'GET', `/v23.0/${PAGE_ID}`, { query: { fields: 'name,nope' } }), 100);
		assertGraphError(await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { fields: 'messages{id' } }), 2500);
	});

	it('resolves /me to the Instagram account for an Instagram Login token (id is app-scoped, user_id the account)', async () => {
		const res = await api(fake, 'GET', '/v23.0/me', { token: IG_USER_TOKEN, query: { fields: 'id,username,user_id,name' } });
		expect(res.status).toBe(200);
		expect(res.body).toStrictEqual({ id: IG_APP_SCOPED_ID, username: IG_USERNAME, user_id: IG_ACCOUNT_ID, name: 'Acme Coffee' });
	});

	it('answers 190 for unknown and expired tokens, 104 for none', async () => {
		const unknown = await api(fake, 'GET', '/v23.0/me', { token: 'EAAnotAtoken' });
		assertGraphError(unknown, 190);
		expect(unknown.body.error.type).toBe('OAuthException');
		assertGraphError(await api(fake, 'GET', '/v23.0/me', { token: EXPIRED_PAGE_TOKEN }), 190, 463);
		assertGraphError(await api(fake, 'GET', '/v23.0/me', { token: null }), 104);
	});

	it('checks appsecret_proof when present', async () => {
		const good = await api(fake, 'GET', '/v23.0/me', { query: { appsecret_proof: appSecretProof(APP_SECRET, PAGE_TOKEN) } });
		expect(good.status).toBe(200);
		const bad = await api(fake, 'GET', '/v23.0/me', { query: { appsecret_proof: appSecretProof('not-the-secret', PAGE_TOKEN) } });
		assertGraphError(bad, 100);
		expect(bad.body.error.message).toBe('Invalid appsecret_proof provided in the API argument');
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
			expect(missing.body.error.message).toMatch(/appsecret_proof/);
			const ok = await api(fake, 'GET', '/v23.0/me', { query: { appsecret_proof: appSecretProof(APP_SECRET, PAGE_TOKEN) } });
			expect(ok.status).toBe(200);
		} finally {
			await fake.close();
		}
	});
});

describe('fake Graph: Conversations API', () => {
	let fake: FakeGraph;
	beforeAll(async () => {
		fake = await startFakeGraph();
	});
	afterAll(() => fake.close());

	it('lists Messenger conversations newest first with id and updated_time by default', async () => {
		const res = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { platform: 'messenger' } });
		expect(res.status).toBe(200);
		expect(res.body.data.map((c: { id: string }) => c.id)).toStrictEqual([CONVERSATION_IDS.chloe, CONVERSATION_IDS.alice, CONVERSATION_IDS.bob, CONVERSATION_IDS.dana]);
		expect(Object.keys(res.body.data[0]).sort()).toStrictEqual(['id', 'updated_time']);
		expect(res.body.data[0].updated_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
		expect(res.body.paging.next).toBeUndefined();
	});

	it('filters by user_id and then answers ids only', async () => {
		const res = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { platform: 'messenger', user_id: USERS.alice.id } });
		expect(res.body.data).toStrictEqual([{ id: CONVERSATION_IDS.alice }]);
	});

	it('pages with cursors and an absolute next URL on its own host until next is absent', async () => {
		const seen: string[] = [];
		let url: string | undefined = `${fake.url}/v23.0/${PAGE_ID}/conversations?platform=messenger&limit=2&access_token=${PAGE_TOKEN}`;
		let pages = 0;
		while (url) {
			// url
			expect(url.startsWith(`${fake.url}/v23.0/`)).toBeTruthy();
			const body = (await (await fetch(url)).json()) as { data: Array<{ id: string }>; paging?: { next?: string; cursors: { after: string } } };
			seen.push(...body.data.map((c) => c.id));
			url = body.paging?.next;
			pages++;
		}
		expect(pages).toBe(2);
		expect(seen).toStrictEqual([CONVERSATION_IDS.chloe, CONVERSATION_IDS.alice, CONVERSATION_IDS.bob, CONVERSATION_IDS.dana]);
	});

	it('pages backwards with before/previous', async () => {
		const first = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { limit: '2' } });
		const second = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { limit: '2', after: first.body.paging.cursors.after } });
		expect(second.body.paging.previous).toBeTruthy();
		const back = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { limit: '2', before: second.body.paging.cursors.before } });
		expect(back.body.data).toStrictEqual(first.body.data);
	});

	it('expands participants, counts and nested messages with their own paging', async () => {
		const res = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, {
			query: { user_id: USERS.alice.id, fields: 'participants,message_count,unread_count,messages.limit(2){id,created_time,from,to,message,attachments}' },
		});
		const conv = res.body.data[0];
		expect(conv.message_count).toBe(6);
		expect(conv.unread_count).toBe(1);
		expect(conv.participants.data[0]).toStrictEqual({ name: 'Alice Müller', email: `${USERS.alice.id}@facebook.com`, id: USERS.alice.id });
		expect(conv.messages.data.length).toBe(2);
		expect(conv.messages.data[0].message).toBe('Danke! Passt 👍');
		expect(conv.messages.data[0].from).toStrictEqual({ name: 'Alice Müller', email: `${USERS.alice.id}@facebook.com`, id: USERS.alice.id });
		expect(conv.messages.data[0].to.data).toStrictEqual([{ name: PAGE_NAME, email: `${PAGE_ID}@facebook.com`, id: PAGE_ID }]);
		expect(conv.messages.data[1].attachments.data[0].mime_type).toBe('application/pdf');
		expect(conv.messages.data[1].attachments.data[0].file_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cdn\/seed\/invoice\.pdf$/);
		const next = new URL(conv.messages.paging.next);
		expect(next.pathname).toBe(`/v23.0/${CONVERSATION_IDS.alice}/messages`);
		const more = (await (await fetch(next)).json()) as { data: Array<{ message: string; attachments?: { data: Array<{ image_data?: { url: string } }> } }> };
		expect(more.data.length).toBe(2);
		expect(more.data[0].attachments?.data[0].image_data?.url.endsWith('/cdn/seed/label.png')).toBeTruthy();
		const png = await fetch(more.data[0].attachments!.data[0].image_data!.url);
		expect(png.headers.get('content-type')).toBe('image/png');
		expect((await png.arrayBuffer()).byteLength).toBe(70);
	});

	it('lists Instagram conversations with usernames, hiding stale request-folder threads', async () => {
		const res = await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { platform: 'instagram', fields: 'participants' } });
		const ids = res.body.data.map((c: { id: string }) => c.id);
		expect(ids).toStrictEqual([CONVERSATION_IDS.kenji, CONVERSATION_IDS.ines]);
		expect(res.body.data[0].participants.data).toStrictEqual([
			{ username: 'kenji_t', id: USERS.kenji.id },
			{ username: IG_USERNAME, id: IG_ACCOUNT_ID },
		]);
		const viaIgLogin = await api(fake, 'GET', '/v23.0/me/conversations', { token: IG_USER_TOKEN, query: { platform: 'instagram' } });
		expect(viaIgLogin.body.data.map((c: { id: string }) => c.id)).toStrictEqual(ids);
		assertGraphError(await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`, { query: { platform: 'whatsapp' } }), 100);
	});

	it('can return an empty page that still carries next (hidden threads keep their slot)', async () => {
		const res = await api(fake, 'GET', `/v23.0/${IG_ACCOUNT_ID}/conversations`, { token: IG_USER_TOKEN, query: { limit: '1' } });
		expect(res.body.data.length).toBe(1);
		const p2 = await api(fake, 'GET', `/v23.0/${IG_ACCOUNT_ID}/conversations`, { token: IG_USER_TOKEN, query: { limit: '1', after: res.body.paging.cursors.after } });
		expect(p2.body.data.length).toBe(1);
		// the hidden thread follows
		expect(p2.body.paging.next).toBeTruthy();
		const p3 = (await (await fetch(p2.body.paging.next)).json()) as { data: unknown[]; paging?: { next?: string } };
		expect(p3.data).toStrictEqual([]);
		expect(p3.paging?.next).toBeUndefined();
	});

	it('only the 20 most recent messages can be read in detail', async () => {
		const list = await api(fake, 'GET', `/v23.0/${CONVERSATION_IDS.bob}/messages`, { query: { fields: 'id,created_time,message,from', limit: '25' } });
		expect(list.body.data.length).toBe(25);
		expect(list.body.data[19].message).toBe('Message 6 of 25');
		expect(Object.keys(list.body.data[20]).sort()).toStrictEqual(['created_time', 'id']);
		const recent = await api(fake, 'GET', `/v23.0/${list.body.data[19].id}`, { query: { fields: 'id,message' } });
		expect(recent.body).toStrictEqual({ id: list.body.data[19].id, message: 'Message 6 of 25' });
		const old = await api(fake, 'GET', `/v23.0/${list.body.data[20].id}`, { query: { fields: 'id,message' } });
		assertGraphError(old, 100, 9000001);
		expect(old.body.error.message).toBe('This message has been deleted');
	});

	it('reads a conversation node with a messages expansion (default message fields id, created_time)', async () => {
		const res = await api(fake, 'GET', `/v23.0/${CONVERSATION_IDS.chloe}`, { query: { fields: 'messages' } });
		expect(res.body.id).toBe(CONVERSATION_IDS.chloe);
		expect(res.body.messages.data.length).toBe(3);
		expect(Object.keys(res.body.messages.data[0]).sort()).toStrictEqual(['created_time', 'id']);
	});

	it('reads a message with Instagram shapes (from.username, to.data)', async () => {
		const conv = fake.state.conversations.get(CONVERSATION_IDS.kenji)!;
		const newest = conv.messages[0];
		const res = await api(fake, 'GET', `/v23.0/${newest.id}`, { token: IG_USER_TOKEN, query: { fields: 'id,created_time,from,to,message' } });
		expect(res.status).toBe(200);
		expect(res.body.from).toStrictEqual({ username: IG_USERNAME, id: IG_ACCOUNT_ID });
		expect(res.body.to).toStrictEqual({ data: [{ username: 'kenji_t', id: USERS.kenji.id }] });
		expect(res.body.message).toBe('はい、確認します 🙇');
		// Instagram mids are base64 ig_message_item keys
		expect(newest.id.startsWith('aWdf')).toBeTruthy();
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
				expect(body.data.length).toBeLessThanOrEqual(100);
				ids.push(...body.data.map((c) => c.id));
				url = body.paging?.next;
			}
			expect(ids.length).toBe(230);
			expect(new Set(ids).size).toBe(230);
			expect(ids[0]).toBe(fake.state.findConversation(PAGE_ID, largeUserId('messenger', 229))!.id);
		} finally {
			await fake.close();
		}
	});
});

describe('fake Graph: Send API', () => {
	let fake: FakeGraph;
	beforeAll(async () => {
		fake = await startFakeGraph();
	});
	afterAll(() => fake.close());

	it('sends a text, stores it in the conversation and counts the delivery', async () => {
		const res = await send(fake, { recipient: { id: USERS.alice.id }, messaging_type: 'RESPONSE', message: { text: 'Grüße 👋 zurück' } });
		expect(res.status).toBe(200);
		expect(res.body.recipient_id).toBe(USERS.alice.id);
		expect(res.body.message_id).toMatch(/^m_/);
		const conv = fake.state.conversations.get(CONVERSATION_IDS.alice)!;
		expect(conv.messages[0].id).toBe(res.body.message_id);
		expect(conv.messages[0].text).toBe('Grüße 👋 zurück');
		expect(fake.state.deliveryCount(USERS.alice.id, 'Grüße 👋 zurück')).toBe(1);
		const read = await api(fake, 'GET', `/v23.0/${res.body.message_id}`, { query: { fields: 'message,from' } });
		expect(read.body.message).toBe('Grüße 👋 zurück');
		expect(read.body.from.id).toBe(PAGE_ID);
	});

	it('accepts form bodies with JSON-valued fields, like Graph', async () => {
		const res = await api(fake, 'POST', '/v23.0/me/messages', {
			form: { recipient: JSON.stringify({ id: USERS.bob.id }), message: JSON.stringify({ text: 'form-encoded' }) },
		});
		expect(res.status).toBe(200);
		const recorded = fake.requests[fake.requests.length - 1].body as Record<string, string>;
		expect(recorded.recipient).toBe(JSON.stringify({ id: USERS.bob.id }));
		expect(fake.state.deliveryCount(USERS.bob.id, 'form-encoded')).toBe(1);
	});

	it('creates a conversation for a first message and sends to Instagram through the Page token', async () => {
		const res = await send(fake, { recipient: { id: USERS.omar.id }, message: { text: 'hi' } });
		assertGraphError(res, 200, 2534041);
		const ok = await send(fake, { recipient: { id: USERS.ines.id }, message: { text: '¡Hasta luego!' } }, PAGE_TOKEN, `/v23.0/${PAGE_ID}/messages`);
		expect(ok.status).toBe(200);
		expect(ok.body.message_id.startsWith('aWdf')).toBeTruthy();
		expect(fake.state.conversations.get(CONVERSATION_IDS.ines)!.messages[0].text).toBe('¡Hasta luego!');
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
		expect((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: '😀'.repeat(1999) } })).status).toBe(200);
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'a'.repeat(2000) } }), 100);
	});

	it('enforces the Instagram limit of 1000 UTF-8 bytes', async () => {
		expect((await send(fake, { recipient: { id: USERS.kenji.id }, message: { text: 'a'.repeat(1000) } }, IG_USER_TOKEN)).status).toBe(200);
		// 334 × "ü" (2 bytes) = 668 bytes fine; 250 × "😀" (4 bytes) = 1000 fine; 251 = 1004 bytes too many.
		expect((await send(fake, { recipient: { id: USERS.kenji.id }, message: { text: '😀'.repeat(250) } }, IG_USER_TOKEN)).status).toBe(200);
		assertGraphError(await send(fake, { recipient: { id: USERS.kenji.id }, message: { text: '😀'.repeat(251) } }, IG_USER_TOKEN), 100);
	});

	it('limits quick replies (13, titles 20 chars, Instagram text only)', async () => {
		const qr = (n: number, title = 'Option') => Array.from({ length: n }, (_, i) => ({ content_type: 'text', title, payload: `P${i}` }));
		expect((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'pick', quick_replies: qr(13) } })).status).toBe(200);
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'pick', quick_replies: qr(14) } }), 100);
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'pick', quick_replies: qr(1, 'x'.repeat(21)) } }), 100);
		const email = [{ content_type: 'user_email' }];
		expect((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'mail?', quick_replies: email } })).status).toBe(200);
		assertGraphError(await send(fake, { recipient: { id: USERS.kenji.id }, message: { text: 'mail?', quick_replies: email } }, IG_USER_TOKEN), 100);
	});

	it('limits templates: generic ≤ 10 elements, titles ≤ 80, ≤ 3 buttons; button text ≤ 640 with 1–3 buttons', async () => {
		const button = { type: 'postback', title: 'Go', payload: 'GO' };
		const generic = (elements: unknown[]) => ({ recipient: { id: USERS.bob.id }, message: { attachment: { type: 'template', payload: { template_type: 'generic', elements } } } });
		const element = (title = 'Hat', buttons = [button]) => ({ title, subtitle: 'For everyone', buttons });
		expect((await send(fake, generic(Array.from({ length: 10 }, () => element())))).status).toBe(200);
		assertGraphError(await send(fake, generic(Array.from({ length: 11 }, () => element()))), 100);
		assertGraphError(await send(fake, generic([element('t'.repeat(81))])), 100);
		assertGraphError(await send(fake, generic([element('Hat', [button, button, button, button])])), 100);
		const buttonTemplate = (text: string, buttons: unknown[]) => ({
			recipient: { id: USERS.bob.id },
			message: { attachment: { type: 'template', payload: { template_type: 'button', text, buttons } } },
		});
		expect((await send(fake, buttonTemplate('t'.repeat(640), [button]))).status).toBe(200);
		assertGraphError(await send(fake, buttonTemplate('t'.repeat(641), [button])), 100);
		assertGraphError(await send(fake, buttonTemplate('ok', [])), 100);
	});

	it('validates metadata, messaging_type and tags per platform', async () => {
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'x', metadata: 'm'.repeat(1000) } }), 100);
		expect((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'x', metadata: 'm'.repeat(999) } })).status).toBe(200);
		assertGraphError(await send(fake, { recipient: { id: USERS.bob.id }, messaging_type: 'PROMO', message: { text: 'x' } }), 100);
		expect((await send(fake, { recipient: { id: USERS.bob.id }, messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE', message: { text: 'shipped' } })).status).toBe(200);
		assertGraphError(
			await send(fake, { recipient: { id: USERS.kenji.id }, messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE', message: { text: 'x' } }, IG_USER_TOKEN),
			100,
		);
		expect((await send(fake, { recipient: { id: USERS.kenji.id }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'agent here' } }, IG_USER_TOKEN))
				.status).toBe(200);
	});

	it('handles sender actions: typing answers recipient_id only, react validates the message', async () => {
		const typing = await send(fake, { recipient: { id: USERS.alice.id }, sender_action: 'typing_on' });
		expect(typing.body).toStrictEqual({ recipient_id: USERS.alice.id });
		const mid = fake.state.conversations.get(CONVERSATION_IDS.kenji)!.messages.find((m) => m.direction === 'inbound')!.id;
		const react = await send(fake, { recipient: { id: USERS.kenji.id }, sender_action: 'react', payload: { message_id: mid, reaction: '🔥' } }, IG_USER_TOKEN);
		expect(react.body).toStrictEqual({ recipient_id: USERS.kenji.id });
		expect(fake.state.messages.get(mid)!.reactions).toStrictEqual([{ userId: IG_ACCOUNT_ID, reaction: '🔥' }]);
		assertGraphError(await send(fake, { recipient: { id: USERS.kenji.id }, sender_action: 'react', payload: { message_id: 'm_nope', reaction: '🔥' } }, IG_USER_TOKEN), 100);
		assertGraphError(await send(fake, { recipient: { id: USERS.kenji.id }, sender_action: 'react' }, IG_USER_TOKEN), 100);
		await send(fake, { recipient: { id: USERS.kenji.id }, sender_action: 'unreact', payload: { message_id: mid } }, IG_USER_TOKEN);
		expect(fake.state.messages.get(mid)!.reactions).toStrictEqual([]);
	});

	it('sends to user_ref (no recipient_id in the answer) and notification tokens', async () => {
		const ref = await send(fake, { recipient: { user_ref: 'checkbox-123' }, message: { text: 'thanks for opting in' } });
		expect(ref.status).toBe(200);
		expect(Object.keys(ref.body)).toStrictEqual(['message_id']);
		expect(fake.state.deliveryCount('user_ref:checkbox-123')).toBe(1);
		const token = await send(fake, { recipient: { notification_messages_token: NOTIFICATION_TOKEN }, message: { text: 'back in stock' } });
		expect(token.body.recipient_id).toBe(USERS.alice.id);
	});

	it('resolves attachment ids and fails URL fetches for fail-fetch URLs', async () => {
		const upload = await api(fake, 'POST', '/v23.0/me/message_attachments', {
			json: { message: { attachment: { type: 'image', payload: { url: 'https://cdn.example.com/hat.png', is_reusable: true } } } },
		});
		expect(upload.status).toBe(200);
		expect(upload.body.attachment_id).toMatch(/^\d+$/);
		const byId = await send(fake, { recipient: { id: USERS.bob.id }, message: { attachment: { type: 'image', payload: { attachment_id: upload.body.attachment_id } } } });
		expect(byId.status).toBe(200);
		expect(fake.state.messages.get(byId.body.message_id)!.attachments[0].url).toBe('https://cdn.example.com/hat.png');
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
	beforeAll(async () => {
		fake = await startFakeGraph();
	});
	afterAll(() => fake.close());

	const multipart = (fileSize: number, type = 'image', filename = 'photo.png'): FormData => {
		const form = new FormData();
		form.append('message', JSON.stringify({ attachment: { type, payload: { is_reusable: true } } }));
		form.append('filedata', new Blob([new Uint8Array(fileSize).fill(7)], { type: 'image/png' }), filename);
		return form;
	};

	it('parses filedata + message, serves the bytes back, and records the parts', async () => {
		const res = await fetch(`${fake.url}/v23.0/${PAGE_ID}/message_attachments?access_token=${PAGE_TOKEN}`, { method: 'POST', body: multipart(1234) });
		const body = (await res.json()) as { attachment_id: string };
		expect(res.status).toBe(200);
		const stored = fake.state.attachments.get(body.attachment_id)!;
		expect(stored.size).toBe(1234);
		expect(stored.mimeType).toBe('image/png');
		const parts = fake.requests[fake.requests.length - 1].body as Array<{ name: string; filename?: string; size: number; data: Buffer; contentType?: string }>;
		expect(parts.map((p) => [p.name, p.filename, p.size])).toStrictEqual([
				['message', undefined, parts[0].size],
				['filedata', 'photo.png', 1234],
			]);
		expect(parts[1].contentType).toBe('image/png');
		expect(parts[1].data[0]).toBe(7);
		const served = await fetch(`${fake.url}${stored.url}`);
		expect((await served.arrayBuffer()).byteLength).toBe(1234);
	});

	it('rejects files over 25 MB with 100 / 2018109 and accepts exactly 25 MB', async () => {
		const limit = 25 * 1024 * 1024;
		const ok = await fetch(`${fake.url}/v23.0/me/message_attachments?access_token=${PAGE_TOKEN}`, { method: 'POST', body: multipart(limit, 'file', 'big.bin') });
		expect(ok.status).toBe(200);
		const tooBig = await fetch(`${fake.url}/v23.0/me/message_attachments?access_token=${PAGE_TOKEN}`, { method: 'POST', body: multipart(limit + 1, 'file', 'big.bin') });
		const body = (await tooBig.json()) as { error: { code: number; error_subcode: number } };
		expect(tooBig.status).toBe(400);
		expect(body.error.code).toBe(100);
		expect(body.error.error_subcode).toBe(2018109);
	});
});

describe('fake Graph: batch requests', () => {
	let fake: FakeGraph;
	beforeAll(async () => {
		fake = await startFakeGraph();
	});
	afterAll(() => fake.close());

	it('runs each item through the router and answers {code, headers, body: JSON string}', async () => {
		fake.clearRequests();
		const batch = [
			{ method: 'POST', relative_url: 'me/messages', body: new URLSearchParams({ recipient: JSON.stringify({ id: USERS.alice.id }), message: JSON.stringify({ text: 'batch 1' }) }).toString() },
			{ method: 'POST', relative_url: 'v23.0/me/messages', body: new URLSearchParams({ recipient: JSON.stringify({ id: '404' }), message: JSON.stringify({ text: 'batch 2' }) }).toString() },
			{ method: 'GET', relative_url: `${PAGE_ID}?fields=name` },
		];
		const res = await api(fake, 'POST', '/', { form: { batch: JSON.stringify(batch), include_headers: 'true' } });
		expect(res.status).toBe(200);
		expect(res.body.length).toBe(3);
		expect(res.body[0].code).toBe(200);
		expect(Array.isArray(res.body[0].headers)).toBeTruthy();
		expect(JSON.parse(res.body[0].body).recipient_id).toBe(USERS.alice.id);
		expect(res.body[1].code).toBe(400);
		expect(JSON.parse(res.body[1].body).error.error_subcode).toBe(2018001);
		expect(JSON.parse(res.body[2].body)).toStrictEqual({ name: PAGE_NAME, id: PAGE_ID });
		expect(fake.state.deliveryCount(USERS.alice.id, 'batch 1')).toBe(1);
		expect(fake.state.deliveryCount(USERS.alice.id, 'batch 2')).toBe(0);
		expect(fake.requests.length).toBe(1);
		expect(fake.requests[0].batchItems!.length).toBe(3);
		expect(fake.calls('POST /me/messages').length).toBe(2);
	});

	it('accepts JSON bodies, omits headers when include_headers=false, and rejects more than 50 items', async () => {
		const item = { method: 'GET', relative_url: 'me' };
		const res = await api(fake, 'POST', '/v23.0/', { json: { batch: [item], include_headers: false } });
		expect(res.status).toBe(200);
		expect(res.body[0].headers).toBeUndefined();
		assertGraphError(await api(fake, 'POST', '/', { json: { batch: Array.from({ length: 51 }, () => item) } }), 100);
		expect((await api(fake, 'POST', '/', { json: { batch: Array.from({ length: 50 }, () => item) } })).body.length).toBe(50);
	});

	it('answers null for an item whose call was dropped', async () => {
		fake.failNext({ path: '/me', inBatch: true }, { hangup: true });
		const res = await api(fake, 'POST', '/', { json: { batch: [{ method: 'GET', relative_url: 'me' }, { method: 'GET', relative_url: 'me' }] } });
		expect(res.body[0]).toBeNull();
		expect(res.body[1].code).toBe(200);
	});
});

describe('fake Graph: injected failures and usage headers', () => {
	let fake: FakeGraph;
	beforeAll(async () => {
		fake = await startFakeGraph();
	});
	afterAll(() => fake.close());

	it('fails the next matching call with a documented error, then recovers, without delivering', async () => {
		fake.failNext('POST /me/messages', 'pageRateLimit', 2);
		const body = { recipient: { id: USERS.chloe.id }, message: { text: 'retry me' } };
		assertGraphError(await send(fake, body), 32);
		assertGraphError(await send(fake, body), 32);
		expect(fake.state.deliveryCount(USERS.chloe.id, 'retry me')).toBe(0);
		expect((await send(fake, body)).status).toBe(200);
		expect(fake.state.deliveryCount(USERS.chloe.id, 'retry me')).toBe(1);
	});

	it('injects HTTP 429 and custom error bodies', async () => {
		fake.failNext(/\/messages$/, { status: 429, error: { message: '(#4) Application request limit reached', type: 'OAuthException', code: 4 } });
		const res = await send(fake, { recipient: { id: USERS.chloe.id }, message: { text: 'x' } });
		expect(res.status).toBe(429);
		expect(res.body.error.code).toBe(4);
		fake.failNext(`/${PAGE_ID}/conversations`, 'outsideWindow');
		assertGraphError(await api(fake, 'GET', `/v23.0/${PAGE_ID}/conversations`), 10, 2018278);
	});

	it('afterProcessing delivers the message and still fails: a blind retry shows up as a duplicate', async () => {
		fake.failNext('POST /me/messages', { afterProcessing: true, status: 500, error: { message: 'An unknown error occurred', code: 1 } });
		const body = { recipient: { id: USERS.chloe.id }, message: { text: 'did it go out?' } };
		expect((await send(fake, body)).status).toBe(500);
		expect(fake.state.deliveryCount(USERS.chloe.id, 'did it go out?')).toBe(1);
		await send(fake, body);
		expect(fake.state.duplicateDeliveries().filter((d) => d.recipient === USERS.chloe.id && d.count === 2).length).toBe(1);
	});

	it('hangup drops the connection', async () => {
		fake.failNext('GET /me', { hangup: true });
		await expect(() => api(fake, 'GET', '/v23.0/me')).rejects.toThrow();
		expect((await api(fake, 'GET', '/v23.0/me')).status).toBe(200);
	});

	it('adds X-App-Usage / X-Business-Use-Case-Usage / X-Page-Usage when set', async () => {
		fake.setUsageHeaders({
			appUsage: { call_count: 91, total_cputime: 10, total_time: 12 },
			businessUseCaseUsage: { [PAGE_ID]: [{ type: 'pages', call_count: 95, total_cputime: 5, total_time: 5, estimated_time_to_regain_access: 3 }] },
			pageUsage: { call_count: 80, total_cputime: 1, total_time: 1 },
		});
		const res = await api(fake, 'GET', '/v23.0/me');
		expect(JSON.parse(res.headers.get('x-app-usage')!).call_count).toBe(91);
		expect(JSON.parse(res.headers.get('x-business-use-case-usage')!)[PAGE_ID][0].estimated_time_to_regain_access).toBe(3);
		expect(JSON.parse(res.headers.get('x-page-usage')!).call_count).toBe(80);
		fake.setUsageHeaders({});
		expect((await api(fake, 'GET', '/v23.0/me')).headers.get('x-app-usage')).toBeNull();
	});
});

describe('fake Graph: sustained rate limit', () => {
	it('answers 613 beyond N sends per second per Page, does not deliver those, and frees the window', async () => {
		// The limiter's clock stands still during the burst: all 8 sends fall in one second, however slow the machine.
		let now = Date.now();
		const fake = await startFakeGraph({ rateLimitPerSecond: 5, limiterClock: () => now });
		try {
			const results = await Promise.all(
				Array.from({ length: 8 }, (_, i) => send(fake, { recipient: { id: USERS.bob.id }, message: { text: `burst ${i}` } })),
			);
			const ok = results.filter((r) => r.status === 200);
			const limited = results.filter((r) => r.status === 400);
			expect(ok.length).toBe(5);
			expect(limited.length).toBe(3);
			for (const r of limited) {
				expect(r.body.error.code).toBe(613);
				expect(r.body.error.message).toBe('(#613) Calls to this api have exceeded the rate limit.');
				const usage = JSON.parse(r.headers.get('x-business-use-case-usage')!);
				expect(usage[PAGE_ID][0].estimated_time_to_regain_access).toBeGreaterThanOrEqual(1);
			}
			const delivered = fake.state.deliveries().filter((d) => d.recipient === USERS.bob.id).reduce((n, d) => n + d.count, 0);
			expect(delivered).toBe(5);
			// Instagram sends have their own window (per business).
			expect((await send(fake, { recipient: { id: USERS.kenji.id }, message: { text: 'ig' } }, IG_USER_TOKEN)).status).toBe(200);
			now += 1050;
			expect((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'after the window' } })).status).toBe(200);
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
			expect(res.body.map((r: { code: number }) => r.code)).toStrictEqual([200, 200, 200, 400]);
			expect(JSON.parse(res.body[3].body).error.code).toBe(613);
			expect(fake.state.deliveryCount(USERS.bob.id, 'b3')).toBe(0);
		} finally {
			await fake.close();
		}
	});
});

describe('fake Graph: webhook registration', () => {
	let fake: FakeGraph;
	beforeAll(async () => {
		fake = await startFakeGraph();
	});
	afterAll(() => fake.close());

	const subscribe = (callbackUrl: string, verifyToken: string, fields = 'messages,messaging_postbacks') =>
		api(fake, 'POST', `/v23.0/${APP_ID}/subscriptions`, {
			token: APP_ACCESS_TOKEN,
			form: { object: 'page', callback_url: callbackUrl, fields, verify_token: verifyToken, include_values: 'true' },
		});

	it('verifies the callback with hub.challenge before answering success', async () => {
		const cb = await callbackServer(goodCallback('s3cret'));
		try {
			const res = await subscribe(cb.url, 's3cret');
			expect(res.status).toBe(200);
			expect(res.body).toStrictEqual({ success: true });
			expect(cb.hits.length).toBe(1);
			const hit = new URL(cb.hits[0].url!, 'http://x');
			expect(hit.pathname).toBe('/webhook/abc');
			expect(hit.searchParams.get('hub.mode')).toBe('subscribe');
			expect(hit.searchParams.get('hub.verify_token')).toBe('s3cret');
			expect(hit.searchParams.get('hub.challenge')!).toMatch(/^\d+$/);
			const list = await api(fake, 'GET', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN });
			expect(list.body).toStrictEqual({
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
			expect(a.body.error.message).toMatch(/^\(#2200\) Callback verification failed with the following errors: .*403/);
			const b = await subscribe(wrongEcho.url, 's3cret');
			assertGraphError(b, 2200);
			expect(b.body.error.message).toMatch(/does not match challenge/);
			const unreachable = await subscribe('http://127.0.0.1:1/webhook', 's3cret');
			assertGraphError(unreachable, 2200);
			expect(fake.state.appSubscriptions.get('page')?.callbackUrl).toBe(before);
		} finally {
			await forbidden.close();
			await wrongEcho.close();
		}
	});

	it('a second callback URL for the same object replaces the first; DELETE removes fields then the object', async () => {
		const first = await callbackServer(goodCallback('t1'));
		const second = await callbackServer(goodCallback('t2'));
		try {
			expect((await subscribe(first.url, 't1')).status).toBe(200);
			expect((await subscribe(second.url, 't2', 'message_reactions')).status).toBe(200);
			const list = await api(fake, 'GET', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN });
			expect(list.body.data.length).toBe(1);
			expect(list.body.data[0].callback_url).toBe(second.url);
			expect(list.body.data[0].fields.some((f: { name: string }) => f.name === 'message_reactions')).toBeTruthy();
			await api(fake, 'DELETE', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN, query: { object: 'page', fields: 'message_reactions' } });
			const after = await api(fake, 'GET', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN });
			expect(after.body.data[0].fields.some((f: { name: string }) => f.name === 'message_reactions')).toBeFalsy();
			const del = await api(fake, 'DELETE', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN, query: { object: 'page' } });
			expect(del.body).toStrictEqual({ success: true });
			expect((await api(fake, 'GET', `/v23.0/${APP_ID}/subscriptions`, { token: APP_ACCESS_TOKEN })).body).toStrictEqual({ data: [] });
		} finally {
			await first.close();
			await second.close();
		}
	});

	it('manages Page and Instagram subscribed_apps', async () => {
		assertGraphError(await api(fake, 'POST', `/v23.0/${PAGE_ID}/subscribed_apps`, {}), 100);
		const res = await api(fake, 'POST', `/v23.0/${PAGE_ID}/subscribed_apps`, { query: { subscribed_fields: 'messages,messaging_postbacks' } });
		expect(res.body).toStrictEqual({ success: true });
		const list = await api(fake, 'GET', `/v23.0/${PAGE_ID}/subscribed_apps`);
		expect(list.body.data).toStrictEqual([{ id: APP_ID, name: 'Social Messaging Test App', subscribed_fields: ['messages', 'messaging_postbacks'] }]);
		const ig = await api(fake, 'POST', `/v23.0/${IG_ACCOUNT_ID}/subscribed_apps`, { token: IG_USER_TOKEN, query: { subscribed_fields: 'messages' } });
		expect(ig.status).toBe(200);
		expect(fake.state.subscribedApps.get(IG_ACCOUNT_ID)?.get(APP_ID)).toStrictEqual(['messages']);
		await api(fake, 'DELETE', `/v23.0/${PAGE_ID}/subscribed_apps`);
		expect((await api(fake, 'GET', `/v23.0/${PAGE_ID}/subscribed_apps`)).body).toStrictEqual({ data: [] });
	});
});

describe('fake Graph: webhook delivery', () => {
	let fake: FakeGraph;
	beforeAll(async () => {
		fake = await startFakeGraph();
	});
	afterAll(() => fake.close());

	it('escapes non-ASCII and slashes in the raw bytes and signs exactly those bytes', async () => {
		const bodies: Buffer[] = [];
		const headers: http.IncomingHttpHeaders[] = [];
		const cb = await callbackServer(goodCallback('x', bodies, headers));
		try {
			const payload = webhookPayload('page', PAGE_ID, [messageEvent({ from: USERS.alice.id, to: PAGE_ID, timestamp: 1714554000000, text: 'Grüße 👋 https://a.b/c' })]);
			const res = await fake.deliver(cb.url, payload);
			expect(res.status).toBe(200);
			const raw = bodies[0];
			const text = raw.toString('utf8');
			// only ASCII on the wire
			expect(/^[\x00-\x7f]*$/.test(text)).toBeTruthy();
			// text
			expect(text).toContain('Gr\\u00fc\\u00dfe \\ud83d\\udc4b');
			expect(text).toContain('https:\\/\\/a.b\\/c');
			expect(JSON.parse(text)).toStrictEqual(payload);
			const expected = 'sha256=' + createHmac('sha256', APP_SECRET).update(raw).digest('hex');
			expect(headers[0]['x-hub-signature-256']).toBe(expected);
			// Re-serialising the parsed JSON gives different bytes, so a receiver must hash the raw body.
			const reserialised = 'sha256=' + createHmac('sha256', APP_SECRET).update(JSON.stringify(JSON.parse(text))).digest('hex');
			expect(reserialised).not.toBe(expected);
			expect(metaJson(payload)).toBe(text);
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
			expect(headers[0]['x-hub-signature-256']).toBeUndefined();
			await fake.deliver(cb.url, payload, { signature: 'wrong' });
			expect(String(headers[1]['x-hub-signature-256'])).toMatch(/^sha256=[0-9a-f]{64}$/);
			expect(valid(bodies[1], headers[1]['x-hub-signature-256'])).toBe(false);
			await fake.deliver(cb.url, payload, { signature: 'tampered' });
			expect(valid(bodies[2], headers[2]['x-hub-signature-256'])).toBe(false);
			expect(JSON.parse(bodies[2].toString())).not.toStrictEqual(payload);
			await fake.deliver(cb.url, payload);
			expect(valid(bodies[3], headers[3]['x-hub-signature-256'])).toBe(true);
		} finally {
			await cb.close();
		}
	});

	it('builds batched deliveries: one event per entry, shuffled and with duplicates on request', () => {
		const payload = batchedPayload('page', PAGE_ID, 10, { senders: [USERS.alice.id, USERS.bob.id], shuffle: true, duplicates: 2 });
		expect(payload.entry.length).toBe(12);
		const mids = payload.entry.map((e) => (e.messaging![0].message as { mid: string }).mid);
		expect(new Set(mids).size).toBe(10);
		const times = payload.entry.slice(0, 10).map((e) => e.messaging![0].timestamp);
		// out of order
		expect(times).not.toStrictEqual([...times].sort((a, b) => a - b));
		expect(readEvent({ from: USERS.ines.id, to: IG_ACCOUNT_ID, platform: 'instagram', mid: 'aWdfX' }).read).toStrictEqual({ mid: 'aWdfX' });
		expect(readEvent({ from: USERS.alice.id, to: PAGE_ID, timestamp: 5 }).read).toStrictEqual({ watermark: 5 });
		expect(reactionEvent({ from: 'u', to: 'p', timestamp: 1, mid: 'm_1', action: 'unreact' }).reaction).toStrictEqual({ mid: 'm_1', action: 'unreact' });
	});

	it('emitWebhook delivers only when the app and the Page are subscribed to the field', async () => {
		const bodies: Buffer[] = [];
		const cb = await callbackServer(goodCallback('tok', bodies));
		try {
			const payload = webhookPayload('page', PAGE_ID, [messageEvent({ from: USERS.alice.id, to: PAGE_ID, text: 'hi' })]);
			expect((await fake.emitWebhook(payload)).delivered).toBe(false);
			await api(fake, 'POST', `/v23.0/${APP_ID}/subscriptions`, {
				token: APP_ACCESS_TOKEN,
				form: { object: 'page', callback_url: cb.url, fields: 'messages', verify_token: 'tok' },
			});
			const noPage = await fake.emitWebhook(payload);
			expect(noPage.delivered).toBe(false);
			expect(noPage.reason!).toMatch(/subscribed_apps/);
			await api(fake, 'POST', `/v23.0/${PAGE_ID}/subscribed_apps`, { query: { subscribed_fields: 'messages' } });
			const ok = await fake.emitWebhook(payload);
			expect(ok.delivered).toBe(true);
			expect(ok.result!.status).toBe(200);
			expect(bodies.length).toBe(1);
			const reaction = webhookPayload('page', PAGE_ID, [reactionEvent({ from: USERS.alice.id, to: PAGE_ID, mid: 'm_1' })]);
			expect((await fake.emitWebhook(reaction)).reason!).toMatch(/message_reactions/);
		} finally {
			await cb.close();
		}
	});
});

describe('fake Graph: Messenger Profile, personas, user profile', () => {
	let fake: FakeGraph;
	beforeAll(async () => {
		fake = await startFakeGraph();
	});
	afterAll(() => fake.close());

	it('sets, reads and deletes Messenger Profile properties; persistent_menu needs get_started', async () => {
		const menu = [{ locale: 'default', composer_input_disabled: false, call_to_actions: [{ type: 'postback', title: 'Help', payload: 'HELP' }] }];
		assertGraphError(await api(fake, 'POST', '/v23.0/me/messenger_profile', { json: { persistent_menu: menu } }), 100);
		const set = await api(fake, 'POST', '/v23.0/me/messenger_profile', {
			json: { get_started: { payload: 'START' }, greeting: [{ locale: 'default', text: 'Grüß Gott!' }], persistent_menu: menu },
		});
		expect(set.body).toStrictEqual({ result: 'success' });
		const read = await api(fake, 'GET', `/v23.0/${PAGE_ID}/messenger_profile`, { query: { fields: 'get_started,greeting,ice_breakers' } });
		expect(read.body).toStrictEqual({ data: [{ get_started: { payload: 'START' }, greeting: [{ locale: 'default', text: 'Grüß Gott!' }] }] });
		assertGraphError(await api(fake, 'POST', '/v23.0/me/messenger_profile', { json: { colour: 'red' } }), 100);
		await api(fake, 'DELETE', '/v23.0/me/messenger_profile', { json: { fields: ['greeting'] } });
		const after = await api(fake, 'GET', '/v23.0/me/messenger_profile', { query: { fields: 'greeting' } });
		expect(after.body).toStrictEqual({ data: [] });
	});

	it('creates, lists, reads and deletes personas; sends may use them', async () => {
		const created = await api(fake, 'POST', '/v23.0/me/personas', { json: { name: 'Jana (Support)', profile_picture_url: 'https://example.com/jana.png' } });
		expect(created.body.id).toMatch(/^\d+$/);
		const read = await api(fake, 'GET', `/v23.0/${created.body.id}`);
		expect(read.body).toStrictEqual({ id: created.body.id, name: 'Jana (Support)', profile_picture_url: 'https://example.com/jana.png' });
		const list = await api(fake, 'GET', '/v23.0/me/personas');
		expect(list.body.data.length).toBe(1);
		const sent = await send(fake, { recipient: { id: USERS.alice.id }, persona_id: created.body.id, message: { text: 'Jana here' } });
		expect(sent.status).toBe(200);
		assertGraphError(await send(fake, { recipient: { id: USERS.alice.id }, persona_id: '1', message: { text: 'x' } }), 100);
		expect((await api(fake, 'DELETE', `/v23.0/${created.body.id}`)).body).toStrictEqual({ success: true });
		assertGraphError(await api(fake, 'GET', `/v23.0/${created.body.id}`), 100, 33);
	});

	it('answers user profiles per platform', async () => {
		const m = await api(fake, 'GET', `/v23.0/${USERS.chloe.id}`, { query: { fields: 'first_name,last_name,profile_pic' } });
		expect(m.body.first_name).toBe('Chloé');
		expect(m.body.last_name).toBe('Dubois');
		expect(m.body.profile_pic).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cdn\/profiles\//);
		const ig = await api(fake, 'GET', `/v23.0/${USERS.ines.id}`, { token: IG_USER_TOKEN, query: { fields: 'name,username,follower_count,is_user_follow_business' } });
		expect(ig.body).toStrictEqual({ name: 'Inés García', username: 'ines.garcia', follower_count: 230, is_user_follow_business: true, id: USERS.ines.id });
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
			expect(agent.status).toBe(200);
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
			// slow
			expect(Date.now() - started).toBeGreaterThanOrEqual(110);
			fake.setLatency(0);
			started = Date.now();
			await api(fake, 'GET', '/v23.0/me');
			// fast again
			expect(Date.now() - started).toBeLessThan(100);
		} finally {
			await fake.close();
		}
	});

	it('optionally limits the Conversations API (Meta documents 2 calls/s per Page)', async () => {
		const fake = await startFakeGraph({ conversationsRateLimitPerSecond: 2 });
		try {
			expect((await api(fake, 'GET', '/v23.0/me/conversations')).status).toBe(200);
			expect((await api(fake, 'GET', '/v23.0/me/conversations')).status).toBe(200);
			assertGraphError(await api(fake, 'GET', '/v23.0/me/conversations'), 613);
			// other endpoints are not limited
			expect((await api(fake, 'GET', '/v23.0/me')).status).toBe(200);
		} finally {
			await fake.close();
		}
	});

	it('optionally limits audio and video sends (Meta documents 10/s per Page); text is not counted there', async () => {
		// A clock that stands still: the sends cannot be spread over two windows by a slow machine.
		const now = Date.now();
		const fake = await startFakeGraph({ audioVideoRateLimitPerSecond: 2, limiterClock: () => now });
		try {
			const video = (n: number) => ({ recipient: { id: USERS.bob.id }, message: { attachment: { type: 'video', payload: { url: `https://cdn.example.com/v${n}.mp4` } } } });
			expect((await send(fake, video(1))).status).toBe(200);
			expect((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'text in between' } })).status).toBe(200);
			expect((await send(fake, video(2))).status).toBe(200);
			assertGraphError(await send(fake, video(3)), 613);
			expect((await send(fake, { recipient: { id: USERS.bob.id }, message: { text: 'text still goes' } })).status).toBe(200);
			expect(fake.state.deliveryCount(USERS.bob.id, 'text still goes')).toBe(1);
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
			expect(seen.length).toBe(1);
			expect(seen[0].recipient).toBe(USERS.bob.id);
			expect(seen[0].message?.text).toBe('observed');
		} finally {
			await fake.close();
		}
	});
});
