/** Message > Send Action: typing indicator on/off, or mark the conversation as seen. */
import type { INodeProperties } from 'n8n-workflow';

import type { SenderAction } from '../../../platforms/types';
import type { Operation } from '../operation';
import { readRecipient, recipientFields } from '../common.fields';

const description: INodeProperties[] = [
	...recipientFields(),
	{
		displayName: 'Action',
		name: 'senderAction',
		type: 'options',
		default: 'typing_on',
		options: [
			{ name: 'Mark Seen', value: 'mark_seen', description: 'Mark the person\'s last message as read' },
			{ name: 'Typing Off', value: 'typing_off', description: 'Hide the typing indicator' },
			{ name: 'Typing On', value: 'typing_on', description: 'Show the typing indicator (for up to 20 seconds)' },
		],
	},
];

export const sendAction: Operation = {
	description,
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const recipient = readRecipient(ctx, itemIndex);
		const action = ctx.getNodeParameter('senderAction', itemIndex) as SenderAction;
		const response = await platform.sendAction(recipient, action);
		return { platform: platform.name, action, recipientId: response.recipient_id ?? ('id' in recipient ? recipient.id : undefined), success: true };
	},
};
