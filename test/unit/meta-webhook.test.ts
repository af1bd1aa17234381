/**
 * nodes/platforms/meta/webhook.ts on its own: the signature check, the verify token, the GET handshake,
 * the translation of deliveries into unified events (order, dedupe keys) and the webhook fields.
 */
import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';

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
	it('equal strings, different strings, different lengths', () => {
		expect(safeEqual('abc', 'abc')).toBe(true);
		expect(safeEqual('abc', 'abd')).toBe(false);
		expect(safeEqual('abc', 'abcd')).toBe(false);
		expect(safeEqual('', '')).toBe(true);
		expect(safeEqual('ä', 'a')).toBe(false);
	});
});

describe('verifySignature', () => {
	const escaped = Buffer.from('{"text":"Gr\\u00fc\\u00dfe \\ud83d\\udc4b"}');

	it('accepts HMAC-SHA256 of the exact bytes with the app secret', () => {
		expect(verifySignature(escaped, sign(escaped), SECRET)).toBe(true);
		// surrounding whitespace
		expect(verifySignature(escaped, ` ${sign(escaped)} `, SECRET)).toBe(true);
		// upper-case hex
		expect(verifySignature(escaped, sign(escaped).toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toBe(true);
	});

	it('the escaped bytes Meta signs are not the same as the decoded JSON', () => {
		const decoded = Buffer.from(JSON.stringify(JSON.parse(escaped.toString('utf8'))), 'utf8');
		expect(decoded).not.toStrictEqual(escaped);
		expect(verifySignature(escaped, sign(decoded), SECRET)).toBe(false);
		expect(verifySignature(decoded, sign(decoded), SECRET)).toBe(true);
	});

	it('rejects a missing, malformed, SHA-1 or wrongly keyed signature, and an empty secret', () => {
		const good = sign(escaped);
		const hex = good.slice('sha256='.length);
		for (const header of [undefined, '', 'sha256=', hex, `sha1=${hex.slice(0, 40)}`, `sha256=${hex.slice(1)}`, `sha256=${hex}0`, `sha256=${'z'.repeat(64)}`, sign(escaped, 'other')]) {
			// String(header)
			expect(verifySignature(escaped, header, SECRET)).toBe(false);
		}
		expect(verifySignature(escaped, good, '')).toBe(false);
		const tampered = Buffer.from(escaped.toString('utf8').replace('Gr', 'Xr'));
		expect(verifySignature(tampered, good, SECRET)).toBe(false);
	});
});

describe('deriveVerifyToken', () => {
	it('stable, 40 hex characters, and different for another secret, workflow or node', () => {
		const token = deriveVerifyToken(SECRET, 'wf-1', 'node-1');
		expect(token).toMatch(/^[0-9a-f]{40}$/);
		expect(deriveVerifyToken(SECRET, 'wf-1', 'node-1')).toBe(token);
		const others = [deriveVerifyToken(`${SECRET}x`, 'wf-1', 'node-1'), deriveVerifyToken(SECRET, 'wf-2', 'node-1'), deriveVerifyToken(SECRET, 'wf-1', 'node-2')];
		expect(new Set([token, ...others]).size).toBe(4);
		for (const input of ['wf-1', 'node-1', SECRET]) expect(token).not.toContain(input);
	});
});

describe('readChallenge', () => {
	const token = deriveVerifyToken(SECRET, 'wf', 'node');

	it('returns the challenge for mode subscribe and the right token', () => {
		expect(readChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' }, token)).toBe('1158201444');
	});

	it('undefined for a wrong token or mode, missing or non-string values', () => {
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
		for (const query of cases) expect(readChallenge(query, token)).toBeUndefined(); // JSON.stringify(query)
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

	it('one event per messaging and standby entry, across entries, sorted by timestamp', () => {
		const { object, events } = parseDelivery({
			object: 'page',
			entry: [
				{ id: PAGE, time: 1, messaging: [msg('c', 3000), msg('a', 1000)] },
				{ id: PAGE, time: 1, standby: [msg('b', 2000)], messaging: [msg('d', 4000)] },
			],
		});
		expect(object).toBe('page');
		expect(events.map((event) => [event.messageId, event.timestamp, event.standby ?? false])).toStrictEqual([
				['a', at(1000), false],
				['b', at(2000), true],
				['c', at(3000), false],
				['d', at(4000), false],
			]);
	});

	it('equal timestamps keep the order of the delivery', () => {
		const { events } = parseDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [msg('first', 5), msg('second', 5), msg('third', 5)] }] });
		expect(events.map((event) => event.messageId)).toStrictEqual(['first', 'second', 'third']);
	});

	it('unknown events, missing entries and non-array lists are skipped', () => {
		expect(parseDelivery({}).events).toStrictEqual([]);
		expect(parseDelivery({ object: 'page', entry: 'x' as unknown as IDataObject[] }).events).toStrictEqual([]);
		const { events } = parseDelivery({
			object: 'page',
			entry: [{ id: PAGE, messaging: [{ sender: { id: USER }, recipient: { id: PAGE }, timestamp: 1, account_linking: {} }, msg('kept', 2)] }, { id: PAGE, messaging: {} }],
		});
		expect(events.map((event) => event.messageId)).toStrictEqual(['kept']);
	});

	it('Instagram deliveries come out as platform instagram', () => {
		const { object, events } = parseDelivery({ object: 'instagram', entry: [{ id: '17841400123456789', messaging: [msg('ig', 1)] }] });
		expect(object).toBe('instagram');
		expect(events[0].platform).toBe('instagram');
		expect(events[0].accountId).toBe('17841400123456789');
	});

	it('attachments: Instagram reels become reel, unknown types other, a null payload is fine', () => {
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
		expect(events[0].attachments).toStrictEqual([
			{ type: 'reel', url: 'https://x/reel', payload: { reel_video_id: '9' } },
			{ type: 'other', url: 'https://x/new' },
			{ type: 'fallback', payload: { title: 'A link' } },
		]);
	});

	it('raw only on request', () => {
		const event = msg('raw', 1);
		expect(parseDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [event] }] }).events[0].raw).toBeUndefined();
		expect(parseDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [event] }] }, { includeRaw: true }).events[0].raw).toStrictEqual(event);
	});

	it('a missing timestamp falls back to now', () => {
		const before = Date.now();
		const { events } = parseDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [{ sender: { id: USER }, recipient: { id: PAGE }, message: { mid: 'm' } }] }] });
		expect(Date.parse(events[0].timestamp)).toBeGreaterThanOrEqual(before);
	});

	describe('dedupe keys', () => {
		const keyOf = (event: IDataObject) => parseDelivery({ object: 'page', entry: [{ id: PAGE, messaging: [event] }] }).events[0].dedupeKey;
		const base = { sender: { id: USER }, recipient: { id: PAGE } };

		it('the same event redelivered has the same key', () => {
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
				expect(keyOf(copy)).toBe(keyOf(event));
				expect(keyOf(event).length).toBeGreaterThan(0);
			}
			// different events, different keys
			expect(new Set(events.map(keyOf)).size).toBe(events.length);
		});

		it('a message keeps its key whatever else differs; different events at the same time differ', () => {
			expect(keyOf(msg('same-mid', 1))).toBe(keyOf(msg('same-mid', 2, { text: 'other' })));
			const react = { ...base, timestamp: 5, reaction: { mid: 'x', action: 'react', reaction: 'love' } };
			const unreact = { ...base, timestamp: 5, reaction: { mid: 'x', action: 'unreact' } };
			expect(keyOf(react)).not.toBe(keyOf(unreact));
			const pass = { ...base, timestamp: 8, pass_thread_control: { new_owner_app_id: '1' } };
			const take = { ...base, timestamp: 8, take_thread_control: { previous_owner_app_id: '1' } };
			expect(keyOf(pass)).not.toBe(keyOf(take));
			const edit1 = { ...base, timestamp: 9, message_edit: { mid: 'm1', text: 'a' } };
			const edit2 = { ...base, timestamp: 10, message_edit: { mid: 'm1', text: 'b' } };
			// two edits of one message
			expect(keyOf(edit1)).not.toBe(keyOf(edit2));
		});
	});
});

describe('webhookFields', () => {
	const all: MessagingEventType[] = ['message', 'quick_reply', 'postback', 'read', 'delivery', 'reaction', 'edit', 'optin', 'referral', 'handover'];

	it('objects', () => {
		expect(WEBHOOK_OBJECTS).toStrictEqual({ messenger: 'page', instagram: 'instagram' });
	});

	it('defaults', () => {
		expect(webhookFields('messenger', ['message', 'quick_reply', 'postback'], false)).toStrictEqual(['messages', 'messaging_postbacks']);
		expect(webhookFields('instagram', ['message', 'quick_reply', 'postback'], false)).toStrictEqual(['messages', 'messaging_postbacks']);
	});

	it('every event, Messenger names', () => {
		expect(webhookFields('messenger', all, true)).toStrictEqual([
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

	it('every event, Instagram names; echoes come with messages', () => {
		expect(webhookFields('instagram', all, true)).toStrictEqual([
			'message_reactions',
			'messages',
			'messaging_handover',
			'messaging_postbacks',
			'messaging_referral',
			'messaging_seen',
			'standby',
		]);
		expect(webhookFields('instagram', ['read'], true)).toStrictEqual(['messages', 'messaging_seen']);
		expect(webhookFields('instagram', ['delivery', 'edit', 'optin'], false)).toStrictEqual([]);
	});
});
