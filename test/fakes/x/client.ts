/**
 * A signed HTTP client for the fake X API, for tests of the fake itself and for tools that talk to it
 * (the sandbox): OAuth 1.0a with the seeded keys by default, or the app's Bearer Token.
 */
import { oauth1Header, type OAuth1Keys } from '../../../nodes/platforms/x/oauth1';
import { ME_KEYS } from './fixtures';

export interface XCallOptions {
	qs?: Record<string, string>;
	json?: unknown;
	/** Multipart fields; a Buffer value is sent as a file part. */
	form?: Record<string, string | Buffer>;
	keys?: OAuth1Keys;
	bearer?: string;
	/** Send this Authorization header as is. */
	authorization?: string;
}

export interface XAnswer {
	status: number;
	headers: Headers;
	body: Record<string, unknown>;
}

export async function callX(baseUrl: string, method: string, path: string, options: XCallOptions = {}): Promise<XAnswer> {
	const url = new URL(path, baseUrl);
	for (const [name, value] of Object.entries(options.qs ?? {})) url.searchParams.set(name, value);
	const headers: Record<string, string> = {};
	let body: string | FormData | undefined;
	if (options.json !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(options.json);
	} else if (options.form) {
		const form = new FormData();
		for (const [name, value] of Object.entries(options.form)) {
			if (Buffer.isBuffer(value)) form.append(name, new Blob([value]), 'media.bin');
			else form.append(name, value);
		}
		body = form;
	}
	headers.authorization =
		options.authorization ??
		(options.bearer ? `Bearer ${options.bearer}` : oauth1Header({ method, url: url.toString(), params: [], keys: options.keys ?? ME_KEYS }));
	const response = await fetch(url, { method, headers, body });
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
