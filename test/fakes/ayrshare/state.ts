/**
 * What the fake Ayrshare knows: the API key, its profiles (Primary and User Profiles, messaging on or off),
 * per profile and platform the conversations and messages, the auto-response and the messages webhook.
 */
export const AYRSHARE_API_KEY = 'ayr-test-api-key-7F3K9Q';
export const PROFILE_KEY = 'profile-key-support-desk-5J2M';
export const PROFILE_NO_MESSAGING = 'profile-key-no-messaging-8X1Z';
export const X_APP_KEY = 'x-app-consumer-key-for-ayrshare';
export const X_APP_SECRET = 'x-app-consumer-secret-for-ayrshare';
export const WEBHOOK_SECRET = 'ayrshare-webhook-secret-Qm83';

/** Ayrshare's text when the auto-response message was reset with "". */
export const DEFAULT_AUTO_RESPONSE_TEXT = 'Thank you for your message. We will get back to you shortly.';

export type AyrsharePlatformName = 'facebook' | 'instagram' | 'twitter';

export interface StoredMessage {
	id: string;
	senderId: string;
	senderDetails?: { name: string; profileImage?: string };
	recipientId: string;
	conversationId: string;
	created: string;
	action: 'sent' | 'received';
	message?: string;
	platform: AyrsharePlatformName;
	attachments?: Array<{ type: string; url: string }>;
	reactions?: Record<string, string>;
}

export interface StoredConversation {
	id: string;
	participant: { name: string; id: string; picture?: string };
	status: 'active' | 'archived';
	watermark?: number;
}

export interface AutoResponseSettings {
	autoResponseActive?: boolean;
	autoResponseWaitSeconds?: number;
	autoResponseMessage?: string;
}

export interface Profile {
	title: string;
	messagingActive: boolean;
	/** The account's own id on each platform. */
	accountIds: Record<AyrsharePlatformName, string>;
	conversations: Record<AyrsharePlatformName, StoredConversation[]>;
	messages: Record<AyrsharePlatformName, StoredMessage[]>;
	/** Undefined until something was set: GET answers `{status: "success"}` alone. */
	autoResponse?: AutoResponseSettings;
	webhook?: { url: string; secret?: string };
	/** The secret before the last rotation, still signing deliveries (under the first header) until `until`. */
	previousSecret?: { secret: string; until: number };
	/** Sender id -> when Ayrshare last sent them the auto-response. */
	autoResponded?: Record<string, number>;
}

export const ACCOUNT_IDS: Record<AyrsharePlatformName, string> = { facebook: '106638148652329', instagram: '17841400123456789', twitter: '1500000000000000001' };

export const PEOPLE = {
	facebook: { id: '7101149746568444', name: 'John Smith', conversation: 't_10161117434308444' },
	facebookOther: { id: '7365320280173444', name: 'Sara Johnson', conversation: 't_356759043857444' },
	instagram: { id: '17845000000000001', name: 'Maria Rossi', conversation: 'aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6MTc4' },
	twitter: { id: '2244994945', name: 'X Developers', conversation: '1500000000000000001-2244994945' },
};

let counter = 0;
export const nextId = (prefix: string): string => `${prefix}${Date.now().toString(36)}${(++counter).toString(36)}`;

function at(minutesAgo: number): string {
	return new Date(Date.parse('2026-12-07T10:00:00.000Z') - minutesAgo * 60_000).toISOString();
}

/** One conversation with `count` messages alternating received / sent, newest first. */
function thread(platform: AyrsharePlatformName, person: { id: string; name: string; conversation: string }, count: number): StoredMessage[] {
	const own = ACCOUNT_IDS[platform];
	return Array.from({ length: count }, (_, index) => {
		const received = index % 2 === 0;
		return {
			id: `${platform === 'twitter' ? '' : 'm_'}${platform === 'twitter' ? String(1600000000000000000n + BigInt(index)) : `${person.conversation}-${index}`}`,
			senderId: received ? person.id : own,
			senderDetails: { name: received ? person.name : 'Support Desk' },
			recipientId: received ? own : person.id,
			conversationId: person.conversation,
			created: at(index),
			action: received ? 'received' : 'sent',
			message: `${received ? 'Question' : 'Answer'} ${count - index}`,
			platform,
		} as StoredMessage;
	});
}

export function createProfile(title: string, messagingActive = true): Profile {
	const facebook = [...thread('facebook', PEOPLE.facebook, 3), ...thread('facebook', PEOPLE.facebookOther, 1)];
	facebook[0].attachments = [{ type: 'image', url: 'https://cdn.example.com/look-up.jpg' }];
	facebook[1].reactions = { [PEOPLE.facebook.id]: '😆' };
	return {
		title,
		messagingActive,
		accountIds: { ...ACCOUNT_IDS },
		conversations: {
			facebook: [
				{ id: PEOPLE.facebook.conversation, participant: { name: PEOPLE.facebook.name, id: PEOPLE.facebook.id, picture: 'https://cdn.example.com/john.jpg' }, status: 'active', watermark: 1717889607444 },
				{ id: PEOPLE.facebookOther.conversation, participant: { name: PEOPLE.facebookOther.name, id: PEOPLE.facebookOther.id }, status: 'active' },
				{ id: 't_archived_0001', participant: { name: 'Old Customer', id: '7000000000000001' }, status: 'archived' },
			],
			instagram: [{ id: PEOPLE.instagram.conversation, participant: { name: PEOPLE.instagram.name, id: PEOPLE.instagram.id }, status: 'active' }],
			twitter: [{ id: PEOPLE.twitter.conversation, participant: { name: PEOPLE.twitter.name, id: PEOPLE.twitter.id }, status: 'active' }],
		},
		// Facebook: 25 messages stored, of which Ayrshare shows the last 20.
		messages: {
			facebook: [...facebook, ...thread('facebook', { ...PEOPLE.facebook, conversation: 't_long_history' }, 25)],
			instagram: thread('instagram', PEOPLE.instagram, 2),
			twitter: thread('twitter', PEOPLE.twitter, 5),
		},
	};
}

export interface AyrshareState {
	apiKey: string;
	/** '' is the Primary Profile (no Profile-Key header). */
	profiles: Map<string, Profile>;
}

export function createDefaultState(): AyrshareState {
	return {
		apiKey: AYRSHARE_API_KEY,
		profiles: new Map([
			['', createProfile('Primary Profile')],
			[PROFILE_KEY, createProfile('Support Desk')],
			[PROFILE_NO_MESSAGING, createProfile('Marketing', false)],
		]),
	};
}
