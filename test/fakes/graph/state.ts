/**
 * In-memory model behind the fake Graph API: the app, Pages, Instagram accounts, tokens, people,
 * conversations and messages, uploads, personas, Messenger Profile, webhook subscriptions,
 * and a per-recipient delivery counter that proves exactly-once sends.
 */
import { canonicalJson, digest, digits } from './util';

export type Platform = 'messenger' | 'instagram';

export interface AppRecord {
	id: string;
	secret: string;
	name: string;
}

export interface PageRecord {
	id: string;
	name: string;
	username?: string;
	category: string;
	/** The Instagram professional account linked to this Page (Instagram with Facebook Login). */
	igAccountId?: string;
	/** Permissions the app was not granted for this Page, e.g. `pages_user_gender` (User Profile fields answer 10). */
	missingPermissions?: string[];
}

export interface IgAccountRecord {
	/** The Instagram professional account id: `user_id` on /me, `entry[].id` in webhooks, the id in paths. */
	id: string;
	/** What graph.instagram.com answers as `id` on `/me` for an Instagram Login token; also accepted in paths. */
	appScopedId: string;
	username: string;
	name: string;
	pageId?: string;
	profilePictureUrl: string;
	followersCount: number;
}

export type TokenRecord =
	| { kind: 'page'; token: string; pageId: string; expired?: boolean }
	| { kind: 'ig'; token: string; igId: string; expired?: boolean; issuedAt?: number; expiresAt?: number };

export interface UserRecord {
	/** PSID (Messenger) or IGSID (Instagram); scoped to one Page or Instagram account. */
	id: string;
	platform: Platform;
	/** The Page id (Messenger) or Instagram account id (Instagram) this id is scoped to. */
	businessId: string;
	name: string;
	firstName?: string;
	lastName?: string;
	username?: string;
	profilePic: string;
	locale?: string;
	timezone?: number;
	gender?: string;
	followerCount?: number;
	isUserFollowBusiness?: boolean;
	isBusinessFollowUser?: boolean;
	isVerifiedUser?: boolean;
	/** Answer 10/2018108 to sends. */
	cannotReceive?: boolean;
	/** Answer 551/1545041 to sends. */
	unavailable?: boolean;
	/** Answer 200/2534041 to sends (Instagram: messaging access disabled). */
	messagingDisabled?: boolean;
	/** Last time the person wrote to the business (ms); drives the optional messaging-window check. */
	lastUserMessageAt?: number;
	/** Instagram: `false` until the person has consented (messaged the account); the profile then answers 230. */
	profileConsent?: boolean;
}

export type AttachmentType = 'image' | 'video' | 'audio' | 'file' | 'share' | 'story_mention' | 'reel' | 'ig_reel' | 'template' | 'like_heart' | 'sticker';

export interface AttachmentRecord {
	id: string;
	type: AttachmentType;
	mimeType: string;
	name: string;
	size: number;
	/** Absolute URL, or a path starting with `/` served by the fake itself (rendered absolute). */
	url: string;
	width?: number;
	height?: number;
	/** The template payload, for template attachments. */
	payload?: unknown;
}

export interface ReactionRecord {
	userId: string;
	reaction: string;
	emoji?: string;
}

export interface MessageRecord {
	id: string;
	conversationId: string;
	platform: Platform;
	createdTime: number;
	fromId: string;
	toIds: string[];
	direction: 'inbound' | 'outbound';
	text: string;
	attachments: AttachmentRecord[];
	replyTo?: string;
	sticker?: string;
	metadata?: string;
	quickReplyPayload?: string;
	personaId?: string;
	reactions: ReactionRecord[];
	/** Deleted messages answer `messageDeleted` when read in detail. */
	deleted?: boolean;
}

export interface ConversationRecord {
	id: string;
	platform: Platform;
	businessId: string;
	userId: string;
	/** Newest first. */
	messages: MessageRecord[];
	unreadCount: number;
	updatedTime: number;
	/** Instagram: request-folder threads idle for 30 days are not returned by the Conversations API. */
	folder: 'inbox' | 'requests';
}

export interface UploadedAttachment {
	id: string;
	type: 'image' | 'video' | 'audio' | 'file';
	platform: Platform;
	businessId: string;
	url: string;
	mimeType: string;
	name: string;
	size: number;
	isReusable: boolean;
	createdTime: number;
}

export interface PersonaRecord {
	id: string;
	pageId: string;
	name: string;
	profilePictureUrl: string;
	createdTime: number;
}

export interface NotificationTokenRecord {
	frequency: string;
	expiresAt: number;
	stopped?: boolean;
	lastSentAt?: number;
}

export interface AppSubscription {
	object: string;
	callbackUrl: string;
	verifyToken: string;
	fields: Array<{ name: string; version: string }>;
	includeValues: boolean;
	active: boolean;
}

export interface BlobRecord {
	contentType: string;
	data: Buffer;
}

export interface DeliveryEntry {
	/** `PSID`, `IGSID`, `user_ref:…`, `comment:…` or `post:…`. */
	recipient: string;
	/** Canonical JSON of what was delivered (`message` object, or sender action + payload). */
	key: string;
	content: unknown;
	count: number;
	mids: string[];
}

export class GraphState {
	app: AppRecord = { id: '', secret: '', name: '' };
	readonly pages = new Map<string, PageRecord>();
	readonly igAccounts = new Map<string, IgAccountRecord>();
	readonly tokens = new Map<string, TokenRecord>();
	readonly users = new Map<string, UserRecord>();
	readonly conversations = new Map<string, ConversationRecord>();
	readonly messages = new Map<string, MessageRecord>();
	readonly attachments = new Map<string, UploadedAttachment>();
	readonly personas = new Map<string, PersonaRecord>();
	/** Business id (Page or Instagram account) → Messenger Profile properties. */
	readonly messengerProfiles = new Map<string, Record<string, unknown>>();
	/** Webhook object (`page`, `instagram`) → the app's one subscription for it. */
	readonly appSubscriptions = new Map<string, AppSubscription>();
	/** Business id → app id → subscribed fields (`/{PAGE_ID|IG_ID}/subscribed_apps`). */
	readonly subscribedApps = new Map<string, Map<string, string[]>>();
	/** PSID / IGSID → the app controlling the thread, once handed over (absent: the app itself, the primary receiver). */
	readonly threadOwners = new Map<string, string>();
	/** `request_thread_control` calls received, in order. */
	readonly threadControlRequests: Array<{ userId: string; appId: string; metadata?: string }> = [];
	/** Notification-messages token → PSID. */
	readonly notificationTokens = new Map<string, string>();
	/** Tokens from opt-ins (routes/notifications.ts `optIn`): expiry, frequency, stop; absent: usable without limit. */
	readonly notificationTokenDetails = new Map<string, NotificationTokenRecord>();
	/** Bytes served under `/cdn/…` (seeded attachments and multipart uploads). */
	readonly blobs = new Map<string, BlobRecord>();
	/** Sender actions received, in order (typing indicators and mark_seen are not messages). */
	readonly senderActions: Array<{ recipient: string; action: string; payload?: unknown; at: number }> = [];
	/** Clock for new records; tests may pin it. */
	now: () => number = () => Date.now();

	private readonly counters = new Map<string, number>();
	private readonly delivered = new Map<string, Map<string, DeliveryEntry>>();

	// ---- setup -------------------------------------------------------------------------

	addPage(page: PageRecord, token?: string): PageRecord {
		this.pages.set(page.id, page);
		if (token) this.tokens.set(token, { kind: 'page', token, pageId: page.id });
		return page;
	}

	addIgAccount(account: IgAccountRecord, token?: string): IgAccountRecord {
		this.igAccounts.set(account.id, account);
		if (token) this.tokens.set(token, { kind: 'ig', token, igId: account.id });
		return account;
	}

	addUser(user: UserRecord): UserRecord {
		this.users.set(user.id, user);
		return user;
	}

	/** Make a token answer 190/463 from now on. */
	expireToken(token: string): void {
		const record = this.tokens.get(token);
		if (record) record.expired = true;
	}

	/** Find an Instagram account by its professional id or its app-scoped id. */
	igAccount(id: string): IgAccountRecord | undefined {
		const direct = this.igAccounts.get(id);
		if (direct) return direct;
		for (const account of this.igAccounts.values()) if (account.appScopedId === id) return account;
		return undefined;
	}

	// ---- ids ---------------------------------------------------------------------------

	nextSeq(kind: string): number {
		const n = (this.counters.get(kind) ?? 0) + 1;
		this.counters.set(kind, n);
		return n;
	}

	/** Messenger mids look like `m_…`; Instagram mids are base64 of an `ig_message_item` key (`aWdf…`). */
	newMessageId(platform: Platform, businessId: string): string {
		const n = this.nextSeq(`mid:${businessId}`);
		if (platform === 'messenger') return `m_${digest(`mid:${businessId}:${n}`, 54)}`;
		return Buffer.from(`ig_message_item:1:IGMessageThread:${businessId}:${digits(`igmid:${businessId}:${n}`, 30)}`).toString('base64url');
	}

	newConversationId(platform: Platform, businessId: string, userId: string): string {
		if (platform === 'messenger') return `t_${digits(`conv:${businessId}:${userId}`, 17)}`;
		return Buffer.from(`ig_conversation:${businessId}:${userId}`).toString('base64url');
	}

	newAttachmentId(): string {
		return `16014728${String(this.nextSeq('attachment')).padStart(8, '0')}`;
	}

	newPersonaId(): string {
		return `2023${String(this.nextSeq('persona')).padStart(11, '0')}`;
	}

	// ---- conversations and messages ----------------------------------------------------

	findConversation(businessId: string, userId: string): ConversationRecord | undefined {
		for (const conv of this.conversations.values()) if (conv.businessId === businessId && conv.userId === userId) return conv;
		return undefined;
	}

	ensureConversation(platform: Platform, businessId: string, userId: string, id?: string): ConversationRecord {
		const existing = this.findConversation(businessId, userId);
		if (existing) return existing;
		const conv: ConversationRecord = {
			id: id ?? this.newConversationId(platform, businessId, userId),
			platform,
			businessId,
			userId,
			messages: [],
			unreadCount: 0,
			updatedTime: 0,
			folder: 'inbox',
		};
		this.conversations.set(conv.id, conv);
		return conv;
	}

	/** Conversations of a business on a platform, most recently updated first. */
	conversationsOf(businessId: string, platform: Platform): ConversationRecord[] {
		return [...this.conversations.values()]
			.filter((c) => c.businessId === businessId && c.platform === platform)
			.sort((a, b) => b.updatedTime - a.updatedTime || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
	}

	/**
	 * Add a message between the business and the person; keeps the newest-first order,
	 * `updated_time`, unread count and the person's last-message time up to date.
	 */
	addMessage(
		conv: ConversationRecord,
		input: {
			direction: 'inbound' | 'outbound';
			text?: string;
			attachments?: AttachmentRecord[];
			createdTime?: number;
			id?: string;
			replyTo?: string;
			sticker?: string;
			metadata?: string;
			quickReplyPayload?: string;
			personaId?: string;
		},
	): MessageRecord {
		const createdTime = input.createdTime ?? this.now();
		const message: MessageRecord = {
			id: input.id ?? this.newMessageId(conv.platform, conv.businessId),
			conversationId: conv.id,
			platform: conv.platform,
			createdTime,
			fromId: input.direction === 'inbound' ? conv.userId : conv.businessId,
			toIds: [input.direction === 'inbound' ? conv.businessId : conv.userId],
			direction: input.direction,
			text: input.text ?? '',
			attachments: input.attachments ?? [],
			reactions: [],
		};
		if (input.replyTo) message.replyTo = input.replyTo;
		if (input.sticker) message.sticker = input.sticker;
		if (input.metadata !== undefined) message.metadata = input.metadata;
		if (input.quickReplyPayload !== undefined) message.quickReplyPayload = input.quickReplyPayload;
		if (input.personaId) message.personaId = input.personaId;
		const at = conv.messages.findIndex((m) => m.createdTime <= createdTime);
		conv.messages.splice(at < 0 ? conv.messages.length : at, 0, message);
		conv.updatedTime = Math.max(conv.updatedTime, createdTime);
		this.messages.set(message.id, message);
		if (input.direction === 'inbound') {
			conv.unreadCount++;
			const user = this.users.get(conv.userId);
			if (user) user.lastUserMessageAt = Math.max(user.lastUserMessageAt ?? 0, createdTime);
		}
		return message;
	}

	/** A person writes to the business (for tests and the sandbox); returns the stored message. */
	receiveMessage(
		userId: string,
		input: { text?: string; attachments?: AttachmentRecord[]; createdTime?: number; replyTo?: string; quickReplyPayload?: string } = {},
	): MessageRecord {
		const user = this.users.get(userId);
		if (!user) throw new Error(`unknown user ${userId}`);
		const conv = this.ensureConversation(user.platform, user.businessId, user.id);
		return this.addMessage(conv, { direction: 'inbound', ...input });
	}

	/** Position of a message in its conversation, newest = 0 (only 0–19 can be read in detail). */
	messageRank(message: MessageRecord): number {
		return this.conversations.get(message.conversationId)?.messages.indexOf(message) ?? -1;
	}

	// ---- delivery counter --------------------------------------------------------------

	recordDelivery(recipient: string, content: unknown, mid?: string): DeliveryEntry {
		const key = canonicalJson(content);
		let perRecipient = this.delivered.get(recipient);
		if (!perRecipient) this.delivered.set(recipient, (perRecipient = new Map()));
		let entry = perRecipient.get(key);
		if (!entry) perRecipient.set(key, (entry = { recipient, key, content, count: 0, mids: [] }));
		entry.count++;
		if (mid) entry.mids.push(mid);
		return entry;
	}

	/**
	 * How many times matching content reached a recipient. `match` is message text (any message whose
	 * `text` equals it), an object compared as canonical JSON, or a predicate over the delivered content.
	 */
	deliveryCount(recipient: string, match?: string | Record<string, unknown> | ((content: unknown) => boolean)): number {
		let total = 0;
		for (const entry of this.delivered.get(recipient)?.values() ?? []) {
			if (matchesContent(entry, match)) total += entry.count;
		}
		return total;
	}

	deliveries(): DeliveryEntry[] {
		return [...this.delivered.values()].flatMap((m) => [...m.values()]);
	}

	/** Everything delivered more than once to the same recipient. */
	duplicateDeliveries(): DeliveryEntry[] {
		return this.deliveries().filter((e) => e.count > 1);
	}

	resetDeliveries(): void {
		this.delivered.clear();
	}
}

function matchesContent(entry: DeliveryEntry, match: string | Record<string, unknown> | ((content: unknown) => boolean) | undefined): boolean {
	if (match === undefined) return true;
	if (typeof match === 'function') return match(entry.content);
	if (typeof match === 'string') {
		const content = entry.content as { message?: { text?: unknown } } | undefined;
		return content?.message?.text === match;
	}
	return entry.key === canonicalJson(match);
}
