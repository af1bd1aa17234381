/**
 * Conversations API: `GET /{PAGE_ID|IG_ID|me}/conversations`, `GET /{CONVERSATION_ID}`,
 * `GET /{CONVERSATION_ID}/messages` and `GET /{MESSAGE_ID}`, with cursor paging and the rule
 * that only the 20 most recent messages of a conversation can be read in detail.
 */
import { stringParam } from '../body';
import { fromSpec, GraphError, GRAPH_ERRORS, paramError } from '../errors';
import { parseFields, selectFields } from '../fields';
import { pageOf, pagingObject, readLimit } from '../paging';
import {
	CONVERSATION_FIELDS,
	DETAIL_WINDOW,
	MESSAGE_FIELDS,
	renderConversation,
	renderMessage,
	renderMessagesEdge,
	type RenderContext,
} from '../render';
import type { ConversationRecord, MessageRecord, Platform } from '../state';
import type { Call, Env, Result } from '../types';
import { defaultPlatform, ownerFor, type Business } from './business';

/** Instagram hides request-folder threads idle for 30 days. */
const REQUESTS_HIDDEN_AFTER_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Meta's Conversations API limit (option `conversationsRateLimitPerSecond`), per Page or Instagram account:
 * it covers listing conversations, reading one, its messages and a message.
 */
function takeConversationsSlot(env: Env, ownerId: string): void {
	const limiter = env.conversationsLimiter;
	if (limiter && !limiter.tryAcquire(ownerId).ok) throw fromSpec(GRAPH_ERRORS.customRateLimit);
}

export function listConversations(env: Env, call: Call, business: Business, ctx: RenderContext): Result {
	const platform = readPlatform(call, business);
	const owner = ownerFor(business, platform);
	if (!owner) throw paramError('This Page has no linked Instagram account (inferred wording)');
	takeConversationsSlot(env, owner);
	const userId = stringParam(call.params, 'user_id');
	let list = env.state.conversationsOf(owner, platform);
	if (userId !== undefined) list = list.filter((c) => c.userId === userId);
	// With user_id Graph answers ids only; otherwise id and updated_time.
	const fields = selectFields(requestedFields(call), userId !== undefined ? ['id'] : ['id', 'updated_time'], CONVERSATION_FIELDS, 'Conversation');
	const limit = readLimit(call.params.limit);
	const slice = pageOf(list, (c) => ({ t: c.updatedTime, id: c.id }), {
		limit,
		after: stringParam(call.params, 'after'),
		before: stringParam(call.params, 'before'),
	});
	// Hidden threads still take their slot, so a page can come back short or empty and still carry `next`.
	const now = env.state.now();
	const visible = slice.items.filter((c) => !(c.folder === 'requests' && now - c.updatedTime > REQUESTS_HIDDEN_AFTER_MS));
	const body: Record<string, unknown> = { data: visible.map((c) => renderConversation(ctx, c, fields)) };
	const paging = pagingObject(slice, { baseUrl: ctx.baseUrl, version: ctx.version, path: call.path, query: linkQuery(call, ctx, limit) });
	if (paging) body.paging = paging;
	return { status: 200, body };
}

export function getConversation(env: Env, call: Call, conv: ConversationRecord, ctx: RenderContext): Result {
	takeConversationsSlot(env, conv.businessId);
	const fields = selectFields(requestedFields(call), ['id', 'updated_time'], CONVERSATION_FIELDS, 'Conversation');
	return { status: 200, body: renderConversation(ctx, conv, fields) };
}

export function listConversationMessages(env: Env, call: Call, conv: ConversationRecord, ctx: RenderContext): Result {
	takeConversationsSlot(env, conv.businessId);
	const limit = readLimit(call.params.limit);
	const body = renderMessagesEdge(ctx, conv, {
		fields: requestedFields(call),
		limit,
		after: stringParam(call.params, 'after'),
		before: stringParam(call.params, 'before'),
		linkQuery: linkQuery(call, ctx, limit),
	});
	return { status: 200, body };
}

export function getMessage(env: Env, call: Call, message: MessageRecord, ctx: RenderContext): Result {
	const owner = env.state.conversations.get(message.conversationId)?.businessId;
	if (owner) takeConversationsSlot(env, owner);
	const rank = env.state.messageRank(message);
	if (message.deleted || rank >= DETAIL_WINDOW) throw fromSpec(GRAPH_ERRORS.messageDeleted);
	const fields = selectFields(requestedFields(call), ['id', 'created_time'], MESSAGE_FIELDS, 'Message');
	return { status: 200, body: renderMessage(ctx, message, fields, rank) };
}

function readPlatform(call: Call, business: Business): Platform {
	const raw = stringParam(call.params, 'platform');
	if (raw === undefined || raw === '') return defaultPlatform(business);
	const platform = raw.toLowerCase();
	if (platform !== 'messenger' && platform !== 'instagram') throw paramError(`Param platform must be one of {MESSENGER, INSTAGRAM} - got "${raw}"`);
	if (business.kind === 'ig' && platform === 'messenger') throw paramError('Param platform must be instagram for an Instagram account (inferred wording)');
	return platform;
}

export function requestedFields(call: Call): ReturnType<typeof parseFields> | undefined {
	const raw = call.params.fields;
	if (raw === undefined || raw === '') return undefined;
	if (typeof raw !== 'string') throw new GraphError(400, { message: '(#100) Param fields must be a string', code: 100 });
	return parseFields(raw);
}

/** The caller's query carried into paging links (without cursors), with the token as Graph repeats it. */
function linkQuery(call: Call, ctx: RenderContext, limit: number): Record<string, string> {
	const query: Record<string, string> = { ...ctx.linkQuery };
	for (const [key, value] of Object.entries(call.params)) {
		if (typeof value === 'string' && key !== 'after' && key !== 'before' && key !== 'method') query[key] = value;
	}
	query.limit = String(limit);
	return query;
}
