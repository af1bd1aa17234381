/** The Handover resource (Meta's handover protocol): its operation picker and the operations' fields. */
import type { INodeProperties } from 'n8n-workflow';

import { resourceFields } from '../resource';
import { getThreadOwner } from './getThreadOwner.operation';
import { passThreadControl, requestThreadControl, takeThreadControl } from './threadControl.operation';

export const operations = { passThreadControl, takeThreadControl, requestThreadControl, getThreadOwner };

export const description: INodeProperties[] = resourceFields(
	'handover',
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'passThreadControl',
		options: [
			{ name: 'Get Thread Owner', value: 'getThreadOwner', description: 'Which app controls the conversation now', action: 'Get the thread owner' },
			{ name: 'Pass Thread Control', value: 'passThreadControl', description: 'Hand the conversation to another app, e.g. the Page inbox', action: 'Pass thread control' },
			{ name: 'Request Thread Control', value: 'requestThreadControl', description: 'Ask the app that controls the conversation to pass it back', action: 'Request thread control' },
			{ name: 'Take Thread Control', value: 'takeThreadControl', description: 'Take the conversation back (primary receiver only)', action: 'Take thread control' },
		],
	},
	operations,
);
