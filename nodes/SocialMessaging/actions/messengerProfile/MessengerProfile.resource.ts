/** The Messenger Profile resource: its operation picker and the operations' fields. */
import type { INodeProperties } from 'n8n-workflow';

import { resourceFields } from '../resource';
import { deleteProfile } from './delete.operation';
import { get } from './get.operation';
import { set } from './set.operation';

export const operations = { set, get, delete: deleteProfile };

export const description: INodeProperties[] = resourceFields(
	'messengerProfile',
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'set',
		options: [
			{ name: 'Delete', value: 'delete', description: 'Remove properties of the profile', action: 'Delete messenger profile properties' },
			{ name: 'Get', value: 'get', description: 'Read the profile\'s properties', action: 'Get the messenger profile' },
			{ name: 'Set', value: 'set', description: 'Set the Get Started button, greeting, menu, ice breakers or domains', action: 'Set a messenger profile property' },
		],
	},
	operations,
);
