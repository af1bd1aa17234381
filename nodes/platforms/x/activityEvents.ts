/**
 * Deliveries of the X Activity API turned into unified events: `dm.received` (a person wrote to the
 * account) is a message, `dm.sent` (the account wrote, from anywhere) an echo, `dm.read` (a person read
 * the account's messages) a read and `dm.indicate_typing` (a person is typing to the account) a typing
 * event. Reads and typing come in the Account Activity API's shapes (`direct_message_mark_read_events`,
 * `direct_message_indicate_typing_events`; inferred, X documents no Activity API payload for them); the
 * account's own reads and typing are skipped. Total: any JSON value is read without throwing; what is
 * not a DM event of the subscribed account is skipped.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Attachment, MessagingEvent, MessagingEventType, Participant } from '../types';

/** The Activity API event types the trigger subscribes to, and what each becomes. */
export const ACTIVITY_TYPES: Record<string, MessagingEventType> = { 'dm.received': 'message', 'dm.sent': 'echo', 'dm.read': 'read', 'dm.indicate_typing': 'typing' };

const objectOf = (value: unknown): IDataObject | undefined =>
	value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;
const objectsOf = (value: unknown): IDataObject[] =>
	(Array.isArray(value) ? value : value === undefined ? [] : [value]).map(objectOf).filter((entry): entry is IDataObject => entry !== undefined);
const idOf = (value: unknown): string | undefined =>
	(typeof value === 'string' && /^\d{1,19}$/.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ? String(value) : undefined;
const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** `users` of a payload: id -> `{data: user}` (Activity API) or the user itself (Account Activity API). */
function person(users: IDataObject | undefined, id: string | undefined): Participant | undefined {
	if (!id) return undefined;
	const entry = objectOf(users?.[id]);
	const user = objectOf(entry?.data) ?? entry ?? {};
	const participant: Participant = { id };
	const name = textOf(user.name);
	const username = textOf(user.username) ?? textOf(user.screen_name);
	const picture = textOf(user.profile_image_url) ?? textOf(user.profile_image_url_https);
	if (name) participant.name = name;
	if (username) participant.username = username;
	if (picture) participant.profilePictureUrl = picture;
	return participant;
}

/** `message_data.attachment` of a DM: `{type: 'media', media: {id_str, media_url_https, type}}`. */
function attachmentsOf(messageData: IDataObject | undefined): Attachment[] {
	const media = objectOf(objectOf(messageData?.attachment)?.media);
	if (!media) return [];
	const kind = textOf(media.type);
	const attachment: Attachment = { type: kind === 'photo' ? 'image' : kind === 'video' || kind === 'animated_gif' ? 'video' : 'other' };
	const id = idOf(media.id_str) ?? idOf(media.id);
	const url = textOf(media.media_url_https) ?? textOf(media.media_url);
	if (id) attachment.id = id;
	if (url) attachment.url = url;
	return [attachment];
}

function isoOf(ms: unknown): string {
	const value = typeof ms === 'string' && /^\d+$/.test(ms) ? Number(ms) : ms;
	// Beyond what a Date holds (about 8.64e15 ms) is no time either.
	return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 8.64e15 ? new Date(value).toISOString() : new Date().toISOString();
}

/** One Activity API event (`data` of a delivery) as unified events; `uuid` names it across redeliveries. */
function eventsOf(data: IDataObject, includeRaw: boolean): MessagingEvent[] {
	const type = ACTIVITY_TYPES[String(data.event_type ?? '')];
	const accountId = idOf(objectOf(data.filter)?.user_id);
	const uuid = textOf(data.event_uuid);
	if (!type || !accountId || !uuid) return [];
	const payload = objectOf(data.payload) ?? {};
	const users = objectOf(payload.users);
	if (type === 'read' || type === 'typing') return signalsOf(type, payload, accountId, uuid, includeRaw ? data : undefined);
	const events: MessagingEvent[] = [];
	for (const dm of objectsOf(payload.direct_message_events)) {
		if (dm.type !== 'message_create') continue;
		const create = objectOf(dm.message_create) ?? {};
		const senderId = idOf(create.sender_id);
		const recipientId = idOf(objectOf(create.target)?.recipient_id);
		const messageData = objectOf(create.message_data);
		const otherId = type === 'echo' ? recipientId : senderId;
		const event: MessagingEvent = {
			type,
			platform: 'x',
			accountId,
			conversationKey: `${accountId}:${otherId ?? 'unknown'}`,
			attachments: attachmentsOf(messageData),
			timestamp: isoOf(dm.created_timestamp),
			dedupeKey: `x:${uuid}:${idOf(dm.id) ?? ''}`,
		};
		const sender = person(users, senderId);
		const recipient = person(users, recipientId);
		if (sender) event.sender = sender;
		if (recipient) event.recipient = recipient;
		const messageId = idOf(dm.id);
		if (messageId) event.messageId = messageId;
		const text = textOf(messageData?.text);
		if (text !== undefined) event.text = text;
		if (includeRaw) event.raw = data;
		events.push(event);
	}
	return events;
}

/** `dm.read` / `dm.indicate_typing`: `{created_timestamp, sender_id, target: {recipient_id}, last_read_event_id?}` each. */
function signalsOf(type: 'read' | 'typing', payload: IDataObject, accountId: string, uuid: string, raw: IDataObject | undefined): MessagingEvent[] {
	const list = type === 'read' ? payload.direct_message_mark_read_events : payload.direct_message_indicate_typing_events;
	const users = objectOf(payload.users);
	const events: MessagingEvent[] = [];
	for (const signal of objectsOf(list)) {
		const senderId = idOf(signal.sender_id);
		// Only what people do in the account's conversations; the account's own reads and typing are not events.
		if (!senderId || senderId === accountId) continue;
		const recipientId = idOf(objectOf(signal.target)?.recipient_id) ?? accountId;
		const timestamp = isoOf(signal.created_timestamp);
		const event: MessagingEvent = {
			type,
			platform: 'x',
			accountId,
			conversationKey: `${accountId}:${senderId}`,
			attachments: [],
			timestamp,
			// X's redeliveries keep the event_uuid: one read or typing per uuid and person.
			dedupeKey: `x:${uuid}:${type}:${senderId}`,
		};
		const sender = person(users, senderId);
		const recipient = person(users, recipientId);
		if (sender) event.sender = sender;
		if (recipient) event.recipient = recipient;
		if (type === 'read') {
			// As on Meta: messages up to this time were read, up to this message id.
			event.watermark = timestamp;
			const lastRead = idOf(signal.last_read_event_id);
			if (lastRead) event.messageId = lastRead;
		}
		if (raw) event.raw = raw;
		events.push(event);
	}
	return events;
}

/** Every DM event of a delivery (`{"data": event}`, or several under `data`), oldest first. */
export function parseActivityDelivery(body: unknown, options: { includeRaw?: boolean } = {}): MessagingEvent[] {
	const events = objectsOf(objectOf(body)?.data).flatMap((data) => eventsOf(data, options.includeRaw ?? false));
	return events.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
}
