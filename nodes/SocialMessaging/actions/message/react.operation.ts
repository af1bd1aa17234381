/** Message > React and Message > Unreact: add or remove the account's reaction to a message. */
import type { Operation } from '../operation';
import { messageIdField, optionsCollection, readMessageId, recipientFields, sendingOptions } from '../common.fields';
import { asText } from '../values';
import { readUserRecipient } from './sendAction.operation';

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
		const messageId = readMessageId(ctx, itemIndex);
		const reaction = asText(ctx.getNodeParameter('reaction', itemIndex), 'Reaction').trim();
		await platform.react(recipient, messageId, reaction);
		return { platform: platform.name, messageId, reaction, success: true };
	},
};

export const unreact: Operation = {
	description: [...recipientFields(), messageIdField, optionsCollection(sendingOptions)],
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const recipient = readUserRecipient(ctx, itemIndex, 'Reactions');
		const messageId = readMessageId(ctx, itemIndex);
		await platform.unreact(recipient, messageId);
		return { platform: platform.name, messageId, success: true };
	},
};
