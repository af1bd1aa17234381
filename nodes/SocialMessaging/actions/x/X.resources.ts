/**
 * The action node on X: its own Resource and Operation pickers (shown only for Platform X), listing only
 * what X Direct Messages have, and the operations' fields.
 */
import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Operation } from '../operation';
import { xGetConversation, xGetManyConversations } from './conversation.operations';
import { xDeleteMessage, xGetManyMessages, xGetMessage, xSendMessage } from './message.operations';

export const xOperations: Record<string, Record<string, Operation>> = {
	conversation: { getAll: xGetManyConversations, get: xGetConversation },
	message: { getAll: xGetManyMessages, get: xGetMessage, send: xSendMessage, delete: xDeleteMessage },
};

const onX = { show: { platform: ['x'] } };

function picker(resource: string, defaultOperation: string, options: INodeProperties['options']): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: defaultOperation,
		options,
		displayOptions: { show: { platform: ['x'], resource: [resource] } },
	};
}

export const xDescription: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'message',
		options: [
			{ name: 'Auto-Response', value: 'autoResponse' },
			{ name: 'Conversation', value: 'conversation' },
			{ name: 'Message', value: 'message' },
		],
		displayOptions: onX,
	},
	picker('conversation', 'getAll', [
		{ name: 'Get', value: 'get', description: 'Get a conversation with its recent messages', action: 'Get an X conversation' },
		{ name: 'Get Many', value: 'getAll', description: 'List conversations (from the last 30 days of DM events)', action: 'Get many X conversations' },
	]),
	picker('message', 'send', [
		{ name: 'Delete', value: 'delete', description: 'Delete a DM event', action: 'Delete an X message' },
		{ name: 'Get', value: 'get', description: 'Get a DM event by ID', action: 'Get an X message' },
		{ name: 'Get Many', value: 'getAll', description: 'List the messages of a conversation', action: 'Get many X messages' },
		{ name: 'Send', value: 'send', description: 'Send text and one image, GIF or video', action: 'Send an X message' },
	]),
	...Object.entries(xOperations).flatMap(([resource, operations]) =>
		Object.entries(operations).flatMap(([name, operation]) =>
			updateDisplayOptions({ show: { platform: ['x'], resource: [resource], operation: [name] } }, operation.description),
		),
	),
];
