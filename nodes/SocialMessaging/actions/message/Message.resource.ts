/** The Message resource: its operation picker and the operations' fields. */
import type { INodeProperties } from 'n8n-workflow';

import { resourceFields } from '../resource';
import { get } from './get.operation';
import { getMany } from './getMany.operation';
import { react, unreact } from './react.operation';
import { send } from './send.operation';
import { sendAction } from './sendAction.operation';

export const operations = { getAll: getMany, get, send, sendAction, react, unreact };

export const description: INodeProperties[] = resourceFields(
	'message',
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'send',
		options: [
			{ name: 'Get', value: 'get', description: 'Get a message by ID', action: 'Get a message' },
			{ name: 'Get Many', value: 'getAll', description: 'List the messages of a conversation', action: 'Get many messages' },
			{ name: 'React', value: 'react', description: 'React to a message', action: 'React to a message' },
			{ name: 'Send', value: 'send', description: 'Send text, media, a template or quick replies', action: 'Send a message' },
			{ name: 'Send Action', value: 'sendAction', description: 'Show typing or mark as seen', action: 'Send a sender action' },
			{ name: 'Unreact', value: 'unreact', description: 'Remove a reaction from a message', action: 'Remove a reaction from a message' },
		],
	},
	operations,
);
