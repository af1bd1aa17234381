/**
 * DM media through X's v2 media upload: images and GIFs in one multipart request, videos in chunks
 * (initialize, append segments, finalize) and then STATUS until X has processed them.
 */
import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { multipartBody } from '../core/multipart';
import type { Transport } from '../core/transport';
import type { BinaryFile, MediaType } from '../types';

export type DmMediaCategory = 'dm_image' | 'dm_gif' | 'dm_video';

const MB = 1024 * 1024;

/** X's documented DM media limits per category. */
export const DM_MEDIA = {
	dm_image: { maxBytes: 5 * MB, types: ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff', 'image/pjpeg'] },
	dm_gif: { maxBytes: 15 * MB, types: ['image/gif'] },
	dm_video: { maxBytes: 512 * MB, types: ['video/mp4', 'video/quicktime', 'video/webm', 'video/mp2t'] },
} as const;

/** Video segments of 4 MB; X takes segment indexes 0 to 999. */
export const SEGMENT_BYTES = 4 * MB;
/** Longest time the node waits for X to process a video before it gives up (and sends nothing). */
const PROCESSING_MAX_MS = 120_000;

export function categoryFor(type: MediaType, mimeType: string): DmMediaCategory {
	const mime = mimeType.toLowerCase().split(';')[0].trim();
	const category: DmMediaCategory | undefined =
		type === 'video' ? 'dm_video' : type === 'image' ? (mime === 'image/gif' ? 'dm_gif' : 'dm_image') : undefined;
	if (!category) {
		throw new InputError(`X Direct Messages carry no ${type} files`, 'Send an image, a GIF or a video on X.');
	}
	if (!(DM_MEDIA[category].types as readonly string[]).includes(mime)) {
		throw new InputError(
			`X does not take "${mime || 'unknown'}" as ${category === 'dm_video' ? 'a video' : 'an image'}`,
			`Allowed for ${category}: ${DM_MEDIA[category].types.join(', ')}.`,
		);
	}
	return category;
}

export function validateSize(category: DmMediaCategory, size: number): void {
	const max = DM_MEDIA[category].maxBytes;
	if (size > max) {
		throw new InputError(`The file is ${(size / MB).toFixed(1)} MB; X allows at most ${max / MB} MB for ${category}`, 'Send a smaller file.');
	}
	if (size === 0) throw new InputError('The file is empty', 'Check the binary property: it holds no bytes.');
}

function dataOf(answer: IDataObject): IDataObject {
	return (answer.data ?? {}) as IDataObject;
}

export class MediaUploader {
	constructor(private readonly transport: Transport) {}

	/** Uploads the file as the sending user and returns X's media id. */
	async upload(file: BinaryFile, category: DmMediaCategory): Promise<{ id: string; mediaKey?: string }> {
		const data = category === 'dm_video' ? await this.chunked(file, category) : await this.simple(file, category);
		return { id: String(data.id), mediaKey: data.media_key ? String(data.media_key) : undefined };
	}

	private async simple(file: BinaryFile, category: DmMediaCategory): Promise<IDataObject> {
		const body = multipartBody([{ field: 'media_category', value: category }], { field: 'media', fileName: file.fileName ?? 'media', file });
		return dataOf(await this.transport.request({ method: 'POST', path: '/2/media/upload', body }));
	}

	private async chunked(file: BinaryFile, category: DmMediaCategory): Promise<IDataObject> {
		const init = dataOf(
			await this.transport.request({
				method: 'POST',
				path: '/2/media/upload/initialize',
				body: { media_category: category, media_type: file.mimeType.split(';')[0].trim().toLowerCase(), total_bytes: file.size },
			}),
		);
		const id = String(init.id);
		const segments = Math.max(1, Math.ceil(file.size / SEGMENT_BYTES));
		// Read once for all segments (not once per segment), then let go when the upload is done.
		const bytes = await file.read();
		for (let index = 0; index < segments; index++) {
			const segment = {
				fileName: file.fileName ?? 'media',
				mimeType: 'application/octet-stream',
				size: Math.min(SEGMENT_BYTES, bytes.length - index * SEGMENT_BYTES),
				read: async () => bytes.subarray(index * SEGMENT_BYTES, (index + 1) * SEGMENT_BYTES),
			};
			const body = multipartBody([{ field: 'segment_index', value: String(index) }], { field: 'media', fileName: segment.fileName, file: segment });
			// A segment sent twice replaces itself: safe to repeat after a network failure.
			await this.transport.request({ method: 'POST', path: `/2/media/upload/${id}/append`, body, idempotent: true });
		}
		let data = dataOf(await this.transport.request({ method: 'POST', path: `/2/media/upload/${id}/finalize` }));
		const started = Date.now();
		for (;;) {
			const info = data.processing_info as IDataObject | undefined;
			const state = info?.state;
			if (!info || state === 'succeeded') return data;
			if (state === 'failed') {
				const error = info.error as IDataObject | undefined;
				throw new InputError(`X could not process the video: ${String(error?.message ?? error?.name ?? 'failed')}`, 'Check that the file is an MP4 (H.264, AAC) video X accepts, then send it again. Nothing was sent.');
			}
			const waitMs = Math.max(1, Number(info.check_after_secs ?? 1)) * 1000;
			if (Date.now() - started + waitMs > PROCESSING_MAX_MS) {
				throw new InputError('X is still processing the video after 2 minutes', 'Nothing was sent. Try again later or send a shorter video.');
			}
			await sleep(waitMs);
			data = dataOf(
				await this.transport.request({ method: 'GET', path: '/2/media/upload', qs: { command: 'STATUS', media_id: id }, idempotent: true }),
			);
		}
	}
}
