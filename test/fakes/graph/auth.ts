/**
 * Access tokens as Graph checks them: where the token comes from, which kind it is,
 * and `appsecret_proof` (hex HMAC-SHA256 of the token keyed with the app secret).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GraphError } from './errors';
import type { GraphState } from './state';

export type Principal =
	| { kind: 'page'; token: string; pageId: string }
	| { kind: 'ig'; token: string; igId: string }
	| { kind: 'app'; token: string; appId: string };

export function appSecretProof(secret: string, token: string): string {
	return createHmac('sha256', secret).update(token).digest('hex');
}

/** Token from `access_token` (query or body) first, then `Authorization: Bearer|OAuth …`. */
export function tokenOf(params: Record<string, unknown>, headers: Record<string, string>): string | undefined {
	const fromParams = params.access_token;
	if (typeof fromParams === 'string' && fromParams) return fromParams;
	const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(headers.authorization ?? '');
	return match ? match[1].trim() : undefined;
}

export function authenticate(
	state: GraphState,
	params: Record<string, unknown>,
	headers: Record<string, string>,
	options: { requireAppSecretProof: boolean },
): Principal {
	const token = tokenOf(params, headers);
	// Real Graph answers code 104 (not 190) when no token was sent at all.
	if (!token) throw new GraphError(400, { message: 'An access token is required to request this resource.', type: 'OAuthException', code: 104 });
	const principal = resolveToken(state, token);
	checkProof(state, principal, params, options.requireAppSecretProof);
	return principal;
}

function resolveToken(state: GraphState, token: string): Principal {
	const appToken = /^(\d+)\|(.+)$/.exec(token);
	if (appToken) {
		if (appToken[1] === state.app.id && appToken[2] === state.app.secret) return { kind: 'app', token, appId: state.app.id };
		throw invalidToken('Invalid OAuth access token signature.');
	}
	const record = state.tokens.get(token);
	if (!record) throw invalidToken('Invalid OAuth access token - Cannot parse access token');
	if (record.expired || (record.kind === 'ig' && record.expiresAt !== undefined && record.expiresAt <= state.now())) {
		throw new GraphError(
			400,
			{
				message: 'Error validating access token: Session has expired on Wednesday, 01-May-24 09:00:00 PDT.',
				type: 'OAuthException',
				code: 190,
				error_subcode: 463,
			},
			{ 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Error validating access token"' },
		);
	}
	return record.kind === 'page' ? { kind: 'page', token, pageId: record.pageId } : { kind: 'ig', token, igId: record.igId };
}

function checkProof(state: GraphState, principal: Principal, params: Record<string, unknown>, required: boolean): void {
	const proof = params.appsecret_proof;
	if (proof === undefined || proof === '') {
		if (required && principal.kind !== 'app') {
			throw new GraphError(400, { message: 'API calls from the server require an appsecret_proof argument', type: 'GraphMethodException', code: 100 });
		}
		return;
	}
	const expected = Buffer.from(appSecretProof(state.app.secret, principal.token));
	const given = Buffer.from(String(proof).toLowerCase());
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		throw new GraphError(400, { message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException', code: 100 });
	}
}

export function invalidToken(message: string): GraphError {
	return new GraphError(400, { message, type: 'OAuthException', code: 190 }, { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` });
}

/** An app token on a Page/Instagram resource. */
export function pageTokenRequired(): GraphError {
	return new GraphError(400, { message: '(#210) A page access token is required to request this resource.', type: 'OAuthException', code: 210 });
}

/** A Page or user token on an app-level resource. */
export function appTokenRequired(): GraphError {
	return new GraphError(400, { message: '(#15) This method must be called with an app access_token.', type: 'OAuthException', code: 15 });
}
