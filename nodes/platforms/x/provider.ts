/**
 * The X providers: X Direct Messages with the shared credential's OAuth 1.0a user context, or with the X OAuth2
 * credential's OAuth 2.0 user token; the X Activity API webhook for the trigger with either.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { PlatformOptions, Provider } from '../provider';
import { Transport, type RequestContext } from '../core/transport';
import { NO_EXTRAS, type Capabilities } from '../types';
import { XPlatform } from './client';
import { xProtocol } from './errors';
import { requireConnectedAccount, requireUserContext, xBaseUrl, xOAuth2Secrets, xSecrets } from './settings';
import { xWebhook } from './webhook';

const X_CAPABILITIES: Capabilities = { ...NO_EXTRAS, deleteMessages: true, groupConversations: true, usernames: true };

type Variant = { name: 'xApi' | 'xOAuth2'; label: string; secrets: (credentials: ICredentialDataDecryptedObject) => string[]; check: (credentials: ICredentialDataDecryptedObject) => unknown };

const VARIANTS: Record<Variant['name'], Variant> = {
	xApi: { name: 'xApi', label: 'X API', secrets: xSecrets, check: requireUserContext },
	xOAuth2: { name: 'xOAuth2', label: 'X OAuth2', secrets: xOAuth2Secrets, check: requireConnectedAccount },
};

function transportFor(variant: Variant, ctx: RequestContext, credentials: ICredentialDataDecryptedObject, options: PlatformOptions = {}): Transport {
	variant.check(credentials);
	return new Transport(ctx, {
		baseUrl: xBaseUrl(credentials),
		protocol: xProtocol,
		gate: options.gate,
		maxRateLimitWaitMs: options.maxRateLimitWaitMs,
		requestTimeoutMs: options.requestTimeoutMs,
		retryUnknownOutcome: options.retryUnknownOutcome,
		secrets: variant.secrets(credentials),
		credentials,
	});
}

/** Set by the provider table: who has what X lacks (the table knows every provider; this folder does not). */
export function xProvider(elsewhere: (capability: keyof Capabilities) => string, name: Variant['name'] = 'xApi'): Provider {
	const variant = VARIANTS[name];
	return {
		name,
		label: variant.label,
		platforms: ['x'],
		capabilities: X_CAPABILITIES,
		secrets: variant.secrets,
		// X OAuth2: the client secret when the webhook's API Key Secret is not set (either is the app's own).
		controlSecret: (credentials) => String(credentials.xApiKeySecret || credentials.clientSecret || ''),
		createPlatform(ctx, credentials, _platform, options) {
			const transport = transportFor(variant, ctx, credentials, options);
			return new XPlatform(ctx, transport, { capabilities: X_CAPABILITIES, sendsPerSecond: options.sendsPerSecond }, elsewhere);
		},
		webhook: xWebhook((ctx, credentials, options) => transportFor(variant, ctx, credentials, options)),
	};
}
