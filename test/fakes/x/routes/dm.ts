/**
 * Direct Messages: the three event lookups, one event, delete, and the three ways to send (to a participant,
 * into a conversation, a new group). Sends check what X checks beyond the schema: the recipient exists and
 * takes DMs, the media was uploaded by the sender, is processed and not expired, no duplicate content.
 */
import { invalidRequest, notFoundEntry, problem, PROBLEMS, X_FAILURES } from '../errors';
import { eventPage, includesFor, renderEvent, selectionOf } from '../render';
import { processingState, type ConversationRecord, type DmEventRecord, type DmEventType } from '../state';
import { ok, type RouteContext, type RouteResult, type XRoute } from './types';

const ALL_TYPES: DmEventType[] = ['MessageCreate', 'ParticipantsJoin', 'ParticipantsLeave'];

function listEvents(ctx: RouteContext, events: DmEventRecord[], scope: string): RouteResult {
	const types = ctx.query.event_types ? ctx.query.event_types.split(',') : ALL_TYPES;
	const wanted = events.filter((event) => types.includes(event.eventType));
	return ok(eventPage(ctx.state, wanted, ctx.query, `${scope} ${types.join(',')}`));
}

function member(ctx: RouteContext, conversation: ConversationRecord | undefined): ConversationRecord | undefined {
	if (!conversation) return undefined;
	if (!conversation.participantIds.includes(ctx.userId ?? '')) {
		throw problem(403, 'Forbidden', 'You are not a participant of this conversation. (inferred wording)', `${PROBLEMS}not-authorized-for-resource`);
	}
	return conversation;
}

/** The `attachments` of a send as media ids X accepts: uploaded by the sender, ready, for DMs, within 24 h. */
function mediaKeysOf(ctx: RouteContext, attachments: unknown): string[] | undefined {
	if (!Array.isArray(attachments) || attachments.length === 0) return undefined;
	if (attachments.length > 1) throw invalidRequest([{ parameter: 'attachments', value: attachments.length, message: 'A Direct Message can carry one attachment. (inferred wording)' }]);
	const id = String((attachments[0] as { media_id?: unknown }).media_id);
	const media = ctx.state.media.get(id);
	const refuse = (why: string) => invalidRequest([{ parameter: 'attachments.media_id', value: id, message: `${why} (inferred wording)` }]);
	if (!media || media.ownerId !== ctx.userId) throw refuse('Media id not found for this user.');
	if (!String(media.category).startsWith('dm_')) throw refuse(`Media category ${media.category} cannot be attached to a Direct Message.`);
	const processing = processingState(media);
	if (media.phase !== 'finalized') throw refuse('Media upload is not finalized.');
	if (processing === 'failed') throw refuse('Media processing failed.');
	if (processing && processing !== 'succeeded') throw refuse('Media is still processing.');
	if (Date.now() > media.expiresAt) throw refuse('Media has expired.');
	return [media.mediaKey];
}

function deliver(ctx: RouteContext, conversation: ConversationRecord, message: { text?: unknown; attachments?: unknown }): DmEventRecord {
	const text = typeof message.text === 'string' ? message.text : undefined;
	const mediaKeys = mediaKeysOf(ctx, message.attachments);
	const last = ctx.state.lastSent(conversation.id, ctx.userId ?? '');
	if (text !== undefined && !mediaKeys && last && last.text === text && !last.mediaKeys) throw X_FAILURES.duplicate();
	const event = ctx.state.addEvent({ eventType: 'MessageCreate', conversationId: conversation.id, senderId: ctx.userId ?? '', text: text ?? '', mediaKeys });
	ctx.events.emit('dm', event);
	return event;
}

function created(event: DmEventRecord): RouteResult {
	return ok({ data: { dm_conversation_id: event.conversationId, dm_event_id: event.id } }, 201);
}

function recipient(ctx: RouteContext, id: string) {
	const user = ctx.state.users.get(id);
	if (!user) throw invalidRequest([{ parameter: 'participant_id', value: id, message: `User ${id} does not exist. (inferred wording)` }]);
	if (id === ctx.userId) throw invalidRequest([{ parameter: 'participant_id', value: id, message: 'You cannot send a Direct Message to yourself. (inferred wording)' }]);
	if (user.closedDms) throw X_FAILURES.dmNotAllowed();
	return user;
}

export const DM_ROUTES: XRoute[] = [
	{
		method: 'GET',
		path: '/2/dm_events',
		limit: 'dmLookup',
		needsDm: true,
		handle: (ctx) => listEvents(ctx, ctx.state.visibleEvents(ctx.userId ?? ''), 'all'),
	},
	{
		method: 'GET',
		path: '/2/dm_conversations/with/{participant_id}/dm_events',
		limit: 'dmLookup',
		needsDm: true,
		handle: (ctx) => {
			const id = ctx.state.oneToOneId(ctx.userId ?? '', ctx.params.participant_id);
			return listEvents(ctx, ctx.state.eventsIn(id, ctx.userId ?? ''), id);
		},
	},
	{
		method: 'GET',
		path: '/2/dm_conversations/{id}/dm_events',
		limit: 'dmLookup',
		needsDm: true,
		handle: (ctx) => {
			member(ctx, ctx.state.conversations.get(ctx.params.id));
			return listEvents(ctx, ctx.state.eventsIn(ctx.params.id, ctx.userId ?? ''), ctx.params.id);
		},
	},
	{
		method: 'GET',
		path: '/2/dm_events/{event_id}',
		limit: 'dmLookup',
		needsDm: true,
		handle: (ctx) => {
			const event = ctx.state.visibleEvents(ctx.userId ?? '').find((candidate) => candidate.id === ctx.params.event_id);
			// (inferred) a lookup of a missing event answers like X's other lookups: 200 with a partial error.
			if (!event) return ok({ errors: [notFoundEntry('dm_event', 'event_id', ctx.params.event_id, `Could not find DM event with id: [${ctx.params.event_id}].`)] });
			const selection = selectionOf(ctx.query);
			const body: Record<string, unknown> = { data: renderEvent(event, selection) };
			const includes = includesFor(ctx.state, [event], selection);
			if (includes) body.includes = includes;
			return ok(body);
		},
	},
	{
		method: 'DELETE',
		path: '/2/dm_events/{event_id}',
		limit: 'dmDelete',
		needsDm: true,
		handle: (ctx) => {
			const event = ctx.state.visibleEvents(ctx.userId ?? '').find((candidate) => candidate.id === ctx.params.event_id);
			if (!event) throw problem(404, 'Not Found Error', `Could not find DM event with id: [${ctx.params.event_id}]. (inferred)`, `${PROBLEMS}resource-not-found`, { resource_type: 'dm_event', parameter: 'event_id', value: ctx.params.event_id });
			if (event.senderId !== ctx.userId) throw problem(403, 'Forbidden', 'You can only delete Direct Messages you sent. (inferred wording)', `${PROBLEMS}not-authorized-for-resource`);
			event.deleted = true;
			return ok({ data: { deleted: true } });
		},
	},
	{
		method: 'POST',
		path: '/2/dm_conversations/with/{participant_id}/messages',
		limit: 'dmSend',
		needsDm: true,
		handle: (ctx) => {
			recipient(ctx, ctx.params.participant_id);
			return created(deliver(ctx, ctx.state.oneToOne(ctx.userId ?? '', ctx.params.participant_id), ctx.json as object));
		},
	},
	{
		method: 'POST',
		path: '/2/dm_conversations/{dm_conversation_id}/messages',
		limit: 'dmSend',
		needsDm: true,
		handle: (ctx) => {
			const conversation = member(ctx, ctx.state.conversations.get(ctx.params.dm_conversation_id));
			if (!conversation) throw problem(404, 'Not Found Error', `Could not find DM conversation with id: [${ctx.params.dm_conversation_id}]. (inferred)`, `${PROBLEMS}resource-not-found`, { resource_type: 'dm_conversation', parameter: 'dm_conversation_id', value: ctx.params.dm_conversation_id });
			if (conversation.kind === 'one-to-one') for (const id of conversation.participantIds) if (id !== ctx.userId) recipient(ctx, id);
			return created(deliver(ctx, conversation, ctx.json as object));
		},
	},
	{
		method: 'POST',
		path: '/2/dm_conversations',
		limit: 'dmSend',
		needsDm: true,
		handle: (ctx) => {
			const body = ctx.json as { participant_ids: string[]; message: { text?: string; attachments?: unknown } };
			if (new Set(body.participant_ids).size !== body.participant_ids.length) {
				throw invalidRequest([{ parameter: 'participant_ids', value: body.participant_ids.join(','), message: 'Participants must be unique. (inferred wording)' }]);
			}
			for (const id of body.participant_ids) recipient(ctx, id);
			if (body.message.text === undefined && body.message.attachments === undefined) {
				throw invalidRequest([{ parameter: 'message', value: '{}', message: 'The message needs text or an attachment. (inferred wording)' }]);
			}
			// Checked before the group exists: a refused attachment creates nothing.
			mediaKeysOf(ctx, body.message.attachments);
			const conversation = ctx.state.createGroup(ctx.userId ?? '', body.participant_ids);
			return created(deliver(ctx, conversation, body.message));
		},
	},
];
