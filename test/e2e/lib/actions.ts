/**
 * Every resource and operation of the Social Messaging node, run inside n8n on one route (Messenger or
 * Instagram through the Meta Graph API, Instagram through Instagram Login). Each operation is its own
 * workflow, saved and run over n8n's REST API like the editor's "Execute workflow" button; each test
 * asserts the node's output items and exactly the requests the sandbox's platform received during the
 * run (GET /requests). Binary files come from n8n's own nodes: Convert to File, and a Webhook receiving
 * a multipart upload.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isDeepStrictEqual } from 'node:util';

import {
	APP_SECRET,
	CONVERSATION_IDS,
	IG_ACCOUNT_ID,
	IG_USER_TOKEN,
	PAGE_ID,
	PAGE_NAME,
	PAGE_TOKEN,
	TINY_PNG,
	USERS,
	appSecretProof,
	createDefaultState,
	instagramLoginCredentialData,
	metaGraphCredentialData,
	type MessageRecord,
} from './fixtures';
import { BUTTON_TEMPLATE, QUICK_REPLIES } from '../../fixtures/sendParameters';
import { E2E, connect, nodeOutput, nodeRun, type Execution, type N8nClient, type WorkflowNode } from './n8n';
import { requestsSince, startSandbox, type Recorded, type Sandbox } from './sandbox';
import { base64ToFile, byId, chain, manualTrigger, noOp, setFields, setJson, socialMessaging, splitOut, webhook, type CredentialRef } from './workflows';

export interface Route {
	key: string;
	label: string;
	platform: 'messenger' | 'instagram';
	credential(graphUrl: string): { name: string; type: string; data: Record<string, unknown> };
	/** The token the credential sends; appsecret_proof is derived from it. */
	token: string;
	/** The Graph node of the Send and Attachment Upload APIs. */
	account: string;
	/** The Graph node whose conversations edge lists the conversations. */
	conversationsNode: string;
	/** Instagram Login reads first look up the account's own id (to tell inbound from outbound). */
	ownIdLookup: boolean;
	uploadPlatform?: 'instagram';
	user: typeof USERS.alice | typeof USERS.ines;
	conversationId: string;
	/** The business's participant as the unified output names it. */
	business: Record<string, string>;
	/** Each seeded conversation of the platform, unified, newest first. */
	conversations: Array<Record<string, unknown>>;
}

const messengerPerson = (id: string, name: string) => ({ id, name, email: `${id}@facebook.com` });
const igPerson = (user: typeof USERS.ines | typeof USERS.kenji) => ({ id: user.id, username: user.username });
const IG_ACCOUNT = { id: IG_ACCOUNT_ID, username: 'acme.coffee' };
const PAGE = messengerPerson(PAGE_ID, PAGE_NAME);

const messengerConversation = (user: keyof typeof USERS & ('alice' | 'bob' | 'chloe' | 'dana'), updatedAt: string, messageCount: number, unreadCount: number) => ({
	id: CONVERSATION_IDS[user],
	platform: 'messenger',
	participants: [messengerPerson(USERS[user].id, USERS[user].name), PAGE],
	updatedAt,
	messageCount,
	unreadCount,
	link: `/${PAGE_ID}/inbox/${CONVERSATION_IDS[user]}`,
});

const instagramConversation = (user: 'ines' | 'kenji', updatedAt: string, messageCount: number, unreadCount: number) => ({
	id: CONVERSATION_IDS[user],
	platform: 'instagram',
	participants: [igPerson(USERS[user]), IG_ACCOUNT],
	updatedAt,
	messageCount,
	unreadCount,
	link: `/${IG_ACCOUNT_ID}/inbox/${CONVERSATION_IDS[user]}`,
});

const MESSENGER_CONVERSATIONS = [
	messengerConversation('chloe', '2024-05-01T12:09:00.000Z', 3, 1),
	messengerConversation('alice', '2024-05-01T11:10:00.000Z', 6, 1),
	messengerConversation('bob', '2024-05-01T09:25:00.000Z', 25, 0),
	messengerConversation('dana', '2024-04-30T09:00:00.000Z', 1, 0),
];
// Lena's request-folder thread has been idle for 60 days: Meta does not list it.
const INSTAGRAM_CONVERSATIONS = [instagramConversation('kenji', '2024-05-01T13:06:00.000Z', 3, 0), instagramConversation('ines', '2024-05-01T10:05:00.000Z', 4, 2)];

const metaGraphCredential = (name: string) => (graphUrl: string) => ({
	name,
	type: 'socialMessagingApi',
	data: metaGraphCredentialData(graphUrl),
});

export const MESSENGER: Route = {
	key: 'messenger',
	label: 'Messenger (Meta Graph API)',
	platform: 'messenger',
	credential: metaGraphCredential('Sandbox: Meta Graph API (Messenger)'),
	token: PAGE_TOKEN,
	account: PAGE_ID,
	conversationsNode: PAGE_ID,
	ownIdLookup: false,
	user: USERS.alice,
	conversationId: CONVERSATION_IDS.alice,
	business: PAGE,
	conversations: MESSENGER_CONVERSATIONS,
};

export const INSTAGRAM_GRAPH: Route = {
	key: 'instagram-graph',
	label: 'Instagram (Meta Graph API)',
	platform: 'instagram',
	credential: metaGraphCredential('Sandbox: Meta Graph API (Instagram)'),
	token: PAGE_TOKEN,
	account: PAGE_ID,
	conversationsNode: PAGE_ID,
	ownIdLookup: false,
	uploadPlatform: 'instagram',
	user: USERS.ines,
	conversationId: CONVERSATION_IDS.ines,
	business: IG_ACCOUNT,
	conversations: INSTAGRAM_CONVERSATIONS,
};

export const INSTAGRAM_LOGIN: Route = {
	key: 'instagram-login',
	label: 'Instagram (Instagram Login)',
	platform: 'instagram',
	credential: (graphUrl) => ({
		name: 'Sandbox: Instagram Login',
		type: 'socialMessagingApi',
		data: instagramLoginCredentialData(graphUrl),
	}),
	token: IG_USER_TOKEN,
	account: 'me',
	conversationsNode: 'me',
	ownIdLookup: true,
	user: USERS.ines,
	conversationId: CONVERSATION_IDS.ines,
	business: IG_ACCOUNT,
	conversations: INSTAGRAM_CONVERSATIONS,
};

const CONVERSATION_FIELDS = 'id,updated_time,link,message_count,unread_count,participants';
const MESSAGE_FIELDS = 'id,created_time,from,to,message,attachments,sticker,shares,reply_to';

/** A request as the sandbox reports it, without its arrival time. */

/**
 * The same requests, in any order: Instagram Login reads look up the account's own id while the main
 * request is in flight, so the two arrive in either order.
 */
function assertRequestsInAnyOrder(actual: Recorded[], expected: Recorded[]): void {
	const key = (request: Recorded) => JSON.stringify([request.method, request.path, request.query]);
	const sort = (list: Recorded[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
	expect(sort(actual)).toStrictEqual(sort(expected));
}

export interface OperationRun {
	items: Array<Record<string, unknown>>;
	pairedItems: unknown[];
	requests: Recorded[];
	execution: Execution;
	startedAt: number;
	finishedAt: number;
}

/** The seeded messages, for their ids (the sandbox seeds the same state on every start). */
const seeded = createDefaultState();
function seededMessages(conversationId: string): MessageRecord[] {
	const conversation = seeded.conversations.get(conversationId);
	// no seeded conversation ${conversationId}
	expect(conversation).toBeTruthy();
	return conversation!.messages;
}

export function defineActionSuite(route: Route): void {
	let n8n: N8nClient;
	let sandbox: Sandbox;
	let credential: CredentialRef;
	const proof = appSecretProof(APP_SECRET, route.token);

	// ---- expected requests -------------------------------------------------------------
	const get = (path: string, query: Record<string, string>): Recorded => ({
		method: 'GET',
		path,
		version: 'v23.0',
		query: { ...query, appsecret_proof: proof },
		status: 200,
	});
	const post = (path: string, body: unknown): Recorded => ({ method: 'POST', path, version: 'v23.0', query: { appsecret_proof: proof }, body, status: 200 });
	const ownIdLookup: Recorded[] = route.ownIdLookup ? [get('/me', { fields: 'user_id,username' })] : [];
	const sendPath = `/${route.account}/messages`;
	const uploadPath = `/${route.account}/message_attachments`;
	const sendBody = (message: Record<string, unknown>) => ({ recipient: { id: route.user.id }, messaging_type: 'RESPONSE', message });
	const platformField = route.uploadPlatform ? { platform: route.uploadPlatform } : {};

	// ---- expected items ----------------------------------------------------------------
	const person = route.platform === 'messenger' ? messengerPerson(route.user.id, route.user.name) : igPerson(route.user as typeof USERS.ines);
	const inbound = { direction: 'inbound', sender: person, recipient: route.business };
	const outbound = { direction: 'outbound', sender: route.business, recipient: person };
	const cdn = (name: string) => `${sandbox.graphUrl}/cdn/seed/${name}`;
	const PNG_SIZE = TINY_PNG.length;

	/** The user's conversation's messages, newest first, in the unified model. */
	function expectedMessages(withConversationId: boolean): Array<Record<string, unknown>> {
		const records = seededMessages(route.conversationId);
		const common = { platform: route.platform, ...(withConversationId ? { conversationId: route.conversationId } : {}) };
		const m = (index: number, fields: Record<string, unknown>) => ({ id: records[index].id, ...common, ...fields, detailsAvailable: true });
		if (route.platform === 'messenger') {
			return [
				m(0, { ...inbound, text: 'Danke! Passt 👍', attachments: [], timestamp: '2024-05-01T11:10:00.000Z', replyToId: records[1].id }),
				m(1, {
					...outbound,
					attachments: [{ type: 'file', url: cdn('invoice.pdf'), id: '3000000000000002', mimeType: 'application/pdf', fileName: 'invoice.pdf', size: records[1].attachments[0].size }],
					timestamp: '2024-05-01T11:08:00.000Z',
				}),
				m(2, {
					...inbound,
					attachments: [{ type: 'image', url: cdn('label.png'), id: '3000000000000001', mimeType: 'image/png', fileName: 'label.png', size: PNG_SIZE }],
					timestamp: '2024-05-01T11:06:00.000Z',
				}),
				m(3, { ...inbound, text: 'Grüße 👋 — here is a photo of the label', attachments: [], timestamp: '2024-05-01T11:05:00.000Z' }),
				m(4, { ...outbound, text: 'Yes, we ship across the EU 🇪🇺', attachments: [], timestamp: '2024-05-01T11:02:00.000Z' }),
				m(5, { ...inbound, text: 'Hi! Do you ship to Austria?', attachments: [], timestamp: '2024-05-01T11:00:00.000Z' }),
			];
		}
		return [
			m(0, { ...inbound, text: 'Perfecto, gracias 🙏', attachments: [], timestamp: '2024-05-01T10:05:00.000Z' }),
			m(1, {
				...inbound,
				attachments: [{ type: 'image', url: cdn('label.png'), id: '3000000000000003', mimeType: 'image/png', fileName: 'label.png', size: PNG_SIZE }],
				timestamp: '2024-05-01T10:04:00.000Z',
			}),
			m(2, { ...outbound, text: '¡Sí! 😊 Oat, almond and soy.', attachments: [], timestamp: '2024-05-01T10:03:00.000Z' }),
			m(3, { ...inbound, text: '¡Hola! ¿Tienen leche de avena? 🥛', attachments: [], timestamp: '2024-05-01T10:00:00.000Z' }),
		];
	}

	// ---- running ----------------------------------------------------------------------

	/** Saves Manual Trigger → producers → Social Messaging as a workflow and runs it. */
	async function runOperation(title: string, parameters: Record<string, unknown>, producers: WorkflowNode[] = [], settings: Record<string, unknown> = {}): Promise<OperationRun> {
		const node = socialMessaging('Social Messaging', { platform: route.platform, ...parameters }, credential);
		const workflow = chain(`e2e ${route.key}: ${title}`, [manualTrigger(), ...producers, node]);
		workflow.settings = { ...workflow.settings, ...settings };
		const stored = await n8n.createWorkflow(workflow);
		const since = await sandbox.mark();
		const startedAt = Date.now();
		const execution = await n8n.runWorkflow(stored.id);
		const finishedAt = Date.now();
		const runError = execution.data.resultData.error;
		// The run's error, if any, shows in the failure.
		expect({ status: execution.status, error: runError?.message, description: runError?.description }).toMatchObject({ status: 'success' });
		const items = await nodeOutput(execution, 'Social Messaging');
		const pairedItems = (nodeRun(execution, 'Social Messaging').data?.main?.[0] ?? []).map((item) => item.pairedItem);
		return { items, pairedItems, requests: await requestsSince(sandbox, since), execution, startedAt, finishedAt };
	}

	function assertSentAt(value: unknown, run: OperationRun): void {
		expect(typeof value).toBe('string');
		expect(value as string).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		const at = Date.parse(value as string);
		// sentAt ${value as string} is not during the run
		expect(at >= run.startedAt - 5 && at <= run.finishedAt + 5).toBeTruthy();
	}

	/** One Send item whose messageId is the one the platform stored for exactly this message, once. */
	async function assertSent(run: OperationRun, message: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
		expect(run.items.length).toBe(1);
		const { sentAt, ...rest } = run.items[0];
		assertSentAt(sentAt, run);
		const { deliveries, duplicates } = await sandbox.deliveries();
		expect(duplicates).toStrictEqual([]);
		const delivery = deliveries.find((entry) => entry.recipient === route.user.id && isDeepStrictEqual(entry.content, { message }));
		// the platform has no delivery of ${JSON.stringify(message)} to ${route.user.id}
		expect(delivery).toBeTruthy();
		expect(delivery!.count).toBe(1);
		expect(delivery!.mids.length).toBe(1);
		expect(rest).toStrictEqual({ platform: route.platform, messageId: delivery!.mids[0], recipientId: route.user.id, ...extra });
		expect(run.pairedItems).toStrictEqual([{ item: 0 }]);
		return delivery!.mids[0];
	}

	/** Sends one message that must go out as exactly one Send API call with `message`. */
	async function sendsExactly(title: string, parameters: Record<string, unknown>, message: Record<string, unknown>, settings: Record<string, unknown> = {}): Promise<void> {
		const run = await runOperation(title, { resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(route.user.id), ...parameters }, [], settings);
		expect(run.requests).toStrictEqual([post(sendPath, sendBody(message))]);
		await assertSent(run, message);
	}

	/** A multipart upload as recorded: the message JSON, the platform field (Instagram via a Page), the file. */
	function assertMultipartUpload(request: Recorded, type: string, file: { fileName: string; mimeType: string; size: number }): void {
		const { body, ...line } = request;
		expect(line).toStrictEqual({ method: 'POST', path: uploadPath, version: 'v23.0', query: { appsecret_proof: proof }, status: 200 });
		const parts = body as Array<{ name: string; filename?: string; contentType?: string; size: number; value?: string }>;
		expect(parts.map((part) => part.name)).toStrictEqual(route.uploadPlatform ? ['message', 'platform', 'filedata'] : ['message', 'filedata']);
		expect(JSON.parse(parts[0].value ?? '')).toStrictEqual({ attachment: { type, payload: { is_reusable: true } } });
		if (route.uploadPlatform) expect(parts[1].value).toBe(route.uploadPlatform);
		const filedata = parts.at(-1)!;
		expect({ filename: filedata.filename, contentType: filedata.contentType, size: filedata.size }).toStrictEqual({ filename: file.fileName, contentType: file.mimeType, size: file.size });
	}

	/** The bytes the platform stored for an uploaded attachment are the file's. */
	async function assertStoredBytes(attachmentId: string, fileName: string, bytes: Buffer): Promise<void> {
		const response = await sandbox.fetchGraph(`/cdn/uploads/${attachmentId}/${encodeURIComponent(fileName)}`);
		expect(response.status).toBe(200);
		// the platform stored other bytes than the file n8n made
		expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBeTruthy();
	}

	/** Edit Fields → Convert to File: a binary property `photo` made by n8n's own nodes. */
	const fileProducers = (fileName: string, mimeType: string, bytes: Buffer): WorkflowNode[] => [
		setFields('File contents', { base64: bytes.toString('base64') }),
		base64ToFile('Convert to File', { sourceProperty: 'base64', binaryPropertyName: 'photo', fileName, mimeType }),
	];

	const PDF = Buffer.from('%PDF-1.4\n% Preisliste 2024 — Grüße\n%%EOF\n');

	describe(`${route.label} in n8n ${E2E.version}`, () => {
		beforeAll(async () => {
			[n8n, sandbox] = await Promise.all([connect(), startSandbox()]);
			const created = await n8n.importCredential(route.credential(sandbox.graphUrl));
			credential = { id: created.id, name: created.name };
		});

		afterAll(async () => {
			await sandbox?.stop();
		});

		it('the editor\'s "From List" for Conversation and Recipient lists the recent conversations and their people', async () => {
			const listSearch = async (methodName: string, path: string, parameters: Record<string, unknown>, filter?: string) =>
				await n8n.request<{ results: Array<Record<string, unknown>>; paginationToken?: unknown }>('POST', '/rest/dynamic-node-parameters/resource-locator-results', {
					nodeTypeAndVersion: { name: 'n8n-nodes-social-messaging.socialMessaging', version: 1 },
					path,
					methodName,
					currentNodeParameters: { platform: route.platform, ...parameters },
					credentials: { socialMessagingApi: credential },
					...(filter === undefined ? {} : { filter }),
				});
			const since = await sandbox.mark();
			const conversations = await listSearch('searchConversations', 'parameters.conversationId', {
				resource: 'message',
				operation: 'getAll',
				conversationId: { __rl: true, mode: 'list', value: '' },
			});
			const people = route.conversations.map((conversation) => (conversation.participants as Array<Record<string, string>>)[0]);
			const inbox = (id: string) => (route.platform === 'messenger' ? { url: `https://www.facebook.com/${PAGE_ID}/inbox/${id}` } : {});
			expect(conversations.results).toStrictEqual(route.conversations.map((conversation, index) => ({
					name: `${people[index].name ?? people[index].username} (${String(conversation.updatedAt).slice(0, 10)})`,
					value: conversation.id,
					...inbox(String(conversation.id)),
				})));
			const recipients = await listSearch(
				'searchRecipients',
				'parameters.recipientId',
				{ resource: 'message', operation: 'send', recipientType: 'user', recipientId: { __rl: true, mode: 'list', value: '' } },
				(route.user as { username?: string }).username ?? route.user.name.slice(0, 4),
			);
			const label = (route.user as { username?: string }).username ?? route.user.name;
			expect(recipients.results).toStrictEqual([{ name: `${label} (${route.user.id})`, value: route.user.id }]);
			const list = get(`/${route.conversationsNode}/conversations`, { platform: route.platform, fields: CONVERSATION_FIELDS, limit: '50' });
			assertRequestsInAnyOrder(await requestsSince(sandbox, since), [...ownIdLookup, list, ...ownIdLookup, list]);
		});

		describe('Conversation', () => {
			it('Get Many (Return All): every listed conversation, newest first', async () => {
				const run = await runOperation('conversation getAll', { resource: 'conversation', operation: 'getAll', returnAll: true });
				expect(run.items).toStrictEqual(route.conversations);
				expect(run.pairedItems).toStrictEqual(route.conversations.map(() => ({ item: 0 })));
				assertRequestsInAnyOrder(run.requests, [
					...ownIdLookup,
					get(`/${route.conversationsNode}/conversations`, { platform: route.platform, fields: CONVERSATION_FIELDS, limit: '100' }),
				]);
			});

			it('Get: one conversation with its 3 most recent messages, in one request', async () => {
				const run = await runOperation('conversation get', { resource: 'conversation', operation: 'get', conversationId: byId(route.conversationId), messageLimit: 3 });
				const conversation = route.conversations.find((c) => c.id === route.conversationId)!;
				expect(run.items).toStrictEqual([{ ...conversation, messages: expectedMessages(true).slice(0, 3) }]);
				expect(run.pairedItems).toStrictEqual([{ item: 0 }]);
				assertRequestsInAnyOrder(run.requests, [
					...ownIdLookup,
					get(`/${route.conversationId}`, { fields: `${CONVERSATION_FIELDS},messages.limit(3){${MESSAGE_FIELDS}}` }),
				]);
			});
		});

		describe('Message: reading', () => {
			it('Get Many (Limit 50): the conversation\'s messages with senders, texts, attachments and replies', async () => {
				const run = await runOperation('message getAll', { resource: 'message', operation: 'getAll', conversationId: byId(route.conversationId), limit: 50 });
				expect(run.items).toStrictEqual(expectedMessages(true));
				assertRequestsInAnyOrder(run.requests, [...ownIdLookup, get(`/${route.conversationId}/messages`, { fields: MESSAGE_FIELDS, limit: '50' })]);
			});

			it('Get: one message by ID', async () => {
				const [newest] = expectedMessages(false);
				const run = await runOperation('message get', { resource: 'message', operation: 'get', messageId: newest.id });
				expect(run.items).toStrictEqual([newest]);
				expect(run.pairedItems).toStrictEqual([{ item: 0 }]);
				assertRequestsInAnyOrder(run.requests, [...ownIdLookup, get(`/${String(newest.id)}`, { fields: MESSAGE_FIELDS })]);
			});
		});

		describe('Message: Send', () => {
			it('text with non-ASCII characters and emoji', async () => {
				const text = `Grüße aus Köln ☕️ — 日本語もOK 👋🏽 via ${route.label}`;
				await sendsExactly('send text', { messageType: 'text', text }, { text });
			});

			it('text with quick replies', async () => {
				await sendsExactly('send quick replies', QUICK_REPLIES.parameters, QUICK_REPLIES.message);
			});

			if (route.platform === 'messenger') {
				it('quick replies asking for e-mail and phone number', async () => {
					await sendsExactly(
						'send contact quick replies',
						{ messageType: 'text', text: 'How can we reach you?', quickReplies: { quickReply: [{ contentType: 'user_email' }, { contentType: 'user_phone_number' }] } },
						{ text: 'How can we reach you?', quick_replies: [{ content_type: 'user_email' }, { content_type: 'user_phone_number' }] },
					);
				});
			}

			it('generic template: two cards with URL and postback buttons', async () => {
				await sendsExactly(
					'send generic template',
					{
						messageType: 'template',
						templateType: 'generic',
						elements: {
							element: [
								{
									title: 'Oat latte',
									subtitle: '¡Nuevo! 🥛',
									imageUrl: 'https://shop.example.com/oat.jpg',
									defaultActionUrl: 'https://shop.example.com/oat',
									buttons: {
										button: [
											{ type: 'web_url', title: 'Order', url: 'https://shop.example.com/oat' },
											{ type: 'postback', title: 'Tell me more', payload: 'OAT_INFO' },
										],
									},
								},
								{ title: 'Cold brew', subtitle: 'Summer special' },
							],
						},
					},
					{
						attachment: {
							type: 'template',
							payload: {
								template_type: 'generic',
								image_aspect_ratio: 'horizontal',
								elements: [
									{
										title: 'Oat latte',
										subtitle: '¡Nuevo! 🥛',
										image_url: 'https://shop.example.com/oat.jpg',
										default_action: { type: 'web_url', url: 'https://shop.example.com/oat' },
										buttons: [
											{ type: 'web_url', title: 'Order', url: 'https://shop.example.com/oat', webview_height_ratio: 'full' },
											{ type: 'postback', title: 'Tell me more', payload: 'OAT_INFO' },
										],
									},
									{ title: 'Cold brew', subtitle: 'Summer special' },
								],
							},
						},
					},
				);
			});

			it('button template', async () => {
				await sendsExactly('send button template', BUTTON_TEMPLATE.parameters, BUTTON_TEMPLATE.message);
			});

			if (route.platform === 'messenger') {
				it('media template: a video by Facebook URL with a button', async () => {
					const url = 'https://www.facebook.com/acmecoffee/videos/1234567890123/';
					await sendsExactly(
						'send media template',
						{
							messageType: 'template',
							templateType: 'media',
							templateMediaType: 'video',
							templateMedia: url,
							mediaTemplateButtons: { button: [{ type: 'web_url', title: 'Shop the look', url: 'https://shop.example.com/look' }] },
						},
						{
							attachment: {
								type: 'template',
								payload: {
									template_type: 'media',
									elements: [{ media_type: 'video', url, buttons: [{ type: 'web_url', title: 'Shop the look', url: 'https://shop.example.com/look', webview_height_ratio: 'full' }] }],
								},
							},
						},
					);
				});

				it('receipt template: items, address, summary and adjustments; a date picked without an offset is in the workflow\'s time zone', async () => {
					await sendsExactly(
						'send receipt template',
						{
							messageType: 'template',
							templateType: 'receipt',
							receiptRecipientName: 'Alice Müller',
							receiptOrderNumber: 'ORD-1042',
							receiptCurrency: 'EUR',
							receiptPaymentMethod: 'Visa 2345',
							receiptTotalCost: 56.14,
							receiptItems: {
								item: [
									{ title: 'Classic T-Shirt', subtitle: '100% cotton', quantity: 2, price: 25, currency: 'EUR', imageUrl: 'https://shop.example.com/shirt.jpg' },
									{ title: 'Mug', price: 12.5 },
								],
							},
							receiptDetails: {
								street1: 'Hauptstraße 1',
								city: 'Wien',
								postalCode: '1010',
								state: 'Wien',
								country: 'AT',
								orderUrl: 'https://shop.example.com/orders/1042',
								subtotal: 75,
								shippingCost: 4.95,
								totalTax: 6.15,
								// As the editor's date picker stores it: no offset.
								timestamp: '2024-05-01T09:00:00',
							},
							receiptAdjustments: { adjustment: [{ name: 'New customer discount', amount: 20 }] },
						},
						{
							attachment: {
								type: 'template',
								payload: {
									template_type: 'receipt',
									recipient_name: 'Alice Müller',
									order_number: 'ORD-1042',
									currency: 'EUR',
									payment_method: 'Visa 2345',
									order_url: 'https://shop.example.com/orders/1042',
									timestamp: String(Date.parse('2024-05-01T07:00:00Z') / 1000), // 09:00 in Vienna (CEST)
									address: { street_1: 'Hauptstraße 1', city: 'Wien', postal_code: '1010', state: 'Wien', country: 'AT' },
									summary: { subtotal: 75, shipping_cost: 4.95, total_tax: 6.15, total_cost: 56.14 },
									adjustments: [{ name: 'New customer discount', amount: 20 }],
									elements: [
										{ title: 'Classic T-Shirt', subtitle: '100% cotton', quantity: 2, price: 25, currency: 'EUR', image_url: 'https://shop.example.com/shirt.jpg' },
										{ title: 'Mug', quantity: 1, price: 12.5 },
									],
								},
							},
						},
						{ timezone: 'Europe/Vienna' },
					);
				});

				it('product template', async () => {
					await sendsExactly(
						'send product template',
						{ messageType: 'template', templateType: 'product', productIds: '4340000000000000, 4340000000000001' },
						{ attachment: { type: 'template', payload: { template_type: 'product', elements: [{ id: '4340000000000000' }, { id: '4340000000000001' }] } } },
					);
				});
			}

			it('media by URL', async () => {
				const url = 'https://cdn.example.com/catalog/spring.jpg';
				await sendsExactly('send media url', { messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: url }, { attachment: { type: 'image', payload: { url } } });
			});

			it('media by saved attachment ID (from Attachment > Upload in an earlier workflow)', async () => {
				const uploaded = await runOperation('upload for reuse', { resource: 'attachment', operation: 'upload', mediaType: 'image', mediaSource: 'url', mediaUrl: 'https://cdn.example.com/catalog/reuse.png' });
				const attachmentId = String(uploaded.items[0]?.attachmentId ?? '');
				expect(attachmentId).toMatch(/^\d+$/);
				await sendsExactly(
					'send media attachment id',
					{ messageType: 'media', mediaType: 'image', mediaSource: 'attachmentId', attachmentId },
					{ attachment: { type: 'image', payload: { attachment_id: attachmentId } } },
				);
			});

			it('media from a binary file made by Convert to File: uploaded (multipart), then sent by attachment ID', async () => {
				const file = route.platform === 'messenger' ? { fileName: 'Preisliste 2024.pdf', mimeType: 'application/pdf', bytes: PDF, type: 'file' } : { fileName: 'label.png', mimeType: 'image/png', bytes: TINY_PNG, type: 'image' };
				const run = await runOperation(
					'send media binary',
					{ resource: 'message', operation: 'send', recipientId: byId(route.user.id), messageType: 'media', mediaType: file.type, mediaSource: 'binary', binaryPropertyName: 'photo' },
					fileProducers(file.fileName, file.mimeType, file.bytes),
				);
				expect(run.requests.length).toBe(2);
				assertMultipartUpload(run.requests[0], file.type, { fileName: file.fileName, mimeType: file.mimeType, size: file.bytes.length });
				const attachmentId = String((run.requests[1].body as { message: { attachment: { payload: { attachment_id: string } } } }).message.attachment.payload.attachment_id);
				expect(run.requests[1]).toStrictEqual(post(sendPath, sendBody({ attachment: { type: file.type, payload: { attachment_id: attachmentId } } })));
				await assertSent(run, { attachment: { type: file.type, payload: { attachment_id: attachmentId } } });
				await assertStoredBytes(attachmentId, file.fileName, file.bytes);
			});

			it('media from a file POSTed to a Webhook node (multipart upload), answered with the sent message', async () => {
				const path = `e2e-upload-${route.key}-${Date.now()}`;
				const send = socialMessaging(
					'Social Messaging',
					{
						platform: route.platform,
						resource: 'message',
						operation: 'send',
						recipientId: byId('={{ $json.body.recipient }}'),
						messageType: 'media',
						mediaType: 'image',
						mediaSource: 'binary',
						binaryPropertyName: 'photo',
					},
					credential,
				);
				const workflow = await n8n.createWorkflow(chain(`e2e ${route.key}: webhook upload`, [webhook('Upload', path), send]));
				await n8n.activateWorkflow(workflow.id, workflow.versionId);
				try {
					const form = new FormData();
					form.append('recipient', route.user.id);
					form.append('photo', new Blob([TINY_PNG], { type: 'image/png' }), 'from-webhook.png');
					const since = await sandbox.mark();
					const startedAt = Date.now();
					const response = await fetch(new URL(`webhook/${path}`, E2E.url), { method: 'POST', body: form });
					const answer = (await response.json()) as Record<string, unknown>;
					const finishedAt = Date.now();
					// JSON.stringify(answer)
					expect(response.status).toBe(200);
					const execution = await n8n.waitForNewExecution(workflow.id);
					expect(execution.status).toBe('success');
					const items = await nodeOutput(execution, 'Social Messaging');
					// the webhook answered with the Send output
					expect(answer).toStrictEqual(items[0]);
					const requests = await requestsSince(sandbox, since);
					expect(requests.length).toBe(2);
					assertMultipartUpload(requests[0], 'image', { fileName: 'from-webhook.png', mimeType: 'image/png', size: TINY_PNG.length });
					const attachmentId = String((requests[1].body as { message: { attachment: { payload: { attachment_id: string } } } }).message.attachment.payload.attachment_id);
					const message = { attachment: { type: 'image', payload: { attachment_id: attachmentId } } };
					expect(requests[1]).toStrictEqual(post(sendPath, sendBody(message)));
					await assertSent({ items, pairedItems: [{ item: 0 }], requests, execution, startedAt, finishedAt }, message);
					await assertStoredBytes(attachmentId, 'from-webhook.png', TINY_PNG);
				} finally {
					await n8n.deactivateWorkflow(workflow.id);
				}
			});
		});

		describe('Message: Send Action, React, Unreact', () => {
			for (const action of ['typing_on', 'typing_off', 'mark_seen']) {
				it(`Send Action ${action}`, async () => {
					const run = await runOperation(`send action ${action}`, { resource: 'message', operation: 'sendAction', recipientId: byId(route.user.id), senderAction: action });
					expect(run.requests).toStrictEqual([post(sendPath, { recipient: { id: route.user.id }, sender_action: action })]);
					expect(run.items).toStrictEqual([{ platform: route.platform, action, recipientId: route.user.id, success: true }]);
					expect(run.pairedItems).toStrictEqual([{ item: 0 }]);
				});
			}

			const reaction = route.platform === 'messenger' ? 'love' : '❤️';
			it(`React with ${reaction} to the person's last message, then Unreact`, async () => {
				const mid = String(expectedMessages(false)[0].id);
				const reacted = await runOperation('react', { resource: 'message', operation: 'react', recipientId: byId(route.user.id), messageId: mid, reaction });
				expect(reacted.requests).toStrictEqual([post(sendPath, { recipient: { id: route.user.id }, sender_action: 'react', payload: { message_id: mid, reaction } })]);
				expect(reacted.items).toStrictEqual([{ platform: route.platform, messageId: mid, reaction, success: true }]);

				const unreacted = await runOperation('unreact', { resource: 'message', operation: 'unreact', recipientId: byId(route.user.id), messageId: mid });
				expect(unreacted.requests).toStrictEqual([post(sendPath, { recipient: { id: route.user.id }, sender_action: 'unreact', payload: { message_id: mid } })]);
				expect(unreacted.items).toStrictEqual([{ platform: route.platform, messageId: mid, success: true }]);
			});
		});

		if (route.platform === 'messenger') {
			describe('Several items and failing items', () => {
				const people = [
					{ id: USERS.alice.id, name: 'Alice' },
					{ id: USERS.bob.id, name: 'Bob' },
					{ id: USERS.chloe.id, name: 'Chloé' },
				];
				const textFor = (name: string) => `Hi ${name}, your order has shipped.`;

				it('one message per item; outputs paired with their items, so later nodes reach each item\'s source', async () => {
					const send = socialMessaging(
						'Social Messaging',
						{ platform: 'messenger', resource: 'message', operation: 'send', recipientId: byId('={{ $json.id }}'), text: '=Hi {{ $json.name }}, your order has shipped.' },
						credential,
					);
					const check = setFields('Check', { name: "={{ $('Split Out').item.json.name }}", messageId: '={{ $json.messageId }}' });
					const workflow = await n8n.createWorkflow(chain(`e2e ${route.key}: several items`, [manualTrigger(), setJson('People', { people }), splitOut('Split Out', 'people'), send, check]));
					const since = await sandbox.mark();
					const execution = await n8n.runWorkflow(workflow.id);
					// JSON.stringify(execution.data.resultData.error ?? {})
					expect(execution.status).toBe('success');
					const sent = await nodeOutput(execution, 'Social Messaging');
					expect((nodeRun(execution, 'Social Messaging').data?.main?.[0] ?? []).map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
					expect(sent.map((item) => item.recipientId)).toStrictEqual(people.map((p) => p.id));
					expect(await nodeOutput(execution, 'Check')).toStrictEqual(people.map((p, index) => ({ name: p.name, messageId: sent[index].messageId })));
					// Sent concurrently: any order on the wire.
					assertRequestsInAnyOrder(
						await requestsSince(sandbox, since),
						people.map((p) => post(sendPath, { recipient: { id: p.id }, messaging_type: 'RESPONSE', message: { text: textFor(p.name) } })),
					);
					const { deliveries } = await sandbox.deliveries();
					for (const [index, p] of people.entries()) {
						const delivery = deliveries.find((entry) => entry.recipient === p.id && isDeepStrictEqual(entry.content, { message: { text: textFor(p.name) } }));
						expect(delivery?.mids).toStrictEqual([sent[index].messageId]);
					}
				});

				it('Use Batch Requests: the items go out as one Graph batch request, each answered and reported on its own', async () => {
					const send = socialMessaging(
						'Social Messaging',
						{
							platform: 'messenger',
							resource: 'message',
							operation: 'send',
							recipientId: byId('={{ $json.id }}'),
							text: '=Batched: hi {{ $json.name }}',
							options: { batchRequests: true },
						},
						credential,
					);
					const workflow = await n8n.createWorkflow(chain(`e2e ${route.key}: batch`, [manualTrigger(), setJson('People', { people }), splitOut('Split Out', 'people'), send]));
					const since = await sandbox.mark();
					const execution = await n8n.runWorkflow(workflow.id);
					// JSON.stringify(execution.data.resultData.error ?? {})
					expect(execution.status).toBe('success');
					const requests = await requestsSince(sandbox, since);
					// one HTTP request for the three messages
					expect(requests.length).toBe(1);
					const [{ body, ...envelope }] = requests;
					// Graph batch requests go to the host root, without a version.
					expect(envelope).toStrictEqual({ method: 'POST', path: '/', version: null, query: { appsecret_proof: proof }, status: 200 });
					const { batch, ...rest } = body as { batch: Array<{ method: string; relative_url: string; body: string }>; include_headers: boolean };
					expect(rest).toStrictEqual({ include_headers: false });
					expect(batch.map((part) => ({ method: part.method, relative_url: part.relative_url, fields: Object.fromEntries(new URLSearchParams(part.body)) }))).toStrictEqual(people.map((p) => ({
							method: 'POST',
							relative_url: `v23.0/${PAGE_ID}/messages`,
							fields: { recipient: JSON.stringify({ id: p.id }), messaging_type: 'RESPONSE', message: JSON.stringify({ text: `Batched: hi ${p.name}` }) },
						})));
					const sent = await nodeOutput(execution, 'Social Messaging');
					expect(sent.map((item) => item.recipientId)).toStrictEqual(people.map((p) => p.id));
					const { deliveries } = await sandbox.deliveries();
					for (const [index, p] of people.entries()) {
						const delivery = deliveries.find((entry) => entry.recipient === p.id && isDeepStrictEqual(entry.content, { message: { text: `Batched: hi ${p.name}` } }));
						expect(delivery?.mids).toStrictEqual([sent[index].messageId]);
					}
				});

				it('On Error: Stop (the default): the run stops with the explanation; the stored execution holds no secret', async () => {
					const send = socialMessaging(
						'Social Messaging',
						{ platform: 'messenger', resource: 'message', operation: 'send', recipientId: byId(USERS.dana.id), text: 'Are you there?' },
						credential,
					);
					const workflow = await n8n.createWorkflow(chain(`e2e ${route.key}: stop on error`, [manualTrigger(), send]));
					const execution = await n8n.runWorkflow(workflow.id);
					expect(execution.status).toBe('error');
					const error = nodeRun(execution, 'Social Messaging').error;
					expect(error?.message).toBe('This person cannot receive messages from the Page right now');
					expect(String(error?.description)).toMatch(/There is nothing to retry; skip this recipient\./);
					expect(String(error?.description)).toMatch(/code 10, subcode 2018108/);
					// What n8n stored and shows for the execution, as the editor fetches it.
					const stored = JSON.stringify(await n8n.request('GET', `/rest/executions/${execution.id}`));
					for (const secret of [PAGE_TOKEN, APP_SECRET, proof]) expect(stored).not.toContain(secret); // a secret is in the stored execution
				});

				it('On Error: Continue (using error output): failed items go to the error output with Meta\'s reason explained', async () => {
					const recipients = [
						{ id: USERS.dana.id, name: 'Dana' }, // has blocked the Page: 10 / 2018108
						{ id: USERS.alice.id, name: 'Alice again' },
						{ id: USERS.erik.id, name: 'Erik' }, // not available: 551 / 1545041
					];
					const send = {
						...socialMessaging(
							'Social Messaging',
							{ platform: 'messenger', resource: 'message', operation: 'send', recipientId: byId('={{ $json.id }}'), text: '=Hi {{ $json.name }}, your order has shipped.' },
							credential,
						),
						onError: 'continueErrorOutput',
					};
					const nodes = [manualTrigger(), setJson('People', { people: recipients }), splitOut('Split Out', 'people'), send, noOp('Sent'), noOp('Failed')];
					const workflow = chain(`e2e ${route.key}: error output`, nodes.slice(0, 4));
					workflow.nodes.push(nodes[4], nodes[5]);
					workflow.connections['Social Messaging'] = {
						main: [[{ node: 'Sent', type: 'main', index: 0 }], [{ node: 'Failed', type: 'main', index: 0 }]],
					};
					const stored = await n8n.createWorkflow(workflow);
					const since = await sandbox.mark();
					const execution = await n8n.runWorkflow(stored.id);
					// JSON.stringify(execution.data.resultData.error ?? {})
					expect(execution.status).toBe('success');
					const sent = await nodeOutput(execution, 'Sent');
					expect(sent.map((item) => item.recipientId)).toStrictEqual([USERS.alice.id]);
					// n8n adds the input item's fields to what goes to the error output.
					expect(await nodeOutput(execution, 'Failed')).toStrictEqual([
						{ ...recipients[0], error: 'This person cannot receive messages from the Page right now' },
						{ ...recipients[2], error: 'This person is not available' },
					]);
					const outputs = nodeRun(execution, 'Social Messaging').data?.main ?? [];
					expect((outputs[0] ?? []).map((item) => item.pairedItem)).toStrictEqual([{ item: 1 }]);
					expect((outputs[1] ?? []).map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 2 }]);
					const requests = await requestsSince(sandbox, since);
					expect(requests.map((r) => [(r.body as { recipient: { id: string } }).recipient.id, r.status]).sort()).toStrictEqual([
							[USERS.alice.id, 200],
							[USERS.dana.id, 400],
							[USERS.erik.id, 400],
						].sort());
				});
			});
		}

		describe('Attachment: Upload', () => {
			it('by URL', async () => {
				const url = 'https://cdn.example.com/media/oat-latte.jpg';
				const run = await runOperation('upload url', { resource: 'attachment', operation: 'upload', mediaType: 'image', mediaSource: 'url', mediaUrl: url });
				expect(run.requests).toStrictEqual([post(uploadPath, { message: { attachment: { type: 'image', payload: { url, is_reusable: true } } }, ...platformField })]);
				expect(run.items.length).toBe(1);
				expect(String(run.items[0].attachmentId)).toMatch(/^\d+$/);
				expect(run.items).toStrictEqual([{ platform: route.platform, attachmentId: run.items[0].attachmentId, type: 'image' }]);
				expect(run.pairedItems).toStrictEqual([{ item: 0 }]);
			});

			it('a binary file made by Convert to File: multipart with the exact bytes', async () => {
				const run = await runOperation(
					'upload binary',
					{ resource: 'attachment', operation: 'upload', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'photo' },
					fileProducers('label.png', 'image/png', TINY_PNG),
				);
				expect(run.requests.length).toBe(1);
				assertMultipartUpload(run.requests[0], 'image', { fileName: 'label.png', mimeType: 'image/png', size: TINY_PNG.length });
				const attachmentId = String(run.items[0]?.attachmentId);
				expect(attachmentId).toMatch(/^\d+$/);
				expect(run.items).toStrictEqual([{ platform: route.platform, attachmentId, type: 'image' }]);
				await assertStoredBytes(attachmentId, 'label.png', TINY_PNG);
			});
		});
	});
}
