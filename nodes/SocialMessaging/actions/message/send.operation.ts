/** Message > Send: text, media, a template or quick replies to one recipient. */
import type { IDataObject } from 'n8n-workflow';

import type { OutgoingMessage, Platform, SendResult } from '../../../platforms/types';
import type { Operation, OperationInput, PreparedSend } from '../operation';
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
async function storeReusableMedia(platform: Platform, message: OutgoingMessage): Promise<PreparedSend> {
	const media = message.media;
	if (!media?.reusable || 'attachmentId' in media.source) return { message, extra: {} };
	platform.validateOutgoing(message);
	const upload = await platform.uploadAttachment(media);
	return {
		message: { ...message, media: { type: media.type, source: { attachmentId: upload.attachmentId } } },
		extra: { attachmentId: upload.attachmentId },
	};
}

async function prepare({ ctx, platform, itemIndex }: OperationInput): Promise<PreparedSend> {
	return await storeReusableMedia(platform, await readOutgoing(ctx, itemIndex));
}

function output({ ctx, itemIndex }: OperationInput, result: SendResult, prepared: PreparedSend): IDataObject {
	const json: IDataObject = {
		platform: result.platform,
		messageId: result.messageId,
		recipientId: result.recipientId,
		sentAt: result.sentAt,
	};
	// Meta answers no recipient_id for user_ref recipients: leave the field out rather than undefined.
	if (json.recipientId === undefined) delete json.recipientId;
	const attachmentId = prepared.extra.attachmentId ?? (result.raw?.attachment_id as string | undefined);
	if (attachmentId) json.attachmentId = attachmentId;
	if (readIncludeRaw(ctx, itemIndex)) json.raw = result.raw;
	return json;
}

export const send: Operation = {
	description: sendFields,
	kind: 'write',
	async execute(input) {
		const prepared = await prepare(input);
		return output(input, await input.platform.send(prepared.message), prepared);
	},
	batch: { prepare, output },
};
