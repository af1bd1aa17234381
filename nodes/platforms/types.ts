/**
 * The unified model every operation and the trigger speak, and the Platform interface each adapter
 * implements. Only adapters know Graph, X or Ayrshare shapes; nothing here is platform-specific.
 */
import type { IDataObject } from 'n8n-workflow';

/** The messaging network a message travels on. */
export type PlatformName = 'messenger' | 'instagram' | 'x';

/** The API that carries it (the credential's Provider field). */
export type ProviderName = 'metaGraph' | 'instagramLogin';

export interface Participant {
	id: string;
	name?: string;
	username?: string;
	email?: string;
	profilePictureUrl?: string;
}

export type AttachmentType =
	| 'image'
	| 'audio'
	| 'video'
	| 'file'
	| 'sticker'
	| 'share'
	| 'story_mention'
	| 'reel'
	| 'template'
	| 'fallback'
	| 'other';

export interface Attachment {
	type: AttachmentType;
	url?: string;
	/** The platform's id of the stored media (Graph attachment id, X media key). */
	id?: string;
	mimeType?: string;
	fileName?: string;
	size?: number;
	/** Structured content that is not a file: template payloads, shared posts. */
	payload?: IDataObject;
}

export interface Reaction {
	userId: string;
	reaction?: string;
	emoji?: string;
}

export interface Message {
	id: string;
	platform: PlatformName;
	conversationId?: string;
	/** `inbound`: sent to the account by someone else; `outbound`: sent by the account. */
	direction?: 'inbound' | 'outbound';
	sender?: Participant;
	recipient?: Participant;
	/** Everyone else in the conversation when there is more than one recipient (X group DMs). */
	otherRecipients?: Participant[];
	text?: string;
	attachments: Attachment[];
	/** ISO 8601. */
	timestamp?: string;
	replyToId?: string;
	reactions?: Reaction[];
	/** False when the platform only returns the id and time (Meta: older than the 20 most recent). */
	detailsAvailable?: boolean;
	raw?: IDataObject;
}

export interface Conversation {
	id: string;
	platform: PlatformName;
	participants: Participant[];
	/** ISO 8601. */
	updatedAt?: string;
	messageCount?: number;
	unreadCount?: number;
	link?: string;
	messages?: Message[];
	raw?: IDataObject;
}

/** Who a message goes to: a user id on the platform, or one of Meta's alternative handles. */
export type Recipient =
	| { id: string }
	| { userRef: string }
	| { commentId: string }
	| { postId: string }
	| { notificationToken: string };

export type MediaType = 'image' | 'audio' | 'video' | 'file';

/**
 * A file from n8n's binary data. Its size is known before any byte is read, so the platform's limits are
 * checked without loading it; `read` loads it when it is sent, for every attempt again.
 */
export interface BinaryFile {
	fileName?: string;
	mimeType: string;
	size: number;
	read(): Promise<Buffer>;
}

/** Where the bytes of an attachment come from. */
export type MediaSource = { url: string } | { attachmentId: string } | { file: BinaryFile };

export interface OutgoingMedia {
	type: MediaType;
	source: MediaSource;
	/** Ask the platform to keep the media for reuse (Meta: attachment id valid for 90 days). */
	reusable?: boolean;
}

export interface QuickReply {
	contentType: 'text' | 'user_phone_number' | 'user_email';
	title?: string;
	payload?: string;
	imageUrl?: string;
}

export type Button =
	| { type: 'web_url'; title: string; url: string; webviewHeightRatio?: 'compact' | 'tall' | 'full' }
	| { type: 'postback'; title: string; payload: string }
	| { type: 'phone_number'; title: string; payload: string };

export interface GenericElement {
	title: string;
	subtitle?: string;
	imageUrl?: string;
	defaultActionUrl?: string;
	buttons?: Button[];
}

export interface ReceiptTemplate {
	type: 'receipt';
	recipientName: string;
	orderNumber: string;
	currency: string;
	paymentMethod: string;
	orderUrl?: string;
	/** ISO 8601 or epoch seconds. */
	timestamp?: string;
	address?: {
		street1: string;
		street2?: string;
		city: string;
		postalCode: string;
		state: string;
		country: string;
	};
	summary: { subtotal?: number; shippingCost?: number; totalTax?: number; totalCost: number };
	adjustments?: Array<{ name: string; amount: number }>;
	elements?: Array<{
		title: string;
		subtitle?: string;
		quantity?: number;
		price: number;
		currency?: string;
		imageUrl?: string;
	}>;
}

export type Template =
	| { type: 'generic'; elements: GenericElement[]; imageAspectRatio?: 'horizontal' | 'square' }
	| { type: 'button'; text: string; buttons: Button[] }
	| {
			type: 'media';
			mediaType: 'image' | 'video';
			source: { url: string } | { attachmentId: string };
			buttons?: Button[];
	  }
	| ReceiptTemplate
	| { type: 'product'; productIds: string[] };

export type MessagingType = 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG' | 'UTILITY';

export interface OutgoingMessage {
	recipient: Recipient;
	text?: string;
	media?: OutgoingMedia;
	quickReplies?: QuickReply[];
	template?: Template;
	messagingType?: MessagingType;
	tag?: string;
	notificationType?: 'REGULAR' | 'SILENT_PUSH' | 'NO_PUSH';
	replyToMessageId?: string;
	metadata?: string;
	personaId?: string;
}

export interface SendResult {
	platform: PlatformName;
	messageId?: string;
	recipientId?: string;
	conversationId?: string;
	/** ISO 8601 time the platform accepted the message. */
	sentAt: string;
	raw?: IDataObject;
}

export type SenderAction = 'typing_on' | 'typing_off' | 'mark_seen';

export interface Page<T> {
	items: T[];
	/** Opaque cursor for the next page; absent on the last page. */
	nextCursor?: string;
}

export interface ListOptions {
	/** Items wanted per request; the adapter clamps it to what the API allows. */
	pageSize?: number;
	cursor?: string;
}

export interface ListConversationsOptions extends ListOptions {
	/** Only the conversation with this user (PSID / IGSID / X user id). */
	userId?: string;
}

export interface UploadResult {
	platform: PlatformName;
	attachmentId: string;
	type: MediaType;
	raw?: IDataObject;
}

/** The limits an adapter enforces before any request, also shown to users in errors and docs. */
export interface PlatformLimits {
	/** Description of the text limit, e.g. "fewer than 2000 characters". */
	textLimit: string;
	maxQuickReplies: number;
	maxAttachmentBytes: number;
	/** Largest page a list request may ask for. */
	maxPageSize: number;
	/** Sends in flight at once by default; derived from the platform's documented rate limits. */
	defaultSendConcurrency: number;
	/** Sends per second the node paces itself to, just under the platform's documented limit. */
	sendsPerSecond: number;
	/** Most sends one batch request may carry (absent: the platform has no batch API). */
	maxBatchSize?: number;
}

/** The result of one message of a batch: sent, or failed on its own. */
export type BatchOutcome = { result: SendResult } | { error: Error };

/**
 * One messaging network reached through one provider. Adapters validate unified requests against the
 * platform's documented limits (throwing `InputError`), turn them into HTTP through the shared
 * transport, and map the answers back into the unified model.
 */
export interface Platform {
	readonly name: PlatformName;
	readonly provider: ProviderName;
	readonly limits: PlatformLimits;

	/** The account's own id on the platform (Page id, Instagram account id, X user id). */
	ownId(): Promise<string | undefined>;

	listConversations(options: ListConversationsOptions): Promise<Page<Conversation>>;
	getConversation(conversationId: string, options: { messageLimit: number }): Promise<Conversation>;
	listMessages(conversationId: string, options: ListOptions): Promise<Page<Message>>;
	getMessage(messageId: string): Promise<Message>;

	/** Throws `InputError` when the message breaks a documented limit; sends nothing then. */
	validateOutgoing(message: OutgoingMessage): void;
	send(message: OutgoingMessage): Promise<SendResult>;
	/**
	 * Sends several messages in as few requests as the platform allows (limits.maxBatchSize per request),
	 * one outcome per message in input order. A message whose result says it went out is never re-sent.
	 * Called only when limits.maxBatchSize is set: without it the platform has no batch API here.
	 */
	sendBatch?(messages: OutgoingMessage[]): Promise<BatchOutcome[]>;
	sendAction(recipient: Recipient, action: SenderAction): Promise<IDataObject>;
	react(recipient: Recipient, messageId: string, reaction: string): Promise<IDataObject>;
	unreact(recipient: Recipient, messageId: string): Promise<IDataObject>;
	uploadAttachment(media: OutgoingMedia): Promise<UploadResult>;
}

/** What happened in a webhook delivery, across platforms. */
export type MessagingEventType =
	| 'message'
	| 'quick_reply'
	| 'postback'
	| 'read'
	| 'delivery'
	| 'reaction'
	| 'echo'
	| 'edit'
	| 'optin'
	| 'referral'
	| 'handover'
	| 'typing';

export interface MessagingEvent {
	type: MessagingEventType;
	platform: PlatformName;
	/** The Page, Instagram account or X user the delivery is for. */
	accountId: string;
	sender?: Participant;
	recipient?: Participant;
	/** Stable key of the conversation between the account and the other person (`accountId:otherId`). */
	conversationKey: string;
	messageId?: string;
	text?: string;
	attachments: Attachment[];
	/** Quick reply, postback, opt-in or referral payload / ref. */
	payload?: string;
	/** Postback button title, reaction emoji name, etc. */
	title?: string;
	reaction?: { action: 'react' | 'unreact'; reaction?: string; emoji?: string };
	/** Read and delivery events: messages up to this time were read / delivered (ISO 8601). */
	watermark?: string;
	/** Delivery events: the message ids delivered. */
	messageIds?: string[];
	replyToId?: string;
	/** Metadata the workflow attached when it sent the message (echoes). */
	metadata?: string;
	/** Delivered while another app controls the thread (Meta handover protocol). */
	standby?: boolean;
	/** ISO 8601. */
	timestamp: string;
	/** Identifies the event across redeliveries. */
	dedupeKey: string;
	raw?: IDataObject;
}
