/**
 * The Ayrshare provider: Messenger, Instagram and X direct messages through one Ayrshare API key
 * (Bearer, plus Profile-Key for one user profile), with a server-side auto-response and a signed
 * messages webhook for the trigger.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { Transport, type RequestContext } from '../core/transport';
import type { PlatformOptions, Provider } from '../provider';
import { NO_EXTRAS, type Capabilities } from '../types';
import { AyrsharePlatform } from './client';
import { ayrshareProtocol } from './errors';
import { ayrshareBaseUrl, ayrshareSecrets, requireApiKey, requireXKeys } from './settings';
import { ayrshareWebhook } from './webhook';

const AYRSHARE_CAPABILITIES: Capabilities = { ...NO_EXTRAS };

function transportFor(ctx: RequestContext, credentials: ICredentialDataDecryptedObject, options: PlatformOptions = {}): Transport {
	requireApiKey(credentials);
	return new Transport(ctx, {
		baseUrl: ayrshareBaseUrl(credentials),
		protocol: ayrshareProtocol(),
		gate: options.gate,
		maxRateLimitWaitMs: options.maxRateLimitWaitMs,
		requestTimeoutMs: options.requestTimeoutMs,
		secrets: ayrshareSecrets(credentials),
		credentials,
	});
}

/** Set by the provider table: who has what Ayrshare lacks (the table knows every provider; this folder does not). */
export function ayrshareProvider(elsewhere: (capability: keyof Capabilities) => string): Provider {
	return {
		name: 'ayrshare',
		label: 'Ayrshare',
		platforms: ['messenger', 'instagram', 'x'],
		capabilities: AYRSHARE_CAPABILITIES,
		secrets: ayrshareSecrets,
		createPlatform(ctx, credentials, platform, options) {
			if (platform === 'x') requireXKeys(credentials);
			return new AyrsharePlatform(platform, transportFor(ctx, credentials, options), AYRSHARE_CAPABILITIES, elsewhere);
		},
		webhook: ayrshareWebhook((ctx, credentials) => transportFor(ctx, credentials)),
	};
}
