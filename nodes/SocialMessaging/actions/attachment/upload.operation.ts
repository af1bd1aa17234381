/** Attachment > Upload: stores media with the platform once and returns an ID to send it many times. */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { includeRawOption, optionsCollection, readIncludeRaw, sendingOptions } from '../common.fields';
import { readMedia } from '../media';

const description: INodeProperties[] = [
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		default: 'image',
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'File', value: 'file' },
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
	},
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		default: 'url',
		options: [
			{ name: 'URL', value: 'url', description: 'A public URL the platform downloads' },
			{ name: 'Binary File', value: 'binary', description: 'A file from a previous node' },
		],
	},
	{
		displayName: 'Media URL',
		name: 'mediaUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/catalog/spring.jpg',
		displayOptions: { show: { mediaSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the file to upload',
		displayOptions: { show: { mediaSource: ['binary'] } },
	},
	optionsCollection([includeRawOption, ...sendingOptions]),
];

export const upload: Operation = {
	description,
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const media = await readMedia(ctx, itemIndex, true);
		const result = await platform.uploadAttachment(media);
		return {
			platform: result.platform,
			attachmentId: result.attachmentId,
			type: result.type,
			...(readIncludeRaw(ctx, itemIndex) ? { raw: result.raw } : {}),
		};
	},
};
