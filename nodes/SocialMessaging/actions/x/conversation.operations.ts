/** Conversation > Get Many and Get on X: derived from the DM events, as X has no list of conversations. */
import type { INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../platforms/core/paging';
import { includeRawOption, optionsCollection, readIncludeRaw, readLimit, returnAllFields } from '../common.fields';
import type { Operation } from '../operation';
import { toOutput } from '../output';
import { asText } from '../values';
import { readRequired, xConversationIdField } from './fields';

const getManyFields: INodeProperties[] = [
	...returnAllFields(),
	{
		displayName: 'Only With User ID',
		name: 'xUserId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2244994945',
		description: 'Only the one-to-one conversation with this X user ID. Empty: every conversation of the last 30 days.',
	},
	optionsCollection([includeRawOption]),
];

export const xGetManyConversations: Operation = {
	description: getManyFields,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const limit = readLimit(ctx, itemIndex);
		const userId = asText(ctx.getNodeParameter('xUserId', itemIndex, ''), 'User ID').trim() || undefined;
		const includeRaw = readIncludeRaw(ctx, itemIndex);
		const conversations = await collectPages((cursor) => platform.listConversations({ cursor, userId }), limit);
		return conversations.map((conversation) => toOutput(conversation, includeRaw));
	},
};

const getFields: INodeProperties[] = [
	xConversationIdField,
	{
		displayName: 'Messages',
		name: 'xMessageLimit',
		type: 'number',
		default: 20,
		typeOptions: { minValue: 1, maxValue: 100 },
		description: 'How many of the most recent messages to include',
	},
	optionsCollection([includeRawOption]),
];

export const xGetConversation: Operation = {
	description: getFields,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const id = readRequired(ctx, itemIndex, 'xConversationId', 'Conversation ID');
		const messageLimit = ctx.getNodeParameter('xMessageLimit', itemIndex, 20) as number;
		return toOutput(await platform.getConversation(id, { messageLimit }), readIncludeRaw(ctx, itemIndex));
	},
};
