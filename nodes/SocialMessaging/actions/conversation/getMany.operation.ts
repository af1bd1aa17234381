/** Conversation > Get Many: the Page's or account's conversations, newest first, with cursor paging. */
import type { INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../platforms/core/paging';
import type { Operation } from '../operation';
import { includeRawOption, optionsCollection, readIncludeRaw, readLimit, returnAllFields } from '../common.fields';
import { toOutput } from '../output';
import { InputError } from '../../../platforms/core/inputError';
import { asText } from '../values';

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
			{
				displayName: 'Archived (Ayrshare)',
				name: 'archived',
				type: 'boolean',
				default: false,
				description: 'Whether to list the archived conversations instead of the active ones (Ayrshare credentials only)',
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
		// Optional per item: empty (also an expression that found nothing) lists every conversation.
		const userId = asText(ctx.getNodeParameter('filters.userId', itemIndex, ''), 'Filters > User ID').trim() || undefined;
		const includeRaw = readIncludeRaw(ctx, itemIndex);
		const archived = ctx.getNodeParameter('filters.archived', itemIndex, false) === true;
		if (archived && platform.provider !== 'ayrshare') {
			throw new InputError('Archived conversations are an Ayrshare filter', 'Turn Filters > Archived off, or use an Ayrshare credential.');
		}
		const pageSize = Math.min(limit, platform.limits.maxPageSize);
		const conversations = await collectPages(
			(cursor) => platform.listConversations({ pageSize, cursor, userId, ...(archived ? { archived } : {}) }),
			limit,
		);
		return conversations.map((conversation) => toOutput(conversation, includeRaw));
	},
};
