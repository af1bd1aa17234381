/** What an Ayrshare credential says: where to send, the API key it must have, and its secrets. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import type { PlatformName } from '../types';

export const AYRSHARE_HOST = 'https://api.ayrshare.com/api';

/** Ayrshare's name of each platform in its paths and payloads. */
export const AYRSHARE_PLATFORM: Record<PlatformName, string> = { messenger: 'facebook', instagram: 'instagram', x: 'twitter' };

export function ayrshareBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const host = credentials.useCustomBaseUrl && credentials.baseUrl ? String(credentials.baseUrl) : AYRSHARE_HOST;
	return host.replace(/\/+$/, '');
}

export function requireApiKey(credentials: ICredentialDataDecryptedObject): void {
	if (!String(credentials.ayrshareApiKey ?? '').trim()) {
		throw new InputError('The Ayrshare credential has no API Key', 'Copy the API Key from the Ayrshare dashboard > API Key and paste it into the credential.');
	}
}

/** Since 2026-03-31 Ayrshare needs the X app's OAuth 1.0a key and secret on every call that touches X. */
export function requireXKeys(credentials: ICredentialDataDecryptedObject): void {
	if (!String(credentials.ayrshareXApiKey ?? '').trim() || !String(credentials.ayrshareXApiSecret ?? '').trim()) {
		throw new InputError(
			'The Ayrshare credential has no X API Key and Secret',
			'Ayrshare needs the OAuth 1.0a API Key and API Key Secret of your X app for X messages (developer portal > your app > Keys and tokens). Fill both in the credential.',
		);
	}
}

export function ayrshareSecrets(credentials: ICredentialDataDecryptedObject): string[] {
	return ['ayrshareApiKey', 'ayrshareProfileKey', 'ayrshareWebhookSecret', 'ayrshareXApiKey', 'ayrshareXApiSecret']
		.map((name) => String(credentials[name] ?? ''))
		.filter(Boolean);
}
