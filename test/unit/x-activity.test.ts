/**
 * X's side of the trigger without a server: the Activity API parser on well-formed and any JSON, the
 * delivery signature and the CRC answer, and the poll trigger's watermark.
 */
import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';

import fc from 'fast-check';

import { pollSince, type Watermark } from '../../nodes/platforms/core/pollWatermark';
import type { Transport } from '../../nodes/platforms/core/transport';
import type { Message, Page } from '../../nodes/platforms/types';
import { XActivity } from '../../nodes/platforms/x/activity';
import { parseActivityDelivery } from '../../nodes/platforms/x/activityEvents';
import { isSignedByX } from '../../nodes/platforms/x/webhook';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

function delivery(overrides: Record<string, unknown> = {}, dm: Record<string, unknown> = {}) {
	return {
		data: {
			event_uuid: 'c0ffee00-0000-4000-8000-000000000001',
			filter: { user_id: '1580000000000000100' },
			event_type: 'dm.received',
			tag: 'n8n workflow 1',
			payload: {
				direct_message_events: [
					{
						type: 'message_create',
						id: '1800000000000000777',
						created_timestamp: '1796635790123',
						message_create: { target: { recipient_id: '1580000000000000100' }, sender_id: '1580000000000000050', message_data: { text: 'Hi', entities: {} }, ...dm },
					},
				],
				users: {
					'1580000000000000050': { data: { id: '1580000000000000050', username: 'alice_w', name: 'Alice Walker', profile_image_url: 'https://pbs.twimg.com/a.jpg' } },
					// The Account Activity API's shape: the user itself, screen_name
					'1580000000000000100': { id: '1580000000000000100', screen_name: 'acme_support', name: 'Acme Support' },
				},
			},
			...overrides,
		},
	};
}

describe('parseActivityDelivery', () => {
	it('a dm.received is a message from the sender to the account, keyed by event_uuid and DM id', () => {
		expect(parseActivityDelivery(delivery())).toStrictEqual([
			{
				type: 'message',
				platform: 'x',
				accountId: '1580000000000000100',
				conversationKey: '1580000000000000100:1580000000000000050',
				attachments: [],
				timestamp: new Date(1796635790123).toISOString(),
				dedupeKey: 'x:c0ffee00-0000-4000-8000-000000000001:1800000000000000777',
				sender: { id: '1580000000000000050', name: 'Alice Walker', username: 'alice_w', profilePictureUrl: 'https://pbs.twimg.com/a.jpg' },
				recipient: { id: '1580000000000000100', name: 'Acme Support', username: 'acme_support' },
				messageId: '1800000000000000777',
				text: 'Hi',
			},
		]);
	});

	it('a dm.sent is an echo whose conversation is with the recipient; media become attachments', () => {
		const [echo] = parseActivityDelivery(
			delivery({ event_type: 'dm.sent' }, {
				target: { recipient_id: '1580000000000000050' },
				sender_id: '1580000000000000100',
				message_data: { text: '', attachment: { type: 'media', media: { id_str: '1500000000000000009', media_url_https: 'https://ton.x.com/m.jpg', type: 'animated_gif' } } },
			}),
		);
		expect([echo.type, echo.conversationKey, echo.text, echo.attachments]).toStrictEqual(['echo', '1580000000000000100:1580000000000000050', '', [{ type: 'video', id: '1500000000000000009', url: 'https://ton.x.com/m.jpg' }]]);
	});

	it('other event types, other shapes and events without uuid or account give nothing', () => {
		expect(parseActivityDelivery(delivery({ event_type: 'dm.read' }))).toStrictEqual([]);
		expect(parseActivityDelivery(delivery({ event_uuid: undefined }))).toStrictEqual([]);
		expect(parseActivityDelivery(delivery({ filter: { user_id: 'me' } }))).toStrictEqual([]);
		expect(parseActivityDelivery({ for_user_id: '1', direct_message_events: [] })).toStrictEqual([]);
		expect(parseActivityDelivery(delivery({ payload: { direct_message_events: [{ type: 'participants_join' }] } }))).toStrictEqual([]);
	});

	it('several events under data are read, oldest first', () => {
		const one = delivery().data;
		const two = { ...delivery().data, event_uuid: 'c0ffee00-0000-4000-8000-000000000002', payload: { direct_message_events: [{ ...one.payload.direct_message_events[0], id: '1800000000000000700', created_timestamp: '1796635780000' }] } };
		expect(parseActivityDelivery({ data: [one, two] }).map((event) => event.messageId)).toStrictEqual(['1800000000000000700', '1800000000000000777']);
	});

	it('never throws on any JSON, and on any JSON in place of any part of a delivery', () => {
		fc.assert(fc.property(fc.jsonValue(), (value) => Array.isArray(parseActivityDelivery(value))), { numRuns: RUNS, seed: 10 });
		fc.assert(
			fc.property(fc.jsonValue(), fc.constantFrom('data', 'filter', 'payload', 'direct_message_events', 'message_create', 'users', 'message_data', 'target'), (value, key) => {
				const text = JSON.stringify(delivery()).replace(`"${key}":`, () => `"${key}":${JSON.stringify(value)},"_":`);
				return Array.isArray(parseActivityDelivery(JSON.parse(text)));
			}),
			{ numRuns: RUNS, seed: 11 },
		);
	});
});

describe('isSignedByX', () => {
	const body = Buffer.from(JSON.stringify(delivery()));
	const sign = (secret: string, bytes: Buffer) => `sha256=${createHmac('sha256', secret).update(bytes).digest('base64')}`;

	it('takes the base64 HMAC-SHA256 of the exact bytes with the consumer secret, nothing else', () => {
		expect(isSignedByX(body, sign('secret-1', body), 'secret-1')).toBe(true);
		expect(isSignedByX(body, ` ${sign('secret-1', body)} `, 'secret-1')).toBe(true);
		expect(isSignedByX(body, sign('secret-2', body), 'secret-1')).toBe(false);
		expect(isSignedByX(Buffer.concat([body, Buffer.from(' ')]), sign('secret-1', body), 'secret-1')).toBe(false);
		// hex is not what X sends
		expect(isSignedByX(body, `sha256=${createHmac('sha256', 'secret-1').update(body).digest('hex')}`, 'secret-1')).toBe(false);
		expect(isSignedByX(body, sign('', body), '')).toBe(false);
		expect(isSignedByX(body, undefined, 'secret-1')).toBe(false);
		expect(isSignedByX(body, ['a'], 'secret-1')).toBe(false);
	});

	it('no random header passes', () => {
		fc.assert(fc.property(fc.string(), (header) => !isSignedByX(body, header, 'secret-1')), { numRuns: RUNS, seed: 12 });
	});
});

describe('pollSince', () => {
	const message = (id: string, second: number, text = id): Message => ({ id, platform: 'x', attachments: [], timestamp: new Date(Date.UTC(2026, 11, 7, 10, 0, second)).toISOString(), text });
	/** Pages of `size`, newest first, over `all` (newest first), recording each request. */
	function pages(all: Message[], size: number) {
		const asked: Array<string | undefined> = [];
		const page = async (cursor?: string): Promise<Page<Message>> => {
			asked.push(cursor);
			const start = cursor ? Number(cursor) : 0;
			return { items: all.slice(start, start + size), nextCursor: start + size < all.length ? String(start + size) : undefined };
		};
		return { page, asked };
	}

	it('the first poll reads one page and marks its newest message; messages at the same second are kept apart by id', async () => {
		const all = [message('c', 5), message('b', 5), message('a', 4)];
		const { page, asked } = pages(all, 2);
		const first = await pollSince(page, undefined, 3);
		expect(asked).toStrictEqual([undefined]);
		expect(first.watermark).toStrictEqual({ at: all[0].timestamp, ids: ['c', 'b'] });
		const again = await pollSince(pages([message('d', 5), ...all], 2).page, first.watermark, 3);
		expect(again.fresh.map((m) => m.id)).toStrictEqual(['d']);
		expect(again.watermark).toStrictEqual({ at: all[0].timestamp, ids: ['c', 'b', 'd'] });
	});

	it('an empty account starts at the beginning, so the first message after it is new', async () => {
		const empty = await pollSince(pages([], 2).page, undefined, 3);
		expect(empty.watermark).toStrictEqual({ at: new Date(0).toISOString(), ids: [] });
		const next = await pollSince(pages([message('a', 1)], 2).page, empty.watermark, 3);
		expect(next.fresh.map((m) => m.id)).toStrictEqual(['a']);
	});

	it('pages back to the watermark and returns the new ones oldest first; stops at maxPages and says so', async () => {
		const mark: Watermark = { at: message('m', 0).timestamp!, ids: ['m'] };
		const fresh = Array.from({ length: 7 }, (_, i) => message(`n${i}`, 10 + i)).reverse();
		const { page, asked } = pages([...fresh, message('m', 0)], 2);
		const result = await pollSince(page, mark, 5);
		expect(asked).toStrictEqual([undefined, '2', '4', '6']);
		expect(result.fresh.map((m) => m.id)).toStrictEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
		expect(result.truncated).toBe(false);
		const capped = await pollSince(pages([...fresh, message('m', 0)], 2).page, mark, 2);
		expect([capped.truncated, capped.fresh.map((m) => m.id)]).toStrictEqual([true, ['n3', 'n4', 'n5', 'n6']]);
	});

	it('nothing new keeps the watermark', async () => {
		const mark: Watermark = { at: message('m', 9).timestamp!, ids: ['m'] };
		const result = await pollSince(pages([message('m', 9), message('l', 8)], 2).page, mark, 3);
		expect([result.fresh, result.watermark]).toStrictEqual([[], mark]);
	});
});

describe('XActivity answers', () => {
	/** A transport that answers `answer` to everything and records the requests. */
	function stub(answer: unknown) {
		const requests: unknown[] = [];
		const transport = { request: async (request: unknown) => (requests.push(request), answer), apiError: (failure: { message: string }) => new Error(failure.message) };
		return { activity: new XActivity(transport as unknown as Transport), requests };
	}

	it('a subscription is read from 2.167\'s data.subscription and from the prose\'s data', async () => {
		const entry = { subscription_id: '1900000000000000001', event_type: 'dm.received', filter: { user_id: '15' }, webhook_id: '1890000000000000001', tag: 'n8n' };
		const expected = { id: '1900000000000000001', eventType: 'dm.received', userId: '15', webhookId: '1890000000000000001', tag: 'n8n' };
		expect(await stub({ data: { subscription: entry } }).activity.subscribe('dm.received', '15', '1890000000000000001', 'n8n')).toStrictEqual(expected);
		expect(await stub({ data: entry, meta: { total_subscriptions: 1 } }).activity.subscribe('dm.received', '15', '1890000000000000001', 'n8n')).toStrictEqual(expected);
		expect(await stub({ data: [{ subscription_id: '7', event_type: 'dm.sent' }] }).activity.subscriptions()).toStrictEqual([{ id: '7', eventType: 'dm.sent' }]);
	});

	it('an answer without the id it must carry is an error, never an id "undefined"', async () => {
		await expect(stub({ data: {} }).activity.ownId()).rejects.toThrow("X answered without the account's user id");
		await expect(stub({}).activity.createWebhook('https://n8n.example.com/webhook/1/webhook')).rejects.toThrow('X answered without the webhook id');
		await expect(stub({ data: { subscription: {} } }).activity.subscribe('dm.received', '15', '1', 'n8n')).rejects.toThrow('X answered without the subscription id');
		expect(await stub({ errors: [] }).activity.webhooks()).toStrictEqual([]);
	});
});
