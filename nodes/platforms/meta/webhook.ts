/**
 * Meta webhooks: the GET verification handshake, the X-Hub-Signature-256 check over the raw bytes,
 * and the translation of `entry[].messaging[]` / `entry[].standby[]` into unified events.
 */
import { createHmac, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import type { Attachment, AttachmentType, MessagingEvent, MessagingEventType, Participant, PlatformName } from '../types';
import { dropUndefined } from './incoming';

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
	/** Checkbox plugin opt-in: the `user_ref` that identifies the person until they write. */
	userRef?: string;
}

/** Meta's webhook objects for the two platforms. */
export const WEBHOOK_OBJECTS: Record<'messenger' | 'instagram', 'page' | 'instagram'> = {
	messenger: 'page',
	instagram: 'instagram',
};

/** Compares two strings without leaking where they differ through timing. */
export function safeEqual(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	if (left.length !== right.length) {
		// Still spend the time of a comparison, then fail.
		timingSafeEqual(left, left);
		return false;
	}
	return timingSafeEqual(left, right);
}

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

function iso(ms: unknown): string {
	const value = Number(ms);
	return new Date(Number.isFinite(value) && value > 0 ? value : Date.now()).toISOString();
}

function participant(value: unknown): Participant | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const raw = value as IDataObject;
	if (raw.id !== undefined) return { id: String(raw.id) };
	if (raw.user_ref !== undefined) return { id: String(raw.user_ref) };
	return undefined;
}

const ATTACHMENT_TYPES = new Set(['image', 'audio', 'video', 'file', 'sticker', 'share', 'story_mention', 'reel', 'template', 'fallback']);

function toAttachment(raw: IDataObject): Attachment {
	const payload = (raw.payload ?? {}) as IDataObject;
	const kind = String(raw.type ?? 'other');
	const type = (kind === 'ig_reel' ? 'reel' : ATTACHMENT_TYPES.has(kind) ? kind : 'other') as AttachmentType;
	const attachment: Attachment = { type };
	if (typeof payload.url === 'string') attachment.url = payload.url;
	if (payload.sticker_id !== undefined) attachment.id = String(payload.sticker_id);
	const rest = Object.fromEntries(Object.entries(payload).filter(([key]) => key !== 'url'));
	if (Object.keys(rest).length) attachment.payload = rest;
	if (typeof raw.title === 'string') attachment.payload = { ...(attachment.payload ?? {}), title: raw.title };
	return attachment;
}

const HANDOVER_KEYS = ['pass_thread_control', 'take_thread_control', 'request_thread_control', 'app_roles'] as const;

function toHandover(event: IDataObject): HandoverDetails | undefined {
	const action = HANDOVER_KEYS.find((key) => event[key] !== undefined);
	if (!action) return undefined;
	const body = (event[action] ?? {}) as IDataObject;
	const handover: HandoverDetails = { action };
	if (action === 'app_roles') {
		handover.appRoles = body;
		return handover;
	}
	if (body.new_owner_app_id !== undefined && body.new_owner_app_id !== '') handover.newOwnerAppId = String(body.new_owner_app_id);
	if (body.previous_owner_app_id !== undefined && body.previous_owner_app_id !== '') handover.previousOwnerAppId = String(body.previous_owner_app_id);
	if (body.requested_owner_app_id !== undefined && body.requested_owner_app_id !== '') handover.requestedOwnerAppId = String(body.requested_owner_app_id);
	return handover;
}

function toReferral(raw: IDataObject): ReferralDetails {
	const referral: ReferralDetails = {};
	if (raw.ref !== undefined) referral.ref = String(raw.ref);
	if (raw.source !== undefined) referral.source = String(raw.source);
	if (raw.type !== undefined) referral.type = String(raw.type);
	if (raw.ad_id !== undefined) referral.adId = String(raw.ad_id);
	if (raw.referer_uri !== undefined) referral.refererUri = String(raw.referer_uri);
	return referral;
}

function classify(event: IDataObject): MessagingEventType | undefined {
	const message = event.message as IDataObject | undefined;
	if (message) {
		if (message.is_echo) return 'echo';
		if (message.quick_reply) return 'quick_reply';
		return 'message';
	}
	if (event.message_edit) return 'edit';
	if (event.postback) return 'postback';
	if (event.reaction) return 'reaction';
	if (event.read) return 'read';
	if (event.delivery) return 'delivery';
	if (event.optin) return 'optin';
	if (event.referral) return 'referral';
	if (HANDOVER_KEYS.some((key) => event[key] !== undefined)) return 'handover';
	return undefined;
}

function toEvent(event: IDataObject, platform: PlatformName, accountId: string, standby: boolean, includeRaw: boolean): MetaMessagingEvent | undefined {
	const type = classify(event);
	if (!type) return undefined;
	const sender = participant(event.sender);
	const recipient = participant(event.recipient);
	const timestamp = iso(event.timestamp);
	const optin = event.optin as IDataObject | undefined;
	const userRef = optin?.user_ref !== undefined ? String(optin.user_ref) : undefined;
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

	const message = (event.message ?? undefined) as IDataObject | undefined;
	if (message) {
		result.messageId = message.mid as string | undefined;
		if (typeof message.text === 'string') result.text = message.text;
		result.attachments = Array.isArray(message.attachments) ? (message.attachments as IDataObject[]).map(toAttachment) : [];
		const quickReply = message.quick_reply as IDataObject | undefined;
		if (quickReply?.payload !== undefined) result.payload = String(quickReply.payload);
		const replyTo = message.reply_to as IDataObject | undefined;
		if (replyTo?.mid) result.replyToId = String(replyTo.mid);
		if (typeof message.metadata === 'string') result.metadata = message.metadata;
	}
	const edit = event.message_edit as IDataObject | undefined;
	if (edit) {
		result.messageId = edit.mid as string | undefined;
		if (typeof edit.text === 'string') result.text = edit.text;
	}
	const postback = event.postback as IDataObject | undefined;
	if (postback) {
		if (postback.mid) result.messageId = String(postback.mid);
		if (postback.payload !== undefined) result.payload = String(postback.payload);
		if (typeof postback.title === 'string') result.title = postback.title;
	}
	const reaction = event.reaction as IDataObject | undefined;
	if (reaction) {
		result.messageId = reaction.mid as string | undefined;
		result.reaction = {
			action: reaction.action === 'unreact' ? 'unreact' : 'react',
			...(reaction.reaction ? { reaction: String(reaction.reaction) } : {}),
			...(reaction.emoji ? { emoji: String(reaction.emoji) } : {}),
		};
	}
	const read = event.read as IDataObject | undefined;
	if (read) {
		if (read.watermark !== undefined) result.watermark = iso(read.watermark);
		if (read.mid) result.messageId = String(read.mid);
	}
	const delivery = event.delivery as IDataObject | undefined;
	if (delivery) {
		if (delivery.watermark !== undefined) result.watermark = iso(delivery.watermark);
		if (Array.isArray(delivery.mids)) result.messageIds = (delivery.mids as unknown[]).map(String);
	}
	if (optin) {
		// Checkbox / Send to Messenger opt-ins carry `ref`; notification-message opt-ins a payload and a token.
		const payload = optin.ref ?? optin.payload;
		if (payload !== undefined) result.payload = String(payload);
		if (typeof optin.title === 'string') result.title = optin.title;
		if (optin.notification_messages_token !== undefined) result.notificationToken = String(optin.notification_messages_token);
		if (userRef !== undefined) result.userRef = userRef;
	}
	const referral = (event.referral ?? postback?.referral ?? message?.referral) as IDataObject | undefined;
	if (referral && typeof referral === 'object') {
		result.referral = toReferral(referral);
		if (type === 'referral' && referral.ref !== undefined) result.payload = String(referral.ref);
	}
	if (type === 'handover') {
		result.handover = toHandover(event);
		const body = event[result.handover?.action ?? ''] as IDataObject | undefined;
		if (typeof body?.metadata === 'string' && body.metadata !== '') result.metadata = body.metadata;
	}
	if (standby) result.standby = true;

	result.dedupeKey = dedupeKey(result, event);
	if (includeRaw) result.raw = event;
	return dropUndefined(result);
}

/** The same event redelivered gets the same key; different events never share one. */
function dedupeKey(event: MetaMessagingEvent, raw: IDataObject): string {
	const who = `${event.sender?.id ?? ''}>${event.recipient?.id ?? ''}`;
	switch (event.type) {
		case 'message':
		case 'quick_reply':
		case 'echo':
			return event.messageId ? `mid:${event.messageId}` : `${event.type}:${who}:${String(raw.timestamp)}`;
		case 'edit':
			return `edit:${event.messageId}:${String(raw.timestamp)}`;
		case 'reaction':
			return `reaction:${event.messageId}:${who}:${event.reaction?.action}:${event.reaction?.reaction ?? event.reaction?.emoji ?? ''}:${String(raw.timestamp)}`;
		case 'read':
		case 'delivery':
			return `${event.type}:${who}:${event.watermark ?? event.messageId ?? String(raw.timestamp)}`;
		case 'handover':
			return `handover:${event.handover?.action ?? ''}:${who}:${String(raw.timestamp)}`;
		default:
			return `${event.type}:${who}:${event.messageId ?? ''}:${event.payload ?? ''}:${String(raw.timestamp)}`;
	}
}

export interface ParsedDelivery {
	object: string;
	events: MetaMessagingEvent[];
}

/** All events of one delivery, oldest first (Meta batches and may send them out of order). */
export function parseDelivery(body: IDataObject, options: { includeRaw?: boolean } = {}): ParsedDelivery {
	const object = String(body.object ?? '');
	const platform: PlatformName = object === 'instagram' ? 'instagram' : 'messenger';
	const events: MetaMessagingEvent[] = [];
	for (const entry of (Array.isArray(body.entry) ? body.entry : []) as IDataObject[]) {
		const accountId = String(entry.id ?? '');
		for (const [list, standby] of [
			[entry.messaging, false],
			[entry.standby, true],
		] as const) {
			if (!Array.isArray(list)) continue;
			for (const raw of list as IDataObject[]) {
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
