/** Message > Send: text, media, a template or quick replies to one recipient. */
import type { IDataObject } from 'n8n-workflow';

import type { OutgoingMessage, Platform } from '../../../platforms/types';
import type { Operation } from '../operation';
import { readIncludeRaw } from '../common.fields';
import { readOutgoing } from './readOutgoing';
import { sendFields } from './send.fields';

/**
 * With "Save Media for Reuse", media given by URL or as a file is stored through the Attachment Upload
 * API first and the message references the returned id, so the output always carries the attachment ID.
 * (The Send API may also answer `attachment_id` for `is_reusable` media, but that answer is not
 * documented everywhere; the upload's answer is.) Validates first: nothing is uploaded for a message
 * that would be rejected.
 */
async function storeReusableMedia(platform: Platform, message: OutgoingMessage): Promise<{ message: OutgoingMessage; attachmentId?: string }> {
	const media = message.media;
	if (!media?.reusable || 'attachmentId' in media.source) return { message };
	platform.validateOutgoing(message);
	const upload = await platform.uploadAttachment(media);
	return {
		message: { ...message, media: { type: media.type, source: { attachmentId: upload.attachmentId } } },
		attachmentId: upload.attachmentId,
	};
}

export const send: Operation = {
	description: sendFields,
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const stored = await storeReusableMedia(platform, await readOutgoing(ctx, itemIndex));
		const result = await platform.send(stored.message);
		const output: IDataObject = {
			platform: result.platform,
			messageId: result.messageId,
			recipientId: result.recipientId,
			sentAt: result.sentAt,
		};
		// Meta answers no recipient_id for user_ref recipients: leave the field out rather than undefined.
		if (output.recipientId === undefined) delete output.recipientId;
		const attachmentId = stored.attachmentId ?? (result.raw?.attachment_id as string | undefined);
		if (attachmentId) output.attachmentId = attachmentId;
		if (readIncludeRaw(ctx, itemIndex)) output.raw = result.raw;
		return output;
	},
};
