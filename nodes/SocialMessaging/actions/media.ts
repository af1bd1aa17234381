/**
 * The media fields shared by Message > Send and Attachment > Upload (one definition, so both keep the
 * same parameter names and defaults), and the reader that turns them into unified media.
 */
import type { IBinaryData, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../platforms/core/inputError';
import { isHttpUrl } from '../../platforms/core/text';
import type { BinaryFile, MediaSource, MediaType, OutgoingMedia } from '../../platforms/types';
import { asText, readId } from './values';

/**
 * Media Type, Media Source and the source's field. Send also offers a saved attachment as source (Upload
 * makes those); `show` adds its display condition (Send: only for Message Type "Media").
 */
export function mediaFields(options: { savedAttachments: boolean; show?: Record<string, string[]> }): INodeProperties[] {
	const show = options.show ?? {};
	const sources = [
		{ name: 'URL', value: 'url', description: 'A public URL the platform downloads' },
		{ name: 'Binary File', value: 'binary', description: 'A file from a previous node' },
		...(options.savedAttachments
			? [{ name: 'Saved Attachment', value: 'attachmentId', description: 'An attachment ID from Attachment > Upload' }]
			: []),
	];
	const fields: INodeProperties[] = [
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
		{ displayName: 'Media Source', name: 'mediaSource', type: 'options', default: 'url', options: sources },
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
			hint: 'The name of the input binary field containing the file',
			displayOptions: { show: { mediaSource: ['binary'] } },
		},
		...(options.savedAttachments
			? [
					{
						displayName: 'Attachment ID',
						name: 'attachmentId',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'e.g. 1601472827243653',
						displayOptions: { show: { mediaSource: ['attachmentId'] } },
					} satisfies INodeProperties,
				]
			: []),
	];
	return fields.map((field) => ({ ...field, displayOptions: { show: { ...show, ...field.displayOptions?.show } } }));
}

/**
 * The item's binary file, not loaded yet: the size comes from n8n's binary data store (filesystem,
 * database or S3 mode, n8n's default since 2.0) or from the base64 text n8n keeps in the item (in-memory
 * mode), so the limits are checked first and the bytes are read only when the upload goes out.
 */
async function binaryFile(ctx: IExecuteFunctions, itemIndex: number, property: string, binary: IBinaryData): Promise<BinaryFile> {
	const read = async () => await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	let size = binary.id ? (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize : Buffer.byteLength(binary.data, 'base64');
	// A store that does not know the size: read the file once to learn it.
	if (!Number.isSafeInteger(size) || size < 0) size = (await read()).length;
	return { fileName: binary.fileName, mimeType: binary.mimeType, size, read };
}

export async function readMedia(ctx: IExecuteFunctions, itemIndex: number, reusable: boolean): Promise<OutgoingMedia> {
	const type = ctx.getNodeParameter('mediaType', itemIndex, 'image') as MediaType;
	const sourceKind = ctx.getNodeParameter('mediaSource', itemIndex, 'url');
	let source: MediaSource;
	if (sourceKind === 'binary') {
		const property = readId(ctx, itemIndex, {
			parameter: 'binaryPropertyName',
			label: 'Input Binary Field',
			noun: 'input binary field',
			source: 'the name of the binary field that holds the file, e.g. data',
		});
		const binary = ctx.helpers.assertBinaryData(itemIndex, property);
		source = { file: await binaryFile(ctx, itemIndex, property, binary) };
	} else if (sourceKind === 'attachmentId') {
		const attachmentId = readId(ctx, itemIndex, {
			parameter: 'attachmentId',
			label: 'Attachment ID',
			noun: 'attachment ID',
			source: 'the attachmentId that Attachment > Upload returned (e.g. 1601472827243653)',
		});
		source = { attachmentId };
	} else {
		const url = asText(ctx.getNodeParameter('mediaUrl', itemIndex, ''), 'Media URL').trim();
		if (!url) {
			throw new InputError('No media URL for this item', 'Media URL is empty; give a public link such as https://example.com/photo.jpg. If it is an expression, check that every item has the field it reads.');
		}
		if (!isHttpUrl(url)) {
			throw new InputError(`"${url}" is not an http(s) URL`, 'Media URL must be a public link such as https://example.com/photo.jpg.');
		}
		source = { url };
	}
	return { type, source, reusable };
}
