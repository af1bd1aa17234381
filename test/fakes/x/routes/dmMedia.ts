/**
 * `GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}`: the raw bytes of a DM's media, to a
 * participant of the conversation. The ids are those of the DM's media URL (`mediaUrl`); any other
 * combination is a 404 `resource-not-found`, a caller outside the conversation a 403 (inferred wording).
 */
import { randomBytes } from 'node:crypto';

import { problem, PROBLEMS } from '../errors';
import type { DmEventRecord, MediaRecord, XState } from '../state';
import type { XRoute } from './types';

const EXTENSION: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'video/mp4': 'mp4' };

/** The media's resource id on X's side (made once per upload). */
export function resourceIdOf(media: MediaRecord): string {
	media.resourceId ??= randomBytes(9).toString('base64url');
	return media.resourceId;
}

/** The DM media URL an inbound attachment carries: `https://ton.x.com/i/ton/data/dm/{dm_id}/{media_id}/{resource_id}.{ext}` (inferred host). */
export function mediaUrl(event: DmEventRecord, media: MediaRecord): string {
	return `https://ton.x.com/i/ton/data/dm/${event.id}/${media.id}/${resourceIdOf(media)}.${EXTENSION[media.mimeType ?? ''] ?? 'jpg'}`;
}

const notFound = () => problem(404, 'Not Found Error', 'Could not find the requested media. (inferred wording)', `${PROBLEMS}resource-not-found`);

function find(state: XState, dmId: string, mediaId: string, resourceId: string): { event: DmEventRecord; media: MediaRecord } {
	const event = state.events.find((entry) => entry.id === dmId && !entry.deleted);
	const media = state.media.get(mediaId);
	if (!event || !media || !media.bytes || !event.mediaKeys?.includes(media.mediaKey) || media.resourceId !== resourceId) throw notFound();
	return { event, media };
}

export const DM_MEDIA_ROUTES: XRoute[] = [
	{
		method: 'GET',
		path: '/2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}',
		limit: 'media',
		needsDm: true,
		handle: (ctx) => {
			const { event, media } = find(ctx.state, ctx.params.dm_id, ctx.params.media_id, ctx.params.resource_id);
			const conversation = ctx.state.conversations.get(event.conversationId);
			if (!conversation?.participantIds.includes(ctx.userId ?? '')) {
				throw problem(403, 'Forbidden', 'You are not a participant of the conversation of this media. (inferred wording)', `${PROBLEMS}not-authorized-for-resource`);
			}
			// X's description answers `application/octet-stream`.
			return { status: 200, body: media.bytes, headers: { 'content-type': 'application/octet-stream' } };
		},
	},
];
