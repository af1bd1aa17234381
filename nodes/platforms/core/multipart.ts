/**
 * A multipart/form-data body built without a form library (community nodes may not have runtime
 * dependencies, nor import Node's stream module): text fields, then one file. The file's bytes are read
 * only when the request goes out, and again for every attempt, so a file waiting its turn (or a rate-limit
 * pause) holds no memory.
 */
import { randomBytes } from 'crypto';

import type { BinaryFile } from '../types';

/** A request body made when the request is sent; each attempt makes it again. */
export interface DeferredBody {
	contentType: string;
	make(): Promise<Buffer>;
}

export function isDeferredBody(body: unknown): body is DeferredBody {
	return typeof body === 'object' && body !== null && typeof (body as DeferredBody).make === 'function';
}

const quoted = (value: string) => value.replace(/["\r\n]/g, '_');

export function multipartBody(
	fields: Array<{ field: string; value: string }>,
	upload: { field: string; fileName: string; file: BinaryFile },
): DeferredBody {
	const boundary = `----n8nSocialMessaging${randomBytes(12).toString('hex')}`;
	const textParts = fields.map(
		({ field, value }) => `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(field)}"\r\n\r\n${value}\r\n`,
	);
	const fileHeader = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(upload.field)}"; filename="${quoted(upload.fileName)}"\r\nContent-Type: ${upload.file.mimeType}\r\n\r\n`;
	const head = Buffer.from(textParts.join('') + fileHeader, 'utf8');
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		make: async () => Buffer.concat([head, await upload.file.read(), tail]),
	};
}
