/** Message > Get: one message by ID with sender, recipient, text and attachments. */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { includeRawOption, messageIdField, optionsCollection, readIncludeRaw, readMessageId } from '../common.fields';
import { toOutput } from '../output';

const description: INodeProperties[] = [messageIdField, optionsCollection([includeRawOption])];

export const get: Operation = {
	description,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const messageId = readMessageId(ctx, itemIndex);
		return toOutput(await platform.getMessage(messageId), readIncludeRaw(ctx, itemIndex));
	},
};
