/**
 * The two Meta providers: Meta Graph API (Messenger and Instagram through a Facebook Page) and Instagram
 * Login (graph.instagram.com). Same adapter, same webhook side; they differ in host, token and platforms.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { Transport, type RequestContext } from '../core/transport';
import type { PlatformOptions, Provider, ProviderWebhook, WebhookEndpoint } from '../provider';
import type { Capabilities, PlatformName } from '../types';
import { MetaPlatform } from './client';
import { checkExists, create, remove } from './lifecycle';
import { isNextPageTap, nextPageKey, pageForTap } from './nextPage';
import { graphProtocol } from './protocol';
import { apiBaseUrl, apiVersion, metaProviderOf, metaSecrets, requirePageId } from './settings';
import { parseDelivery, readChallenge } from './webhook';
import { webhookAccess } from './webhookAccess';

const META_CAPABILITIES: Capabilities = {
	templates: true,
	quickReplies: true,
	senderActions: true,
	reactions: true,
	messageTags: true,
	personas: true,
	reusableUploads: true,
	batchRequests: true,
	deleteMessages: false,
	groupConversations: false,
	recipientHandles: true,
	usernames: false,
};

function createMetaPlatform(
	ctx: RequestContext,
	credentials: ICredentialDataDecryptedObject,
	platform: PlatformName,
	options: PlatformOptions,
): MetaPlatform {
	requirePageId(credentials);
	const transport = new Transport(ctx, {
		baseUrl: apiBaseUrl(credentials),
		protocol: graphProtocol,
		gate: options.gate,
		maxRateLimitWaitMs: options.maxRateLimitWaitMs,
		requestTimeoutMs: options.requestTimeoutMs,
		retryUnknownOutcome: options.retryUnknownOutcome,
		secrets: metaSecrets(credentials),
		credentials,
	});
	return new MetaPlatform(transport, {
		provider: metaProviderOf(credentials),
		platform: platform as 'messenger' | 'instagram',
		pageId: credentials.pageId ? String(credentials.pageId) : undefined,
		instagramAccountId: credentials.instagramAccountId ? String(credentials.instagramAccountId) : undefined,
		apiVersion: apiVersion(credentials),
		sendsPerSecond: options.sendsPerSecond,
		capabilities: META_CAPABILITIES,
		nextPageKey: nextPageKey(String(credentials.appSecret ?? '')),
	});
}

function openEndpoint(
	ctx: IHookFunctions | IWebhookFunctions,
	credentials: ICredentialDataDecryptedObject,
	platform: PlatformName,
): WebhookEndpoint {
	const access = webhookAccess(ctx, credentials, platform as 'messenger' | 'instagram');
	const key = nextPageKey(String(credentials.appSecret ?? ''));
	return {
		handshake(query) {
			const challenge = readChallenge(query, access.verifyToken);
			return challenge === undefined
				? { status: 403, body: 'Verification failed' }
				: { status: 200, contentType: 'text/plain', body: challenge };
		},
		refuseUnsigned(rawBody, headers) {
			const signature = headers['x-hub-signature-256'] as string | undefined;
			if (!signature) return { status: 401, body: 'Missing X-Hub-Signature-256' };
			if (!Buffer.isBuffer(rawBody) || !access.isSignedByMeta(rawBody, signature)) return { status: 403, body: 'Invalid signature' };
			return undefined;
		},
		accepted: { status: 200, body: 'EVENT_RECEIVED' },
		parse(body, options) {
			if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
			const { object, events } = parseDelivery(body as IDataObject, { includeRaw: options.includeRaw });
			return object === access.object ? events : [];
		},
		nextPages: {
			isTap: isNextPageTap,
			pageFor: (tap, staticData, now) => pageForTap(tap, staticData, { key, platform, now }),
		},
	};
}

const metaWebhook: ProviderWebhook = {
	open: openEndpoint,
	checkExists: async (ctx) => await checkExists.call(ctx),
	create: async (ctx) => await create.call(ctx),
	remove: async (ctx) => await remove.call(ctx),
};

export const metaGraphProvider: Provider = {
	name: 'metaGraph',
	label: 'Meta Graph API',
	platforms: ['messenger', 'instagram'],
	capabilities: META_CAPABILITIES,
	secrets: metaSecrets,
	createPlatform: createMetaPlatform,
	webhook: metaWebhook,
	controlSecret: (credentials) => String(credentials.appSecret ?? ''),
};

export const instagramLoginProvider: Provider = {
	...metaGraphProvider,
	name: 'instagramLogin',
	label: 'Instagram Login',
	platforms: ['instagram'],
};
