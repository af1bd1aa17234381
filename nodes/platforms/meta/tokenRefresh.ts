/**
 * Instagram Login tokens live 60 days. The credential renews its long-lived token with
 * `GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token` before that, through n8n's
 * mechanism for expiring credentials: `preAuthentication` runs before each request while the credential's
 * expirable field is empty (it is kept empty on purpose), and what it returns is saved to the credential.
 * It returns nothing (no write) until a refresh is due: the token's expiry is unknown (a token just pasted)
 * or less than REFRESH_WHEN_LEFT_MS away. Meta refreshes only tokens at least 24 hours old; a younger one
 * was issued within the day, so it is kept and dated 59 days ahead.
 */
import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { CredentialRefusal } from '../core/inputError';
import { host } from './settings';

export const TOKEN_REFRESH = {
	/** Refresh once fewer than this many ms of the token's 60 days are left. */
	whenLeftMs: 30 * 86400000,
	/** A token too young to refresh was issued today: it expires about this far ahead. */
	youngTokenLeftMs: 59 * 86400000,
} as const;

/** Hidden credential fields: the expirable trigger field (always empty), the known expiry, and whose expiry it is. */
export const TOKEN_FIELDS = { refresh: 'tokenRefresh', expiresAt: 'tokenExpiresAt', expiresFor: 'tokenExpiresFor' } as const;

const fingerprint = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 16);

/** Refreshes running now, per token: a run of 100 sends makes one refresh call, not 100. */
const inFlight = new Map<string, Promise<IDataObject>>();

/** The known expiry of the credential's current token, or undefined. */
export function tokenExpiry(credentials: ICredentialDataDecryptedObject): Date | undefined {
	const token = String(credentials.accessToken ?? '');
	if (!token || credentials[TOKEN_FIELDS.expiresFor] !== fingerprint(token)) return undefined;
	const at = Date.parse(String(credentials[TOKEN_FIELDS.expiresAt] ?? ''));
	return Number.isNaN(at) ? undefined : new Date(at);
}

function dated(token: string, expiresAt: number): IDataObject {
	return {
		[TOKEN_FIELDS.refresh]: '',
		[TOKEN_FIELDS.expiresAt]: new Date(expiresAt).toISOString(),
		[TOKEN_FIELDS.expiresFor]: fingerprint(token),
	};
}

async function refresh(helper: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, now: number): Promise<IDataObject> {
	const token = String(credentials.accessToken);
	const response = (await helper.helpers.httpRequest({
		method: 'GET',
		url: `${host(credentials, 'instagramLogin')}/refresh_access_token`,
		qs: { grant_type: 'ig_refresh_token', access_token: token },
		json: true,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
	})) as { statusCode: number; body: IDataObject };
	const body = (response.body ?? {}) as IDataObject;
	if (response.statusCode < 300 && typeof body.access_token === 'string' && body.access_token) {
		const lifetimeMs = Number(body.expires_in) * 1000 || 60 * 86400000;
		return { accessToken: body.access_token, ...dated(body.access_token, now + lifetimeMs) };
	}
	const error = (body.error ?? {}) as IDataObject;
	if (Number(error.code) === 190) {
		const known = tokenExpiry(credentials);
		throw new CredentialRefusal(
			`The Instagram Login access token has expired${known ? ` (on ${known.toISOString().slice(0, 10)})` : ''} or was revoked, so it cannot be renewed: generate a new long-lived token and paste it into the credential`,
			'Generate a new long-lived token (Instagram Login, scopes instagram_business_basic and instagram_business_manage_messages) and paste it into the credential; from then on it is renewed automatically while a workflow uses it at least once a month. Nothing was sent.',
		);
	}
	// Too young to refresh (Meta: at least 24 hours old): issued today, so it has about 59 days left.
	if (response.statusCode === 400) return dated(token, now + TOKEN_REFRESH.youngTokenLeftMs);
	// Meta unavailable or rate-limited: the token still works; try again with the next request.
	return {};
}

/** preAuthentication for the Instagram Login provider: the fields to save, or {} when nothing is due. */
export async function renewInstagramToken(helper: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, now = Date.now()): Promise<IDataObject> {
	if (credentials.provider !== 'instagramLogin' || !credentials.accessToken) return {};
	const expiry = tokenExpiry(credentials);
	if (expiry && expiry.getTime() - now > TOKEN_REFRESH.whenLeftMs) return {};
	const key = fingerprint(String(credentials.accessToken));
	const running = inFlight.get(key);
	if (running) {
		// The first request saves the new token; the others of the moment go with the old one, still valid.
		await running.catch(() => undefined);
		return {};
	}
	const started = refresh(helper, credentials, now).finally(() => inFlight.delete(key));
	inFlight.set(key, started);
	return await started;
}
