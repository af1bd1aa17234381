/** Reads the media fields shared by Message > Send and Attachment > Upload into unified media. */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../../platforms/inputError';
import type { BinaryFile, MediaSource, MediaType, OutgoingMedia } from '../../platforms/types';

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
		const property = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
		const binary = ctx.helpers.assertBinaryData(itemIndex, property);
		source = { file: await binaryFile(ctx, itemIndex, property, binary) };
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
