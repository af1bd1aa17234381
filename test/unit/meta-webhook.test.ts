/**
 * nodes/platforms/meta/webhook.ts on its own: the signature check, the verify token, the GET handshake,
 * the translation of deliveries into unified events (order, dedupe keys) and the webhook fields.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import {
	WEBHOOK_OBJECTS,
	deriveVerifyToken,
	parseDelivery,
	readChallenge,
	safeEqual,
	verifySignature,
	webhookFields,
} from '../../nodes/platforms/meta/webhook';
import type { MessagingEventType } from '../../nodes/platforms/types';

const SECRET = '9f2c4b7a1e6d3c8b5a4f7e2d1c0b9a87';
const sign = (body: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('safeEqual', () => {
	test('equal strings, different strings, different lengths', () => {
		assert.equal(safeEqual('abc', 'abc'), true);
		assert.equal(safeEqual('abc', 'abd'), false);
		assert.equal(safeEqual('abc', 'abcd'), false);
		assert.equal(safeEqual('', ''), true);
		assert.equal(safeEqual('ä', 'a'), false);
	});
});

describe('verifySignature', () => {
	const escaped = Buffer.from('{"text":"Gr\\u00fc\\u00dfe \\ud83d\\udc4b"}');

	test('accepts HMAC-SHA256 of the exact bytes with the app secret', () => {
		assert.equal(verifySignature(escaped, sign(escaped), SECRET), true);
		assert.equal(verifySignature(escaped, ` ${sign(escaped)} `, SECRET), true, 'surrounding whitespace');
		assert.equal(verifySignature(escaped, sign(escaped).toUpperCase().replace('SHA256=', 'sha256='), SECRET), true, 'upper-case hex');
	});

	test('the escaped bytes Meta signs are not the same as the decoded JSON', () => {
		const decoded = Buffer.from(JSON.stringify(JSON.parse(escaped.toString('utf8'))), 'utf8');
		assert.notDeepEqual(decoded, escaped);
		assert.equal(verifySignature(escaped, sign(decoded), SECRET), false);
		assert.equal(verifySignature(decoded, sign(decoded), SECRET), true);
	});

	test('rejects a missing, malformed, SHA-1 or wrongly keyed signature, and an empty secret', () => {
		const good = sign(escaped);
		const hex = good.slice('sha256='.length);
		for (const header of [undefined, '', 'sha256=', hex, `sha1=${hex.slice(0, 40)}`, `sha256=${hex.slice(1)}`, `sha256=${hex}0`, `sha256=${'z'.repeat(64)}`, sign(escaped, 'other')]) {
			assert.equal(verifySignature(escaped, header, SECRET), false, String(header));
		}
		assert.equal(verifySignature(escaped, good, ''), false);
		const tampered = Buffer.from(escaped.toString('utf8').replace('Gr', 'Xr'));
		assert.equal(verifySignature(tampered, good, SECRET), false);
	});
});

describe('deriveVerifyToken', () => {
	test('stable, 40 hex characters, and different for another secret, workflow or node', () => {
		const token = deriveVerifyToken(SECRET, 'wf-1', 'node-1');
		assert.match(token, /^[0-9a-f]{40}$/);
		assert.equal(deriveVerifyToken(SECRET, 'wf-1', 'node-1'), token);
		const others = [deriveVerifyToken(`${SECRET}x`, 'wf-1', 'node-1'), deriveVerifyToken(SECRET, 'wf-2', 'node-1'), deriveVerifyToken(SECRET, 'wf-1', 'node-2')];
		assert.equal(new Set([token, ...others]).size, 4);
		for (const input of ['wf-1', 'node-1', SECRET]) assert.ok(!token.includes(input));
	});
});

describe('readChallenge', () => {
	const token = deriveVerifyToken(SECRET, 'wf', 'node');

	test('returns the challenge for mode subscribe and the right token', () => {
		assert.equal(readChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' }, token), '1158201444');
	});

	test('undefined for a wrong token or mode, missing or non-string values', () => {
		const cases: IDataObject[] = [
			{ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' },
			{ 'hub.mode': 'unsubscribe', 'hub.verify_token': token, 'hub.challenge': '1' },
			{ 'hub.mode': 'SUBSCRIBE', 'hub.verify_token': token, 'hub.challenge': '1' },
			{ 'hub.verify_token': token, 'hub.challenge': '1' },
			{ 'hub.mode': 'subscribe', 'hub.challenge': '1' },
			{ 'hub.mode': 'subscribe', 'hub.verify_token': token },
			{ 'hub.mode': 'subscribe', 'hub.verify_token': [token, token], 'hub.challenge': '1' },
			{ 'hub.mode': ['subscribe'], 'hub.verify_token': token, 'hub.challenge': '1' },
			{},
		];
		for (const query of cases) assert.equal(readChallenge(query, token), undefined, JSON.stringify(query));
	});
});

describe('parseDelivery', () => {
	const PAGE = '104812345678901';
	const USER = '24681357902468135';
	const at = (ms: number) => new Date(ms).toISOString();
	const msg = (mid: string, timestamp: number, extra: IDataObject = {}) => ({
		sender: { id: USER },
		recipient: { id: PAGE },
		timestamp,
		message: { mid, text: mid, ...extra },
	});

	test('one event per messaging and standby entry, across entries, sorted by timestamp', () => {
		const { object, events } = parseDelivery({
			object: 'page',
			entry: [
				{ id: PAGE, time: 1, messaging: [msg('c', 3000), msg('a', 1000)] },
				{ id: PAGE, time: 1, standby: [msg('b', 2000)], messaging: [msg('d', 4000)] },
			],
		});
		assert.equal(object, 'page');
		assert.deepEqual(
			events.map((event) => [event.messageId, event.timestamp, event.standby ?? false]),
			[
				['a', at(1000), false],
				['b', at(2000), true],
				['c', at(3000), false],
				['d', at(4000), false],
			],
		);
	});

	test('equal timestamps keep the order of the delivery', () => {
		const { events } = parseDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [msg('first', 5), msg('second', 5), msg('third', 5)] }] });
		assert.deepEqual(
			events.map((event) => event.messageId),
			['first', 'second', 'third'],
		);
	});

	test('unknown events, missing entries and non-array lists are skipped', () => {
		assert.deepEqual(parseDelivery({}).events, []);
		assert.deepEqual(parseDelivery({ object: 'page', entry: 'x' as unknown as IDataObject[] }).events, []);
		const { events } = parseDelivery({
			object: 'page',
			entry: [{ id: PAGE, messaging: [{ sender: { id: USER }, recipient: { id: PAGE }, timestamp: 1, account_linking: {} }, msg('kept', 2)] }, { id: PAGE, messaging: {} }],
		});
		assert.deepEqual(
			events.map((event) => event.messageId),
			['kept'],
		);
	});

	test('Instagram deliveries come out as platform instagram', () => {
		const { object, events } = parseDelivery({ object: 'instagram', entry: [{ id: '17841400123456789', messaging: [msg('ig', 1)] }] });
		assert.equal(object, 'instagram');
		assert.equal(events[0].platform, 'instagram');
		assert.equal(events[0].accountId, '17841400123456789');
	});

	test('attachments: Instagram reels become reel, unknown types other, a null payload is fine', () => {
		const { events } = parseDelivery({
			object: 'instagram',
			entry: [
				{
					id: '1',
					messaging: [
						msg('att', 1, {
							attachments: [
								{ type: 'ig_reel', payload: { url: 'https://x/reel', reel_video_id: '9' } },
								{ type: 'brand_new_type', payload: { url: 'https://x/new' } },
								{ type: 'fallback', payload: null, title: 'A link' },
							],
						}),
					],
				},
			],
		});
		assert.deepEqual(events[0].attachments, [
			{ type: 'reel', url: 'https://x/reel', payload: { reel_video_id: '9' } },
			{ type: 'other', url: 'https://x/new' },
			{ type: 'fallback', payload: { title: 'A link' } },
		]);
	});

	test('raw only on request', () => {
		const event = msg('raw', 1);
		assert.equal(parseDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [event] }] }).events[0].raw, undefined);
		assert.deepEqual(parseDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [event] }] }, { includeRaw: true }).events[0].raw, event);
	});

	test('a missing timestamp falls back to now', () => {
		const before = Date.now();
		const { events } = parseDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [{ sender: { id: USER }, recipient: { id: PAGE }, message: { mid: 'm' } }] }] });
		assert.ok(Date.parse(events[0].timestamp) >= before);
	});

	describe('dedupe keys', () => {
		const keyOf = (event: IDataObject) => parseDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [event] }] }).events[0].dedupeKey;
		const base = { sender: { id: USER }, recipient: { id: PAGE } };

		test('the same event redelivered has the same key', () => {
			const events: IDataObject[] = [
				msg('m1', 1),
				{ ...base, timestamp: 2, postback: { title: 'T', payload: 'P', mid: 'm2' } },
				{ ...base, timestamp: 3, read: { watermark: 2 } },
				{ ...base, timestamp: 4, delivery: { mids: ['x'], watermark: 3 } },
				{ ...base, timestamp: 5, reaction: { mid: 'x', action: 'react', reaction: 'love', emoji: '❤️' } },
				{ ...base, timestamp: 6, optin: { ref: 'r' } },
				{ ...base, timestamp: 7, referral: { ref: 'r', source: 'SHORTLINK', type: 'OPEN_THREAD' } },
				{ ...base, timestamp: 8, pass_thread_control: { new_owner_app_id: '1' } },
				{ ...base, timestamp: 9, message_edit: { mid: 'm1', text: 'edited' } },
			];
			for (const event of events) {
				const copy = JSON.parse(JSON.stringify(event)) as IDataObject;
				assert.equal(keyOf(copy), keyOf(event));
				assert.ok(keyOf(event).length > 0);
			}
			assert.equal(new Set(events.map(keyOf)).size, events.length, 'different events, different keys');
		});

		test('a message keeps its key whatever else differs; different events at the same time differ', () => {
			assert.equal(keyOf(msg('same-mid', 1)), keyOf(msg('same-mid', 2, { text: 'other' })));
			const react = { ...base, timestamp: 5, reaction: { mid: 'x', action: 'react', reaction: 'love' } };
			const unreact = { ...base, timestamp: 5, reaction: { mid: 'x', action: 'unreact' } };
			assert.notEqual(keyOf(react), keyOf(unreact));
			const pass = { ...base, timestamp: 8, pass_thread_control: { new_owner_app_id: '1' } };
			const take = { ...base, timestamp: 8, take_thread_control: { previous_owner_app_id: '1' } };
			assert.notEqual(keyOf(pass), keyOf(take));
			const edit1 = { ...base, timestamp: 9, message_edit: { mid: 'm1', text: 'a' } };
			const edit2 = { ...base, timestamp: 10, message_edit: { mid: 'm1', text: 'b' } };
			assert.notEqual(keyOf(edit1), keyOf(edit2), 'two edits of one message');
		});
	});
});

describe('webhookFields', () => {
	const all: MessagingEventType[] = ['message', 'quick_reply', 'postback', 'read', 'delivery', 'reaction', 'edit', 'optin', 'referral', 'handover'];

	test('objects', () => {
		assert.deepEqual(WEBHOOK_OBJECTS, { messenger: 'page', instagram: 'instagram' });
	});

	test('defaults', () => {
		assert.deepEqual(webhookFields('messenger', ['message', 'quick_reply', 'postback'], false), ['messages', 'messaging_postbacks']);
		assert.deepEqual(webhookFields('instagram', ['message', 'quick_reply', 'postback'], false), ['messages', 'messaging_postbacks']);
	});

	test('every event, Messenger names', () => {
		assert.deepEqual(webhookFields('messenger', all, true), [
			'message_deliveries',
			'message_echoes',
			'message_edits',
			'message_reactions',
			'message_reads',
			'messages',
			'messaging_handovers',
			'messaging_optins',
			'messaging_postbacks',
			'messaging_referrals',
			'standby',
		]);
	});

	test('every event, Instagram names; echoes come with messages', () => {
		assert.deepEqual(webhookFields('instagram', all, true), [
			'message_reactions',
			'messages',
			'messaging_handover',
			'messaging_postbacks',
			'messaging_referral',
			'messaging_seen',
			'standby',
		]);
		assert.deepEqual(webhookFields('instagram', ['read'], true), ['messages', 'messaging_seen']);
		assert.deepEqual(webhookFields('instagram', ['delivery', 'edit', 'optin'], false), []);
	});
});
