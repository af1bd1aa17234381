/** Message > Send Action: typing indicator on/off, or mark the conversation as seen. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../platforms/core/inputError';
import type { Recipient, SenderAction } from '../../../platforms/types';
import type { Operation } from '../operation';
import { optionsCollection, readRecipient, recipientFields, recipientOrderKey, sendingOptions } from '../common.fields';

/** Sender actions and reactions address a person in a conversation: Meta takes only `recipient.id` there. */
export function readUserRecipient(ctx: IExecuteFunctions, itemIndex: number, what: string): Recipient & { id: string } {
	const recipient = readRecipient(ctx, itemIndex);
	if (!('id' in recipient)) {
		throw new InputError(
			`${what} need a user as recipient`,
			'Set Send To to "User" and pick the person (PSID / IGSID); comment, post, user ref and notification token recipients only work for Send.',
		);
	}
	return recipient;
}

const SENDER_ACTIONS: SenderAction[] = ['typing_on', 'typing_off', 'mark_seen'];

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
	optionsCollection(sendingOptions),
];

export const sendAction: Operation = {
	description,
	kind: 'write',
	// A typing indicator belongs between the messages it was sent between.
	orderKey: recipientOrderKey,
	async execute({ ctx, platform, itemIndex }) {
		const recipient = readUserRecipient(ctx, itemIndex, 'Sender actions');
		const action = ctx.getNodeParameter('senderAction', itemIndex) as SenderAction;
		if (!SENDER_ACTIONS.includes(action)) {
			throw new InputError(`"${String(action)}" is not an Action`, `Set Action to one of ${SENDER_ACTIONS.join(', ')}.`);
		}
		const response = await platform.sendAction(recipient, action);
		return { platform: platform.name, action, recipientId: response.recipient_id ?? recipient.id, success: true };
	},
};
