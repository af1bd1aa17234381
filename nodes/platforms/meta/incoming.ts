/**
 * Maps what the Conversations API returns (conversations, messages, attachments) into the unified
 * model. Pure functions: the client fetches, these translate.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Attachment, AttachmentType, Conversation, Message, Participant, PlatformName } from '../types';

/** Graph writes times as `2022-07-12T19:11:07+0000`; the unified model uses ISO 8601 with `Z`. */
export function graphTimeToIso(value: unknown): string | undefined {
	if (typeof value === 'number') return new Date(value).toISOString();
	if (typeof value !== 'string' || !value) return undefined;
	const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
	const ms = Date.parse(normalised);
	return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

export function toParticipant(value: unknown): Participant | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const raw = value as IDataObject;
	if (raw.id === undefined) return undefined;
	const participant: Participant = { id: String(raw.id) };
	if (typeof raw.name === 'string') participant.name = raw.name;
	if (typeof raw.username === 'string') participant.username = raw.username;
	if (typeof raw.email === 'string') participant.email = raw.email;
	return participant;
}

/**
 * A copy of a Graph answer for `raw` output: without its `paging` blocks, whose `next` / `previous`
 * links repeat the access token and `appsecret_proof`.
 */
export function withoutPaging<T>(value: T): T {
	if (Array.isArray(value)) return value.map(withoutPaging) as T;
	if (value && typeof value === 'object') {
		const copy: IDataObject = {};
		for (const [key, inner] of Object.entries(value as IDataObject)) {
			if (key !== 'paging') copy[key] = withoutPaging(inner);
		}
		return copy as T;
	}
	return value;
}

function listData(value: unknown): IDataObject[] {
	if (Array.isArray(value)) return value as IDataObject[];
	if (value && typeof value === 'object' && Array.isArray((value as IDataObject).data)) {
		return (value as IDataObject).data as IDataObject[];
	}
	return [];
}

function typeFromMime(mimeType: string | undefined): AttachmentType {
	if (!mimeType) return 'file';
	if (mimeType.startsWith('image/')) return 'image';
	if (mimeType.startsWith('video/')) return 'video';
	if (mimeType.startsWith('audio/')) return 'audio';
	return 'file';
}

function toAttachment(raw: IDataObject): Attachment {
	const image = raw.image_data as IDataObject | undefined;
	const video = raw.video_data as IDataObject | undefined;
	const mimeType = typeof raw.mime_type === 'string' ? raw.mime_type : undefined;
	let type: AttachmentType = typeFromMime(mimeType);
	if (image) type = 'image';
	if (video) type = 'video';
	// Since 2026-08-30 stickers come as an attachment of type "sticker" (Messenger Sticker API).
	if (raw.type === 'sticker') type = 'sticker';
	const attachment: Attachment = {
		type,
		url: (image?.url ?? video?.url ?? raw.file_url ?? raw.url) as string | undefined,
	};
	if (raw.id !== undefined) attachment.id = String(raw.id);
	if (mimeType) attachment.mimeType = mimeType;
	if (typeof raw.name === 'string') attachment.fileName = raw.name;
	if (typeof raw.size === 'number') attachment.size = raw.size;
	if (attachment.url === undefined) delete attachment.url;
	return attachment;
}

/**
 * @param ownId the Page or Instagram account id, to tell the account's own messages from incoming ones
 */
export function toMessage(raw: IDataObject, platform: PlatformName, ownId: string | undefined, conversationId?: string): Message {
	const sender = toParticipant(raw.from);
	const recipients = listData(raw.to).map(toParticipant).filter((p): p is Participant => !!p);
	const attachments = listData(raw.attachments).map(toAttachment);
	if (typeof raw.sticker === 'string') attachments.push({ type: 'sticker', url: raw.sticker });
	for (const share of listData(raw.shares)) {
		attachments.push({ type: 'share', url: (share.link ?? share.template ?? undefined) as string | undefined, payload: share });
	}

	const message: Message = {
		id: String(raw.id),
		platform,
		conversationId,
		sender,
		recipient: recipients[0],
		// Graph answers `message: ""` for messages that only carry attachments.
		text: typeof raw.message === 'string' && raw.message !== '' ? raw.message : undefined,
		attachments,
		timestamp: graphTimeToIso(raw.created_time),
		detailsAvailable: raw.from !== undefined || raw.message !== undefined,
		raw: withoutPaging(raw),
	};
	if (recipients.length > 1) message.otherRecipients = recipients.slice(1);
	if (ownId && sender) message.direction = sender.id === ownId ? 'outbound' : 'inbound';
	const replyTo = raw.reply_to as IDataObject | undefined;
	if (replyTo?.mid) message.replyToId = String(replyTo.mid);
	return dropUndefined(message);
}

export function toConversation(raw: IDataObject, platform: PlatformName, ownId: string | undefined): Conversation {
	const participants = listData(raw.participants)
		.map(toParticipant)
		.filter((p): p is Participant => !!p);
	const conversation: Conversation = {
		id: String(raw.id),
		platform,
		participants,
		updatedAt: graphTimeToIso(raw.updated_time),
		raw: withoutPaging(raw),
	};
	if (typeof raw.message_count === 'number') conversation.messageCount = raw.message_count;
	if (typeof raw.unread_count === 'number') conversation.unreadCount = raw.unread_count;
	if (typeof raw.link === 'string') conversation.link = raw.link;
	if (raw.messages !== undefined) {
		conversation.messages = listData(raw.messages).map((m) => toMessage(m, platform, ownId, conversation.id));
	}
	return dropUndefined(conversation);
}

/** Removes the keys whose value is undefined, so output items carry only what the platform said. */
export function dropUndefined<T extends object>(value: T): T {
	for (const key of Object.keys(value) as Array<keyof T>) {
		if (value[key] === undefined) delete value[key];
	}
	return value;
}
