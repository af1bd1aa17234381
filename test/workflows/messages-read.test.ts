/**
 * Message > Get Many and Message > Get through n8n's real engine against the fake Graph API: one request
 * per page with field expansion (never one per message), cursors, the 20-message detail window,
 * attachment mapping, the "no longer available" error, and paired items across several input items.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

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

	test('Messenger Return All: one request for all 25 messages; the 5 beyond the 20 most recent have no details', async () => {
		clear(fake());
		const bob = fake().state.conversations.get(CONVERSATION_IDS.bob)!;
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.bob),
			returnAll: true,
		});
		assert.equal(error, undefined);
		assert.equal(fake().requests.length, 1, 'one request per page, never one per message');
		assertGraphGet(fake().requests[0], { path: `/${CONVERSATION_IDS.bob}/messages`, query: messagesQuery(100), token: PAGE_TOKEN });

		assert.equal(items.length, 25);
		assertPairedWith(items, 0);
		const bobPerson = messengerParticipant(USERS.bob.id, USERS.bob.name);
		const json = jsonOf(items);
		json.slice(0, 20).forEach((message, rank) => {
			const n = 25 - rank;
			const inbound = n % 2 === 1;
			assert.deepEqual(message, {
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
			assert.deepEqual(message, {
				id: bob.messages[rank].id,
				platform: 'messenger',
				conversationId: CONVERSATION_IDS.bob,
				attachments: [],
				timestamp: new Date(SEED_BASE_TIME + n * 60_000).toISOString(),
				detailsAvailable: false,
			});
		});
	});

	test('Messenger Limit 7: exactly 7, newest first, asked for as a page of 7', async () => {
		clear(fake());
		const bob = fake().state.conversations.get(CONVERSATION_IDS.bob)!;
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.bob),
			limit: 7,
		});
		assert.equal(error, undefined);
		assert.equal(fake().requests.length, 1);
		assertGraphGet(fake().requests[0], { path: `/${CONVERSATION_IDS.bob}/messages`, query: messagesQuery(7), token: PAGE_TOKEN });
		assert.deepEqual(
			items.map((item) => item.json.id),
			bob.messages.slice(0, 7).map((m) => m.id),
		);
		assert.equal(items[0].json.text, 'Message 25 of 25');
	});

	test('Messenger: Alice\'s conversation maps replies, attachments, non-ASCII text and directions', async () => {
		clear(fake());
		const alice = fake().state.conversations.get(CONVERSATION_IDS.alice)!;
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: { __rl: true, mode: 'list', value: CONVERSATION_IDS.alice, cachedResultName: 'Alice Müller' },
			returnAll: true,
		});
		assert.equal(error, undefined);
		assert.equal(fake().requests.length, 1);
		const alicePerson = messengerParticipant(USERS.alice.id, USERS.alice.name);
		const base = `${fake().url}/cdn/seed`;
		const [danke, invoice, label, gruesse, yes, hi] = alice.messages;
		const common = { platform: 'messenger', conversationId: CONVERSATION_IDS.alice, detailsAvailable: true };
		const inbound = { direction: 'inbound', sender: alicePerson, recipient: page };
		const outbound = { direction: 'outbound', sender: page, recipient: alicePerson };
		assert.deepEqual(jsonOf(items), [
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

	test('Instagram Login: messages of one thread in one request, plus one lookup of the account id', async () => {
		clear(fake());
		const ines = fake().state.conversations.get(CONVERSATION_IDS.ines)!;
		const { items, error } = await runSocialMessaging(instagramLoginCredentials(fake()), {
			platform: 'instagram',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.ines),
			limit: 50,
		});
		assert.equal(error, undefined);
		assert.equal(fake().requests.length, 2);
		assertGraphGet(fake().calls(`GET /${CONVERSATION_IDS.ines}/messages`)[0], {
			path: `/${CONVERSATION_IDS.ines}/messages`,
			query: messagesQuery(50),
			token: IG_USER_TOKEN,
		});
		assertGraphGet(fake().calls('GET /me')[0], { path: '/me', query: { fields: 'user_id,username' }, token: IG_USER_TOKEN });
		const inesPerson = { id: USERS.ines.id, username: USERS.ines.username };
		const common = { platform: 'instagram', conversationId: CONVERSATION_IDS.ines, detailsAvailable: true };
		assert.deepEqual(jsonOf(items), [
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

	test('Instagram through the Meta Graph API: the same request with the Page token, no extra lookup', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'instagram',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.kenji),
			returnAll: true,
		});
		assert.equal(error, undefined);
		assert.equal(fake().requests.length, 1);
		assertGraphGet(fake().requests[0], { path: `/${CONVERSATION_IDS.kenji}/messages`, query: messagesQuery(100), token: PAGE_TOKEN });
		assert.deepEqual(
			items.map((item) => [item.json.direction, item.json.text ?? null, (item.json.attachments as Array<{ type: string }>).map((a) => a.type)]),
			[
				['outbound', 'はい、確認します 🙇', []],
				['inbound', null, ['video']],
				['inbound', 'こんにちは！注文を確認できますか？', []],
			],
		);
	});

	test('Instagram through the Meta Graph API without the account id: it is looked up on the Page for the directions', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake(), { instagramAccountId: '' }), {
			platform: 'instagram',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.ines),
			limit: 3,
		});
		assert.equal(error, undefined);
		assert.equal(fake().requests.length, 2);
		assertGraphGet(fake().calls(`GET /${PAGE_ID}`)[0], { path: `/${PAGE_ID}`, query: { fields: 'instagram_business_account' }, token: PAGE_TOKEN });
		assertGraphGet(fake().calls(`GET /${CONVERSATION_IDS.ines}/messages`)[0], {
			path: `/${CONVERSATION_IDS.ines}/messages`,
			query: messagesQuery(3),
			token: PAGE_TOKEN,
		});
		assert.deepEqual(
			items.map((item) => [item.json.direction, (item.json.sender as { id: string }).id]),
			[
				['inbound', USERS.ines.id],
				['inbound', USERS.ines.id],
				['outbound', IG_ACCOUNT_ID],
			],
		);
	});

	test('Include Raw: each message carries Graph\'s own object, nothing with the token', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(CONVERSATION_IDS.bob),
			limit: 3,
			options: { includeRaw: true },
		});
		assert.equal(error, undefined);
		const answered = pageOf(fake().requests[0]);
		assert.match(answered.paging?.next ?? '', /access_token=/);
		assert.deepEqual(
			items.map((item) => item.json.raw),
			answered.data,
		);
		assertNoSecrets(items, PAGE_TOKEN);
	});
});

describe('Message > Get Many across pages', () => {
	const fake = useFakeGraph({ state: createLargeState({ conversations: 1, messagesPerConversation: 230 }) });

	test('Return All over 230 messages: 3 requests of 100 chained by cursor; 20 detailed, 210 without details', async () => {
		clear(fake());
		const conversation = [...fake().state.conversations.values()][0];
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(conversation.id),
			returnAll: true,
		});
		assert.equal(error, undefined);
		const requests = fake().requests;
		assert.equal(requests.length, 3, 'one request per page of 100');
		requests.forEach((request, index) => {
			const after: Record<string, string> = index === 0 ? {} : { after: pageOf(requests[index - 1]).paging!.cursors!.after! };
			assertGraphGet(request, { path: `/${conversation.id}/messages`, query: messagesQuery(100, after), token: PAGE_TOKEN });
		});
		assert.equal(pageOf(requests[2]).paging?.next, undefined);

		assert.equal(items.length, 230);
		assert.deepEqual(items.map((item) => item.json.id), conversation.messages.map((m) => m.id));
		assert.deepEqual(items.map((item) => item.json.detailsAvailable), [...Array(20).fill(true), ...Array(210).fill(false)]);
		assert.equal(items[0].json.text, 'Conversation 0001 message 230');
		assert.equal(items[0].json.timestamp, new Date(SEED_BASE_TIME + 229_000).toISOString());
		assert.equal(items[229].json.timestamp, new Date(SEED_BASE_TIME).toISOString());
		assert.equal(items[229].json.text, undefined);
	});

	test('Limit 120: two requests, the second still one page (not 20 single-message calls)', async () => {
		clear(fake());
		const conversation = [...fake().state.conversations.values()][0];
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(conversation.id),
			limit: 120,
		});
		assert.equal(error, undefined);
		assert.equal(items.length, 120);
		assert.equal(fake().requests.length, 2);
		assert.deepEqual(
			fake().requests.map((request) => request.path),
			[`/${conversation.id}/messages`, `/${conversation.id}/messages`],
		);
		assert.deepEqual(items.map((item) => item.json.id), conversation.messages.slice(0, 120).map((m) => m.id));
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

	test('image, video, file, audio, sticker, share and several attachments map to the unified attachment list', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'getAll',
			conversationId: byId(conversation.id),
			returnAll: true,
		});
		assert.equal(error, undefined);
		assert.equal(fake().requests.length, 1);
		const cdn = `${fake().url}/cdn/seed`;
		const output = new Map(items.map((item) => [item.json.id, item.json]));
		const attachmentsOf = (message: MessageRecord) => output.get(message.id)?.attachments;
		assert.deepEqual(attachmentsOf(sent.image), [{ type: 'image', url: `${cdn}/label.png`, id: '4000000000000001', mimeType: 'image/png', fileName: 'label.png', size: 70 }]);
		assert.deepEqual(attachmentsOf(sent.video), [{ type: 'video', url: `${cdn}/clip.mp4`, id: '4000000000000002', mimeType: 'video/mp4', fileName: 'clip.mp4', size: 24 }]);
		assert.deepEqual(attachmentsOf(sent.file), [
			{ type: 'file', url: `${cdn}/invoice.pdf`, id: '4000000000000003', mimeType: 'application/pdf', fileName: 'invoice.pdf', size: 60 },
		]);
		assert.deepEqual(attachmentsOf(sent.audio), [{ type: 'audio', url: `${cdn}/voice.mp3`, id: '4000000000000004', mimeType: 'audio/mpeg', fileName: 'voice.mp3', size: 7 }]);
		assert.deepEqual(attachmentsOf(sent.sticker), [{ type: 'sticker', url: `${cdn}/label.png` }]);
		assert.deepEqual(attachmentsOf(sent.share), [
			{ type: 'share', url: 'https://www.facebook.com/acmecoffee/posts/1', payload: { link: 'https://www.facebook.com/acmecoffee/posts/1' } },
		]);
		assert.equal(output.get(sent.share.id)?.text, 'look at this');
		assert.deepEqual(
			(attachmentsOf(sent.both) as Array<{ id: string }>).map((a) => a.id),
			['4000000000000006', '4000000000000007'],
		);
		// Attachment-only messages have no text rather than an empty one.
		assert.equal('text' in (output.get(sent.image.id) ?? {}), false);
		assert.equal(output.get(sent.file.id)?.direction, 'outbound');
	});
});

describe('Message > Get', () => {
	const fake = useFakeGraph();

	test('a recent Messenger message: one request for the message with its fields', async () => {
		clear(fake());
		const alice = fake().state.conversations.get(CONVERSATION_IDS.alice)!;
		const [danke, invoice] = alice.messages;
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'get',
			messageId: ` ${danke.id} `,
		});
		assert.equal(error, undefined);
		assert.equal(fake().requests.length, 1);
		assertGraphGet(fake().requests[0], { path: `/${danke.id}`, query: { fields: MESSAGE_FIELDS }, token: PAGE_TOKEN });
		assert.deepEqual(jsonOf(items), [
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

	test('a recent Instagram message through Instagram Login, with Include Raw', async () => {
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
		assert.equal(error, undefined);
		assert.equal(fake().requests.length, 2);
		const request = fake().calls(`GET /${video.id}`)[0];
		assertGraphGet(request, { path: `/${video.id}`, query: { fields: MESSAGE_FIELDS }, token: IG_USER_TOKEN });
		const { raw, ...unified } = items[0].json;
		assert.deepEqual(raw, request.response);
		assert.deepEqual(unified, {
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

	test('a message older than the 20 most recent: a clear NodeApiError saying it is no longer available', async () => {
		clear(fake());
		const bob = fake().state.conversations.get(CONVERSATION_IDS.bob)!;
		const old = bob.messages[22];
		const { items, error } = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'message',
			operation: 'get',
			messageId: old.id,
		});
		assert.deepEqual(items, []);
		assert.ok(error);
		assert.equal(error.name, 'NodeApiError');
		assert.match(error.message, /no longer available/);
		assert.match(String(error.description), /20 most recent/);
		assert.equal(error.httpCode, '400');
		const context = error.context as Record<string, unknown>;
		assert.equal(context.itemIndex, 0);
		assert.equal(context.platformErrorSubcode, 9000001);
		assert.equal(fake().requests.length, 1, 'a read that Meta refused is not retried');
		assertGraphGet({ ...fake().requests[0], status: 200 }, { path: `/${old.id}`, query: { fields: MESSAGE_FIELDS }, token: PAGE_TOKEN });
		assert.equal(fake().requests[0].status, 400);
		assertNoSecrets(error, PAGE_TOKEN);
	});

	test('Continue On Fail: the old message becomes an error item paired with its input, the recent one succeeds', async () => {
		clear(fake());
		const bob = fake().state.conversations.get(CONVERSATION_IDS.bob)!;
		const recent = bob.messages[0];
		const old = bob.messages[24];
		const { items, error } = await runSocialMessaging(
			metaCredentials(fake()),
			{ platform: 'messenger', resource: 'message', operation: 'get', messageId: '={{ $json.mid }}' },
			{ items: [{ json: { mid: old.id } }, { json: { mid: recent.id } }], continueOnFail: true },
		);
		assert.equal(error, undefined);
		assert.equal(items.length, 2);
		assert.deepEqual(items[0].pairedItem, { item: 0 });
		assert.match(String(items[0].json.error), /no longer available/);
		assert.equal(items[0].json.errorCode, 100);
		assert.deepEqual(items[1].pairedItem, { item: 1 });
		assert.equal(items[1].json.id, recent.id);
		assert.equal(items[1].json.text, 'Message 25 of 25');
		assert.deepEqual(
			fake().requests.map((request) => request.path),
			[`/${old.id}`, `/${recent.id}`],
		);
	});
});

describe('Message > Get Many with several input items', () => {
	const fake = useFakeGraph();

	test('conversation IDs from an expression: one page request per item, output paired with its input', async () => {
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
		assert.equal(error, undefined);
		assert.equal(fake().requests.length, 3);
		[CONVERSATION_IDS.alice, CONVERSATION_IDS.chloe, CONVERSATION_IDS.dana].forEach((id, index) => {
			assertGraphGet(fake().requests[index], { path: `/${id}/messages`, query: messagesQuery(100), token: PAGE_TOKEN });
		});
		assert.deepEqual(
			items.map((item) => [item.json.conversationId, item.pairedItem]),
			[
				...Array(6).fill([CONVERSATION_IDS.alice, { item: 0 }]),
				...Array(3).fill([CONVERSATION_IDS.chloe, { item: 1 }]),
				[CONVERSATION_IDS.dana, { item: 2 }],
			],
		);
		assert.equal(items[6].json.text, 'Merci beaucoup !');
		assert.equal(items[9].json.text, 'Please stop messaging me.');
	});

	test('Instagram Login over two items: the account id is looked up once for the whole run', async () => {
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
		assert.equal(error, undefined);
		assert.deepEqual(
			items.map((item) => [item.json.conversationId, item.json.direction, item.pairedItem]),
			[
				[CONVERSATION_IDS.kenji, 'outbound', { item: 0 }],
				[CONVERSATION_IDS.ines, 'inbound', { item: 1 }],
			],
		);
		assert.equal(fake().calls('GET /me').length, 1);
		assert.equal(fake().requests.length, 3);
		assertGraphGet(fake().calls(`GET /${CONVERSATION_IDS.kenji}/messages`)[0], {
			path: `/${CONVERSATION_IDS.kenji}/messages`,
			query: messagesQuery(1),
			token: IG_USER_TOKEN,
		});
	});
});

describe('Message > Get Many under Meta\'s 2 Conversations API calls per second', () => {
	const limited = useFakeGraph({ state: createLargeState({ conversations: 6, messagesPerConversation: 3 }), conversationsRateLimitPerSecond: 2 });

	test('6 conversations read one after another: one read refused, then 2 per second; every message read once', async () => {
		clear(limited());
		const conversationIds = limited().state.conversationsOf(PAGE_ID, 'messenger').map((conversation) => conversation.id);
		const { items, error } = await runSocialMessaging(
			metaCredentials(limited()),
			{ platform: 'messenger', resource: 'message', operation: 'getAll', conversationId: byId('={{ $json.conversationId }}'), returnAll: true },
			{ items: conversationIds.map((conversationId) => ({ json: { conversationId } })) },
		);
		assert.equal(error, undefined);
		assert.deepEqual(
			items.map((item) => [item.json.conversationId, item.pairedItem]),
			conversationIds.flatMap((id, index) => Array(3).fill([id, { item: index }])),
		);
		assert.equal(new Set(items.map((item) => item.json.id)).size, 18);

		const requests = limited().requests;
		const refused = requests.filter((request) => request.status !== 200);
		// The first reads go as fast as the answers come; the first refusal switches the run to Meta's pace.
		assert.equal(refused.length, 1, `${refused.length} reads refused`);
		assert.equal((refused[0].response as { error: { code: number } }).error.code, 613);
		assert.deepEqual(
			requests.filter((request) => request.status === 200).map((request) => request.path),
			conversationIds.map((id) => `/${id}/messages`),
		);
		const after = requests.map((request) => request.at).filter((at) => at > refused[0].at).sort((a, b) => a - b);
		const busiest = busiestWindow(after);
		assert.ok(busiest <= 2, `${busiest} reads within one second after the refusal`);
	});
});
