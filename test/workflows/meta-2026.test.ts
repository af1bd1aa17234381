/**
 * What Meta added in 2026, through n8n's engine against the fake Graph API: the image grid template,
 * stickers (sent, and read back as a "sticker" attachment), several images in one Instagram message,
 * Instagram PDFs and images by attachment ID, `ig_post` shares in the trigger's parser, error 10 / 1893063,
 * and phone / email quick replies refused on Instagram before any request.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { GRAPH_ERRORS, IG_ACCOUNT_ID, PAGE_ID, USERS } from '../fakes/graph';
import { parseDelivery } from '../../nodes/platforms/meta/webhook';
import { INSTAGRAM_LOGIN, INSTAGRAM_PAGE, MESSENGER, assertItemError, assertNoError, runOn, seedAttachment, sendOn, sendsExactly } from './message.helpers';
import { useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
});

describe('Image grid template (Messenger)', () => {
	it('2 to 6 images, by URL or attachment ID, each with an optional tap URL', async () => {
		const saved = seedAttachment(fake(), MESSENGER, 'image');
		await sendsExactly(
			fake(),
			MESSENGER,
			{
				messageType: 'template',
				templateType: 'imageGrid',
				imageGrid: { image: [{ image: 'https://example.com/1.jpg', tapUrl: 'https://example.com/p/1' }, { image: saved }, { image: 'https://example.com/3.jpg' }] },
			},
			{
				attachment: {
					type: 'template',
					payload: {
						template_type: 'image_grid',
						elements: [
							{ image_url: 'https://example.com/1.jpg', default_action: { type: 'web_url', url: 'https://example.com/p/1' } },
							{ attachment_id: saved },
							{ image_url: 'https://example.com/3.jpg' },
						],
					},
				},
			},
		);
	});

	it('one image, a tap URL that is not one, or Instagram: refused before any request', async () => {
		const one = await sendOn(fake(), MESSENGER, { messageType: 'template', templateType: 'imageGrid', imageGrid: { image: [{ image: 'https://example.com/1.jpg' }] } });
		assertItemError(one.error, 0, /An image grid needs 2 to 6 images; this one has 1/);
		const tap = await sendOn(fake(), MESSENGER, {
			messageType: 'template',
			templateType: 'imageGrid',
			imageGrid: { image: [{ image: 'https://example.com/1.jpg', tapUrl: 'shop' }, { image: 'https://example.com/2.jpg' }] },
		});
		assertItemError(tap.error, 0, /the tap URL "shop" is not an http\(s\) URL/);
		const instagram = await sendOn(fake(), INSTAGRAM_PAGE, { platform: '={{ "instagram" }}', messageType: 'template', templateType: 'imageGrid', imageGrid: { image: [{ image: 'https://example.com/1.jpg' }, { image: 'https://example.com/2.jpg' }] } });
		assertItemError(instagram.error, 0, /image grid template is a Messenger feature/);
		expect(fake().requests.length).toBe(0);
	});
});

describe('Stickers', () => {
	it('Messenger: sent by sticker_id, and read back as a "sticker" attachment', async () => {
		const run = await sendsExactly(fake(), MESSENGER, { messageType: 'sticker', stickerId: '369239263222822' }, { sticker_id: '369239263222822' });
		const messageId = run.items[0].json.messageId as string;
		fake().clearRequests();
		const read = await runOn(fake(), MESSENGER, { resource: 'message', operation: 'get', messageId });
		assertNoError(read);
		const attachments = read.items[0].json.attachments as Array<Record<string, unknown>>;
		expect(attachments.length).toBe(1);
		expect(attachments[0].type).toBe('sticker');
		expect(attachments[0].url).toBe(`${fake().url}/cdn/stickers/369239263222822.png`);
	});

	it('Instagram: the heart sticker', async () => {
		await sendsExactly(fake(), INSTAGRAM_LOGIN, { messageType: 'sticker' }, { attachment: { type: 'like_heart' } });
	});

	it('a sticker ID that is not one fails before any request', async () => {
		const run = await sendOn(fake(), MESSENGER, { messageType: 'sticker', stickerId: 'smile' });
		assertItemError(run.error, 0, /"smile" is not a sticker ID/);
		expect(fake().requests.length).toBe(0);
	});
});

describe('Several images in one Instagram message', () => {
	for (const route of [INSTAGRAM_PAGE, INSTAGRAM_LOGIN]) {
		it(`${route.label}: URLs and attachment IDs, one per line or by commas`, async () => {
			const saved = seedAttachment(fake(), route, 'image');
			await sendsExactly(fake(), route, { messageType: 'images', imageSources: `https://example.com/1.jpg\nhttps://example.com/2.jpg, ${saved}` }, {
				attachments: [
					{ type: 'image', payload: { url: 'https://example.com/1.jpg' } },
					{ type: 'image', payload: { url: 'https://example.com/2.jpg' } },
					{ type: 'image', payload: { attachment_id: saved } },
				],
			});
		});
	}

	it('11 images, or several images on Messenger: refused before any request', async () => {
		const eleven = Array.from({ length: 11 }, (_, i) => `https://example.com/${i}.jpg`).join('\n');
		assertItemError((await sendOn(fake(), INSTAGRAM_PAGE, { messageType: 'images', imageSources: eleven })).error, 0, /1 to 10 images in one message; this one has 11/);
		assertItemError((await sendOn(fake(), MESSENGER, { messageType: 'images', imageSources: 'https://example.com/1.jpg' })).error, 0, /Several images in one message is an Instagram feature/);
		expect(fake().requests.length).toBe(0);
	});
});

describe('Instagram PDFs and attachment IDs', () => {
	it('a PDF by URL goes out as a file attachment', async () => {
		await sendsExactly(fake(), INSTAGRAM_LOGIN, { messageType: 'media', mediaType: 'file', mediaUrl: 'https://example.com/invoice.pdf' }, { attachment: { type: 'file', payload: { url: 'https://example.com/invoice.pdf' } } });
	});

	it('an image by attachment ID', async () => {
		const saved = seedAttachment(fake(), INSTAGRAM_PAGE, 'image');
		await sendsExactly(fake(), INSTAGRAM_PAGE, { messageType: 'media', mediaType: 'image', mediaSource: 'attachmentId', attachmentId: saved }, { attachment: { type: 'image', payload: { attachment_id: saved } } });
	});
});

describe('Trigger: ig_post shares', () => {
	it('an ig_post attachment comes out as a share with its payload', () => {
		const { events } = parseDelivery({
			object: 'instagram',
			entry: [
				{
					id: IG_ACCOUNT_ID,
					time: 1,
					messaging: [
						{
							sender: { id: USERS.ines.id },
							recipient: { id: IG_ACCOUNT_ID },
							timestamp: 1,
							message: { mid: 'aWdfpost', attachments: [{ type: 'ig_post', payload: { url: 'https://www.instagram.com/p/C1/', title: 'Our new roast', ig_post_media_id: '1790000' } }] },
						},
					],
				},
			],
		});
		expect(events[0].attachments).toStrictEqual([{ type: 'share', url: 'https://www.instagram.com/p/C1/', payload: { title: 'Our new roast', ig_post_media_id: '1790000' } }]);
	});
});

describe('Errors and quick replies', () => {
	it('10 / 1893063: the Page is temporarily restricted, explained', async () => {
		fake().failNext(`POST /${PAGE_ID}/messages`, GRAPH_ERRORS.pageRestricted);
		const run = await sendOn(fake(), MESSENGER, { messageType: 'text', text: 'hello' });
		expect(run.error).toBeTruthy();
		expect(run.error!.message).toBe('Meta has temporarily restricted the Page from sending messages');
		expect(run.error!.description ?? '').toMatch(/Page Quality/);
		expect(fake().requests.length).toBe(1);
	});

	for (const contentType of ['user_phone_number', 'user_email']) {
		it(`Instagram: a ${contentType} quick reply is refused before any request, with Meta's change named`, async () => {
			const run = await sendOn(fake(), INSTAGRAM_LOGIN, { messageType: 'text', text: 'Your contact?', quickReplies: { quickReply: [{ contentType }] } });
			const error = assertItemError(run.error, 0, /Instagram only supports text quick replies/);
			expect(error.description ?? '').toMatch(/turned off phone number and email quick replies on Instagram on 2026-10-05/);
			expect(fake().requests.length).toBe(0);
		});
	}

	it('the fake refuses them too (as Meta does)', async () => {
		const response = await fetch(`${fake().url}/v23.0/me/messages`, {
			method: 'POST',
			headers: { authorization: `Bearer ${INSTAGRAM_LOGIN.token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ recipient: { id: USERS.ines.id }, message: { text: 'x', quick_replies: [{ content_type: 'user_email' }] } }),
		});
		expect(response.status).toBe(400);
	});
});
