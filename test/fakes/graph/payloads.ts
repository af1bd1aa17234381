/**
 * Builders for webhook bodies as documented in the reference ("Webhooks"):
 * `{object, entry: [{id, time, messaging: [{sender, recipient, timestamp, EVENT}]}]}`,
 * with handover standby events under `entry[].standby[]`.
 * Ids are passed in; mids default to deterministic values in each platform's format.
 */
import type { MessageRecord, Platform } from './state';
import { digest, digits } from './util';

export type WebhookObject = 'page' | 'instagram';

export interface MessagingEvent {
	sender: { id: string };
	recipient: { id: string };
	timestamp: number;
	[event: string]: unknown;
}

export interface WebhookEntry {
	id: string;
	time: number;
	messaging?: MessagingEvent[];
	standby?: MessagingEvent[];
}

export interface WebhookPayload {
	object: WebhookObject;
	entry: WebhookEntry[];
}

export interface EventBase {
	/** sender.id */
	from: string;
	/** recipient.id */
	to: string;
	/** ms; defaults to now */
	timestamp?: number;
	platform?: Platform;
}

export interface IncomingAttachment {
	type: 'image' | 'audio' | 'video' | 'file' | 'reel' | 'ig_reel' | 'share' | 'story_mention' | 'fallback' | 'template';
	url?: string;
	payload?: Record<string, unknown>;
}

function base(e: EventBase): MessagingEvent {
	return { sender: { id: e.from }, recipient: { id: e.to }, timestamp: e.timestamp ?? Date.now() };
}

/** A mid in the platform's format, derived from the event so builders stay deterministic. */
export function fakeMid(platform: Platform, seed: string): string {
	if (platform === 'instagram') return Buffer.from(`ig_message_item:1:IGMessageThread:${digits(`igwh:${seed}`, 30)}`).toString('base64url');
	return `m_${digest(`wh:${seed}`, 54)}`;
}

function midFor(e: EventBase, mid: string | undefined, extra: string): string {
	return mid ?? fakeMid(e.platform ?? 'messenger', `${e.from}:${e.to}:${e.timestamp ?? ''}:${extra}`);
}

export function messageEvent(
	e: EventBase & {
		mid?: string;
		text?: string;
		attachments?: IncomingAttachment[];
		quickReplyPayload?: string;
		replyTo?: string;
		isEcho?: boolean;
		appId?: string;
		metadata?: string;
	},
): MessagingEvent {
	const message: Record<string, unknown> = { mid: midFor(e, e.mid, e.text ?? JSON.stringify(e.attachments ?? [])) };
	if (e.isEcho) message.is_echo = true;
	if (e.appId) message.app_id = Number(e.appId);
	if (e.metadata !== undefined) message.metadata = e.metadata;
	if (e.text !== undefined) message.text = e.text;
	if (e.attachments) message.attachments = e.attachments.map((a) => ({ type: a.type, payload: a.payload ?? { url: a.url } }));
	if (e.quickReplyPayload !== undefined) message.quick_reply = { payload: e.quickReplyPayload };
	if (e.replyTo) message.reply_to = { mid: e.replyTo };
	return { ...base(e), message };
}

export function quickReplyEvent(e: EventBase & { mid?: string; text: string; payload: string }): MessagingEvent {
	return messageEvent({ ...e, quickReplyPayload: e.payload });
}

/** A message the business sent, echoed back (`message_echoes`): sender is the Page / IG account. */
export function echoEvent(e: EventBase & { mid?: string; text?: string; appId?: string; metadata?: string; attachments?: IncomingAttachment[] }): MessagingEvent {
	return messageEvent({ ...e, isEcho: true });
}

export function postbackEvent(e: EventBase & { title: string; payload: string; mid?: string; referral?: Record<string, unknown> }): MessagingEvent {
	const postback: Record<string, unknown> = { title: e.title, payload: e.payload, mid: midFor(e, e.mid, `postback:${e.payload}`) };
	if (e.referral) postback.referral = e.referral;
	return { ...base(e), postback };
}

/** Messenger: `read: {watermark}`; Instagram: `read: {mid}`. */
export function readEvent(e: EventBase & { watermark?: number; mid?: string }): MessagingEvent {
	if ((e.platform ?? 'messenger') === 'instagram') return { ...base(e), read: { mid: midFor(e, e.mid, 'read') } };
	return { ...base(e), read: { watermark: e.watermark ?? e.timestamp ?? Date.now() } };
}

export function deliveryEvent(e: EventBase & { mids: string[]; watermark?: number }): MessagingEvent {
	return { ...base(e), delivery: { mids: e.mids, watermark: e.watermark ?? e.timestamp ?? Date.now() } };
}

export function reactionEvent(
	e: EventBase & { mid: string; action?: 'react' | 'unreact'; reaction?: 'smile' | 'angry' | 'sad' | 'wow' | 'love' | 'like' | 'dislike' | 'other'; emoji?: string },
): MessagingEvent {
	const action = e.action ?? 'react';
	const reaction: Record<string, unknown> = { mid: e.mid, action };
	if (action === 'react') {
		reaction.reaction = e.reaction ?? 'love';
		reaction.emoji = e.emoji ?? '\u2764\ufe0f';
	}
	return { ...base(e), reaction };
}

/** Checkbox / send-to-Messenger opt-in, or a notification-messages opt-in when `notificationToken` is set. */
export function optinEvent(e: EventBase & { ref?: string; userRef?: string; notificationToken?: string; payload?: string; title?: string }): MessagingEvent {
	if (e.notificationToken) {
		return {
			...base(e),
			optin: {
				type: 'notification_messages',
				payload: e.payload ?? '',
				notification_messages_token: e.notificationToken,
				notification_messages_frequency: 'DAILY',
				notification_messages_timezone: 'UTC',
				token_expiry_timestamp: (e.timestamp ?? Date.now()) + 180 * 24 * 3600 * 1000,
				user_token_status: 'NOT_REFRESHED',
				title: e.title ?? 'Updates',
			},
		};
	}
	const optin: Record<string, unknown> = {};
	if (e.ref !== undefined) optin.ref = e.ref;
	if (e.userRef !== undefined) optin.user_ref = e.userRef;
	return { ...base(e), optin };
}

export function referralEvent(e: EventBase & { ref: string; source?: string; type?: string }): MessagingEvent {
	return { ...base(e), referral: { ref: e.ref, source: e.source ?? 'SHORTLINK', type: e.type ?? 'OPEN_THREAD' } };
}

export function handoverEvent(
	e: EventBase & {
		kind: 'pass_thread_control' | 'take_thread_control' | 'request_thread_control';
		newOwnerAppId?: string;
		previousOwnerAppId?: string;
		requestedOwnerAppId?: string;
		metadata?: string;
	},
): MessagingEvent {
	const body: Record<string, unknown> = { metadata: e.metadata ?? '' };
	if (e.kind === 'pass_thread_control') body.new_owner_app_id = e.newOwnerAppId ?? '';
	if (e.previousOwnerAppId !== undefined) body.previous_owner_app_id = e.previousOwnerAppId;
	if (e.kind === 'request_thread_control') body.requested_owner_app_id = e.requestedOwnerAppId ?? '';
	return { ...base(e), [e.kind]: body };
}

/** One entry holding the events (and standby events, for apps without thread control). */
export function webhookPayload(
	object: WebhookObject,
	businessId: string,
	events: MessagingEvent[],
	opts: { standby?: MessagingEvent[]; time?: number } = {},
): WebhookPayload {
	const entry: WebhookEntry = { id: businessId, time: opts.time ?? Date.now() };
	if (events.length > 0 || !opts.standby) entry.messaging = events;
	if (opts.standby) entry.standby = opts.standby;
	return { object, entry: [entry] };
}

/** The webhook event for a message stored in the fake (e.g. after `state.receiveMessage`). */
export function eventFromMessage(message: MessageRecord, baseUrl = ''): MessagingEvent {
	return messageEvent({
		from: message.fromId,
		to: message.toIds[0],
		timestamp: message.createdTime,
		platform: message.platform,
		mid: message.id,
		text: message.text || undefined,
		attachments: message.attachments.length
			? message.attachments.map((a) => ({ type: a.type as IncomingAttachment['type'], url: a.url.startsWith('/') ? `${baseUrl}${a.url}` : a.url }))
			: undefined,
		replyTo: message.replyTo,
		quickReplyPayload: message.quickReplyPayload,
		isEcho: message.direction === 'outbound',
	});
}

/**
 * A batched delivery of `count` message events, one per entry as Meta batches them.
 * Options make it realistic: `shuffle` sends them out of timestamp order, `duplicates`
 * repeats that many events (same mid) at the end.
 */
export function batchedPayload(
	object: WebhookObject,
	businessId: string,
	count: number,
	opts: { senders: string[]; startTimestamp?: number; stepMs?: number; shuffle?: boolean; duplicates?: number; textPrefix?: string },
): WebhookPayload {
	const platform: Platform = object === 'instagram' ? 'instagram' : 'messenger';
	const start = opts.startTimestamp ?? 1714554000000;
	const events: MessagingEvent[] = [];
	for (let i = 0; i < count; i++) {
		const timestamp = start + i * (opts.stepMs ?? 1000);
		events.push(
			messageEvent({
				from: opts.senders[i % opts.senders.length],
				to: businessId,
				timestamp,
				platform,
				text: `${opts.textPrefix ?? 'Batched message'} ${i + 1}`,
				mid: fakeMid(platform, `batch:${businessId}:${i}`),
			}),
		);
	}
	if (opts.shuffle) {
		// Deterministic shuffle so failures reproduce.
		events.sort((a, b) => digest(JSON.stringify(a), 8).localeCompare(digest(JSON.stringify(b), 8)));
	}
	for (let i = 0; i < (opts.duplicates ?? 0) && events.length > 0; i++) events.push(events[i % events.length]);
	return {
		object,
		entry: events.map((e) => ({ id: businessId, time: e.timestamp + 500, messaging: [e] })),
	};
}
