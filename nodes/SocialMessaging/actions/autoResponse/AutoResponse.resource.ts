/**
 * The Auto-Response resource, on every platform and provider: Ayrshare keeps it on its server; with Meta
 * and X credentials the Social Messaging Trigger applies it (triggerControl.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

import { resourceFields } from '../resource';
import { get } from './get.operation';
import { set } from './set.operation';
import { turnOff } from './turnOff.operation';

export const operations = { set, get, turnOff };

export const description: INodeProperties[] = resourceFields(
	'autoResponse',
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'set',
		options: [
			{ name: 'Get', value: 'get', description: 'Get the auto-response settings in force', action: 'Get the auto response' },
			{ name: 'Set', value: 'set', description: 'Turn the auto-response on or off, with its text and wait', action: 'Set the auto response' },
			{ name: 'Turn Off', value: 'turnOff', description: 'Stop sending the auto-response', action: 'Turn off the auto response' },
		],
	},
	operations,
	true,
);
