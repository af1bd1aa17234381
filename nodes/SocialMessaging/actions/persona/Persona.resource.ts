/** The Persona resource (Messenger): its operation picker and the operations' fields. */
import type { INodeProperties } from 'n8n-workflow';

import { onlyOn } from '../platformOnly';
import { resourceFields } from '../resource';
import { create } from './create.operation';
import { deletePersona } from './delete.operation';
import { get } from './get.operation';
import { getMany } from './getMany.operation';

export const operations = { create, get, getAll: getMany, delete: deletePersona };

export const description: INodeProperties[] = [
	{
		displayName: 'Personas are a Messenger feature: switch Platform to Facebook Messenger to use them',
		name: 'personaInstagramNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['persona'], platform: ['instagram'] } },
	},
	...onlyOn(
		['messenger'],
		resourceFields(
		'persona',
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			default: 'create',
			options: [
				{ name: 'Create', value: 'create', description: 'Create a persona to send messages as', action: 'Create a persona' },
				{ name: 'Delete', value: 'delete', description: 'Delete a persona', action: 'Delete a persona' },
				{ name: 'Get', value: 'get', description: 'Get a persona', action: 'Get a persona' },
				{ name: 'Get Many', value: 'getAll', description: 'List the Page\'s personas', action: 'Get many personas' },
			],
		},
		operations,
		),
	),
];
