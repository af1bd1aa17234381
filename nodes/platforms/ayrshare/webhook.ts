/**
 * The trigger's side of Ayrshare: the `messages` webhook registered with `POST /hook/webhook` (checked with
 * GET, removed with DELETE only when it is still the one this trigger registered), deliveries checked
 * against the HMAC-SHA256 signature headers in constant time (hex or base64; during a secret rotation
 * either signature), and deduplicated for 24 hours by the event's hookId and by the delivery id header,
 * as Ayrshare retries one delivery for about an hour.
 */
import { createHmac, timingSafeEqual } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { SeenSet, keyHash, type SeenSetLimits } from '../core/seenSet';
import { readCredentials } from '../core/credentialType';
import type { Transport } from '../core/transport';
import type { ProviderWebhook, WebhookEndpoint } from '../provider';
import type { MessagingEvent, PlatformName } from '../types';
import { toEvent } from './incoming';

export const SIGNATURE_HEADERS = ['x-authorization-content-sha256', 'x-authorization-content-sha256-v2'];

const DAY_MS = 24 * 60 * 60 * 1000;
const SEEN_LIMITS: SeenSetLimits = { windowMs: DAY_MS, maxEntries: 10_000, bucketSpanMs: 2 * 60 * 60 * 1000, bucketMaxEntries: 1000, maxChars: 49_000 };

function webhookSecret(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.ayrshareWebhookSecret ?? '').trim();
}

/** Whether one header value is the HMAC of the body, as hex or base64. */
function matches(expected: Buffer, value: unknown): boolean {
	if (typeof value !== 'string' || !value.trim()) return false;
	const text = value.trim().replace(/^sha256=/i, '');
	const candidates = [/^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : undefined, Buffer.from(text, 'base64')];
	return candidates.some((digest) => digest !== undefined && digest.length === expected.length && timingSafeEqual(digest, expected));
}

export function isSignedByAyrshare(rawBody: Buffer, headers: IDataObject, secret: string): boolean {
	const expected = createHmac('sha256', secret).update(rawBody).digest();
	// Every header is checked (no early exit), so the time taken does not tell which one matched.
	return SIGNATURE_HEADERS.map((name) => matches(expected, headers[name])).some(Boolean);
}

export const DELIVERY_ID_HEADER = 'x-ayrshare-delivery-id';

/**
 * Drops events delivered before within 24 hours (Ayrshare's retries), remembered in the trigger's static
 * data: by the event's own key (its hookId) and by the delivery id Ayrshare keeps across retries.
 */
function firstSightings(ctx: IWebhookFunctions, events: MessagingEvent[]): MessagingEvent[] {
	const staticData = ctx.getWorkflowStaticData('node');
	const seen = new SeenSet(SEEN_LIMITS, staticData.ayrshareSeen);
	const now = Date.now();
	seen.prune(now);
	const deliveryId = String(ctx.getHeaderData()[DELIVERY_ID_HEADER] ?? '').trim();
	// One event per delivery: a retry keeps both its hookId and its delivery id.
	const fresh = events.filter((event) => {
		const hashes = [keyHash(event.dedupeKey), ...(deliveryId ? [keyHash(`ayrshare-delivery:${deliveryId}`)] : [])];
		if (hashes.some((hash) => seen.has(hash))) return false;
		for (const hash of hashes) seen.add(hash, now);
		return true;
	});
	if (seen.changed) staticData.ayrshareSeen = seen.toJSON() as unknown as IDataObject;
	return fresh;
}

function open(ctx: IHookFunctions | IWebhookFunctions, credentials: ICredentialDataDecryptedObject, platform: PlatformName): WebhookEndpoint {
	const secret = webhookSecret(credentials);
	return {
		handshake: () => ({ status: 200, contentType: 'text/plain', body: 'This URL receives Ayrshare message webhooks by POST.' }),
		refuseUnsigned(rawBody, headers) {
			if (!secret) return { status: 401, body: 'The credential has no Ayrshare Webhook Secret to check the signature with' };
			if (!SIGNATURE_HEADERS.some((name) => headers[name])) return { status: 401, body: 'Missing X-Authorization-Content-SHA256' };
			if (!Buffer.isBuffer(rawBody) || !isSignedByAyrshare(rawBody, headers, secret)) return { status: 403, body: 'Invalid signature' };
			return undefined;
		},
		accepted: { status: 200, body: { status: 'success' } },
		parse(body, options) {
			if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
			const event = toEvent(body as IDataObject, options.includeRaw);
			if (!event || event.platform !== platform) return [];
			return firstSightings(ctx as IWebhookFunctions, [event]);
		},
	};
}

/** Ayrshare's list of webhooks: an array of `{action, url}` or an object keyed by action. */
function registeredUrl(answer: IDataObject): string | undefined {
	const list = answer.webhooks ?? answer.data ?? answer;
	if (Array.isArray(list)) {
		const entry = (list as IDataObject[]).find((hook) => hook?.action === 'messages');
		return typeof entry?.url === 'string' ? entry.url : undefined;
	}
	const value = (list as IDataObject).messages;
	if (typeof value === 'string') return value;
	return value && typeof value === 'object' && typeof (value as IDataObject).url === 'string' ? String((value as IDataObject).url) : undefined;
}

function failure(ctx: IHookFunctions, error: unknown): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), error as Error, { description: error instanceof InputError ? error.description : undefined });
}

/** The webhook side; `transportFor` comes from the provider (one way to build the transport). */
export function ayrshareWebhook(transportFor: (ctx: IHookFunctions, credentials: ICredentialDataDecryptedObject) => Transport): ProviderWebhook {
	async function setUp(ctx: IHookFunctions) {
		const credentials = await readCredentials(ctx);
		try {
			return { credentials, transport: transportFor(ctx, credentials), url: ctx.getNodeWebhookUrl('default') as string };
		} catch (error) {
			throw failure(ctx, error);
		}
	}
	async function current(transport: Transport): Promise<string | undefined> {
		return registeredUrl(await transport.request<IDataObject>({ method: 'GET', path: '/hook/webhook', idempotent: true }));
	}
	return {
		open,
		async checkExists(ctx) {
			const { transport, url } = await setUp(ctx);
			return (await current(transport)) === url && ctx.getWorkflowStaticData('node').ayrshareWebhookUrl === url;
		},
		async create(ctx) {
			const { credentials, transport, url } = await setUp(ctx);
			const secret = webhookSecret(credentials);
			if (!secret) {
				throw failure(ctx, new InputError('The Ayrshare credential has no Webhook Secret', 'Enter a secret of your choice under Webhook Secret: Ayrshare signs every delivery with it and the trigger refuses unsigned ones.'));
			}
			const existing = await current(transport);
			const replace = (ctx.getNodeParameter('options', {}) as IDataObject).replaceExistingWebhook === true;
			if (existing && existing !== url && !replace) {
				throw failure(ctx, new InputError(
					`The Ayrshare profile already sends its messages webhook to ${existing}`,
					'Ayrshare keeps one messages webhook per profile. Deactivate the workflow that uses it, or turn on Options > Replace Existing Webhook to take it over.',
				));
			}
			await transport.request({ method: 'POST', path: '/hook/webhook', body: { action: 'messages', url, secret }, idempotent: true });
			ctx.getWorkflowStaticData('node').ayrshareWebhookUrl = url;
			return true;
		},
		async remove(ctx) {
			const staticData = ctx.getWorkflowStaticData('node');
			const ours = staticData.ayrshareWebhookUrl;
			if (typeof ours !== 'string') return true;
			const { transport } = await setUp(ctx);
			// Another workflow may have taken the profile's webhook over since: leave that one alone.
			if ((await current(transport)) === ours) await transport.request({ method: 'DELETE', path: '/hook/webhook', body: { action: 'messages' }, idempotent: true });
			delete staticData.ayrshareWebhookUrl;
			return true;
		},
	};
}

