/** Ayrshare's answers and webhook payloads turned into the unified model. */
import type { IDataObject } from 'n8n-workflow';

import type { Attachment, AttachmentType, Conversation, Message, MessagingEvent, MessagingEventType, Participant, PlatformName } from '../types';

/** When Ayrshare made its cached answer and when fresher data comes. */
export interface Freshness {
	lastUpdated?: string;
	nextUpdate?: string;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : undefined);

export function freshnessOf(answer: IDataObject): Freshness {
	const freshness: Freshness = {};
	if (str(answer.lastUpdated)) freshness.lastUpdated = str(answer.lastUpdated);
	if (str(answer.nextUpdate)) freshness.nextUpdate = str(answer.nextUpdate);
	return freshness;
}

function participant(id: unknown, details: unknown): Participant | undefined {
	const info = (details && typeof details === 'object' ? details : {}) as IDataObject;
	const personId = str(id) ?? str(info.id);
	if (!personId) return undefined;
	const person: Participant = { id: personId };
	if (str(info.name)) person.name = str(info.name);
	const picture = str(info.profileImage) ?? str(info.picture);
	if (picture) person.profilePictureUrl = picture;
	return person;
}

const EXTENSIONS: Array<[RegExp, AttachmentType]> = [
	[/\.(jpe?g|png|gif|webp|heic)$/i, 'image'],
	[/\.(mp4|mov|webm|avi)$/i, 'video'],
	[/\.(mp3|aac|wav|m4a|ogg)$/i, 'audio'],
];

function typeOf(declared: unknown, url: string | undefined): AttachmentType {
	if (declared === 'image' || declared === 'video' || declared === 'audio' || declared === 'file') return declared;
	const path = url ? url.split('?')[0] : '';
	return EXTENSIONS.find(([pattern]) => pattern.test(path))?.[1] ?? (path ? 'file' : 'other');
}

function attachmentsOf(list: unknown): Attachment[] {
	if (!Array.isArray(list)) return [];
	return list.map((entry) => {
		const item = (typeof entry === 'string' ? { url: entry } : (entry ?? {})) as IDataObject;
		const url = str(item.url);
		return { type: typeOf(item.type, url), ...(url ? { url } : {}) };
	});
}

export function toMessage(raw: IDataObject, platform: PlatformName, freshness: Freshness): Message {
	const message: Message = {
		id: String(raw.id ?? ''),
		platform,
		attachments: attachmentsOf(raw.attachments),
		...freshness,
		raw,
	};
	if (str(raw.conversationId)) message.conversationId = str(raw.conversationId);
	if (raw.action === 'received') message.direction = 'inbound';
	else if (raw.action === 'sent') message.direction = 'outbound';
	const sender = participant(raw.senderId, raw.senderDetails);
	if (sender) message.sender = sender;
	const recipient = participant(raw.recipientId, raw.recipientDetails);
	if (recipient) message.recipient = recipient;
	if (typeof raw.message === 'string') message.text = raw.message;
	if (str(raw.created)) message.timestamp = str(raw.created);
	if (raw.reactions && typeof raw.reactions === 'object') {
		message.reactions = Object.entries(raw.reactions as IDataObject).map(([userId, emoji]) => ({ userId, emoji: String(emoji) }));
	}
	return message;
}

/** Ayrshare spells it `converstationsDetails`; the corrected spelling is read too. */
export function conversationDetails(answer: IDataObject): IDataObject[] {
	const list = answer.converstationsDetails ?? answer.conversationsDetails;
	if (Array.isArray(list)) return list as IDataObject[];
	return Array.isArray(answer.conversationIds) ? (answer.conversationIds as unknown[]).map((id) => ({ id: String(id) })) : [];
}

export function toConversation(raw: IDataObject, platform: PlatformName, freshness: Freshness): Conversation {
	const person = participant(undefined, raw.participant);
	const conversation: Conversation = { id: String(raw.id ?? ''), platform, participants: person ? [person] : [], ...freshness, raw };
	return conversation;
}

/** The other person of a conversation, read from its messages (received: the sender; sent: the recipient). */
export function otherParticipants(messages: Message[]): Participant[] {
	const people = new Map<string, Participant>();
	for (const message of messages) {
		const other = message.direction === 'inbound' ? message.sender : message.direction === 'outbound' ? message.recipient : undefined;
		if (other && !people.has(other.id)) people.set(other.id, other);
	}
	return [...people.values()];
}

const EVENT_TYPES: Record<string, MessagingEventType> = {
	messageCreated: 'message',
	messageRead: 'read',
	reactionCreated: 'reaction',
	messageEdited: 'edit',
};

const PLATFORMS: Record<string, PlatformName> = { facebook: 'messenger', instagram: 'instagram', twitter: 'x' };

function isoOf(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return new Date(value < 1e12 ? value * 1000 : value).toISOString();
	if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
	return undefined;
}

/** One webhook delivery (one event) as a unified event, or undefined when it is not a messages event. */
export function toEvent(body: IDataObject, includeRaw: boolean): MessagingEvent | undefined {
	const type = EVENT_TYPES[String(body.subAction ?? '')];
	const platform = PLATFORMS[String(body.platform ?? '')];
	if (body.action !== 'messages' || !type || !platform) return undefined;
	const accountId = str(body.recipientId) ?? '';
	const sender = participant(body.senderId, type === 'read' ? body.readerDetails ?? body.senderDetails : body.senderDetails);
	const timestamp = isoOf(body.created) ?? isoOf(body.timeStamp) ?? new Date().toISOString();
	const event: MessagingEvent = {
		type,
		platform,
		accountId,
		conversationKey: `${accountId}:${sender?.id ?? ''}`,
		attachments: attachmentsOf(body.mediaUrls),
		timestamp,
		// One delivery, retried, keeps its hookId; with the event's kind and time it names the event.
		dedupeKey: `ayrshare:${String(body.hookId ?? body.refId ?? '')}:${String(body.subAction)}:${String(body.created ?? body.timeStamp ?? '')}`,
	};
	if (sender) event.sender = sender;
	if (accountId) event.recipient = { id: accountId };
	const messageId = str(body.messageId) ?? str(body.id);
	if (messageId) event.messageId = messageId;
	if (typeof body.message === 'string') event.text = body.message;
	if (type === 'reaction') event.reaction = { action: 'react', emoji: str(body.reaction) };
	if (type === 'read') event.watermark = isoOf(body.read) ?? timestamp;
	if (includeRaw) event.raw = body;
	return event;
}
