/** Message > Send: text, media, a template or quick replies to one recipient. */
import type { IDataObject } from 'n8n-workflow';

import type { OutgoingMessage, Platform, SendResult } from '../../../platforms/types';
import type { Operation, OperationInput, PreparedSend } from '../operation';
import { readIncludeRaw, recipientOrderKey } from '../common.fields';
import { disclosureDue, markDisclosed } from '../../../platforms/core/disclosure';
import { asText } from '../values';
import { readOutgoing } from './readOutgoing';
import { DEFAULT_NEXT_PAGE_LABEL, sendFields } from './send.fields';

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

/** Past the caps (13 quick replies, 10 cards) the first page goes out; the trigger sends the others when tapped. */
function firstPage({ ctx, platform, itemIndex }: OperationInput, message: OutgoingMessage): OutgoingMessage {
	if (!platform.firstPage) return message;
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const label = options.nextPageLabel === undefined ? DEFAULT_NEXT_PAGE_LABEL : asText(options.nextPageLabel, 'Next Page Label').trim();
	return platform.firstPage(message, { store: () => ctx.getWorkflowStaticData('global'), label });
}

/**
 * Option Automation Disclosure: when due for this person (see core/disclosure.ts), a text message with it
 * goes first, after the message itself passed validation.
 */
async function disclose({ ctx, platform, itemIndex }: OperationInput, prepared: PreparedSend): Promise<PreparedSend> {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const disclosure = options.automationDisclosure === undefined ? '' : asText(options.automationDisclosure, 'Automation Disclosure').trim();
	const { message } = prepared;
	if (!disclosure || !('id' in message.recipient)) return prepared;
	const staticData = ctx.getWorkflowStaticData('global');
	const now = Date.now();
	if (!disclosureDue(staticData, platform.name, message.recipient.id, now)) return prepared;
	platform.validateOutgoing(message);
	const sent = await platform.send({ recipient: message.recipient, text: disclosure, messagingType: message.messagingType, tag: message.tag, personaId: message.personaId });
	markDisclosed(staticData, platform.name, message.recipient.id, now);
	return { ...prepared, extra: { ...prepared.extra, disclosure: { messageId: sent.messageId, sentAt: sent.sentAt } } };
}

async function prepare(input: OperationInput): Promise<PreparedSend> {
	return await disclose(input, await storeReusableMedia(input.platform, firstPage(input, await readOutgoing(input.ctx, input.itemIndex))));
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
	if (prepared.extra.disclosure) json.disclosure = prepared.extra.disclosure;
	if (readIncludeRaw(ctx, itemIndex)) json.raw = result.raw;
	return json;
}

export const send: Operation = {
	description: sendFields,
	kind: 'write',
	orderKey: recipientOrderKey,
	async execute(input) {
		const prepared = await prepare(input);
		return output(input, await input.platform.send(prepared.message), prepared);
	},
	batch: { prepare, output },
};
