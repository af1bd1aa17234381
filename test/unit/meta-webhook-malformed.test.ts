/**
 * parseDelivery is total (issue 14, item 8): whatever JSON a correctly signed body holds, it returns
 * events or nothing and never throws, and what it emits is clean (ids and texts are strings, lists are
 * lists of objects). The sweep replaces every node of a rich delivery by a value of every JSON kind.
 */
import { describe, expect, it } from '@jest/globals';
import { isDeepStrictEqual } from 'node:util';

import { parseDelivery, type MetaMessagingEvent } from '../../nodes/platforms/meta/webhook';
import { KEPT_ENTRY, WRONG_VALUES, isWithin, jsonPaths, replaceAt, richDelivery } from '../fakes/graph/malformed';

const STRING_FIELDS = ['type', 'platform', 'accountId', 'conversationKey', 'timestamp', 'dedupeKey', 'messageId', 'text', 'payload', 'title', 'replyToId', 'metadata', 'watermark', 'notificationToken', 'userRef'] as const;

/**
 * One check of the sweep (node's deep strict equality, as assert.deepStrictEqual), reported through
 * expect with where it is: a failure names the variant that broke. expect() runs only on a mismatch:
 * the sweep makes some 100,000 checks, which jest's matchers would take minutes over.
 */
function check(where: string, actual: unknown, expected: unknown): void {
	if (!isDeepStrictEqual(actual, expected)) expect({ where, actual }).toStrictEqual({ where, actual: expected });
}

/** What "emitted cleanly" means for one event. */
function assertClean(event: MetaMessagingEvent, where: string): void {
	for (const field of STRING_FIELDS) {
		const value = event[field as keyof MetaMessagingEvent];
		if (value !== undefined) check(`${where}: ${field} is ${JSON.stringify(value)}`, typeof value, 'string');
	}
	check(`${where}: timestamp ${event.timestamp}`, Number.isNaN(Date.parse(event.timestamp)), false);
	if (event.watermark !== undefined) check(`${where}: watermark ${event.watermark}`, Number.isNaN(Date.parse(event.watermark)), false);
	for (const who of [event.sender, event.recipient]) {
		if (who !== undefined) check(`${where}: participant ${JSON.stringify(who)}`, typeof who.id, 'string');
	}
	check(`${where}: attachments`, Array.isArray(event.attachments), true);
	for (const attachment of event.attachments) {
		check(`${where}: attachment ${JSON.stringify(attachment)}`, typeof attachment.type, 'string');
		if (attachment.url !== undefined) check(where, typeof attachment.url, 'string');
		if (attachment.id !== undefined) check(where, typeof attachment.id, 'string');
		if (attachment.payload !== undefined) check(where, Boolean(attachment.payload && typeof attachment.payload === 'object' && !Array.isArray(attachment.payload)), true);
	}
	if (event.messageIds !== undefined) check(`${where}: messageIds`, event.messageIds.every((id) => typeof id === 'string'), true);
	check(`${where}: an object was turned into text`, /\[object Object\]/.test(JSON.stringify(event)), false);
}

describe('parseDelivery on any JSON', () => {
	it('a body that is not an object, or has no usable entry list: no events', () => {
		for (const body of [null, undefined, 0, 42, 'page', true, [], [{ object: 'page' }], {}, { object: null }, { object: 'page', entry: null }, { object: 'page', entry: 'x' }, { object: 'page', entry: {} }]) {
			const parsed = parseDelivery(body);
			// JSON.stringify(body)
			expect(parsed.events).toStrictEqual([]);
			expect(typeof parsed.object).toBe('string');
		}
		expect(parseDelivery({ object: 'page', entry: [] }).object).toBe('page');
		expect(parseDelivery({ object: { page: true } }).object).toBe('');
	});

	it('null, numbers, strings and arrays among entries and events are skipped; the valid events remain', () => {
		const valid = { sender: { id: '1' }, recipient: { id: 'P' }, timestamp: 5, message: { mid: 'm_ok', text: 'ok' } };
		const { events } = parseDelivery({
			object: 'page',
			entry: [null, 1, 'x', [], true, { id: 'P', messaging: [null, 2, 'y', [], false, valid], standby: [null] }, { id: 'P', messaging: null, standby: 'z' }],
		});
		expect(events.map((event) => [event.messageId, event.text])).toStrictEqual([['m_ok', 'ok']]);
	});

	it('wrongly typed fields are dropped rather than turned into text', () => {
		const at = { sender: { id: 7 }, recipient: { id: 'P' }, timestamp: 10 };
		const { events } = parseDelivery({
			object: 'page',
			entry: [
				{
					id: { nested: true },
					messaging: [
						{ ...at, message: { mid: { x: 1 }, text: 5, attachments: [null, 'x', 3, { type: null, payload: 'p' }, { type: 'image', payload: { url: 9 } }], reply_to: null, quick_reply: null } },
						{ ...at, sender: { id: null }, timestamp: 11, postback: { payload: { deep: 1 }, title: 3, referral: 'x' } },
						{ ...at, timestamp: 12, read: { watermark: { at: 1 } } },
						{ ...at, timestamp: 13, delivery: { mids: [null, 'm_1', 2, {}], watermark: 'soon' } },
					],
				},
			],
		});
		expect(events.map((event) => ({ type: event.type, accountId: event.accountId, sender: event.sender }))).toStrictEqual([
				{ type: 'message', accountId: '', sender: { id: '7' } },
				{ type: 'postback', accountId: '', sender: undefined },
				{ type: 'read', accountId: '', sender: { id: '7' } },
				{ type: 'delivery', accountId: '', sender: { id: '7' } },
			]);
		const [message, postback, read, delivery] = events;
		expect(message.messageId).toBeUndefined();
		expect(message.text).toBeUndefined();
		expect(message.attachments).toStrictEqual([{ type: 'other' }, { type: 'image' }]);
		expect(postback.payload).toBeUndefined();
		expect(postback.title).toBeUndefined();
		expect(read.watermark).toBeUndefined();
		expect(delivery.messageIds).toStrictEqual(['m_1', '2']);
		expect(delivery.watermark).toBeUndefined();
		for (const event of events) assertClean(event, event.type);
	});

	it('sweep: every node of a rich delivery replaced by every kind of JSON value', () => {
		const base = richDelivery('sweep');
		const baseline = parseDelivery(base).events;
		// the rich delivery has 13 events
		expect(baseline.length).toBe(13);
		const kept = baseline.find((event) => event.text === 'keep sweep');
		expect(kept).toBeTruthy();
		let variants = 0;
		for (const path of jsonPaths(base)) {
			for (const wrong of WRONG_VALUES) {
				const where = `${JSON.stringify(path)} = ${JSON.stringify(wrong)}`;
				const body = replaceAt(base, path, wrong);
				let events: MetaMessagingEvent[] = [];
				let thrown: unknown;
				try {
					events = parseDelivery(body).events;
				} catch (error) {
					thrown = error;
				}
				check(`${where}: parseDelivery threw`, thrown, undefined);
				for (const event of events) assertClean(event, where);
				// Whatever happens inside the first entry, the second entry's message comes out unchanged.
				if (path.length > KEPT_ENTRY.length && !isWithin(path, KEPT_ENTRY) && path[0] === 'entry') {
					check(where, events.find((event) => event.dedupeKey === kept!.dedupeKey), kept);
				}
				variants++;
			}
		}
		// ${variants} variants
		expect(variants).toBeGreaterThan(1000);
	});
});
