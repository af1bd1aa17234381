/**
 * The X adapter: Direct Messages through API v2 with OAuth 1.0a user context. Turns unified requests into
 * X calls via the shared transport and maps DM events back; X has no list of conversations, so they are
 * derived from the DM events.
 */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { hasVisibleText, requireWholeCharacters } from '../core/text';
import type { Lane } from '../core/rateGate';
import type { RequestContext, Transport } from '../core/transport';
import type {
	Capabilities,
	Conversation,
	ListConversationsOptions,
	ListOptions,
	Message,
	OutgoingMedia,
	OutgoingMessage,
	Page,
	Platform,
	PlatformLimits,
	Recipient,
	SendResult,
	UploadResult,
} from '../types';
import { Includes, groupConversations, toMessage, type DmEventsAnswer } from './incoming';
import { MediaUploader, categoryFor, validateSize } from './media';

export const X_ID = /^[0-9]{1,19}$/;
/** One-to-one (`ID-ID`) or group conversation ids, as X's OpenAPI description gives them. */
export const X_CONVERSATION_ID = /^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$/;
const USERNAME = /^[A-Za-z0-9_]{1,15}$/;
export const X_TEXT_MAX = 10_000;
const MAX_PAGE_SIZE = 100;

/** Every field the unified model needs: sender and participants come through expansions (see the reference). */
export const DM_EVENT_QUERY: IDataObject = {
	'dm_event.fields': 'id,text,event_type,created_at,dm_conversation_id,attachments,entities',
	expansions: 'sender_id,participant_ids,attachments.media_keys,referenced_posts',
	'user.fields': 'id,name,username,profile_image_url',
	'media.fields': 'media_key,type,url,preview_image_url',
};

/**
 * X allows 15 DM sends per 15 minutes per user (and 1,440 per day). The lane counts from the start and paces
 * once X signals the window is nearly used or refuses a call: one send a minute keeps to 15 per 15 minutes.
 */
const SEND_LANE: Lane = { name: 'x-dm-send', perSecond: 1 / 60, adaptive: true };
const LOOKUP_LANE: Lane = { name: 'x-dm-lookup', perSecond: 1 / 60, adaptive: true };

export interface XSettings {
	capabilities: Capabilities;
	/** The node's Max Sends per Second: that pace from the first send instead of X's documented one. */
	sendsPerSecond?: number;
}

function checkId(value: string, what: string): string {
	const id = value.trim();
	if (!X_ID.test(id)) throw new InputError(`${what} "${value}" is not an X ID`, `${what} must be 1 to 19 digits, e.g. 1234567890.`);
	return id;
}

function checkConversationId(value: string): string {
	const id = value.trim();
	if (!X_CONVERSATION_ID.test(id)) {
		throw new InputError(
			`Conversation ID "${value}" is not an X conversation ID`,
			'One-to-one conversations look like 123-456 (the two user IDs), group conversations like 1582838838383838383.',
		);
	}
	return id;
}

/** The name of the capability, for errors that say which platforms have it. */
function lacks(what: string, where: string): InputError {
	return new InputError(`X Direct Messages have no ${what}`, `${what[0].toUpperCase()}${what.slice(1)} exist on ${where}. Change the node's Platform, or remove it for X.`);
}

export class XPlatform implements Platform {
	readonly name = 'x' as const;

	readonly provider = 'xApi' as const;

	readonly limits: PlatformLimits = {
		textLimit: `at most ${X_TEXT_MAX} characters`,
		maxQuickReplies: 0,
		maxAttachmentBytes: 512 * 1024 * 1024,
		maxPageSize: MAX_PAGE_SIZE,
		// 15 sends per 15 minutes: more in flight only meets the limit sooner.
		defaultSendConcurrency: 1,
		sendsPerSecond: 1 / 60,
	};

	readonly capabilities: Capabilities;

	private ownLookup: Promise<IDataObject> | undefined;

	private readonly uploader: MediaUploader;

	/** Conversations already returned by earlier pages of one listing (X pages events, not conversations). */
	private listed = new Set<string>();

	private readonly usernames = new Map<string, Promise<string>>();

	private readonly sendLane: Lane;

	constructor(
		private readonly ctx: RequestContext,
		private readonly transport: Transport,
		settings: XSettings,
		/** Names of the platforms that have what X lacks, for the errors. */
		private readonly elsewhere: (capability: keyof Capabilities) => string,
	) {
		this.capabilities = settings.capabilities;
		this.sendLane = settings.sendsPerSecond ? { name: SEND_LANE.name, perSecond: settings.sendsPerSecond } : SEND_LANE;
		this.uploader = new MediaUploader(transport);
	}

	async ownId(): Promise<string> {
		return String((await this.ownUser()).id);
	}

	/** The account the token acts as, looked up once per run: its id tells inbound from outbound, its profile fills in the account when X's expansions leave it out. */
	private async ownUser(): Promise<IDataObject> {
		if (!this.ownLookup) {
			const lookup = this.transport
				.request<IDataObject>({ method: 'GET', path: '/2/users/me', qs: { 'user.fields': DM_EVENT_QUERY['user.fields'] }, idempotent: true })
				.then((answer) => answer.data as IDataObject);
			// A failed lookup is not kept for the rest of the run.
			lookup.catch(() => {
				if (this.ownLookup === lookup) this.ownLookup = undefined;
			});
			this.ownLookup = lookup;
		}
		return await this.ownLookup;
	}

	private async events(path: string, qs: IDataObject): Promise<{ answer: DmEventsAnswer; ownId: string; includes: Includes }> {
		const own = await this.ownUser();
		const ownId = String(own.id);
		const answer = await this.transport.request<DmEventsAnswer>({
			method: 'GET',
			path,
			qs: { ...DM_EVENT_QUERY, ...qs },
			idempotent: true,
			pacing: [{ lane: LOOKUP_LANE, weight: 1 }],
		});
		return { answer, ownId, includes: new Includes(answer, [own]) };
	}

	private pageQuery(options: ListOptions, eventTypes?: string): IDataObject {
		const qs: IDataObject = { max_results: Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(options.pageSize ?? MAX_PAGE_SIZE))) };
		if (options.cursor) qs.pagination_token = options.cursor;
		if (eventTypes) qs.event_types = eventTypes;
		return qs;
	}

	async listConversations(options: ListConversationsOptions): Promise<Page<Conversation>> {
		if (!options.cursor) this.listed = new Set();
		const path = options.userId ? `/2/dm_conversations/with/${checkId(options.userId, 'User ID')}/dm_events` : '/2/dm_events';
		// Paging over events: ask full pages, however few conversations are wanted.
		const { answer, ownId, includes } = await this.events(path, this.pageQuery({ ...options, pageSize: MAX_PAGE_SIZE }));
		const events = Array.isArray(answer.data) ? answer.data : [];
		const conversations = groupConversations(events, includes, ownId).filter((conversation) => !this.listed.has(conversation.id));
		for (const conversation of conversations) this.listed.add(conversation.id);
		return { items: conversations, nextCursor: answer.meta?.next_token };
	}

	async recentMessages(options: ListOptions): Promise<Page<Message>> {
		const { answer, ownId, includes } = await this.events('/2/dm_events', this.pageQuery(options, 'MessageCreate'));
		const events = Array.isArray(answer.data) ? answer.data : [];
		return { items: events.map((event) => toMessage(event, includes, ownId)), nextCursor: answer.meta?.next_token };
	}

	async getConversation(conversationId: string, options: { messageLimit: number }): Promise<Conversation> {
		const id = checkConversationId(conversationId);
		const limit = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(options.messageLimit || 20)));
		const { answer, ownId, includes } = await this.events(`/2/dm_conversations/${id}/dm_events`, { max_results: limit });
		const events = Array.isArray(answer.data) ? answer.data : [];
		const [conversation] = groupConversations(events, includes, ownId);
		return conversation ?? { id, platform: 'x', participants: [], messages: [], messageCount: 0 };
	}

	async listMessages(conversationId: string, options: ListOptions): Promise<Page<Message>> {
		const path = options.withUserId
			? `/2/dm_conversations/with/${checkId(options.withUserId, 'Participant ID')}/dm_events`
			: `/2/dm_conversations/${checkConversationId(conversationId)}/dm_events`;
		const { answer, ownId, includes } = await this.events(path, this.pageQuery(options, 'MessageCreate'));
		const events = Array.isArray(answer.data) ? answer.data : [];
		return { items: events.map((event) => toMessage(event, includes, ownId)), nextCursor: answer.meta?.next_token };
	}

	async getMessage(messageId: string): Promise<Message> {
		const id = checkId(messageId, 'Message ID');
		const { answer, ownId, includes } = await this.events(`/2/dm_events/${id}`, {});
		if (!answer.data || Array.isArray(answer.data)) {
			// X answers a missing event with 200 and errors[] instead of data.
			throw this.transport.apiError({
				message: String(answer.errors?.[0]?.detail ?? `X has no DM event ${id}`),
				description: 'The message does not exist, was deleted, or this account cannot see it (X keeps DM events for 30 days). Check the ID.',
				httpCode: '404',
				code: 'resource-not-found',
				body: answer as IDataObject,
			});
		}
		return toMessage(answer.data, includes, ownId);
	}

	async deleteMessage(messageId: string): Promise<IDataObject> {
		const id = checkId(messageId, 'Message ID');
		const answer = await this.transport.request<IDataObject>({ method: 'DELETE', path: `/2/dm_events/${id}` });
		return { platform: 'x', messageId: id, deleted: (answer.data as IDataObject | undefined)?.deleted === true };
	}

	validateOutgoing(message: OutgoingMessage): void {
		if (message.template) throw lacks('templates', this.elsewhere('templates'));
		if (message.quickReplies?.length) throw lacks('quick replies', this.elsewhere('quickReplies'));
		if (message.tag || (message.messagingType && message.messagingType !== 'RESPONSE')) throw lacks('message tags', this.elsewhere('messageTags'));
		if (message.personaId) throw lacks('personas', this.elsewhere('personas'));
		const recipient = message.recipient as Recipient;
		if ('id' in recipient) checkId(recipient.id, 'Recipient ID');
		else if ('username' in recipient) {
			if (!USERNAME.test(recipient.username.replace(/^@/, ''))) {
				throw new InputError(`"${recipient.username}" is not an X username`, 'A username is 1 to 15 letters, digits or underscores, e.g. @XDevelopers.');
			}
		} else if ('conversationId' in recipient) checkConversationId(recipient.conversationId);
		else if ('participantIds' in recipient) {
			const ids = recipient.participantIds;
			if (ids.length < 2 || ids.length > 49) {
				throw new InputError(`A group conversation needs 2 to 49 other people; this one has ${ids.length}`, 'List 2 to 49 user IDs, separated by commas.');
			}
			ids.forEach((id) => checkId(id, 'Participant ID'));
			if (new Set(ids).size !== ids.length) throw new InputError('A participant is listed twice', 'List each user ID once.');
		} else {
			throw lacks("Meta's recipient handles (user_ref, comment, post, notification token)", this.elsewhere('recipientHandles'));
		}
		const text = message.text ?? '';
		if (!hasVisibleText(text) && !message.media) throw new InputError('The message has no text and no media', 'Enter text, or attach an image, GIF or video.');
		if (text && !hasVisibleText(text)) throw new InputError('The text is only blank characters', 'Enter text that is not only spaces, line breaks or zero-width characters.');
		requireWholeCharacters(text, 'Text');
		if ([...text].length > X_TEXT_MAX) {
			throw new InputError(`The text has ${[...text].length} characters; X allows at most ${X_TEXT_MAX}`, 'Shorten the text or split it into several messages.');
		}
		if (message.media) this.validateMedia(message.media);
	}

	private validateMedia(media: OutgoingMedia): void {
		if ('attachmentId' in media.source) {
			throw new InputError('X has no reusable attachment IDs', 'Give the media as a URL or as a binary file; X uploads it for each message.');
		}
		if ('file' in media.source) {
			const category = categoryFor(media.type, media.source.file.mimeType);
			validateSize(category, media.source.file.size);
		} else if (media.type !== 'image' && media.type !== 'video') {
			categoryFor(media.type, '');
		}
	}

	private async resolveUsername(username: string): Promise<string> {
		const name = username.replace(/^@/, '');
		const key = name.toLowerCase();
		if (!this.usernames.has(key)) {
			const lookup = this.transport
				.request<IDataObject>({ method: 'GET', path: `/2/users/by/username/${encodeURIComponent(name)}`, idempotent: true })
				.then((answer) => {
					const id = (answer.data as IDataObject | undefined)?.id;
					if (!id) throw new InputError(`X has no user @${name}`, 'Check the username (without typos), or send to the user ID.');
					return String(id);
				});
			lookup.catch(() => this.usernames.delete(key));
			this.usernames.set(key, lookup);
		}
		return await (this.usernames.get(key) as Promise<string>);
	}

	/** The file behind the media: the item's binary data, or the bytes of the URL fetched now. */
	private async mediaFile(media: OutgoingMedia) {
		if ('file' in media.source) return media.source.file;
		if (!('url' in media.source)) throw new InputError('X has no reusable attachment IDs', 'Give the media as a URL or a file.');
		const url = media.source.url;
		const response = (await this.ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; headers: IDataObject; body: Buffer };
		if (response.statusCode < 200 || response.statusCode >= 300) {
			throw new InputError(`The media URL answered HTTP ${response.statusCode}`, `Nothing was sent. Check that ${url} is a public link to the file.`);
		}
		const bytes = Buffer.from(response.body);
		const mimeType = String(response.headers['content-type'] ?? '').split(';')[0].trim();
		const file = { fileName: new URL(url).pathname.split('/').pop() || 'media', mimeType, size: bytes.length, read: async () => bytes };
		validateSize(categoryFor(media.type, mimeType), file.size);
		return file;
	}

	async send(message: OutgoingMessage): Promise<SendResult> {
		this.validateOutgoing(message);
		const recipient = message.recipient;
		// The recipient is looked up and the media uploaded before the send: a failure there sends nothing.
		const participantId = 'username' in recipient ? await this.resolveUsername(recipient.username) : 'id' in recipient ? recipient.id.trim() : undefined;
		const content: IDataObject = {};
		if (message.text) content.text = message.text;
		if (message.media) {
			const file = await this.mediaFile(message.media);
			const uploaded = await this.uploader.upload(file, categoryFor(message.media.type, file.mimeType));
			content.attachments = [{ media_id: uploaded.id }];
		}
		let path: string;
		let body: IDataObject;
		if ('participantIds' in recipient) {
			path = '/2/dm_conversations';
			body = { conversation_type: 'Group', participant_ids: recipient.participantIds.map((id) => id.trim()), message: content };
		} else if ('conversationId' in recipient) {
			path = `/2/dm_conversations/${recipient.conversationId.trim()}/messages`;
			body = content;
		} else {
			path = `/2/dm_conversations/with/${participantId}/messages`;
			body = content;
		}
		// Never repeated after a network failure or a 5xx (idempotent: false): X may have delivered it.
		const answer = await this.transport.request<IDataObject>({ method: 'POST', path, body, pacing: [{ lane: this.sendLane, weight: 1 }] });
		const data = (answer.data ?? {}) as IDataObject;
		const result: SendResult = { platform: 'x', sentAt: new Date().toISOString(), raw: answer };
		if (data.dm_event_id) result.messageId = String(data.dm_event_id);
		if (data.dm_conversation_id) result.conversationId = String(data.dm_conversation_id);
		if (participantId) result.recipientId = participantId;
		return result;
	}

	async sendAction(): Promise<IDataObject> {
		throw lacks('sender actions (typing, mark as seen)', this.elsewhere('senderActions'));
	}

	async react(): Promise<IDataObject> {
		throw lacks('reactions', this.elsewhere('reactions'));
	}

	async unreact(): Promise<IDataObject> {
		throw lacks('reactions', this.elsewhere('reactions'));
	}

	async uploadAttachment(): Promise<UploadResult> {
		throw lacks('reusable attachment uploads', this.elsewhere('reusableUploads'));
	}
}
