/**
 * `POST /2/oauth2/token` with `grant_type=refresh_token`: X's OAuth 2.0 token endpoint as n8n's OAuth2 client
 * calls it to renew a user token (form body; a confidential client authenticates with HTTP Basic
 * `client_id:client_secret`). The old access token stops working and the refresh token is rotated, as X does.
 * Not in X's OpenAPI description (X documents the endpoint in prose only), so it is answered before the
 * contract check. The authorize step needs a browser and is not faked.
 */
import { randomBytes } from 'node:crypto';

import type { XState } from './state';

export const OAUTH2_TOKEN_PATH = '/2/oauth2/token';

/** The OAuth 2.0 client of the fake's app: its id and secret (tests set them in the credential). */
export interface OAuth2Client {
	clientId: string;
	clientSecret: string;
}

/** refresh token -> access token it renews. */
export type RefreshTokens = Map<string, string>;

interface Answer {
	status: number;
	body: Record<string, unknown>;
}

const refused = (description: string): Answer => ({ status: 400, body: { error: 'invalid_request', error_description: description } });

export function answerTokenRequest(state: XState, client: OAuth2Client, refreshTokens: RefreshTokens, authorization: string | undefined, rawBody: Buffer): Answer {
	const form = new URLSearchParams(rawBody.toString('utf8'));
	const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
	const [id, secret] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [form.get('client_id'), form.get('client_secret')];
	if (id !== client.clientId || secret !== client.clientSecret) return { status: 401, body: { error: 'unauthorized_client', error_description: 'Missing valid authorization header' } };
	if (form.get('grant_type') !== 'refresh_token') return refused('The fake X serves only grant_type=refresh_token.');
	const oldAccess = refreshTokens.get(form.get('refresh_token') ?? '');
	const record = oldAccess ? state.tokens.get(oldAccess) : undefined;
	if (!record?.oauth2) return refused('Value passed for the token was invalid.');
	refreshTokens.delete(form.get('refresh_token') ?? '');
	const accessToken = `xFakeOAuth2Renewed${randomBytes(12).toString('hex')}`;
	const refreshToken = `xFakeOAuth2Refresh${randomBytes(12).toString('hex')}`;
	state.tokens.set(accessToken, { ...record, token: accessToken, revoked: false });
	record.revoked = true;
	refreshTokens.set(refreshToken, accessToken);
	return { status: 200, body: { token_type: 'bearer', expires_in: 7200, access_token: accessToken, refresh_token: refreshToken, scope: record.oauth2.scopes.join(' ') } };
}
