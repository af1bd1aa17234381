/**
 * Send API: `POST /{PAGE_ID|IG_ID|me}/messages` — messages and sender actions, validated like
 * Graph, stored into the conversation, and counted per recipient for exactly-once checks.
 */
import { objectParam, stringParam } from '../body';
import { fromSpec, GraphError, GRAPH_ERRORS, paramError } from '../errors';
import type { AttachmentRecord, GraphState, MessageRecord, Platform, UserRecord } from '../state';
import type { Call, Env, Result } from '../types';
import { digits, isRecord } from '../util';
import { checkMessage, checkMessagingType, SENDER_ACTIONS, type MediaReference } from '../validate';
import { businessId, type Business } from './business';
import { ownerOf } from './handover';
import { useNotificationToken } from './notifications';
import { fileNameOf, guessMime } from './media';

const DAY = 24 * 60 * 60 * 1000;

interface Target {
	/** Delivery-counter key: the PSID/IGSID, or `user_ref:…`, `comment:…`, `post:…`. */
	key: string;
	platform: Platform;
	user?: UserRecord;
	/** Omitted from the answer for `user_ref` recipients. */
	recipientId?: string;
}

export function handleSend(env: Env, call: Call, business: Business): Result {
	const { state } = env;
	// An audio or video send refused by its own limit does not use up a slot of the Send API limit.
	takeAudioVideoSlot(env, businessId(business), objectParam(call.params, 'message'));
	const limitHeaders = takeSendSlot(env, business);
	const recipient = objectParam(call.params, 'recipient');
	if (!recipient) throw paramError('The parameter recipient is required');
	const message = objectParam(call.params, 'message');
	const senderAction = stringParam(call.params, 'sender_action');
	if (message && senderAction) throw paramError('Only one of message or sender_action may be set (inferred wording)');
	if (!message && !senderAction) throw paramError('Must send either message or state');
	const target = resolveRecipient(state, business, recipient);
	if (target.user) checkReachable(target.user);
	// Handover: once the thread is passed to another app, this app's messages are refused until it takes it back.
	if (message && target.user && ownerOf(state, target.user) !== state.app.id) throw fromSpec(GRAPH_ERRORS.threadControlledByAnotherApp);

	if (senderAction) return { status: 200, body: senderActionResult(env, call, target, senderAction), headers: limitHeaders };

	const { type, tag } = checkMessagingType(call.params, target.platform, env.options.retiredMessageTags);
	const media = checkMessage(message as Record<string, unknown>, target.platform);
	const attachments = resolveMedia(state, media, target.platform, message as Record<string, unknown>);
	const personaId = stringParam(call.params, 'persona_id');
	if (personaId !== undefined) checkPersona(state, business, target.platform, personaId);
	const replyTo = replyToMid(call.params);
	if (env.options.enforceMessagingWindow && target.user) checkWindow(state, target.user, type, tag);

	let stored: MessageRecord | undefined;
	let mid: string;
	if (target.user) {
		const conv = state.ensureConversation(target.platform, target.user.businessId, target.user.id);
		if (replyTo && !conv.messages.some((m) => m.id === replyTo)) throw paramError('Param reply_to[mid] is not a message of this conversation (inferred wording)');
		const text = (message as Record<string, unknown>).text;
		const metadata = (message as Record<string, unknown>).metadata;
		stored = state.addMessage(conv, {
			direction: 'outbound',
			text: typeof text === 'string' ? text : '',
			attachments,
			replyTo,
			personaId,
			metadata: typeof metadata === 'string' ? metadata : undefined,
		});
		mid = stored.id;
	} else {
		mid = state.newMessageId(target.platform, businessId(business));
	}
	state.recordDelivery(target.key, { message }, mid);
	env.onSend({ businessId: businessId(business), recipient: target.key, message: stored, body: call.params });
	const body: Record<string, unknown> = target.recipientId !== undefined ? { recipient_id: target.recipientId, message_id: mid } : { message_id: mid };
	return { status: 200, body, headers: limitHeaders };
}

/**
 * X-Business-Use-Case-Usage of the Send API: type "messenger" on a Page, as in Meta's example answers;
 * "instagram" for an Instagram Login account is inferred.
 */
function usageHeader(business: Business, percent: number, regainMinutes: number): Record<string, string> {
	const type = business.kind === 'page' ? 'messenger' : 'instagram';
	const entry = { type, call_count: percent, total_cputime: Math.round(percent / 2), total_time: percent, estimated_time_to_regain_access: regainMinutes };
	return { 'x-business-use-case-usage': JSON.stringify({ [businessId(business)]: [entry] }) };
}

/** The sustained per-Page limit (option `rateLimitPerSecond`): every call takes a slot, rejected ones do not. */
function takeSendSlot(env: Env, business: Business): Record<string, string> | undefined {
	const limiter = env.sendLimiter;
	if (!limiter) return undefined;
	const taken = limiter.tryAcquire(businessId(business));
	const minutes = (ms: number): number => env.options.regainAccessMinutes ?? Math.ceil(ms / 60000);
	if (!taken.ok) throw new GraphError(400, GRAPH_ERRORS.customRateLimit.error, usageHeader(business, 100, minutes(taken.retryInMs)));
	return usageHeader(business, limiter.usagePercent(businessId(business)), 0);
}

/**
 * The usage header without taking a slot: Meta's example answer of an upload carries it, but whether
 * uploads count toward the 300/s is not documented, so they do not count here.
 */
export function currentUsageHeader(env: Env, business: Business): Record<string, string> | undefined {
	return env.sendLimiter ? usageHeader(business, env.sendLimiter.usagePercent(businessId(business)), 0) : undefined;
}

/** Meta's 10 audio/video sends per second per Page (option `audioVideoRateLimitPerSecond`). */
function takeAudioVideoSlot(env: Env, key: string, message: Record<string, unknown> | undefined): void {
	const limiter = env.audioVideoLimiter;
	const attachment = message?.attachment as { type?: unknown } | undefined;
	if (!limiter || (attachment?.type !== 'audio' && attachment?.type !== 'video')) return;
	if (!limiter.tryAcquire(key).ok) throw fromSpec(GRAPH_ERRORS.customRateLimit);
}

function resolveRecipient(state: GraphState, business: Business, recipient: Record<string, unknown>): Target {
	const defaultPlatform: Platform = business.kind === 'ig' ? 'instagram' : 'messenger';
	if (recipient.id !== undefined) return userTarget(state, business, String(recipient.id));
	if (recipient.notification_messages_token !== undefined) {
		if (business.kind !== 'page') throw paramError('Invalid notification_messages_token (inferred wording)');
		const psid = useNotificationToken(state, String(recipient.notification_messages_token));
		if (!psid) throw paramError('Invalid notification_messages_token (inferred wording)');
		return userTarget(state, business, psid);
	}
	if (recipient.user_ref !== undefined) {
		if (business.kind !== 'page') throw paramError('Param recipient[user_ref] is not supported on Instagram (inferred wording)');
		return { key: `user_ref:${recipient.user_ref}`, platform: 'messenger' };
	}
	for (const kind of ['comment_id', 'post_id'] as const) {
		if (recipient[kind] !== undefined) {
			const id = String(recipient[kind]);
			// Private reply: the fake does not model comments, so the commenter gets a stable made-up id.
			return { key: `${kind.replace('_id', '')}:${id}`, platform: defaultPlatform, recipientId: digits(`commenter:${id}`, 16) };
		}
	}
	throw paramError('Param recipient must contain one of id, user_ref, comment_id, post_id, notification_messages_token');
}

function userTarget(state: GraphState, business: Business, id: string): Target {
	const user = state.users.get(id);
	if (business.kind === 'page') {
		const page = business.page;
		if (user && user.platform === 'messenger' && user.businessId === page.id) return { key: id, platform: 'messenger', user, recipientId: id };
		if (user && user.platform === 'instagram' && user.businessId === page.igAccountId) return { key: id, platform: 'instagram', user, recipientId: id };
		throw fromSpec(GRAPH_ERRORS.noMatchingUser);
	}
	if (user && user.platform === 'instagram' && user.businessId === business.ig.id) return { key: id, platform: 'instagram', user, recipientId: id };
	throw fromSpec(GRAPH_ERRORS.noMatchingUserInstagram);
}

function checkReachable(user: UserRecord): void {
	if (user.messagingDisabled) throw fromSpec(GRAPH_ERRORS.instagramAccessDisabled);
	if (user.unavailable) throw fromSpec(GRAPH_ERRORS.personUnavailable);
	if (user.cannotReceive) throw fromSpec(GRAPH_ERRORS.cannotReceive);
}

/** Optional 24-hour rule: RESPONSE/UPDATE within 24 h of the person's last message, HUMAN_AGENT within 7 days. */
function checkWindow(state: GraphState, user: UserRecord, type: string | undefined, tag: string | undefined): void {
	const age = state.now() - (user.lastUserMessageAt ?? -Infinity);
	const allowed = tag === 'HUMAN_AGENT' ? 7 * DAY : type === 'MESSAGE_TAG' || type === 'UTILITY' ? Infinity : DAY;
	if (age > allowed) throw fromSpec(user.platform === 'instagram' ? GRAPH_ERRORS.outsideWindowInstagram : GRAPH_ERRORS.outsideWindow);
}

function checkPersona(state: GraphState, business: Business, platform: Platform, personaId: string): void {
	const persona = state.personas.get(personaId);
	if (platform !== 'messenger' || business.kind !== 'page' || !persona || persona.pageId !== business.page.id) {
		throw paramError(`Invalid persona_id "${personaId}" (inferred wording)`);
	}
}

function replyToMid(params: Record<string, unknown>): string | undefined {
	const replyTo = objectParam(params, 'reply_to');
	if (!replyTo) return undefined;
	if (typeof replyTo.mid !== 'string' || !replyTo.mid) throw paramError('Param reply_to[mid] is required');
	return replyTo.mid;
}

/** Uploaded ids must exist (and belong to the platform); URLs are "fetched" — `fail-fetch` in a URL fails. */
function resolveMedia(state: GraphState, media: MediaReference[], platform: Platform, message: Record<string, unknown>): AttachmentRecord[] {
	const out: AttachmentRecord[] = [];
	const newId = (): string => `5${String(state.nextSeq('message-attachment')).padStart(15, '0')}`;
	for (const ref of media) {
		if (ref.attachmentId !== undefined) {
			const upload = state.attachments.get(ref.attachmentId);
			if (!upload || upload.platform !== platform) throw paramError(`Invalid attachment_id "${ref.attachmentId}" (inferred wording)`);
			out.push({ id: newId(), type: upload.type, mimeType: upload.mimeType, name: upload.name, size: upload.size, url: upload.url });
		} else if (ref.url !== undefined) {
			if (ref.url.includes('fail-fetch')) throw fromSpec(GRAPH_ERRORS.urlFetchFailed);
			const name = fileNameOf(ref.url, `${ref.type}-${newId()}`);
			out.push({ id: newId(), type: ref.type as AttachmentRecord['type'], mimeType: guessMime(name, ref.type), name, size: 0, url: ref.url });
		}
	}
	if (message.sticker_id !== undefined) {
		out.push({ id: newId(), type: 'sticker', mimeType: 'image/png', name: 'sticker', size: 0, url: `/cdn/stickers/${String(message.sticker_id)}.png` });
	}
	const attachment = message.attachment;
	if (isRecord(attachment)) {
		const type = String(attachment.type);
		if (type === 'template') out.push({ id: newId(), type: 'template', mimeType: 'application/json', name: 'template', size: 0, url: '', payload: attachment.payload });
		if (type === 'like_heart') out.push({ id: newId(), type: 'like_heart', mimeType: 'image/png', name: 'like_heart', size: 0, url: '' });
		if (type.toUpperCase() === 'MEDIA_SHARE' && isRecord(attachment.payload)) {
			out.push({ id: newId(), type: 'share', mimeType: 'text/html', name: 'share', size: 0, url: `https://www.instagram.com/p/${attachment.payload.id}/` });
		}
	}
	return out;
}

function senderActionResult(env: Env, call: Call, target: Target, rawAction: string): Record<string, unknown> {
	const { state } = env;
	const action = rawAction.toLowerCase();
	if (!SENDER_ACTIONS.includes(action)) throw paramError(`Param sender_action must be one of {${SENDER_ACTIONS.map((a) => a.toUpperCase()).join(', ')}} - got "${rawAction}"`);
	if (!target.user) throw paramError('Sender actions need recipient[id] (inferred wording)');
	const conv = state.findConversation(target.user.businessId, target.user.id);
	let payload: Record<string, unknown> | undefined;
	if (action === 'react' || action === 'unreact') {
		payload = objectParam(call.params, 'payload');
		if (!payload || typeof payload.message_id !== 'string') throw paramError(`Param payload[message_id] is required for ${action}`);
		const message = state.messages.get(payload.message_id);
		if (!message || !conv || message.conversationId !== conv.id) throw paramError(`Invalid payload[message_id] "${payload.message_id}" (inferred wording)`);
		// The reaction comes from the thread's owner (the IG account when a Page token sends to Instagram).
		const reactor = target.user.businessId;
		message.reactions = message.reactions.filter((r) => r.userId !== reactor);
		if (action === 'react') {
			if (typeof payload.reaction !== 'string' || payload.reaction === '') throw paramError('Param payload[reaction] is required for react');
			message.reactions.push({ userId: reactor, reaction: payload.reaction });
		}
	}
	if (action === 'mark_seen' && conv) conv.unreadCount = 0;
	state.senderActions.push({ recipient: target.key, action, payload, at: state.now() });
	state.recordDelivery(target.key, payload ? { sender_action: action, payload } : { sender_action: action });
	return { recipient_id: target.recipientId };
}
