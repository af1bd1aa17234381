/**
 * Message > Get Many and Message > Get through n8n's real engine against the fake Graph API: one request
 * per page with field expansion (never one per message), cursors, the 20-message detail window,
 * attachment mapping, the "no longer available" error, and paired items across several input items.
 */
import { describe, expect, it } from '@jest/globals';

import {
	CONVERSATION_IDS,
	IG_ACCOUNT_ID,
	IG_USER_TOKEN,
	PAGE_ID,
	PAGE_NAME,
	PAGE_TOKEN,
	SEED_BASE_TIME,
	USERS,
	attachmentRecord,
	busiestWindow,
	createDefaultState,
	createLargeState,
	type MessageRecord,
} from '../fakes/graph';
import {
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

const messagesQuery = (limit: number, extra: Record<string, string> = {}) => ({ fields: MESSAGE_FIELDS, limit: String(limit), ...extra });
const page = messengerParticipant(PAGE_ID, PAGE_NAME);
const account = { id: IG_ACCOUNT_ID, username: 'acme.coffee' };

describe('Message > Get Many', () => {
	const fake = useFakeGraph();

	it('Messenger Return All: one request for all 25 messages; the 5 beyond the 20 most recent have no details', async () => {
		clear(fake());
		const bob = fake().state.conversations.get(CONVERSATION_IDS.bob)!;
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.bob),
			returnAll: true,
		});
		expect(error).toBeUndefined();
		// one request per page, never one per message
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${CONVERSATION_IDS.bob}/messages`, query: messagesQuery(100), token: PAGE_TOKEN });

		expect(items.length).toBe(25);
		assertPairedWith(items, 0);
		const bobPerson = messengerParticipant(USERS.bob.id, USERS.bob.name);
		const json = jsonOf(items);
		json.slice(0, 20).forEach((message, rank) => {
			const n = 25 - rank;
			const inbound = n % 2 === 1;
			expect(message).toStrictEqual({
				id: bob.messages[rank].id,
				platform: 'messenger',
				conversationId: CONVERSATION_IDS.bob,
				direction: inbound ? 'inbound' : 'outbound',
				sender: inbound ? bobPerson : page,
				recipient: inbound ? page : bobPerson,
				text: `Message ${n} of 25`,
				attachments: [],
				timestamp: new Date(SEED_BASE_TIME + n * 60_000).toISOString(),
				detailsAvailable: true,
			});
		});
		json.slice(20).forEach((message, offset) => {
			const rank = 20 + offset;
			const n = 25 - rank;
			expect(message).toStrictEqual({
				id: bob.messages[rank].id,
				platform: 'messenger',
				conversationId: CONVERSATION_IDS.bob,
				attachments: [],
				timestamp: new Date(SEED_BASE_TIME + n * 60_000).toISOString(),
				detailsAvailable: false,
			});
		});
	});

	it('Messenger Limit 7: exactly 7, newest first, asked for as a page of 7', async () => {
		clear(fake());
		const bob = fake().state.conversations.get(CONVERSATION_IDS.bob)!;
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.bob),
			limit: 7,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${CONVERSATION_IDS.bob}/messages`, query: messagesQuery(7), token: PAGE_TOKEN });
		expect(items.map((item) => item.json.id)).toStrictEqual(bob.messages.slice(0, 7).map((m) => m.id));
		expect(items[0].json.text).toBe('Message 25 of 25');
	});

	it('Messenger: Alice\'s conversation maps replies, attachments, non-ASCII text and directions', async () => {
		clear(fake());
		const alice = fake().state.conversations.get(CONVERSATION_IDS.alice)!;
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: { __rl: true, mode: 'list', value: CONVERSATION_IDS.alice, cachedResultName: 'Alice Müller' },
			returnAll: true,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		const alicePerson = messengerParticipant(USERS.alice.id, USERS.alice.name);
		const base = `${fake().url}/cdn/seed`;
		const [danke, invoice, label, gruesse, yes, hi] = alice.messages;
		const common = { platform: 'messenger', conversationId: CONVERSATION_IDS.alice, detailsAvailable: true };
		const inbound = { direction: 'inbound', sender: alicePerson, recipient: page };
		const outbound = { direction: 'outbound', sender: page, recipient: alicePerson };
		expect(jsonOf(items)).toStrictEqual([
			{ id: danke.id, ...common, ...inbound, text: 'Danke! Passt 👍', attachments: [], timestamp: '2024-05-01T11:10:00.000Z', replyToId: invoice.id },
			{
				id: invoice.id,
				...common,
				...outbound,
				attachments: [{ type: 'file', url: `${base}/invoice.pdf`, id: '3000000000000002', mimeType: 'application/pdf', fileName: 'invoice.pdf', size: invoice.attachments[0].size }],
				timestamp: '2024-05-01T11:08:00.000Z',
			},
			{
				id: label.id,
				...common,
				...inbound,
				attachments: [{ type: 'image', url: `${base}/label.png`, id: '3000000000000001', mimeType: 'image/png', fileName: 'label.png', size: label.attachments[0].size }],
				timestamp: '2024-05-01T11:06:00.000Z',
			},
			{ id: gruesse.id, ...common, ...inbound, text: 'Grüße 👋 — here is a photo of the label', attachments: [], timestamp: '2024-05-01T11:05:00.000Z' },
			{ id: yes.id, ...common, ...outbound, text: 'Yes, we ship across the EU 🇪🇺', attachments: [], timestamp: '2024-05-01T11:02:00.000Z' },
			{ id: hi.id, ...common, ...inbound, text: 'Hi! Do you ship to Austria?', attachments: [], timestamp: '2024-05-01T11:00:00.000Z' },
		]);
	});

	it('Instagram Login: messages of one thread in one request, plus one lookup of the account id', async () => {
		clear(fake());
		const ines = fake().state.conversations.get(CONVERSATION_IDS.ines)!;
		const { items, error } = await runSocialMessaging(instagramLoginCredentials(fake()), {
			platform: 'instagram',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.ines),
			limit: 50,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(2);
		assertGraphGet(fake().calls(`GET /${CONVERSATION_IDS.ines}/messages`)[0], {
			path: `/${CONVERSATION_IDS.ines}/messages`,
			query: messagesQuery(50),
			token: IG_USER_TOKEN,
		});
		assertGraphGet(fake().calls('GET /me')[0], { path: '/me', query: { fields: 'user_id,username' }, token: IG_USER_TOKEN });
		const inesPerson = { id: USERS.ines.id, username: USERS.ines.username };
		const common = { platform: 'instagram', conversationId: CONVERSATION_IDS.ines, detailsAvailable: true };
		expect(jsonOf(items)).toStrictEqual([
			{ id: ines.messages[0].id, ...common, direction: 'inbound', sender: inesPerson, recipient: account, text: 'Perfecto, gracias 🙏', attachments: [], timestamp: '2024-05-01T10:05:00.000Z' },
			{
				id: ines.messages[1].id,
				...common,
				direction: 'inbound',
				sender: inesPerson,
				recipient: account,
				attachments: [
					{ type: 'image', url: `${fake().url}/cdn/seed/label.png`, id: '3000000000000003', mimeType: 'image/png', fileName: 'label.png', size: ines.messages[1].attachments[0].size },
				],
				timestamp: '2024-05-01T10:04:00.000Z',
			},
			{ id: ines.messages[2].id, ...common, direction: 'outbound', sender: account, recipient: inesPerson, text: '¡Sí! 😊 Oat, almond and soy.', attachments: [], timestamp: '2024-05-01T10:03:00.000Z' },
			{ id: ines.messages[3].id, ...common, direction: 'inbound', sender: inesPerson, recipient: account, text: '¡Hola! ¿Tienen leche de avena? 🥛', attachments: [], timestamp: '2024-05-01T10:00:00.000Z' },
		]);
	});

	it('Instagram through the Meta Graph API: the same request with the Page token, no extra lookup', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'instagram',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.kenji),
			returnAll: true,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${CONVERSATION_IDS.kenji}/messages`, query: messagesQuery(100), token: PAGE_TOKEN });
		expect(items.map((item) => [item.json.direction, item.json.text ?? null, (item.json.attachments as Array<{ type: string }>).map((a) => a.type)])).toStrictEqual([
				['outbound', 'はい、確認します 🙇', []],
				['inbound', null, ['video']],
				['inbound', 'こんにちは！注文を確認できますか？', []],
			]);
	});

	it('Instagram through the Meta Graph API without the account id: it is looked up on the Page for the directions', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake(), { instagramAccountId: '' }), {
			platform: 'instagram',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.ines),
			limit: 3,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(2);
		assertGraphGet(fake().calls(`GET /${PAGE_ID}`)[0], { path: `/${PAGE_ID}`, query: { fields: 'instagram_business_account' }, token: PAGE_TOKEN });
		assertGraphGet(fake().calls(`GET /${CONVERSATION_IDS.ines}/messages`)[0], {
			path: `/${CONVERSATION_IDS.ines}/messages`,
			query: messagesQuery(3),
			token: PAGE_TOKEN,
		});
		expect(items.map((item) => [item.json.direction, (item.json.sender as { id: string }).id])).toStrictEqual([
				['inbound', USERS.ines.id],
				['inbound', USERS.ines.id],
				['outbound', IG_ACCOUNT_ID],
			]);
	});

	it('Include Raw: each message carries Graph\'s own object, nothing with the token', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.bob),
			limit: 3,
			options: { includeRaw: true },
		});
		expect(error).toBeUndefined();
		const answered = pageOf(fake().requests[0]);
		expect(answered.paging?.next ?? '').toMatch(/access_token=/);
		expect(items.map((item) => item.json.raw)).toStrictEqual(answered.data);
		assertNoSecrets(items, PAGE_TOKEN);
	});
});

describe('Message > Get Many across pages', () => {
	const fake = useFakeGraph({ state: createLargeState({ conversations: 1, messagesPerConversation: 230 }) });

	it('Return All over 230 messages: 3 requests of 100 chained by cursor; 20 detailed, 210 without details', async () => {
		clear(fake());
		const conversation = [...fake().state.conversations.values()][0];
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(conversation.id),
			returnAll: true,
		});
		expect(error).toBeUndefined();
		const requests = fake().requests;
		// one request per page of 100
		expect(requests.length).toBe(3);
		requests.forEach((request, index) => {
			const after: Record<string, string> = index === 0 ? {} : { after: pageOf(requests[index - 1]).paging!.cursors!.after! };
			assertGraphGet(request, { path: `/${conversation.id}/messages`, query: messagesQuery(100, after), token: PAGE_TOKEN });
		});
		expect(pageOf(requests[2]).paging?.next).toBeUndefined();

		expect(items.length).toBe(230);
		expect(items.map((item) => item.json.id)).toStrictEqual(conversation.messages.map((m) => m.id));
		expect(items.map((item) => item.json.detailsAvailable)).toStrictEqual([...Array(20).fill(true), ...Array(210).fill(false)]);
		expect(items[0].json.text).toBe('Conversation 0001 message 230');
		expect(items[0].json.timestamp).toBe(new Date(SEED_BASE_TIME + 229_000).toISOString());
		expect(items[229].json.timestamp).toBe(new Date(SEED_BASE_TIME).toISOString());
		expect(items[229].json.text).toBeUndefined();
	});

	it('Limit 120: two requests, the second still one page (not 20 single-message calls)', async () => {
		clear(fake());
		const conversation = [...fake().state.conversations.values()][0];
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(conversation.id),
			limit: 120,
		});
		expect(error).toBeUndefined();
		expect(items.length).toBe(120);
		expect(fake().requests.length).toBe(2);
		expect(fake().requests.map((request) => request.path)).toStrictEqual([`/${conversation.id}/messages`, `/${conversation.id}/messages`]);
		expect(items.map((item) => item.json.id)).toStrictEqual(conversation.messages.slice(0, 120).map((m) => m.id));
	});
});

describe('Message attachments', () => {
	const state = createDefaultState();
	const person = { id: '24681357902469999', name: 'Mia Media' };
	state.addUser({ id: person.id, platform: 'messenger', businessId: PAGE_ID, name: person.name, profilePic: '/cdn/seed/label.png' });
	state.blobs.set('/cdn/seed/voice.mp3', { contentType: 'audio/mpeg', data: Buffer.from('ID3fake') });
	const conversation = state.ensureConversation('messenger', PAGE_ID, person.id);
	const at = (minutes: number) => SEED_BASE_TIME + minutes * 60_000;
	const sent: Record<string, MessageRecord> = {
		image: state.addMessage(conversation, { direction: 'inbound', attachments: [attachmentRecord('4000000000000001', 'image', 'label.png', 'image/png', 70)], createdTime: at(1) }),
		video: state.addMessage(conversation, { direction: 'inbound', attachments: [attachmentRecord('4000000000000002', 'video', 'clip.mp4', 'video/mp4', 24)], createdTime: at(2) }),
		file: state.addMessage(conversation, { direction: 'outbound', attachments: [attachmentRecord('4000000000000003', 'file', 'invoice.pdf', 'application/pdf', 60)], createdTime: at(3) }),
		audio: state.addMessage(conversation, { direction: 'inbound', attachments: [attachmentRecord('4000000000000004', 'audio', 'voice.mp3', 'audio/mpeg', 7)], createdTime: at(4) }),
		sticker: state.addMessage(conversation, { direction: 'inbound', sticker: '/cdn/seed/label.png', createdTime: at(5) }),
		share: state.addMessage(conversation, {
			direction: 'inbound',
			text: 'look at this',
			attachments: [{ ...attachmentRecord('4000000000000005', 'share', 'post', 'text/html', 0), url: 'https://www.facebook.com/acmecoffee/posts/1' }],
			createdTime: at(6),
		}),
		both: state.addMessage(conversation, {
			direction: 'inbound',
			text: 'two photos',
			attachments: [attachmentRecord('4000000000000006', 'image', 'label.png', 'image/png', 70), attachmentRecord('4000000000000007', 'image', 'label.png', 'image/png', 70)],
			createdTime: at(7),
		}),
	};
	const fake = useFakeGraph({ state });

	it('image, video, file, audio, sticker, share and several attachments map to the unified attachment list', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(conversation.id),
			returnAll: true,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		const cdn = `${fake().url}/cdn/seed`;
		const output = new Map(items.map((item) => [item.json.id, item.json]));
		const attachmentsOf = (message: MessageRecord) => output.get(message.id)?.attachments;
		expect(attachmentsOf(sent.image)).toStrictEqual([{ type: 'image', url: `${cdn}/label.png`, id: '4000000000000001', mimeType: 'image/png', fileName: 'label.png', size: 70 }]);
		expect(attachmentsOf(sent.video)).toStrictEqual([{ type: 'video', url: `${cdn}/clip.mp4`, id: '4000000000000002', mimeType: 'video/mp4', fileName: 'clip.mp4', size: 24 }]);
		expect(attachmentsOf(sent.file)).toStrictEqual([
			{ type: 'file', url: `${cdn}/invoice.pdf`, id: '4000000000000003', mimeType: 'application/pdf', fileName: 'invoice.pdf', size: 60 },
		]);
		expect(attachmentsOf(sent.audio)).toStrictEqual([{ type: 'audio', url: `${cdn}/voice.mp3`, id: '4000000000000004', mimeType: 'audio/mpeg', fileName: 'voice.mp3', size: 7 }]);
		expect(attachmentsOf(sent.sticker)).toStrictEqual([{ type: 'sticker', url: `${cdn}/label.png` }]);
		expect(attachmentsOf(sent.share)).toStrictEqual([
			{ type: 'share', url: 'https://www.facebook.com/acmecoffee/posts/1', payload: { link: 'https://www.facebook.com/acmecoffee/posts/1' } },
		]);
		expect(output.get(sent.share.id)?.text).toBe('look at this');
		expect((attachmentsOf(sent.both) as Array<{ id: string }>).map((a) => a.id)).toStrictEqual(['4000000000000006', '4000000000000007']);
		// Attachment-only messages have no text rather than an empty one.
		expect('text' in (output.get(sent.image.id) ?? {})).toBe(false);
		expect(output.get(sent.file.id)?.direction).toBe('outbound');
	});
});

describe('Message > Get', () => {
	const fake = useFakeGraph();

	it('a recent Messenger message: one request for the message with its fields', async () => {
		clear(fake());
		const alice = fake().state.conversations.get(CONVERSATION_IDS.alice)!;
		const [danke, invoice] = alice.messages;
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'get',
			messageId: ` ${danke.id} `,
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${danke.id}`, query: { fields: MESSAGE_FIELDS }, token: PAGE_TOKEN });
		expect(jsonOf(items)).toStrictEqual([
			{
				id: danke.id,
				platform: 'messenger',
				direction: 'inbound',
				sender: messengerParticipant(USERS.alice.id, USERS.alice.name),
				recipient: page,
				text: 'Danke! Passt 👍',
				attachments: [],
				timestamp: '2024-05-01T11:10:00.000Z',
				replyToId: invoice.id,
				detailsAvailable: true,
			},
		]);
		assertPairedWith(items, 0);
	});

	it('a recent Instagram message through Instagram Login, with Include Raw', async () => {
		clear(fake());
		const kenji = fake().state.conversations.get(CONVERSATION_IDS.kenji)!;
		const video = kenji.messages[1];
		const { items, error } = await runSocialMessaging(instagramLoginCredentials(fake()), {
			platform: 'instagram',
			resource: 'message',
			operation: 'get',
			messageId: video.id,
			options: { includeRaw: true },
		});
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(2);
		const request = fake().calls(`GET /${video.id}`)[0];
		assertGraphGet(request, { path: `/${video.id}`, query: { fields: MESSAGE_FIELDS }, token: IG_USER_TOKEN });
		const { raw, ...unified } = items[0].json;
		expect(raw).toStrictEqual(request.response);
		expect(unified).toStrictEqual({
			id: video.id,
			platform: 'instagram',
			direction: 'inbound',
			sender: { id: USERS.kenji.id, username: USERS.kenji.username },
			recipient: account,
			attachments: [{ type: 'video', url: `${fake().url}/cdn/seed/clip.mp4`, id: '3000000000000004', mimeType: 'video/mp4', fileName: 'clip.mp4', size: video.attachments[0].size }],
			timestamp: '2024-05-01T13:01:00.000Z',
			detailsAvailable: true,
		});
	});

	it('a message older than the 20 most recent: a clear NodeApiError saying it is no longer available', async () => {
		clear(fake());
		const bob = fake().state.conversations.get(CONVERSATION_IDS.bob)!;
		const old = bob.messages[22];
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'get',
			messageId: old.id,
		});
		expect(items).toStrictEqual([]);
		expect(error).toBeTruthy();
		expect(error!.name).toBe('NodeApiError');
		expect(error!.message).toMatch(/no longer available/);
		expect(String(error!.description)).toMatch(/20 most recent/);
		expect(error!.httpCode).toBe('400');
		const context = error!.context as Record<string, unknown>;
		expect(context.itemIndex).toBe(0);
		expect(context.platformErrorSubcode).toBe(9000001);
		// a read that Meta refused is not retried
		expect(fake().requests.length).toBe(1);
		assertGraphGet({ ...fake().requests[0], status: 200 }, { path: `/${old.id}`, query: { fields: MESSAGE_FIELDS }, token: PAGE_TOKEN });
		expect(fake().requests[0].status).toBe(400);
		assertNoSecrets(error, PAGE_TOKEN);
	});

	it('Continue On Fail: the old message becomes an error item paired with its input, the recent one succeeds', async () => {
		clear(fake());
		const bob = fake().state.conversations.get(CONVERSATION_IDS.bob)!;
		const recent = bob.messages[0];
		const old = bob.messages[24];
		const { items, error } = await runSocialMessaging(
			metaCredentials(fake()),
			{ platform: 'messenger', resource: 'message', operation: 'get', messageId: '={{ $json.mid }}' },
			{ items: [{ json: { mid: old.id } }, { json: { mid: recent.id } }], continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items.length).toBe(2);
		expect(items[0].pairedItem).toStrictEqual({ item: 0 });
		expect(String(items[0].json.error)).toMatch(/no longer available/);
		expect(items[0].json.errorCode).toBe(100);
		expect(items[1].pairedItem).toStrictEqual({ item: 1 });
		expect(items[1].json.id).toBe(recent.id);
		expect(items[1].json.text).toBe('Message 25 of 25');
		expect(fake().requests.map((request) => request.path)).toStrictEqual([`/${old.id}`, `/${recent.id}`]);
	});
});

describe('Message > Get Many with several input items', () => {
	const fake = useFakeGraph();

	it('conversation IDs from an expression: one page request per item, output paired with its input', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(
			metaCredentials(fake()),
			{
				platform: 'messenger',
				resource: 'message',
				operation: 'getAll',
				conversationId: byId('={{ $json.conversationId }}'),
				returnAll: true,
			},
			{ items: [{ json: { conversationId: CONVERSATION_IDS.alice } }, { json: { conversationId: CONVERSATION_IDS.chloe } }, { json: { conversationId: CONVERSATION_IDS.dana } }] },
		);
		expect(error).toBeUndefined();
		expect(fake().requests.length).toBe(3);
		[CONVERSATION_IDS.alice, CONVERSATION_IDS.chloe, CONVERSATION_IDS.dana].forEach((id, index) => {
			assertGraphGet(fake().requests[index], { path: `/${id}/messages`, query: messagesQuery(100), token: PAGE_TOKEN });
		});
		expect(items.map((item) => [item.json.conversationId, item.pairedItem])).toStrictEqual([
				...Array(6).fill([CONVERSATION_IDS.alice, { item: 0 }]),
				...Array(3).fill([CONVERSATION_IDS.chloe, { item: 1 }]),
				[CONVERSATION_IDS.dana, { item: 2 }],
			]);
		expect(items[6].json.text).toBe('Merci beaucoup !');
		expect(items[9].json.text).toBe('Please stop messaging me.');
	});

	it('Instagram Login over two items: the account id is looked up once for the whole run', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(
			instagramLoginCredentials(fake()),
			{
				platform: 'instagram',
				resource: 'message',
				operation: 'getAll',
				conversationId: byId('={{ $json.thread }}'),
				limit: 1,
			},
			{ items: [{ json: { thread: CONVERSATION_IDS.kenji } }, { json: { thread: CONVERSATION_IDS.ines } }] },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.conversationId, item.json.direction, item.pairedItem])).toStrictEqual([
				[CONVERSATION_IDS.kenji, 'outbound', { item: 0 }],
				[CONVERSATION_IDS.ines, 'inbound', { item: 1 }],
			]);
		expect(fake().calls('GET /me').length).toBe(1);
		expect(fake().requests.length).toBe(3);
		assertGraphGet(fake().calls(`GET /${CONVERSATION_IDS.kenji}/messages`)[0], {
			path: `/${CONVERSATION_IDS.kenji}/messages`,
			query: messagesQuery(1),
			token: IG_USER_TOKEN,
		});
	});
});

describe('Message > Get Many under Meta\'s 2 Conversations API calls per second', () => {
	const limited = useFakeGraph({ state: createLargeState({ conversations: 6, messagesPerConversation: 3 }), conversationsRateLimitPerSecond: 2 });

	it('6 conversations read one after another: one read refused, then 2 per second; every message read once', async () => {
		clear(limited());
		const conversationIds = limited().state.conversationsOf(PAGE_ID, 'messenger').map((conversation) => conversation.id);
		const { items, error } = await runSocialMessaging(
			metaCredentials(limited()),
			{ platform: 'messenger', resource: 'message', operation: 'getAll', conversationId: byId('={{ $json.conversationId }}'), returnAll: true },
			{ items: conversationIds.map((conversationId) => ({ json: { conversationId } })) },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.conversationId, item.pairedItem])).toStrictEqual(conversationIds.flatMap((id, index) => Array(3).fill([id, { item: index }])));
		expect(new Set(items.map((item) => item.json.id)).size).toBe(18);

		const requests = limited().requests;
		const refused = requests.filter((request) => request.status !== 200);
		// The first reads go as fast as the answers come; the first refusal switches the run to Meta's pace.
		// ${refused.length} reads refused
		expect(refused.length).toBe(1);
		expect((refused[0].response as { error: { code: number } }).error.code).toBe(613);
		expect(requests.filter((request) => request.status === 200).map((request) => request.path)).toStrictEqual(conversationIds.map((id) => `/${id}/messages`));
		const after = requests.map((request) => request.at).filter((at) => at > refused[0].at).sort((a, b) => a - b);
		const busiest = busiestWindow(after);
		// ${busiest} reads within one second after the refusal
		expect(busiest).toBeLessThanOrEqual(2);
	});
});
