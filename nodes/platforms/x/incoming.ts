/** X's DM events and their expansions, turned into unified messages and conversations. */
import type { IDataObject } from 'n8n-workflow';

import type { Attachment, AttachmentType, Conversation, Message, Participant } from '../types';

/** What a DM event list or lookup answers: data plus the expanded users and media. */
export interface DmEventsAnswer {
	data?: IDataObject[] | IDataObject;
	includes?: { users?: IDataObject[]; media?: IDataObject[] };
	meta?: { next_token?: string; result_count?: number };
	/** Partial errors, e.g. the event that was not found. */
	errors?: IDataObject[];
}

export class Includes {
	private readonly users = new Map<string, IDataObject>();

	private readonly media = new Map<string, IDataObject>();

	/** `known`: users the caller already has (the account itself), for ids X's expansions leave out. */
	constructor(answer: DmEventsAnswer, known: IDataObject[] = []) {
		for (const user of [...known, ...(answer.includes?.users ?? [])]) this.users.set(String(user.id), user);
		for (const media of answer.includes?.media ?? []) this.media.set(String(media.media_key), media);
	}

	participant(id: string | undefined): Participant | undefined {
		if (!id) return undefined;
		const user = this.users.get(id);
		const participant: Participant = { id };
		if (user?.name) participant.name = String(user.name);
		if (user?.username) participant.username = String(user.username);
		if (user?.profile_image_url) participant.profilePictureUrl = String(user.profile_image_url);
		return participant;
	}

	attachment(mediaKey: string): Attachment {
		const media = this.media.get(mediaKey);
		const kind = String(media?.type ?? '');
		const type: AttachmentType = kind === 'photo' ? 'image' : kind === 'video' || kind === 'animated_gif' ? 'video' : 'other';
		const attachment: Attachment = { type, id: mediaKey };
		const url = media?.url ?? media?.preview_image_url;
		if (url) attachment.url = String(url);
		return attachment;
	}
}

/** One-to-one conversation ids are `SMALLER-LARGER` user ids; the other one is the person. */
export function otherParticipantOf(conversationId: string | undefined, ownId: string | undefined): string | undefined {
	const match = /^(\d{1,19})-(\d{1,19})$/.exec(conversationId ?? '');
	if (!match) return undefined;
	return match[1] === ownId ? match[2] : match[2] === ownId ? match[1] : undefined;
}

export function toMessage(event: IDataObject, includes: Includes, ownId: string | undefined): Message {
	const conversationId = event.dm_conversation_id ? String(event.dm_conversation_id) : undefined;
	const senderId = event.sender_id ? String(event.sender_id) : undefined;
	const mediaKeys = ((event.attachments as IDataObject | undefined)?.media_keys ?? []) as string[];
	const message: Message = {
		id: String(event.id),
		platform: 'x',
		attachments: mediaKeys.map((key) => includes.attachment(String(key))),
		raw: event,
	};
	if (conversationId) message.conversationId = conversationId;
	if (senderId) {
		message.sender = includes.participant(senderId);
		if (ownId) message.direction = senderId === ownId ? 'outbound' : 'inbound';
	}
	const other = otherParticipantOf(conversationId, ownId);
	if (other) message.recipient = includes.participant(senderId === ownId ? other : ownId);
	else if (senderId !== ownId && ownId && conversationId) message.recipient = includes.participant(ownId);
	if (typeof event.text === 'string') message.text = event.text;
	if (event.created_at) message.timestamp = String(event.created_at);
	// Both spellings: 2.167's referenced_posts and 2.159's referenced_tweets.
	const referenced = (event.referenced_posts ?? event.referenced_tweets) as IDataObject[] | undefined;
	if (Array.isArray(referenced) && referenced[0]?.id) message.replyToId = String(referenced[0].id);
	return message;
}

/**
 * X has no list of conversations: they are the DM events grouped by conversation, newest first (events
 * come newest first, so a conversation's first event is its latest).
 */
export function groupConversations(events: IDataObject[], includes: Includes, ownId: string | undefined): Conversation[] {
	const byId = new Map<string, Conversation & { people: Set<string> }>();
	for (const event of events) {
		const id = event.dm_conversation_id ? String(event.dm_conversation_id) : undefined;
		if (!id) continue;
		let conversation = byId.get(id);
		if (!conversation) {
			conversation = { id, platform: 'x', participants: [], messages: [], people: new Set<string>() };
			if (event.created_at) conversation.updatedAt = String(event.created_at);
			byId.set(id, conversation);
		}
		const people = [
			...(/^(\d{1,19})-(\d{1,19})$/.exec(id)?.slice(1) ?? []),
			...(event.sender_id ? [String(event.sender_id)] : []),
			...((event.participant_ids ?? []) as string[]).map(String),
		];
		for (const person of people) conversation.people.add(person);
		if (event.event_type === 'MessageCreate') conversation.messages?.push(toMessage(event, includes, ownId));
	}
	return [...byId.values()].map(({ people, ...conversation }) => ({
		...conversation,
		participants: [...people].filter((id) => id !== ownId).map((id) => includes.participant(id) as Participant),
		messageCount: conversation.messages?.length,
	}));
}
