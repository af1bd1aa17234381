/** Reads the media fields shared by Message > Send and Attachment > Upload into unified media. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../../platforms/inputError';
import type { MediaSource, MediaType, OutgoingMedia } from '../../platforms/types';

export async function readMedia(ctx: IExecuteFunctions, itemIndex: number, reusable: boolean): Promise<OutgoingMedia> {
	const type = ctx.getNodeParameter('mediaType', itemIndex, 'image') as MediaType;
	const sourceKind = ctx.getNodeParameter('mediaSource', itemIndex, 'url');
	let source: MediaSource;
	if (sourceKind === 'binary') {
		const property = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
		const binary = ctx.helpers.assertBinaryData(itemIndex, property);
		const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
		source = { file: { data, fileName: binary.fileName, mimeType: binary.mimeType } };
	} else if (sourceKind === 'attachmentId') {
		source = { attachmentId: String(ctx.getNodeParameter('attachmentId', itemIndex, '')).trim() };
	} else {
		const url = String(ctx.getNodeParameter('mediaUrl', itemIndex, '')).trim();
		if (!/^https?:\/\//i.test(url)) {
			throw new InputError(`"${url}" is not an http(s) URL`, 'Media URL must be a public link such as https://example.com/photo.jpg.');
		}
		source = { url };
	}
	return { type, source, reusable };
}
