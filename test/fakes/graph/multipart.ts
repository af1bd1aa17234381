/**
 * A minimal multipart/form-data parser (RFC 7578) for the Attachment Upload API's
 * `filedata` + `message` form. Written here to keep the fake free of dependencies.
 */
export interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	size: number;
	data: Buffer;
	/** The part as UTF-8 text, for plain fields (no filename). */
	value?: string;
}

export function boundaryOf(contentType: string): string | undefined {
	const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return match ? (match[1] ?? match[2]) : undefined;
}

/** Returns the parts, or throws an Error when the body is not valid multipart. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: MultipartPart[] = [];
	let pos = body.indexOf(delimiter);
	if (pos < 0) throw new Error('multipart boundary not found');
	for (;;) {
		pos += delimiter.length;
		if (body.subarray(pos, pos + 2).toString() === '--') return parts; // closing delimiter
		if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw new Error('malformed multipart delimiter line');
		pos += 2;
		const headerEnd = body.indexOf('\r\n\r\n', pos);
		if (headerEnd < 0) throw new Error('multipart part without header terminator');
		const headers = parseHeaders(body.subarray(pos, headerEnd).toString('utf8'));
		const dataStart = headerEnd + 4;
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), dataStart);
		if (next < 0) throw new Error('multipart part not terminated');
		const data = body.subarray(dataStart, next);
		const disposition = headers['content-disposition'] ?? '';
		const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
		if (name === undefined) throw new Error('multipart part without a name');
		const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
		const part: MultipartPart = { name, size: data.length, data: Buffer.from(data) };
		if (filename !== undefined) part.filename = filename;
		if (headers['content-type']) part.contentType = headers['content-type'];
		if (filename === undefined) part.value = data.toString('utf8');
		parts.push(part);
		pos = next + 2;
	}
}

function parseHeaders(block: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const line of block.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	return out;
}
