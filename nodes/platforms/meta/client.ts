/**
 * The Meta adapter: Messenger and Instagram through the Graph API (a Facebook Page), or Instagram
 * through Instagram Login (graph.instagram.com). Turns unified requests into Graph calls via the shared
 * transport and maps the answers back.
 */
import type { IDataObject } from 'n8n-workflow';

import type { AccountTools } from '../accountTypes';
import { InputError } from '../core/inputError';
import type { Lane } from '../core/rateGate';
import { multipartBody } from '../core/multipart';
import { Slots } from '../core/slots';
import type { Transport } from '../core/transport';
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
	ProviderName,
	Recipient,
	BatchOutcome,
	MediaType,
	SendResult,
	SenderAction,
	UploadResult,
} from '../types';
import { metaAccountTools } from './account';
import { batchSizeFor, runBatch, splitIntoBatches, type BatchCall } from './batch';
import { toConversation, toMessage } from './incoming';
import { splitIntoPages } from './nextPage';
import { withTokenHint } from './notificationOptIn';
import {
	META_LIMITS,
	buildRecipient,
	buildSendBody,
	buildUploadFileMessage,
	buildUploadFromUrlBody,
	validateMediaFile,
	validateOutgoing,
} from './outgoing';

export type MetaPlatformName = 'messenger' | 'instagram';

export interface MetaSettings {
	provider: Extract<ProviderName, 'metaGraph' | 'instagramLogin'>;
	platform: MetaPlatformName;
	pageId?: string;
	instagramAccountId?: string;
	/** The version path segment, e.g. `v23.0`, which batch parts must carry themselves. */
	apiVersion: string;
	/** Overrides the pace of text sends (calls per second); default: just under Meta's documented 300. */
	sendsPerSecond?: number;
	capabilities: Capabilities;
	/** Signs next page quick replies (nextPage.ts); absent without an app secret. */
	nextPageKey?: string;
}

/**
 * Meta allows 300 Send API calls/s per Page for text, links, reactions and stickers, and 10/s for audio
 * and video. The node paces itself at 95% of that. (Network delays cannot push more calls into one of
 * Meta's seconds: the RateGate counts each call until a second after its answer.)
 */
export const DOCUMENTED_SENDS_PER_SECOND = 300;
export const DOCUMENTED_AUDIO_VIDEO_SENDS_PER_SECOND = 10;
/**
 * Meta allows 2 Conversations API calls/s per Page or Instagram account: listing conversations, reading
 * one, its messages or a message. Reads go one after another, so they only meet this when the network is
 * fast; then the first refusal switches the lane on (adaptive) and the remaining reads keep to it instead
 * of being refused and retried.
 */
const CONVERSATIONS_LANE: Lane = { name: 'meta-conversations', perSecond: 2, adaptive: true };
const CONVERSATIONS_PACING = [{ lane: CONVERSATIONS_LANE, weight: 1 }];
/**
 * Binary files uploaded at once per run, whatever the Concurrency: each holds the file and the request
 * body made from it (25 MB each at the most), so 4 keep a run of large files within about 200 MB.
 */
const FILES_IN_MEMORY = 4;
/**
 * The lanes alone already keep every second at the platform within their capacity. The headroom keeps a
 * full second below the limit itself: at exactly 300, the usage header of a full second reads 100% and the
 * transport pauses the whole run for a second. Measured in a real n8n against a sandbox limited to 300/s,
 * 5,000 sends took 26 to 30 s at 300/s and 18 to 20 s at 285/s (see BENCHMARKS.md).
 */
const PACING_HEADROOM = 0.95;

export const CONVERSATION_FIELDS = 'id,updated_time,link,message_count,unread_count,participants';
export const MESSAGE_FIELDS = 'id,created_time,from,to,message,attachments,sticker,shares,reply_to';

/** Meta documents no maximum page size for these edges; 100 is the usual Graph ceiling (inferred). */
const MAX_PAGE_SIZE = 100;
/** Only the 20 most recent messages of a conversation can be read in detail. */
export const MAX_DETAILED_MESSAGES = 20;

interface GraphPage {
	data?: IDataObject[];
	paging?: { cursors?: { after?: string }; next?: string };
}

/** Cursor for the next page, or undefined on the last one. A page may be empty and still have a next. */
export function nextCursor(page: GraphPage): string | undefined {
	if (!page.paging?.next) return undefined;
	if (page.paging.cursors?.after) return page.paging.cursors.after;
	const after = new URL(page.paging.next).searchParams.get('after');
	return after ?? undefined;
}

function clampPageSize(size: number | undefined): number {
	return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(size ?? 25)));
}

export class MetaPlatform implements Platform {
	readonly name: MetaPlatformName;

	readonly provider: MetaSettings['provider'];

	readonly limits: PlatformLimits;

	readonly capabilities: Capabilities;

	private ownIdLookup: Promise<string | undefined> | undefined;

	private readonly sendLane: Lane;

	private readonly audioVideoLane: Lane;

	private readonly fileUploads = new Slots(FILES_IN_MEMORY);

	readonly account: AccountTools;

	constructor(
		private readonly transport: Transport,
		private readonly settings: MetaSettings,
	) {
		this.name = settings.platform;
		this.provider = settings.provider;
		this.capabilities = settings.capabilities;
		this.limits = {
			textLimit:
				settings.platform === 'instagram'
					? `at most ${META_LIMITS.instagramTextMaxBytes} bytes (UTF-8)`
					: 'fewer than 2000 characters',
			maxQuickReplies: META_LIMITS.maxQuickReplies,
			maxAttachmentBytes: META_LIMITS.maxAttachmentBytes,
			maxPageSize: MAX_PAGE_SIZE,
			// Little's law: reaching Meta's 300 Send API calls/s per Page while one send takes up to a third of a
			// second needs 100 in flight. Where answers come faster, the adaptive send lane keeps the run under the
			// limit once Meta signals it. Measured in BENCHMARKS.md against 20, 32 and 50.
			defaultSendConcurrency: 100,
			sendsPerSecond: settings.sendsPerSecond || Math.floor(DOCUMENTED_SENDS_PER_SECOND * PACING_HEADROOM),
		};
		// A pace the user chose holds from the first send; otherwise the lane learns the limit it meets.
		this.sendLane = { name: 'meta-send', perSecond: this.limits.sendsPerSecond, learn: !settings.sendsPerSecond };
		// Graph batch requests are documented for graph.facebook.com only, not for graph.instagram.com.
		if (settings.provider === 'metaGraph') this.limits.maxBatchSize = batchSizeFor(this.sendLane);
		this.audioVideoLane = {
			name: 'meta-send-audio-video',
			perSecond: Math.min(this.limits.sendsPerSecond, Math.floor(DOCUMENTED_AUDIO_VIDEO_SENDS_PER_SECOND * PACING_HEADROOM)),
		};
		this.account = metaAccountTools({ transport, platform: settings.platform, provider: settings.provider, node: this.accountNode });
	}

	/**
	 * The rate lanes a send counts on: the Page's, audio/video's, and the thread's. Meta warns that a single
	 * thread can be rate limited but names no rate: the thread's lane learns it (one call per batch request)
	 * from refusals; the usage headers are the Page's.
	 */
	private lanesFor(mediaType: MediaType | undefined, recipient?: Recipient): Lane[] {
		const lanes = mediaType === 'audio' || mediaType === 'video' ? [this.sendLane, this.audioVideoLane] : [this.sendLane];
		if (recipient) lanes.push({ name: `meta-thread:${JSON.stringify(recipient)}`, perSecond: 1, learn: true, ignoresUsage: true });
		return lanes;
	}

	private pacingFor(mediaType: MediaType | undefined, recipient?: Recipient) {
		return this.lanesFor(mediaType, recipient).map((lane) => ({ lane, weight: 1 }));
	}

	/** The Graph node that sends and owns the conversations: the Page, or the Instagram account. */
	private get accountNode(): string {
		if (this.provider === 'instagramLogin') return this.settings.instagramAccountId || 'me';
		return this.settings.pageId as string;
	}

	/** The id that appears as `from` on the account's own messages. */
	async ownId(): Promise<string | undefined> {
		if (this.name === 'messenger') return this.settings.pageId;
		if (this.settings.instagramAccountId) return this.settings.instagramAccountId;
		// Items share one lookup; a failed one is forgotten, so the next item asks again instead of failing
		// with the same error for the rest of the run.
		this.ownIdLookup ??= this.lookUpInstagramId().catch((error: unknown) => {
			this.ownIdLookup = undefined;
			throw error;
		});
		return await this.ownIdLookup;
	}

	private async lookUpInstagramId(): Promise<string | undefined> {
		if (this.provider === 'instagramLogin') {
			const me = await this.transport.request({ method: 'GET', path: '/me', qs: { fields: 'user_id,username' }, idempotent: true });
			const id = me.user_id ?? me.id;
			return id === undefined || id === null || id === '' ? undefined : String(id);
		}
		const page = await this.transport.request({
			method: 'GET',
			path: `/${this.settings.pageId}`,
			qs: { fields: 'instagram_business_account' },
			idempotent: true,
		});
		const account = page.instagram_business_account as IDataObject | undefined;
		return account?.id ? String(account.id) : undefined;
	}

	async listConversations(options: ListConversationsOptions): Promise<Page<Conversation>> {
		const qs: IDataObject = { platform: this.name, fields: CONVERSATION_FIELDS, limit: clampPageSize(options.pageSize) };
		if (options.userId) qs.user_id = options.userId;
		if (options.cursor) qs.after = options.cursor;
		const [page, ownId] = await Promise.all([
			this.transport.request<GraphPage>({
				method: 'GET',
				path: `/${this.accountNode}/conversations`,
				qs,
				idempotent: true,
				pacing: CONVERSATIONS_PACING,
			}),
			this.ownId(),
		]);
		return {
			items: (page.data ?? []).map((raw) => toConversation(raw, this.name, ownId)),
			nextCursor: nextCursor(page),
		};
	}

	async getConversation(conversationId: string, options: { messageLimit: number }): Promise<Conversation> {
		const messageLimit = Math.max(0, Math.min(MAX_DETAILED_MESSAGES, Math.floor(Number(options.messageLimit) || 0)));
		const fields = messageLimit > 0 ? `${CONVERSATION_FIELDS},messages.limit(${messageLimit}){${MESSAGE_FIELDS}}` : CONVERSATION_FIELDS;
		const [raw, ownId] = await Promise.all([
			this.transport.request({
				method: 'GET',
				path: `/${encodeURIComponent(conversationId)}`,
				qs: { fields },
				idempotent: true,
				pacing: CONVERSATIONS_PACING,
			}),
			this.ownId(),
		]);
		const conversation = toConversation(raw, this.name, ownId);
		// Get always answers a message list, also when none were asked for.
		conversation.messages ??= [];
		return conversation;
	}

	async listMessages(conversationId: string, options: ListOptions): Promise<Page<Message>> {
		const qs: IDataObject = { fields: MESSAGE_FIELDS, limit: clampPageSize(options.pageSize) };
		if (options.cursor) qs.after = options.cursor;
		const [page, ownId] = await Promise.all([
			this.transport.request<GraphPage>({
				method: 'GET',
				path: `/${encodeURIComponent(conversationId)}/messages`,
				qs,
				idempotent: true,
				pacing: CONVERSATIONS_PACING,
			}),
			this.ownId(),
		]);
		return {
			items: (page.data ?? []).map((raw) => toMessage(raw, this.name, ownId, conversationId)),
			nextCursor: nextCursor(page),
		};
	}

	async getMessage(messageId: string): Promise<Message> {
		const [raw, ownId] = await Promise.all([
			this.transport.request({
				method: 'GET',
				path: `/${encodeURIComponent(messageId)}`,
				qs: { fields: MESSAGE_FIELDS },
				idempotent: true,
				pacing: CONVERSATIONS_PACING,
			}),
			this.ownId(),
		]);
		return toMessage(raw, this.name, ownId);
	}

	validateOutgoing(message: OutgoingMessage): void {
		validateOutgoing(message, this.name);
		if (this.name === 'instagram' && (message.notificationType || message.personaId)) {
			throw new InputError(
				'Notification type and persona are Messenger features',
				'Clear these options when sending on Instagram.',
			);
		}
	}

	firstPage(message: OutgoingMessage, options: { store: () => IDataObject; label: string }): OutgoingMessage {
		const split = splitIntoPages(message, {
			label: options.label,
			platform: this.name,
			key: this.settings.nextPageKey,
			validate: (page) => this.validateOutgoing(page),
		});
		if (!split) return message;
		split.store(options.store(), Date.now());
		return split.first;
	}

	async send(message: OutgoingMessage): Promise<SendResult> {
		this.validateOutgoing(message);
		const outgoing = await this.withUploadedFile(message);
		const response = await this.transport
			.request({
				method: 'POST',
				path: `/${this.accountNode}/messages`,
				body: buildSendBody(outgoing),
				pacing: this.pacingFor(message.media?.type, message.recipient),
			})
			.catch((error: unknown) => {
				throw withTokenHint(error, message);
			});
		return this.sendResult(message, response);
	}

	async sendBatch(messages: OutgoingMessage[]): Promise<BatchOutcome[]> {
		const outcomes: BatchOutcome[] = new Array(messages.length);
		const calls: Array<{ index: number; message: OutgoingMessage; call: BatchCall }> = [];
		for (const [index, message] of messages.entries()) {
			try {
				this.validateOutgoing(message);
				const outgoing = await this.withUploadedFile(message);
				calls.push({
					index,
					message,
					call: {
						method: 'POST',
						relativeUrl: `${this.settings.apiVersion}/${this.accountNode}/messages`,
						body: buildSendBody(outgoing),
						lanes: this.lanesFor(message.media?.type, message.recipient),
					},
				});
			} catch (error) {
				outcomes[index] = { error: error as Error };
			}
		}
		for (const chunk of splitIntoBatches(calls, ({ call }) => call.lanes)) {
			const parts = await runBatch(
				this.transport,
				chunk.map(({ call }) => call),
			);
			parts.forEach((part, position) => {
				const { index, message } = chunk[position];
				outcomes[index] = 'body' in part ? { result: this.sendResult(message, part.body) } : { error: withTokenHint(part.error, message) as Error };
			});
		}
		return outcomes;
	}

	/** Files go through the Attachment Upload API first, then the message references the id. */
	private async withUploadedFile(message: OutgoingMessage): Promise<OutgoingMessage> {
		if (!message.media || !('file' in message.media.source)) return message;
		const upload = await this.uploadAttachment(message.media);
		return { ...message, media: { type: message.media.type, source: { attachmentId: upload.attachmentId } } };
	}

	private sendResult(message: OutgoingMessage, response: IDataObject): SendResult {
		return {
			platform: this.name,
			messageId: response.message_id as string | undefined,
			recipientId: (response.recipient_id as string | undefined) ?? ('id' in message.recipient ? message.recipient.id : undefined),
			sentAt: new Date().toISOString(),
			raw: response,
		};
	}

	async sendAction(recipient: Recipient, action: SenderAction): Promise<IDataObject> {
		return await this.senderAction(recipient, { recipient: buildRecipient(recipient), sender_action: action });
	}

	async react(recipient: Recipient, messageId: string, reaction: string): Promise<IDataObject> {
		if (!reaction) throw new InputError('No reaction given', 'Set the reaction, e.g. love or an emoji such as ❤️.');
		return await this.senderAction(recipient, {
			recipient: buildRecipient(recipient),
			sender_action: 'react',
			payload: { message_id: messageId, reaction },
		});
	}

	async unreact(recipient: Recipient, messageId: string): Promise<IDataObject> {
		return await this.senderAction(recipient, {
			recipient: buildRecipient(recipient),
			sender_action: 'unreact',
			payload: { message_id: messageId },
		});
	}

	private async senderAction(recipient: Recipient, body: IDataObject): Promise<IDataObject> {
		return await this.transport.request({ method: 'POST', path: `/${this.accountNode}/messages`, body, pacing: this.pacingFor(undefined, recipient) });
	}

	async uploadAttachment(media: OutgoingMedia): Promise<UploadResult> {
		validateMediaFile(media, this.name);
		const path = `/${this.accountNode}/message_attachments`;
		// Instagram through a Facebook Page shares the Page's endpoint and says which network it is for.
		const forInstagram = this.name === 'instagram' && this.provider === 'metaGraph';
		let response: IDataObject;
		if ('url' in media.source) {
			response = await this.transport.request({
				method: 'POST',
				path,
				body: buildUploadFromUrlBody({ ...media, source: media.source }, forInstagram),
				pacing: this.pacingFor(media.type),
			});
		} else if ('file' in media.source) {
			const { file } = media.source;
			const fields = [
				{ field: 'message', value: buildUploadFileMessage(media) },
				...(forInstagram ? [{ field: 'platform', value: 'instagram' }] : []),
			];
			const body = multipartBody(fields, { field: 'filedata', fileName: file.fileName ?? 'file', file });
			response = await this.fileUploads.run(
				async () => await this.transport.request({ method: 'POST', path, body, pacing: this.pacingFor(media.type) }),
			);
		} else {
			throw new InputError('This attachment is already uploaded', 'Use the attachment ID directly in a Send operation.');
		}
		// An answer without an id would otherwise become the attachment ID "undefined" in every later send.
		const attachmentId = response.attachment_id;
		if (attachmentId === undefined || attachmentId === null || attachmentId === '') {
			throw new InputError(
				'Meta stored the media but answered no attachment ID',
				'Nothing can be sent by ID from this upload; run the upload again, or send the media by URL.',
			);
		}
		return { platform: this.name, attachmentId: String(attachmentId), type: media.type, raw: response };
	}
}
