/**
 * (credential provider, platform) -> Platform. The only place that reads the credential to decide the
 * route; operations and the trigger ask for a Platform and speak the unified model to it.
 */
import { createHmac } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { InputError } from './inputError';
import { MetaPlatform } from './meta/client';
import { DEFAULT_HOSTS, graphProtocol } from './meta/protocol';
import type { RateGate } from './rateGate';
import { CREDENTIAL_TYPE, Transport, type RequestContext } from './transport';
import type { Platform, PlatformName, ProviderName } from './types';

export interface PlatformOptions {
	gate?: RateGate;
	maxRateLimitWaitMs?: number;
	/** The user's pace for sends (calls per second); 0 or absent: the platform's documented limit. */
	sendsPerSecond?: number;
}

const PROVIDER_PLATFORMS: Record<ProviderName, PlatformName[]> = {
	metaGraph: ['messenger', 'instagram'],
	instagramLogin: ['instagram'],
};

const PROVIDER_LABELS: Record<ProviderName, string> = {
	metaGraph: 'Meta Graph API',
	instagramLogin: 'Instagram Login',
};

/** Every value of the credential that must never show up in an error or output. */
export function credentialSecrets(credentials: ICredentialDataDecryptedObject): string[] {
	const token = String(credentials.accessToken ?? '');
	const appSecret = String(credentials.appSecret ?? '');
	const secrets = [token, appSecret];
	if (appSecret) {
		secrets.push(createHmac('sha256', appSecret).update(token).digest('hex'));
		secrets.push(`${String(credentials.appId ?? '')}|${appSecret}`);
	}
	return secrets.filter(Boolean);
}

/** The Graph API version path segment, e.g. `v23.0`. */
export function apiVersion(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.graphApiVersion || 'v23.0').replace(/^\/+|\/+$/g, '');
}

/** Versioned API root, e.g. https://graph.facebook.com/v23.0 */
export function apiBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const provider = (credentials.provider ?? 'metaGraph') as ProviderName;
	const host = credentials.useCustomBaseUrl && credentials.baseUrl ? String(credentials.baseUrl) : DEFAULT_HOSTS[provider];
	return `${host.replace(/\/+$/, '')}/${apiVersion(credentials)}`;
}

export async function createPlatform(
	ctx: RequestContext,
	platformName: PlatformName,
	options: PlatformOptions = {},
): Promise<Platform> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const provider = (credentials.provider ?? 'metaGraph') as ProviderName;
	const supported = PROVIDER_PLATFORMS[provider];
	if (!supported) {
		throw new InputError(`Unknown provider "${provider}" in the credential`, 'Open the credential and choose a Provider.');
	}
	if (!supported.includes(platformName)) {
		throw new InputError(
			`${/^[AEIOU]/.test(PROVIDER_LABELS[provider]) ? 'An' : 'A'} ${PROVIDER_LABELS[provider]} credential cannot reach ${platformName === 'messenger' ? 'Messenger' : platformName}`,
			`${PROVIDER_LABELS[provider]} only reaches ${supported.join(', ')}. Change the node's Platform, or use a credential with another provider.`,
		);
	}
	if (provider === 'metaGraph' && !credentials.pageId) {
		throw new InputError('The credential has no Page ID', 'Open the Social Messaging credential and fill in the Page ID.');
	}

	const transport = new Transport(ctx, {
		baseUrl: apiBaseUrl(credentials),
		protocol: graphProtocol,
		gate: options.gate,
		maxRateLimitWaitMs: options.maxRateLimitWaitMs,
		secrets: credentialSecrets(credentials),
		credentials,
	});
	return new MetaPlatform(transport, {
		provider,
		platform: platformName as 'messenger' | 'instagram',
		pageId: credentials.pageId ? String(credentials.pageId) : undefined,
		instagramAccountId: credentials.instagramAccountId ? String(credentials.instagramAccountId) : undefined,
		apiVersion: apiVersion(credentials),
		sendsPerSecond: options.sendsPerSecond,
	});
}
