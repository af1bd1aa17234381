/**
 * Issue 14.11 (action node): the media fields of Message > Send and Attachment > Upload, and the Message
 * ID field of Message > Get, React and Unreact, are one definition each. Saved workflows keep working:
 * the parameter names, types and defaults they store are the ones pinned here.
 */
import { describe, expect, it } from '@jest/globals';

import type { INodeProperties } from 'n8n-workflow';

import { SocialMessaging } from '../../nodes/SocialMessaging/SocialMessaging.node';

const properties = new SocialMessaging().description.properties;

/**
 * The fields the editor shows for one Meta operation, without the resource/operation condition the resource
 * adds. X has its own fields of the same names, shown only for Platform X.
 */
function fieldsOf(resource: string, operation: string): INodeProperties[] {
	return properties
		.filter((field) => field.displayOptions?.show?.resource?.includes(resource) && field.displayOptions?.show?.operation?.includes(operation))
		.filter((field) => !field.displayOptions?.show?.platform?.includes('x'))
		.map((field) => {
			const { resource: _resource, operation: _operation, ...show } = field.displayOptions?.show ?? {};
			return { ...field, displayOptions: { ...field.displayOptions, show } };
		});
}

function field(resource: string, operation: string, name: string): INodeProperties {
	const found = fieldsOf(resource, operation).find((candidate) => candidate.name === name);
	// ${resource} > ${operation} has no field ${name}
	expect(found).toBeTruthy();
	return found!;
}

const MEDIA = ['mediaType', 'mediaSource', 'mediaUrl', 'binaryPropertyName'];

/** Send's media field as Upload would have it: without the Message Type condition and the Saved Attachment source. */
function asUploadField(send: INodeProperties): INodeProperties {
	const { messageType: _messageType, ...show } = send.displayOptions?.show ?? {};
	const options = send.name === 'mediaSource' ? (send.options as Array<{ value: string }>).filter((option) => option.value !== 'attachmentId') : send.options;
	return { ...send, ...(options ? { options } : {}), displayOptions: { ...send.displayOptions, show } } as INodeProperties;
}

describe('one definition of the media fields', () => {
	for (const name of MEDIA) {
		it(`${name}: Attachment > Upload has the same field as Message > Send (minus Send's own Message Type condition and Saved Attachment source)`, () => {
			expect(field('attachment', 'upload', name)).toStrictEqual(asUploadField(field('message', 'send', name)));
		});
	}

	it('names, types and defaults saved workflows store are unchanged', () => {
		const pinned = (resource: string, operation: string, names: string[]) =>
			names.map((name) => {
				const { type, default: value, required } = field(resource, operation, name);
				return { name, type, default: value, required: required ?? false };
			});
		const expected = [
			{ name: 'mediaType', type: 'options', default: 'image', required: false },
			{ name: 'mediaSource', type: 'options', default: 'url', required: false },
			{ name: 'mediaUrl', type: 'string', default: '', required: true },
			{ name: 'binaryPropertyName', type: 'string', default: 'data', required: true },
		];
		expect(pinned('attachment', 'upload', MEDIA)).toStrictEqual(expected);
		expect(pinned('message', 'send', [...MEDIA, 'attachmentId'])).toStrictEqual([...expected, { name: 'attachmentId', type: 'string', default: '', required: true }]);
		expect((field('message', 'send', 'mediaSource').options as Array<{ value: string }>).map((option) => option.value)).toStrictEqual(['url', 'binary', 'attachmentId']);
		expect(field('message', 'send', 'attachmentId').displayOptions?.show).toStrictEqual({ messageType: ['media'], mediaSource: ['attachmentId'] });
		expect(field('message', 'send', 'mediaUrl').displayOptions?.show).toStrictEqual({ messageType: ['media'], mediaSource: ['url'] });
		expect(field('attachment', 'upload', 'mediaUrl').displayOptions?.show).toStrictEqual({ mediaSource: ['url'] });
	});
});

describe('one definition of the Message ID field', () => {
	it('Message > Get, React and Unreact show the same Message ID field', () => {
		const get = field('message', 'get', 'messageId');
		expect(field('message', 'react', 'messageId')).toStrictEqual(get);
		expect(field('message', 'unreact', 'messageId')).toStrictEqual(get);
		expect({ type: get.type, default: get.default, required: get.required }).toStrictEqual({ type: 'string', default: '', required: true });
	});
});
