/** Conversation > Get Many: the Page's or account's conversations, newest first, with cursor paging. */
import type { INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../platforms/paging';
import type { Operation } from '../operation';
import { includeRawOption, optionsCollection, readIncludeRaw, readLimit, returnAllFields } from '../common.fields';
import { toOutput } from '../output';

const description: INodeProperties[] = [
	...returnAllFields(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				displayName: 'User ID',
				name: 'userId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 7101149746568522',
				description: 'Only the conversation with this person (their PSID or IGSID)',
			},
		],
	},
	optionsCollection([includeRawOption]),
];

export const getMany: Operation = {
	description,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const limit = readLimit(ctx, itemIndex);
		const userId = String(ctx.getNodeParameter('filters.userId', itemIndex, '')).trim() || undefined;
		const includeRaw = readIncludeRaw(ctx, itemIndex);
		const pageSize = Math.min(limit, platform.limits.maxPageSize);
		const conversations = await collectPages(
			(cursor) => platform.listConversations({ pageSize, cursor, userId }),
			limit,
		);
		return conversations.map((conversation) => toOutput(conversation, includeRaw));
	},
};
