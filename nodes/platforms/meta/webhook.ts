/**
 * Meta webhooks: the GET verification handshake, the X-Hub-Signature-256 check over the raw bytes,
 * and the translation of `entry[].messaging[]` / `entry[].standby[]` into unified events.
 */
import { createHmac } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { safeEqual } from '../core/safeEqual';
import type { Attachment, AttachmentType, MessagingEvent, MessagingEventType, Participant, PlatformName } from '../types';
import { dropUndefined } from './incoming';
import { asId, asIsoTime, asList, asObject, asScalar, asText, objectsOf } from './jsonShape';
import { toNotificationOptIn, type NotificationOptInDetails } from './notificationOptIn';

/** Thread-control change of Meta's handover protocol. */
export interface HandoverDetails {
	action: 'pass_thread_control' | 'take_thread_control' | 'request_thread_control' | 'app_roles';
	newOwnerAppId?: string;
	previousOwnerAppId?: string;
	requestedOwnerAppId?: string;
	/** `app_roles` events: app id -> roles. */
	appRoles?: IDataObject;
}

/** Where a person came from (m.me link, ad, plugin), on referral events and Get Started postbacks. */
export interface ReferralDetails {
	ref?: string;
	source?: string;
	type?: string;
	adId?: string;
	refererUri?: string;
}

/** A unified event plus the Meta-only details some event types carry. */
export interface MetaMessagingEvent extends MessagingEvent {
	handover?: HandoverDetails;
	referral?: ReferralDetails;
	/** Opt-in to notification messages: the token to send them with. */
	notificationToken?: string;
	/** Opt-in to notification messages: the token with its frequency, expiry and status. */
	notificationOptIn?: NotificationOptInDetails;
	/** Checkbox plugin opt-in: the `user_ref` that identifies the person until they write. */
	userRef?: string;
}

export { safeEqual };

/** Meta's webhook objects for the two platforms. */
export const WEBHOOK_OBJECTS: Record<'messenger' | 'instagram', 'page' | 'instagram'> = {
	messenger: 'page',
	instagram: 'instagram',
};

/**
 * True when `header` is `sha256=<hex HMAC-SHA256(appSecret, rawBody)>`. Meta signs the exact bytes it
 * sends (non-ASCII escaped as \uXXXX), so this must see the raw body, never re-serialised JSON.
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
	if (!header || !appSecret) return false;
	const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
	if (!match) return false;
	const expected = createHmac('sha256', appSecret).update(rawBody).digest('hex');
	return safeEqual(match[1].toLowerCase(), expected);
}

/** The verification token Meta echoes back: derived from the app secret, so it is unguessable and stable. */
export function deriveVerifyToken(appSecret: string, workflowId: string, nodeId: string): string {
	return createHmac('sha256', appSecret).update(`n8n-social-messaging:verify:${workflowId}:${nodeId}`).digest('hex').slice(0, 40);
}

/** Returns the challenge to echo, or undefined when the request is not a valid subscription check. */
export function readChallenge(query: IDataObject, verifyToken: string): string | undefined {
	const mode = query['hub.mode'];
	const token = query['hub.verify_token'];
	const challenge = query['hub.challenge'];
	if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return undefined;
	return safeEqual(token, verifyToken) ? challenge : undefined;
}

/** The event's time; Meta always sends one, so a missing or broken one is read as "now". */
function iso(ms: unknown): string {
	return asIsoTime(ms) ?? new Date().toISOString();
}

function participant(value: unknown): Participant | undefined {
	const raw = asObject(value);
	const id = asId(raw?.id) ?? asId(raw?.user_ref);
	return id === undefined ? undefined : { id };
}

const ATTACHMENT_TYPES = new Set(['image', 'audio', 'video', 'file', 'sticker', 'share', 'story_mention', 'reel', 'template', 'fallback']);

function toAttachment(raw: IDataObject): Attachment {
	const payload = asObject(raw.payload) ?? {};
	const kind = asText(raw.type) ?? 'other';
	// Instagram sends post shares as `ig_post` since 2026-04-27 (before: `share`), reels as `ig_reel`.
	const type = (kind === 'ig_reel' ? 'reel' : kind === 'ig_post' ? 'share' : ATTACHMENT_TYPES.has(kind) ? kind : 'other') as AttachmentType;
	const attachment: Attachment = { type };
	const url = asText(payload.url);
	if (url !== undefined) attachment.url = url;
	const stickerId = asId(payload.sticker_id);
	if (stickerId !== undefined) attachment.id = stickerId;
	const rest = Object.fromEntries(Object.entries(payload).filter(([key]) => key !== 'url'));
	if (Object.keys(rest).length) attachment.payload = rest;
	const title = asText(raw.title);
	if (title !== undefined) attachment.payload = { ...(attachment.payload ?? {}), title };
	return attachment;
}

const HANDOVER_KEYS = ['pass_thread_control', 'take_thread_control', 'request_thread_control', 'app_roles'] as const;

/** The handover action of the event and its body, if it carries one. */
function handoverOf(event: IDataObject): { action: HandoverDetails['action']; body: IDataObject } | undefined {
	for (const action of HANDOVER_KEYS) {
		const body = asObject(event[action]);
		if (body) return { action, body };
	}
	return undefined;
}

function toHandover(event: IDataObject): HandoverDetails | undefined {
	const found = handoverOf(event);
	if (!found) return undefined;
	const { action, body } = found;
	const handover: HandoverDetails = { action };
	if (action === 'app_roles') {
		handover.appRoles = body;
		return handover;
	}
	handover.newOwnerAppId = asId(body.new_owner_app_id);
	handover.previousOwnerAppId = asId(body.previous_owner_app_id);
	handover.requestedOwnerAppId = asId(body.requested_owner_app_id);
	return dropUndefined(handover);
}

function toReferral(raw: IDataObject): ReferralDetails {
	return dropUndefined({
		ref: asScalar(raw.ref),
		source: asScalar(raw.source),
		type: asScalar(raw.type),
		adId: asId(raw.ad_id),
		refererUri: asText(raw.referer_uri),
	});
}

function classify(event: IDataObject): MessagingEventType | undefined {
	const message = asObject(event.message);
	if (message) {
		if (message.is_echo === true) return 'echo';
		if (asObject(message.quick_reply)) return 'quick_reply';
		return 'message';
	}
	if (asObject(event.message_edit)) return 'edit';
	if (asObject(event.postback)) return 'postback';
	if (asObject(event.reaction)) return 'reaction';
	if (asObject(event.read)) return 'read';
	if (asObject(event.delivery)) return 'delivery';
	if (asObject(event.optin)) return 'optin';
	if (asObject(event.referral)) return 'referral';
	if (handoverOf(event)) return 'handover';
	return undefined;
}

function toEvent(event: IDataObject, platform: PlatformName, accountId: string, standby: boolean, includeRaw: boolean): MetaMessagingEvent | undefined {
	const type = classify(event);
	if (!type) return undefined;
	const sender = participant(event.sender);
	const recipient = participant(event.recipient);
	const timestamp = iso(event.timestamp);
	const optin = asObject(event.optin);
	const userRef = asId(optin?.user_ref);
	// Echoes are sent by the account: the other person is the recipient. A checkbox opt-in has no
	// sender, only the plugin's user_ref.
	const otherId = type === 'echo' ? recipient?.id : (sender?.id ?? userRef);
	const result: MetaMessagingEvent = {
		type,
		platform,
		accountId,
		sender,
		recipient,
		conversationKey: `${accountId}:${otherId ?? 'unknown'}`,
		attachments: [],
		timestamp,
		dedupeKey: '',
	};

	const message = asObject(event.message);
	if (message) {
		result.messageId = asId(message.mid);
		result.text = asText(message.text);
		result.attachments = objectsOf(message.attachments).map(toAttachment);
		result.payload = asScalar(asObject(message.quick_reply)?.payload);
		result.replyToId = asId(asObject(message.reply_to)?.mid);
		result.metadata = asText(message.metadata);
	}
	const edit = asObject(event.message_edit);
	if (edit) {
		result.messageId = asId(edit.mid);
		result.text = asText(edit.text);
	}
	const postback = asObject(event.postback);
	if (postback) {
		result.messageId = asId(postback.mid);
		result.payload = asScalar(postback.payload);
		result.title = asText(postback.title);
	}
	const reaction = asObject(event.reaction);
	if (reaction) {
		result.messageId = asId(reaction.mid);
		result.reaction = dropUndefined({
			action: reaction.action === 'unreact' ? ('unreact' as const) : ('react' as const),
			reaction: asScalar(reaction.reaction) || undefined,
			emoji: asScalar(reaction.emoji) || undefined,
		});
	}
	const read = asObject(event.read);
	if (read) {
		result.watermark = asIsoTime(read.watermark);
		result.messageId = asId(read.mid);
	}
	const delivery = asObject(event.delivery);
	if (delivery) {
		result.watermark = asIsoTime(delivery.watermark);
		if (Array.isArray(delivery.mids)) result.messageIds = asList(delivery.mids).map(asId).filter((id): id is string => id !== undefined);
	}
	if (optin) {
		// Checkbox / Send to Messenger opt-ins carry `ref`; notification-message opt-ins a payload and a token.
		result.payload = asScalar(optin.ref) ?? asScalar(optin.payload);
		result.title = asText(optin.title);
		result.notificationToken = asScalar(optin.notification_messages_token);
		result.notificationOptIn = toNotificationOptIn(optin);
		result.userRef = userRef;
	}
	const referral = asObject(event.referral) ?? asObject(postback?.referral) ?? asObject(message?.referral);
	if (referral) {
		result.referral = toReferral(referral);
		if (type === 'referral' && result.referral.ref !== undefined) result.payload = result.referral.ref;
	}
	if (type === 'handover') {
		result.handover = toHandover(event);
		const metadata = asText(handoverOf(event)?.body.metadata);
		if (metadata) result.metadata = metadata;
	}
	if (standby) result.standby = true;

	result.dedupeKey = dedupeKey(result, event);
	if (includeRaw) result.raw = event;
	return dropUndefined(result);
}

/** The same event redelivered gets the same key; different events never share one. */
function dedupeKey(event: MetaMessagingEvent, raw: IDataObject): string {
	// As sent (a broken timestamp still gives a stable key); objects as JSON, never "[object Object]".
	const at = raw.timestamp !== null && typeof raw.timestamp === 'object' ? JSON.stringify(raw.timestamp) : String(raw.timestamp);
	const who = `${event.sender?.id ?? ''}>${event.recipient?.id ?? ''}`;
	switch (event.type) {
		case 'message':
		case 'quick_reply':
		case 'echo':
			return event.messageId ? `mid:${event.messageId}` : `${event.type}:${who}:${at}`;
		case 'edit':
			return `edit:${event.messageId}:${at}`;
		case 'reaction':
			return `reaction:${event.messageId}:${who}:${event.reaction?.action}:${event.reaction?.reaction ?? event.reaction?.emoji ?? ''}:${at}`;
		case 'read':
		case 'delivery':
			return `${event.type}:${who}:${event.watermark ?? event.messageId ?? at}`;
		case 'handover':
			return `handover:${event.handover?.action ?? ''}:${who}:${at}`;
		default:
			return `${event.type}:${who}:${event.messageId ?? ''}:${event.payload ?? ''}:${at}`;
	}
}

export interface ParsedDelivery {
	object: string;
	events: MetaMessagingEvent[];
}

/**
 * All events of one delivery, oldest first (Meta batches and may send them out of order). Total: any
 * JSON value is read without throwing; entries and events that are not objects are skipped.
 */
export function parseDelivery(body: unknown, options: { includeRaw?: boolean } = {}): ParsedDelivery {
	const root = asObject(body);
	const object = asText(root?.object) ?? '';
	const platform: PlatformName = object === 'instagram' ? 'instagram' : 'messenger';
	const events: MetaMessagingEvent[] = [];
	for (const entry of objectsOf(root?.entry)) {
		const accountId = asId(entry.id) ?? '';
		for (const [list, standby] of [
			[entry.messaging, false],
			[entry.standby, true],
		] as const) {
			for (const raw of objectsOf(list)) {
				const event = toEvent(raw, platform, accountId, standby, options.includeRaw ?? false);
				if (event) events.push(event);
			}
		}
	}
	events.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
	return { object, events };
}

/**
 * Webhook fields to subscribe for the chosen event types. Instagram names some fields differently
 * (`messaging_seen`, `messaging_referral`, `messaging_handover`) and has no delivery, edit or opt-in
 * fields; its echoes come with `messages`.
 */
export function webhookFields(platform: 'messenger' | 'instagram', eventTypes: MessagingEventType[], includeEchoes: boolean): string[] {
	const instagram = platform === 'instagram';
	const fields = new Set<string>();
	for (const type of eventTypes) {
		if (type === 'message' || type === 'quick_reply') fields.add('messages');
		if (type === 'postback') fields.add('messaging_postbacks');
		if (type === 'reaction') fields.add('message_reactions');
		if (type === 'read') fields.add(instagram ? 'messaging_seen' : 'message_reads');
		if (type === 'delivery' && !instagram) fields.add('message_deliveries');
		if (type === 'edit' && !instagram) fields.add('message_edits');
		if (type === 'optin' && !instagram) fields.add('messaging_optins');
		if (type === 'referral') fields.add(instagram ? 'messaging_referral' : 'messaging_referrals');
		if (type === 'handover') {
			fields.add(instagram ? 'messaging_handover' : 'messaging_handovers');
			fields.add('standby');
		}
	}
	if (includeEchoes) fields.add(instagram ? 'messages' : 'message_echoes');
	return [...fields].sort();
}
