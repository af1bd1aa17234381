/**
 * X's side of the trigger without a server: the Activity API parser on well-formed and any JSON, the
 * delivery signature and the CRC answer, and the poll trigger's watermark.
 */
import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';

import fc from 'fast-check';

import { pollSince, type Watermark } from '../../nodes/platforms/core/pollWatermark';
import type { Transport } from '../../nodes/platforms/core/transport';
import type { Message, MessagingEvent, Page } from '../../nodes/platforms/types';
import { XActivity } from '../../nodes/platforms/x/activity';
import { parseActivityDelivery } from '../../nodes/platforms/x/activityEvents';
import { mediaPath } from '../../nodes/platforms/x/attachments';
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
	/** Pages of `size`, newest first, over `all` (newest first), recording each request; `refuse` cursors fail. */
	function pages(all: Message[], size: number, refuse: string[] = []) {
		const asked: Array<string | undefined> = [];
		const page = async (cursor?: string): Promise<Page<Message>> => {
			asked.push(cursor);
			if (cursor && refuse.includes(cursor)) throw new Error('X refused the pagination token');
			const start = cursor ? Number(cursor) : 0;
			return { items: all.slice(start, start + size), nextCursor: start + size < all.length ? String(start + size) : undefined };
		};
		return { page, asked };
	}
	const ids = (messages: Message[]) => messages.map((m) => m.id);

	it('the first poll reads one page and marks its newest message; messages at the same second are kept apart by id', async () => {
		const all = [message('c', 5), message('b', 5), message('a', 4)];
		const { page, asked } = pages(all, 2);
		const first = await pollSince(page, {}, 3);
		expect(asked).toStrictEqual([undefined]);
		expect(first.state).toStrictEqual({ watermark: { at: all[0].timestamp, ids: ['c', 'b'] } });
		const again = await pollSince(pages([message('d', 5), ...all], 2).page, first.state, 3);
		expect(ids(again.fresh)).toStrictEqual(['d']);
		expect(again.state.watermark).toStrictEqual({ at: all[0].timestamp, ids: ['c', 'b', 'd'] });
	});

	it('an empty account starts at the beginning, so the first message after it is new', async () => {
		const empty = await pollSince(pages([], 2).page, {}, 3);
		expect(empty.state.watermark).toStrictEqual({ at: new Date(0).toISOString(), ids: [] });
		const next = await pollSince(pages([message('a', 1)], 2).page, empty.state, 3);
		expect(ids(next.fresh)).toStrictEqual(['a']);
	});

	const mark: Watermark = { at: message('m', 0).timestamp!, ids: ['m'] };
	const flood = Array.from({ length: 7 }, (_, i) => message(`n${i}`, 10 + i)).reverse();

	it('pages back to the watermark and returns the new ones oldest first', async () => {
		const { page, asked } = pages([...flood, message('m', 0)], 2);
		const result = await pollSince(page, { watermark: mark }, 5);
		expect(asked).toStrictEqual([undefined, '2', '4', '6']);
		expect(ids(result.fresh)).toStrictEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
		expect([result.state.gaps, result.pending]).toStrictEqual([undefined, 0]);
	});

	it('out of pages before the watermark: the rest is a gap the next polls read, so every message comes once', async () => {
		const all = [...flood, message('m', 0)];
		const first = await pollSince(pages(all, 2).page, { watermark: mark }, 2);
		expect(ids(first.fresh)).toStrictEqual(['n3', 'n4', 'n5', 'n6']);
		expect(first.state.gaps).toStrictEqual([{ cursor: '4', until: mark, from: { at: message('n3', 13).timestamp, ids: ['n3'] } }]);
		// Meanwhile one more message, which shifts the test pager's offsets by one (n3 comes again at '4' and is
		// not taken twice); the next poll reads the top (1 page) and then the gap with the page left.
		const { page, asked } = pages([message('n7', 30), ...all], 2);
		const second = await pollSince(page, first.state, 2);
		expect(asked).toStrictEqual([undefined, '4']);
		expect(ids(second.fresh)).toStrictEqual(['n2', 'n7']);
		expect(second.state.gaps).toStrictEqual([{ cursor: '6', until: mark, from: { at: message('n2', 12).timestamp, ids: ['n2'] } }]);
		const third = await pollSince(pages([message('n7', 30), ...all], 2).page, second.state, 2);
		expect(ids(third.fresh)).toStrictEqual(['n0', 'n1']);
		// The page was full of new ones, so the gap is closed only when a page reaches the watermark.
		expect(third.state.gaps?.map((gap) => gap.cursor)).toStrictEqual(['8']);
		const fourth = await pollSince(pages([message('n7', 30), ...all], 2).page, third.state, 2);
		expect([fourth.fresh, fourth.state.gaps]).toStrictEqual([[], undefined]);
		expect(fourth.state.watermark).toStrictEqual({ at: message('n7', 30).timestamp, ids: ['n7'] });
	});

	it('a gap whose cursor keeps failing is retried on the next polls, then given up and counted', async () => {
		const from = { at: message('n3', 13).timestamp!, ids: ['n3'] };
		let state = { watermark: { at: message('n6', 16).timestamp!, ids: ['n6'] }, gaps: [{ cursor: '4', until: mark, from }] };
		const all = [...flood, message('m', 0)];
		for (const failures of [1, 2]) {
			const result = await pollSince(pages(all, 2, ['4']).page, state, 3);
			expect([result.fresh, result.state.gaps, result.dropped]).toStrictEqual([[], [{ cursor: '4', until: mark, from, failures }], 0]);
			state = result.state as typeof state;
		}
		const last = await pollSince(pages(all, 2, ['4']).page, state, 3);
		expect([last.state.gaps, last.dropped]).toStrictEqual([undefined, 1]);
	});

	it('nothing new keeps the watermark', async () => {
		const at9: Watermark = { at: message('m', 9).timestamp!, ids: ['m'] };
		const result = await pollSince(pages([message('m', 9), message('l', 8)], 2).page, { watermark: at9 }, 3);
		expect([result.fresh, result.state]).toStrictEqual([[], { watermark: at9 }]);
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

/** A dm.read / dm.indicate_typing delivery to the account, in the shape the fake X sends (inferred, see its README). */
function signal(eventType: 'dm.read' | 'dm.indicate_typing', entry: Record<string, unknown> = {}) {
	const list = eventType === 'dm.read' ? 'direct_message_mark_read_events' : 'direct_message_indicate_typing_events';
	const base = delivery({ event_type: eventType, event_uuid: 'c0ffee00-0000-4000-8000-0000000000aa' });
	const users = base.data.payload.users;
	return {
		data: {
			...base.data,
			payload: {
				[list]: [{ created_timestamp: '1796635799000', sender_id: '1580000000000000050', target: { recipient_id: '1580000000000000100' }, ...(eventType === 'dm.read' ? { last_read_event_id: '1800000000000000777' } : {}), ...entry }],
				users,
			},
		},
	};
}

describe('parseActivityDelivery: reads and typing', () => {
	const alice = { id: '1580000000000000050', name: 'Alice Walker', username: 'alice_w', profilePictureUrl: 'https://pbs.twimg.com/a.jpg' };
	const account = { id: '1580000000000000100', name: 'Acme Support', username: 'acme_support' };

	it('a dm.read is a read event as on Meta: the reader as sender, the watermark and the last message read', () => {
		expect(parseActivityDelivery(signal('dm.read'))).toStrictEqual([
			{
				type: 'read',
				platform: 'x',
				accountId: '1580000000000000100',
				conversationKey: '1580000000000000100:1580000000000000050',
				attachments: [],
				timestamp: new Date(1796635799000).toISOString(),
				dedupeKey: 'x:c0ffee00-0000-4000-8000-0000000000aa:read:1580000000000000050',
				sender: alice,
				recipient: account,
				watermark: new Date(1796635799000).toISOString(),
				messageId: '1800000000000000777',
			},
		]);
	});

	it('a dm.indicate_typing is a typing event, with no watermark or message', () => {
		expect(parseActivityDelivery(signal('dm.indicate_typing'))).toStrictEqual([
			{
				type: 'typing',
				platform: 'x',
				accountId: '1580000000000000100',
				conversationKey: '1580000000000000100:1580000000000000050',
				attachments: [],
				timestamp: new Date(1796635799000).toISOString(),
				dedupeKey: 'x:c0ffee00-0000-4000-8000-0000000000aa:typing:1580000000000000050',
				sender: alice,
				recipient: account,
			},
		]);
	});

	it('the account\'s own reads and typing, entries without a sender and the other event kind\'s list give nothing', () => {
		expect(parseActivityDelivery(signal('dm.read', { sender_id: '1580000000000000100', target: { recipient_id: '1580000000000000050' } }))).toStrictEqual([]);
		expect(parseActivityDelivery(signal('dm.indicate_typing', { sender_id: undefined }))).toStrictEqual([]);
		const typingList = signal('dm.indicate_typing').data.payload;
		expect(parseActivityDelivery({ data: { ...signal('dm.read').data, payload: typingList } })).toStrictEqual([]);
	});

	it('Include Raw Event keeps X\'s event; any JSON in place of the lists never throws', () => {
		const body = signal('dm.read');
		expect(parseActivityDelivery(body, { includeRaw: true })[0].raw).toStrictEqual(body.data);
		fc.assert(
			fc.property(fc.jsonValue(), fc.constantFrom('direct_message_mark_read_events', 'sender_id', 'target', 'created_timestamp', 'last_read_event_id'), (value, key) => {
				const text = JSON.stringify(signal('dm.read')).replace(`"${key}":`, () => `"${key}":${JSON.stringify(value)},"_":`);
				return Array.isArray(parseActivityDelivery(JSON.parse(text)));
			}),
			{ numRuns: RUNS, seed: 12 },
		);
	});
});

describe('mediaPath (Download Attachments)', () => {
	const event = { type: 'message', platform: 'x', accountId: '1', conversationKey: '1:2', attachments: [], timestamp: '', dedupeKey: '', messageId: '1800000000000000777' } as MessagingEvent;

	it('takes dm_id, media_id and resource_id from the DM media URL, and the file name with its extension', () => {
		expect(mediaPath(event, { type: 'image', id: '1500000000000000009', url: 'https://ton.twitter.com/1.1/ton/data/dm/1800000000000000777/1500000000000000009/AbC-d_9.jpg' })).toStrictEqual({
			path: '/2/dm_conversations/media/1800000000000000777/1500000000000000009/AbC-d_9',
			fileName: 'AbC-d_9.jpg',
			extension: 'jpg',
		});
	});

	it('no URL, another layout, or ids that are not this DM\'s or this media\'s: nothing to download', () => {
		expect(mediaPath(event, { type: 'image', id: '1500000000000000009' })).toBeUndefined();
		expect(mediaPath(event, { type: 'image', url: 'https://ton.x.com/m.jpg' })).toBeUndefined();
		expect(mediaPath(event, { type: 'image', url: 'https://ton.x.com/i/ton/data/dm/1800000000000000111/1500000000000000009/a.jpg' })).toBeUndefined();
		expect(mediaPath(event, { type: 'image', id: '1500000000000000001', url: 'https://ton.x.com/i/ton/data/dm/1800000000000000777/1500000000000000009/a.jpg' })).toBeUndefined();
		expect(mediaPath(event, { type: 'image', url: 'https://ton.x.com/i/ton/data/dm/1800000000000000777/1500000000000000009/../../x' })).toBeUndefined();
	});
});
