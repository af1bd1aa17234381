/**
 * Social Messaging Trigger, each POST delivery (issue 3, "Each request"): signature check over the raw
 * bytes, Unicode, batching and ordering, deduplication (also across a restart), the unified items of
 * every event type, and the filters. Deliveries are made by the fake Graph exactly as Meta sends them
 * (escaped JSON, X-Hub-Signature-256 over those bytes).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	APP_ID,
	APP_SECRET,
	IG_ACCOUNT_ID,
	OTHER_PAGE_ID,
	PAGE_ID,
	USERS,
	batchedPayload,
	deliveryEvent,
	echoEvent,
	handoverEvent,
	messageEvent,
	metaJson,
	optinEvent,
	postbackEvent,
	prepareDelivery,
	quickReplyEvent,
	reactionEvent,
	readEvent,
	referralEvent,
	signature256,
	startFakeGraph,
	webhookPayload,
	type FakeGraph,
	type MessagingEvent,
	type WebhookPayload,
} from '../fakes/graph';
import type { TriggerHarness } from '../harness/webhook';
import { metaCredentials } from './setup';
import { Triggers, deliverAndSettle, itemsOf, settled } from './trigger-setup';

const T0 = 1714554000000;
const iso = (ms: number) => new Date(ms).toISOString();
const alice = USERS.alice.id;
const bob = USERS.bob.id;
const ines = USERS.ines.id;
const ALL_EVENTS = ['message', 'quick_reply', 'postback', 'read', 'delivery', 'reaction', 'edit', 'optin', 'referral', 'handover'];

let fake: FakeGraph;
const triggers = new Triggers();

before(async () => {
	fake = await startFakeGraph();
});
after(async () => {
	await triggers.closeAll();
	await fake.close();
});
beforeEach(async () => {
	await triggers.closeAll();
});

/** A trigger that answers at once (its webhook is live without activation, as in n8n once active). */
async function trigger(parameters: INodeParameters = {}, staticData?: IDataObject): Promise<TriggerHarness> {
	return await triggers.start({
		credentials: metaCredentials(fake),
		parameters: { platform: 'messenger', ...parameters },
		requireActivation: false,
		staticData,
	});
}

const deliver = async (harness: TriggerHarness, payload: unknown, opts: Parameters<FakeGraph['deliver']>[2] = {}) =>
	await deliverAndSettle(fake, harness, payload, opts);

function page(events: MessagingEvent[], opts: { standby?: MessagingEvent[] } = {}): WebhookPayload {
	return webhookPayload('page', PAGE_ID, events, { ...opts, time: T0 + 60_000 });
}

function hello(text = 'Hello', timestamp = T0, mid = `m_${timestamp}`): MessagingEvent {
	return messageEvent({ from: alice, to: PAGE_ID, text, timestamp, mid });
}

describe('signature check', () => {
	test('a correctly signed delivery: 200 at once and one execution', async () => {
		const harness = await trigger();
		const result = await deliver(harness, page([hello()]));
		assert.equal(result.status, 200);
		assert.equal(result.body, 'EVENT_RECEIVED');
		assert.equal(harness.executions.length, 1);
		assert.deepEqual(itemsOf(harness), [
			{
				type: 'message',
				platform: 'messenger',
				accountId: PAGE_ID,
				sender: { id: alice },
				recipient: { id: PAGE_ID },
				conversationKey: `${PAGE_ID}:${alice}`,
				messageId: `m_${T0}`,
				text: 'Hello',
				attachments: [],
				timestamp: iso(T0),
			},
		]);
		assert.equal(harness.runs[0].status, 'success');
	});

	test('unsigned: 401; wrongly signed: 403; tampered in transit: 403; none starts an execution', async () => {
		const harness = await trigger();
		const cases = [
			{ signature: 'missing' as const, status: 401 },
			{ signature: 'wrong' as const, status: 403 },
			{ signature: 'tampered' as const, status: 403 },
		];
		for (const [index, { signature, status }] of cases.entries()) {
			const result = await deliver(harness, page([hello(`attempt ${index}`, T0 + index)]), { signature });
			assert.equal(result.status, status, signature);
			assert.notEqual(result.body, 'EVENT_RECEIVED');
		}
		assert.equal(harness.executions.length, 0);
		assert.deepEqual(
			harness.calls.map((call) => [call.method, call.status, call.outcome]),
			[
				['POST', 401, 'answeredByNode'],
				['POST', 403, 'answeredByNode'],
				['POST', 403, 'answeredByNode'],
			],
		);
		// A rejected delivery is not remembered: the genuine one afterwards still gets through.
		const genuine = await deliver(harness, page([hello('attempt 2', T0 + 2)]));
		assert.equal(genuine.status, 200);
		assert.equal(harness.executions.length, 1);
	});

	test('only the legacy SHA-1 header, a malformed header, or a signature made with another secret: rejected', async () => {
		const harness = await trigger();
		const { body, headers } = prepareDelivery(page([hello()]), { appSecret: APP_SECRET });
		const sha1Only = { ...headers };
		delete sha1Only['x-hub-signature-256'];
		assert.ok(sha1Only['x-hub-signature'], 'the fake also sends the SHA-1 header');
		assert.equal((await harness.request('POST', undefined, { headers: sha1Only, body })).status, 401);

		const digest = signature256(APP_SECRET, body).slice('sha256='.length);
		for (const malformed of [digest, `sha1=${digest}`, `sha256=${digest.slice(0, 63)}`, `sha256=${digest}00`, 'sha256=']) {
			const response = await harness.request('POST', undefined, { headers: { ...headers, 'x-hub-signature-256': malformed }, body });
			assert.equal(response.status, 403, malformed);
		}
		const otherApp = signature256('another-apps-secret', body);
		assert.equal((await harness.request('POST', undefined, { headers: { ...headers, 'x-hub-signature-256': otherApp }, body })).status, 403);
		assert.equal(harness.executions.length, 0);

		assert.equal((await harness.request('POST', undefined, { headers, body })).status, 200);
		await settled(harness);
		assert.equal(harness.executions.length, 1);
	});

	test('the signature is checked over the raw bytes, not over re-serialised JSON', async () => {
		const harness = await trigger();
		const payload = page([hello('Grüße aus Köln')]);
		const raw = metaJson(payload);
		// A hash over JSON.stringify of the parsed body (unescaped UTF-8) does not match what Meta signed.
		const reserialised = signature256(APP_SECRET, Buffer.from(JSON.stringify(payload), 'utf8'));
		const rejected = await harness.request('POST', undefined, {
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': reserialised },
			body: raw,
		});
		assert.equal(rejected.status, 403);
		// Extra whitespace is fine as long as the signature covers those exact bytes.
		const spaced = raw.replace('{"object"', '{ "object"');
		const accepted = await harness.request('POST', undefined, {
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature256(APP_SECRET, spaced) },
			body: spaced,
		});
		assert.equal(accepted.status, 200);
		await settled(harness);
		assert.deepEqual(
			itemsOf(harness).map((item) => item.text),
			['Grüße aus Köln'],
		);
	});
});

describe('Unicode', () => {
	const text = 'Grüße aus Köln! Ä Ö Ü ß 👋🏽 ❤️ 日本語 – “quoted” / slash';

	test('escaped the way Meta sends it (\\u00e4): the signature verifies and the text comes out decoded', async () => {
		const harness = await trigger({ options: { includeRaw: true } });
		const event = messageEvent({
			from: alice,
			to: PAGE_ID,
			text,
			timestamp: T0,
			mid: 'm_unicode',
			attachments: [{ type: 'image', url: 'https://cdn.example.com/bilder/straße.jpg' }],
		});
		const result = await deliver(harness, page([event]));
		assert.equal(result.status, 200);
		const sentText = result.sentBody.toString('latin1');
		assert.ok(/^[\x20-\x7e]*$/.test(sentText), 'Meta sends pure ASCII');
		assert.ok(sentText.includes('Gr\\u00fc\\u00dfe'), 'umlauts as \\u00XX');
		assert.ok(sentText.includes('\\ud83d\\udc4b'), 'emoji as surrogate pairs');
		assert.ok(sentText.includes('https:\\/\\/cdn.example.com'), 'slashes escaped');

		const [item] = itemsOf(harness);
		assert.equal(item.text, text);
		assert.deepEqual(item.attachments, [{ type: 'image', url: 'https://cdn.example.com/bilder/straße.jpg' }]);
		assert.deepEqual((item.raw as IDataObject).message, { mid: 'm_unicode', text, attachments: [{ type: 'image', payload: { url: 'https://cdn.example.com/bilder/straße.jpg' } }] });
	});

	test('raw UTF-8 bytes (no escaping) verify as well', async () => {
		const harness = await trigger();
		const result = await deliver(harness, page([hello(text)]), { escapeUnicode: false, escapeSlashes: false });
		assert.equal(result.status, 200);
		assert.ok(result.sentBody.includes(Buffer.from('ß', 'utf8')));
		assert.equal(itemsOf(harness)[0].text, text);
	});
});

describe('batches, order and duplicates', () => {
	test('1,000 events in one delivery: answered well within Meta\'s 5 s, one execution, 1,000 items sorted by timestamp', async () => {
		const harness = await trigger();
		const payload = batchedPayload('page', PAGE_ID, 1000, { senders: [alice, bob, USERS.chloe.id], startTimestamp: T0, shuffle: true });
		const timestamps = payload.entry.map((entry) => entry.messaging![0].timestamp);
		assert.notDeepEqual(timestamps, [...timestamps].sort((a, b) => a - b), 'the delivery really is out of order');

		const started = performance.now();
		const result = await fake.deliver(harness.webhookUrl, payload);
		const elapsedMs = performance.now() - started;
		await settled(harness);

		assert.equal(result.status, 200);
		assert.ok(elapsedMs < 5000, `answered after ${Math.round(elapsedMs)} ms`);
		assert.equal(harness.executions.length, 1);
		const items = itemsOf(harness);
		assert.equal(items.length, 1000);
		items.forEach((item, index) => {
			assert.equal(item.timestamp, iso(T0 + index * 1000));
			assert.equal(item.text, `Batched message ${index + 1}`);
		});
		assert.equal(new Set(items.map((item) => item.messageId)).size, 1000);
		assert.equal(harness.runs[0].status, 'success');
	});

	test('duplicates inside one delivery are dropped', async () => {
		const harness = await trigger();
		const payload = batchedPayload('page', PAGE_ID, 300, { senders: [alice, bob], startTimestamp: T0, shuffle: true, duplicates: 120 });
		assert.equal(payload.entry.length, 420);
		const result = await deliver(harness, payload);
		assert.equal(result.status, 200);
		const items = itemsOf(harness);
		assert.equal(items.length, 300);
		assert.deepEqual(
			items.map((item) => item.text),
			Array.from({ length: 300 }, (_, index) => `Batched message ${index + 1}`),
		);
	});

	test('an event delivered three times produces one item', async () => {
		const harness = await trigger({ events: ALL_EVENTS });
		const events = [
			hello('Once', T0),
			postbackEvent({ from: alice, to: PAGE_ID, title: 'Menu', payload: 'MENU', timestamp: T0 + 1, mid: 'm_pb' }),
			readEvent({ from: alice, to: PAGE_ID, watermark: T0 - 5, timestamp: T0 + 2 }),
			reactionEvent({ from: alice, to: PAGE_ID, mid: 'm_out', timestamp: T0 + 3 }),
			deliveryEvent({ from: alice, to: PAGE_ID, mids: ['m_out'], watermark: T0 + 3, timestamp: T0 + 4 }),
		];
		for (let attempt = 0; attempt < 3; attempt++) {
			const result = await deliver(harness, page(events));
			assert.equal(result.status, 200, 'redeliveries are acknowledged, so Meta stops retrying');
		}
		assert.equal(harness.executions.length, 1);
		assert.deepEqual(
			itemsOf(harness).map((item) => item.type),
			['message', 'postback', 'read', 'reaction', 'delivery'],
		);
	});

	test('the same delivery arriving several times at once: one item', async () => {
		const harness = await trigger();
		const payload = page([hello('at once', T0)]);
		const results = await Promise.all(Array.from({ length: 5 }, () => fake.deliver(harness.webhookUrl, payload)));
		assert.deepEqual(
			results.map((result) => result.status),
			[200, 200, 200, 200, 200],
		);
		await settled(harness);
		assert.equal(harness.executions.length, 1);
		assert.deepEqual(
			itemsOf(harness).map((item) => item.text),
			['at once'],
		);
	});

	test('a redelivery batched with new events: only the new ones come out', async () => {
		const harness = await trigger();
		await deliver(harness, page([hello('one', T0), hello('two', T0 + 1)]));
		await deliver(harness, page([hello('two', T0 + 1), hello('three', T0 + 2)]));
		assert.deepEqual(
			harness.executions.map((execution) => execution[0].map((item) => item.json.text)),
			[['one', 'two'], ['three']],
		);
	});

	test('dedupe survives a restart (static data reloaded)', async () => {
		const options = { credentials: metaCredentials(fake), parameters: { platform: 'messenger' }, requireActivation: false };
		const harness = await triggers.start(options);
		await deliver(harness, page([hello('before restart', T0)]));
		assert.equal(harness.executions.length, 1);

		const restarted = await triggers.restart(harness);
		assert.equal(restarted.webhookUrl, harness.webhookUrl);
		const again = await deliver(restarted, page([hello('before restart', T0)]));
		assert.equal(again.status, 200);
		assert.equal(restarted.executions.length, 0, 'Meta retried after the restart: no second item');

		await deliver(restarted, page([hello('after restart', T0 + 1)]));
		assert.deepEqual(
			itemsOf(restarted).map((item) => item.text),
			['after restart'],
		);
	});

	test('events arriving after a rejected (unsigned) attempt are still emitted once', async () => {
		const harness = await trigger();
		await deliver(harness, page([hello('retry me', T0)]), { signature: 'missing' });
		await deliver(harness, page([hello('retry me', T0)]));
		await deliver(harness, page([hello('retry me', T0)]));
		assert.equal(harness.executions.length, 1);
	});
});

describe('event mapping', () => {
	test('Messenger: every event type as a unified item', async () => {
		const harness = await trigger({ events: ALL_EVENTS, options: { includeEchoes: true } });
		const otherApp = '263902037430900';
		const events: MessagingEvent[] = [
			// Out of order on purpose: items come out sorted by timestamp.
			handoverEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 12, kind: 'pass_thread_control', newOwnerAppId: otherApp, previousOwnerAppId: APP_ID, metadata: 'to a human' }),
			messageEvent({
				from: alice,
				to: PAGE_ID,
				timestamp: T0 + 1,
				mid: 'm_media',
				text: 'Look at this',
				replyTo: 'm_earlier',
				attachments: [
					{ type: 'image', url: 'https://cdn.example.com/photo.jpg' },
					{ type: 'file', url: 'https://cdn.example.com/menu.pdf' },
					{ type: 'image', payload: { url: 'https://cdn.example.com/sticker.png', sticker_id: 369239263222822 } },
					{ type: 'fallback', payload: { url: 'https://example.com/article', title: 'An article' } },
				],
			}),
			quickReplyEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 2, mid: 'm_qr', text: 'Yes please', payload: 'CONFIRM_YES' }),
			postbackEvent({
				from: alice,
				to: PAGE_ID,
				timestamp: T0 + 3,
				mid: 'm_pb',
				title: 'Get Started',
				payload: 'GET_STARTED',
				referral: { ref: 'summer-sale', source: 'SHORTLINK', type: 'OPEN_THREAD' },
			}),
			readEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 4, watermark: T0 - 1000 }),
			deliveryEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 5, mids: ['m_out_1', 'm_out_2'], watermark: T0 - 500 }),
			reactionEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 6, mid: 'm_out_1', action: 'react', reaction: 'love', emoji: '❤️' }),
			reactionEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 7, mid: 'm_out_1', action: 'unreact' }),
			echoEvent({ from: PAGE_ID, to: alice, timestamp: T0 + 8, mid: 'm_echo', text: 'Thanks!', appId: APP_ID, metadata: 'order-42' }),
			{ sender: { id: alice }, recipient: { id: PAGE_ID }, timestamp: T0 + 9, message_edit: { mid: 'm_media', text: 'Look at this!', num_edit: 1 } },
			optinEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 10, notificationToken: 'NMT-token-1', payload: 'weekly-deals', title: 'Weekly deals' }),
			referralEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 11, ref: 'ad-campaign-7', source: 'ADS', type: 'OPEN_THREAD' }),
		];
		// Checkbox plugin opt-in: no sender, only a user_ref.
		const checkbox = { recipient: { id: PAGE_ID }, timestamp: T0 + 13, optin: { ref: 'checkout-box', user_ref: 'uref-8817' } };
		const standbyMessage = messageEvent({ from: bob, to: PAGE_ID, timestamp: T0 + 14, mid: 'm_standby', text: 'Is anyone there?' });
		const result = await deliver(harness, page([...events, checkbox as unknown as MessagingEvent], { standby: [standbyMessage] }));
		assert.equal(result.status, 200);

		const base = { platform: 'messenger', accountId: PAGE_ID, sender: { id: alice }, recipient: { id: PAGE_ID }, conversationKey: `${PAGE_ID}:${alice}`, attachments: [] };
		assert.deepEqual(itemsOf(harness), [
			{
				...base,
				type: 'message',
				timestamp: iso(T0 + 1),
				messageId: 'm_media',
				text: 'Look at this',
				replyToId: 'm_earlier',
				attachments: [
					{ type: 'image', url: 'https://cdn.example.com/photo.jpg' },
					{ type: 'file', url: 'https://cdn.example.com/menu.pdf' },
					{ type: 'image', url: 'https://cdn.example.com/sticker.png', id: '369239263222822', payload: { sticker_id: 369239263222822 } },
					{ type: 'fallback', url: 'https://example.com/article', payload: { title: 'An article' } },
				],
			},
			{ ...base, type: 'quick_reply', timestamp: iso(T0 + 2), messageId: 'm_qr', text: 'Yes please', payload: 'CONFIRM_YES' },
			{
				...base,
				type: 'postback',
				timestamp: iso(T0 + 3),
				messageId: 'm_pb',
				title: 'Get Started',
				payload: 'GET_STARTED',
				referral: { ref: 'summer-sale', source: 'SHORTLINK', type: 'OPEN_THREAD' },
			},
			{ ...base, type: 'read', timestamp: iso(T0 + 4), watermark: iso(T0 - 1000) },
			{ ...base, type: 'delivery', timestamp: iso(T0 + 5), watermark: iso(T0 - 500), messageIds: ['m_out_1', 'm_out_2'] },
			{ ...base, type: 'reaction', timestamp: iso(T0 + 6), messageId: 'm_out_1', reaction: { action: 'react', reaction: 'love', emoji: '❤️' } },
			{ ...base, type: 'reaction', timestamp: iso(T0 + 7), messageId: 'm_out_1', reaction: { action: 'unreact' } },
			{
				...base,
				type: 'echo',
				sender: { id: PAGE_ID },
				recipient: { id: alice },
				conversationKey: `${PAGE_ID}:${alice}`,
				timestamp: iso(T0 + 8),
				messageId: 'm_echo',
				text: 'Thanks!',
				metadata: 'order-42',
			},
			{ ...base, type: 'edit', timestamp: iso(T0 + 9), messageId: 'm_media', text: 'Look at this!' },
			{ ...base, type: 'optin', timestamp: iso(T0 + 10), payload: 'weekly-deals', title: 'Weekly deals', notificationToken: 'NMT-token-1' },
			{ ...base, type: 'referral', timestamp: iso(T0 + 11), payload: 'ad-campaign-7', referral: { ref: 'ad-campaign-7', source: 'ADS', type: 'OPEN_THREAD' } },
			{
				...base,
				type: 'handover',
				timestamp: iso(T0 + 12),
				handover: { action: 'pass_thread_control', newOwnerAppId: otherApp, previousOwnerAppId: APP_ID },
				metadata: 'to a human',
			},
			{
				type: 'optin',
				platform: 'messenger',
				accountId: PAGE_ID,
				recipient: { id: PAGE_ID },
				conversationKey: `${PAGE_ID}:uref-8817`,
				attachments: [],
				timestamp: iso(T0 + 13),
				payload: 'checkout-box',
				userRef: 'uref-8817',
			},
			{
				...base,
				type: 'message',
				sender: { id: bob },
				conversationKey: `${PAGE_ID}:${bob}`,
				timestamp: iso(T0 + 14),
				messageId: 'm_standby',
				text: 'Is anyone there?',
				standby: true,
			},
		]);
	});

	test('Messenger: take and request thread control', async () => {
		const harness = await trigger({ events: ['handover'] });
		await deliver(
			harness,
			page([
				handoverEvent({ from: alice, to: PAGE_ID, timestamp: T0, kind: 'take_thread_control', previousOwnerAppId: '263902037430900', metadata: 'taken' }),
				handoverEvent({ from: alice, to: PAGE_ID, timestamp: T0, kind: 'request_thread_control', requestedOwnerAppId: '263902037430900' }),
			]),
		);
		assert.deepEqual(
			itemsOf(harness).map((item) => [item.handover, item.metadata]),
			[
				[{ action: 'take_thread_control', previousOwnerAppId: '263902037430900' }, 'taken'],
				[{ action: 'request_thread_control', requestedOwnerAppId: '263902037430900' }, undefined],
			],
		);
	});

	test('Instagram: message with media, read by mid, reaction with emoji, echo, postback and referral', async () => {
		const harness = await trigger({ platform: 'instagram', events: ALL_EVENTS, options: { includeEchoes: true } });
		const ig = (event: Omit<Parameters<typeof messageEvent>[0], 'platform'>) => messageEvent({ ...event, platform: 'instagram' });
		const payload = webhookPayload('instagram', IG_ACCOUNT_ID, [
			ig({
				from: ines,
				to: IG_ACCOUNT_ID,
				timestamp: T0 + 1,
				mid: 'aWdfbWVzc2FnZV9pdGVtOjE',
				attachments: [
					{ type: 'ig_reel', payload: { url: 'https://lookaside.example.com/reel.mp4', title: 'Our new roast', reel_video_id: '1789' } },
					{ type: 'story_mention', url: 'https://lookaside.example.com/story.jpg' },
					{ type: 'share', url: 'https://lookaside.example.com/post.jpg' },
				],
			}),
			readEvent({ platform: 'instagram', from: ines, to: IG_ACCOUNT_ID, timestamp: T0 + 2, mid: 'aWdfb3V0XzE' }),
			reactionEvent({ platform: 'instagram', from: ines, to: IG_ACCOUNT_ID, timestamp: T0 + 3, mid: 'aWdfb3V0XzE', reaction: 'love', emoji: '😍' }),
			echoEvent({ platform: 'instagram', from: IG_ACCOUNT_ID, to: ines, timestamp: T0 + 4, mid: 'aWdfZWNobw', text: 'Gracias 🙏' }),
			postbackEvent({ platform: 'instagram', from: ines, to: IG_ACCOUNT_ID, timestamp: T0 + 5, mid: 'aWdfcGI', title: 'Opening hours', payload: 'HOURS' }),
			referralEvent({ platform: 'instagram', from: ines, to: IG_ACCOUNT_ID, timestamp: T0 + 6, ref: 'bio-link', source: 'IGME', type: 'OPEN_THREAD' }),
		]);
		const result = await deliver(harness, payload);
		assert.equal(result.status, 200);

		const base = {
			platform: 'instagram',
			accountId: IG_ACCOUNT_ID,
			sender: { id: ines },
			recipient: { id: IG_ACCOUNT_ID },
			conversationKey: `${IG_ACCOUNT_ID}:${ines}`,
			attachments: [],
		};
		assert.deepEqual(itemsOf(harness), [
			{
				...base,
				type: 'message',
				timestamp: iso(T0 + 1),
				messageId: 'aWdfbWVzc2FnZV9pdGVtOjE',
				attachments: [
					{ type: 'reel', url: 'https://lookaside.example.com/reel.mp4', payload: { title: 'Our new roast', reel_video_id: '1789' } },
					{ type: 'story_mention', url: 'https://lookaside.example.com/story.jpg' },
					{ type: 'share', url: 'https://lookaside.example.com/post.jpg' },
				],
			},
			{ ...base, type: 'read', timestamp: iso(T0 + 2), messageId: 'aWdfb3V0XzE' },
			{ ...base, type: 'reaction', timestamp: iso(T0 + 3), messageId: 'aWdfb3V0XzE', reaction: { action: 'react', reaction: 'love', emoji: '😍' } },
			{ ...base, type: 'echo', sender: { id: IG_ACCOUNT_ID }, recipient: { id: ines }, timestamp: iso(T0 + 4), messageId: 'aWdfZWNobw', text: 'Gracias 🙏' },
			{ ...base, type: 'postback', timestamp: iso(T0 + 5), messageId: 'aWdfcGI', title: 'Opening hours', payload: 'HOURS' },
			{ ...base, type: 'referral', timestamp: iso(T0 + 6), payload: 'bio-link', referral: { ref: 'bio-link', source: 'IGME', type: 'OPEN_THREAD' } },
		]);
	});

	test('Include Raw Event adds the platform\'s event unchanged', async () => {
		const harness = await trigger({ events: ['message', 'reaction'], options: { includeRaw: true } });
		const message = messageEvent({ from: alice, to: PAGE_ID, text: 'Raw ü', timestamp: T0, mid: 'm_raw', quickReplyPayload: undefined, metadata: 'meta' });
		const reaction = reactionEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 1, mid: 'm_out', emoji: '👍', reaction: 'like' });
		await deliver(harness, page([message, reaction]));
		assert.deepEqual(
			itemsOf(harness).map((item) => item.raw),
			[message, reaction],
		);

		const withoutRaw = await trigger({ events: ['message'] });
		await deliver(withoutRaw, page([hello('no raw', T0 + 5)]));
		assert.equal('raw' in itemsOf(withoutRaw)[0], false);
	});
});

describe('filters', () => {
	const mixed = () =>
		page([
			hello('a message', T0),
			quickReplyEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 1, mid: 'm_qr_f', text: 'Yes', payload: 'YES' }),
			postbackEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 2, mid: 'm_pb_f', title: 'Menu', payload: 'MENU' }),
			readEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 3 }),
			deliveryEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 4, mids: ['m_x'] }),
			reactionEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 5, mid: 'm_x' }),
			echoEvent({ from: PAGE_ID, to: alice, timestamp: T0 + 6, mid: 'm_echo_f', text: 'echo' }),
		]);

	test('default events: messages, quick replies and postbacks only (no echoes)', async () => {
		const harness = await trigger();
		await deliver(harness, mixed());
		assert.deepEqual(
			itemsOf(harness).map((item) => item.type),
			['message', 'quick_reply', 'postback'],
		);
	});

	test('only the chosen events', async () => {
		const harness = await trigger({ events: ['postback', 'reaction'] });
		await deliver(harness, mixed());
		assert.deepEqual(
			itemsOf(harness).map((item) => item.type),
			['postback', 'reaction'],
		);
	});

	test('a delivery with none of the chosen events: 200 and no execution', async () => {
		const harness = await trigger({ events: ['optin'] });
		const result = await deliver(harness, mixed());
		assert.equal(result.status, 200);
		assert.equal(harness.executions.length, 0);
	});

	test('echoes only with Include Echoes', async () => {
		const without = await trigger({ events: ['message'] });
		await deliver(without, page([echoEvent({ from: PAGE_ID, to: alice, timestamp: T0, mid: 'm_echo_only', text: 'sent by the Page' })]));
		assert.equal(without.executions.length, 0);

		const withEchoes = await trigger({ events: ['message'], options: { includeEchoes: true } });
		await deliver(withEchoes, page([echoEvent({ from: PAGE_ID, to: alice, timestamp: T0, mid: 'm_echo_only', text: 'sent by the Page' })]));
		assert.deepEqual(
			itemsOf(withEchoes).map((item) => [item.type, item.text]),
			[['echo', 'sent by the Page']],
		);
	});

	test('standby events only with Handover', async () => {
		const standby = { standby: [messageEvent({ from: bob, to: PAGE_ID, timestamp: T0, mid: 'm_sb', text: 'while another app is in control' })] };
		const messagesOnly = await trigger({ events: ['message'] });
		await deliver(messagesOnly, page([], standby));
		assert.equal(messagesOnly.executions.length, 0);

		const handover = await trigger({ events: ['handover'] });
		await deliver(handover, page([], standby));
		assert.deepEqual(
			itemsOf(handover).map((item) => [item.type, item.standby, item.text]),
			[['message', true, 'while another app is in control']],
		);
	});

	test('Only Page or Account ID keeps one Page\'s events when the app serves several', async () => {
		const harness = await trigger({ options: { accountId: ` ${PAGE_ID} ` } });
		const payload: WebhookPayload = {
			object: 'page',
			entry: [
				{ id: OTHER_PAGE_ID, time: T0, messaging: [messageEvent({ from: bob, to: OTHER_PAGE_ID, timestamp: T0, mid: 'm_other', text: 'other Page' })] },
				{ id: PAGE_ID, time: T0, messaging: [hello('our Page', T0 + 1)] },
			],
		};
		await deliver(harness, payload);
		assert.deepEqual(
			itemsOf(harness).map((item) => [item.accountId, item.text]),
			[[PAGE_ID, 'our Page']],
		);

		const all = await trigger();
		await deliver(all, payload);
		assert.deepEqual(
			itemsOf(all).map((item) => [item.accountId, item.text]),
			[
				[OTHER_PAGE_ID, 'other Page'],
				[PAGE_ID, 'our Page'],
			],
		);
	});

	test('a delivery for the wrong object is acknowledged and ignored', async () => {
		const harness = await trigger({ platform: 'messenger' });
		const instagram = webhookPayload('instagram', IG_ACCOUNT_ID, [messageEvent({ platform: 'instagram', from: ines, to: IG_ACCOUNT_ID, text: 'wrong trigger', timestamp: T0 })]);
		const result = await deliver(harness, instagram);
		assert.equal(result.status, 200);
		assert.equal(harness.executions.length, 0);

		const igTrigger = await trigger({ platform: 'instagram' });
		await deliver(igTrigger, page([hello('wrong trigger', T0)]));
		assert.equal(igTrigger.executions.length, 0);
	});

	test('a signed body that is not JSON, or has no events, starts nothing', async () => {
		const harness = await trigger();
		for (const body of ['not json', '{"object":"page"}', '{"object":"page","entry":[{"id":"1","time":1}]}', '{"object":"page","entry":[{"id":"1","messaging":[{"unknown_event":{}}]}]}']) {
			const response = await harness.request('POST', undefined, {
				headers: { 'content-type': 'text/plain', 'x-hub-signature-256': signature256(APP_SECRET, body) },
				body,
			});
			assert.equal(response.status, 200, body);
		}
		await settled(harness);
		assert.equal(harness.executions.length, 0);
	});
});
