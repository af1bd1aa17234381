/**
 * Who is calling: an OAuth 1.0a user-context request (signature recomputed with the app's and the token's
 * secrets, RFC 5849 section 3.4 on the URL the client used, timestamp within 5 minutes, nonce not seen
 * before), an OAuth 2.0 user access token (`Bearer`, a token record with `oauth2`) or an app-only Bearer Token. The check is written apart from the node's signer, so a wrong
 * signer cannot agree with itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import type { AppRecord, TokenRecord, XState } from './state';

export type Caller =
	| { kind: 'user'; app: AppRecord; token: TokenRecord; oauth: Record<string, string> }
	| { kind: 'bearer'; app: AppRecord };

export type AuthFailure = { kind: 'none' } | { kind: 'invalid'; reason: string };

/** RFC 3986 encoding as RFC 5849 section 3.6 wants it. */
function rfc3986(value: string): string {
	return Array.from(Buffer.from(value, 'utf8'))
		.map((byte) => {
			const char = String.fromCharCode(byte);
			return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
		})
		.join('');
}

/** `OAuth a="b", c="d"` to its decoded pairs. */
export function parseOAuthHeader(header: string): Record<string, string> | undefined {
	const match = /^OAuth\s+(.*)$/i.exec(header.trim());
	if (!match) return undefined;
	const out: Record<string, string> = {};
	for (const piece of match[1].split(',')) {
		const pair = /^\s*([^=\s]+)="([^"]*)"\s*$/.exec(piece);
		if (!pair) return undefined;
		out[decodeURIComponent(pair[1])] = decodeURIComponent(pair[2]);
	}
	return out;
}

export interface SignedRequest {
	method: string;
	/** `http://host:port/path` as the client addressed it (from the Host header). */
	baseUri: string;
	/** Decoded query parameters and, for a form body, its fields. */
	params: Array<[string, string]>;
}

export function expectedSignature(request: SignedRequest, oauth: Record<string, string>, consumerSecret: string, tokenSecret: string): string {
	const pairs = [...request.params, ...Object.entries(oauth).filter(([name]) => name !== 'oauth_signature' && name !== 'realm')]
		.map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
		.sort();
	const base = `${request.method.toUpperCase()}&${rfc3986(request.baseUri)}&${rfc3986(pairs.join('&'))}`;
	return createHmac('sha1', `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`).update(base).digest('base64');
}

const MAX_CLOCK_SKEW_S = 300;

export class Authenticator {
	private readonly nonces = new Set<string>();

	constructor(private readonly state: XState) {}

	identify(authorization: string | undefined, request: SignedRequest, now = Date.now()): Caller | AuthFailure {
		if (!authorization) return { kind: 'none' };
		const bearer = /^Bearer\s+(.+)$/i.exec(authorization.trim());
		if (bearer) {
			const app = [...this.state.apps.values()].find((candidate) => candidate.bearerToken === bearer[1]);
			if (app) return { kind: 'bearer', app };
			const token = this.state.tokens.get(bearer[1]);
			const owner = token?.oauth2 ? this.state.apps.get(token.consumerKey) : undefined;
			if (!token || !owner) return { kind: 'invalid', reason: 'unknown bearer token' };
			if (token.revoked) return { kind: 'invalid', reason: 'token revoked' };
			return { kind: 'user', app: owner, token, oauth: {} };
		}
		const oauth = parseOAuthHeader(authorization);
		if (!oauth) return { kind: 'invalid', reason: 'not an OAuth header' };
		const app = this.state.apps.get(oauth.oauth_consumer_key ?? '');
		if (!app) return { kind: 'invalid', reason: 'unknown oauth_consumer_key' };
		const token = this.state.tokens.get(oauth.oauth_token ?? '');
		if (!token || token.consumerKey !== app.consumerKey) return { kind: 'invalid', reason: 'unknown oauth_token for this app' };
		if (token.revoked) return { kind: 'invalid', reason: 'token revoked' };
		if (oauth.oauth_signature_method !== 'HMAC-SHA1') return { kind: 'invalid', reason: `oauth_signature_method ${oauth.oauth_signature_method}` };
		if (oauth.oauth_version !== undefined && oauth.oauth_version !== '1.0') return { kind: 'invalid', reason: `oauth_version ${oauth.oauth_version}` };
		const timestamp = Number(oauth.oauth_timestamp);
		if (!Number.isInteger(timestamp) || Math.abs(timestamp - now / 1000) > MAX_CLOCK_SKEW_S) return { kind: 'invalid', reason: 'oauth_timestamp outside 5 minutes' };
		if (!oauth.oauth_nonce) return { kind: 'invalid', reason: 'no oauth_nonce' };
		const expected = Buffer.from(expectedSignature(request, oauth, app.consumerSecret, token.secret));
		const given = Buffer.from(oauth.oauth_signature ?? '');
		if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { kind: 'invalid', reason: 'signature does not match' };
		const nonceKey = `${app.consumerKey} ${oauth.oauth_timestamp} ${oauth.oauth_nonce}`;
		if (this.nonces.has(nonceKey)) return { kind: 'invalid', reason: 'oauth_nonce used before' };
		this.nonces.add(nonceKey);
		return { kind: 'user', app, token, oauth };
	}
}
