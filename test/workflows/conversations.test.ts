/**
 * Conversation > Get Many and Conversation > Get through n8n's real engine against the fake Graph API,
 * for Messenger (Meta Graph API credential), Instagram through the Meta Graph API and Instagram Login.
 * Each test asserts the exact requests (path, fields, limit, cursors, platform, user_id, appsecret_proof,
 * Bearer token) and the unified output items.
 */
import { describe, expect, it } from '@jest/globals';

import {
	CONVERSATION_IDS,
	IG_ACCOUNT_ID,
	IG_USER_TOKEN,
	PAGE_ID,
	PAGE_NAME,
	PAGE_TOKEN,
	USERS,
	busiestWindow,
	createDefaultState,
	createLargeState,
	type RecordedRequest,
} from '../fakes/graph';
import {
	CONVERSATION_FIELDS,
	MESSAGE_FIELDS,
	assertGraphGet,
	assertNoSecrets,
	assertPairedWith,
	clear,
	jsonOf,
	messengerParticipant,
	pageOf,
} from './read-helpers';
import { byId, instagramLoginCredentials, metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

const messengerConversations = (pageId = PAGE_ID) => `/${pageId}/conversations`;
const conversationsQuery = (platform: string, limit: number, extra: Record<string, string> = {}) => ({
	platform,
	fields: CONVERSATION_FIELDS,
	limit: String(limit),
	...extra,
});

/** The unified conversations of the default seed, newest first. */
const expected = {
	chloe: {
		id: CONVERSATION_IDS.chloe,
		platform: 'messenger',
		participants: [messengerParticipant(USERS.chloe.id, USERS.chloe.name), messengerParticipant(PAGE_ID, PAGE_NAME)],
		updatedAt: '2024-05-01T12:09:00.000Z',
		messageCount: 3,
		unreadCount: 1,
		link: `/${PAGE_ID}/inbox/${CONVERSATION_IDS.chloe}`,
	},
	alice: {
		id: CONVERSATION_IDS.alice,
		platform: 'messenger',
		participants: [messengerParticipant(USERS.alice.id, USERS.alice.name), messengerParticipant(PAGE_ID, PAGE_NAME)],
		updatedAt: '2024-05-01T11:10:00.000Z',
		messageCount: 6,
		unreadCount: 1,
		link: `/${PAGE_ID}/inbox/${CONVERSATION_IDS.alice}`,
	},
	bob: {
		id: CONVERSATION_IDS.bob,
		platform: 'messenger',
		participants: [messengerParticipant(USERS.bob.id, USERS.bob.name), messengerParticipant(PAGE_ID, PAGE_NAME)],
		updatedAt: '2024-05-01T09:25:00.000Z',
		messageCount: 25,
		unreadCount: 0,
		link: `/${PAGE_ID}/inbox/${CONVERSATION_IDS.bob}`,
	},
	dana: {
		id: CONVERSATION_IDS.dana,
		platform: 'messenger',
		participants: [messengerParticipant(USERS.dana.id, USERS.dana.name), messengerParticipant(PAGE_ID, PAGE_NAME)],
		updatedAt: '2024-04-30T09:00:00.000Z',
		messageCount: 1,
		unreadCount: 0,
		link: `/${PAGE_ID}/inbox/${CONVERSATION_IDS.dana}`,
	},
	kenji: {
		id: CONVERSATION_IDS.kenji,
		platform: 'instagram',
		participants: [
			{ id: USERS.kenji.id, username: USERS.kenji.username },
			{ id: IG_ACCOUNT_ID, username: 'acme.coffee' },
		],
		updatedAt: '2024-05-01T13:06:00.000Z',
		messageCount: 3,
		unreadCount: 0,
		link: `/${IG_ACCOUNT_ID}/inbox/${CONVERSATION_IDS.kenji}`,
	},
	ines: {
		id: CONVERSATION_IDS.ines,
		platform: 'instagram',
		participants: [
			{ id: USERS.ines.id, username: USERS.ines.username },
			{ id: IG_ACCOUNT_ID, username: 'acme.coffee' },
		],
		updatedAt: '2024-05-01T10:05:00.000Z',
		messageCount: 4,
		unreadCount: 2,
		link: `/${IG_ACCOUNT_ID}/inbox/${CONVERSATION_IDS.ines}`,
	},
};

describe('Conversation > Get Many', () => {
	const fake = useFakeGraph();

	it('Messenger: Limit returns exactly that many, asking Graph for a page of that size', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: false,
			limit: 2,
		});
		expect(error).toBeUndefined();
		expect(jsonOf(items)).toStrictEqual([expected.chloe, expected.alice]);
		assertPairedWith(items, 0);

		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: messengerConversations(), query: conversationsQuery('messenger', 2), token: PAGE_TOKEN });
		// Graph had more: the node stopped because the limit was reached, not because the list ended.
		expect(pageOf(fake().requests[0]).paging?.next).toBeTruthy();
	});

	it('Messenger: Return All lists every conversation, newest first, in the unified model', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(error).toBeUndefined();
		expect(jsonOf(items)).toStrictEqual([expected.chloe, expected.alice, expected.bob, expected.dana]);
		for (const item of items) expect('raw' in item.json).toBe(false);
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: messengerConversations(), query: conversationsQuery('messenger', 100), token: PAGE_TOKEN });
	});

	it('Instagram through the Meta Graph API: the Page edge with platform=instagram; stale request threads stay hidden', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(error).toBeUndefined();
		expect(jsonOf(items)).toStrictEqual([expected.kenji, expected.ines]);
		// The credential names the Instagram account, so no lookup of the account id is needed.
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: messengerConversations(), query: conversationsQuery('instagram', 100), token: PAGE_TOKEN });
	});

	it('Instagram through the Meta Graph API without the account id: one lookup on the Page, then the list', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake(), { instagramAccountId: '' }), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'getAll',
			limit: 1,
		});
		expect(error).toBeUndefined();
		expect(jsonOf(items)).toStrictEqual([expected.kenji]);
		expect(fake().requests.length).toBe(2);
		assertGraphGet(fake().calls(`GET /${PAGE_ID}/conversations`)[0], {
			path: messengerConversations(),
			query: conversationsQuery('instagram', 1),
			token: PAGE_TOKEN,
		});
		assertGraphGet(fake().calls(`GET /${PAGE_ID}`)[0], {
			path: `/${PAGE_ID}`,
			query: { fields: 'instagram_business_account' },
			token: PAGE_TOKEN,
		});
	});

	it('Instagram Login: /me/conversations with the Instagram token; the own account id is looked up once', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(instagramLoginCredentials(fake()), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(error).toBeUndefined();
		expect(jsonOf(items)).toStrictEqual([expected.kenji, expected.ines]);
		expect(fake().requests.length).toBe(2);
		assertGraphGet(fake().calls('GET /me/conversations')[0], {
			path: '/me/conversations',
			query: conversationsQuery('instagram', 100),
			token: IG_USER_TOKEN,
		});
		assertGraphGet(fake().calls('GET /me')[0], { path: '/me', query: { fields: 'user_id,username' }, token: IG_USER_TOKEN });
	});

	it('Instagram Login with the account id in the credential: its edge, no lookup', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(instagramLoginCredentials(fake(), { instagramAccountId: IG_ACCOUNT_ID }), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'getAll',
			limit: 5,
		});
		expect(error).toBeUndefined();
		expect(jsonOf(items)).toStrictEqual([expected.kenji, expected.ines]);
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], {
			path: `/${IG_ACCOUNT_ID}/conversations`,
			query: conversationsQuery('instagram', 5),
			token: IG_USER_TOKEN,
		});
	});

	it('Filter by User ID sends user_id and returns only that conversation (Messenger and both Instagram routes)', async () => {
		clear(fake());
		const messenger = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
			filters: { userId: ` ${USERS.alice.id} ` },
		});
		expect(messenger.error).toBeUndefined();
		expect(jsonOf(messenger.items)).toStrictEqual([expected.alice]);
		assertGraphGet(fake().requests[0], {
			path: messengerConversations(),
			query: conversationsQuery('messenger', 100, { user_id: USERS.alice.id }),
			token: PAGE_TOKEN,
		});

		clear(fake());
		const viaPage = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'getAll',
			limit: 10,
			filters: { userId: USERS.ines.id },
		});
		expect(jsonOf(viaPage.items)).toStrictEqual([expected.ines]);
		assertGraphGet(fake().requests[0], {
			path: messengerConversations(),
			query: conversationsQuery('instagram', 10, { user_id: USERS.ines.id }),
			token: PAGE_TOKEN,
		});

		clear(fake());
		const viaLogin = await runSocialMessaging(instagramLoginCredentials(fake()), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
			filters: { userId: USERS.kenji.id },
		});
		expect(jsonOf(viaLogin.items)).toStrictEqual([expected.kenji]);
		assertGraphGet(fake().calls('GET /me/conversations')[0], {
			path: '/me/conversations',
			query: conversationsQuery('instagram', 100, { user_id: USERS.kenji.id }),
			token: IG_USER_TOKEN,
		});

		clear(fake());
		const nobody = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
			filters: { userId: USERS.ines.id },
		});
		expect(nobody.error).toBeUndefined();
		expect(nobody.items).toStrictEqual([]);
	});

	it('Include Raw Platform Data: raw is Graph\'s own conversation object, only when turned on', async () => {
		clear(fake());
		const on = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			limit: 2,
			options: { includeRaw: true },
		});
		expect(on.error).toBeUndefined();
		const answered = pageOf(fake().requests[0]);
		// The answer carried paging links with the token; none of that may reach the output.
		expect(answered.paging?.next ?? '').toMatch(/access_token=/);
		expect(on.items.length).toBe(2);
		on.items.forEach((item, index) => {
			const { raw, ...unified } = item.json;
			expect(raw).toStrictEqual(answered.data[index]);
			expect(unified).toStrictEqual([expected.chloe, expected.alice][index]);
		});
		assertNoSecrets(on.items, PAGE_TOKEN);

		clear(fake());
		const off = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			limit: 2,
			options: { includeRaw: false },
		});
		expect(jsonOf(off.items)).toStrictEqual([expected.chloe, expected.alice]);
	});
});

describe('Conversation > Get Many across several pages', () => {
	const messenger = useFakeGraph({ state: createLargeState({ conversations: 230, messagesPerConversation: 1 }) });
	const instagram = useFakeGraph({ state: createLargeState({ conversations: 120, messagesPerConversation: 1, platform: 'instagram' }) });

	/** Each request after the first carries the `after` cursor of the previous answer. */
	function assertCursorChain(requests: RecordedRequest[]): void {
		expect(requests[0].query.after).toBeUndefined();
		for (let i = 1; i < requests.length; i++) {
			const after = pageOf(requests[i - 1]).paging?.cursors?.after;
			expect(after).toBeTruthy();
			expect(requests[i].query.after).toBe(after);
		}
		expect(pageOf(requests.at(-1)!).paging?.next).toBeUndefined();
	}

	it('Messenger Return All: 230 conversations in 3 requests of 100, each passing the previous cursor', async () => {
		clear(messenger());
		const { items, error } = await runSocialMessaging(metaCredentials(messenger()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(error).toBeUndefined();
		const requests = messenger().requests;
		expect(requests.length).toBe(3);
		requests.forEach((request, index) => {
			const after: Record<string, string> = index === 0 ? {} : { after: pageOf(requests[index - 1]).paging!.cursors!.after! };
			assertGraphGet(request, { path: messengerConversations(), query: conversationsQuery('messenger', 100, after), token: PAGE_TOKEN });
		});
		assertCursorChain(requests);
		expect(pageOf(requests[0]).data.length + pageOf(requests[1]).data.length + pageOf(requests[2]).data.length).toStrictEqual(230);

		const wanted = messenger().state.conversationsOf(PAGE_ID, 'messenger').map((c) => c.id);
		expect(wanted.length).toBe(230);
		expect(items.map((item) => item.json.id)).toStrictEqual(wanted);
		expect(new Set(items.map((item) => item.json.id)).size).toBe(230);
		expect((items[0].json.participants as Array<{ name: string }>)[0].name).toStrictEqual('Person 0230');
		expect((items[229].json.participants as Array<{ name: string }>)[0].name).toStrictEqual('Person 0001');
		assertPairedWith(items, 0);
	});

	it('Messenger Limit 150: two pages, the second cut to the limit', async () => {
		clear(messenger());
		const { items, error } = await runSocialMessaging(metaCredentials(messenger()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			limit: 150,
		});
		expect(error).toBeUndefined();
		expect(items.length).toBe(150);
		const requests = messenger().requests;
		expect(requests.length).toBe(2);
		assertGraphGet(requests[0], { path: messengerConversations(), query: conversationsQuery('messenger', 100), token: PAGE_TOKEN });
		assertGraphGet(requests[1], {
			path: messengerConversations(),
			query: conversationsQuery('messenger', 100, { after: pageOf(requests[0]).paging!.cursors!.after! }),
			token: PAGE_TOKEN,
		});
		const wanted = messenger().state.conversationsOf(PAGE_ID, 'messenger').slice(0, 150).map((c) => c.id);
		expect(items.map((item) => item.json.id)).toStrictEqual(wanted);
	});

	it('Instagram Login Return All: 120 conversations in 2 pages plus one account lookup', async () => {
		clear(instagram());
		const { items, error } = await runSocialMessaging(instagramLoginCredentials(instagram()), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(error).toBeUndefined();
		const pages = instagram().calls('GET /me/conversations');
		expect(pages.length).toBe(2);
		expect(instagram().calls('GET /me').length).toBe(1);
		expect(instagram().requests.length).toBe(3);
		assertGraphGet(pages[0], { path: '/me/conversations', query: conversationsQuery('instagram', 100), token: IG_USER_TOKEN });
		assertGraphGet(pages[1], {
			path: '/me/conversations',
			query: conversationsQuery('instagram', 100, { after: pageOf(pages[0]).paging!.cursors!.after! }),
			token: IG_USER_TOKEN,
		});
		assertCursorChain(pages);
		const wanted = instagram().state.conversationsOf(IG_ACCOUNT_ID, 'instagram').map((c) => c.id);
		expect(items.map((item) => item.json.id)).toStrictEqual(wanted);
		expect((items[0].json.participants as unknown[])[1]).toStrictEqual({ id: IG_ACCOUNT_ID, username: 'acme.coffee' });
		expect((items[0].json.participants as Array<{ username: string }>)[0].username).toBe('person_0120');
	});

	it('Instagram through the Meta Graph API, Limit 101: two pages of 100 from the Page edge', async () => {
		clear(instagram());
		const { items, error } = await runSocialMessaging(metaCredentials(instagram()), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'getAll',
			limit: 101,
		});
		expect(error).toBeUndefined();
		expect(items.length).toBe(101);
		const requests = instagram().requests;
		expect(requests.length).toBe(2);
		assertGraphGet(requests[0], { path: messengerConversations(), query: conversationsQuery('instagram', 100), token: PAGE_TOKEN });
		assertGraphGet(requests[1], {
			path: messengerConversations(),
			query: conversationsQuery('instagram', 100, { after: pageOf(requests[0]).paging!.cursors!.after! }),
			token: PAGE_TOKEN,
		});
	});
});

describe('Conversation > Get Many: a page that is empty but has a next link', () => {
	// Instagram hides request-folder threads idle for 30 days after paging, so whole pages can come back
	// empty while more conversations follow. Seed: Kenji, Inés, three stale requests, Lena (stale), Olga (old inbox).
	const DAY = 24 * 60 * 60 * 1000;
	const olga = { id: '6677889900119999', username: 'olga.old' };
	const state = createDefaultState();
	const base = Date.UTC(2024, 4, 1, 9, 0, 0);
	for (let i = 1; i <= 3; i++) {
		const id = `667788990011800${i}`;
		state.addUser({ id, platform: 'instagram', businessId: IG_ACCOUNT_ID, name: `Request ${i}`, username: `request_${i}`, profilePic: '/cdn/seed/label.png' });
		const conv = state.ensureConversation('instagram', IG_ACCOUNT_ID, id);
		conv.folder = 'requests';
		state.addMessage(conv, { direction: 'inbound', text: `request ${i}`, createdTime: base - (30 + i) * DAY });
	}
	state.addUser({ id: olga.id, platform: 'instagram', businessId: IG_ACCOUNT_ID, name: 'Olga Old', username: olga.username, profilePic: '/cdn/seed/label.png' });
	const olgaConversation = state.ensureConversation('instagram', IG_ACCOUNT_ID, olga.id);
	state.addMessage(olgaConversation, { direction: 'inbound', text: 'still there?', createdTime: base - 90 * DAY });
	const fake = useFakeGraph({ state });

	it('Instagram Login Limit 3: the empty second page is followed to the third', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(instagramLoginCredentials(fake()), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'getAll',
			limit: 3,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toStrictEqual([CONVERSATION_IDS.kenji, CONVERSATION_IDS.ines, olgaConversation.id]);
		expect(items[2].json.participants).toStrictEqual([olga, { id: IG_ACCOUNT_ID, username: 'acme.coffee' }]);

		const pages = fake().calls('GET /me/conversations');
		expect(pages.length).toBe(3);
		expect(pages.map((page) => pageOf(page).data.length)).toStrictEqual([2, 0, 1]);
		// the empty page must carry a next link for this test to mean anything
		expect(pageOf(pages[1]).paging?.next).toBeTruthy();
		pages.forEach((page, index) => {
			const after: Record<string, string> = index === 0 ? {} : { after: pageOf(pages[index - 1]).paging!.cursors!.after! };
			assertGraphGet(page, { path: '/me/conversations', query: conversationsQuery('instagram', 3, after), token: IG_USER_TOKEN });
		});
	});

	it('Instagram through the Meta Graph API, Return All: one page of 100 already skips the hidden threads', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toStrictEqual([CONVERSATION_IDS.kenji, CONVERSATION_IDS.ines, olgaConversation.id]);
		expect(fake().requests.length).toBe(1);
	});
});

describe('Conversation > Get', () => {
	const fake = useFakeGraph();
	const conversationFields = (limit?: number) =>
		limit === undefined ? CONVERSATION_FIELDS : `${CONVERSATION_FIELDS},messages.limit(${limit}){${MESSAGE_FIELDS}}`;

	it('Messenger with 3 recent messages: one request with field expansion, unified messages', async () => {
		clear(fake());
		const alice = fake().state.conversations.get(CONVERSATION_IDS.alice)!;
		const [danke, invoice, label] = alice.messages;
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'get',
			conversationId: byId(CONVERSATION_IDS.alice),
			messageLimit: 3,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${CONVERSATION_IDS.alice}`, query: { fields: conversationFields(3) }, token: PAGE_TOKEN });

		const alicePerson = messengerParticipant(USERS.alice.id, USERS.alice.name);
		const page = messengerParticipant(PAGE_ID, PAGE_NAME);
		const base = `${fake().url}/cdn/seed`;
		expect(items.length).toBe(1);
		assertPairedWith(items, 0);
		expect(items[0].json).toStrictEqual({
			...expected.alice,
			messages: [
				{
					id: danke.id,
					platform: 'messenger',
					conversationId: CONVERSATION_IDS.alice,
					direction: 'inbound',
					sender: alicePerson,
					recipient: page,
					text: 'Danke! Passt 👍',
					attachments: [],
					timestamp: '2024-05-01T11:10:00.000Z',
					replyToId: invoice.id,
					detailsAvailable: true,
				},
				{
					id: invoice.id,
					platform: 'messenger',
					conversationId: CONVERSATION_IDS.alice,
					direction: 'outbound',
					sender: page,
					recipient: alicePerson,
					attachments: [
						{ type: 'file', url: `${base}/invoice.pdf`, id: '3000000000000002', mimeType: 'application/pdf', fileName: 'invoice.pdf', size: invoice.attachments[0].size },
					],
					timestamp: '2024-05-01T11:08:00.000Z',
					detailsAvailable: true,
				},
				{
					id: label.id,
					platform: 'messenger',
					conversationId: CONVERSATION_IDS.alice,
					direction: 'inbound',
					sender: alicePerson,
					recipient: page,
					attachments: [
						{ type: 'image', url: `${base}/label.png`, id: '3000000000000001', mimeType: 'image/png', fileName: 'label.png', size: label.attachments[0].size },
					],
					timestamp: '2024-05-01T11:06:00.000Z',
					detailsAvailable: true,
				},
			],
		});
	});

	it('0 recent messages: no message expansion, an empty message list', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'get',
			conversationId: byId(CONVERSATION_IDS.chloe),
			messageLimit: 0,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${CONVERSATION_IDS.chloe}`, query: { fields: conversationFields() }, token: PAGE_TOKEN });
		expect(jsonOf(items)).toStrictEqual([{ ...expected.chloe, messages: [] }]);
	});

	it('More than 20 recent messages asked for (by expression): clamped to the 20 Meta returns in detail', async () => {
		clear(fake());
		const bob = fake().state.conversations.get(CONVERSATION_IDS.bob)!;
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'get',
			conversationId: byId(CONVERSATION_IDS.bob),
			messageLimit: '={{ 50 }}',
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${CONVERSATION_IDS.bob}`, query: { fields: conversationFields(20) }, token: PAGE_TOKEN });
		const messages = items[0].json.messages as Array<Record<string, unknown>>;
		expect(messages.length).toBe(20);
		expect(messages.map((m) => m.id)).toStrictEqual(bob.messages.slice(0, 20).map((m) => m.id));
		expect(messages.map((m) => m.text)).toStrictEqual(bob.messages.slice(0, 20).map((m) => m.text));
		expect(messages.every((m) => m.detailsAvailable === true)).toBeTruthy();
		expect(messages.slice(0, 2).map((m) => m.direction)).toStrictEqual(['inbound', 'outbound']);
		expect(messages[0].text).toBe('Message 25 of 25');
		expect(messages[0].timestamp).toBe('2024-05-01T09:25:00.000Z');
	});

	it('Instagram Login: the conversation with its messages, directions from the looked-up account id', async () => {
		clear(fake());
		const kenji = fake().state.conversations.get(CONVERSATION_IDS.kenji)!;
		const { items, error } = await runSocialMessaging(instagramLoginCredentials(fake()), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'get',
			conversationId: { __rl: true, mode: 'list', value: CONVERSATION_IDS.kenji, cachedResultName: 'kenji_t' },
			messageLimit: 2,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(2);
		assertGraphGet(fake().calls(`GET /${CONVERSATION_IDS.kenji}`)[0], {
			path: `/${CONVERSATION_IDS.kenji}`,
			query: { fields: conversationFields(2) },
			token: IG_USER_TOKEN,
		});
		const kenjiPerson = { id: USERS.kenji.id, username: USERS.kenji.username };
		const account = { id: IG_ACCOUNT_ID, username: 'acme.coffee' };
		expect(items[0].json).toStrictEqual({
			...expected.kenji,
			messages: [
				{
					id: kenji.messages[0].id,
					platform: 'instagram',
					conversationId: CONVERSATION_IDS.kenji,
					direction: 'outbound',
					sender: account,
					recipient: kenjiPerson,
					text: 'はい、確認します 🙇',
					attachments: [],
					timestamp: '2024-05-01T13:06:00.000Z',
					detailsAvailable: true,
				},
				{
					id: kenji.messages[1].id,
					platform: 'instagram',
					conversationId: CONVERSATION_IDS.kenji,
					direction: 'inbound',
					sender: kenjiPerson,
					recipient: account,
					attachments: [
						{ type: 'video', url: `${fake().url}/cdn/seed/clip.mp4`, id: '3000000000000004', mimeType: 'video/mp4', fileName: 'clip.mp4', size: kenji.messages[1].attachments[0].size },
					],
					timestamp: '2024-05-01T13:01:00.000Z',
					detailsAvailable: true,
				},
			],
		});
	});

	it('Instagram through the Meta Graph API: same request shape with the Page token', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'instagram',
			resource: 'conversation',
			operation: 'get',
			conversationId: byId(CONVERSATION_IDS.ines),
			messageLimit: 1,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${CONVERSATION_IDS.ines}`, query: { fields: conversationFields(1) }, token: PAGE_TOKEN });
		const messages = items[0].json.messages as Array<Record<string, unknown>>;
		expect(messages.map((m) => [m.text, m.direction])).toStrictEqual([['Perfecto, gracias 🙏', 'inbound']]);
	});

	it('Include Raw: the raw conversation and messages, without the paging links that carry the token', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'get',
			conversationId: byId(CONVERSATION_IDS.bob),
			messageLimit: 2,
			options: { includeRaw: true },
		});
		expect(error).toBeUndefined();
		const answered = fake().requests[0].response as { messages: { data: unknown[]; paging: { next: string } } };
		expect(answered.messages.paging.next).toMatch(/access_token=/);

		const json = items[0].json;
		const raw = json.raw as Record<string, unknown>;
		const { messages: rawMessages, ...rawConversation } = raw;
		const { messages: answeredMessages, ...answeredConversation } = answered as unknown as Record<string, unknown>;
		expect(rawConversation).toStrictEqual(answeredConversation);
		expect(rawMessages).toStrictEqual({ data: (answeredMessages as { data: unknown[] }).data });
		const messages = json.messages as Array<Record<string, unknown>>;
		expect(messages.map((m) => m.raw)).toStrictEqual(answered.messages.data);
		assertNoSecrets(items, PAGE_TOKEN);
	});

	it('An unknown conversation id fails the item with Graph\'s reason', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'get',
			conversationId: byId('t_999999999'),
			messageLimit: 1,
		});
		expect(items).toStrictEqual([]);
		expect(error).toBeTruthy();
		expect(error!.name).toBe('NodeApiError');
		expect(error!.httpCode).toBe('400');
		expect(String(error!.description)).toMatch(/does not exist/);
		expect((error!.context as Record<string, unknown>).itemIndex).toBe(0);
		assertNoSecrets(error, PAGE_TOKEN);
	});
});

describe('Conversation > Get with several input items', () => {
	const fake = useFakeGraph();

	it('each item reads its own conversation (ID and platform from expressions); pairedItem points to the input', async () => {
		clear(fake());
		const inputs = [
			{ json: { platform: 'messenger', conversation: CONVERSATION_IDS.chloe } },
			{ json: { platform: 'instagram', conversation: CONVERSATION_IDS.ines } },
			{ json: { platform: 'messenger', conversation: CONVERSATION_IDS.dana } },
		];
		const { items, error } = await runSocialMessaging(
			metaCredentials(fake()),
			{
				platform: '={{ $json.platform }}',
				resource: 'conversation',
				operation: 'get',
				conversationId: byId('={{ $json.conversation }}'),
				messageLimit: 1,
			},
			{ items: inputs },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.id, item.json.platform, item.pairedItem])).toStrictEqual([
				[CONVERSATION_IDS.chloe, 'messenger', { item: 0 }],
				[CONVERSATION_IDS.ines, 'instagram', { item: 1 }],
				[CONVERSATION_IDS.dana, 'messenger', { item: 2 }],
			]);
		expect(fake().requests.map((request) => request.path)).toStrictEqual([`/${CONVERSATION_IDS.chloe}`, `/${CONVERSATION_IDS.ines}`, `/${CONVERSATION_IDS.dana}`]);
		expect(items.map((item) => (item.json.messages as Array<{ text: string }>)[0].text)).toStrictEqual(['Merci beaucoup !', 'Perfecto, gracias 🙏', 'Please stop messaging me.']);
	});

	it('Get Many per input item: one list per item, each output item paired with the item that asked', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(
			metaCredentials(fake()),
			{
				platform: 'messenger',
				resource: 'conversation',
				operation: 'getAll',
				limit: '={{ $json.limit }}',
				filters: { userId: '={{ $json.userId }}' },
			},
			{ items: [{ json: { limit: 2, userId: '' } }, { json: { limit: 5, userId: USERS.bob.id } }] },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.id, item.pairedItem])).toStrictEqual([
				[CONVERSATION_IDS.chloe, { item: 0 }],
				[CONVERSATION_IDS.alice, { item: 0 }],
				[CONVERSATION_IDS.bob, { item: 1 }],
			]);
		expect(fake().requests.length).toBe(2);
		assertGraphGet(fake().requests[0], { path: messengerConversations(), query: conversationsQuery('messenger', 2), token: PAGE_TOKEN });
		assertGraphGet(fake().requests[1], {
			path: messengerConversations(),
			query: conversationsQuery('messenger', 5, { user_id: USERS.bob.id }),
			token: PAGE_TOKEN,
		});
	});
});

describe('Conversation > Get Many under Graph failures', () => {
	// Meta allows about 2 Conversations API calls per second per Page.
	const limited = useFakeGraph({ state: createLargeState({ conversations: 500, messagesPerConversation: 1 }), conversationsRateLimitPerSecond: 2 });
	const flaky = useFakeGraph({ state: createLargeState({ conversations: 150, messagesPerConversation: 1 }) });

	it('Return All over 5 pages at 2 calls/s: the one refused page is repeated, then the run keeps to 2/s; nothing lost or doubled', async () => {
		clear(limited());
		const { items, error } = await runSocialMessaging(metaCredentials(limited()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(error).toBeUndefined();
		expect(items.length).toBe(500);
		expect(items.map((item) => item.json.id)).toStrictEqual(limited().state.conversationsOf(PAGE_ID, 'messenger').map((c) => c.id));
		const answered = limited().requests.filter((request) => request.status === 200);
		const refused = limited().requests.filter((request) => request.status !== 200);
		// one successful request per page
		expect(answered.length).toBe(5);
		// The first pages go as fast as the answers come; the first refusal switches the node to Meta's pace.
		// refused: ${refused.map((request) => request.query.after ?? 'first page').join(', ')}
		expect(refused.length).toBe(1);
		expect((refused[0].response as { error: { code: number } }).error.code).toBe(613);
		const arrivals = limited().requests.map((request) => request.at).sort((a, b) => a - b);
		const busiest = busiestWindow(arrivals);
		// ${busiest} requests within one second (2 allowed, plus the refused one)
		expect(busiest).toBeLessThanOrEqual(3);
		const afterRefusal = arrivals.filter((at) => at > refused[0].at);
		const busiestAfter = busiestWindow(afterRefusal);
		// ${busiestAfter} requests within one second after the refusal
		expect(busiestAfter).toBeLessThanOrEqual(2);
		// A refused page is asked for again with the same cursor.
		const cursors = limited().requests.map((request) => request.query.after ?? '');
		const successfulCursors = answered.map((request) => request.query.after ?? '');
		expect(new Set(cursors).size).toBe(5);
		expect(new Set(successfulCursors).size).toBe(5);
	});

	it('a 5xx on the second page is retried with the same cursor; the list is complete', async () => {
		clear(flaky());
		let calls = 0;
		flaky().failNext(
			(call) => call.path === `/${PAGE_ID}/conversations` && ++calls === 2,
			'serviceUnavailable',
		);
		const { items, error } = await runSocialMessaging(metaCredentials(flaky()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(error).toBeUndefined();
		expect(items.length).toBe(150);
		expect(new Set(items.map((item) => item.json.id)).size).toBe(150);
		const requests = flaky().requests;
		expect(requests.map((request) => request.status)).toStrictEqual([200, 503, 200]);
		expect(requests[1].query.after).toBe(pageOf(requests[0]).paging?.cursors?.after);
		expect(requests[2].query.after).toBe(requests[1].query.after);
	});

	it('an expired token: a NodeApiError pointing to the credential, with Meta\'s code, and no token in it', async () => {
		clear(flaky());
		flaky().failNext(`GET /${PAGE_ID}/conversations`, 'expiredToken');
		const { items, error } = await runSocialMessaging(metaCredentials(flaky()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(items).toStrictEqual([]);
		expect(error).toBeTruthy();
		expect(error!.name).toBe('NodeApiError');
		expect(error!.message).toMatch(/invalid or has expired/);
		expect(String(error!.description)).toMatch(/credential/);
		expect((error!.context as Record<string, unknown>).platformErrorCode).toBe(190);
		// an auth error is not retried
		expect(flaky().requests.length).toBe(1);
		assertNoSecrets(error, PAGE_TOKEN);
	});
});
