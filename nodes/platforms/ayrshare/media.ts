/**
 * Binary files on Ayrshare: its Messaging API takes media as URLs only, so a file from n8n's binary data
 * goes first to Ayrshare's media storage (`POST /media/upload`, the file as a Base64 data URI, at most
 * 30 MB, kept 90 days) and the message then carries the URL Ayrshare returns.
 */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import type { Lane } from '../core/rateGate';
import type { Transport } from '../core/transport';
import type { BinaryFile } from '../types';

export const AYRSHARE_UPLOAD_MAX_BYTES = 30 * 1024 * 1024;

const MB = 1024 * 1024;

export function checkUploadSize(file: BinaryFile): void {
	if (file.size > AYRSHARE_UPLOAD_MAX_BYTES) {
		throw new InputError(
			`The file${file.fileName ? ` "${file.fileName}"` : ''} has ${(file.size / MB).toFixed(1)} MB; Ayrshare's media upload takes at most 30 MB`,
			'Make the file smaller, or put it somewhere public and give its URL under Media > From URL.',
		);
	}
	if (!file.mimeType || !file.mimeType.includes('/')) {
		throw new InputError('The binary file has no MIME type', 'Set the MIME type of the binary data (e.g. image/jpeg), for example with the Convert to File node.');
	}
}

/** Uploads the file and returns its URL at Ayrshare. Repeating an upload only stores the file twice. */
export async function uploadToAyrshare(transport: Transport, lane: Lane, file: BinaryFile): Promise<string> {
	checkUploadSize(file);
	const bytes = await file.read();
	const body: IDataObject = { file: `data:${file.mimeType};base64,${bytes.toString('base64')}` };
	if (file.fileName) body.fileName = file.fileName;
	const answer = await transport.request<IDataObject>({ method: 'POST', path: '/media/upload', body, idempotent: true, pacing: [{ lane, weight: 1 }] });
	if (typeof answer.url !== 'string' || !answer.url) {
		throw new InputError('Ayrshare\'s media upload answered without a URL', 'Nothing was sent. Try again; if it persists, give the file as a public URL under Media > From URL.');
	}
	return answer.url;
}
