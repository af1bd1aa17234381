/**
 * graph.instagram.com's `GET /refresh_access_token?grant_type=ig_refresh_token&access_token=…` (no
 * version in the path): a long-lived Instagram user token at least 24 hours old and not expired is
 * renewed for 60 days, answering `{access_token, token_type, expires_in}`. The old token stays valid until
 * its own expiry. A token younger than 24 hours is refused (Meta documents the rule, not its wording).
 */
import { invalidToken } from '../auth';
import { GraphError, paramError } from '../errors';
import type { Call, Env, Result } from '../types';

export const IG_TOKEN_LIFETIME_S = 60 * 24 * 3600;
const DAY_MS = 24 * 3600 * 1000;

export function refreshInstagramToken(env: Env, call: Call): Result {
	if (call.method !== 'GET') throw paramError('Unsupported request method for refresh_access_token');
	if (call.params.grant_type !== 'ig_refresh_token') throw paramError('Param grant_type must be ig_refresh_token');
	const token = typeof call.params.access_token === 'string' ? call.params.access_token : '';
	const record = env.state.tokens.get(token);
	// Only Instagram user tokens (Instagram Login) can be refreshed here.
	if (!record || record.kind !== 'ig') throw invalidToken('Invalid OAuth access token - Cannot parse access token');
	const now = env.state.now();
	if (record.expired || (record.expiresAt !== undefined && record.expiresAt <= now)) {
		throw new GraphError(400, { message: 'Error validating access token: Session has expired.', type: 'OAuthException', code: 190, error_subcode: 463 });
	}
	if (record.issuedAt !== undefined && now - record.issuedAt < DAY_MS) {
		throw new GraphError(400, { message: 'The access token cannot be refreshed until it is at least 24 hours old (inferred wording)', type: 'IGApiException', code: 100 });
	}
	const fresh = `IGAArefreshed${(env.state.tokens.size + 1).toString(36)}${Math.floor(now / 1000).toString(36)}`;
	env.state.tokens.set(fresh, { kind: 'ig', token: fresh, igId: record.igId, issuedAt: now, expiresAt: now + IG_TOKEN_LIFETIME_S * 1000 });
	return { status: 200, body: { access_token: fresh, token_type: 'bearer', expires_in: IG_TOKEN_LIFETIME_S } };
}
