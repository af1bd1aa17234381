/** The User field of operations about a person (profile, handover): a PSID / IGSID from a list or by ID. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { recipientLocator } from './common.fields';
import { requireId } from './values';

export const userLocator: INodeProperties = {
	...recipientLocator,
	name: 'userId',
	displayName: 'User',
	description: 'The person, from your recent conversations or by their PSID / IGSID',
};

export function readUserId(ctx: IExecuteFunctions, itemIndex: number): string {
	return requireId(ctx.getNodeParameter('userId', itemIndex, '', { extractValue: true }), {
		label: 'User',
		noun: 'user ID',
		source: 'the PSID / IGSID of the person, from a conversation or a trigger event',
	});
}
