/** Message > Send with Message Type "Custom Payload": a raw Send API `message` object, and its reader. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { InputError } from '../../../platforms/core/inputError';

export const customPayloadFields: INodeProperties[] = [
	{
		displayName: 'Message (JSON)',
		name: 'customPayload',
		type: 'json',
		default: '{\n  "text": "Hello!",\n  "quick_replies": [{ "content_type": "text", "title": "Hi", "payload": "HI" }]\n}',
		required: true,
		description:
			'The Send API "message" object, sent as it is (for what the node has no fields for). Recipient, messaging type, tag and the other options still come from the node. Checked first like every send: text length, quick replies, templates, metadata.',
		displayOptions: { show: { messageType: ['custom'] } },
	},
];

export function readCustomPayload(value: unknown): IDataObject {
	let parsed: unknown = value;
	let syntaxError: string | undefined;
	if (typeof value === 'string') {
		try {
			parsed = jsonParse<unknown>(value);
		} catch (error) {
			syntaxError = error instanceof Error ? error.message : String(error);
		}
	}
	if (syntaxError !== undefined) {
		throw new InputError(`Message (JSON) is not valid JSON: ${syntaxError}`, 'Check quotes, commas and braces; the field holds one object such as {"text": "Hi"}.');
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new InputError('Message (JSON) must be a JSON object', 'Give one object such as {"text": "Hi"}; to send several messages, use one item each.');
	}
	return parsed as IDataObject;
}
