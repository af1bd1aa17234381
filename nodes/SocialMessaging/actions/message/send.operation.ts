/** Message > Send: text, media, a template or quick replies to one recipient. */
import type { IDataObject } from 'n8n-workflow';

import type { Operation } from '../operation';
import { readIncludeRaw } from '../common.fields';
import { readOutgoing } from './readOutgoing';
import { sendFields } from './send.fields';

export const send: Operation = {
	description: sendFields,
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const message = await readOutgoing(ctx, itemIndex);
		const result = await platform.send(message);
		const output: IDataObject = {
			platform: result.platform,
			messageId: result.messageId,
			recipientId: result.recipientId,
			sentAt: result.sentAt,
		};
		if (result.raw?.attachment_id) output.attachmentId = result.raw.attachment_id;
		if (readIncludeRaw(ctx, itemIndex)) output.raw = result.raw;
		return output;
	},
};
