/**
 * What a Meta credential says about where to send and what to hide: the host, the Graph version, the
 * Page ID it must have, and its secrets. One definition each, for the action node and the trigger.
 */
import { createHmac } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { DEFAULT_GRAPH_API_VERSION } from './protocol';

export type MetaProviderName = 'metaGraph' | 'instagramLogin';

export const DEFAULT_HOSTS: Record<MetaProviderName, string> = {
	metaGraph: 'https://graph.facebook.com',
	instagramLogin: 'https://graph.instagram.com',
};

export function metaProviderOf(credentials: ICredentialDataDecryptedObject): MetaProviderName {
	return credentials.provider === 'instagramLogin' ? 'instagramLogin' : 'metaGraph';
}

/** The Graph API version path segment, e.g. `v25.0`. */
export function apiVersion(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.graphApiVersion || DEFAULT_GRAPH_API_VERSION).replace(/^\/+|\/+$/g, '');
}

/** The custom base URL when the credential turns it on, else the provider's own host; no trailing slash. */
export function host(credentials: ICredentialDataDecryptedObject, provider: MetaProviderName): string {
	const chosen = credentials.useCustomBaseUrl && credentials.baseUrl ? String(credentials.baseUrl) : DEFAULT_HOSTS[provider];
	return chosen.replace(/\/+$/, '');
}

/** Versioned API root of the credential's provider, e.g. https://graph.facebook.com/v23.0 */
export function apiBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	return `${host(credentials, metaProviderOf(credentials))}/${apiVersion(credentials)}`;
}

/** App-level calls (webhook subscriptions) always go to graph.facebook.com, also for Instagram Login apps. */
export function appApiBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	return `${host(credentials, 'metaGraph')}/${apiVersion(credentials)}`;
}

/** A Meta Graph API credential reaches its Page's conversations only through the Page ID. */
export function requirePageId(credentials: ICredentialDataDecryptedObject): void {
	if (metaProviderOf(credentials) === 'metaGraph' && !credentials.pageId) {
		throw new InputError('The credential has no Page ID', 'Open the Social Messaging credential and fill in the Page ID.');
	}
}

/** Every value of the credential that must never show up in an error or output. */
export function metaSecrets(credentials: ICredentialDataDecryptedObject): string[] {
	const token = String(credentials.accessToken ?? '');
	const appSecret = String(credentials.appSecret ?? '');
	const secrets = [token, appSecret];
	if (appSecret) {
		secrets.push(createHmac('sha256', appSecret).update(token).digest('hex'));
		secrets.push(`${String(credentials.appId ?? '')}|${appSecret}`);
	}
	return secrets.filter(Boolean);
}
