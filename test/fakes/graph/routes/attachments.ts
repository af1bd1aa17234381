/**
 * Attachment Upload API: `POST /{PAGE_ID|IG_ID|me}/message_attachments`, JSON (`payload.url`) or
 * multipart with a `filedata` file part and a `message` JSON field. Answers `{attachment_id}`.
 */
import { objectParam, stringParam } from '../body';
import { fromSpec, GRAPH_ERRORS, paramError } from '../errors';
import type { Platform, UploadedAttachment } from '../state';
import type { Call, Env, Result } from '../types';
import { isRecord } from '../util';
import { ATTACHMENT_MAX_BYTES, INSTAGRAM_IMAGE_MAX_BYTES } from '../validate';
import type { Business } from './business';
import { fileNameOf, guessMime } from './media';
import { currentUsageHeader } from './send';

const UPLOAD_TYPES = ['image', 'audio', 'video', 'file'] as const;

export function handleUpload(env: Env, call: Call, business: Business): Result {
	const { state } = env;
	const platform = uploadPlatform(call, business);
	const owner = business.kind === 'ig' ? business.ig.id : platform === 'instagram' ? business.page.igAccountId : business.page.id;
	if (!owner) throw paramError('This Page has no linked Instagram account (inferred wording)');
	const message = objectParam(call.params, 'message');
	if (!message) throw paramError('The parameter message is required');
	const attachment = message.attachment;
	if (!isRecord(attachment)) throw paramError('Param message[attachment] is required');
	const type = String(attachment.type ?? '') as UploadedAttachment['type'];
	if (!UPLOAD_TYPES.includes(type)) throw paramError(`Param message[attachment][type] must be one of {${UPLOAD_TYPES.join(', ')}} - got "${type}"`);
	const payload = isRecord(attachment.payload) ? attachment.payload : {};
	const isReusable = payload.is_reusable === true || payload.is_reusable === 'true';
	const file = call.files.find((f) => f.name === 'filedata');
	const id = state.newAttachmentId();
	let record: UploadedAttachment;
	if (file) {
		const limit = platform === 'instagram' && type === 'image' ? INSTAGRAM_IMAGE_MAX_BYTES : ATTACHMENT_MAX_BYTES;
		if (file.size > limit) throw fromSpec(GRAPH_ERRORS.attachmentTooLarge);
		if (file.size === 0) throw fromSpec(GRAPH_ERRORS.uploadFailed);
		const name = file.filename || `${type}-${id}`;
		const mimeType = file.contentType ?? guessMime(name, type);
		const url = `/cdn/uploads/${id}/${encodeURIComponent(name)}`;
		state.blobs.set(url, { contentType: mimeType, data: file.data });
		record = { id, type, platform, businessId: owner, url, mimeType, name, size: file.size, isReusable, createdTime: state.now() };
	} else if (typeof payload.url === 'string' && payload.url) {
		if (!/^https?:\/\//.test(payload.url)) throw paramError('Param message[attachment][payload][url] must be a valid URL');
		// The fake never fetches; a URL containing "fail-fetch" stands for one Meta cannot download.
		if (payload.url.includes('fail-fetch')) throw fromSpec(GRAPH_ERRORS.urlFetchFailed);
		const name = fileNameOf(payload.url, `${type}-${id}`);
		record = { id, type, platform, businessId: owner, url: payload.url, mimeType: guessMime(name, type), name, size: 0, isReusable, createdTime: state.now() };
	} else {
		throw paramError('Param message[attachment][payload][url] or a filedata part is required (inferred wording)');
	}
	state.attachments.set(id, record);
	return { status: 200, body: { attachment_id: id }, headers: currentUsageHeader(env, business) };
}

function uploadPlatform(call: Call, business: Business): Platform {
	if (business.kind === 'ig') return 'instagram';
	const platform = stringParam(call.params, 'platform');
	if (platform === undefined || platform.toLowerCase() === 'messenger') return 'messenger';
	if (platform.toLowerCase() === 'instagram') return 'instagram';
	throw paramError(`Param platform must be one of {MESSENGER, INSTAGRAM} - got "${platform}"`);
}
