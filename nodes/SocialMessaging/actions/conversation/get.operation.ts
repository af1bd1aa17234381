/** Conversation > Get: one conversation with its participants and most recent messages. */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { conversationLocator, includeRawOption, optionsCollection, readConversationId, readIncludeRaw } from '../common.fields';
import { toOutput } from '../output';

const description: INodeProperties[] = [
	conversationLocator,
	{
		displayName: 'Recent Messages',
		name: 'messageLimit',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 0, maxValue: 20 },
		description: 'How many of the most recent messages to include (Meta returns at most the 20 most recent in detail)',
	},
	optionsCollection([includeRawOption]),
];

export const get: Operation = {
	description,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const conversationId = readConversationId(ctx, itemIndex);
		const messageLimit = ctx.getNodeParameter('messageLimit', itemIndex, 10) as number;
		const conversation = await platform.getConversation(conversationId, { messageLimit });
		return toOutput(conversation, readIncludeRaw(ctx, itemIndex));
	},
};
