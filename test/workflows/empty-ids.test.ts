/**
 * Issue 14.5: an ID field that resolves to nothing (an expression reading a field the item lacks: '',
 * spaces, undefined, null) or to something that is no ID (an object, a list) fails its own item with a
 * NodeOperationError that names the field and says how to fix it, before any request: no `GET /`, no
 * "undefined" or "[object Object]" sent as an ID. With Continue On Fail the other items still go.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { CONVERSATION_IDS, PAGE_ID, USERS, type FakeGraph } from '../fakes/graph';
import {
	INSTAGRAM_LOGIN,
	MESSENGER,
	assertErrorItem,
	assertItemError,
	messageIdIn,
	runOn,
	seedAttachment,
	type Route,
} from './message.helpers';
import { byId, instagramLoginCredentials, metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => fake().clearRequests());

/** What an expression can resolve to when the item does not hold an ID; `undefined`: the item lacks the field. */
const NOT_AN_ID: Array<{ label: string; value: unknown; kind: 'empty' | 'wrong type' }> = [
	{ label: "''", value: '', kind: 'empty' },
	{ label: 'spaces, a tab and a line break', value: '  \t\n', kind: 'empty' },
	{ label: 'undefined (the item lacks the field)', value: undefined, kind: 'empty' },
	{ label: 'null', value: null, kind: 'empty' },
	{ label: 'an object', value: { id: '7101149746568522' }, kind: 'wrong type' },
	{ label: 'a list', value: ['7101149746568522'], kind: 'wrong type' },
];

const itemWith = (value: unknown): { json: IDataObject } => ({ json: value === undefined ? {} : { v: value as IDataObject[string] } });

interface IdCase {
	/** The operation and field, as a test title. */
	title: string;
	route: Route;
	/** Parameters with the field under test reading `$json.v`. */
	parameters: INodeParameters;
	/** The value of `v` that works, for the Continue On Fail run. */
	good: (fake: FakeGraph) => string;
	/** The error for an empty value, and for a value of the wrong type. */
	empty: RegExp;
	wrongType: RegExp;
	/** The field's label, which the error's description names. */
	label: string;
}

const EXPR = '={{ $json.v }}';
const message = { resource: 'message' };
const toAlice = { recipientType: 'user', recipientId: byId(MESSENGER.user) };

const CASES: IdCase[] = [
	{
		title: 'Conversation > Get: Conversation (By ID)',
		route: MESSENGER,
		parameters: { resource: 'conversation', operation: 'get', conversationId: byId(EXPR), messageLimit: 0 },
		good: () => CONVERSATION_IDS.alice,
		empty: /^No conversation ID for this item$/,
		wrongType: /^Conversation is an? (object|list) \(.*\), not an ID$/,
		label: 'Conversation',
	},
	{
		title: 'Message > Get Many: Conversation (By ID)',
		route: INSTAGRAM_LOGIN,
		parameters: { ...message, operation: 'getAll', conversationId: byId(EXPR), limit: 1 },
		good: () => CONVERSATION_IDS.ines,
		empty: /^No conversation ID for this item$/,
		wrongType: /^Conversation is an? (object|list) \(.*\), not an ID$/,
		label: 'Conversation',
	},
	{
		title: 'Message > Get: Message ID',
		route: MESSENGER,
		parameters: { ...message, operation: 'get', messageId: EXPR },
		good: (f) => messageIdIn(f, MESSENGER),
		empty: /^No message ID for this item$/,
		wrongType: /^Message ID is an? (object|list) \(.*\), not an ID$/,
		label: 'Message ID',
	},
	{
		title: 'Message > React: Message ID',
		route: MESSENGER,
		parameters: { ...message, operation: 'react', ...toAlice, messageId: EXPR, reaction: 'love' },
		good: (f) => messageIdIn(f, MESSENGER),
		empty: /^No message ID for this item$/,
		wrongType: /^Message ID is an? (object|list) \(.*\), not an ID$/,
		label: 'Message ID',
	},
	{
		title: 'Message > Unreact: Message ID',
		route: MESSENGER,
		parameters: { ...message, operation: 'unreact', ...toAlice, messageId: EXPR },
		good: (f) => messageIdIn(f, MESSENGER),
		empty: /^No message ID for this item$/,
		wrongType: /^Message ID is an? (object|list) \(.*\), not an ID$/,
		label: 'Message ID',
	},
	{
		title: 'Message > Send: Recipient (By ID)',
		route: MESSENGER,
		parameters: { ...message, operation: 'send', recipientType: 'user', recipientId: byId(EXPR), messageType: 'text', text: 'Hello' },
		good: () => USERS.alice.id,
		empty: /^No recipient ID for this item$/,
		wrongType: /^Recipient is an? (object|list) \(.*\), not an ID$/,
		label: 'Recipient',
	},
	{
		title: 'Message > Send Action: Recipient (By ID)',
		route: MESSENGER,
		parameters: { ...message, operation: 'sendAction', recipientType: 'user', recipientId: byId(EXPR), senderAction: 'mark_seen' },
		good: () => USERS.alice.id,
		empty: /^No recipient ID for this item$/,
		wrongType: /^Recipient is an? (object|list) \(.*\), not an ID$/,
		label: 'Recipient',
	},
	{
		title: 'Message > Send to a comment author: Recipient Handle (comment ID)',
		route: MESSENGER,
		parameters: { ...message, operation: 'send', recipientType: 'comment', recipientHandle: EXPR, messageType: 'text', text: 'Thanks!' },
		good: () => '17900000000000001',
		empty: /^No recipient handle for this item$/,
		wrongType: /^Recipient Handle is an? (object|list) \(.*\), not an ID$/,
		label: 'Recipient Handle',
	},
	{
		title: 'Message > Send to a post author: Recipient Handle (post ID)',
		route: MESSENGER,
		parameters: { ...message, operation: 'send', recipientType: 'post', recipientHandle: EXPR, messageType: 'text', text: 'Thanks!' },
		good: () => `${PAGE_ID}_555`,
		empty: /^No recipient handle for this item$/,
		wrongType: /^Recipient Handle is an? (object|list) \(.*\), not an ID$/,
		label: 'Recipient Handle',
	},
	{
		title: 'Message > Send media: Attachment ID (Saved Attachment)',
		route: MESSENGER,
		parameters: { ...message, operation: 'send', ...toAlice, messageType: 'media', mediaType: 'image', mediaSource: 'attachmentId', attachmentId: EXPR },
		good: (f) => seedAttachment(f, MESSENGER, 'image'),
		empty: /^No attachment ID for this item$/,
		wrongType: /^Attachment ID is an? (object|list) \(.*\), not an ID$/,
		label: 'Attachment ID',
	},
];

describe('an empty or wrongly typed ID fails its item before any request', () => {
	for (const idCase of CASES) {
		describe(idCase.title, () => {
			for (const bad of NOT_AN_ID) {
				it(`${bad.label}: "${bad.kind === 'empty' ? idCase.empty.source : 'not an ID'}", no request`, async () => {
					const run = await runOn(fake(), idCase.route, idCase.parameters, { items: [itemWith(bad.value)] });
					const error = assertItemError(run.error, 0, bad.kind === 'empty' ? idCase.empty : idCase.wrongType);
					// the description names the field
					expect(error.description as string).toMatch(new RegExp(`^${idCase.label} `));
					expect(`${error.message} ${error.description as string}`).not.toMatch(/\[object Object\]/);
					// a request went out for an item without an ID
					expect(fake().requests.map((request) => `${request.method} ${request.path}`)).toStrictEqual([]);
				});
			}

			it('Continue On Fail: the items with an ID go out, each bad one becomes its own error item', async () => {
				const items = [itemWith(idCase.good(fake())), itemWith(undefined), itemWith(null), itemWith({ id: 1 }), itemWith(idCase.good(fake()))];
				const run = await runOn(fake(), idCase.route, idCase.parameters, { items, continueOnFail: true });
				// run.error?.message
				expect(run.error).toBeUndefined();
				const byInput = (index: number) => run.items.filter((item) => (item.pairedItem as { item: number }).item === index);
				for (const index of [1, 2]) assertErrorItem(byInput(index)[0], index, idCase.empty);
				assertErrorItem(byInput(3)[0], 3, idCase.wrongType);
				for (const index of [0, 4]) {
					// item ${index} has no output
					expect(byInput(index).length).toBeGreaterThan(0);
					// item ${index} failed: ${byInput(index)[0].json.error as string}
					expect(byInput(index)[0].json.error).toBeUndefined();
				}
				// Instagram Login looks its account ID up once (GET /me) to tell directions.
				const requests = fake().requests.filter((request) => request.path !== '/me');
				// one request for each item with an ID
				expect(requests.length).toBe(2);
				for (const request of requests) {
					// the fake refused ${request.method} ${request.path}
					expect(request.status).toBe(200);
					expect(`${request.path} ${JSON.stringify(request.body ?? {})}`).not.toMatch(/undefined|null|\[object Object\]/);
				}
			});
		});
	}
});

describe('other fields that used to write "undefined" or "[object Object]" into a request', () => {
	it('React: a Reaction expression that finds nothing is refused as no reaction, not sent as "undefined"', async () => {
		const run = await runOn(fake(), MESSENGER, { ...message, operation: 'react', ...toAlice, messageId: messageIdIn(fake(), MESSENGER), reaction: EXPR });
		assertItemError(run.error, 0, /^No reaction given$/);
		expect(fake().requests.length).toBe(0);
	});

	it('Send: Reply To Message ID and Persona ID that resolve to an object are refused, naming the option', async () => {
		for (const [option, label] of [
			['replyToMessageId', 'Reply To Message ID'],
			['personaId', 'Persona'],
		]) {
			const run = await runOn(fake(), MESSENGER, { ...message, operation: 'send', ...toAlice, messageType: 'text', text: 'Hi', options: { [option]: EXPR } }, {
				items: [itemWith({ mid: 'm_1' })],
			});
			assertItemError(run.error, 0, new RegExp(`^${label} is an object \\(\\{"mid":"m_1"\\}\\), not text$`));
		}
		expect(fake().requests.length).toBe(0);
	});

	it('Send: receipt fields that find nothing are missing fields, not the text "undefined"', async () => {
		const run = await runOn(fake(), MESSENGER, {
			...message,
			operation: 'send',
			...toAlice,
			messageType: 'template',
			templateType: 'receipt',
			receiptRecipientName: 'Alice Müller',
			receiptOrderNumber: '={{ $json.order }}',
			receiptCurrency: 'EUR',
			receiptPaymentMethod: '={{ $json.card }}',
			receiptTotalCost: 10,
		});
		assertItemError(run.error, 0, /^The receipt template is missing: Order Number, Payment Method$/);
		expect(fake().requests.length).toBe(0);
	});

	it('Send: a text expression that finds nothing is an empty message, not the text "undefined"', async () => {
		for (const value of [undefined, null]) {
			const run = await runOn(fake(), MESSENGER, { ...message, operation: 'send', ...toAlice, messageType: 'text', text: EXPR }, { items: [itemWith(value)] });
			assertItemError(run.error, 0, /^The message is empty$/);
		}
		const run = await runOn(fake(), MESSENGER, { ...message, operation: 'send', ...toAlice, messageType: 'text', text: EXPR }, { items: [itemWith({ a: 1 })] });
		assertItemError(run.error, 0, /^Text is an object \(\{"a":1\}\), not text$/);
		expect(fake().requests.length).toBe(0);
	});

	it('Send: a media template whose Media URL or Attachment ID finds nothing is refused', async () => {
		const run = await runOn(fake(), MESSENGER, {
			...message,
			operation: 'send',
			...toAlice,
			messageType: 'template',
			templateType: 'media',
			templateMediaType: 'image',
			templateMedia: EXPR,
		});
		assertItemError(run.error, 0, /^No media URL or attachment ID for the media template$/);
		expect(fake().requests.length).toBe(0);
	});

	it('Send and Upload: a Media URL that finds nothing says so, instead of "undefined is not an http(s) URL"', async () => {
		for (const parameters of [
			{ ...message, operation: 'send', ...toAlice, messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: EXPR },
			{ resource: 'attachment', operation: 'upload', mediaType: 'image', mediaSource: 'url', mediaUrl: EXPR },
		]) {
			const run = await runOn(fake(), MESSENGER, parameters);
			const error = assertItemError(run.error, 0, /^No media URL for this item$/);
			expect(error.description as string).toMatch(/^Media URL is empty/);
		}
		expect(fake().requests.length).toBe(0);
	});

	it('Conversation > Get Many: a User ID filter that finds nothing lists unfiltered, never user_id=undefined', async () => {
		const run = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			limit: 1,
			filters: { userId: EXPR },
		});
		// run.error?.message
		expect(run.error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		expect(fake().requests[0].query.user_id).toBeUndefined();
	});
});

describe('the account ID looked up during a run', () => {
	it('Instagram through a Page: a failed lookup of the Instagram account fails that item only; the next item looks it up again', async () => {
		fake().failNext(`GET /${PAGE_ID}`, 'permissionDenied');
		const run = await runSocialMessaging(
			metaCredentials(fake(), { instagramAccountId: '' }),
			{ platform: 'instagram', resource: 'message', operation: 'getAll', conversationId: byId(EXPR), limit: 1 },
			{ items: [itemWith(CONVERSATION_IDS.ines), itemWith(CONVERSATION_IDS.ines)], continueOnFail: true },
		);
		// run.error?.message
		expect(run.error).toBeUndefined();
		expect(run.items.length).toBe(2);
		expect(run.items[0].json.error as string).toMatch(/permission/i);
		// the second item failed too: ${run.items[1].json.error as string}
		expect(run.items[1].json.error).toBeUndefined();
		// the account ID from the second lookup tells directions
		expect(run.items[1].json.direction).toBe('inbound');
		// the lookup was made again for the second item
		expect(fake().calls(`GET /${PAGE_ID}`).length).toBe(2);
	});

	it('Instagram Login: a failed /me lookup is retried on the next item, and made once when it succeeds', async () => {
		fake().failNext('GET /me', 'permissionDenied');
		const run = await runSocialMessaging(
			instagramLoginCredentials(fake()),
			{ platform: 'instagram', resource: 'message', operation: 'getAll', conversationId: byId(EXPR), limit: 1 },
			{ items: [itemWith(CONVERSATION_IDS.ines), itemWith(CONVERSATION_IDS.ines), itemWith(CONVERSATION_IDS.ines)], continueOnFail: true },
		);
		// run.error?.message
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.error === undefined)).toStrictEqual([false, true, true]);
		// one failed lookup, then one that the rest of the run reuses
		expect(fake().calls('GET /me').length).toBe(2);
	});
});
