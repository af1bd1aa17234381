/**
 * The X Activity API side of the fake that is not a route: the CRC X runs against a webhook URL (on
 * `POST /2/webhooks`, on `PUT /2/webhooks/{id}`, and when a test asks), and signed deliveries of
 * `dm.received` / `dm.sent` events to the webhooks of matching subscriptions, in X's documented payload
 * shape, and of `dm.read` / `dm.indicate_typing` in the Account Activity API's shapes of those events
 * (`direct_message_mark_read_events`, `direct_message_indicate_typing_events`: inferred, see README), with `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, raw body)>`.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

import type { SignatureMode } from '../graph/webhooks';
import { mediaUrl } from './routes/dmMedia';
import type { DmEventRecord, UserRecord, WebhookRecord, XState } from './state';

export type { SignatureMode };

const CRC_TIMEOUT_MS = 3000;

export function xSignature(consumerSecret: string, message: string | Buffer): string {
	return `sha256=${createHmac('sha256', consumerSecret).update(message).digest('base64')}`;
}

/** Runs X's CRC against the webhook's URL: a GET with a fresh `crc_token`, answered within 3 s with the right token. */
export async function runCrc(state: XState, webhook: WebhookRecord): Promise<{ valid: boolean; reason?: string }> {
	const app = state.apps.get(webhook.consumerKey);
	const token = randomBytes(24).toString('base64url');
	const target = new URL(webhook.url);
	target.searchParams.set('crc_token', token);
	try {
		const response = await fetch(target, { headers: { 'user-agent': 'Twitter-Webhooks/1.0 (fake)' }, signal: AbortSignal.timeout(CRC_TIMEOUT_MS) });
		const text = await response.text();
		if (response.status !== 200) return { valid: false, reason: `the URL answered HTTP ${response.status}` };
		const answer = JSON.parse(text) as { response_token?: unknown };
		const expected = xSignature(app?.consumerSecret ?? '', token);
		return answer.response_token === expected ? { valid: true } : { valid: false, reason: 'wrong response_token' };
	} catch (error) {
		return { valid: false, reason: (error as Error).message };
	}
}

export interface DeliveryOptions {
	signature?: SignatureMode;
	/** Signs with this instead of the registering app's consumer secret. */
	consumerSecret?: string;
	headers?: Record<string, string>;
}

export interface ActivityDeliveryResult {
	status: number;
	body: string;
	/** The exact bytes posted. */
	sentBody: Buffer;
	signature?: string;
}

/** Posts a payload the way X delivers it: JSON, signed over the exact bytes (or not, per `signature`). */
export async function postDelivery(url: string, payload: unknown, consumerSecret: string, options: DeliveryOptions = {}): Promise<ActivityDeliveryResult> {
	const original = Buffer.from(JSON.stringify(payload), 'utf8');
	const mode = options.signature ?? 'valid';
	const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Twitter-Webhooks/1.0 (fake)', ...(options.headers ?? {}) };
	let body = original;
	if (mode !== 'missing') headers['x-twitter-webhooks-signature'] = xSignature(mode === 'wrong' ? `${consumerSecret}-wrong` : consumerSecret, original);
	if (mode === 'tampered') body = Buffer.from(original.toString('utf8').replace(/"text":"/, '"text":"!'), 'utf8');
	const response = await fetch(url, { method: 'POST', headers, body });
	return { status: response.status, body: await response.text(), sentBody: body, signature: headers['x-twitter-webhooks-signature'] };
}

function userEntry(user: UserRecord | undefined, id: string): Record<string, unknown> {
	return { data: user ? { id, username: user.username, name: user.name, profile_image_url: user.profileImageUrl } : { id } };
}

export interface ActivityEventSpec {
	eventType: 'dm.received' | 'dm.sent';
	/** The subscribed account (`filter.user_id`). */
	accountId: string;
	event: DmEventRecord;
	recipientId: string;
	tag?: string;
	uuid?: string;
}

/** One Activity API delivery body for a DM event, as the reference gives it. */
export function activityPayload(state: XState, spec: ActivityEventSpec): Record<string, unknown> {
	const { event } = spec;
	const messageData: Record<string, unknown> = { text: event.text ?? '', entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } };
	const mediaKey = event.mediaKeys?.[0];
	const media = mediaKey ? state.mediaByKey(mediaKey) : undefined;
	if (media) {
		messageData.attachment = { type: 'media', media: { id_str: media.id, media_url_https: mediaUrl(event, media), type: media.category === 'dm_image' ? 'photo' : media.category === 'dm_gif' ? 'animated_gif' : 'video' } };
	}
	return {
		data: {
			event_uuid: spec.uuid ?? randomUUID(),
			filter: { user_id: spec.accountId },
			event_type: spec.eventType,
			...(spec.tag ? { tag: spec.tag } : {}),
			payload: {
				direct_message_events: [
					{
						type: 'message_create',
						id: event.id,
						created_timestamp: String(event.createdAt),
						message_create: { target: { recipient_id: spec.recipientId }, sender_id: event.senderId, message_data: messageData },
					},
				],
				users: {
					[event.senderId]: userEntry(state.users.get(event.senderId), event.senderId),
					[spec.recipientId]: userEntry(state.users.get(spec.recipientId), spec.recipientId),
				},
			},
		},
	};
}

export interface DmDelivery {
	from: string;
	to: string;
	text: string;
	mediaKeys?: string[];
	/** Fixed event_uuid (default: a fresh one per subscription). */
	uuid?: string;
}

/**
 * A DM from `from` to `to` as X would announce it: the event is added to the one-to-one conversation,
 * then delivered as `dm.received` to `to`'s subscriptions and as `dm.sent` to `from`'s, signed per
 * subscription with its app's consumer secret.
 */
export async function deliverDm(state: XState, dm: DmDelivery, options: DeliveryOptions = {}): Promise<ActivityDeliveryResult[]> {
	const conversation = state.oneToOne(dm.from, dm.to);
	const event = state.addEvent({ eventType: 'MessageCreate', conversationId: conversation.id, senderId: dm.from, text: dm.text, mediaKeys: dm.mediaKeys });
	const results: ActivityDeliveryResult[] = [];
	for (const subscription of [...state.subscriptions.values()]) {
		const wanted = (subscription.eventType === 'dm.received' && subscription.userId === dm.to) || (subscription.eventType === 'dm.sent' && subscription.userId === dm.from);
		const webhook = subscription.webhookId ? state.webhooks.get(subscription.webhookId) : undefined;
		if (!wanted || !webhook) continue;
		const payload = activityPayload(state, { eventType: subscription.eventType as 'dm.received' | 'dm.sent', accountId: subscription.userId, event, recipientId: dm.to, tag: subscription.tag, uuid: dm.uuid });
		const secret = options.consumerSecret ?? state.apps.get(subscription.consumerKey)?.consumerSecret ?? '';
		results.push(await postDelivery(webhook.url, payload, secret, options));
	}
	return results;
}

export interface SignalSpec {
	eventType: 'dm.read' | 'dm.indicate_typing';
	/** The subscribed account (`filter.user_id`). */
	accountId: string;
	/** Who read or is typing. */
	senderId: string;
	/** Whose conversation: the other participant. */
	recipientId: string;
	createdAt: number;
	/** dm.read: the last DM event read. */
	lastReadEventId?: string;
	tag?: string;
	uuid?: string;
}

/** One Activity API delivery body for a read or typing event (inferred shape, see README). */
export function signalPayload(state: XState, spec: SignalSpec): Record<string, unknown> {
	const signal: Record<string, unknown> = { created_timestamp: String(spec.createdAt), sender_id: spec.senderId, target: { recipient_id: spec.recipientId } };
	if (spec.eventType === 'dm.read' && spec.lastReadEventId) signal.last_read_event_id = spec.lastReadEventId;
	const list = spec.eventType === 'dm.read' ? 'direct_message_mark_read_events' : 'direct_message_indicate_typing_events';
	return {
		data: {
			event_uuid: spec.uuid ?? randomUUID(),
			filter: { user_id: spec.accountId },
			event_type: spec.eventType,
			...(spec.tag ? { tag: spec.tag } : {}),
			payload: {
				[list]: [signal],
				users: {
					[spec.senderId]: userEntry(state.users.get(spec.senderId), spec.senderId),
					[spec.recipientId]: userEntry(state.users.get(spec.recipientId), spec.recipientId),
				},
			},
		},
	};
}

export interface SignalDelivery {
	eventType: 'dm.read' | 'dm.indicate_typing';
	/** Who read or is typing. */
	from: string;
	/** The other participant. */
	to: string;
	/** dm.read: default the newest event of their conversation. */
	lastReadEventId?: string;
	uuid?: string;
}

/** A read or typing in the one-to-one conversation of `from` and `to`, delivered to both people's subscriptions of that type. */
export async function deliverSignal(state: XState, signal: SignalDelivery, options: DeliveryOptions = {}): Promise<ActivityDeliveryResult[]> {
	const conversation = state.oneToOne(signal.from, signal.to);
	const lastReadEventId = signal.lastReadEventId ?? state.events.find((event) => event.conversationId === conversation.id)?.id;
	const results: ActivityDeliveryResult[] = [];
	for (const subscription of [...state.subscriptions.values()]) {
		const wanted = subscription.eventType === signal.eventType && (subscription.userId === signal.to || subscription.userId === signal.from);
		const webhook = subscription.webhookId ? state.webhooks.get(subscription.webhookId) : undefined;
		if (!wanted || !webhook) continue;
		const payload = signalPayload(state, {
			eventType: signal.eventType,
			accountId: subscription.userId,
			senderId: signal.from,
			recipientId: signal.to,
			createdAt: state.tick(),
			lastReadEventId,
			tag: subscription.tag,
			uuid: signal.uuid,
		});
		const secret = options.consumerSecret ?? state.apps.get(subscription.consumerKey)?.consumerSecret ?? '';
		results.push(await postDelivery(webhook.url, payload, secret, options));
	}
	return results;
}
