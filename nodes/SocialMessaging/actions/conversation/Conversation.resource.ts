/** The Conversation resource: its operation picker and the operations' fields. */
import type { INodeProperties } from 'n8n-workflow';

import { resourceFields } from '../resource';
import { get } from './get.operation';
import { getMany } from './getMany.operation';

export const operations = { getAll: getMany, get };

export const description: INodeProperties[] = resourceFields(
	'conversation',
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'getAll',
		options: [
			{ name: 'Get', value: 'get', description: 'Get a conversation with its recent messages', action: 'Get a conversation' },
			{ name: 'Get Many', value: 'getAll', description: 'List conversations', action: 'Get many conversations' },
		],
	},
	operations,
);
