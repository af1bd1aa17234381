/**
 * Builds a multipart/form-data body as one Buffer, so uploads need no form library (community nodes may
 * not have runtime dependencies) and send exactly the bytes we can test.
 */
import { randomBytes } from 'crypto';

export interface MultipartField {
	field: string;
	value: string | Buffer;
	fileName?: string;
	contentType?: string;
}

export function buildMultipart(fields: MultipartField[]): { body: Buffer; contentType: string } {
	const boundary = `----n8nSocialMessaging${randomBytes(12).toString('hex')}`;
	const parts: Buffer[] = [];
	for (const field of fields) {
		const fileName = field.fileName !== undefined ? `; filename="${field.fileName.replace(/["\r\n]/g, '_')}"` : '';
		const type = field.contentType ? `\r\nContent-Type: ${field.contentType}` : '';
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field.field}"${fileName}${type}\r\n\r\n`));
		parts.push(Buffer.isBuffer(field.value) ? field.value : Buffer.from(field.value, 'utf8'));
		parts.push(Buffer.from('\r\n'));
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
