/**
 * The Ayrshare adapter: Messenger, Instagram and X direct messages through Ayrshare's Messaging API
 * (`/messages/{facebook|instagram|twitter}`). Ayrshare offers conversations, messages, sends of text and
 * media URLs (binary files are uploaded to Ayrshare first, media.ts), and a server-side auto-response;
 * everything else fails here before any request.
 */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import type { Lane } from '../core/rateGate';
import type { Transport } from '../core/transport';
import type {
	Capabilities,
	Conversation,
	ListConversationsOptions,
	ListOptions,
	Message,
	OutgoingMessage,
	Page,
	Platform,
	PlatformLimits,
	MediaSource,
	PlatformName,
	SendResult,
	UploadResult,
} from '../types';
import { AyrshareAutoResponse } from './autoResponse';
import { AYRSHARE_UPLOAD_MAX_BYTES, checkUploadSize, uploadToAyrshare } from './media';
import { conversationDetails, freshnessOf, otherParticipants, toConversation, toMessage } from './incoming';
import { AYRSHARE_PLATFORM } from './settings';

const X_PAGE_MAX = 100;

/** 150 to 300 calls per profile per 5 minutes by plan: half a call a second keeps under the smallest. */
const LANE: Lane = { name: 'ayrshare', perSecond: 0.5, adaptive: true };

/** A public file URL whose path ends in a file extension, without a query string (Ayrshare's rule). */
const FILE_PATH = /\/[^/]+\.[A-Za-z0-9]{2,5}$/;

const LABELS: Record<PlatformName, string> = { messenger: 'Messenger', instagram: 'Instagram', x: 'X' };

export class AyrsharePlatform implements Platform {
	readonly provider = 'ayrshare' as const;

	readonly limits: PlatformLimits;

	readonly serverAutoResponse: AyrshareAutoResponse;

	private readonly path: string;

	constructor(
		readonly name: PlatformName,
		private readonly transport: Transport,
		readonly capabilities: Capabilities,
		/** Names of the platforms that have what Ayrshare lacks, for the errors. */
		private readonly elsewhere: (capability: keyof Capabilities) => string,
	) {
		this.path = `/messages/${AYRSHARE_PLATFORM[name]}`;
		this.serverAutoResponse = new AyrshareAutoResponse(transport, LANE);
		this.limits = {
			textLimit: name === 'x' ? 'at least 1 character' : 'any length Ayrshare accepts',
			maxQuickReplies: 0,
			maxAttachmentBytes: AYRSHARE_UPLOAD_MAX_BYTES,
			maxPageSize: X_PAGE_MAX,
			defaultSendConcurrency: 1,
			sendsPerSecond: LANE.perSecond,
		};
	}

	private lacks(what: string, capability: keyof Capabilities): InputError {
		return new InputError(
			`Ayrshare has no ${what}`,
			`${what[0].toUpperCase()}${what.slice(1)} exist on ${this.elsewhere(capability)} with a direct Meta Graph API credential. Use such a credential, or leave it out for Ayrshare.`,
		);
	}

	private async get(qs: IDataObject): Promise<IDataObject> {
		return await this.transport.request<IDataObject>({ method: 'GET', path: this.path, qs, idempotent: true, pacing: [{ lane: LANE, weight: 1 }] });
	}

	async ownId(): Promise<undefined> {
		return undefined;
	}

	async listConversations(options: ListConversationsOptions): Promise<Page<Conversation>> {
		const answer = await this.get({ conversationsOnly: true, status: options.archived ? 'archived' : 'active' });
		const freshness = freshnessOf(answer);
		const conversations = conversationDetails(answer).map((raw) => toConversation(raw, this.name, freshness));
		const userId = options.userId?.trim();
		return { items: userId ? conversations.filter((conversation) => conversation.participants.some((person) => person.id === userId)) : conversations };
	}

	async getConversation(conversationId: string, options: { messageLimit: number }): Promise<Conversation> {
		const id = conversationId.trim();
		const page = await this.listMessages(id, { pageSize: options.messageLimit || 20 });
		const messages = page.items.slice(0, Math.max(0, options.messageLimit));
		const conversation: Conversation = { id, platform: this.name, participants: otherParticipants(page.items), messages, messageCount: messages.length };
		const first = page.items[0];
		if (first?.lastUpdated) conversation.lastUpdated = first.lastUpdated;
		if (first?.nextUpdate) conversation.nextUpdate = first.nextUpdate;
		return conversation;
	}

	async listMessages(conversationId: string, options: ListOptions): Promise<Page<Message>> {
		if (options.withUserId) {
			throw new InputError('Ayrshare lists messages by conversation, not by participant', 'Choose By > Conversation ID and give the conversation ID (Conversation > Get Many lists them).');
		}
		const qs: IDataObject = {};
		if (conversationId.trim()) qs.conversationId = conversationId.trim();
		// Only X pages (limit 1-100, next = meta.pagination.next); Facebook and Instagram give the last 20 messages.
		if (this.name === 'x') {
			qs.limit = Math.max(1, Math.min(X_PAGE_MAX, Math.floor(options.pageSize ?? X_PAGE_MAX)));
			if (options.cursor) qs.next = options.cursor;
		}
		const answer = await this.get(qs);
		const freshness = freshnessOf(answer);
		const raw = Array.isArray(answer.messages) ? (answer.messages as IDataObject[]) : [];
		const next = ((answer.meta as IDataObject | undefined)?.pagination as IDataObject | undefined)?.next;
		return { items: raw.map((message) => toMessage(message, this.name, freshness)), nextCursor: this.name === 'x' && typeof next === 'string' && next ? next : undefined };
	}

	async getMessage(): Promise<Message> {
		throw new InputError(
			'Ayrshare has no lookup of one message by its ID',
			'Use Message > Get Many with the conversation ID, then pick the message by its ID (for example with a Filter node).',
		);
	}

	validateOutgoing(message: OutgoingMessage): void {
		if (message.template) throw this.lacks('templates', 'templates');
		if (message.quickReplies?.length) throw this.lacks('quick replies', 'quickReplies');
		if (message.tag || (message.messagingType && message.messagingType !== 'RESPONSE')) throw this.lacks('message tags', 'messageTags');
		if (message.personaId) throw this.lacks('personas', 'personas');
		if (message.rawMessage || message.sticker) throw this.lacks("custom payloads or stickers (Meta's own message objects)", 'templates');
		if (message.replyToMessageId || message.metadata || message.notificationType) throw this.lacks('replies to a message, metadata or notification types', 'templates');
		const recipient = message.recipient;
		if ('conversationId' in recipient) {
			if (this.name !== 'x') throw new InputError(`Ayrshare sends on ${LABELS[this.name]} to a recipient ID only`, 'Give the person\'s ID (recipientId); only X accepts a conversation ID.');
			if (!recipient.conversationId.trim()) throw new InputError('The conversation ID is empty', 'Enter the X conversation ID.');
		} else if ('id' in recipient) {
			if (!recipient.id.trim()) throw new InputError('The recipient ID is empty', 'Enter the ID of the person to send to.');
		} else {
			throw this.lacks('recipients other than a user ID (usernames, groups, user_ref, comment or post IDs)', 'recipientHandles');
		}
		const urls = this.mediaSources(message);
		const text = message.text ?? '';
		if (text && !text.trim()) throw new InputError('The text is only blank characters', 'Enter text that is not only spaces or line breaks.');
		if (this.name === 'x') {
			if (!text.trim()) throw new InputError('Ayrshare needs text for every X message', 'Enter at least one character; X media go with text only.');
			if (urls.length > 1) throw new InputError(`Ayrshare sends one media URL per X message; this one has ${urls.length}`, 'Send one image or video per message.');
		} else if (!text.trim() && urls.length === 0) {
			throw new InputError('The message has no text and no media', 'Enter text, or give a media URL.');
		}
	}

	/** Media as URLs (checked) or binary files (uploaded at the send); attachment IDs Ayrshare cannot take. */
	private mediaSources(message: OutgoingMessage): Array<Exclude<MediaSource, { attachmentId: string }>> {
		const sources = [...(message.media ? [message.media.source] : []), ...(message.images ?? [])];
		if (message.images?.length && this.name === 'x') throw new InputError('Ayrshare sends one media URL per X message', 'Send one image per message.');
		return sources.map((source) => {
			if ('file' in source) {
				checkUploadSize(source.file);
				return source;
			}
			if (!('url' in source)) throw this.lacks('reusable attachment IDs', 'reusableUploads');
			return { url: checkMediaUrl(source.url) };
		});
	}

	async send(message: OutgoingMessage): Promise<SendResult> {
		this.validateOutgoing(message);
		const recipient = message.recipient;
		const body: IDataObject = {};
		if ('conversationId' in recipient) body.conversationId = recipient.conversationId.trim();
		else if ('id' in recipient) body.recipientId = recipient.id.trim();
		if (message.text) body.message = message.text;
		// Files go to Ayrshare's media storage first: a failed upload sends nothing.
		const urls: string[] = [];
		for (const source of this.mediaSources(message)) urls.push('url' in source ? source.url : await uploadToAyrshare(this.transport, LANE, source.file));
		if (urls.length) body.mediaUrls = urls;
		// Never repeated after a network failure or a 5xx (idempotent: false): Ayrshare may have delivered it.
		const answer = await this.transport.request<IDataObject>({ method: 'POST', path: this.path, body, pacing: [{ lane: LANE, weight: 1 }] });
		const result: SendResult = { platform: this.name, sentAt: new Date().toISOString(), raw: answer };
		if (answer.messageId !== undefined) result.messageId = String(answer.messageId);
		const recipientId = answer.recipientId ?? body.recipientId;
		if (recipientId !== undefined) result.recipientId = String(recipientId);
		if (answer.conversationId !== undefined || body.conversationId) result.conversationId = String(answer.conversationId ?? body.conversationId);
		return result;
	}

	async sendAction(): Promise<IDataObject> {
		throw this.lacks('sender actions (typing, mark as seen)', 'senderActions');
	}

	async react(): Promise<IDataObject> {
		throw this.lacks('reactions', 'reactions');
	}

	async unreact(): Promise<IDataObject> {
		throw this.lacks('reactions', 'reactions');
	}

	async uploadAttachment(): Promise<UploadResult> {
		throw this.lacks('reusable attachment uploads', 'reusableUploads');
	}
}

function checkMediaUrl(value: string): string {
	const text = value.trim();
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || !FILE_PATH.test(url.pathname)) {
		throw new InputError(
			`Ayrshare cannot take the media URL "${text}"`,
			'Ayrshare needs a public http(s) URL whose path ends in a file extension (e.g. https://cdn.example.com/photo.jpg), without a query string.',
		);
	}
	return text;
}
