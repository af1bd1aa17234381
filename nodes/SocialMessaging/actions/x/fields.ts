/** Fields of the X operations that more than one of them uses. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../platforms/core/inputError';
import { asText, refuseInexactNumber } from '../values';

export const xConversationIdField: INodeProperties = {
	displayName: 'Conversation ID',
	name: 'xConversationId',
	type: 'string',
	default: '',
	placeholder: 'e.g. 1234567890-9876543210',
	description: 'ID of the X conversation: two user IDs joined by "-" for one-to-one, a long number for a group (dm_conversation_id)',
};

export const xMessageIdField: INodeProperties = {
	displayName: 'Message ID',
	name: 'xMessageId',
	type: 'string',
	default: '',
	placeholder: 'e.g. 1580705921830768647',
	description: 'ID of the DM event (dm_event_id)',
};

/** A text parameter that must not be empty; the error names the field. */
export function readRequired(ctx: IExecuteFunctions, itemIndex: number, name: string, label: string): string {
	const value = ctx.getNodeParameter(name, itemIndex, '');
	refuseInexactNumber(value, label);
	const text = asText(value, label).trim();
	if (!text) {
		throw new InputError(`${label} is empty`, `Enter the ${label}; if it is an expression, check that the item has the field it reads.`);
	}
	return text;
}
