/** Message > Get: one message by ID with sender, recipient, text and attachments. */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { includeRawOption, optionsCollection, readIncludeRaw } from '../common.fields';
import { toOutput } from '../output';

const description: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. m_JH6o-yS83JoxWmQaLrmgSaHwGtfTgQ',
		description: 'ID of the message (mid), from a conversation or a trigger event',
	},
	optionsCollection([includeRawOption]),
];

export const get: Operation = {
	description,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const messageId = String(ctx.getNodeParameter('messageId', itemIndex, '')).trim();
		return toOutput(await platform.getMessage(messageId), readIncludeRaw(ctx, itemIndex));
	},
};
