/**
 * Issue 14.6, the node's side: every request shape the package sends is one Meta documents. Each
 * operation of the Social Messaging node runs on each route against the fake, the trigger is activated
 * and deactivated, and the credential is tested; each request made is reduced to its
 * shape (method, host, path template, query keys, requested fields, body key paths) and must match a
 * request of Meta's Postman collections (reference/meta-postman/, extracted in
 * test/fakes/graph/contract/meta-postman.json), or be explained by a quote from
 * reference/meta-messenger-instagram.md, or be listed as inferred in test/fakes/graph/README.md.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { APP_ID, CONVERSATION_IDS, IG_ACCOUNT_ID, NOTIFICATION_TOKEN, PAGE_ID, TINY_PNG, USERS, type FakeGraph, type MultipartPart, type RecordedRequest } from '../fakes/graph';
import { documentedRequests, referenceDirectory, type DocumentedRequest } from '../fakes/graph/contract/collections';
import { keyPaths } from '../fakes/graph/contract/shapes';
import { INSTAGRAM_LOGIN, INSTAGRAM_LOGIN_ID, INSTAGRAM_PAGE, MESSENGER, assertNoError, binaryItem, messageIdIn, runOn, seedAttachment, type Route } from './message.helpers';
import { testCredential } from '../harness';
import { byId, instagramLoginCredentials, metaCredentials, useFakeGraph } from './setup';
import { Triggers } from './trigger-setup';

const fake = useFakeGraph();

/** A request reduced to what the contract is about. */
interface RequestShape {
	/** `POST graph.facebook.com/{page-id}/messages` */
	endpoint: string;
	/** What the keys are compared within: the last path segment (the edge), or the node kind for a node read. */
	edge: string;
	/** Query keys (`query:limit`), requested fields (`fields:participants`), body key paths (`message.text`), multipart parts (`part:filedata`). */
	keys: string[];
}

const AUTH_QUERY = new Set(['access_token', 'appsecret_proof']);

function hostOf(route: Route): string {
	return route.provider === 'instagramLogin' ? 'graph.instagram.com' : 'graph.facebook.com';
}

function templateOf(segment: string, fake: FakeGraph): string {
	if (segment === PAGE_ID) return '{page-id}';
	if (segment === IG_ACCOUNT_ID) return '{ig-user-id}';
	if (segment === APP_ID) return '{app-id}';
	if (fake.state.conversations.has(segment)) return '{conversation-id}';
	if (fake.state.messages.has(segment)) return '{message-id}';
	return segment;
}

/** `fields=a,b,messages.limit(5){c,d}` -> a, b, messages, messages.c, messages.d */
function fieldNames(fields: string): string[] {
	const names: string[] = [];
	let depth = 0;
	let current = '';
	let parent = '';
	const flush = () => {
		const name = current.replace(/\.limit\(\d+\)$/, '').trim();
		if (name) names.push(parent ? `${parent}.${name}` : name);
		current = '';
		return name;
	};
	for (const char of fields) {
		if (char === '{') {
			parent = flush();
			depth++;
		} else if (char === '}') {
			flush();
			depth--;
			parent = depth === 0 ? '' : parent;
		} else if (char === ',') flush();
		else current += char;
	}
	flush();
	return names;
}

/** Batch parts carry their fields url-encoded, the objects among them as JSON text. */
function bodyKeys(request: RecordedRequest): string[] {
	const body = request.body;
	if (Array.isArray(body)) return (body as MultipartPart[]).map((part) => `part:${part.name}`);
	if (!body || typeof body !== 'object') return [];
	if (request.batchIndex === undefined) {
		const { batch, ...rest } = body as Record<string, unknown>;
		return [...keyPaths(rest), ...(batch === undefined ? [] : ['batch'])];
	}
	const parsed = Object.fromEntries(
		Object.entries(body as Record<string, string>).map(([key, value]) => [key, /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value]),
	);
	return keyPaths(parsed);
}

function shapeOf(request: RecordedRequest, route: Route, fake: FakeGraph): RequestShape {
	const segments = request.path.split('/').filter(Boolean).map((segment) => templateOf(decodeURIComponent(segment), fake));
	// Batch parts and the app's own edges always go to graph.facebook.com.
	const host = request.batchIndex === undefined && segments[0] !== '{app-id}' ? hostOf(route) : 'graph.facebook.com';
	const query = Object.entries(request.query).filter(([key]) => !AUTH_QUERY.has(key));
	const keys = [
		...query.flatMap(([key, value]) => (key === 'fields' ? fieldNames(value).map((name) => `fields:${name}`) : [`query:${key}`])),
		...bodyKeys(request),
	];
	const edge = segments.length > 1 ? segments[segments.length - 1] : segments[0] ?? '(root)';
	return { endpoint: `${request.method} ${host}/${segments.join('/')}`, edge: `${request.method} ${edge}`, keys: [...new Set(keys)].sort() };
}

function documentedShape(request: DocumentedRequest): RequestShape {
	const path = request.path.map((segment) => (segment === '{ig-container-id}' ? '{node-id}' : segment));
	// A field the documented answer shows is a field one may ask for.
	const answered = request.method === 'GET' ? request.responses.flatMap((response) => Object.keys((response.body ?? {}) as object)) : [];
	const keys = [
		...Object.entries(request.query).flatMap(([key, value]) => (key === 'fields' ? fieldNames(value).map((name) => `fields:${name}`) : [`query:${key}`])),
		...answered.map((name) => `fields:${name}`),
		...keyPaths(request.body ?? {}),
	];
	const edge = path.length > 1 ? path[path.length - 1] : path[0];
	return { endpoint: `${request.method} ${request.host}/${path.join('/')}`, edge: `${request.method} ${edge}`, keys };
}

/** Why something the collections do not show is still Meta's: a quote of the reference, or "inferred" (listed in the fake's README). */
type Why = { reference: string } | { inferred: string };

/** Endpoints the collections have no request for. */
const ENDPOINTS: Record<string, Why> = {
	'POST graph.instagram.com/me/message_attachments': { reference: 'Instagram-with-Instagram-Login: `https://graph.instagram.com/vNN.0/{IG_ID|me}/...`' },
	'POST graph.instagram.com/{ig-user-id}/message_attachments': { reference: 'Instagram-with-Instagram-Login: `https://graph.instagram.com/vNN.0/{IG_ID|me}/...`' },
	'GET graph.facebook.com/{page-id}/conversations': { reference: '`GET /{PAGE-ID}/conversations?platform=messenger|instagram[&user_id=PSID|IGSID][&fields=...]`' },
	'GET graph.instagram.com/me/conversations': { reference: 'Instagram-with-Instagram-Login: `https://graph.instagram.com/vNN.0/{IG_ID|me}/...`' },
	'GET graph.instagram.com/{ig-user-id}/conversations': { reference: 'Instagram-with-Instagram-Login: `https://graph.instagram.com/vNN.0/{IG_ID|me}/...`' },
	'GET graph.facebook.com/{conversation-id}': { reference: '`GET /{CONVERSATION-ID}?fields=messages`' },
	'GET graph.instagram.com/{conversation-id}': { reference: '`GET /{CONVERSATION-ID}?fields=messages`' },
	'GET graph.facebook.com/{conversation-id}/messages': { inferred: '`GET /{conversation-id}/messages`' },
	'GET graph.instagram.com/{conversation-id}/messages': { inferred: '`GET /{conversation-id}/messages`' },
	'GET graph.facebook.com/{message-id}': { reference: '`GET /{MESSAGE-ID}?fields=id,created_time,from,to,message,attachments,reply_to`' },
	'GET graph.instagram.com/{message-id}': { reference: '`GET /{MESSAGE-ID}?fields=id,created_time,from,to,message,attachments,reply_to`' },
	'GET graph.instagram.com/me': { inferred: '`GET graph.instagram.com/me?fields=user_id,username`' },
	'POST graph.facebook.com/': { reference: 'Batch requests — `POST https://graph.facebook.com` (no version path needed)' },
	'GET graph.facebook.com/{app-id}/subscriptions': { reference: '`GET /{APP-ID}/subscriptions` →' },
	'POST graph.facebook.com/{app-id}/subscriptions': { reference: 'Registration, app level (app token): `POST /{APP-ID}/subscriptions`' },
	'DELETE graph.facebook.com/{app-id}/subscriptions': { reference: '`DELETE /{APP-ID}/subscriptions?object=page[&fields=...]`' },
	'GET graph.facebook.com/{page-id}/subscribed_apps': { reference: '`GET` → `{"data":[{"id","name","subscribed_fields":[...]}]}`; `DELETE`' },
	'POST graph.facebook.com/{page-id}/subscribed_apps': { reference: 'Registration, page level (page token): `POST /{PAGE-ID}/subscribed_apps?subscribed_fields=messages,messaging_postbacks,...`' },
	'DELETE graph.facebook.com/{page-id}/subscribed_apps': { reference: '`GET` → `{"data":[{"id","name","subscribed_fields":[...]}]}`; `DELETE`' },
	'GET graph.instagram.com/me/subscribed_apps': { inferred: '`GET` and `DELETE graph.instagram.com/me/subscribed_apps`' },
	'POST graph.instagram.com/me/subscribed_apps': { reference: 'Instagram Login: `POST graph.instagram.com/vNN/{IG_ID}/subscribed_apps?subscribed_fields=messages,...`' },
	'DELETE graph.instagram.com/me/subscribed_apps': { inferred: '`GET` and `DELETE graph.instagram.com/me/subscribed_apps`' },
};

/** Keys, per edge, that no request of the collections shows on that edge. */
const KEYS: Record<string, Record<string, Why>> = {
	'POST messages': {
		messaging_type: { reference: '`messaging_type`: `RESPONSE` | `UPDATE` | `MESSAGE_TAG` (+ `tag`) | `UTILITY`' },
		tag: { reference: '`messaging_type`: `RESPONSE` | `UPDATE` | `MESSAGE_TAG` (+ `tag`) | `UTILITY`' },
		notification_type: { reference: '`notification_type`: `REGULAR` (default) | `SILENT_PUSH` | `NO_PUSH`' },
		'reply_to.mid': { reference: '`reply_to: {mid}`' },
		'recipient.user_ref': { reference: '`{user_ref}`' },
		'recipient.comment_id': { reference: '`{comment_id}` / `{post_id}` (private reply)' },
		'recipient.post_id': { reference: '`{comment_id}` / `{post_id}` (private reply)' },
		'recipient.notification_messages_token': { reference: '`{notification_messages_token}`' },
		'message.metadata': { reference: '`metadata` — under 1000 characters' },
		'message.attachment.payload.attachment_id': { reference: 'payload `{url, is_reusable}` or `{attachment_id}` or a template' },
		'message.attachment.payload.image_aspect_ratio': { inferred: '`image_aspect_ratio`' },
		'message.attachment.payload.elements[].buttons[].webview_height_ratio': { reference: '`{type: "web_url", url, title, webview_height_ratio?}`' },
		'message.attachment.payload.buttons[].payload': { reference: '`{type: "postback", title, payload}`' },
		'message.attachment.payload.elements[].url': { reference: '`media`: `elements: [{media_type: image|video, attachment_id | url, buttons}]`' },
		'message.attachment.payload.elements[].id': { reference: '`product`: `elements: [{id: PRODUCT_ID}]`' },
		...Object.fromEntries(
			[
				'recipient_name',
				'order_number',
				'currency',
				'payment_method',
				'order_url',
				'timestamp',
				'address.street_1',
				'address.street_2',
				'address.city',
				'address.postal_code',
				'address.state',
				'address.country',
				'summary.subtotal',
				'summary.shipping_cost',
				'summary.total_tax',
				'summary.total_cost',
				'adjustments[].name',
				'adjustments[].amount',
				'elements[].quantity',
				'elements[].price',
				'elements[].currency',
			].map((key) => [`message.attachment.payload.${key}`, { reference: '`receipt`: `recipient_name, order_number, currency, payment_method, order_url, timestamp, address{street_1' }]),
		),
	},
	'POST message_attachments': {
		platform: { reference: 'Instagram-with-Facebook-Login adds `"platform":"instagram"`' },
		'part:message': { reference: 'multipart with a `filedata` file part plus `message` JSON field' },
		'part:filedata': { reference: 'multipart with a `filedata` file part plus `message` JSON field' },
		'part:platform': { reference: 'Instagram-with-Facebook-Login adds `"platform":"instagram"`' },
	},
	'GET conversations': {
		'query:platform': { reference: '`GET /{PAGE-ID}/conversations?platform=messenger|instagram' },
		'query:user_id': { reference: '[&user_id=PSID|IGSID]' },
		'query:limit': { reference: 'params `limit`, `after`, `before`' },
		'query:after': { reference: 'params `limit`, `after`, `before`' },
		'fields:id': { reference: '`{"data":[{"id","updated_time"}], "paging":{...}}`' },
		'fields:updated_time': { reference: '`{"data":[{"id","updated_time"}], "paging":{...}}`' },
		'fields:participants': { reference: 'Useful fields: `participants`, `updated_time`, `message_count`, `unread_count`' },
		'fields:message_count': { reference: 'Useful fields: `participants`, `updated_time`, `message_count`, `unread_count`' },
		'fields:unread_count': { reference: 'Useful fields: `participants`, `updated_time`, `message_count`, `unread_count`' },
		'fields:link': { inferred: 'the conversation field `link`' },
	},
	'GET messages': {
		'query:limit': { reference: 'params `limit`, `after`, `before`' },
		'query:after': { reference: 'params `limit`, `after`, `before`' },
	},
	'GET {conversation-id}': {
		'fields:messages': { reference: '`GET /{CONVERSATION-ID}?fields=messages`' },
		'fields:id': { reference: 'Useful fields: `participants`, `updated_time`, `message_count`, `unread_count`' },
		'fields:updated_time': { reference: 'Useful fields: `participants`, `updated_time`, `message_count`, `unread_count`' },
		'fields:participants': { reference: 'Useful fields: `participants`, `updated_time`, `message_count`, `unread_count`' },
		'fields:message_count': { reference: 'Useful fields: `participants`, `updated_time`, `message_count`, `unread_count`' },
		'fields:unread_count': { reference: 'Useful fields: `participants`, `updated_time`, `message_count`, `unread_count`' },
		'fields:link': { inferred: 'the conversation field `link`' },
	},
	'GET {message-id}': {},
	'GET me': {
		'fields:user_id': { inferred: '`GET graph.instagram.com/me?fields=user_id,username`' },
		'fields:username': { inferred: '`GET graph.instagram.com/me?fields=user_id,username`' },
		'fields:id': { inferred: '`GET graph.instagram.com/me?fields=id,username`' },
	},
	'GET subscriptions': {},
	'POST subscriptions': Object.fromEntries(
		['object', 'callback_url', 'fields', 'verify_token', 'include_values'].map((key) => [
			key,
			{ reference: 'with `object` (`page`|`instagram`), `callback_url`, `fields` (comma list), `verify_token`, optional `include_values`' },
		]),
	),
	'DELETE subscriptions': {
		'query:object': { reference: '`DELETE /{APP-ID}/subscriptions?object=page[&fields=...]`' },
		'query:fields': { reference: '`DELETE /{APP-ID}/subscriptions?object=page[&fields=...]`' },
	},
	'GET subscribed_apps': {},
	'POST subscribed_apps': { 'query:subscribed_fields': { reference: '`POST /{PAGE-ID}/subscribed_apps?subscribed_fields=messages,messaging_postbacks,...`' } },
	'DELETE subscribed_apps': {},
	'GET {page-id}': {},
	'POST (root)': {
		batch: { reference: '`batch=[{"method":"POST","relative_url":"me/messages","body":"<url-encoded fields>"}, ...]`, `include_headers=false`' },
		include_headers: { reference: '`include_headers=false`' },
	},
};

/** The message fields the node reads, used by message lists, a message, and a conversation's messages. */
const MESSAGE_FIELD_KEYS: Record<string, Why> = {
	id: { reference: '`GET /{MESSAGE-ID}?fields=id,created_time,from,to,message,attachments,reply_to`' },
	created_time: { reference: '`GET /{MESSAGE-ID}?fields=id,created_time,from,to,message,attachments,reply_to`' },
	from: { reference: '`GET /{MESSAGE-ID}?fields=id,created_time,from,to,message,attachments,reply_to`' },
	to: { reference: '`GET /{MESSAGE-ID}?fields=id,created_time,from,to,message,attachments,reply_to`' },
	message: { reference: '`GET /{MESSAGE-ID}?fields=id,created_time,from,to,message,attachments,reply_to`' },
	attachments: { reference: '`GET /{MESSAGE-ID}?fields=id,created_time,from,to,message,attachments,reply_to`' },
	reply_to: { reference: '`GET /{MESSAGE-ID}?fields=id,created_time,from,to,message,attachments,reply_to`' },
	sticker: { inferred: 'the message fields `sticker` and `shares`' },
	shares: { inferred: 'the message fields `sticker` and `shares`' },
};
for (const [edge, prefix] of [
	['GET messages', ''],
	['GET {message-id}', ''],
	['GET {conversation-id}', 'messages.'],
] as const) {
	for (const [field, why] of Object.entries(MESSAGE_FIELD_KEYS)) KEYS[edge][`fields:${prefix}${field}`] = why;
}

/** Every operation of the node on the routes it supports; the requests of all runs are collected. */
interface Run {
	route: Route;
	parameters: INodeParameters;
	items?: Parameters<typeof runOn>[3] extends infer O ? (O extends { items?: infer I } ? I : never) : never;
}

function operations(f: FakeGraph): Run[] {
	const runs: Run[] = [];
	const send = (route: Route, content: INodeParameters, recipient: INodeParameters = { recipientType: 'user', recipientId: byId(route.user) }) =>
		runs.push({ route, parameters: { resource: 'message', operation: 'send', ...recipient, ...content } });
	for (const route of [MESSENGER, INSTAGRAM_PAGE, INSTAGRAM_LOGIN, INSTAGRAM_LOGIN_ID]) {
		const conversation = route.platform === 'messenger' ? CONVERSATION_IDS.alice : CONVERSATION_IDS.ines;
		const mid = messageIdIn(f, route);
		runs.push({ route, parameters: { resource: 'conversation', operation: 'getAll', limit: 2, filters: { userId: route.user } } });
		runs.push({ route, parameters: { resource: 'conversation', operation: 'getAll', returnAll: true } });
		runs.push({ route, parameters: { resource: 'conversation', operation: 'get', conversationId: byId(conversation), messageLimit: 5 } });
		runs.push({ route, parameters: { resource: 'message', operation: 'getAll', conversationId: byId(conversation), returnAll: true } });
		runs.push({ route, parameters: { resource: 'message', operation: 'get', messageId: mid } });
		send(route, {
			messageType: 'text',
			text: 'Pick one',
			quickReplies: { quickReply: [{ contentType: 'text', title: 'Red', payload: 'RED', imageUrl: 'https://cdn.example.com/red.png' }] },
			options: { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', replyToMessageId: mid, metadata: 'from-n8n' },
		});
		send(route, { messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: 'https://cdn.example.com/a.png' });
		send(route, { messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: 'https://cdn.example.com/b.png', options: { reusable: true } });
		send(route, { messageType: 'media', mediaType: 'image', mediaSource: 'attachmentId', attachmentId: seedAttachment(f, route, 'image') });
		runs.push({
			route,
			parameters: { resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(route.user), messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'data' },
			items: [binaryItem(TINY_PNG, 'image/png', 'pixel.png')],
		});
		send(route, {
			messageType: 'template',
			templateType: 'generic',
			elementsInputMode: 'json',
			elementsJson: JSON.stringify([
				{
					title: 'Welcome',
					subtitle: 'Hats',
					image_url: 'https://cdn.example.com/hat.png',
					default_action_url: 'https://shop.example.com',
					buttons: [
						{ type: 'web_url', title: 'Shop', url: 'https://shop.example.com', webview_height_ratio: 'tall' },
						{ type: 'postback', title: 'Chat', payload: 'CHAT' },
					],
				},
			]),
		});
		send(route, { messageType: 'template', templateType: 'button', buttonTemplateText: 'Next?', templateButtons: { button: [{ type: 'postback', title: 'Go', payload: 'GO' }] } });
		send(route, { messageType: 'text', text: 'Thanks for your comment' }, { recipientType: 'comment', recipientHandle: '17900000000000001' });
		runs.push({ route, parameters: { resource: 'message', operation: 'sendAction', recipientType: 'user', recipientId: byId(route.user), senderAction: 'typing_on' } });
		runs.push({ route, parameters: { resource: 'message', operation: 'react', recipientType: 'user', recipientId: byId(route.user), messageId: mid, reaction: 'love' } });
		runs.push({ route, parameters: { resource: 'message', operation: 'unreact', recipientType: 'user', recipientId: byId(route.user), messageId: mid } });
		runs.push({ route, parameters: { resource: 'attachment', operation: 'upload', mediaType: 'image', mediaSource: 'url', mediaUrl: 'https://cdn.example.com/c.png' } });
		runs.push({ route, parameters: { resource: 'attachment', operation: 'upload', mediaType: 'image', mediaSource: 'binary' }, items: [binaryItem(TINY_PNG, 'image/png', 'pixel.png')] });
	}
	// Messenger only (the fake refuses product templates on Instagram: inferred there).
	send(MESSENGER, { messageType: 'template', templateType: 'product', productIds: '4340000000000000' });
	send(MESSENGER, { messageType: 'text', text: 'Quiet', options: { notificationType: 'SILENT_PUSH' } });
	send(MESSENGER, { messageType: 'text', text: 'Hi' }, { recipientType: 'post', recipientHandle: `${PAGE_ID}_555` });
	send(MESSENGER, { messageType: 'text', text: 'Hi' }, { recipientType: 'userRef', recipientHandle: 'ref-123' });
	send(MESSENGER, { messageType: 'text', text: 'Hi' }, { recipientType: 'notificationToken', recipientHandle: NOTIFICATION_TOKEN });
	send(MESSENGER, {
		messageType: 'template',
		templateType: 'media',
		templateMediaType: 'image',
		templateMedia: 'https://www.facebook.com/acme/photos/1',
		mediaTemplateButtons: { button: [{ type: 'web_url', title: 'View', url: 'https://shop.example.com' }] },
	});
	send(MESSENGER, {
		messageType: 'template',
		templateType: 'receipt',
		receiptRecipientName: 'Alice',
		receiptOrderNumber: 'ORD-7',
		receiptCurrency: 'EUR',
		receiptPaymentMethod: 'Visa 2345',
		receiptTotalCost: 12,
		receiptItemsInputMode: 'json',
		receiptItemsJson: JSON.stringify([{ title: 'Mug', subtitle: 'Blue', quantity: 1, price: 10, currency: 'EUR', image_url: 'https://cdn.example.com/mug.png' }]),
		receiptDetails: {
			orderUrl: 'https://shop.example.com/o/7',
			timestamp: '1714554000',
			street1: 'Main 1',
			street2: 'Floor 2',
			city: 'Berlin',
			postalCode: '10115',
			state: 'BE',
			country: 'DE',
			subtotal: 10,
			shippingCost: 2,
			totalTax: 1,
		},
		receiptAdjustments: { adjustment: [{ name: 'Welcome', amount: 1 }] },
	});
	runs.push({
		route: MESSENGER,
		parameters: { resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId('={{ $json.to }}'), messageType: 'text', text: 'Batch', options: { batchRequests: true } },
		items: [{ json: { to: USERS.alice.id } }, { json: { to: USERS.bob.id } }],
	});
	return runs;
}

const documented = documentedRequests().map(documentedShape);
const documentedEndpoints = new Set(documented.map((shape) => shape.endpoint));
const documentedKeys = new Map<string, Set<string>>();
for (const shape of documented) {
	const keys = documentedKeys.get(shape.edge) ?? new Set<string>();
	for (const key of shape.keys) keys.add(key);
	documentedKeys.set(shape.edge, keys);
}

/** What is not documented nor explained, one line each; and the explanations that were needed. */
function audit(shapes: RequestShape[]): { undocumented: string[]; used: Why[] } {
	const undocumented = new Set<string>();
	const used: Why[] = [];
	for (const shape of shapes) {
		if (!documentedEndpoints.has(shape.endpoint)) {
			const why = ENDPOINTS[shape.endpoint];
			if (why) used.push(why);
			else undocumented.add(`endpoint ${shape.endpoint}`);
		}
		for (const key of shape.keys) {
			if (documentedKeys.get(shape.edge)?.has(key)) continue;
			const why = KEYS[shape.edge]?.[key];
			if (why) used.push(why);
			else undocumented.add(`${shape.edge}: ${key} (in ${shape.endpoint})`);
		}
	}
	return { undocumented: [...undocumented].sort(), used };
}

describe("every request shape the node sends is one Meta's collections or the reference document", () => {
	const shapes: RequestShape[] = [];
	const collect = (route: Route) => {
		// A batch request is its envelope and its parts.
		for (const request of fake().requests.flatMap((envelope) => [envelope, ...(envelope.batchItems ?? [])])) {
			// the fake refused ${request.method} ${request.path}: ${JSON.stringify(request.response)}
			expect(request.status).toBe(200);
			shapes.push(shapeOf(request, route, fake()));
		}
		fake().clearRequests();
	};
	beforeAll(async () => {
		fake().clearRequests();
		for (const run of operations(fake())) {
			const result = await runOn(fake(), run.route, run.parameters, run.items ? { items: run.items } : {});
			assertNoError(result);
			collect(run.route);
		}
		const triggers = new Triggers();
		for (const [route, credentials] of [
			[MESSENGER, metaCredentials(fake())],
			[INSTAGRAM_LOGIN, instagramLoginCredentials(fake())],
		] as const) {
			const result = await testCredential(credentials);
			// result.message
			expect(result.status).toBe('OK');
			collect(route);
			const harness = await triggers.start({ credentials, parameters: { platform: route.platform, events: ['message', 'postback'] } });
			await harness.activate();
			await harness.deactivate();
			collect(route);
		}
		await triggers.closeAll();
	});

	it('the runs covered every edge the node uses', () => {
		const endpoints = new Set(shapes.map((shape) => shape.endpoint));
		for (const endpoint of [
			`POST graph.facebook.com/{page-id}/messages`,
			`POST graph.instagram.com/me/messages`,
			`POST graph.instagram.com/{ig-user-id}/messages`,
			`POST graph.facebook.com/{page-id}/message_attachments`,
			`GET graph.facebook.com/{page-id}/conversations`,
			`GET graph.facebook.com/{conversation-id}/messages`,
			`GET graph.facebook.com/{message-id}`,
			`GET graph.instagram.com/me`,
			`POST graph.facebook.com/`,
			`POST graph.facebook.com/{app-id}/subscriptions`,
			`DELETE graph.facebook.com/{app-id}/subscriptions`,
			`POST graph.facebook.com/{page-id}/subscribed_apps`,
			`POST graph.instagram.com/me/subscribed_apps`,
			`GET graph.facebook.com/{page-id}`,
		]) {
			// no run sent ${endpoint}
			expect(endpoints.has(endpoint)).toBeTruthy();
		}
	});

	it('each is documented or explained', () => {
		expect(audit(shapes).undocumented).toStrictEqual([]);
	});

	it('a shape the collections do not show and nothing explains is caught (the audit can fail)', () => {
		const invented: RequestShape = { endpoint: 'POST graph.facebook.com/{page-id}/messages', edge: 'POST messages', keys: ['message.sparkles'] };
		expect(audit([invented]).undocumented).toStrictEqual(['POST messages: message.sparkles (in POST graph.facebook.com/{page-id}/messages)']);
	});

	const reference = referenceDirectory();
	((reference ? false : 'the reference folder is not next to this checkout (set META_REFERENCE_DIR)') ? it.skip : it)('every quoted explanation is in the reference', () => {
		const text = readFileSync(join(reference as string, 'meta-messenger-instagram.md'), 'utf8');
		for (const why of audit(shapes).used) if ('reference' in why) expect(text).toContain(why.reference); // not in the reference: ${why.reference}
	});

	it("every inferred one is listed in the fake's README", () => {
		const readme = readFileSync(join(__dirname, '../fakes/graph/README.md'), 'utf8');
		for (const why of audit(shapes).used) if ('inferred' in why) expect(readme).toContain(why.inferred); // the fake's README does not list ${why.inferred} as inferred
	});
});
