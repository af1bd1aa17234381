/**
 * Media upload for DMs: one request (multipart bytes or JSON base64) for images and GIFs, and the chunked
 * initialize / append / finalize with STATUS polling that videos need, through the processing states the
 * server was told to play (default pending, in_progress, succeeded).
 */
import type { MultipartPart } from '../../graph/multipart';
import { invalidRequest } from '../errors';
import { processingState, type MediaRecord } from '../state';
import { ok, type RouteContext, type XRoute } from './types';

const MB = 1024 * 1024;
/** X's DM media sizes (the reference's categories; X's media docs for the numbers). */
export const DM_MEDIA_MAX_BYTES: Record<string, number> = { dm_image: 5 * MB, dm_gif: 15 * MB, dm_video: 512 * MB };
/** (inferred from X's media docs) largest APPEND segment. */
export const MAX_SEGMENT_BYTES = 5 * MB;
const UPLOAD_TTL_S = 86_400;

/** The file type from its first bytes, as X decides it (the declared type is not trusted). */
export function sniff(bytes: Buffer): string | undefined {
	const hex = bytes.subarray(0, 12).toString('hex');
	if (hex.startsWith('89504e47')) return 'image/png';
	if (hex.startsWith('ffd8ff')) return 'image/jpeg';
	if (hex.startsWith('47494638')) return 'image/gif';
	if (hex.startsWith('52494646') && bytes.subarray(8, 12).toString() === 'WEBP') return 'image/webp';
	if (hex.startsWith('424d')) return 'image/bmp';
	if (bytes.subarray(4, 8).toString() === 'ftyp') return 'video/mp4';
	return undefined;
}

const refuse = (parameter: string, value: unknown, message: string) => invalidRequest([{ parameter, value, message: `${message} (inferred wording)` }]);

/** The uploaded bytes: a multipart file part, or base64 in JSON. */
function bytesOf(ctx: RouteContext): Buffer {
	const part = ctx.parts?.find((candidate: MultipartPart) => candidate.name === 'media');
	if (part) return part.data;
	const media = (ctx.json as { media?: unknown } | undefined)?.media;
	return Buffer.from(typeof media === 'string' ? media : '', 'base64');
}

function fieldOf(ctx: RouteContext, name: string): string | undefined {
	const part = ctx.parts?.find((candidate) => candidate.name === name && candidate.filename === undefined);
	if (part) return part.value;
	const value = (ctx.json as Record<string, unknown> | undefined)?.[name];
	return value === undefined ? undefined : String(value);
}

function owned(ctx: RouteContext, id: string): MediaRecord {
	const media = ctx.state.media.get(id);
	if (!media || media.ownerId !== ctx.userId) throw refuse('media_id', id, 'Media id not found.');
	return media;
}

function uploadData(media: MediaRecord, ctx: RouteContext): Record<string, unknown> {
	const data: Record<string, unknown> = { id: media.id, media_key: media.mediaKey, expires_after_secs: Math.max(0, Math.floor((media.expiresAt - Date.now()) / 1000)) };
	if (media.totalBytes !== undefined) data.size = media.totalBytes;
	const state = processingState(media);
	if (state) {
		const info: Record<string, unknown> = { state };
		if (state === 'pending' || state === 'in_progress') info.check_after_secs = ctx.options.checkAfterSecs;
		if (state === 'in_progress') info.progress_percent = 50;
		if (state === 'succeeded') info.progress_percent = 100;
		if (state === 'failed') info.error = { code: 1, name: 'InvalidMedia', message: 'Unsupported video format' };
		data.processing_info = info;
	} else if (media.mimeType?.startsWith('image/')) {
		data.image = { image_type: media.mimeType, w: 1200, h: 800 };
	}
	return data;
}

function checkSize(category: string, size: number): void {
	const max = DM_MEDIA_MAX_BYTES[category];
	if (max !== undefined && size > max) throw refuse('total_bytes', size, `File size exceeds ${max} bytes for ${category}.`);
	if (size === 0) throw refuse('media', 0, 'Media is empty.');
}

export const MEDIA_ROUTES: XRoute[] = [
	{
		method: 'POST',
		path: '/2/media/upload',
		limit: 'media',
		needsWrite: true,
		handle: (ctx) => {
			const category = fieldOf(ctx, 'media_category') ?? '';
			if (category === 'dm_video' || category === 'tweet_video') throw refuse('media_category', category, 'Videos must be uploaded in chunks (initialize, append, finalize).');
			const bytes = bytesOf(ctx);
			checkSize(category, bytes.length);
			const type = sniff(bytes);
			if (!type || !type.startsWith('image/')) throw refuse('media', type ?? 'unknown', 'media type unrecognized.');
			if ((category === 'dm_gif') !== (type === 'image/gif')) throw refuse('media_category', category, `${type} does not fit media_category ${category}.`);
			const media = ctx.state.newMedia(ctx.userId ?? '', category, { mimeType: type, totalBytes: bytes.length, bytes, phase: 'finalized' });
			return ok({ data: uploadData(media, ctx) });
		},
	},
	{
		method: 'POST',
		path: '/2/media/upload/initialize',
		limit: 'media',
		needsWrite: true,
		handle: (ctx) => {
			const body = ctx.json as { media_category?: string; media_type?: string; total_bytes?: number };
			if (!body.media_type) throw refuse('media_type', '', 'media_type is required.');
			if (body.total_bytes === undefined) throw refuse('total_bytes', '', 'total_bytes is required.');
			const category = body.media_category ?? 'tweet_image';
			checkSize(category, body.total_bytes);
			const media = ctx.state.newMedia(ctx.userId ?? '', category, { mimeType: body.media_type, totalBytes: body.total_bytes });
			return ok({ data: { id: media.id, media_key: media.mediaKey, expires_after_secs: UPLOAD_TTL_S } });
		},
	},
	{
		method: 'POST',
		path: '/2/media/upload/{id}/append',
		limit: 'media',
		needsWrite: true,
		handle: (ctx) => {
			const media = owned(ctx, ctx.params.id);
			if (media.phase !== 'initialized') throw refuse('id', media.id, 'The upload is already finalized.');
			const index = Number(fieldOf(ctx, 'segment_index'));
			const bytes = bytesOf(ctx);
			if (bytes.length > MAX_SEGMENT_BYTES) throw refuse('media', bytes.length, `A segment may be at most ${MAX_SEGMENT_BYTES} bytes.`);
			// Sending a segment again replaces it.
			media.segments.set(index, bytes);
			return ok({ data: { expires_at: Math.floor(media.expiresAt / 1000) } });
		},
	},
	{
		method: 'POST',
		path: '/2/media/upload/{id}/finalize',
		limit: 'media',
		needsWrite: true,
		handle: (ctx) => {
			const media = owned(ctx, ctx.params.id);
			if (media.phase !== 'initialized') throw refuse('id', media.id, 'The upload is already finalized.');
			const indexes = [...media.segments.keys()].sort((a, b) => a - b);
			if (indexes.length === 0 || indexes.some((index, position) => index !== position)) {
				throw refuse('segment_index', indexes.join(','), 'Segments are missing: they must run from 0 without gaps.');
			}
			const bytes = Buffer.concat(indexes.map((index) => media.segments.get(index)!));
			if (bytes.length !== media.totalBytes) throw refuse('total_bytes', media.totalBytes, `Received ${bytes.length} bytes, total_bytes said ${media.totalBytes}.`);
			media.bytes = bytes;
			media.phase = 'finalized';
			if (media.category === 'dm_video' || media.category === 'tweet_video' || media.category === 'dm_gif') media.processing = [...ctx.options.videoProcessing];
			return ok({ data: uploadData(media, ctx) });
		},
	},
	{
		method: 'GET',
		path: '/2/media/upload',
		limit: 'media',
		handle: (ctx) => {
			const media = owned(ctx, ctx.query.media_id);
			if (media.phase !== 'finalized') throw refuse('media_id', media.id, 'The upload is not finalized.');
			if (media.processing.length > 0) media.statusChecks += 1;
			return ok({ data: uploadData(media, ctx) });
		},
	},
];
