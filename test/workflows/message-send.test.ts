/**
 * Message > Send through n8n's real engine against the fake Graph API: every message type, template,
 * option and recipient type, on Messenger and on Instagram through both providers. Each test checks the
 * exact requests the node sent and the items it returned.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { MANUAL_TRIGGER_TYPE, runWorkflow } from '../harness';
import { NOTIFICATION_TOKEN, PAGE_ID, TINY_PNG, USERS } from '../fakes/graph';
import { BUTTON_TEMPLATE, QUICK_REPLIES } from '../fixtures/sendParameters';
import {
	INSTAGRAM_LOGIN,
	INSTAGRAM_LOGIN_ID,
	INSTAGRAM_PAGE,
	INSTAGRAM_ROUTES,
	MESSENGER,
	ROUTES,
	assertJsonCall,
	assertMultipartUpload,
	assertNoError,
	assertSendItem,
	binaryItem,
	messageIdIn,
	responseOf,
	seedAttachment,
	sendBody,
	sendOn,
	sendsExactly as sendOrig,
	urlUploadBody,
	type Route,
} from './message.helpers';
import { byId, useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => fake().clearRequests());

const sendsExactly = (route: Route, parameters: INodeParameters, message: IDataObject, options?: Parameters<typeof sendOrig>[4]) =>
	sendOrig(fake(), route, parameters, message, options);

describe('Send: text', () => {
	for (const route of ROUTES) {
		it(`${route.label}: non-ASCII and emoji text goes out unchanged`, async () => {
			const text = `Grüße aus Köln ☕️ — 日本語もOK 👋🏽 «ñ» via ${route.label}`;
			await sendsExactly(route, { messageType: 'text', text }, { text });
			expect(fake().state.deliveryCount(route.user, text)).toBe(1);
		});
	}
});

describe('Send: media', () => {
	for (const route of ROUTES) {
		it(`${route.label}: image by URL`, async () => {
			const url = 'https://cdn.example.com/catalog/spring.jpg';
			await sendsExactly(
				route,
				{ messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: url },
				{ attachment: { type: 'image', payload: { url } } },
			);
		});

		it(`${route.label}: media by URL with Save Media for Reuse is uploaded first and returns the attachment ID`, async () => {
			const url = 'https://cdn.example.com/clips/intro.mp4';
			const run = await sendOn(fake(), route, {
				messageType: 'media',
				mediaType: 'video',
				mediaSource: 'url',
				mediaUrl: url,
				options: { reusable: true },
			});
			assertNoError(run);
			expect(fake().requests.length).toBe(2);
			const [upload, send] = fake().requests;
			assertJsonCall(upload, route, 'message_attachments', urlUploadBody(route, 'video', url));
			const attachmentId = responseOf(upload).attachment_id as string;
			expect(attachmentId).toMatch(/^\d+$/);
			assertJsonCall(send, route, 'messages', sendBody(route, { attachment: { type: 'video', payload: { attachment_id: attachmentId } } }));
			assertSendItem(run.items[0], run, { platform: route.platform, call: send, itemIndex: 0, recipientId: route.user, extra: { attachmentId } });
			// The id is stored for reuse on the right network.
			const stored = fake().state.attachments.get(attachmentId);
			expect(stored?.isReusable).toBe(true);
			expect(stored?.platform).toBe(route.platform);
			expect(stored?.url).toBe(url);
		});

		it(`${route.label}: image from a binary property is uploaded (multipart) and then sent by attachment ID`, async () => {
			const run = await sendOn(
				fake(),
				route,
				{ messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'photo' },
				{ items: [binaryItem(TINY_PNG, 'image/png', 'label.png', 'photo')] },
			);
			assertNoError(run);
			expect(fake().requests.length).toBe(2);
			const [upload, send] = fake().requests;
			assertMultipartUpload(upload, route, { type: 'image', bytes: TINY_PNG, fileName: 'label.png', mimeType: 'image/png' });
			const attachmentId = responseOf(upload).attachment_id as string;
			assertJsonCall(send, route, 'messages', sendBody(route, { attachment: { type: 'image', payload: { attachment_id: attachmentId } } }));
			// Without Save Media for Reuse the output does not promise a reusable id.
			assertSendItem(run.items[0], run, { platform: route.platform, call: send, itemIndex: 0, recipientId: route.user });
		});

		it(`${route.label}: media by saved attachment ID`, async () => {
			const attachmentId = seedAttachment(fake(), route, 'file');
			await sendsExactly(
				route,
				{ messageType: 'media', mediaType: 'file', mediaSource: 'attachmentId', attachmentId: ` ${attachmentId} ` },
				{ attachment: { type: 'file', payload: { attachment_id: attachmentId } } },
			);
		});
	}

	it('Messenger: a PDF from a binary property with Save Media for Reuse returns the attachment ID', async () => {
		const pdf = Buffer.from('%PDF-1.4\n% invoice 1042 — Grüße\n%%EOF\n');
		const run = await sendOn(
			fake(),
			MESSENGER,
			{ messageType: 'media', mediaType: 'file', mediaSource: 'binary', binaryPropertyName: 'data', options: { reusable: true } },
			{ items: [binaryItem(pdf, 'application/pdf', 'invoice 1042.pdf')] },
		);
		assertNoError(run);
		expect(fake().requests.length).toBe(2);
		const [upload, send] = fake().requests;
		assertMultipartUpload(upload, MESSENGER, { type: 'file', bytes: pdf, fileName: 'invoice 1042.pdf', mimeType: 'application/pdf' });
		const attachmentId = responseOf(upload).attachment_id as string;
		assertJsonCall(send, MESSENGER, 'messages', sendBody(MESSENGER, { attachment: { type: 'file', payload: { attachment_id: attachmentId } } }));
		assertSendItem(run.items[0], run, { platform: 'messenger', call: send, itemIndex: 0, recipientId: MESSENGER.user, extra: { attachmentId } });
	});

	it('Instagram (Instagram Login): a video from a binary property goes to /me/message_attachments without a platform field', async () => {
		const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64, 7)]);
		const run = await sendOn(
			fake(),
			INSTAGRAM_LOGIN,
			{ messageType: 'media', mediaType: 'video', mediaSource: 'binary', binaryPropertyName: 'data' },
			{ items: [binaryItem(mp4, 'video/mp4', 'clip.mp4')] },
		);
		assertNoError(run);
		const [upload, send] = fake().requests;
		expect(fake().requests.length).toBe(2);
		assertMultipartUpload(upload, INSTAGRAM_LOGIN, { type: 'video', bytes: mp4, fileName: 'clip.mp4', mimeType: 'video/mp4' });
		const attachmentId = responseOf(upload).attachment_id as string;
		assertJsonCall(send, INSTAGRAM_LOGIN, 'messages', sendBody(INSTAGRAM_LOGIN, { attachment: { type: 'video', payload: { attachment_id: attachmentId } } }));
		assertSendItem(run.items[0], run, { platform: 'instagram', call: send, itemIndex: 0, recipientId: INSTAGRAM_LOGIN.user });
	});

	it('Messenger: media by URL with quick replies', async () => {
		const url = 'https://cdn.example.com/menu.pdf';
		await sendsExactly(
			MESSENGER,
			{
				messageType: 'media',
				mediaType: 'file',
				mediaSource: 'url',
				mediaUrl: url,
				quickReplies: { quickReply: [{ contentType: 'text', title: 'Order now', payload: 'ORDER' }] },
			},
			{ attachment: { type: 'file', payload: { url } }, quick_replies: [{ content_type: 'text', title: 'Order now', payload: 'ORDER' }] },
		);
	});
});

describe('Send: quick replies', () => {
	for (const route of ROUTES) {
		it(`${route.label}: text quick replies, with and without an image`, async () => {
			await sendsExactly(route, QUICK_REPLIES.parameters, QUICK_REPLIES.message);
		});
	}

	it('Messenger: ask for email and phone number', async () => {
		await sendsExactly(
			MESSENGER,
			{
				messageType: 'text',
				text: 'How can we reach you?',
				quickReplies: {
					quickReply: [
						{ contentType: 'user_email' },
						{ contentType: 'user_phone_number' },
						{ contentType: 'text', title: 'Not now', payload: 'SKIP' },
					],
				},
			},
			{
				text: 'How can we reach you?',
				quick_replies: [{ content_type: 'user_email' }, { content_type: 'user_phone_number' }, { content_type: 'text', title: 'Not now', payload: 'SKIP' }],
			},
		);
	});
});

describe('Send: generic template', () => {
	it('Messenger: fields with every button type, default action and square images', async () => {
		await sendsExactly(
			MESSENGER,
			{
				messageType: 'template',
				templateType: 'generic',
				elementsInputMode: 'fields',
				imageAspectRatio: 'square',
				elements: {
					element: [
						{
							title: 'Spring collection',
							subtitle: 'New arrivals 🌸',
							imageUrl: 'https://shop.example.com/spring.jpg',
							defaultActionUrl: 'https://shop.example.com/spring',
							buttons: {
								button: [
									{ type: 'web_url', title: 'View', url: 'https://shop.example.com/spring', webviewHeightRatio: 'compact' },
									{ type: 'postback', title: 'Show me more', payload: 'SPRING_MORE' },
									{ type: 'phone_number', title: 'Call us', payload: '+1 (555) 123-4567' },
								],
							},
						},
						{ title: 'Summer preview' },
					],
				},
			},
			{
				attachment: {
					type: 'template',
					payload: {
						template_type: 'generic',
						image_aspect_ratio: 'square',
						elements: [
							{
								title: 'Spring collection',
								subtitle: 'New arrivals 🌸',
								image_url: 'https://shop.example.com/spring.jpg',
								default_action: { type: 'web_url', url: 'https://shop.example.com/spring' },
								buttons: [
									{ type: 'web_url', title: 'View', url: 'https://shop.example.com/spring', webview_height_ratio: 'compact' },
									{ type: 'postback', title: 'Show me more', payload: 'SPRING_MORE' },
									// Meta wants "+" and digits only; the node strips the formatting.
									{ type: 'phone_number', title: 'Call us', payload: '+15551234567' },
								],
							},
							{ title: 'Summer preview' },
						],
					},
				},
			},
		);
	});

	for (const route of INSTAGRAM_ROUTES) {
		it(`${route.label}: fields with URL and postback buttons`, async () => {
			await sendsExactly(
				route,
				{
					messageType: 'template',
					templateType: 'generic',
					elements: {
						element: [
							{
								title: 'Oat latte',
								subtitle: '¡Nuevo! 🥛',
								imageUrl: 'https://shop.example.com/oat.jpg',
								buttons: {
									button: [
										{ type: 'web_url', title: 'Order', url: 'https://shop.example.com/oat' },
										{ type: 'postback', title: 'Tell me more', payload: 'OAT_INFO' },
									],
								},
							},
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
									buttons: [
										// The editor's default for a URL button's webview height is "full".
										{ type: 'web_url', title: 'Order', url: 'https://shop.example.com/oat', webview_height_ratio: 'full' },
										{ type: 'postback', title: 'Tell me more', payload: 'OAT_INFO' },
									],
								},
							],
						},
					},
				},
			);
		});
	}

	const metaStyleElements = [
		{
			title: 'Welcome!',
			image_url: 'https://shop.example.com/hats.jpg',
			subtitle: 'We have the right hat for everyone.',
			default_action: { type: 'web_url', url: 'https://shop.example.com' },
			buttons: [
				{ type: 'web_url', url: 'https://shop.example.com', title: 'View Website', webview_height_ratio: 'tall' },
				{ type: 'postback', title: 'Start Chatting', payload: 'DEVELOPER_DEFINED_PAYLOAD' },
			],
		},
	];
	const metaStylePayload = {
		template_type: 'generic',
		image_aspect_ratio: 'horizontal',
		elements: [
			{
				title: 'Welcome!',
				subtitle: 'We have the right hat for everyone.',
				image_url: 'https://shop.example.com/hats.jpg',
				default_action: { type: 'web_url', url: 'https://shop.example.com' },
				buttons: [
					{ type: 'web_url', title: 'View Website', url: 'https://shop.example.com', webview_height_ratio: 'tall' },
					{ type: 'postback', title: 'Start Chatting', payload: 'DEVELOPER_DEFINED_PAYLOAD' },
				],
			},
		],
	};

	for (const route of [MESSENGER, INSTAGRAM_LOGIN]) {
		it(`${route.label}: JSON copied from Meta's docs (snake_case keys)`, async () => {
			await sendsExactly(
				route,
				{ messageType: 'template', templateType: 'generic', elementsInputMode: 'json', elementsJson: JSON.stringify(metaStyleElements, null, 2) },
				{ attachment: { type: 'template', payload: metaStylePayload } },
			);
		});
	}

	it('Instagram (Meta Graph API): JSON with the node\'s camelCase keys', async () => {
		const elements = [
			{
				title: 'Gift card',
				subtitle: 'For every coffee lover',
				imageUrl: 'https://shop.example.com/gift.jpg',
				defaultActionUrl: 'https://shop.example.com/gift',
				buttons: [
					{ type: 'web_url', title: 'Buy', url: 'https://shop.example.com/gift/buy', webviewHeightRatio: 'compact' },
					{ type: 'postback', title: 'Help me choose', payload: 'GIFT_HELP' },
				],
			},
			{ title: 'Beans', imageUrl: 'https://shop.example.com/beans.jpg' },
		];
		await sendsExactly(
			INSTAGRAM_PAGE,
			{ messageType: 'template', templateType: 'generic', elementsInputMode: 'json', elementsJson: JSON.stringify(elements), imageAspectRatio: 'square' },
			{
				attachment: {
					type: 'template',
					payload: {
						template_type: 'generic',
						image_aspect_ratio: 'square',
						elements: [
							{
								title: 'Gift card',
								subtitle: 'For every coffee lover',
								image_url: 'https://shop.example.com/gift.jpg',
								default_action: { type: 'web_url', url: 'https://shop.example.com/gift' },
								buttons: [
									{ type: 'web_url', title: 'Buy', url: 'https://shop.example.com/gift/buy', webview_height_ratio: 'compact' },
									{ type: 'postback', title: 'Help me choose', payload: 'GIFT_HELP' },
								],
							},
							{ title: 'Beans', image_url: 'https://shop.example.com/beans.jpg' },
						],
					},
				},
			},
		);
	});

	it('Messenger: elements mapped per item from input JSON by an expression', async () => {
		const items = [
			{ json: { cards: [{ title: 'Card for item 0', buttons: [{ type: 'postback', title: 'Pick', payload: 'P0' }] }] } },
			{ json: { cards: [{ title: 'Card for item 1', subtitle: 'second' }, { title: 'Another card' }] } },
		];
		const run = await sendOn(
			fake(),
			MESSENGER,
			{ messageType: 'template', templateType: 'generic', elementsInputMode: 'json', elementsJson: '={{ JSON.stringify($json.cards) }}' },
			{ items },
		);
		assertNoError(run);
		expect(fake().requests.length).toBe(2);
		const expected = [
			[{ title: 'Card for item 0', buttons: [{ type: 'postback', title: 'Pick', payload: 'P0' }] }],
			[{ title: 'Card for item 1', subtitle: 'second' }, { title: 'Another card' }],
		];
		expect(run.items.length).toBe(2);
		for (const [index, elements] of expected.entries()) {
			const call = fake().requests.find((r) => JSON.stringify(r.body).includes(`Card for item ${index}`));
			// no request for item ${index}
			expect(call).toBeTruthy();
			assertJsonCall(
				call!,
				MESSENGER,
				'messages',
				sendBody(MESSENGER, { attachment: { type: 'template', payload: { template_type: 'generic', image_aspect_ratio: 'horizontal', elements } } }),
			);
			assertSendItem(run.items[index], run, { platform: 'messenger', call: call!, itemIndex: index, recipientId: MESSENGER.user });
		}
	});
});

describe('Send: button template', () => {
	for (const route of [MESSENGER, INSTAGRAM_PAGE, INSTAGRAM_LOGIN_ID]) {
		it(`${route.label}: text with URL and postback buttons`, async () => {
			await sendsExactly(route, BUTTON_TEMPLATE.parameters, BUTTON_TEMPLATE.message);
		});
	}

	it('Messenger: a call button', async () => {
		await sendsExactly(
			MESSENGER,
			{
				messageType: 'template',
				templateType: 'button',
				buttonTemplateText: 'Questions about your order?',
				templateButtons: { button: [{ type: 'phone_number', title: 'Call support', payload: '+4930123456' }] },
			},
			{
				attachment: {
					type: 'template',
					payload: {
						template_type: 'button',
						text: 'Questions about your order?',
						buttons: [{ type: 'phone_number', title: 'Call support', payload: '+4930123456' }],
					},
				},
			},
		);
	});
});

describe('Send: media template (Messenger)', () => {
	it('a video by Facebook URL with a button', async () => {
		const url = 'https://www.facebook.com/acmecoffee/videos/1234567890123/';
		await sendsExactly(
			MESSENGER,
			{
				messageType: 'template',
				templateType: 'media',
				templateMediaType: 'video',
				templateMedia: url,
				mediaTemplateButtons: { button: [{ type: 'web_url', title: 'Shop the look', url: 'https://shop.example.com/look', webviewHeightRatio: 'full' }] },
			},
			{
				attachment: {
					type: 'template',
					payload: {
						template_type: 'media',
						elements: [
							{
								media_type: 'video',
								url,
								buttons: [{ type: 'web_url', title: 'Shop the look', url: 'https://shop.example.com/look', webview_height_ratio: 'full' }],
							},
						],
					},
				},
			},
		);
	});

	it('an image by attachment ID, without buttons', async () => {
		const attachmentId = seedAttachment(fake(), MESSENGER, 'image');
		await sendsExactly(
			MESSENGER,
			{ messageType: 'template', templateType: 'media', templateMediaType: 'image', templateMedia: attachmentId },
			{ attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: attachmentId }] } } },
		);
	});
});

const receiptBase: INodeParameters = {
	messageType: 'template',
	templateType: 'receipt',
	receiptRecipientName: 'Alice Müller',
	receiptOrderNumber: 'ORD-1042',
	receiptCurrency: 'eur',
	receiptPaymentMethod: 'Visa 2345',
	receiptTotalCost: 56.14,
};

describe('Send: receipt template (Messenger)', () => {
	it('fields: items, address, summary, adjustments and an ISO timestamp in epoch seconds', async () => {
		await sendsExactly(
			MESSENGER,
			{
				...receiptBase,
				receiptItemsInputMode: 'fields',
				receiptItems: {
					item: [
						{ title: 'Classic T-Shirt', subtitle: '100% cotton', quantity: 2, price: 25, currency: 'EUR', imageUrl: 'https://shop.example.com/shirt.jpg' },
						{ title: 'Mug', price: 12.5 },
					],
				},
				receiptDetails: {
					street1: 'Hauptstraße 1',
					street2: '2. OG',
					city: 'Wien',
					postalCode: '1010',
					state: 'Wien',
					country: 'AT',
					orderUrl: 'https://shop.example.com/orders/1042',
					subtotal: 75,
					shippingCost: 4.95,
					totalTax: 6.15,
					timestamp: '2024-05-01T09:00:00Z',
				},
				receiptAdjustments: { adjustment: [{ name: 'New customer discount', amount: 20 }, { name: '€10 off coupon', amount: 10 }] },
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
						timestamp: '1714554000',
						address: { street_1: 'Hauptstraße 1', street_2: '2. OG', city: 'Wien', postal_code: '1010', state: 'Wien', country: 'AT' },
						summary: { subtotal: 75, shipping_cost: 4.95, total_tax: 6.15, total_cost: 56.14 },
						adjustments: [
							{ name: 'New customer discount', amount: 20 },
							{ name: '€10 off coupon', amount: 10 },
						],
						elements: [
							{ title: 'Classic T-Shirt', subtitle: '100% cotton', quantity: 2, price: 25, currency: 'EUR', image_url: 'https://shop.example.com/shirt.jpg' },
							// The editor's default quantity is 1.
							{ title: 'Mug', quantity: 1, price: 12.5 },
						],
					},
				},
			},
		);
	});

	it('JSON items (snake_case and camelCase), timestamp with an offset, no address', async () => {
		const items = [
			{ title: 'Espresso beans 1 kg', subtitle: 'Dark roast', quantity: 1, price: 31.9, currency: 'EUR', image_url: 'https://shop.example.com/beans.jpg' },
			{ title: 'Filter papers', quantity: 3, price: 2.5, imageUrl: 'https://shop.example.com/filters.jpg' },
		];
		await sendsExactly(
			MESSENGER,
			{
				...receiptBase,
				receiptTotalCost: 39.4,
				receiptItemsInputMode: 'json',
				receiptItemsJson: JSON.stringify(items),
				receiptDetails: { timestamp: '2024-05-01T11:00:00+02:00' },
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
						timestamp: '1714554000',
						summary: { total_cost: 39.4 },
						elements: [
							{ title: 'Espresso beans 1 kg', subtitle: 'Dark roast', quantity: 1, price: 31.9, currency: 'EUR', image_url: 'https://shop.example.com/beans.jpg' },
							{ title: 'Filter papers', quantity: 3, price: 2.5, image_url: 'https://shop.example.com/filters.jpg' },
						],
					},
				},
			},
		);
	});

	it('epoch seconds and epoch milliseconds are sent as epoch seconds', async () => {
		for (const timestamp of ['1714554000', '1714554000123']) {
			fake().clearRequests();
			await sendsExactly(
				MESSENGER,
				{ ...receiptBase, receiptItemsInputMode: 'json', receiptItemsJson: '[]', receiptDetails: { timestamp } },
				{
					attachment: {
						type: 'template',
						payload: {
							template_type: 'receipt',
							recipient_name: 'Alice Müller',
							order_number: 'ORD-1042',
							currency: 'EUR',
							payment_method: 'Visa 2345',
							timestamp: '1714554000',
							summary: { total_cost: 56.14 },
						},
					},
				},
			);
		}
	});

	it('a date picked without an offset is read in the workflow\'s time zone', async () => {
		for (const [timezone, expected] of [
			['Europe/Berlin', '1714546800'], // 09:00 CEST = 07:00 UTC
			['America/New_York', '1714568400'], // 09:00 EDT = 13:00 UTC
		] as const) {
			fake().clearRequests();
			const trigger = 'Manual';
			const result = await runWorkflow(
				{
					settings: { executionOrder: 'v1', timezone },
					nodes: [
						{ id: 'trigger', name: trigger, type: MANUAL_TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
						{
							id: 'send',
							name: 'Send receipt',
							type: 'socialMessaging',
							typeVersion: 1,
							position: [200, 0],
							parameters: {
								platform: 'messenger',
								resource: 'message',
								operation: 'send',
								recipientType: 'user',
								recipientId: byId(MESSENGER.user),
								...receiptBase,
								receiptItemsInputMode: 'json',
								receiptItemsJson: '[]',
								receiptDetails: { timestamp: '2024-05-01T09:00:00' },
							},
							credentials: { socialMessagingApi: { id: 'cred', name: 'Meta' } },
						},
					],
					connections: { [trigger]: { main: [[{ node: 'Send receipt', type: 'main', index: 0 }]] } },
				},
				{ credentials: { cred: { type: 'socialMessagingApi', data: MESSENGER.credentials(fake()) } } },
			);
			expect(result.errorOf('Send receipt')).toBeUndefined();
			expect(fake().requests.length).toBe(1);
			const [call] = fake().requests;
			const payload = ((call.body as IDataObject).message as IDataObject).attachment as IDataObject;
			// timezone
			expect((payload.payload as IDataObject).timestamp).toBe(expected);
			const [item] = result.outputOf('Send receipt');
			expect(item.json.messageId).toBe(responseOf(call).message_id);
			expect(item.pairedItem).toStrictEqual({ item: 0 });
		}
	});
});

describe('Send: product template', () => {
	it('Messenger: comma-separated product IDs, trimmed', async () => {
		await sendsExactly(
			MESSENGER,
			{ messageType: 'template', templateType: 'product', productIds: '4340000000000000, 4340000000000001 ,4340000000000002,' },
			{
				attachment: {
					type: 'template',
					payload: { template_type: 'product', elements: [{ id: '4340000000000000' }, { id: '4340000000000001' }, { id: '4340000000000002' }] },
				},
			},
		);
	});
});

describe('Send: options', () => {
	for (const messagingType of ['UPDATE', 'UTILITY', 'RESPONSE']) {
		it(`Messenger: Messaging Type ${messagingType}`, async () => {
			await sendsExactly(MESSENGER, { messageType: 'text', text: `type ${messagingType}`, options: { messagingType } }, { text: `type ${messagingType}` }, {
				extra: { messaging_type: messagingType },
			});
		});
	}

	for (const tag of ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'CUSTOMER_FEEDBACK', 'HUMAN_AGENT']) {
		it(`Messenger: Message Tag ${tag}`, async () => {
			await sendsExactly(MESSENGER, { messageType: 'text', text: `tag ${tag}`, options: { messagingType: 'MESSAGE_TAG', tag } }, { text: `tag ${tag}` }, {
				extra: { messaging_type: 'MESSAGE_TAG', tag },
			});
		});
	}

	it('Messenger: Messaging Type "Message Tag" without a tag uses HUMAN_AGENT', async () => {
		await sendsExactly(MESSENGER, { messageType: 'text', text: 'agent here', options: { messagingType: 'MESSAGE_TAG' } }, { text: 'agent here' }, {
			extra: { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
		});
	});

	it('Messenger: adding a Message Tag alone implies Messaging Type "Message Tag"', async () => {
		await sendsExactly(MESSENGER, { messageType: 'text', text: 'your order shipped', options: { tag: 'POST_PURCHASE_UPDATE' } }, { text: 'your order shipped' }, {
			extra: { messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' },
		});
	});

	for (const route of INSTAGRAM_ROUTES) {
		it(`${route.label}: HUMAN_AGENT tag`, async () => {
			await sendsExactly(route, { messageType: 'text', text: 'Hola, soy Marta 🙋‍♀️', options: { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } }, { text: 'Hola, soy Marta 🙋‍♀️' }, {
				extra: { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
			});
		});
	}

	for (const notificationType of ['SILENT_PUSH', 'NO_PUSH']) {
		it(`Messenger: Notification Type ${notificationType}`, async () => {
			await sendsExactly(MESSENGER, { messageType: 'text', text: 'quiet', options: { notificationType } }, { text: 'quiet' }, {
				extra: { notification_type: notificationType },
			});
		});
	}

	it('Messenger: Notification Type REGULAR is Meta\'s default and not sent', async () => {
		await sendsExactly(MESSENGER, { messageType: 'text', text: 'loud', options: { notificationType: 'REGULAR' } }, { text: 'loud' });
	});

	for (const route of ROUTES) {
		it(`${route.label}: Reply To Message ID and Metadata`, async () => {
			const mid = messageIdIn(fake(), route);
			const metadata = 'campaign=spring;lang=de;ü';
			await sendsExactly(route, { messageType: 'text', text: 'Quoting you', options: { replyToMessageId: ` ${mid} `, metadata } }, { text: 'Quoting you', metadata }, {
				extra: { reply_to: { mid } },
			});
		});
	}

	it('Messenger: Persona ID', async () => {
		const personaId = fake().state.newPersonaId();
		fake().state.personas.set(personaId, { id: personaId, pageId: PAGE_ID, name: 'Marta', profilePictureUrl: 'https://cdn.example.com/marta.png', createdTime: Date.now() });
		await sendsExactly(MESSENGER, { messageType: 'text', text: 'Marta here', options: { personaId } }, { text: 'Marta here' }, { extra: { persona_id: personaId } });
	});

	it('Messenger: every option at once', async () => {
		const mid = messageIdIn(fake(), MESSENGER, 1);
		const personaId = fake().state.newPersonaId();
		fake().state.personas.set(personaId, { id: personaId, pageId: PAGE_ID, name: 'Jon', profilePictureUrl: 'https://cdn.example.com/jon.png', createdTime: Date.now() });
		await sendsExactly(
			MESSENGER,
			{
				messageType: 'text',
				text: 'All options',
				options: {
					messagingType: 'MESSAGE_TAG',
					tag: 'ACCOUNT_UPDATE',
					notificationType: 'NO_PUSH',
					replyToMessageId: mid,
					metadata: 'run-42',
					personaId,
				},
			},
			{ text: 'All options', metadata: 'run-42' },
			{ extra: { messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE', notification_type: 'NO_PUSH', persona_id: personaId, reply_to: { mid } } },
		);
	});

	for (const route of ROUTES) {
		it(`${route.label}: Include Raw Platform Data adds Meta's answer under raw`, async () => {
			const run = await sendOn(fake(), route, { messageType: 'text', text: 'raw please', options: { includeRaw: true } });
			assertNoError(run);
			expect(fake().requests.length).toBe(1);
			const [call] = fake().requests;
			assertJsonCall(call, route, 'messages', sendBody(route, { text: 'raw please' }));
			assertSendItem(run.items[0], run, { platform: route.platform, call, itemIndex: 0, recipientId: route.user, extra: { raw: responseOf(call) } });
			expect(responseOf(call)).toStrictEqual({ recipient_id: route.user, message_id: run.items[0].json.messageId });
		});
	}
});

describe('Send: recipient types', () => {
	it('Messenger: comment author (private reply) by comment ID', async () => {
		const run = await sendOn(fake(), MESSENGER, { recipientType: 'comment', recipientHandle: ' 104812345678901_987654321 ', messageType: 'text', text: 'Thanks for your comment!' });
		assertNoError(run);
		expect(fake().requests.length).toBe(1);
		const [call] = fake().requests;
		assertJsonCall(call, MESSENGER, 'messages', sendBody(MESSENGER, { text: 'Thanks for your comment!' }, {}, { comment_id: '104812345678901_987654321' }));
		// Meta answers the commenter's id; the node reports it.
		assertSendItem(run.items[0], run, { platform: 'messenger', call, itemIndex: 0, recipientId: responseOf(call).recipient_id as string });
	});

	it('Messenger: post author (private reply) by post ID', async () => {
		const run = await sendOn(fake(), MESSENGER, { recipientType: 'post', recipientHandle: '104812345678901_112233445566', messageType: 'text', text: 'About your post' });
		assertNoError(run);
		const [call] = fake().requests;
		expect(fake().requests.length).toBe(1);
		assertJsonCall(call, MESSENGER, 'messages', sendBody(MESSENGER, { text: 'About your post' }, {}, { post_id: '104812345678901_112233445566' }));
		assertSendItem(run.items[0], run, { platform: 'messenger', call, itemIndex: 0, recipientId: responseOf(call).recipient_id as string });
	});

	it('Messenger: user ref (checkbox plugin): Meta answers no recipient_id, so the output has none', async () => {
		const run = await sendOn(fake(), MESSENGER, { recipientType: 'userRef', recipientHandle: 'ref-checkbox-7f3a', messageType: 'text', text: 'Thanks for opting in' });
		assertNoError(run);
		const [call] = fake().requests;
		expect(fake().requests.length).toBe(1);
		assertJsonCall(call, MESSENGER, 'messages', sendBody(MESSENGER, { text: 'Thanks for opting in' }, {}, { user_ref: 'ref-checkbox-7f3a' }));
		expect(responseOf(call).recipient_id).toBeUndefined();
		assertSendItem(run.items[0], run, { platform: 'messenger', call, itemIndex: 0 });
		expect('recipientId' in run.items[0].json).toBe(false);
	});

	it('Messenger: notification messages token', async () => {
		await sendsExactly(
			MESSENGER,
			{ recipientType: 'notificationToken', recipientHandle: NOTIFICATION_TOKEN, messageType: 'text', text: 'Back in stock!', options: { messagingType: 'UTILITY' } },
			{ text: 'Back in stock!' },
			{ recipient: { notification_messages_token: NOTIFICATION_TOKEN }, extra: { messaging_type: 'UTILITY' }, recipientId: USERS.alice.id },
		);
	});

	for (const route of INSTAGRAM_ROUTES) {
		it(`${route.label}: comment author by comment ID`, async () => {
			const run = await sendOn(fake(), route, { recipientType: 'comment', recipientHandle: '17858893269000001', messageType: 'text', text: '¡Gracias por tu comentario!' });
			assertNoError(run);
			expect(fake().requests.length).toBe(1);
			const [call] = fake().requests;
			assertJsonCall(call, route, 'messages', sendBody(route, { text: '¡Gracias por tu comentario!' }, {}, { comment_id: '17858893269000001' }));
			assertSendItem(run.items[0], run, { platform: 'instagram', call, itemIndex: 0, recipientId: responseOf(call).recipient_id as string });
		});
	}
});

describe('Send: several input items', () => {
	it('Messenger: per-item expressions give one request per item; output order and pairing follow the input', async () => {
		const people = [USERS.alice, USERS.bob, USERS.chloe, USERS.alice];
		const items = people.map((person, index) => ({ json: { id: person.id, name: person.firstName, n: index } }));
		const run = await sendOn(
			fake(),
			MESSENGER,
			{ recipientId: byId('={{ $json.id }}'), messageType: 'text', text: '={{ "Hallo " + $json.name + " 👋 #" + $json.n }}', options: { metadata: '={{ "item-" + $json.n }}' } },
			{ items },
		);
		assertNoError(run);
		expect(fake().requests.length).toBe(4);
		expect(run.items.length).toBe(4);
		for (const [index, person] of people.entries()) {
			const text = `Hallo ${person.firstName} 👋 #${index}`;
			const matching = fake().requests.filter((r) => ((r.body as IDataObject).message as IDataObject).text === text);
			// item ${index} was sent ${matching.length} times
			expect(matching.length).toBe(1);
			assertJsonCall(matching[0], MESSENGER, 'messages', {
				recipient: { id: person.id },
				messaging_type: 'RESPONSE',
				message: { text, metadata: `item-${index}` },
			});
			assertSendItem(run.items[index], run, { platform: 'messenger', call: matching[0], itemIndex: index, recipientId: person.id });
		}
	});

	describe('with latency', () => {
		beforeEach(() => fake().setLatency(150));
		afterEach(() => fake().setLatency(0));

		it('Instagram (Instagram Login): four messages to one person go out in input order, even when the first uploads its media first', async () => {
			// Item 0 saves its media for reuse (upload, then send: two round trips); the others send at once.
			const items = [0, 1, 2, 3].map((n) => ({ json: { n, reuse: n === 0 } }));
			const run = await sendOn(
				fake(),
				INSTAGRAM_LOGIN,
				{
					messageType: 'media',
					mediaType: 'image',
					mediaSource: 'url',
					mediaUrl: '={{ "https://cdn.example.com/pic-" + $json.n + ".jpg" }}',
					options: { reusable: '={{ $json.reuse }}' },
				},
				{ items },
			);
			assertNoError(run);
			const requests = fake().requests;
			expect(requests.length).toBe(5);
			const [upload] = requests.filter((r) => r.path === '/me/message_attachments');
			assertJsonCall(upload, INSTAGRAM_LOGIN, 'message_attachments', urlUploadBody(INSTAGRAM_LOGIN, 'image', 'https://cdn.example.com/pic-0.jpg'));
			const attachmentId = responseOf(upload).attachment_id as string;
			const sends = requests.filter((r) => r.path === '/me/messages');
			const sendFor = (n: number) => {
				const found = sends.find((r) => {
					const payload = (((r.body as IDataObject).message as IDataObject).attachment as IDataObject).payload as IDataObject;
					return n === 0 ? payload.attachment_id === attachmentId : payload.url === `https://cdn.example.com/pic-${n}.jpg`;
				});
				// no send for item ${n}
				expect(found).toBeTruthy();
				return found!;
			};
			// One person's messages arrive in input order: item 0 (upload, then send) before items 1, 2 and 3.
			expect(upload.at).toBeLessThanOrEqual(sendFor(0).at);
			for (const n of [1, 2, 3]) expect(sendFor(n - 1).at).toBeLessThan(sendFor(n).at); // item ${n} went out before item ${n - 1}
			// ...but the output keeps the input order and pairing.
			expect(run.items.length).toBe(4);
			assertJsonCall(sendFor(0), INSTAGRAM_LOGIN, 'messages', sendBody(INSTAGRAM_LOGIN, { attachment: { type: 'image', payload: { attachment_id: attachmentId } } }));
			assertSendItem(run.items[0], run, { platform: 'instagram', call: sendFor(0), itemIndex: 0, recipientId: INSTAGRAM_LOGIN.user, extra: { attachmentId } });
			for (const n of [1, 2, 3]) {
				const url = `https://cdn.example.com/pic-${n}.jpg`;
				assertJsonCall(sendFor(n), INSTAGRAM_LOGIN, 'messages', sendBody(INSTAGRAM_LOGIN, { attachment: { type: 'image', payload: { url } } }));
				assertSendItem(run.items[n], run, { platform: 'instagram', call: sendFor(n), itemIndex: n, recipientId: INSTAGRAM_LOGIN.user });
			}
		});
	});

	it('Messenger: per-item binary files are each uploaded with their own bytes', async () => {
		const files = [Buffer.from('first file ✓'), Buffer.from('second file, longer ✓✓'), TINY_PNG];
		const items = files.map((bytes, index) => binaryItem(bytes, index === 2 ? 'image/png' : 'text/plain', `f${index}.${index === 2 ? 'png' : 'txt'}`, 'data', { n: index }));
		const run = await sendOn(fake(), MESSENGER, { messageType: 'media', mediaType: '={{ $json.n === 2 ? "image" : "file" }}', mediaSource: 'binary', binaryPropertyName: 'data' }, { items });
		assertNoError(run);
		expect(fake().requests.length).toBe(6);
		const uploads = fake().requests.filter((r) => r.path.endsWith('/message_attachments'));
		const sends = fake().requests.filter((r) => r.path.endsWith('/messages'));
		expect(uploads.length).toBe(3);
		for (const [index, bytes] of files.entries()) {
			const upload = uploads.find((r) => (r.body as Array<{ name: string; filename?: string }>).some((p) => p.filename === `f${index}.${index === 2 ? 'png' : 'txt'}`));
			// no upload for item ${index}
			expect(upload).toBeTruthy();
			const type = index === 2 ? 'image' : 'file';
			assertMultipartUpload(upload!, MESSENGER, { type, bytes, fileName: `f${index}.${index === 2 ? 'png' : 'txt'}`, mimeType: index === 2 ? 'image/png' : 'text/plain' });
			const attachmentId = responseOf(upload!).attachment_id as string;
			const send = sends.find((r) => JSON.stringify(r.body).includes(attachmentId));
			// no send for item ${index}
			expect(send).toBeTruthy();
			assertJsonCall(send!, MESSENGER, 'messages', sendBody(MESSENGER, { attachment: { type, payload: { attachment_id: attachmentId } } }));
			assertSendItem(run.items[index], run, { platform: 'messenger', call: send!, itemIndex: index, recipientId: MESSENGER.user });
		}
	});
});
