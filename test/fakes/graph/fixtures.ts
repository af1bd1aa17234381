/**
 * Fixture identities and seeded states for the fake Graph API. Ids, tokens and times are fixed
 * so tests and the demo sandbox can name them; the shapes follow real Graph ids
 * (15-digit Page ids, `1784…` Instagram account ids, `EAA…` / `IGAA…` tokens, `t_…` threads).
 */
import { createHash } from 'node:crypto';

import { GraphState, type AttachmentRecord, type ConversationRecord, type Platform, type UserRecord } from './state';
import { digits } from './util';

/**
 * The version the test credentials pin. It is an older, still supported one (until 2027-10-08), not the node's own
 * default (v25.0, nodes/platforms/meta/protocol.ts): every test also proves the version is configurable, and
 * test/workflows/graph-version.test.ts covers the default.
 */
export const DEFAULT_API_VERSION = 'v23.0';

export const APP_ID = '1234567890123456';
export const APP_SECRET = '9f2c4b7a1e6d3c8b5a4f7e2d1c0b9a87';
export const APP_NAME = 'Social Messaging Test App';
/** App access token `{app-id}|{app-secret}`: valid only for app-level calls (`/{APP_ID}/subscriptions`). */
export const APP_ACCESS_TOKEN = `${APP_ID}|${APP_SECRET}`;

export const PAGE_ID = '104812345678901';
export const PAGE_NAME = 'Acme Coffee Roasters';
export const PAGE_USERNAME = 'acmecoffee';
/** Page access token: Messenger and Instagram-with-Facebook-Login calls. */
export const PAGE_TOKEN = 'EAAGfakePAGEtokenZBm0dGVzdFBhZ2VUb2tlbkFjbWVDb2ZmZWVSb2FzdGVycw';
/** Same Page, but answers 190 / subcode 463 (expired session). */
export const EXPIRED_PAGE_TOKEN = 'EAAGfakeEXPIREDtokenZBZXhwaXJlZFBhZ2VUb2tlbg';

/** A second Page the app manages; its token must not see the first Page's data. */
export const OTHER_PAGE_ID = '109876543210987';
export const OTHER_PAGE_NAME = 'Other Test Page';
export const OTHER_PAGE_TOKEN = 'EAAGfakeOTHERpageTokenZBb3RoZXJQYWdlVG9rZW4';

/** Instagram professional account linked to the Page (`user_id` on /me, `entry[].id` in webhooks). */
export const IG_ACCOUNT_ID = '17841400123456789';
/** What `GET /me` answers as `id` with an Instagram Login token (app-scoped); also usable in paths. */
export const IG_APP_SCOPED_ID = '7423156789012345';
export const IG_USERNAME = 'acme.coffee';
export const IG_NAME = 'Acme Coffee';
/** Instagram Login user token (graph.instagram.com style): `/me/...` and `/{IG_ACCOUNT_ID}/...`. */
export const IG_USER_TOKEN = 'IGAAfakeIGuserTOKENZAaWdVc2VyVG9rZW5BY21lQ29mZmVl';
export const EXPIRED_IG_USER_TOKEN = 'IGAAfakeEXPIREDigTOKENZAZXhwaXJlZElH';

/**
 * The Social Messaging credential's fields for the Meta Graph API provider, pointed at a fake (or the
 * sandbox) at `baseUrl`: this Page, its Instagram account, this app.
 */
export function metaGraphCredentialData(baseUrl: string) {
	return {
		provider: 'metaGraph',
		pageId: PAGE_ID,
		accessToken: PAGE_TOKEN,
		instagramAccountId: IG_ACCOUNT_ID,
		appId: APP_ID,
		appSecret: APP_SECRET,
		graphApiVersion: DEFAULT_API_VERSION,
		useCustomBaseUrl: true,
		baseUrl,
	};
}

/**
 * The same for the Instagram Login provider: the Instagram user token; the account id is looked up. The
 * token is dated 50 days ahead, as the credential saves it after a refresh (the hidden fields of
 * nodes/platforms/meta/tokenRefresh.ts: expiry and the token's sha256 prefix), so nothing is renewed;
 * clear `tokenExpiresAt` to see the refresh.
 */
export function instagramLoginCredentialData(baseUrl: string) {
	return {
		provider: 'instagramLogin',
		accessToken: IG_USER_TOKEN,
		tokenExpiresAt: new Date(Date.now() + 50 * 86400000).toISOString(),
		tokenExpiresFor: createHash('sha256').update(IG_USER_TOKEN).digest('hex').slice(0, 16),
		instagramAccountId: '',
		appId: APP_ID,
		appSecret: APP_SECRET,
		graphApiVersion: DEFAULT_API_VERSION,
		useCustomBaseUrl: true,
		baseUrl,
	};
}

/** Notification-messages token opted in by Alice (`recipient: {notification_messages_token}`). */
export const NOTIFICATION_TOKEN = 'NMT-fake-6e6f74696669636174696f6e';

/** 2024-05-01T09:00:00Z: every seeded time is an offset from here. */
export const SEED_BASE_TIME = Date.UTC(2024, 4, 1, 9, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface FixtureUser {
	id: string;
	platform: Platform;
	name: string;
	firstName?: string;
	lastName?: string;
	username?: string;
}

/** People who wrote to the Page (PSIDs) and to the Instagram account (IGSIDs). */
export const USERS = {
	alice: { id: '24681357902468135', platform: 'messenger', name: 'Alice Müller', firstName: 'Alice', lastName: 'Müller' },
	bob: { id: '24681357902468246', platform: 'messenger', name: 'Bob Smith', firstName: 'Bob', lastName: 'Smith' },
	chloe: { id: '24681357902468357', platform: 'messenger', name: 'Chloé Dubois', firstName: 'Chloé', lastName: 'Dubois' },
	/** Sends to Dana answer 10 / 2018108 (not receiving messages from the Page). */
	dana: { id: '24681357902468468', platform: 'messenger', name: 'Dana Blocked', firstName: 'Dana', lastName: 'Blocked' },
	/** Sends to Erik answer 551 / 1545041 (person unavailable). */
	erik: { id: '24681357902468579', platform: 'messenger', name: 'Erik Unavailable', firstName: 'Erik', lastName: 'Unavailable' },
	ines: { id: '6677889900112233', platform: 'instagram', name: 'Inés García', username: 'ines.garcia' },
	kenji: { id: '6677889900112344', platform: 'instagram', name: 'Kenji Tanaka', username: 'kenji_t' },
	/** Instagram request-folder thread idle for more than 30 days: hidden from the Conversations API. */
	lena: { id: '6677889900112455', platform: 'instagram', name: 'Lena Request', username: 'lena.req' },
	/** Sends to Omar answer 200 / 2534041 (Instagram messaging access disabled). */
	omar: { id: '6677889900112566', platform: 'instagram', name: 'Omar Disabled', username: 'omar.off' },
} as const satisfies Record<string, FixtureUser>;

export type FixtureUserName = keyof typeof USERS;

const igConversationId = (userId: string): string => Buffer.from(`ig_conversation:${IG_ACCOUNT_ID}:${userId}`).toString('base64url');

/** Seeded conversation ids (Messenger `t_…`, Instagram base64 thread ids). */
export const CONVERSATION_IDS = {
	alice: 't_10228547120395841',
	bob: 't_10228547120395852',
	chloe: 't_10228547120395863',
	dana: 't_10228547120395874',
	ines: igConversationId(USERS.ines.id),
	kenji: igConversationId(USERS.kenji.id),
	lena: igConversationId(USERS.lena.id),
} as const;

/** A valid 1×1 PNG, served for seeded images and profile pictures. */
export const TINY_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);
const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const TINY_MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(12)]);

/** The app, both Pages, the Instagram account, tokens and people — no conversations. */
export function createBaseState(): GraphState {
	const state = new GraphState();
	state.app = { id: APP_ID, secret: APP_SECRET, name: APP_NAME };
	state.addPage({ id: PAGE_ID, name: PAGE_NAME, username: PAGE_USERNAME, category: 'Coffee Shop', igAccountId: IG_ACCOUNT_ID }, PAGE_TOKEN);
	state.tokens.set(EXPIRED_PAGE_TOKEN, { kind: 'page', token: EXPIRED_PAGE_TOKEN, pageId: PAGE_ID, expired: true });
	state.addPage({ id: OTHER_PAGE_ID, name: OTHER_PAGE_NAME, category: 'Community' }, OTHER_PAGE_TOKEN);
	state.addIgAccount(
		{
			id: IG_ACCOUNT_ID,
			appScopedId: IG_APP_SCOPED_ID,
			username: IG_USERNAME,
			name: IG_NAME,
			pageId: PAGE_ID,
			profilePictureUrl: `/cdn/profiles/${IG_ACCOUNT_ID}.png`,
			followersCount: 1520,
		},
		IG_USER_TOKEN,
	);
	state.tokens.set(EXPIRED_IG_USER_TOKEN, { kind: 'ig', token: EXPIRED_IG_USER_TOKEN, igId: IG_ACCOUNT_ID, expired: true });

	for (const user of Object.values(USERS) as FixtureUser[]) state.addUser(toUserRecord(user));
	state.users.get(USERS.dana.id)!.cannotReceive = true;
	state.users.get(USERS.erik.id)!.unavailable = true;
	state.users.get(USERS.omar.id)!.messagingDisabled = true;
	state.notificationTokens.set(NOTIFICATION_TOKEN, USERS.alice.id);

	state.blobs.set('/cdn/seed/label.png', { contentType: 'image/png', data: TINY_PNG });
	state.blobs.set('/cdn/seed/invoice.pdf', { contentType: 'application/pdf', data: TINY_PDF });
	state.blobs.set('/cdn/seed/clip.mp4', { contentType: 'video/mp4', data: TINY_MP4 });
	state.blobs.set(`/cdn/profiles/${IG_ACCOUNT_ID}.png`, { contentType: 'image/png', data: TINY_PNG });
	for (const user of state.users.values()) state.blobs.set(`/cdn/profiles/${user.id}.png`, { contentType: 'image/png', data: TINY_PNG });
	return state;
}

function toUserRecord(user: FixtureUser): UserRecord {
	const record: UserRecord = {
		id: user.id,
		platform: user.platform,
		businessId: user.platform === 'messenger' ? PAGE_ID : IG_ACCOUNT_ID,
		name: user.name,
		profilePic: `/cdn/profiles/${user.id}.png`,
	};
	if (user.platform === 'messenger') {
		Object.assign(record, { firstName: user.firstName, lastName: user.lastName, locale: 'de_DE', timezone: 2 });
	} else {
		Object.assign(record, { username: user.username, followerCount: 230, isUserFollowBusiness: true, isBusinessFollowUser: false, isVerifiedUser: false });
	}
	return record;
}

/** A seeded attachment whose file is served under /cdn/seed/<name>. */
export const attachmentRecord = (id: string, type: AttachmentRecord['type'], name: string, mimeType: string, size: number): AttachmentRecord => ({
	id,
	type,
	name,
	mimeType,
	size,
	url: `/cdn/seed/${name}`,
	width: type === 'image' || type === 'video' ? 1 : undefined,
	height: type === 'image' || type === 'video' ? 1 : undefined,
});

/**
 * The default conversations (all times fixed):
 * - Messenger: Chloé (newest, 1 unread), Alice (6 messages incl. "Grüße 👋", an image, a PDF, a reply),
 *   Bob (25 messages: the 5 oldest are beyond the 20-most-recent detail window), Dana.
 * - Instagram: Kenji (Japanese text, a video), Inés (Spanish text with emoji, an image),
 *   Lena (request folder, 60 days idle: hidden from listings).
 */
export function seedDefaultState(state: GraphState = createBaseState()): GraphState {
	if (!state.pages.has(PAGE_ID)) throw new Error('seedDefaultState needs the base fixtures (createBaseState())');
	const conv = (platform: Platform, userId: string, id: string): ConversationRecord =>
		state.ensureConversation(platform, platform === 'messenger' ? PAGE_ID : IG_ACCOUNT_ID, userId, id);
	const at = (offset: number): number => SEED_BASE_TIME + offset;

	const bob = conv('messenger', USERS.bob.id, CONVERSATION_IDS.bob);
	for (let i = 1; i <= 25; i++) {
		state.addMessage(bob, { direction: i % 2 === 1 ? 'inbound' : 'outbound', text: `Message ${i} of 25`, createdTime: at(i * MINUTE) });
	}
	bob.unreadCount = 0;

	const alice = conv('messenger', USERS.alice.id, CONVERSATION_IDS.alice);
	const t = 2 * HOUR;
	state.addMessage(alice, { direction: 'inbound', text: 'Hi! Do you ship to Austria?', createdTime: at(t) });
	state.addMessage(alice, { direction: 'outbound', text: 'Yes, we ship across the EU 🇪🇺', createdTime: at(t + 2 * MINUTE) });
	state.addMessage(alice, { direction: 'inbound', text: 'Grüße 👋 — here is a photo of the label', createdTime: at(t + 5 * MINUTE) });
	state.addMessage(alice, { direction: 'inbound', attachments: [attachmentRecord('3000000000000001', 'image', 'label.png', 'image/png', TINY_PNG.length)], createdTime: at(t + 6 * MINUTE) });
	const invoice = state.addMessage(alice, {
		direction: 'outbound',
		attachments: [attachmentRecord('3000000000000002', 'file', 'invoice.pdf', 'application/pdf', TINY_PDF.length)],
		createdTime: at(t + 8 * MINUTE),
	});
	state.addMessage(alice, { direction: 'inbound', text: 'Danke! Passt 👍', replyTo: invoice.id, createdTime: at(t + 10 * MINUTE) });
	alice.unreadCount = 1;

	const chloe = conv('messenger', USERS.chloe.id, CONVERSATION_IDS.chloe);
	state.addMessage(chloe, { direction: 'inbound', text: 'Bonjour, où est ma commande ? 📦', createdTime: at(3 * HOUR) });
	state.addMessage(chloe, { direction: 'outbound', text: 'Elle arrive demain 🚚', createdTime: at(3 * HOUR + 4 * MINUTE) });
	state.addMessage(chloe, { direction: 'inbound', text: 'Merci beaucoup !', createdTime: at(3 * HOUR + 9 * MINUTE) });
	chloe.unreadCount = 1;

	const dana = conv('messenger', USERS.dana.id, CONVERSATION_IDS.dana);
	state.addMessage(dana, { direction: 'inbound', text: 'Please stop messaging me.', createdTime: at(-DAY) });
	dana.unreadCount = 0;

	const ines = conv('instagram', USERS.ines.id, CONVERSATION_IDS.ines);
	state.addMessage(ines, { direction: 'inbound', text: '¡Hola! ¿Tienen leche de avena? 🥛', createdTime: at(HOUR) });
	state.addMessage(ines, { direction: 'outbound', text: '¡Sí! 😊 Oat, almond and soy.', createdTime: at(HOUR + 3 * MINUTE) });
	state.addMessage(ines, { direction: 'inbound', attachments: [attachmentRecord('3000000000000003', 'image', 'label.png', 'image/png', TINY_PNG.length)], createdTime: at(HOUR + 4 * MINUTE) });
	state.addMessage(ines, { direction: 'inbound', text: 'Perfecto, gracias 🙏', createdTime: at(HOUR + 5 * MINUTE) });
	ines.unreadCount = 2;

	const kenji = conv('instagram', USERS.kenji.id, CONVERSATION_IDS.kenji);
	state.addMessage(kenji, { direction: 'inbound', text: 'こんにちは！注文を確認できますか？', createdTime: at(4 * HOUR) });
	state.addMessage(kenji, { direction: 'inbound', attachments: [attachmentRecord('3000000000000004', 'video', 'clip.mp4', 'video/mp4', TINY_MP4.length)], createdTime: at(4 * HOUR + MINUTE) });
	state.addMessage(kenji, { direction: 'outbound', text: 'はい、確認します 🙇', createdTime: at(4 * HOUR + 6 * MINUTE) });
	kenji.unreadCount = 0;

	const lena = conv('instagram', USERS.lena.id, CONVERSATION_IDS.lena);
	lena.folder = 'requests';
	state.addMessage(lena, { direction: 'inbound', text: 'hey, are you open on sundays?', createdTime: at(-60 * DAY) });
	return state;
}

/** Base fixtures plus the default conversations: what `startFakeGraph()` serves unless told otherwise. */
export function createDefaultState(): GraphState {
	return seedDefaultState(createBaseState());
}

export interface LargeStateOptions {
	/** Number of conversations (default 100). */
	conversations?: number;
	/** Messages per conversation, alternating inbound/outbound (default 30). */
	messagesPerConversation?: number;
	/** Default 'messenger'. */
	platform?: Platform;
	/** Time of the first message (default SEED_BASE_TIME); messages are 1 s apart. */
	startTime?: number;
}

/**
 * Base fixtures plus N conversations × M messages with generated people (`Person 0001`…),
 * for paging tests and benchmarks. Conversation i is updated later than conversation i-1.
 */
export function createLargeState(opts: LargeStateOptions = {}): GraphState {
	const state = createBaseState();
	const count = opts.conversations ?? 100;
	const perConversation = opts.messagesPerConversation ?? 30;
	const platform = opts.platform ?? 'messenger';
	const businessId = platform === 'messenger' ? PAGE_ID : IG_ACCOUNT_ID;
	const start = opts.startTime ?? SEED_BASE_TIME;
	for (let i = 0; i < count; i++) {
		const label = String(i + 1).padStart(4, '0');
		const user = state.addUser(largeUser(platform, i));
		const conv = state.ensureConversation(platform, businessId, user.id);
		for (let j = 0; j < perConversation; j++) {
			state.addMessage(conv, {
				direction: j % 2 === 0 ? 'inbound' : 'outbound',
				text: `Conversation ${label} message ${j + 1}`,
				createdTime: start + (i * perConversation + j) * 1000,
			});
		}
		conv.unreadCount = 0;
	}
	return state;
}

/** The i-th generated person (0-based) of `createLargeState` and `addPeople`. */
function largeUser(platform: Platform, i: number): UserRecord {
	const label = String(i + 1).padStart(4, '0');
	const user: UserRecord = {
		id: largeUserId(platform, i),
		platform,
		businessId: platform === 'messenger' ? PAGE_ID : IG_ACCOUNT_ID,
		name: `Person ${label}`,
		profilePic: '/cdn/seed/label.png',
	};
	if (platform === 'messenger') Object.assign(user, { firstName: 'Person', lastName: label });
	else user.username = `person_${label}`;
	return user;
}

/** Adds `count` generated people (no conversations yet) to a state, e.g. the default one; returns their ids. */
export function addPeople(state: GraphState, count: number, platform: Platform = 'messenger'): string[] {
	return Array.from({ length: count }, (_, i) => state.addUser(largeUser(platform, i)).id);
}

/** The PSID/IGSID `createLargeState` gives its i-th person (0-based). */
export function largeUserId(platform: Platform, index: number): string {
	return (platform === 'messenger' ? '3' : '8') + digits(`large:${platform}:${index}`, 15);
}
