/**
 * OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849, section 3), as X's user context wants it. The
 * signature covers the method, the URL without its query, and every query and form-body parameter with the
 * oauth_* ones; a JSON or multipart body is never part of it (section 3.4.1.3.1).
 */
import { createHmac, randomBytes } from 'crypto';

export interface OAuth1Keys {
	consumerKey: string;
	consumerSecret: string;
	token: string;
	tokenSecret: string;
}

/** A parameter as a name and a value, both not yet encoded; names may repeat. */
export type OAuthParam = [string, string];

/** RFC 3986 unreserved characters stay, everything else is %XX in upper case (section 3.6). */
export function percentEncode(value: string): string {
	return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Scheme and host in lower case, no default port, no query or fragment (section 3.4.1.2). */
export function baseStringUri(url: URL): string {
	const port = url.port && !((url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443')) ? `:${url.port}` : '';
	return `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}${port}${url.pathname}`;
}

/** Encoded names and values, sorted by name then value, joined with `=` and `&` (section 3.4.1.3.2). */
export function normalizeParameters(params: OAuthParam[]): string {
	return params
		.map(([name, value]) => [percentEncode(name), percentEncode(value)])
		.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
		.map(([name, value]) => `${name}=${value}`)
		.join('&');
}

export function signatureBaseString(method: string, url: URL, params: OAuthParam[]): string {
	return [method.toUpperCase(), percentEncode(baseStringUri(url)), percentEncode(normalizeParameters(params))].join('&');
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
	return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64');
}

/** Name/value pairs of a query string or form body (`+` is a space there). */
export function parseFormEncoded(text: string): OAuthParam[] {
	if (!text) return [];
	return text.split('&').filter(Boolean).map((pair) => {
		const at = pair.indexOf('=');
		const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
		return at < 0 ? [decode(pair), ''] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
	});
}

/** The request's query parameters as n8n sends them: arrays repeat the name, absent values are left out. */
export function queryParams(qs: Record<string, unknown> | undefined): OAuthParam[] {
	const params: OAuthParam[] = [];
	for (const [name, value] of Object.entries(qs ?? {})) {
		if (value === undefined || value === null) continue;
		for (const one of Array.isArray(value) ? value : [value]) params.push([name, String(one)]);
	}
	return params;
}

export interface SignInput {
	method: string;
	/** Absolute URL; its own query counts too. */
	url: string;
	/** Query and form-body parameters besides the URL's own. */
	params: OAuthParam[];
	keys: OAuth1Keys;
	/** Fixed only in tests; fresh for every request otherwise. */
	nonce?: string;
	timestamp?: string;
}

/** The `Authorization: OAuth …` header value for one request. */
export function oauth1Header(input: SignInput): string {
	const url = new URL(input.url);
	const oauth: OAuthParam[] = [
		['oauth_consumer_key', input.keys.consumerKey],
		['oauth_nonce', input.nonce ?? randomBytes(16).toString('hex')],
		['oauth_signature_method', 'HMAC-SHA1'],
		['oauth_timestamp', input.timestamp ?? String(Math.floor(Date.now() / 1000))],
		['oauth_token', input.keys.token],
		['oauth_version', '1.0'],
	];
	const all = [...parseFormEncoded(url.search.slice(1)), ...input.params, ...oauth];
	const signature = hmacSha1Signature(signatureBaseString(input.method, url, all), input.keys.consumerSecret, input.keys.tokenSecret);
	return `OAuth ${[...oauth, ['oauth_signature', signature]].map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`).join(', ')}`;
}
