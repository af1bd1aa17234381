/**
 * Social Messaging Trigger, each POST delivery (issue 3, "Each request"): signature check over the raw
 * bytes, Unicode, batching and ordering, deduplication (also across a restart), the unified items of
 * every event type, and the filters. Deliveries are made by the fake Graph exactly as Meta sends them
 * (escaped JSON, X-Hub-Signature-256 over those bytes).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

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

beforeAll(async () => {
	fake = await startFakeGraph();
});
afterAll(async () => {
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
	it('a correctly signed delivery: 200 at once and one execution', async () => {
		const harness = await trigger();
		const result = await deliver(harness, page([hello()]));
		expect(result.status).toBe(200);
		expect(result.body).toBe('EVENT_RECEIVED');
		expect(harness.executions.length).toBe(1);
		expect(itemsOf(harness)).toStrictEqual([
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
		expect(harness.runs[0].status).toBe('success');
	});

	it('unsigned: 401; wrongly signed: 403; tampered in transit: 403; none starts an execution', async () => {
		const harness = await trigger();
		const cases = [
			{ signature: 'missing' as const, status: 401 },
			{ signature: 'wrong' as const, status: 403 },
			{ signature: 'tampered' as const, status: 403 },
		];
		for (const [index, { signature, status }] of cases.entries()) {
			const result = await deliver(harness, page([hello(`attempt ${index}`, T0 + index)]), { signature });
			// signature
			expect(result.status).toBe(status);
			expect(result.body).not.toBe('EVENT_RECEIVED');
		}
		expect(harness.executions.length).toBe(0);
		expect(harness.calls.map((call) => [call.method, call.status, call.outcome])).toStrictEqual([
				['POST', 401, 'answeredByNode'],
				['POST', 403, 'answeredByNode'],
				['POST', 403, 'answeredByNode'],
			]);
		// A rejected delivery is not remembered: the genuine one afterwards still gets through.
		const genuine = await deliver(harness, page([hello('attempt 2', T0 + 2)]));
		expect(genuine.status).toBe(200);
		expect(harness.executions.length).toBe(1);
	});

	it('only the legacy SHA-1 header, a malformed header, or a signature made with another secret: rejected', async () => {
		const harness = await trigger();
		const { body, headers } = prepareDelivery(page([hello()]), { appSecret: APP_SECRET });
		const sha1Only = { ...headers };
		delete sha1Only['x-hub-signature-256'];
		// the fake also sends the SHA-1 header
		expect(sha1Only['x-hub-signature']).toBeTruthy();
		expect((await harness.request('POST', undefined, { headers: sha1Only, body })).status).toBe(401);

		const digest = signature256(APP_SECRET, body).slice('sha256='.length);
		for (const malformed of [digest, `sha1=${digest}`, `sha256=${digest.slice(0, 63)}`, `sha256=${digest}00`, 'sha256=']) {
			const response = await harness.request('POST', undefined, { headers: { ...headers, 'x-hub-signature-256': malformed }, body });
			// malformed
			expect(response.status).toBe(403);
		}
		const otherApp = signature256('another-apps-secret', body);
		expect((await harness.request('POST', undefined, { headers: { ...headers, 'x-hub-signature-256': otherApp }, body })).status).toBe(403);
		expect(harness.executions.length).toBe(0);

		expect((await harness.request('POST', undefined, { headers, body })).status).toBe(200);
		await settled(harness);
		expect(harness.executions.length).toBe(1);
	});

	it('the signature is checked over the raw bytes, not over re-serialised JSON', async () => {
		const harness = await trigger();
		const payload = page([hello('Grüße aus Köln')]);
		const raw = metaJson(payload);
		// A hash over JSON.stringify of the parsed body (unescaped UTF-8) does not match what Meta signed.
		const reserialised = signature256(APP_SECRET, Buffer.from(JSON.stringify(payload), 'utf8'));
		const rejected = await harness.request('POST', undefined, {
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': reserialised },
			body: raw,
		});
		expect(rejected.status).toBe(403);
		// Extra whitespace is fine as long as the signature covers those exact bytes.
		const spaced = raw.replace('{"object"', '{ "object"');
		const accepted = await harness.request('POST', undefined, {
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature256(APP_SECRET, spaced) },
			body: spaced,
		});
		expect(accepted.status).toBe(200);
		await settled(harness);
		expect(itemsOf(harness).map((item) => item.text)).toStrictEqual(['Grüße aus Köln']);
	});
});

describe('Unicode', () => {
	const text = 'Grüße aus Köln! Ä Ö Ü ß 👋🏽 ❤️ 日本語 – “quoted” / slash';

	it('escaped the way Meta sends it (\\u00e4): the signature verifies and the text comes out decoded', async () => {
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
		expect(result.status).toBe(200);
		const sentText = result.sentBody.toString('latin1');
		// Meta sends pure ASCII
		expect(/^[\x20-\x7e]*$/.test(sentText)).toBeTruthy();
		// umlauts as \u00XX
		expect(sentText).toContain('Gr\\u00fc\\u00dfe');
		// emoji as surrogate pairs
		expect(sentText).toContain('\\ud83d\\udc4b');
		// slashes escaped
		expect(sentText).toContain('https:\\/\\/cdn.example.com');

		const [item] = itemsOf(harness);
		expect(item.text).toBe(text);
		expect(item.attachments).toStrictEqual([{ type: 'image', url: 'https://cdn.example.com/bilder/straße.jpg' }]);
		expect((item.raw as IDataObject).message).toStrictEqual({ mid: 'm_unicode', text, attachments: [{ type: 'image', payload: { url: 'https://cdn.example.com/bilder/straße.jpg' } }] });
	});

	it('raw UTF-8 bytes (no escaping) verify as well', async () => {
		const harness = await trigger();
		const result = await deliver(harness, page([hello(text)]), { escapeUnicode: false, escapeSlashes: false });
		expect(result.status).toBe(200);
		expect(result.sentBody.includes(Buffer.from('ß', 'utf8'))).toBe(true);
		expect(itemsOf(harness)[0].text).toBe(text);
	});
});

describe('batches, order and duplicates', () => {
	it('1,000 events in one delivery: answered well within Meta\'s 5 s, one execution, 1,000 items sorted by timestamp', async () => {
		const harness = await trigger();
		const payload = batchedPayload('page', PAGE_ID, 1000, { senders: [alice, bob, USERS.chloe.id], startTimestamp: T0, shuffle: true });
		const timestamps = payload.entry.map((entry) => entry.messaging![0].timestamp);
		// the delivery really is out of order
		expect(timestamps).not.toStrictEqual([...timestamps].sort((a, b) => a - b));

		const started = performance.now();
		const result = await fake.deliver(harness.webhookUrl, payload);
		const elapsedMs = performance.now() - started;
		await settled(harness);

		expect(result.status).toBe(200);
		// answered after ${Math.round(elapsedMs)} ms
		expect(elapsedMs).toBeLessThan(5000);
		expect(harness.executions.length).toBe(1);
		const items = itemsOf(harness);
		expect(items.length).toBe(1000);
		items.forEach((item, index) => {
			expect(item.timestamp).toBe(iso(T0 + index * 1000));
			expect(item.text).toBe(`Batched message ${index + 1}`);
		});
		expect(new Set(items.map((item) => item.messageId)).size).toBe(1000);
		expect(harness.runs[0].status).toBe('success');
	});

	it('duplicates inside one delivery are dropped', async () => {
		const harness = await trigger();
		const payload = batchedPayload('page', PAGE_ID, 300, { senders: [alice, bob], startTimestamp: T0, shuffle: true, duplicates: 120 });
		expect(payload.entry.length).toBe(420);
		const result = await deliver(harness, payload);
		expect(result.status).toBe(200);
		const items = itemsOf(harness);
		expect(items.length).toBe(300);
		expect(items.map((item) => item.text)).toStrictEqual(Array.from({ length: 300 }, (_, index) => `Batched message ${index + 1}`));
	});

	it('an event delivered three times produces one item', async () => {
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
			// redeliveries are acknowledged, so Meta stops retrying
			expect(result.status).toBe(200);
		}
		expect(harness.executions.length).toBe(1);
		expect(itemsOf(harness).map((item) => item.type)).toStrictEqual(['message', 'postback', 'read', 'reaction', 'delivery']);
	});

	it('the same delivery arriving several times at once: one item', async () => {
		const harness = await trigger();
		const payload = page([hello('at once', T0)]);
		const results = await Promise.all(Array.from({ length: 5 }, () => fake.deliver(harness.webhookUrl, payload)));
		expect(results.map((result) => result.status)).toStrictEqual([200, 200, 200, 200, 200]);
		await settled(harness);
		expect(harness.executions.length).toBe(1);
		expect(itemsOf(harness).map((item) => item.text)).toStrictEqual(['at once']);
	});

	it('a redelivery batched with new events: only the new ones come out', async () => {
		const harness = await trigger();
		await deliver(harness, page([hello('one', T0), hello('two', T0 + 1)]));
		await deliver(harness, page([hello('two', T0 + 1), hello('three', T0 + 2)]));
		expect(harness.executions.map((execution) => execution[0].map((item) => item.json.text))).toStrictEqual([['one', 'two'], ['three']]);
	});

	it('dedupe survives a restart (static data reloaded)', async () => {
		const options = { credentials: metaCredentials(fake), parameters: { platform: 'messenger' }, requireActivation: false };
		const harness = await triggers.start(options);
		await deliver(harness, page([hello('before restart', T0)]));
		expect(harness.executions.length).toBe(1);

		const restarted = await triggers.restart(harness);
		expect(restarted.webhookUrl).toBe(harness.webhookUrl);
		const again = await deliver(restarted, page([hello('before restart', T0)]));
		expect(again.status).toBe(200);
		// Meta retried after the restart: no second item
		expect(restarted.executions.length).toBe(0);

		await deliver(restarted, page([hello('after restart', T0 + 1)]));
		expect(itemsOf(restarted).map((item) => item.text)).toStrictEqual(['after restart']);
	});

	it('events arriving after a rejected (unsigned) attempt are still emitted once', async () => {
		const harness = await trigger();
		await deliver(harness, page([hello('retry me', T0)]), { signature: 'missing' });
		await deliver(harness, page([hello('retry me', T0)]));
		await deliver(harness, page([hello('retry me', T0)]));
		expect(harness.executions.length).toBe(1);
	});
});

describe('event mapping', () => {
	it('Messenger: every event type as a unified item', async () => {
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
		expect(result.status).toBe(200);

		const base = { platform: 'messenger', accountId: PAGE_ID, sender: { id: alice }, recipient: { id: PAGE_ID }, conversationKey: `${PAGE_ID}:${alice}`, attachments: [] };
		expect(itemsOf(harness)).toStrictEqual([
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
			{
				...base,
				type: 'optin',
				timestamp: iso(T0 + 10),
				payload: 'weekly-deals',
				title: 'Weekly deals',
				notificationToken: 'NMT-token-1',
				notificationOptIn: {
					token: 'NMT-token-1',
					frequency: 'DAILY',
					timezone: 'UTC',
					expiresAt: iso(T0 + 10 + 180 * 24 * 3600 * 1000),
					tokenStatus: 'NOT_REFRESHED',
					payload: 'weekly-deals',
					title: 'Weekly deals',
				},
			},
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

	it('Messenger: take and request thread control', async () => {
		const harness = await trigger({ events: ['handover'] });
		await deliver(
			harness,
			page([
				handoverEvent({ from: alice, to: PAGE_ID, timestamp: T0, kind: 'take_thread_control', previousOwnerAppId: '263902037430900', metadata: 'taken' }),
				handoverEvent({ from: alice, to: PAGE_ID, timestamp: T0, kind: 'request_thread_control', requestedOwnerAppId: '263902037430900' }),
			]),
		);
		expect(itemsOf(harness).map((item) => [item.handover, item.metadata])).toStrictEqual([
				[{ action: 'take_thread_control', previousOwnerAppId: '263902037430900' }, 'taken'],
				[{ action: 'request_thread_control', requestedOwnerAppId: '263902037430900' }, undefined],
			]);
	});

	it('Instagram: message with media, read by mid, reaction with emoji, echo, postback and referral', async () => {
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
		expect(result.status).toBe(200);

		const base = {
			platform: 'instagram',
			accountId: IG_ACCOUNT_ID,
			sender: { id: ines },
			recipient: { id: IG_ACCOUNT_ID },
			conversationKey: `${IG_ACCOUNT_ID}:${ines}`,
			attachments: [],
		};
		expect(itemsOf(harness)).toStrictEqual([
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

	it('Include Raw Event adds the platform\'s event unchanged', async () => {
		const harness = await trigger({ events: ['message', 'reaction'], options: { includeRaw: true } });
		const message = messageEvent({ from: alice, to: PAGE_ID, text: 'Raw ü', timestamp: T0, mid: 'm_raw', quickReplyPayload: undefined, metadata: 'meta' });
		const reaction = reactionEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 1, mid: 'm_out', emoji: '👍', reaction: 'like' });
		await deliver(harness, page([message, reaction]));
		expect(itemsOf(harness).map((item) => item.raw)).toStrictEqual([message, reaction]);

		const withoutRaw = await trigger({ events: ['message'] });
		await deliver(withoutRaw, page([hello('no raw', T0 + 5)]));
		expect('raw' in itemsOf(withoutRaw)[0]).toBe(false);
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

	it('default events: messages, quick replies and postbacks only (no echoes)', async () => {
		const harness = await trigger();
		await deliver(harness, mixed());
		expect(itemsOf(harness).map((item) => item.type)).toStrictEqual(['message', 'quick_reply', 'postback']);
	});

	it('only the chosen events', async () => {
		const harness = await trigger({ events: ['postback', 'reaction'] });
		await deliver(harness, mixed());
		expect(itemsOf(harness).map((item) => item.type)).toStrictEqual(['postback', 'reaction']);
	});

	it('a delivery with none of the chosen events: 200 and no execution', async () => {
		const harness = await trigger({ events: ['optin'] });
		const result = await deliver(harness, mixed());
		expect(result.status).toBe(200);
		expect(harness.executions.length).toBe(0);
	});

	it('echoes only with Include Echoes', async () => {
		const without = await trigger({ events: ['message'] });
		await deliver(without, page([echoEvent({ from: PAGE_ID, to: alice, timestamp: T0, mid: 'm_echo_only', text: 'sent by the Page' })]));
		expect(without.executions.length).toBe(0);

		const withEchoes = await trigger({ events: ['message'], options: { includeEchoes: true } });
		await deliver(withEchoes, page([echoEvent({ from: PAGE_ID, to: alice, timestamp: T0, mid: 'm_echo_only', text: 'sent by the Page' })]));
		expect(itemsOf(withEchoes).map((item) => [item.type, item.text])).toStrictEqual([['echo', 'sent by the Page']]);
	});

	it('standby events only with Handover', async () => {
		const standby = { standby: [messageEvent({ from: bob, to: PAGE_ID, timestamp: T0, mid: 'm_sb', text: 'while another app is in control' })] };
		const messagesOnly = await trigger({ events: ['message'] });
		await deliver(messagesOnly, page([], standby));
		expect(messagesOnly.executions.length).toBe(0);

		const handover = await trigger({ events: ['handover'] });
		await deliver(handover, page([], standby));
		expect(itemsOf(handover).map((item) => [item.type, item.standby, item.text])).toStrictEqual([['message', true, 'while another app is in control']]);
	});

	it('Only Page or Account ID keeps one Page\'s events when the app serves several', async () => {
		const harness = await trigger({ options: { accountId: ` ${PAGE_ID} ` } });
		const payload: WebhookPayload = {
			object: 'page',
			entry: [
				{ id: OTHER_PAGE_ID, time: T0, messaging: [messageEvent({ from: bob, to: OTHER_PAGE_ID, timestamp: T0, mid: 'm_other', text: 'other Page' })] },
				{ id: PAGE_ID, time: T0, messaging: [hello('our Page', T0 + 1)] },
			],
		};
		await deliver(harness, payload);
		expect(itemsOf(harness).map((item) => [item.accountId, item.text])).toStrictEqual([[PAGE_ID, 'our Page']]);

		const all = await trigger();
		await deliver(all, payload);
		expect(itemsOf(all).map((item) => [item.accountId, item.text])).toStrictEqual([
				[OTHER_PAGE_ID, 'other Page'],
				[PAGE_ID, 'our Page'],
			]);
	});

	it('a delivery for the wrong object is acknowledged and ignored', async () => {
		const harness = await trigger({ platform: 'messenger' });
		const instagram = webhookPayload('instagram', IG_ACCOUNT_ID, [messageEvent({ platform: 'instagram', from: ines, to: IG_ACCOUNT_ID, text: 'wrong trigger', timestamp: T0 })]);
		const result = await deliver(harness, instagram);
		expect(result.status).toBe(200);
		expect(harness.executions.length).toBe(0);

		const igTrigger = await trigger({ platform: 'instagram' });
		await deliver(igTrigger, page([hello('wrong trigger', T0)]));
		expect(igTrigger.executions.length).toBe(0);
	});

	it('a signed body that is not JSON, or has no events, starts nothing', async () => {
		const harness = await trigger();
		for (const body of ['not json', '{"object":"page"}', '{"object":"page","entry":[{"id":"1","time":1}]}', '{"object":"page","entry":[{"id":"1","messaging":[{"unknown_event":{}}]}]}']) {
			const response = await harness.request('POST', undefined, {
				headers: { 'content-type': 'text/plain', 'x-hub-signature-256': signature256(APP_SECRET, body) },
				body,
			});
			// body
			expect(response.status).toBe(200);
		}
		await settled(harness);
		expect(harness.executions.length).toBe(0);
	});
});
