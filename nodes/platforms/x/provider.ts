/** The X API provider: X Direct Messages with OAuth 1.0a user context, and the X Activity API webhook for the trigger. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { PlatformOptions, Provider } from '../provider';
import { Transport, type RequestContext } from '../core/transport';
import { NO_EXTRAS, type Capabilities } from '../types';
import { XPlatform } from './client';
import { xProtocol } from './errors';
import { requireUserContext, xBaseUrl, xSecrets } from './settings';
import { xWebhook } from './webhook';

const X_CAPABILITIES: Capabilities = { ...NO_EXTRAS, deleteMessages: true, groupConversations: true, usernames: true };

function transportFor(ctx: RequestContext, credentials: ICredentialDataDecryptedObject, options: PlatformOptions = {}): Transport {
	requireUserContext(credentials);
	return new Transport(ctx, {
		baseUrl: xBaseUrl(credentials),
		protocol: xProtocol,
		gate: options.gate,
		maxRateLimitWaitMs: options.maxRateLimitWaitMs,
		requestTimeoutMs: options.requestTimeoutMs,
		retryUnknownOutcome: options.retryUnknownOutcome,
		secrets: xSecrets(credentials),
		credentials,
	});
}

/** Set by the provider table: who has what X lacks (the table knows every provider; this folder does not). */
export function xProvider(elsewhere: (capability: keyof Capabilities) => string): Provider {
	return {
		name: 'xApi',
		label: 'X API',
		platforms: ['x'],
		capabilities: X_CAPABILITIES,
		secrets: xSecrets,
		controlSecret: (credentials) => String(credentials.xApiKeySecret ?? ''),
		createPlatform(ctx, credentials, _platform, options) {
			const transport = transportFor(ctx, credentials, options);
			return new XPlatform(ctx, transport, { capabilities: X_CAPABILITIES, sendsPerSecond: options.sendsPerSecond }, elsewhere);
		},
		webhook: xWebhook((ctx, credentials, options) => transportFor(ctx, credentials, options)),
	};
}
