/**
 * Turns state records into Graph JSON for the requested fields only (plus `id`), with Graph's
 * shapes: `from: {id, name, email}` / `{id, username}`, `to: {data: [...]}`, attachments with
 * `image_data` / `video_data` / `file_url`, and nested `messages{...}` with their own paging.
 */
import { nonexistingField } from './errors';
import { fieldsToString, selectFields, type FieldSelection } from './fields';
import { pageOf, pagingObject, readLimit } from './paging';
import type { AttachmentRecord, ConversationRecord, GraphState, IgAccountRecord, MessageRecord, PageRecord, PersonaRecord, UserRecord } from './state';
import { graphTime } from './util';

export interface RenderContext {
	state: GraphState;
	baseUrl: string;
	version: string;
	/** Parameters carried into paging links (Graph repeats the access token there). */
	linkQuery: Record<string, string>;
	/** Whether the caller uses an Instagram Login token (changes what `id` means on the IG account). */
	igLogin: boolean;
}

export const CONVERSATION_FIELDS = [
	'id',
	'link',
	'message_count',
	'messages',
	'participants',
	'senders',
	'former_participants',
	'snippet',
	'unread_count',
	'updated_time',
	'can_reply',
	'is_subscribed',
] as const;
export const MESSAGE_FIELDS = ['id', 'created_time', 'from', 'to', 'message', 'attachments', 'reply_to', 'sticker', 'shares', 'reactions', 'tags', 'is_unsupported'] as const;
/** `access_token`: a Page asked with a token that may manage it answers its Page token (Meta's Postman example). */
export const PAGE_FIELDS = ['id', 'name', 'category', 'username', 'link', 'instagram_business_account', 'picture', 'access_token'] as const;
export const IG_ACCOUNT_FIELDS = ['id', 'user_id', 'username', 'name', 'profile_picture_url', 'account_type', 'followers_count', 'follows_count', 'media_count'] as const;
export const MESSENGER_USER_FIELDS = ['id', 'name', 'first_name', 'last_name', 'profile_pic', 'locale', 'timezone', 'gender'] as const;
export const IG_USER_FIELDS = ['id', 'name', 'username', 'profile_pic', 'follower_count', 'is_user_follow_business', 'is_business_follow_user', 'is_verified_user'] as const;
export const PERSONA_FIELDS = ['id', 'name', 'profile_picture_url'] as const;

/** Only the 20 most recent messages of a conversation can be read in detail. */
export const DETAIL_WINDOW = 20;

export function absoluteUrl(ctx: RenderContext, url: string): string {
	return url.startsWith('/') ? `${ctx.baseUrl}${url}` : url;
}

/** `{id, name, email}` for Messenger people and Pages, `{id, username}` on Instagram. */
export function participant(state: GraphState, id: string): Record<string, unknown> {
	const page = state.pages.get(id);
	if (page) return { name: page.name, email: `${page.id}@facebook.com`, id: page.id };
	const ig = state.igAccounts.get(id);
	if (ig) return { username: ig.username, id: ig.id };
	const user = state.users.get(id);
	if (user?.platform === 'instagram') return { username: user.username ?? user.name, id: user.id };
	if (user) return { name: user.name, email: `${user.id}@facebook.com`, id: user.id };
	return { id };
}

export function renderAttachment(ctx: RenderContext, a: AttachmentRecord): Record<string, unknown> {
	const url = absoluteUrl(ctx, a.url);
	const base = { id: a.id, mime_type: a.mimeType, name: a.name, size: a.size };
	if (a.type === 'image') {
		const width = a.width ?? 1;
		const height = a.height ?? 1;
		return { ...base, image_data: { width, height, max_width: width, max_height: height, url, preview_url: url, image_type: 1, render_as_sticker: false } };
	}
	if (a.type === 'video' || a.type === 'reel' || a.type === 'ig_reel') {
		return { ...base, video_data: { width: a.width ?? 1, height: a.height ?? 1, length: 0, video_type: 0, url, preview_url: url, rotation: 0 } };
	}
	// Since 2026-08-30 a sticker is an attachment of type "sticker" (Messenger Sticker API).
	if (a.type === 'sticker') return { ...base, type: 'sticker', url, image_data: { url, preview_url: url, render_as_sticker: true } };
	return { ...base, file_url: url };
}

export function renderMessage(ctx: RenderContext, message: MessageRecord, fields: FieldSelection[], rank: number): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const restricted = rank >= DETAIL_WINDOW || !!message.deleted;
	for (const field of fields) {
		// Older messages come back with their id and time only.
		if (restricted && field.name !== 'id' && field.name !== 'created_time') continue;
		const value = messageField(ctx, message, field);
		if (value !== undefined) out[field.name] = value;
	}
	return out;
}

function messageField(ctx: RenderContext, m: MessageRecord, field: FieldSelection): unknown {
	switch (field.name) {
		case 'id':
			return m.id;
		case 'created_time':
			return graphTime(m.createdTime);
		case 'from':
			return pick(participant(ctx.state, m.fromId), field.sub);
		case 'to':
			return { data: m.toIds.map((id) => pick(participant(ctx.state, id), field.sub)) };
		case 'message':
			return m.text;
		case 'attachments': {
			const files = m.attachments.filter((a) => a.type !== 'share' && a.type !== 'template' && a.type !== 'like_heart');
			return files.length ? { data: files.map((a) => pick(renderAttachment(ctx, a), field.sub)) } : undefined;
		}
		case 'shares': {
			const shares = m.attachments.filter((a) => a.type === 'share');
			return shares.length ? { data: shares.map((a) => ({ link: absoluteUrl(ctx, a.url) })) } : undefined;
		}
		case 'reply_to':
			return m.replyTo ? { mid: m.replyTo } : undefined;
		case 'sticker':
			return m.sticker ? absoluteUrl(ctx, m.sticker) : undefined;
		case 'reactions': {
			if (m.reactions.length === 0) return undefined;
			const byReaction = new Map<string, Array<Record<string, unknown>>>();
			for (const r of m.reactions) {
				const list = byReaction.get(r.reaction) ?? [];
				list.push(participant(ctx.state, r.userId));
				byReaction.set(r.reaction, list);
			}
			return { data: [...byReaction].map(([reaction, users]) => ({ reaction, users })) };
		}
		case 'tags':
			return { data: [{ name: m.direction === 'inbound' ? 'inbox' : 'sent' }] };
		case 'is_unsupported':
			return false;
		default:
			throw nonexistingField(field.name, 'Message');
	}
}

export function renderConversation(ctx: RenderContext, conv: ConversationRecord, fields: FieldSelection[]): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const field of fields) {
		const value = conversationField(ctx, conv, field);
		if (value !== undefined) out[field.name] = value;
	}
	return out;
}

function conversationField(ctx: RenderContext, conv: ConversationRecord, field: FieldSelection): unknown {
	const people = () => ({ data: [conv.userId, conv.businessId].map((id) => pick(participant(ctx.state, id), field.sub)) });
	switch (field.name) {
		case 'id':
			return conv.id;
		case 'updated_time':
			return graphTime(conv.updatedTime);
		case 'message_count':
			return conv.messages.length;
		case 'unread_count':
			return conv.unreadCount;
		case 'participants':
		case 'senders':
			return people();
		case 'former_participants':
			return { data: [] };
		case 'snippet':
			return conv.messages[0]?.text ?? '';
		case 'can_reply': {
			const user = ctx.state.users.get(conv.userId);
			return !(user?.cannotReceive || user?.unavailable);
		}
		case 'is_subscribed':
			return true;
		case 'link':
			return `/${conv.businessId}/inbox/${conv.id}`;
		case 'messages':
			return renderMessagesEdge(ctx, conv, {
				fields: field.sub,
				limit: field.limit !== undefined ? readLimit(field.limit || undefined) : 25,
				after: field.after,
				before: field.before,
			});
		default:
			throw nonexistingField(field.name, 'Conversation');
	}
}

/** The `messages` edge of a conversation (also used for the nested expansion). */
export function renderMessagesEdge(
	ctx: RenderContext,
	conv: ConversationRecord,
	opts: { fields?: FieldSelection[]; limit: number; after?: string; before?: string; linkQuery?: Record<string, string> },
): Record<string, unknown> {
	const fields = selectFields(opts.fields, ['id', 'created_time'], MESSAGE_FIELDS, 'Message');
	const slice = pageOf(conv.messages, (m) => ({ t: m.createdTime, id: m.id }), opts);
	const out: Record<string, unknown> = {
		data: slice.items.map((m) => renderMessage(ctx, m, fields, conv.messages.indexOf(m))),
	};
	const paging = pagingObject(slice, {
		baseUrl: ctx.baseUrl,
		version: ctx.version,
		path: `/${conv.id}/messages`,
		query: { ...(opts.linkQuery ?? ctx.linkQuery), fields: fieldsToString(fields), limit: String(opts.limit) },
	});
	if (paging) out.paging = paging;
	return out;
}

export function renderPage(ctx: RenderContext, page: PageRecord, fields: FieldSelection[]): Record<string, unknown> {
	const values: Record<string, unknown> = {
		id: page.id,
		name: page.name,
		category: page.category,
		username: page.username,
		link: `https://www.facebook.com/${page.username ?? page.id}`,
		instagram_business_account: page.igAccountId ? { id: page.igAccountId } : undefined,
		picture: { data: { height: 50, width: 50, is_silhouette: false, url: `${ctx.baseUrl}/cdn/pages/${page.id}.png` } },
		access_token: ctx.linkQuery.access_token,
	};
	return project(values, fields);
}

export function renderIgAccount(ctx: RenderContext, ig: IgAccountRecord, fields: FieldSelection[]): Record<string, unknown> {
	const values: Record<string, unknown> = {
		id: ctx.igLogin ? ig.appScopedId : ig.id,
		user_id: ig.id,
		username: ig.username,
		name: ig.name,
		profile_picture_url: absoluteUrl(ctx, ig.profilePictureUrl),
		account_type: 'BUSINESS',
		followers_count: ig.followersCount,
		follows_count: 0,
		media_count: 0,
	};
	return project(values, fields);
}

export function renderUser(ctx: RenderContext, user: UserRecord, fields: FieldSelection[]): Record<string, unknown> {
	const values: Record<string, unknown> =
		user.platform === 'messenger'
			? {
					id: user.id,
					name: user.name,
					first_name: user.firstName,
					last_name: user.lastName,
					profile_pic: absoluteUrl(ctx, user.profilePic),
					locale: user.locale,
					timezone: user.timezone,
					gender: user.gender,
				}
			: {
					id: user.id,
					name: user.name,
					username: user.username,
					profile_pic: absoluteUrl(ctx, user.profilePic),
					follower_count: user.followerCount,
					is_user_follow_business: user.isUserFollowBusiness,
					is_business_follow_user: user.isBusinessFollowUser,
					is_verified_user: user.isVerifiedUser ?? false,
				};
	return project(values, fields);
}

export function renderPersona(persona: PersonaRecord, fields: FieldSelection[]): Record<string, unknown> {
	return project({ id: persona.id, name: persona.name, profile_picture_url: persona.profilePictureUrl }, fields);
}

/** Requested fields in request order; fields without a value are left out, as Graph does. */
function project(values: Record<string, unknown>, fields: FieldSelection[]): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const f of fields) if (values[f.name] !== undefined) out[f.name] = pick(values[f.name], f.sub);
	return out;
}

/** Apply a `{sub,fields}` selection to a plain object (or leave it whole when none was given). */
function pick(value: unknown, sub: FieldSelection[] | undefined): unknown {
	if (!sub || !value || typeof value !== 'object' || Array.isArray(value)) return value;
	const source = value as Record<string, unknown>;
	const out: Record<string, unknown> = {};
	for (const f of sub) if (source[f.name] !== undefined) out[f.name] = pick(source[f.name], f.sub);
	return out;
}
