/**
 * A person writes to a profile's Facebook Page, Instagram account or X account: the fake stores the
 * received message, sends the profile's auto-response when it is on and the person has not had it within
 * the wait (Ayrshare applies it on its server, per profile, to all three platforms), and builds the
 * `messages` webhook payload Ayrshare then delivers.
 */
import { DEFAULT_AUTO_RESPONSE_TEXT, nextId, type AyrsharePlatformName, type Profile, type StoredMessage } from './state';
import { messagesPayload } from './webhooks';

export interface PersonWrites {
	platform: AyrsharePlatformName;
	/** The sender's id; default: the fixture person of the platform's first conversation. */
	from?: string;
	text: string;
	/** Stays the same across Ayrshare's retries; default: a new one. */
	hookId?: string;
}

export interface Received {
	payload: Record<string, unknown>;
	message: StoredMessage;
	/** The auto-response Ayrshare sent back, if it did. */
	autoResponse?: StoredMessage;
}

function autoRespond(profile: Profile, platform: AyrsharePlatformName, received: StoredMessage, now: number): StoredMessage | undefined {
	const settings = profile.autoResponse;
	if (!settings?.autoResponseActive) return undefined;
	const last = profile.autoResponded?.[received.senderId];
	const waitMs = (settings.autoResponseWaitSeconds ?? 86_400) * 1000;
	if (last !== undefined && now - last < waitMs) return undefined;
	profile.autoResponded = { ...profile.autoResponded, [received.senderId]: now };
	const reply: StoredMessage = {
		id: nextId(platform === 'twitter' ? '17' : 'm_'),
		senderId: profile.accountIds[platform],
		recipientId: received.senderId,
		conversationId: received.conversationId,
		created: new Date(now).toISOString(),
		action: 'sent',
		message: settings.autoResponseMessage || DEFAULT_AUTO_RESPONSE_TEXT,
		platform,
	};
	profile.messages[platform].unshift(reply);
	return reply;
}

export function receive(profile: Profile, input: PersonWrites, now = Date.now()): Received {
	const { platform } = input;
	const conversation = input.from
		? profile.conversations[platform].find((entry) => entry.participant.id === input.from)
		: profile.conversations[platform][0];
	const senderId = input.from ?? conversation?.participant.id ?? '';
	const conversationId = conversation?.id ?? `${profile.accountIds[platform]}-${senderId}`;
	const message: StoredMessage = {
		id: nextId(platform === 'twitter' ? '17' : 'm_'),
		senderId,
		...(conversation ? { senderDetails: { name: conversation.participant.name } } : {}),
		recipientId: profile.accountIds[platform],
		conversationId,
		created: new Date(now).toISOString(),
		action: 'received',
		message: input.text,
		platform,
	};
	profile.messages[platform].unshift(message);
	const autoResponse = autoRespond(profile, platform, message, now);
	const payload = messagesPayload({
		subAction: 'messageCreated',
		platform,
		senderId,
		recipientId: message.recipientId,
		conversationId,
		hookId: input.hookId ?? nextId('hook-'),
		message: input.text,
		messageId: message.id,
		created: message.created,
		timeStamp: Math.floor(now / 1000),
		title: profile.title,
		...(message.senderDetails ? { senderDetails: message.senderDetails } : {}),
	});
	return { payload, message, ...(autoResponse ? { autoResponse } : {}) };
}
