/** Message > React and Message > Unreact: add or remove the account's reaction to a message. */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { optionsCollection, recipientFields, sendingOptions } from '../common.fields';
import { readUserRecipient } from './sendAction.operation';

const messageIdField: INodeProperties = {
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. m_JH6o-yS83JoxWmQaLrmgSaHwGtfTgQ',
	description: 'ID of the message (mid) to react to',
};

export const react: Operation = {
	description: [
		...recipientFields(),
		messageIdField,
		{
			displayName: 'Reaction',
			name: 'reaction',
			type: 'string',
			default: 'love',
			placeholder: 'e.g. love',
			description: 'The reaction: love (shown as a heart) or, on Instagram, any emoji',
		},
		optionsCollection(sendingOptions),
	],
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const recipient = readUserRecipient(ctx, itemIndex, 'Reactions');
		const messageId = String(ctx.getNodeParameter('messageId', itemIndex)).trim();
		const reaction = String(ctx.getNodeParameter('reaction', itemIndex)).trim();
		await platform.react(recipient, messageId, reaction);
		return { platform: platform.name, messageId, reaction, success: true };
	},
};

export const unreact: Operation = {
	description: [...recipientFields(), messageIdField, optionsCollection(sendingOptions)],
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const recipient = readUserRecipient(ctx, itemIndex, 'Reactions');
		const messageId = String(ctx.getNodeParameter('messageId', itemIndex)).trim();
		await platform.unreact(recipient, messageId);
		return { platform: platform.name, messageId, success: true };
	},
};
