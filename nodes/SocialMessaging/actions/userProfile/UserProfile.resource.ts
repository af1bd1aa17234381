/** The User Profile resource: its operation picker and the operation's fields. */
import type { INodeProperties } from 'n8n-workflow';

import { resourceFields } from '../resource';
import { get } from './get.operation';

export const operations = { get };

export const description: INodeProperties[] = resourceFields(
	'userProfile',
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'get',
		options: [{ name: 'Get', value: 'get', description: 'Get a person\'s name, picture and more', action: 'Get a user profile' }],
	},
	operations,
);
