/**
 * Message > Send with Message Type "Custom Payload (JSON)" through n8n's engine against the fake Graph API:
 * the object goes out as the Send API `message` exactly, with the node's recipient, messaging type and
 * tags around it; it is checked before any request like every send; it is batched like every send; and
 * Meta's errors come back explained.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { PAGE_ID, USERS } from '../fakes/graph';
import { INSTAGRAM_LOGIN, INSTAGRAM_PAGE, MESSENGER, assertErrorItem, assertItemError, assertNoError, sendBody, sendOn, sendsExactly } from './message.helpers';
import { byId, useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
});

const custom = (message: unknown, extra: IDataObject = {}) => ({ messageType: 'custom', customPayload: typeof message === 'string' ? message : JSON.stringify(message), ...extra });

describe('Custom payload', () => {
	it('Messenger: text with quick replies goes out as the message object, exactly', async () => {
		const message = { text: 'Pick a size', quick_replies: [{ content_type: 'text', title: 'S', payload: 'SIZE_S' }, { content_type: 'user_email' }] };
		await sendsExactly(fake(), MESSENGER, custom(message), message);
	});

	it('Messenger: a template the node has no fields for, with a message tag from the options', async () => {
		const message = { attachment: { type: 'template', payload: { template_type: 'button', text: 'Your order shipped', buttons: [{ type: 'web_url', title: 'Track', url: 'https://example.com/t/42' }] } } };
		await sendsExactly(fake(), MESSENGER, custom(message, { options: { messagingType: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' } }), message, {
			extra: { messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' },
		});
	});

	for (const route of [INSTAGRAM_PAGE, INSTAGRAM_LOGIN]) {
		it(`${route.label}: several images in one message`, async () => {
			const message = { attachments: [1, 2].map((n) => ({ type: 'image', payload: { url: `https://example.com/p${n}.jpg` } })) };
			await sendsExactly(fake(), route, custom(message), message);
		});
	}

	it('many items go out in batch requests like every send, each with its own result', async () => {
		const items = [USERS.alice.id, USERS.bob.id, USERS.chloe.id].map((id, index) => ({ json: { id, text: `custom #${index}` } }));
		const run = await sendOn(
			fake(),
			MESSENGER,
			{ recipientId: byId('={{ $json.id }}'), messageType: 'custom', customPayload: '={{ JSON.stringify({ text: $json.text }) }}', options: { batchRequests: true } },
			{ items },
		);
		assertNoError(run);
		// one batch request
		expect(fake().requests.length).toBe(1);
		const parts = fake().calls(`POST /${PAGE_ID}/messages`);
		expect(parts.length).toBe(3);
		expect(parts.map((part) => part.body)).toStrictEqual(items.map((item) => {
				const body = sendBody(MESSENGER, { text: item.json.text }, {}, { id: item.json.id });
				return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
			}));
		expect(run.items.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('Meta\'s errors are explained as for every send', async () => {
		const run = await sendOn(fake(), MESSENGER, custom({ text: 'hi' }), {});
		assertNoError(run);
		const blocked = await sendOn(fake(), MESSENGER, { ...custom({ text: 'hi' }), recipientId: byId(USERS.dana.id) });
		expect(blocked.error).toBeTruthy();
		expect(blocked.error!.message).toBe('This person cannot receive messages from the Page right now');
	});
});

describe('Custom payload checks, before any request', () => {
	const cases: Array<[string, typeof MESSENGER, string, RegExp]> = [
		['not JSON', MESSENGER, '{"text": "Hi",}', /Message \(JSON\) is not valid JSON/],
		['an array', MESSENGER, '[{"text": "Hi"}]', /must be a JSON object/],
		['the whole Send API body instead of its message', MESSENGER, JSON.stringify({ recipient: { id: '1' }, message: { text: 'Hi' } }), /keys the Send API's message object does not know: recipient, message/],
		['no content', MESSENGER, JSON.stringify({ metadata: 'x' }), /has no content/],
		['text and an attachment', MESSENGER, JSON.stringify({ text: 'Hi', attachment: { type: 'image', payload: { url: 'https://example.com/a.png' } } }), /carries text and attachment at once/],
		['text too long for Messenger', MESSENGER, JSON.stringify({ text: 'x'.repeat(2000) }), /Text is too long for Messenger/],
		['text over 1000 bytes on Instagram', INSTAGRAM_PAGE, JSON.stringify({ text: 'ä'.repeat(501) }), /Text is too long for Instagram: 1002 bytes/],
		['14 quick replies', MESSENGER, JSON.stringify({ text: 'Pick', quick_replies: Array.from({ length: 14 }, (_, i) => ({ content_type: 'text', title: `${i}`, payload: `${i}` })) }), /14 quick replies is too many/],
		['a phone quick reply on Instagram', INSTAGRAM_LOGIN, JSON.stringify({ text: 'Your number?', quick_replies: [{ content_type: 'user_phone_number' }] }), /Instagram only supports text quick replies/],
		['11 generic cards', MESSENGER, JSON.stringify({ attachment: { type: 'template', payload: { template_type: 'generic', elements: Array.from({ length: 11 }, (_, i) => ({ title: `${i}` })) } } }), /needs 1 to 10 elements/],
		['several images on Messenger', MESSENGER, JSON.stringify({ attachments: [{ type: 'image', payload: { url: 'https://example.com/a.png' } }] }), /attachments \(several images\) is an Instagram feature/],
		['a receipt on Instagram', INSTAGRAM_PAGE, JSON.stringify({ attachment: { type: 'template', payload: { template_type: 'receipt' } } }), /Instagram does not support the receipt template/],
	];
	for (const [what, route, payload, message] of cases) {
		it(`${route.platform}: ${what}`, async () => {
			const run = await sendOn(fake(), route, custom(payload));
			assertItemError(run.error, 0, message);
			expect(fake().requests.length).toBe(0);
		});
	}

	it('Continue On Fail: the bad payload fails its item, the good one is sent', async () => {
		const items = [{ json: { payload: '{"txt": "typo"}' } }, { json: { payload: '{"text": "fine"}' } }];
		const run = await sendOn(fake(), MESSENGER, { messageType: 'custom', customPayload: '={{ $json.payload }}' }, { items, continueOnFail: true });
		assertNoError(run);
		assertErrorItem(run.items[0], 0, /does not know: txt/);
		expect(typeof run.items[1].json.messageId).toBe('string');
		expect(fake().requests.length).toBe(1);
	});
});
