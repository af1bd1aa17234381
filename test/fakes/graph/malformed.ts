/**
 * Malformed variants of a webhook body, for proving the trigger's parser is total: every node of a
 * JSON value (objects' properties, arrays' elements, the root) replaced in turn by another JSON value.
 */
import { PAGE_ID, USERS } from './fixtures';
import {
	deliveryEvent,
	echoEvent,
	handoverEvent,
	messageEvent,
	optinEvent,
	postbackEvent,
	quickReplyEvent,
	reactionEvent,
	readEvent,
	referralEvent,
	type WebhookPayload,
} from './payloads';

/** Where a node sits: the keys and indexes from the root. */
export type JsonPath = Array<string | number>;

/** A value of each JSON kind, to put where something else was expected. */
export const WRONG_VALUES: readonly unknown[] = [null, 0, -1.5, '', 'x', true, [], {}, [null], { id: null }];

/** Every path of `value`, the root (`[]`) first, parents before their children. */
export function jsonPaths(value: unknown, at: JsonPath = []): JsonPath[] {
	const paths: JsonPath[] = [at];
	if (Array.isArray(value)) value.forEach((child, index) => paths.push(...jsonPaths(child, [...at, index])));
	else if (value !== null && typeof value === 'object') {
		for (const [key, child] of Object.entries(value)) paths.push(...jsonPaths(child, [...at, key]));
	}
	return paths;
}

/** A deep copy of `value` with the node at `path` replaced by `replacement`. */
export function replaceAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
	if (path.length === 0) return structuredClone(replacement);
	const copy = structuredClone(value) as Record<string | number, unknown>;
	let parent = copy;
	for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
	parent[path[path.length - 1]] = structuredClone(replacement);
	return copy;
}

/** Whether `path` lies inside (or is) `prefix`. */
export function isWithin(path: JsonPath, prefix: JsonPath): boolean {
	return prefix.length <= path.length && prefix.every((key, index) => path[index] === key);
}

/**
 * A Messenger delivery with one entry holding every kind of event and field the trigger reads (entry
 * 0), and a second entry with one plain message from Bob (entry 1), the event that must survive
 * whatever happens to entry 0. `tag` makes the ids unique, so redeliveries are not deduplicated.
 */
export function richDelivery(tag: string, timestamp = 1714554000000): WebhookPayload {
	const alice = USERS.alice.id;
	const at = (offset: number) => ({ from: alice, to: PAGE_ID, timestamp: timestamp + offset });
	const message = messageEvent({
		...at(0),
		mid: `m_rich_${tag}`,
		text: 'rich',
		attachments: [{ type: 'image', payload: { url: 'https://cdn.example.com/a.jpg' } }],
		replyTo: `m_earlier_${tag}`,
		metadata: 'meta',
	});
	(message.message as Record<string, unknown>).referral = { ref: 'ad', source: 'ADS', type: 'OPEN_THREAD', ad_id: '42' };
	return {
		object: 'page',
		entry: [
			{
				id: PAGE_ID,
				time: timestamp,
				messaging: [
					message,
					quickReplyEvent({ ...at(1), mid: `m_qr_${tag}`, text: 'Yes', payload: 'YES' }),
					postbackEvent({ ...at(2), mid: `m_pb_${tag}`, title: 'Start', payload: 'START', referral: { ref: 'start', source: 'SHORTLINK' } }),
					readEvent({ ...at(3), watermark: timestamp }),
					deliveryEvent({ ...at(4), mids: [`m_out_${tag}`] }),
					reactionEvent({ ...at(5), mid: `m_out_${tag}`, reaction: 'love', emoji: '❤' }),
					echoEvent({ from: PAGE_ID, to: alice, timestamp: timestamp + 6, mid: `m_echo_${tag}`, text: 'echo', metadata: 'ours' }),
					{ ...at(7), sender: { id: alice }, recipient: { id: PAGE_ID }, message_edit: { mid: `m_rich_${tag}`, text: 'edited', num_edit: 1 } },
					optinEvent({ ...at(8), notificationToken: `token_${tag}`, payload: 'NEWS', title: 'News' }),
					referralEvent({ ...at(9), ref: `ref_${tag}` }),
					handoverEvent({ ...at(10), kind: 'pass_thread_control', newOwnerAppId: '263902037430900', previousOwnerAppId: '1', metadata: 'handed' }),
				],
				standby: [messageEvent({ ...at(11), mid: `m_standby_${tag}`, text: 'standby' })],
			},
			{
				id: PAGE_ID,
				time: timestamp,
				messaging: [messageEvent({ from: USERS.bob.id, to: PAGE_ID, timestamp: timestamp + 20, mid: `m_keep_${tag}`, text: `keep ${tag}` })],
			},
		],
	};
}

/** Path of the entry whose event must always come out of `richDelivery`. */
export const KEPT_ENTRY: JsonPath = ['entry', 1];
