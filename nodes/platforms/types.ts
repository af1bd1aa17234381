/**
 * The unified model every operation and the trigger speak, and the Platform interface each adapter
 * implements. Only adapters know Graph, X or Ayrshare wire shapes. Some parts of the model exist on some
 * platforms only (templates, quick replies, message tags, personas, Meta's recipient handles, group
 * conversations): each is named by a `Capabilities` flag, and an adapter without it refuses it before any request.
 */
import type { IDataObject } from 'n8n-workflow';

import type { AccountTools } from './accountTypes';

/** The messaging network a message travels on. */
export type PlatformName = 'messenger' | 'instagram' | 'x';

/** The API that carries it (the credential's Provider field). */
export type ProviderName = 'metaGraph' | 'instagramLogin' | 'xApi' | 'xOAuth2' | 'ayrshare';

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
	/** Trigger with Download Attachments: the item's binary property holding the file (`attachment_0`, …). */
	binaryProperty?: string;
	/** Trigger with Download Attachments: why the file could not be downloaded (the item still starts the workflow). */
	downloadError?: string;
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
	/** Ayrshare answers from a cache: when this answer was made and when fresher data comes (ISO 8601). */
	lastUpdated?: string;
	nextUpdate?: string;
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
	/** Ayrshare answers from a cache: when this answer was made and when fresher data comes (ISO 8601). */
	lastUpdated?: string;
	nextUpdate?: string;
	raw?: IDataObject;
}

/**
 * Who a message goes to: a user id on the platform, or one of the handles some platforms have instead
 * (capability `recipientHandles`: Meta's user_ref, comment id, post id, notification token; `usernames`: X's
 * @username; `groupConversations`: an existing conversation or a new group).
 */
export type Recipient =
	| { id: string }
	| { userRef: string }
	| { commentId: string }
	| { postId: string }
	| { notificationToken: string }
	| { username: string }
	| { conversationId: string }
	| { participantIds: string[] };

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

/** Capability `quickReplies`. */
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

/** Capability `templates`. */
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
	| { type: 'product'; productIds: string[] }
	| NotificationOptInTemplate
	| ImageGridTemplate;

/** 2 to 6 images in a grid, each optionally opening a URL when tapped (Messenger, 2026). */
export interface ImageGridTemplate {
	type: 'imageGrid';
	images: Array<{ source: { url: string } | { attachmentId: string }; tapUrl?: string }>;
}

/** Asks a person for permission to send notification messages (Meta's `notification_messages` template). */
export interface NotificationOptInTemplate {
	type: 'notificationOptIn';
	title: string;
	/** Comes back in the opt-in webhook with the token. */
	payload: string;
	frequency: string;
	imageUrl?: string;
	/** IANA time zone the frequency counts in. */
	timezone?: string;
	ctaText?: string;
	/** Ask again when the token expires. */
	reoptin?: boolean;
}

/** Capability `messageTags` (Meta's 24-hour window rules). */
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
	/** Capability `personas`. */
	personaId?: string;
	/** The platform's own message object (Meta: the Send API `message`), sent as it is after its limits are checked. */
	rawMessage?: IDataObject;
	/** A sticker: Messenger by its sticker ID; Instagram's heart sticker without one. */
	sticker?: { stickerId?: string };
	/** Several images in one message (Instagram, up to 10). */
	images?: Array<{ url: string } | { attachmentId: string }>;
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
	/** X: the messages of the one-to-one conversation with this user, instead of a conversation id. */
	withUserId?: string;
}

export interface ListConversationsOptions extends ListOptions {
	/** Only the conversation with this user (PSID / IGSID / X user id). */
	userId?: string;
	/** Ayrshare: the archived conversations instead of the active ones. */
	archived?: boolean;
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

/**
 * Features only some providers have. Operations that need one are hidden in the editor for platforms
 * without it and, reached anyway (an expression), fail before any request naming the platforms that have it.
 */
export interface Capabilities {
	/** Generic, button, media, receipt and product templates. */
	templates: boolean;
	quickReplies: boolean;
	/** Typing indicators and mark-as-seen. */
	senderActions: boolean;
	reactions: boolean;
	/** Message tags and messaging types (Meta's 24-hour window rules). */
	messageTags: boolean;
	/** Send as a persona (Messenger). */
	personas: boolean;
	/** Upload an attachment once and reuse its id in later sends. */
	reusableUploads: boolean;
	/** Batch requests that carry many sends. */
	batchRequests: boolean;
	/** Delete a message the account sent or received. */
	deleteMessages: boolean;
	/** Start a group conversation. */
	groupConversations: boolean;
	/** Recipients by handle other than a user id (Meta's user_ref, comment id, post id, notification token). */
	recipientHandles: boolean;
	/** Recipients by @username (looked up before the send). */
	usernames: boolean;
}

/** Nothing beyond text, media and replies: providers spread this and switch on what they have. */
export const NO_EXTRAS: Capabilities = {
	templates: false,
	quickReplies: false,
	senderActions: false,
	reactions: false,
	messageTags: false,
	personas: false,
	reusableUploads: false,
	batchRequests: false,
	deleteMessages: false,
	groupConversations: false,
	recipientHandles: false,
	usernames: false,
};

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
	/** What this platform has beyond text and media; operations check it before any request. */
	readonly capabilities: Capabilities;

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
	/**
	 * A message past the caps (Meta: 13 quick replies, 10 generic cards) as its first page with a next page
	 * quick reply; the other pages go to `store()` (workflow static data, read only when needed) for the trigger to send. Within the
	 * caps: the message itself. Throws `InputError` when a page breaks a limit; stores nothing then.
	 */
	firstPage?(message: OutgoingMessage, options: { store: () => IDataObject; label: string }): OutgoingMessage;
	/** Personas, user profiles, Messenger Profile and thread control (accountTypes.ts); absent where a provider has none. */
	readonly account?: AccountTools;
	/** Capability `deleteMessages`. */
	deleteMessage?(messageId: string): Promise<IDataObject>;
	/**
	 * Every message of the account, in and out, newest first, a page per call: what the poll trigger
	 * watches (X: `GET /2/dm_events`); absent where a provider cannot list them across conversations.
	 */
	recentMessages?(options: ListOptions): Promise<Page<Message>>;
	/** An auto-response kept by the provider itself (Ayrshare); absent: the trigger applies it. */
	readonly serverAutoResponse?: ServerAutoResponse;
}

/** Auto-response settings as they are in force. */
export interface AutoResponseState {
	active: boolean;
	message?: string;
	waitSeconds?: number;
}

/** The provider's own auto-response: what it has, and a change of any subset of it. */
export interface ServerAutoResponse {
	/** Which platforms one setting covers (Ayrshare: the profile's Facebook, Instagram and X at once). */
	readonly scope: string;
	get(): Promise<AutoResponseState & { raw: IDataObject }>;
	set(change: Partial<AutoResponseState>): Promise<AutoResponseState & { raw: IDataObject }>;
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
	/** X: a person is typing to the account (`dm.indicate_typing`). */
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
