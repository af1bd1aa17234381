/**
 * README "Limits checked before anything is sent": every rule on the platform it applies to, on both
 * sides of its boundary. A broken rule fails its own item with a NodeOperationError that names the
 * limit and says what to do, carries the item's index, and sends nothing for that item; with On Error:
 * Continue the other items still go out and the failed one becomes `{ error, errorDescription }`.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { isDeepStrictEqual } from 'node:util';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { RunNodeItem } from '../harness';
import { NOTIFICATION_TOKEN, TINY_PNG, USERS } from '../fakes/graph';
import {
	INSTAGRAM_LOGIN,
	INSTAGRAM_LOGIN_ID,
	INSTAGRAM_PAGE,
	INSTAGRAM_ROUTES,
	MESSENGER,
	assertErrorItem,
	assertItemError,
	assertJsonCall,
	assertMultipartUpload,
	assertNoError,
	assertSendItem,
	binaryItem,
	responseOf,
	sendBody,
	sendOn,
	sendsExactly,
	type ExpectedFile,
	type Route,
} from './message.helpers';
import { byId, useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => fake().clearRequests());

const MB = 1024 * 1024;

/** The message is refused on item 0: no output, no request at all. */
async function refuses(route: Route, parameters: INodeParameters, message: RegExp, items?: RunNodeItem[]): Promise<void> {
	const run = await sendOn(fake(), route, parameters, items ? { items } : {});
	assertItemError(run.error, 0, message);
	expect(run.items).toStrictEqual([]);
	// a request reached the platform for a message that breaks a limit
	expect(fake().requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([]);
}

/** The boundary's good side: goes out as exactly this one Send API call. */
async function accepts(route: Route, parameters: INodeParameters, message: IDataObject, extra?: IDataObject): Promise<void> {
	await sendsExactly(fake(), route, parameters, message, { extra });
}

const text = (value: string): INodeParameters => ({ messageType: 'text', text: value });

const quickReplies = (count: number, make: (i: number) => INodeParameters = (i) => ({ contentType: 'text', title: `Option ${i + 1}`, payload: `OPT_${i + 1}` })) => ({
	quickReply: Array.from({ length: count }, (_, i) => make(i)),
});
const quickRepliesBody = (count: number) =>
	Array.from({ length: count }, (_, i) => ({ content_type: 'text', title: `Option ${i + 1}`, payload: `OPT_${i + 1}` }));

const genericJson = (elements: IDataObject[]): INodeParameters => ({
	messageType: 'template',
	templateType: 'generic',
	elementsInputMode: 'json',
	elementsJson: JSON.stringify(elements),
});
const genericBody = (elements: IDataObject[]) => ({
	attachment: { type: 'template', payload: { template_type: 'generic', image_aspect_ratio: 'horizontal', elements } },
});
const cards = (count: number) => Array.from({ length: count }, (_, i) => ({ title: `Card ${i + 1}` }));
const postbacks = (count: number) => Array.from({ length: count }, (_, i) => ({ type: 'postback', title: `B${i + 1}`, payload: `P${i + 1}` }));

const buttonTemplate = (textValue: string, buttons: INodeParameters[]): INodeParameters => ({
	messageType: 'template',
	templateType: 'button',
	buttonTemplateText: textValue,
	templateButtons: { button: buttons },
});
const buttonTemplateBody = (textValue: string, buttons: IDataObject[]) => ({
	attachment: { type: 'template', payload: { template_type: 'button', text: textValue, buttons } },
});

const productIds = (count: number) => Array.from({ length: count }, (_, i) => String(4340000000000000 + i));

const receipt: INodeParameters = {
	messageType: 'template',
	templateType: 'receipt',
	receiptRecipientName: 'Alice Müller',
	receiptOrderNumber: 'ORD-7',
	receiptCurrency: 'EUR',
	receiptPaymentMethod: 'Visa 2345',
	receiptTotalCost: 10,
	receiptItemsInputMode: 'json',
	receiptItemsJson: '[]',
};
const receiptBody = (elements?: IDataObject[]) => ({
	attachment: {
		type: 'template',
		payload: {
			template_type: 'receipt',
			recipient_name: 'Alice Müller',
			order_number: 'ORD-7',
			currency: 'EUR',
			payment_method: 'Visa 2345',
			summary: { total_cost: 10 },
			...(elements ? { elements } : {}),
		},
	},
});

describe('Text', () => {
	it('Messenger: 1999 characters go out, 2000 are refused', async () => {
		await accepts(MESSENGER, text('x'.repeat(1999)), { text: 'x'.repeat(1999) });
		fake().clearRequests();
		await refuses(MESSENGER, text('x'.repeat(2000)), /Text is too long for Messenger: 2000 characters, it must be fewer than 2000/);
	});

	it('Messenger counts characters, not bytes: 1999 emoji go out, 2000 are refused', async () => {
		await accepts(MESSENGER, text('😀'.repeat(1999)), { text: '😀'.repeat(1999) });
		fake().clearRequests();
		await refuses(MESSENGER, text('😀'.repeat(2000)), /2000 characters, it must be fewer than 2000/);
	});

	it('Instagram (Meta Graph API): 1000 bytes of two-byte letters go out, 1001 bytes are refused', async () => {
		await accepts(INSTAGRAM_PAGE, text('é'.repeat(500)), { text: 'é'.repeat(500) });
		fake().clearRequests();
		await refuses(INSTAGRAM_PAGE, text(`${'é'.repeat(500)}a`), /Text is too long for Instagram: 1001 bytes, the limit is 1000 bytes/);
	});

	it('Instagram (Instagram Login): 250 emoji (1000 bytes) go out, 1001 bytes are refused', async () => {
		await accepts(INSTAGRAM_LOGIN, text('😀'.repeat(250)), { text: '😀'.repeat(250) });
		fake().clearRequests();
		await refuses(INSTAGRAM_LOGIN, text(`${'😀'.repeat(250)}!`), /1001 bytes, the limit is 1000 bytes/);
	});

	it('Instagram (Instagram Login, account ID): 1000 ASCII characters go out, 1001 are refused', async () => {
		await accepts(INSTAGRAM_LOGIN_ID, text('a'.repeat(1000)), { text: 'a'.repeat(1000) });
		fake().clearRequests();
		await refuses(INSTAGRAM_LOGIN_ID, text('a'.repeat(1001)), /1001 bytes/);
	});

	it('an empty text is refused', async () => {
		await refuses(MESSENGER, text('={{ "" }}'), /The message is empty/);
	});
});

describe('Quick replies', () => {
	for (const route of [MESSENGER, INSTAGRAM_LOGIN]) {
		it(`${route.label}: 13 go out as they are; 14 are paged (12 and a next page reply, see next-page.test.ts)`, async () => {
			await accepts(route, { ...text('Pick one'), quickReplies: quickReplies(13) }, { text: 'Pick one', quick_replies: quickRepliesBody(13) });
			fake().clearRequests();
			const run = await sendOn(fake(), route, { ...text('Pick one'), quickReplies: quickReplies(14) });
			assertNoError(run);
			const replies = ((fake().requests[0].body as IDataObject).message as IDataObject).quick_replies as IDataObject[];
			expect(replies.slice(0, 12)).toStrictEqual(quickRepliesBody(12));
			expect(String(replies[12].payload)).toMatch(/^SM_NEXT_PAGE:/);
		});
	}

	it('Instagram (Meta Graph API): a 20-character title goes out, 21 characters are refused', async () => {
		const ok = `${'T'.repeat(19)}✓`;
		await accepts(
			INSTAGRAM_PAGE,
			{ ...text('Pick'), quickReplies: { quickReply: [{ contentType: 'text', title: ok, payload: 'OK' }] } },
			{ text: 'Pick', quick_replies: [{ content_type: 'text', title: ok, payload: 'OK' }] },
		);
		fake().clearRequests();
		await refuses(
			INSTAGRAM_PAGE,
			{ ...text('Pick'), quickReplies: { quickReply: [{ contentType: 'text', title: `${ok}!`, payload: 'OK' }] } },
			/Quick reply 1: title ".*" is 21 characters long; the limit is 20/,
		);
	});

	it('Messenger: a 1000-character payload goes out, 1001 characters are refused', async () => {
		await accepts(
			MESSENGER,
			{ ...text('Pick'), quickReplies: { quickReply: [{ contentType: 'text', title: 'Yes', payload: 'p'.repeat(1000) }] } },
			{ text: 'Pick', quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'p'.repeat(1000) }] },
		);
		fake().clearRequests();
		await refuses(
			MESSENGER,
			{ ...text('Pick'), quickReplies: { quickReply: [{ contentType: 'text', title: 'Yes', payload: 'p'.repeat(1001) }] } },
			/Quick reply 1: payload is longer than 1000 characters/,
		);
	});

	it('a text quick reply without title or payload is refused', async () => {
		await refuses(MESSENGER, { ...text('Pick'), quickReplies: { quickReply: [{ contentType: 'text', title: '', payload: 'X' }] } }, /Quick reply 1 has no title/);
		await refuses(MESSENGER, { ...text('Pick'), quickReplies: { quickReply: [{ contentType: 'text', title: 'X', payload: '' }] } }, /Quick reply 1 has no payload/);
	});

	for (const route of INSTAGRAM_ROUTES) {
		for (const contentType of ['user_email', 'user_phone_number']) {
			it(`${route.label}: ${contentType} quick replies are refused (text only)`, async () => {
				await refuses(
					route,
					{ ...text('Your email?'), quickReplies: { quickReply: [{ contentType: 'text', title: 'Skip', payload: 'SKIP' }, { contentType }] } },
					/Quick reply 2: Instagram only supports text quick replies/,
				);
			});
		}
	}
});

describe('Generic template', () => {
	it('Messenger, fields: 10 elements go out, 11 and 0 are refused', async () => {
		const fields = (count: number): INodeParameters => ({
			messageType: 'template',
			templateType: 'generic',
			elements: { element: cards(count) },
		});
		await accepts(MESSENGER, fields(10), genericBody(cards(10)));
		fake().clearRequests();
		// The field allows 10 entries: n8n refuses to run the workflow before the node sees it.
		await expect(sendOn(fake(), MESSENGER, fields(11))).rejects.toThrow(/"elements":\["At most 10 fields are allowed\."\]/);
		expect(fake().requests.length).toBe(0);
		await refuses(MESSENGER, fields(0), /A generic template needs 1 to 10 elements; this one has 0/);
	});

	it('Instagram (Instagram Login), JSON: 10 elements go out, 0 are refused (past 10 they are paged: next-page.test.ts)', async () => {
		await accepts(INSTAGRAM_LOGIN, genericJson(cards(10)), genericBody(cards(10)));
		fake().clearRequests();
		await refuses(INSTAGRAM_LOGIN, genericJson([]), /1 to 10 elements; this one has 0/);
	});

	for (const route of [MESSENGER, INSTAGRAM_PAGE]) {
		it(`${route.label}: title and subtitle of 80 characters go out, 81 are refused`, async () => {
			const eighty = `${'t'.repeat(79)}ü`;
			await accepts(route, genericJson([{ title: eighty, subtitle: eighty }]), genericBody([{ title: eighty, subtitle: eighty }]));
			fake().clearRequests();
			await refuses(route, genericJson([{ title: `${eighty}!` }]), /Element 1 title is 81 characters long; the limit is 80/);
			await refuses(route, genericJson([{ title: 'ok' }, { title: 'ok', subtitle: `${eighty}!` }]), /Element 2 subtitle is 81 characters long; the limit is 80/);
		});
	}

	it('Messenger: 3 buttons per element go out, 4 are refused (JSON and fields)', async () => {
		await accepts(MESSENGER, genericJson([{ title: 'A', buttons: postbacks(3) }]), genericBody([{ title: 'A', buttons: postbacks(3) }]));
		fake().clearRequests();
		await refuses(MESSENGER, genericJson([{ title: 'A', buttons: postbacks(4) }]), /Element 1 has 4 buttons; it needs at most 3/);
		// n8n checks "at most 3" only on top-level fields; the nested buttons reach the node, which refuses them.
		await refuses(
			MESSENGER,
			{ messageType: 'template', templateType: 'generic', elements: { element: [{ title: 'A', buttons: { button: postbacks(4) } }] } },
			/Element 1 has 4 buttons; it needs at most 3/,
		);
	});

	it('an element without a title is refused', async () => {
		await refuses(INSTAGRAM_PAGE, genericJson([{ subtitle: 'no title' }]), /Element 1 has no title/);
	});

	it('Elements (JSON) that is not valid JSON, or not an array, is refused', async () => {
		await refuses(MESSENGER, { ...genericJson([]), elementsJson: '[{"title": "Spring",]' }, /Elements \(JSON\) is not valid JSON/);
		await refuses(MESSENGER, { ...genericJson([]), elementsJson: '{"title": "Spring"}' }, /Elements \(JSON\) must be a JSON array/);
	});

	it('an unknown button type in JSON is refused', async () => {
		await refuses(MESSENGER, genericJson([{ title: 'A', buttons: [{ type: 'call', title: 'Call', payload: '+15551234567' }] }]), /Unknown button type "call"/);
	});
});

describe('Button template', () => {
	for (const route of [MESSENGER, INSTAGRAM_LOGIN]) {
		it(`${route.label}: 640 characters of text go out, 641 are refused`, async () => {
			const t640 = `${'w'.repeat(639)}ß`;
			await accepts(route, buttonTemplate(t640, postbacks(1)), buttonTemplateBody(t640, postbacks(1)));
			fake().clearRequests();
			await refuses(route, buttonTemplate(`${t640}!`, postbacks(1)), /Button template text is 641 characters long; the limit is 640/);
		});

		it(`${route.label}: 1 to 3 buttons; 0 and 4 are refused`, async () => {
			await accepts(route, buttonTemplate('Choose', postbacks(3)), buttonTemplateBody('Choose', postbacks(3)));
			fake().clearRequests();
			await refuses(route, buttonTemplate('Choose', []), /The button template has 0 buttons; it needs 1 to 3/);
			await refuses(route, { ...buttonTemplate('Choose', []), templateButtons: {} }, /The button template has 0 buttons; it needs 1 to 3/);
			// Four buttons: the field allows 3, so n8n refuses to run the workflow at all.
			await expect(sendOn(fake(), route, buttonTemplate('Choose', postbacks(4)))).rejects.toThrow(/"templateButtons":\["At most 3 fields are allowed\."\]/);
			expect(fake().requests.length).toBe(0);
		});
	}
});

describe('Buttons', () => {
	for (const route of [MESSENGER, INSTAGRAM_PAGE]) {
		it(`${route.label}: a 20-character title goes out, 21 characters are refused`, async () => {
			const title = `${'b'.repeat(19)}ö`;
			await accepts(route, buttonTemplate('Go', [{ type: 'postback', title, payload: 'GO' }]), buttonTemplateBody('Go', [{ type: 'postback', title, payload: 'GO' }]));
			fake().clearRequests();
			await refuses(route, buttonTemplate('Go', [{ type: 'postback', title: `${title}!`, payload: 'GO' }]), /button 1: title ".*" is longer than 20 characters/);
		});

		it(`${route.label}: URL buttons need http(s)`, async () => {
			const button = { type: 'web_url', title: 'Open', url: 'http://shop.example.com/a', webviewHeightRatio: 'full' };
			await accepts(route, buttonTemplate('Go', [button]), buttonTemplateBody('Go', [{ type: 'web_url', title: 'Open', url: 'http://shop.example.com/a', webview_height_ratio: 'full' }]));
			fake().clearRequests();
			await refuses(route, buttonTemplate('Go', [{ ...button, url: 'ftp://shop.example.com/a' }]), /button 1: "ftp:\/\/shop.example.com\/a" is not an http\(s\) URL/);
			await refuses(route, buttonTemplate('Go', [{ ...button, url: 'shop.example.com/a' }]), /is not an http\(s\) URL/);
		});

		it(`${route.label}: postback buttons need a payload, every button a title`, async () => {
			await refuses(route, buttonTemplate('Go', [{ type: 'postback', title: 'Go', payload: '' }]), /button 1 has no payload/);
			await refuses(route, buttonTemplate('Go', [postbacks(1)[0], { type: 'postback', title: '', payload: 'X' }]), /button 2 has no title/);
		});
	}

	it('Messenger: call buttons need + and the country code', async () => {
		const call = { type: 'phone_number', title: 'Call', payload: '+15551234567' };
		await accepts(MESSENGER, buttonTemplate('Call us', [call]), buttonTemplateBody('Call us', [call]));
		fake().clearRequests();
		await refuses(MESSENGER, buttonTemplate('Call us', [{ ...call, payload: '5551234567' }]), /"5551234567" is not a phone number in international format/);
		await refuses(MESSENGER, buttonTemplate('Call us', [{ ...call, payload: '+1 555 CALL NOW' }]), /is not a phone number in international format/);
	});

	for (const route of INSTAGRAM_ROUTES) {
		it(`${route.label}: call buttons are refused (Instagram takes URL and postback buttons only)`, async () => {
			await refuses(route, buttonTemplate('Call us', [{ type: 'phone_number', title: 'Call', payload: '+15551234567' }]), /Instagram does not support call buttons/);
			await refuses(route, genericJson([{ title: 'A', buttons: [{ type: 'phone_number', title: 'Call', payload: '+15551234567' }] }]), /Element 1, button 1: Instagram does not support call buttons/);
		});
	}
});

describe('Product template', () => {
	it('Messenger: 10 product IDs go out, 11 and none are refused', async () => {
		const product = (ids: string) => ({ messageType: 'template', templateType: 'product', productIds: ids });
		await accepts(MESSENGER, product(productIds(10).join(',')), {
			attachment: { type: 'template', payload: { template_type: 'product', elements: productIds(10).map((id) => ({ id })) } },
		});
		fake().clearRequests();
		await refuses(MESSENGER, product(productIds(11).join(',')), /A product template needs 1 to 10 product IDs; this one has 11/);
		await refuses(MESSENGER, product(' , '), /1 to 10 product IDs; this one has 0/);
	});
});

describe('Receipt template (Messenger only)', () => {
	it('100 items go out, 101 are refused', async () => {
		const items = (count: number) => Array.from({ length: count }, (_, i) => ({ title: `Item ${i + 1}`, price: 0.1 }));
		await accepts(MESSENGER, { ...receipt, receiptItemsJson: JSON.stringify(items(100)) }, receiptBody(items(100)));
		fake().clearRequests();
		await refuses(MESSENGER, { ...receipt, receiptItemsJson: JSON.stringify(items(101)) }, /A receipt may list at most 100 items/);
	});

	it('recipient name, order number, payment method, a three-letter currency and a total are required', async () => {
		await refuses(MESSENGER, { ...receipt, receiptRecipientName: '={{ "" }}' }, /The receipt template is missing: Recipient Name$/);
		await refuses(MESSENGER, { ...receipt, receiptOrderNumber: '={{ " " }}', receiptPaymentMethod: '={{ "" }}' }, /missing: Order Number, Payment Method$/);
		await refuses(MESSENGER, { ...receipt, receiptCurrency: 'EURO' }, /"EURO" is not a currency code/);
		await refuses(MESSENGER, { ...receipt, receiptCurrency: 'E1R' }, /"E1R" is not a currency code/);
		await refuses(MESSENGER, { ...receipt, receiptTotalCost: '={{ "lots" }}' }, /The receipt template has no total cost/);
	});

	it('Items (JSON) that is not valid JSON is refused', async () => {
		await refuses(MESSENGER, { ...receipt, receiptItemsJson: '[{"title": "Mug", "price": 12,5}]' }, /Items \(JSON\) is not valid JSON/);
	});

	it('a receipt timestamp that is not a date is refused', async () => {
		await refuses(MESSENGER, { ...receipt, receiptDetails: { timestamp: '={{ "next tuesday" }}' } }, /Receipt timestamp "next tuesday" is not a date/);
	});

	for (const route of INSTAGRAM_ROUTES) {
		it(`${route.label}: receipt and media templates are refused`, async () => {
			await refuses(route, { ...receipt }, /Instagram does not support the receipt template/);
			await refuses(route, { messageType: 'template', templateType: 'media', templateMediaType: 'image', templateMedia: 'https://www.facebook.com/photo/1' }, /Instagram does not support the media template/);
		});
	}
});

describe('Attachments', () => {
	const media = (mediaType: string, property = 'data'): INodeParameters => ({ messageType: 'media', mediaType, mediaSource: 'binary', binaryPropertyName: property });

	/** The good side of a file limit: the exact bytes are uploaded, then sent by attachment ID. */
	async function uploadsAndSends(route: Route, file: ExpectedFile): Promise<void> {
		const run = await sendOn(fake(), route, media(file.type), { items: [binaryItem(file.bytes, file.mimeType, file.fileName)] });
		assertNoError(run);
		expect(fake().requests.length).toBe(2);
		const [upload, send] = fake().requests;
		assertMultipartUpload(upload, route, file);
		const attachmentId = responseOf(upload).attachment_id as string;
		assertJsonCall(send, route, 'messages', sendBody(route, { attachment: { type: file.type, payload: { attachment_id: attachmentId } } }));
		assertSendItem(run.items[0], run, { platform: route.platform, call: send, itemIndex: 0, recipientId: route.user });
	}

	it('Messenger: a 25 MB file goes out, 25 MB + 1 byte is refused', async () => {
		const bytes = Buffer.alloc(25 * MB, 0x61);
		bytes.write('%PDF-1.4', 0);
		await uploadsAndSends(MESSENGER, { type: 'file', bytes, fileName: 'catalog.pdf', mimeType: 'application/pdf' });
		fake().clearRequests();
		const tooBig = Buffer.concat([bytes, Buffer.from('!')]);
		await refuses(MESSENGER, media('file'), /"catalog.pdf" is 25\.0 MB; attachments may be at most 25 MB/, [binaryItem(tooBig, 'application/pdf', 'catalog.pdf')]);
	});

	it('Instagram (Instagram Login): a 25 MB + 1 byte video is refused', async () => {
		await refuses(INSTAGRAM_LOGIN, media('video'), /attachments may be at most 25 MB/, [binaryItem(Buffer.alloc(25 * MB + 1), 'video/mp4', 'long.mp4')]);
	});

	it('Instagram (Meta Graph API): an 8 MB PNG goes out, 8 MB + 1 byte is refused', async () => {
		const png = Buffer.concat([TINY_PNG, Buffer.alloc(8 * MB - TINY_PNG.length, 0)]);
		await uploadsAndSends(INSTAGRAM_PAGE, { type: 'image', bytes: png, fileName: 'poster.png', mimeType: 'image/png' });
		fake().clearRequests();
		await refuses(INSTAGRAM_PAGE, media('image'), /"poster.png" is 8\.0 MB; Instagram images may be at most 8 MB/, [binaryItem(Buffer.concat([png, Buffer.from([0])]), 'image/png', 'poster.png')]);
	});

	it('Messenger: a 9 MB image is fine (the 8 MB rule is Instagram\'s)', async () => {
		const png = Buffer.concat([TINY_PNG, Buffer.alloc(9 * MB, 1)]);
		await uploadsAndSends(MESSENGER, { type: 'image', bytes: png, fileName: 'big.png', mimeType: 'image/png' });
	});

	for (const [mediaType, mimeType, fileName] of [
		['image', 'image/gif', 'anim.gif'],
		['image', 'image/webp', 'photo.webp'],
		['audio', 'audio/mpeg', 'song.mp3'],
		['video', 'video/x-matroska', 'clip.mkv'],
		['file', 'application/zip', 'docs.zip'],
	] as const) {
		it(`Instagram: ${mimeType} as ${mediaType} is refused; Messenger takes it`, async () => {
			const bytes = Buffer.from(`${mimeType} bytes ✓`);
			for (const route of [INSTAGRAM_PAGE, INSTAGRAM_LOGIN]) {
				await refuses(route, media(mediaType), new RegExp(`Instagram does not accept ${mimeType.replace('/', '\\/')} as an? ${mediaType}`), [binaryItem(bytes, mimeType, fileName)]);
			}
			await uploadsAndSends(MESSENGER, { type: mediaType, bytes, fileName, mimeType });
		});
	}

	for (const [mediaType, mimeType, fileName] of [
		['image', 'image/jpeg', 'photo.jpg'],
		['audio', 'audio/x-m4a', 'voice.m4a'],
		['audio', 'audio/wav', 'voice.wav'],
		['video', 'video/quicktime', 'clip.mov'],
		['video', 'video/webm', 'clip.webm'],
		['file', 'application/pdf', 'menu.pdf'],
	] as const) {
		it(`Instagram (Instagram Login): ${mimeType} as ${mediaType} goes out`, async () => {
			await uploadsAndSends(INSTAGRAM_LOGIN, { type: mediaType, bytes: Buffer.from(`${fileName} ✓`), fileName, mimeType });
		});
	}

	it('a missing binary property is refused', async () => {
		await refuses(MESSENGER, media('image', 'photo'), /The item has no binary field 'photo'/, [binaryItem(TINY_PNG, 'image/png', 'a.png', 'data')]);
		await refuses(INSTAGRAM_LOGIN, media('image'), /expects the node's input data to contain a binary file 'data'/, [{ json: {} }]);
	});

	for (const url of ['ftp://cdn.example.com/a.jpg', 'cdn.example.com/a.jpg', 'javascript:alert(1)']) {
		it(`a media URL that is not http(s) is refused: ${url}`, async () => {
			await refuses(INSTAGRAM_PAGE, { messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: url }, /is not an http\(s\) URL/);
		});
	}
});

describe('Metadata', () => {
	for (const route of [MESSENGER, INSTAGRAM_LOGIN]) {
		it(`${route.label}: 999 characters go out, 1000 are refused`, async () => {
			const metadata = `${'m'.repeat(998)}ä`;
			await accepts(route, { ...text('meta'), options: { metadata } }, { text: 'meta', metadata });
			fake().clearRequests();
			await refuses(route, { ...text('meta'), options: { metadata: `${metadata}!` } }, /Metadata must be fewer than 1000 characters/);
		});
	}
});

describe('Message tags and Messenger-only options', () => {
	for (const route of INSTAGRAM_ROUTES) {
		for (const tag of ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'CUSTOMER_FEEDBACK']) {
			it(`${route.label}: ${tag} is refused (HUMAN_AGENT only)`, async () => {
				await refuses(route, { ...text('update'), options: { messagingType: 'MESSAGE_TAG', tag } }, new RegExp(`"${tag}" is not a message tag Instagram accepts`));
			});
		}
	}

	it('Messenger: a tag Meta does not know is refused', async () => {
		await refuses(MESSENGER, { ...text('update'), options: { tag: '={{ "SHIPPING_UPDATE" }}' } }, /"SHIPPING_UPDATE" is not a message tag Messenger accepts/);
	});

	for (const route of INSTAGRAM_ROUTES) {
		it(`${route.label}: Notification Type and Persona are refused`, async () => {
			await refuses(route, { ...text('hi'), options: { notificationType: 'SILENT_PUSH' } }, /Notification type and persona are Messenger features/);
			await refuses(route, { ...text('hi'), options: { personaId: '202300000000001' } }, /Notification type and persona are Messenger features/);
		});

		for (const [recipientType, handle] of [
			['post', '104812345678901_1'],
			['userRef', 'ref-1'],
			['notificationToken', NOTIFICATION_TOKEN],
		] as const) {
			it(`${route.label}: recipient type ${recipientType} is refused`, async () => {
				await refuses(route, { ...text('hi'), recipientType, recipientHandle: handle }, /Instagram only accepts a user ID or a comment ID as recipient/);
			});
		}
	}
});

describe('Provider and platform', () => {
	for (const route of [INSTAGRAM_LOGIN, INSTAGRAM_LOGIN_ID]) {
		it(`${route.label} credential cannot send on Messenger`, async () => {
			await refuses({ ...route, platform: 'messenger' }, { ...text('hi'), recipientId: byId(USERS.alice.id) }, /Instagram Login credential cannot reach Messenger/);
		});
	}
});

/**
 * Several items where some break a rule. With On Error: Continue the good ones are sent exactly as
 * expected and the bad ones become error items; without it the node fails with the first bad item's
 * index, and still nothing is sent for the bad ones.
 */
interface PerItemCase {
	name: string;
	route: Route;
	parameters: INodeParameters;
	items: RunNodeItem[];
	bad: number[];
	error: RegExp;
	/** The `message` the good item `index` is sent with. */
	message(index: number): IDataObject;
	/** Other top-level fields of the good item's body. */
	extra?(index: number): IDataObject;
	recipientId?(index: number): string;
}

const json = (...values: IDataObject[]): RunNodeItem[] => values.map((value) => ({ json: value }));

const perItemCases: PerItemCase[] = [
	{
		name: 'Messenger text length',
		route: MESSENGER,
		parameters: text('={{ $json.text }}'),
		items: json({ text: 'x'.repeat(1999) }, { text: 'y'.repeat(2000) }, { text: 'hello' }),
		bad: [1],
		error: /fewer than 2000/,
		message: (i) => ({ text: ['x'.repeat(1999), '', 'hello'][i] }),
	},
	{
		name: 'Instagram bytes, failing item last',
		route: INSTAGRAM_LOGIN,
		parameters: text('={{ $json.text }}'),
		items: json({ text: 'é'.repeat(500) }, { text: '😀'.repeat(250) }, { text: `${'é'.repeat(500)}a` }),
		bad: [2],
		error: /1001 bytes, the limit is 1000 bytes/,
		message: (i) => ({ text: ['é'.repeat(500), '😀'.repeat(250)][i] }),
	},
	{
		name: 'Quick reply title (Instagram via Page), failing item first',
		route: INSTAGRAM_PAGE,
		parameters: { ...text('={{ "Pick " + $json.n }}'), quickReplies: { quickReply: [{ contentType: 'text', title: '={{ $json.title }}', payload: 'P' }] } },
		items: json({ n: 0, title: 'x'.repeat(21) }, { n: 1, title: 'x'.repeat(20) }, { n: 2, title: 'Sí 👍' }),
		bad: [0],
		error: /Quick reply 1: title ".*" is 21 characters long; the limit is 20/,
		message: (i) => ({ text: `Pick ${i}`, quick_replies: [{ content_type: 'text', title: ['', 'x'.repeat(20), 'Sí 👍'][i], payload: 'P' }] }),
	},
	{
		name: 'Generic element count and title (Messenger, JSON per item)',
		route: MESSENGER,
		parameters: { ...genericJson([]), elementsJson: '={{ JSON.stringify($json.cards) }}' },
		items: json({ cards: cards(10) }, { cards: [] }, { cards: [{ title: 't'.repeat(81) }] }, { cards: cards(1) }),
		bad: [1, 2],
		error: /1 to 10 elements; this one has 0|Element 1 title is 81 characters long/,
		message: (i) => genericBody(i === 0 ? cards(10) : cards(1)),
	},
	{
		name: 'Button template text (Instagram Login with account ID)',
		route: INSTAGRAM_LOGIN_ID,
		parameters: buttonTemplate('={{ $json.text }}', postbacks(1)),
		items: json({ text: 'a'.repeat(640) }, { text: 'b'.repeat(641) }, { text: 'short' }),
		bad: [1],
		error: /Button template text is 641 characters long; the limit is 640/,
		message: (i) => buttonTemplateBody(['a'.repeat(640), '', 'short'][i], postbacks(1)),
	},
	{
		name: 'Product IDs per item',
		route: MESSENGER,
		parameters: { messageType: 'template', templateType: 'product', productIds: '={{ $json.ids }}' },
		items: json({ ids: productIds(11).join(',') }, { ids: productIds(10).join(', ') }, { ids: '4340000000000099' }),
		bad: [0],
		error: /1 to 10 product IDs; this one has 11/,
		message: (i) => ({
			attachment: { type: 'template', payload: { template_type: 'product', elements: (i === 1 ? productIds(10) : ['4340000000000099']).map((id) => ({ id })) } },
		}),
	},
	{
		name: 'Metadata per item',
		route: INSTAGRAM_PAGE,
		parameters: { ...text('={{ "meta " + $json.n }}'), options: { metadata: '={{ $json.metadata }}' } },
		items: json({ n: 0, metadata: 'm'.repeat(999) }, { n: 1, metadata: 'm'.repeat(1000) }, { n: 2, metadata: 'ok' }),
		bad: [1],
		error: /Metadata must be fewer than 1000 characters/,
		message: (i) => ({ text: `meta ${i}`, metadata: ['m'.repeat(999), '', 'ok'][i] }),
	},
	{
		name: 'Message tag per item on Instagram',
		route: INSTAGRAM_LOGIN,
		parameters: { ...text('={{ "tag " + $json.tag + " " + $json.n }}'), options: { messagingType: 'MESSAGE_TAG', tag: '={{ $json.tag }}' } },
		items: json({ n: 0, tag: 'HUMAN_AGENT' }, { n: 1, tag: 'ACCOUNT_UPDATE' }, { n: 2, tag: 'HUMAN_AGENT' }),
		bad: [1],
		error: /"ACCOUNT_UPDATE" is not a message tag Instagram accepts/,
		message: (i) => ({ text: `tag HUMAN_AGENT ${i}` }),
		extra: () => ({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }),
	},
	{
		name: 'Media URL per item',
		route: MESSENGER,
		parameters: { messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: '={{ $json.url }}' },
		items: json({ url: 'https://cdn.example.com/0.jpg' }, { url: 'ftp://cdn.example.com/1.jpg' }, { url: 'http://cdn.example.com/2.jpg' }),
		bad: [1],
		error: /"ftp:\/\/cdn.example.com\/1.jpg" is not an http\(s\) URL/,
		message: (i) => ({ attachment: { type: 'image', payload: { url: `${i === 0 ? 'https' : 'http'}://cdn.example.com/${i}.jpg` } } }),
	},
	{
		name: 'Elements (JSON) with invalid JSON on one item',
		route: INSTAGRAM_PAGE,
		parameters: { ...genericJson([]), elementsJson: '={{ $json.cards }}' },
		items: json({ cards: '[{"title":"A"}]' }, { cards: '[{"title": ' }, { cards: '[{"title":"C"}]' }),
		bad: [1],
		error: /Elements \(JSON\) is not valid JSON/,
		message: (i) => genericBody([{ title: i === 0 ? 'A' : 'C' }]),
	},
	{
		name: 'Receipt currency per item',
		route: MESSENGER,
		parameters: { ...receipt, receiptCurrency: '={{ $json.currency }}' },
		items: json({ currency: 'usd' }, { currency: 'EURO' }, { currency: 'EUR' }),
		bad: [1],
		error: /"EURO" is not a currency code/,
		message: (i) => {
			const body = receiptBody();
			(body.attachment.payload as IDataObject).currency = i === 0 ? 'USD' : 'EUR';
			return body;
		},
	},
	{
		name: 'Instagram Login credential with the platform chosen per item',
		route: INSTAGRAM_LOGIN,
		parameters: { ...text('={{ "hi on " + $json.platform }}'), platform: '={{ $json.platform }}', recipientId: byId('={{ $json.id }}') },
		items: json({ platform: 'instagram', id: USERS.ines.id }, { platform: 'messenger', id: USERS.alice.id }, { platform: 'instagram', id: USERS.kenji.id }),
		bad: [1],
		error: /Instagram Login credential cannot reach Messenger/,
		message: () => ({ text: 'hi on instagram' }),
		recipientId: (i) => (i === 0 ? USERS.ines.id : USERS.kenji.id),
	},
	{
		name: 'Instagram recipient type per item',
		route: INSTAGRAM_PAGE,
		parameters: { ...text('={{ "to " + $json.type + " " + $json.n }}'), recipientType: '={{ $json.type }}', recipientId: byId(USERS.ines.id), recipientHandle: '={{ $json.handle }}' },
		items: json({ n: 0, type: 'user', handle: '' }, { n: 1, type: 'userRef', handle: 'ref-9' }, { n: 2, type: 'user', handle: '' }),
		bad: [1],
		error: /Instagram only accepts a user ID or a comment ID as recipient/,
		message: (i) => ({ text: `to user ${i}` }),
	},
];

describe('Several items, some breaking a limit', () => {
	for (const c of perItemCases) {
		it(`${c.name}: On Error Continue sends the others; stopping fails on item ${c.bad[0]}`, async () => {
			const good = c.items.map((_, i) => i).filter((i) => !c.bad.includes(i));
			const bodyOf = (i: number) => {
				const body = sendBody(c.route, c.message(i), c.extra?.(i) ?? {});
				if (c.recipientId) body.recipient = { id: c.recipientId(i) };
				return body;
			};
			const requestFor = (i: number) => {
				const matching = fake().requests.filter((r) => isDeepStrictEqual(r.body, bodyOf(i)));
				// item ${i} was sent ${matching.length} times
				expect(matching.length).toBe(1);
				return matching[0];
			};

			const continued = await sendOn(fake(), c.route, c.parameters, { items: c.items, continueOnFail: true });
			assertNoError(continued);
			expect(continued.items.length).toBe(c.items.length);
			// requests other than one per good item reached the platform
			expect(fake().requests.length).toBe(good.length);
			for (const i of good) {
				const call = requestFor(i);
				assertJsonCall(call, c.route, 'messages', bodyOf(i));
				assertSendItem(continued.items[i], continued, { platform: c.route.platform, call, itemIndex: i, recipientId: c.recipientId?.(i) ?? c.route.user });
			}
			for (const i of c.bad) assertErrorItem(continued.items[i], i, c.error);

			fake().clearRequests();
			const stopped = await sendOn(fake(), c.route, c.parameters, { items: c.items });
			const error = assertItemError(stopped.error, c.bad[0], c.error);
			expect(stopped.items).toStrictEqual([]);
			// Sends to different people run concurrently and had already gone out; one person's items go in input
			// order, so that person's items after the failing one were never started.
			// (When the failing item's recipient cannot be read, it belongs to no person's queue and holds nobody back.)
			const recipientOf = (i: number) => c.recipientId?.(i) ?? c.route.user;
			const mustHaveGone = good.filter((i) => i < c.bad[0] || recipientOf(i) !== recipientOf(c.bad[0]));
			const sent = good.filter((i) => fake().requests.some((r) => isDeepStrictEqual(r.body, bodyOf(i))));
			expect(sent).toEqual(expect.arrayContaining(mustHaveGone));
			expect(fake().requests.length).toBe(sent.length);
			for (const i of sent) assertJsonCall(requestFor(i), c.route, 'messages', bodyOf(i));
			expect(error.description as string).toMatch(new RegExp(`${sent.length} of ${c.items.length} items succeeded before this failure`));
		});
	}

	it('Instagram (Meta Graph API): binary files per item, an oversized and a GIF image among them', async () => {
		const items = [
			binaryItem(TINY_PNG, 'image/png', 'ok-0.png'),
			binaryItem(Buffer.alloc(8 * MB + 1), 'image/png', 'huge.png'),
			binaryItem(Buffer.from('GIF89a'), 'image/gif', 'anim.gif'),
			{ json: {} },
			binaryItem(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'image/jpeg', 'ok-4.jpg'),
		];
		const run = await sendOn(fake(), INSTAGRAM_PAGE, { messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'data' }, { items, continueOnFail: true });
		assertNoError(run);
		expect(run.items.length).toBe(5);
		assertErrorItem(run.items[1], 1, /"huge.png" is 8\.0 MB; Instagram images may be at most 8 MB/);
		assertErrorItem(run.items[2], 2, /Instagram does not accept image\/gif as an image/);
		assertErrorItem(run.items[3], 3, /expects the node's input data to contain a binary file 'data'/);
		// only the two good items may upload and send
		expect(fake().requests.length).toBe(4);
		for (const [index, bytes, fileName, mimeType] of [
			[0, TINY_PNG, 'ok-0.png', 'image/png'],
			[4, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'ok-4.jpg', 'image/jpeg'],
		] as const) {
			const upload = fake().requests.find((r) => Array.isArray(r.body) && (r.body as Array<{ filename?: string }>).some((p) => p.filename === fileName));
			// no upload for item ${index}
			expect(upload).toBeTruthy();
			assertMultipartUpload(upload!, INSTAGRAM_PAGE, { type: 'image', bytes, fileName, mimeType });
			const attachmentId = responseOf(upload!).attachment_id as string;
			const send = fake().requests.find((r) => JSON.stringify(r.body).includes(`"attachment_id":"${attachmentId}"`));
			// no send for item ${index}
			expect(send).toBeTruthy();
			assertJsonCall(send!, INSTAGRAM_PAGE, 'messages', sendBody(INSTAGRAM_PAGE, { attachment: { type: 'image', payload: { attachment_id: attachmentId } } }));
			assertSendItem(run.items[index], run, { platform: 'instagram', call: send!, itemIndex: index, recipientId: INSTAGRAM_PAGE.user });
		}

		fake().clearRequests();
		const stopped = await sendOn(fake(), INSTAGRAM_PAGE, { messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'data' }, { items });
		assertItemError(stopped.error, 1, /Instagram images may be at most 8 MB/);
		// All three go to one person, in input order: the item after the oversized one is never started.
		expect(fake().requests.filter((r) => r.path.endsWith('/message_attachments')).length).toBe(1);
	});
});

describe('Blank text is empty text: only spaces, tabs or line breaks are refused like no text at all', () => {
	const BLANKS = ['   ', '\t', '\n\n', ' \r\n\t ', '\u00a0'];
	const labelOf = (blank: string) => JSON.stringify(blank);

	for (const blank of BLANKS) {
		it(`text ${labelOf(blank)}: "The message is empty" on Messenger and Instagram`, async () => {
			for (const route of [MESSENGER, INSTAGRAM_PAGE, INSTAGRAM_LOGIN]) await refuses(route, text(blank), /^The message is empty$/);
		});
	}

	it('text from an expression that gives only spaces, per item: refused on its item, the others go out', async () => {
		const items = [{ json: { t: 'Hello' } }, { json: { t: '  \n ' } }, { json: { t: 'Bye' } }];
		const run = await sendOn(fake(), MESSENGER, text('={{ $json.t }}'), { items, continueOnFail: true });
		assertNoError(run);
		assertErrorItem(run.items[1], 1, /^The message is empty$/);
		expect(fake().requests.map((request) => ((request.body as IDataObject).message as IDataObject).text)).toStrictEqual(['Hello', 'Bye']);
	});

	it('text with content and surrounding spaces still goes out as written', async () => {
		await accepts(MESSENGER, text('  Hello  '), { text: '  Hello  ' });
	});

	for (const blank of BLANKS) {
		it(`quick reply title and payload ${labelOf(blank)}: refused`, async () => {
			await refuses(MESSENGER, { ...text('Pick'), quickReplies: { quickReply: [{ contentType: 'text', title: blank, payload: 'X' }] } }, /^Quick reply 1 has no title$/);
			await refuses(MESSENGER, { ...text('Pick'), quickReplies: { quickReply: [{ contentType: 'text', title: 'X', payload: blank }] } }, /^Quick reply 1 has no payload$/);
		});

		it(`button template text ${labelOf(blank)}: refused`, async () => {
			for (const route of [MESSENGER, INSTAGRAM_LOGIN]) {
				await refuses(route, buttonTemplate(blank, [{ type: 'postback', title: 'Go', payload: 'GO' }]), /^The button template has no text$/);
			}
		});

		it(`button title and postback payload ${labelOf(blank)}: refused`, async () => {
			await refuses(MESSENGER, buttonTemplate('Go?', [{ type: 'postback', title: blank, payload: 'GO' }]), /^The button template, button 1 has no title$/);
			await refuses(MESSENGER, buttonTemplate('Go?', [{ type: 'postback', title: 'Go', payload: blank }]), /^The button template, button 1 has no payload$/);
		});

		it(`generic template element title ${labelOf(blank)} (fields and JSON): refused`, async () => {
			await refuses(MESSENGER, genericJson([{ title: blank, subtitle: 'Sub' }]), /^Element 1 has no title$/);
			await refuses(
				INSTAGRAM_PAGE,
				{ messageType: 'template', templateType: 'generic', elementsInputMode: 'fields', elements: { element: [{ title: blank, subtitle: 'Sub' }] } },
				/^Element 1 has no title$/,
			);
		});

		it(`receipt item name ${labelOf(blank)}: refused`, async () => {
			await refuses(MESSENGER, { ...receipt, receiptItemsJson: JSON.stringify([{ title: blank, price: 10 }]) }, /^Receipt item 1 has no name$/);
		});
	}

	it('a receipt item with a name goes out', async () => {
		await accepts(MESSENGER, { ...receipt, receiptItemsJson: JSON.stringify([{ title: 'Mug', price: 10 }]) }, receiptBody([{ title: 'Mug', price: 10 }]));
	});
});
