/** What an X API credential says about where to send and what to hide. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import type { OAuth1Keys } from './oauth1';

export const X_HOST = 'https://api.x.com';

export function xBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const host = credentials.useCustomBaseUrl && credentials.baseUrl ? String(credentials.baseUrl) : X_HOST;
	return host.replace(/\/+$/, '');
}

/** The four OAuth 1.0a values; all are needed for any DM call (user context only). */
export function requireUserContext(credentials: ICredentialDataDecryptedObject): OAuth1Keys {
	const keys = {
		consumerKey: String(credentials.xApiKey ?? '').trim(),
		consumerSecret: String(credentials.xApiKeySecret ?? '').trim(),
		token: String(credentials.xAccessToken ?? '').trim(),
		tokenSecret: String(credentials.xAccessTokenSecret ?? '').trim(),
	};
	const missing = [
		['API Key', keys.consumerKey],
		['API Key Secret', keys.consumerSecret],
		['Access Token', keys.token],
		['Access Token Secret', keys.tokenSecret],
	].filter(([, value]) => !value).map(([name]) => name);
	if (missing.length > 0) {
		throw new InputError(
			`The X API credential has no ${missing.join(', ')}`,
			'Direct messages need user context: copy the API Key and Secret and the Access Token and Secret from the developer portal > your app > Keys and tokens.',
		);
	}
	return keys;
}

export function xSecrets(credentials: ICredentialDataDecryptedObject): string[] {
	return ['xApiKeySecret', 'xAccessToken', 'xAccessTokenSecret', 'xBearerToken']
		.map((name) => String(credentials[name] ?? ''))
		.filter(Boolean);
}

/** The X OAuth2 credential's token as n8n stores it after the user connected the account. */
function tokenData(credentials: ICredentialDataDecryptedObject): Record<string, unknown> {
	const data = credentials.oauthTokenData;
	return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

/** X OAuth2: the account must be connected (n8n adds and refreshes the token itself). */
export function requireConnectedAccount(credentials: ICredentialDataDecryptedObject): void {
	if (!String(tokenData(credentials).access_token ?? '').trim()) {
		throw new InputError(
			'The X OAuth2 credential is not connected to an X account',
			'Open the credential and click "Connect my account" (the app\'s callback URL in the developer portal must be n8n\'s OAuth callback URL shown in the credential).',
		);
	}
}

/** X OAuth2: the client secret, both tokens, and the optional webhook values. */
export function xOAuth2Secrets(credentials: ICredentialDataDecryptedObject): string[] {
	const token = tokenData(credentials);
	return [credentials.clientSecret, token.access_token, token.refresh_token, token.id_token, credentials.xApiKeySecret, credentials.xBearerToken]
		.map((value) => (typeof value === 'string' ? value : ''))
		.filter(Boolean);
}
