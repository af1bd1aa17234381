/**
 * Fixed identities of the fake X API (keys, tokens, the account the node acts as, the people it talks
 * to) and the default seed: three one-to-one conversations and a group, with text and an image.
 */
import { XState, type UserRecord } from './state';

/** The app's consumer key and secret, as the developer portal shows them ("API Key" / "API Key Secret"). */
export const X_API_KEY = 'xFakeConsumerKey0000000001';
export const X_API_KEY_SECRET = 'xFakeConsumerSecret0000000000000000000000000000001';
export const X_BEARER_TOKEN = 'AAAAAAAAAAAAAAAAAAAAAxFakeBearerToken0000000000000000000000001';

/** The account the node acts as (the Access Token belongs to it). */
export const ME = { id: '1580000000000000100', username: 'acme_support', name: 'Acme Support' };
export const X_ACCESS_TOKEN = `${ME.id}-xFakeAccessToken000000000000000001`;
export const X_ACCESS_TOKEN_SECRET = 'xFakeAccessTokenSecret00000000000000000000001';

/** The four OAuth 1.0a values of the seeded app and account. */
export const ME_KEYS = { consumerKey: X_API_KEY, consumerSecret: X_API_KEY_SECRET, token: X_ACCESS_TOKEN, tokenSecret: X_ACCESS_TOKEN_SECRET };

/** Same account, but the app's permission was "Read and write" (no Direct Messages) when it was generated. */
export const X_NO_DM_TOKEN = `${ME.id}-xFakeReadWriteToken0000000000000002`;
export const X_NO_DM_TOKEN_SECRET = 'xFakeReadWriteTokenSecret000000000000000000002';

/** Keys of a second app that is not enrolled in a plan with DM access (client-forbidden). */
/** ME's OAuth 2.0 user access token (X OAuth2 credential), with every scope the credential asks for, and its refresh token. */
export const X_OAUTH2_TOKEN = 'xFakeOAuth2UserAccessToken00000000000000000000000001';
export const X_OAUTH2_REFRESH_TOKEN = 'xFakeOAuth2RefreshToken000000000000000000000000001';
export const X_OAUTH2_CLIENT_ID = 'xFakeOAuth2ClientId0000000001';
export const X_OAUTH2_CLIENT_SECRET = 'xFakeOAuth2ClientSecret00000000000000000000000001';
export const X_OAUTH2_SCOPES = ['dm.read', 'dm.write', 'tweet.read', 'users.read', 'media.write', 'offline.access'];

export const X_UNENROLLED_API_KEY = 'xFakeUnenrolledConsumerKey03';
export const X_UNENROLLED_API_KEY_SECRET = 'xFakeUnenrolledConsumerSecret000000000000000003';
export const X_UNENROLLED_TOKEN = `${ME.id}-xFakeUnenrolledToken000000000000003`;
export const X_UNENROLLED_TOKEN_SECRET = 'xFakeUnenrolledTokenSecret0000000000000000003';

const person = (id: string, username: string, name: string, extra: Partial<UserRecord> = {}): UserRecord => ({
	id,
	username,
	name,
	profileImageUrl: `https://pbs.twimg.com/profile_images/${id}/avatar_normal.jpg`,
	createdAt: '2019-05-01T12:00:00.000Z',
	...extra,
});

export const X_USERS = {
	/** Smaller id than ME: the one-to-one conversation id starts with Alice's. */
	alice: person('1580000000000000050', 'alice_w', 'Alice Walker'),
	bob: person('2244994945', 'bob_builds', 'Bob Builder'),
	carol: person('1600000000000000200', 'carol_c', 'Carol Chen'),
	/** Accepts DMs only from people she follows: sends to her answer 403. */
	dave: person('1600000000000000300', 'dave_dm_closed', 'Dave Closed', { closedDms: true }),
	/** No conversation with ME yet. */
	erin: person('1600000000000000400', 'erin_new', 'Erin New'),
} as const;

/** The seeded group conversation (ME, Alice, Bob, Carol). */
export const GROUP_ID = '1790000000000000001';
/** The image Alice sent (media key of the seeded attachment). */
export const ALICE_IMAGE_KEY = '3_1500000000000000001';
/** Its bytes (a JPEG's start and end markers around a few bytes), served by the DM media download. */
export const ALICE_IMAGE_BYTES = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

/** The default seed: what `startFakeX()` starts with. */
export function createDefaultState(): XState {
	const state = new XState();
	state.apps.set(X_API_KEY, { consumerKey: X_API_KEY, consumerSecret: X_API_KEY_SECRET, bearerToken: X_BEARER_TOKEN, enrolled: true });
	state.apps.set(X_UNENROLLED_API_KEY, { consumerKey: X_UNENROLLED_API_KEY, consumerSecret: X_UNENROLLED_API_KEY_SECRET, bearerToken: `${X_BEARER_TOKEN}3`, enrolled: false });
	state.tokens.set(X_ACCESS_TOKEN, { token: X_ACCESS_TOKEN, secret: X_ACCESS_TOKEN_SECRET, consumerKey: X_API_KEY, userId: ME.id, access: 'read-write-directmessages' });
	state.tokens.set(X_OAUTH2_TOKEN, { token: X_OAUTH2_TOKEN, secret: '', consumerKey: X_API_KEY, userId: ME.id, access: 'read-write-directmessages', oauth2: { scopes: [...X_OAUTH2_SCOPES] } });
	state.tokens.set(X_NO_DM_TOKEN, { token: X_NO_DM_TOKEN, secret: X_NO_DM_TOKEN_SECRET, consumerKey: X_API_KEY, userId: ME.id, access: 'read-write' });
	state.tokens.set(X_UNENROLLED_TOKEN, { token: X_UNENROLLED_TOKEN, secret: X_UNENROLLED_TOKEN_SECRET, consumerKey: X_UNENROLLED_API_KEY, userId: ME.id, access: 'read-write-directmessages' });
	state.addUser(person(ME.id, ME.username, ME.name));
	for (const user of Object.values(X_USERS)) state.addUser({ ...user });

	const { alice, bob, carol } = X_USERS;
	const withAlice = state.oneToOne(ME.id, alice.id).id;
	const withBob = state.oneToOne(ME.id, bob.id).id;
	const withCarol = state.oneToOne(ME.id, carol.id).id;
	state.media.set('1500000000000000001', {
		id: '1500000000000000001',
		mediaKey: ALICE_IMAGE_KEY,
		ownerId: alice.id,
		category: 'dm_image',
		mimeType: 'image/jpeg',
		totalBytes: ALICE_IMAGE_BYTES.length,
		bytes: ALICE_IMAGE_BYTES,
		// The file part of its DM media URL (…/dm/{dm_id}/{media_id}/media.jpg) and of its download path.
		resourceId: 'media',
		segments: new Map(),
		phase: 'finalized',
		processing: [],
		statusChecks: 0,
		createdAt: state.clock,
		expiresAt: state.clock + 24 * 3600 * 1000,
	});
	const say = (conversationId: string, senderId: string, text: string, extra: { mediaKeys?: string[]; referencedPostIds?: string[] } = {}) =>
		state.addEvent({ eventType: 'MessageCreate', conversationId, senderId, text, ...extra });

	say(withAlice, alice.id, 'Hi! Is the spring collection in stock?');
	say(withAlice, ME.id, 'Hello Alice, yes it is. Which size do you need?');
	say(withBob, bob.id, 'Can I change my delivery address?');
	say(withAlice, alice.id, 'This one, in M', { mediaKeys: [ALICE_IMAGE_KEY] });
	state.createGroup(ME.id, [alice.id, bob.id, carol.id], GROUP_ID);
	say(GROUP_ID, ME.id, 'Welcome to the launch group!');
	say(withCarol, carol.id, 'Loved the post https://x.com/acme_support/status/1800000000000000555', { referencedPostIds: ['1800000000000000555'] });
	say(GROUP_ID, bob.id, 'Thanks for the invite');
	say(withBob, ME.id, 'Sure, send me the new address.');
	say(withAlice, alice.id, 'Great, ordering now');
	return state;
}

/** Credential data for the X API provider pointed at a fake (the credential's own field names). */
export function xCredentialData(baseUrl: string, overrides: Record<string, unknown> = {}): Record<string, string | boolean> {
	return {
		provider: 'xApi',
		xApiKey: X_API_KEY,
		xApiKeySecret: X_API_KEY_SECRET,
		xAccessToken: X_ACCESS_TOKEN,
		xAccessTokenSecret: X_ACCESS_TOKEN_SECRET,
		xBearerToken: X_BEARER_TOKEN,
		useCustomBaseUrl: true,
		baseUrl,
		...(overrides as Record<string, string | boolean>),
	};
}

/**
 * Credential data for the X OAuth2 credential pointed at a fake: as n8n stores it after "Connect my account"
 * (the token in `oauthTokenData`); with the app's API Key Secret and Bearer Token for the trigger's webhook mode.
 */
export function xOAuth2CredentialData(baseUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		clientId: X_OAUTH2_CLIENT_ID,
		clientSecret: X_OAUTH2_CLIENT_SECRET,
		oauthTokenData: { access_token: X_OAUTH2_TOKEN, refresh_token: X_OAUTH2_REFRESH_TOKEN, token_type: 'bearer', scope: X_OAUTH2_SCOPES.join(' ') },
		xApiKeySecret: X_API_KEY_SECRET,
		xBearerToken: X_BEARER_TOKEN,
		useCustomBaseUrl: true,
		baseUrl,
		...overrides,
	};
}
