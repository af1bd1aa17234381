/**
 * X's JSON shapes: DM events with the fields and expansions asked for (2.167 and 2.159 spellings), the
 * `includes` they bring, users with `user.fields`, media with `media.fields`, and paging tokens.
 */
import { invalidRequest } from './errors';
import type { DmEventRecord, MediaRecord, UserRecord, XState } from './state';

export interface Selection {
	eventFields: Set<string>;
	expansions: Set<string>;
	userFields: Set<string>;
	mediaFields: Set<string>;
}

const list = (value: string | undefined): Set<string> => new Set((value ?? '').split(',').filter(Boolean));

export function selectionOf(query: Record<string, string>): Selection {
	return {
		eventFields: list(query['dm_event.fields']),
		expansions: list(query.expansions),
		userFields: list(query['user.fields']),
		mediaFields: list(query['media.fields']),
	};
}

/** `entities.urls` as X finds them in the text (offsets in code points). */
function entitiesOf(text: string): Record<string, unknown> | undefined {
	const urls: Array<Record<string, unknown>> = [];
	for (const match of text.matchAll(/https?:\/\/\S+/g)) {
		const start = [...text.slice(0, match.index)].length;
		urls.push({ start, end: start + [...match[0]].length, url: match[0], expanded_url: match[0], display_url: match[0].replace(/^https?:\/\//, '') });
	}
	return urls.length ? { urls } : undefined;
}

export function renderEvent(event: DmEventRecord, selection: Selection): Record<string, unknown> {
	const { eventFields: fields, expansions } = selection;
	const out: Record<string, unknown> = { id: event.id, event_type: event.eventType };
	if (event.eventType === 'MessageCreate') out.text = event.text ?? '';
	if (fields.has('created_at')) out.created_at = new Date(event.createdAt).toISOString();
	if (fields.has('dm_conversation_id')) out.dm_conversation_id = event.conversationId;
	// An expanded id comes with the event, as X does for every expansion (inferred for DM events).
	if (fields.has('sender_id') || expansions.has('sender_id')) out.sender_id = event.senderId;
	if ((fields.has('participant_ids') || expansions.has('participant_ids')) && event.participantIds) out.participant_ids = [...event.participantIds];
	if (fields.has('attachments') && event.mediaKeys?.length) out.attachments = { media_keys: [...event.mediaKeys] };
	if (fields.has('entities') && event.text) {
		const entities = entitiesOf(event.text);
		if (entities) out.entities = entities;
	}
	if (event.referencedPostIds?.length) {
		const refs = event.referencedPostIds.map((id) => ({ id }));
		if (fields.has('referenced_tweets') || expansions.has('referenced_tweets.id')) out.referenced_tweets = refs;
		if (expansions.has('referenced_posts')) out.referenced_posts = refs;
	}
	return out;
}

export function renderUser(user: UserRecord, fields: Set<string>): Record<string, unknown> {
	const out: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
	if (fields.has('profile_image_url')) out.profile_image_url = user.profileImageUrl;
	if (fields.has('created_at')) out.created_at = user.createdAt;
	if (fields.has('description')) out.description = user.description ?? '';
	if (fields.has('protected')) out.protected = false;
	if (fields.has('verified')) out.verified = false;
	if (fields.has('receives_your_dm')) out.receives_your_dm = !user.closedDms;
	return out;
}

const MEDIA_TYPE: Record<string, string> = { dm_image: 'photo', dm_gif: 'animated_gif', dm_video: 'video' };

export function renderMedia(media: MediaRecord, fields: Set<string>): Record<string, unknown> {
	const type = MEDIA_TYPE[media.category] ?? 'photo';
	const out: Record<string, unknown> = { media_key: media.mediaKey, type };
	if (fields.has('url') && type === 'photo') out.url = `https://ton.x.com/i/ton/data/dm/${media.id}/${media.id}/media.jpg`;
	if (fields.has('preview_image_url') && type !== 'photo') out.preview_image_url = `https://pbs.twimg.com/dm_video_preview/${media.id}/img/preview.jpg`;
	if (fields.has('width')) out.width = 1200;
	if (fields.has('height')) out.height = 800;
	return out;
}

/** `includes` for the events' expansions: users (senders, participants) and media. */
export function includesFor(state: XState, events: DmEventRecord[], selection: Selection): Record<string, unknown> | undefined {
	const userIds = new Set<string>();
	const mediaKeys = new Set<string>();
	for (const event of events) {
		if (selection.expansions.has('sender_id')) userIds.add(event.senderId);
		if (selection.expansions.has('participant_ids')) for (const id of event.participantIds ?? []) userIds.add(id);
		if (selection.expansions.has('attachments.media_keys')) for (const key of event.mediaKeys ?? []) mediaKeys.add(key);
	}
	const users = [...userIds].map((id) => state.users.get(id)).filter((user): user is UserRecord => !!user).map((user) => renderUser(user, selection.userFields));
	const media = [...mediaKeys].map((key) => state.mediaByKey(key)).filter((found): found is MediaRecord => !!found).map((found) => renderMedia(found, selection.mediaFields));
	const includes: Record<string, unknown> = {};
	if (users.length) includes.users = users;
	if (media.length) includes.media = media;
	return Object.keys(includes).length ? includes : undefined;
}

/** Opaque paging tokens (upper-case hex, which is base32hex too, at least 16 characters as X's description wants). */
export function pageToken(offset: number, scope: string): string {
	return Buffer.from(JSON.stringify({ o: offset, s: scope })).toString('hex').toUpperCase();
}

export function readPageToken(token: string | undefined, scope: string): number {
	if (token === undefined) return 0;
	try {
		const decoded = JSON.parse(Buffer.from(token, 'hex').toString('utf8')) as { o?: unknown; s?: unknown };
		if (typeof decoded.o === 'number' && decoded.s === scope) return decoded.o;
	} catch {
		// falls through to X's answer for a token it did not issue
	}
	throw invalidRequest([{ parameter: 'pagination_token', value: token, message: 'The `pagination_token` query parameter value is not valid for this request.' }]);
}

/** One page of events in X's list shape. */
export function eventPage(state: XState, events: DmEventRecord[], query: Record<string, string>, scope: string): Record<string, unknown> {
	const max = query.max_results === undefined ? 100 : Number(query.max_results);
	const offset = readPageToken(query.pagination_token, scope);
	const selection = selectionOf(query);
	const page = events.slice(offset, offset + max);
	const meta: Record<string, unknown> = { result_count: page.length };
	if (offset + max < events.length) meta.next_token = pageToken(offset + max, scope);
	if (offset > 0) meta.previous_token = pageToken(Math.max(0, offset - max), scope);
	const body: Record<string, unknown> = {};
	if (page.length) body.data = page.map((event) => renderEvent(event, selection));
	const includes = includesFor(state, page, selection);
	if (includes) body.includes = includes;
	body.meta = meta;
	return body;
}
