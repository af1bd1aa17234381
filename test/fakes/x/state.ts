/**
 * In-memory model behind the fake X API: apps (consumer keys), access tokens and the accounts they act
 * as, users, DM conversations and their events (newest first), uploaded media, and a per-recipient
 * delivery count that proves a DM went out exactly once.
 */

/** What the app's permission lets an OAuth 1.0a access token do (X's `x-access-level`). */
export type AccessLevel = 'read' | 'read-write' | 'read-write-directmessages';

export interface AppRecord {
	consumerKey: string;
	consumerSecret: string;
	bearerToken: string;
	/** `false`: the app's plan or project has no access to these endpoints (client-forbidden). */
	enrolled: boolean;
	/** Pay-per-use credits left; 0 answers usage-capped; undefined is unlimited. */
	credits?: number;
}

export interface TokenRecord {
	token: string;
	secret: string;
	consumerKey: string;
	userId: string;
	access: AccessLevel;
	/** Revoked by the user or regenerated in the portal: X answers 401. */
	revoked?: boolean;
	/** An OAuth 2.0 user access token (sent as `Authorization: Bearer`, no secret, no signature) and its scopes. */
	oauth2?: { scopes: string[] };
}

export interface UserRecord {
	id: string;
	username: string;
	name: string;
	profileImageUrl: string;
	createdAt: string;
	description?: string;
	/** Refuses DMs from accounts it does not follow (X answers 403 to a send). */
	closedDms?: boolean;
}

export type DmEventType = 'MessageCreate' | 'ParticipantsJoin' | 'ParticipantsLeave';

export interface DmEventRecord {
	id: string;
	eventType: DmEventType;
	conversationId: string;
	senderId: string;
	createdAt: number;
	text?: string;
	mediaKeys?: string[];
	/** Posts the DM links to (2.159 `referenced_tweets`, 2.167 `referenced_posts`). */
	referencedPostIds?: string[];
	/** Only on ParticipantsJoin / ParticipantsLeave (X stopped sending them on MessageCreate in 2025). */
	participantIds?: string[];
	deleted?: boolean;
}

export interface ConversationRecord {
	id: string;
	kind: 'one-to-one' | 'group';
	participantIds: string[];
}

export type MediaCategory = 'dm_image' | 'dm_gif' | 'dm_video' | string;

export interface MediaRecord {
	id: string;
	mediaKey: string;
	ownerId: string;
	category: MediaCategory;
	mimeType?: string;
	totalBytes?: number;
	/** Chunked uploads: the segments received so far, by index. */
	segments: Map<number, Buffer>;
	bytes?: Buffer;
	/** The id of the file in DM media URLs and downloads (`routes/dmMedia.ts`), made on first use. */
	resourceId?: string;
	/** `initialized` until FINALIZE; then processed through `processing` (empty: ready at once). */
	phase: 'initialized' | 'finalized';
	processing: Array<'pending' | 'in_progress' | 'succeeded' | 'failed'>;
	/** STATUS calls answered so far (each one moves processing on by a step). */
	statusChecks: number;
	createdAt: number;
	expiresAt: number;
}

const MEDIA_KEY_PREFIX: Record<string, string> = { dm_image: '3', dm_gif: '16', dm_video: '7' };

/** A webhook registered with `POST /2/webhooks` (X Activity API deliveries and CRC). */
export interface WebhookRecord {
	id: string;
	url: string;
	valid: boolean;
	createdAt: number;
	/** The app that registered it: its consumer secret answers the CRC and signs deliveries. */
	consumerKey: string;
}

/** An X Activity API subscription (`POST /2/activity/subscriptions`). */
export interface ActivitySubscriptionRecord {
	id: string;
	eventType: string;
	userId: string;
	webhookId?: string;
	tag?: string;
	consumerKey: string;
	createdAt: number;
}

export class XState {
	readonly apps = new Map<string, AppRecord>();

	readonly tokens = new Map<string, TokenRecord>();

	readonly users = new Map<string, UserRecord>();

	readonly conversations = new Map<string, ConversationRecord>();

	/** Every DM event, newest first. */
	readonly events: DmEventRecord[] = [];

	readonly media = new Map<string, MediaRecord>();

	/** X Activity API webhooks and subscriptions, by id. */
	readonly webhooks = new Map<string, WebhookRecord>();

	readonly subscriptions = new Map<string, ActivitySubscriptionRecord>();

	/** recipient id -> text -> times delivered, for exactly-once checks. */
	private readonly deliveries = new Map<string, Map<string, number>>();

	private nextId = 1_800_000_000_000_000_000n;

	/** The fake's clock for created_at: starts in the past and moves one second per event. */
	clock = Date.parse('2026-11-20T09:00:00.000Z');

	newId(): string {
		this.nextId += 1_000_003n;
		return this.nextId.toString();
	}

	tick(): number {
		this.clock += 1000;
		return this.clock;
	}

	addUser(user: UserRecord): UserRecord {
		this.users.set(user.id, user);
		return user;
	}

	userByUsername(username: string): UserRecord | undefined {
		const wanted = username.toLowerCase();
		return [...this.users.values()].find((user) => user.username.toLowerCase() === wanted);
	}

	/** One-to-one ids are the two user ids, smaller first. */
	oneToOneId(a: string, b: string): string {
		return BigInt(a) < BigInt(b) ? `${a}-${b}` : `${b}-${a}`;
	}

	oneToOne(a: string, b: string): ConversationRecord {
		const id = this.oneToOneId(a, b);
		let conversation = this.conversations.get(id);
		if (!conversation) {
			conversation = { id, kind: 'one-to-one', participantIds: [a, b] };
			this.conversations.set(id, conversation);
		}
		return conversation;
	}

	createGroup(creatorId: string, others: string[], id = this.newId()): ConversationRecord {
		const conversation: ConversationRecord = { id, kind: 'group', participantIds: [creatorId, ...others] };
		this.conversations.set(conversation.id, conversation);
		this.addEvent({ eventType: 'ParticipantsJoin', conversationId: conversation.id, senderId: creatorId, participantIds: [...others] });
		return conversation;
	}

	addEvent(event: Omit<DmEventRecord, 'id' | 'createdAt'> & { createdAt?: number }): DmEventRecord {
		const record: DmEventRecord = { ...event, id: this.newId(), createdAt: event.createdAt ?? this.tick() };
		this.events.unshift(record);
		if (record.eventType === 'MessageCreate') {
			const conversation = this.conversations.get(record.conversationId);
			for (const recipient of conversation?.participantIds ?? []) {
				if (recipient === record.senderId) continue;
				const counts = this.deliveries.get(recipient) ?? new Map<string, number>();
				counts.set(record.text ?? '', (counts.get(record.text ?? '') ?? 0) + 1);
				this.deliveries.set(recipient, counts);
			}
		}
		return record;
	}

	/** The events a user can see: those of conversations they are in, newest first, not deleted. */
	visibleEvents(userId: string): DmEventRecord[] {
		return this.events.filter((event) => !event.deleted && this.conversations.get(event.conversationId)?.participantIds.includes(userId));
	}

	/** One conversation's events as the user sees them (none for an unknown conversation). */
	eventsIn(conversationId: string, userId: string): DmEventRecord[] {
		return this.visibleEvents(userId).filter((event) => event.conversationId === conversationId);
	}

	event(id: string): DmEventRecord | undefined {
		return this.events.find((event) => event.id === id && !event.deleted);
	}

	deliveryCount(recipientId: string, text: string): number {
		return this.deliveries.get(recipientId)?.get(text) ?? 0;
	}

	/** The last message a user sent into a conversation (for X's duplicate-content check). */
	lastSent(conversationId: string, senderId: string): DmEventRecord | undefined {
		return this.events.find((event) => event.conversationId === conversationId && event.senderId === senderId && event.eventType === 'MessageCreate' && !event.deleted);
	}

	newMedia(ownerId: string, category: MediaCategory, fields: Partial<MediaRecord> = {}): MediaRecord {
		const id = this.newId();
		const record: MediaRecord = {
			id,
			mediaKey: `${MEDIA_KEY_PREFIX[category] ?? '3'}_${id}`,
			ownerId,
			category,
			segments: new Map(),
			phase: 'initialized',
			processing: [],
			statusChecks: 0,
			createdAt: Date.now(),
			expiresAt: Date.now() + 24 * 3600 * 1000,
			...fields,
		};
		this.media.set(id, record);
		return record;
	}

	mediaByKey(mediaKey: string): MediaRecord | undefined {
		return [...this.media.values()].find((media) => media.mediaKey === mediaKey);
	}
}

/** Where a finalized upload's processing is now (undefined: nothing to process, ready at once). */
export function processingState(media: MediaRecord): MediaRecord['processing'][number] | undefined {
	if (media.processing.length === 0) return undefined;
	return media.processing[Math.min(media.statusChecks, media.processing.length - 1)];
}
