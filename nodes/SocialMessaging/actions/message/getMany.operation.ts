/** Message > Get Many: the messages of one conversation, newest first, one request per page. */
import type { INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../platforms/core/paging';
import type { Operation } from '../operation';
import {
	conversationLocator,
	includeRawOption,
	optionsCollection,
	readConversationId,
	readIncludeRaw,
	readLimit,
	returnAllFields,
} from '../common.fields';
import { toOutput } from '../output';

const description: INodeProperties[] = [
	conversationLocator,
	...returnAllFields(),
	optionsCollection([includeRawOption]),
];

export const getMany: Operation = {
	description,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const conversationId = readConversationId(ctx, itemIndex);
		const limit = readLimit(ctx, itemIndex);
		const includeRaw = readIncludeRaw(ctx, itemIndex);
		const pageSize = Math.min(limit, platform.limits.maxPageSize);
		const messages = await collectPages((cursor) => platform.listMessages(conversationId, { pageSize, cursor }), limit);
		return messages.map((message) => toOutput(message, includeRaw));
	},
};
