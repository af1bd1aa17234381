/**
 * The trigger's side of X: the X Activity API (not the Account Activity API, which ends on 2027-01-01).
 * Activation registers the n8n URL with `POST /2/webhooks` (X checks it with a CRC GET first) and
 * subscribes the account to `dm.received` (and `dm.sent` for Include Echoes), `dm.read` and `dm.indicate_typing`
 * as Trigger On asks, one subscription per event type, on that webhook; a webhook
 * already registered for this URL is reused, never registered twice. What activation created is kept in
 * the node's static data, so `checkExists` can be exact and deactivation removes just that.
 * Deliveries carry `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, raw body)>`.
 */
import { createHmac } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { safeEqual } from '../core/safeEqual';
import { readCredentials } from '../core/credentialType';
import type { Transport } from '../core/transport';
import type { ProviderWebhook, WebhookEndpoint } from '../provider';
import type { PlatformName } from '../types';
import { XActivity, type XSubscription, type XWebhook } from './activity';
import { parseActivityDelivery } from './activityEvents';
import { downloadAttachments } from './attachments';

export const SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

/** What activation registered, in the node's static data under `xActivity`. */
export interface XRegistration {
	url: string;
	webhookId: string;
	/** The webhook was registered by this trigger (deactivation deletes it); false: it was there before. */
	webhookCreated: boolean;
	userId: string;
	/** Subscriptions this trigger created, by event type. */
	subscriptions: Record<string, string>;
}

/** `sha256=` + base64 HMAC-SHA256 of the message with the app's consumer secret (API Key Secret). */
export function xHmac(consumerSecret: string, message: string | Buffer): string {
	return `sha256=${createHmac('sha256', consumerSecret).update(message).digest('base64')}`;
}

/** The answer to X's CRC: `{response_token}` for the `crc_token` X sent. */
export function crcResponse(consumerSecret: string, crcToken: string): { response_token: string } {
	return { response_token: xHmac(consumerSecret, crcToken) };
}

export function isSignedByX(rawBody: Buffer, header: unknown, consumerSecret: string): boolean {
	if (typeof header !== 'string' || !consumerSecret) return false;
	return safeEqual(header.trim(), xHmac(consumerSecret, rawBody));
}

function consumerSecretOf(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.xApiKeySecret ?? '').trim();
}

/** Downloads wait for no rate limit and give up after 30 s each: the execution starts when they are done. */
const DOWNLOAD_OPTIONS = { maxRateLimitWaitMs: 0, requestTimeoutMs: 30_000 };

type TransportFor = (ctx: IHookFunctions | IWebhookFunctions, credentials: ICredentialDataDecryptedObject, options?: typeof DOWNLOAD_OPTIONS) => Transport;

function open(transportFor: TransportFor, ctx: IHookFunctions | IWebhookFunctions, credentials: ICredentialDataDecryptedObject, platform: PlatformName): WebhookEndpoint {
	const secret = consumerSecretOf(credentials);
	let transport: Transport | undefined;
	return {
		async downloadAttachments(event) {
			try {
				transport ??= transportFor(ctx, credentials, DOWNLOAD_OPTIONS);
			} catch (error) {
				return event.attachments.map(() => ({ error: (error as Error).message }));
			}
			return await downloadAttachments(transport, event);
		},
		handshake(query) {
			const token = query.crc_token;
			if (typeof token !== 'string' || !token) return { status: 400, contentType: 'text/plain', body: 'Missing crc_token' };
			if (!secret) return { status: 403, contentType: 'text/plain', body: 'The credential has no API Key Secret to answer the CRC with' };
			return { status: 200, body: crcResponse(secret, token) };
		},
		refuseUnsigned(rawBody, headers) {
			const signature = headers[SIGNATURE_HEADER];
			if (!signature) return { status: 401, body: 'Missing X-Twitter-Webhooks-Signature' };
			if (!Buffer.isBuffer(rawBody) || !isSignedByX(rawBody, signature, secret)) return { status: 403, body: 'Invalid signature' };
			return undefined;
		},
		accepted: { status: 200, body: { status: 'received' } },
		parse(body, options) {
			return platform === 'x' ? parseActivityDelivery(body, { includeRaw: options.includeRaw }) : [];
		},
	};
}

/** Trigger On's events on X, and the Activity API event type each subscribes to. */
export const X_EVENT_TYPES: Record<string, string> = { message: 'dm.received', read: 'dm.read', typing: 'dm.indicate_typing' };

/**
 * The Activity API event types this trigger subscribes to, one subscription each: people's messages (and the
 * account's own with Include Echoes), reads and typing, as Trigger On asks.
 */
function wantedTypes(ctx: IHookFunctions): string[] {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const events = ctx.getNodeParameter('events', []) as string[];
	const types = Object.entries(X_EVENT_TYPES).filter(([event]) => events.includes(event)).map(([, type]) => type);
	return options.includeEchoes === true && events.includes('message') ? [...types, 'dm.sent'] : types;
}

/** Names the workflow on X's side (the subscription's tag, at most 200 characters). */
function tagFor(ctx: IHookFunctions): string {
	const workflow = ctx.getWorkflow();
	return `n8n workflow ${String(workflow.id ?? '')}${workflow.name ? ` (${workflow.name})` : ''}`.slice(0, 200);
}

const MANUAL_CLEANUP =
	'Deactivation removed what it could. Remove the rest in the developer portal, or with DELETE /2/activity/subscriptions/{id} and DELETE /2/webhooks/{id} (Bearer Token).';

const isDuplicateUrl = (error: unknown) => /DuplicateUrl/i.test(`${(error as Error)?.message ?? ''} ${(error as { description?: string })?.description ?? ''}`);

function failure(ctx: IHookFunctions, error: unknown): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), error as Error, { description: error instanceof InputError ? error.description : undefined });
}

/** The webhook side; `transportFor` comes from the provider (one way to build the transport). */
export function xWebhook(transportFor: TransportFor): ProviderWebhook {
	async function setUp(ctx: IHookFunctions) {
		const credentials = await readCredentials(ctx);
		const oauth2 = credentials.provider === 'xOAuth2';
		const missing = [
			...(oauth2 && !consumerSecretOf(credentials) ? ['API Key Secret'] : []),
			...(!String(credentials.xBearerToken ?? '').trim() ? ['Bearer Token'] : []),
		];
		if (missing.length > 0) {
			throw failure(ctx, new InputError(
				`The ${oauth2 ? 'X OAuth2' : 'X API'} credential has no ${missing.join(' and no ')}`,
				oauth2
					? 'Webhook mode needs the app\'s API Key Secret (X\'s CRC checks and delivery signatures) and its Bearer Token (POST /2/webhooks is app-only): copy both from the developer portal > your app > Keys and tokens into the X OAuth2 credential. Or use the Social Messaging Poll Trigger, which needs neither.'
					: 'The trigger registers its webhook with the app\'s Bearer Token: copy it from the developer portal > your app > Keys and tokens.',
			));
		}
		try {
			return { activity: new XActivity(transportFor(ctx, credentials)), url: ctx.getNodeWebhookUrl('default') as string };
		} catch (error) {
			throw failure(ctx, error);
		}
	}
	const stored = (ctx: IHookFunctions) => ctx.getWorkflowStaticData('node').xActivity as XRegistration | undefined;

	/** This URL's webhook: found on X, or registered now (X's CRC reaches the trigger's GET webhook meanwhile). */
	async function webhookFor(activity: XActivity, url: string, before: XRegistration | undefined): Promise<{ webhook: XWebhook; created: boolean; now: boolean }> {
		const existing = (await activity.webhooks()).find((webhook) => webhook.url === url);
		// A webhook on this trigger's own URL serves nothing else: it is this trigger's, whoever registered it.
		if (existing) return { webhook: existing, created: before?.webhookId === existing.id ? before.webhookCreated : true, now: false };
		return await activity.createWebhook(url).then(
			(webhook) => ({ webhook, created: true, now: true }),
			async (error: unknown) => {
				// Registered meanwhile (another activation of this workflow): use that one.
				const again = isDuplicateUrl(error) ? (await activity.webhooks()).find((webhook) => webhook.url === url) : undefined;
				if (!again) throw error;
				return { webhook: again, created: true, now: false };
			},
		);
	}

	/** The subscriptions the options want, on the registration's webhook: found, or created now. */
	async function subscribeAll(ctx: IHookFunctions, activity: XActivity, registration: XRegistration, before: XRegistration | undefined): Promise<void> {
		const staticData = ctx.getWorkflowStaticData('node');
		const wanted = wantedTypes(ctx);
		const current = await activity.subscriptions();
		const ours = (entry: XSubscription) => entry.webhookId === registration.webhookId && entry.userId === registration.userId;
		for (const type of wanted) {
			const found = current.find((entry) => ours(entry) && entry.eventType === type);
			registration.subscriptions[type] = found ? found.id : (await activity.subscribe(type, registration.userId, registration.webhookId, tagFor(ctx))).id;
			staticData.xActivity = { ...registration, subscriptions: { ...registration.subscriptions } } as unknown as IDataObject;
		}
		// Subscriptions this trigger made before for event types it no longer wants (Include Echoes turned off).
		for (const [type, id] of Object.entries(before?.subscriptions ?? {})) {
			if (!wanted.includes(type) && current.some((entry) => entry.id === id)) await activity.unsubscribe(id);
		}
	}

	return {
		open: (ctx, credentials, platform) => open(transportFor, ctx, credentials, platform),
		async checkExists(ctx) {
			const registration = stored(ctx);
			if (!registration) return false;
			const { activity, url } = await setUp(ctx);
			if (registration.url !== url) return false;
			const webhook = (await activity.webhooks()).find((entry) => entry.id === registration.webhookId);
			if (!webhook || webhook.url !== url || !webhook.valid) return false;
			const wanted = wantedTypes(ctx);
			if (Object.keys(registration.subscriptions).sort().join() !== [...wanted].sort().join()) return false;
			const subscriptions = await activity.subscriptions();
			return wanted.every((type) =>
				subscriptions.some((entry) => entry.id === registration.subscriptions[type] && entry.eventType === type && entry.webhookId === webhook.id && entry.userId === registration.userId),
			);
		},
		async create(ctx) {
			// Events X does not have (stored under another platform, or from an expression) are ignored; one of X's is needed.
			if (wantedTypes(ctx).length === 0) {
				throw failure(ctx, new InputError(
					'On X the trigger starts on Message, Read or Typing',
					'Choose at least one of them in Trigger On: X\'s Activity API delivers direct messages (dm.received, and the account\'s own dm.sent with Include Echoes), reads (dm.read) and typing (dm.indicate_typing).',
				));
			}
			const { activity, url } = await setUp(ctx);
			const staticData = ctx.getWorkflowStaticData('node');
			const before = stored(ctx);
			const userId = await activity.ownId();
			const { webhook, created, now } = await webhookFor(activity, url, before);
			if (!webhook.valid) await activity.revalidateWebhook(webhook.id);
			const registration: XRegistration = { url, webhookId: webhook.id, webhookCreated: created, userId, subscriptions: {} };
			// Kept at once: a failure further on leaves what exists for deactivation (n8n's clean-up) to remove.
			staticData.xActivity = registration as unknown as IDataObject;
			await subscribeAll(ctx, activity, registration, before).catch(async (error: unknown) => {
				// n8n's clean-up after a failed activation sees the static data of before it: undo the webhook registered now.
				if (now) {
					await activity.deleteWebhook(webhook.id).then(
						() => delete staticData.xActivity,
						() => undefined,
					);
				}
				throw new NodeOperationError(ctx.getNode(), error as Error, { description: (error as { description?: string }).description });
			});
			return true;
		},
		async remove(ctx) {
			const staticData = ctx.getWorkflowStaticData('node');
			const registration = stored(ctx);
			if (!registration) return true;
			const { activity } = await setUp(ctx);
			const failures: string[] = [];
			let firstError: Error | undefined;
			const attempt = async (step: string, run: () => Promise<void>) => {
				try {
					await run();
				} catch (error) {
					failures.push(`${step} failed: ${(error as Error).message}`);
					firstError ??= error as Error;
				}
			};
			await attempt('removing the activity subscriptions', async () => {
				const existing = new Set((await activity.subscriptions()).map((entry) => entry.id));
				for (const id of Object.values(registration.subscriptions)) if (existing.has(id)) await activity.unsubscribe(id);
			});
			if (registration.webhookCreated && failures.length === 0) {
				await attempt('removing the webhook', async () => {
					const webhook = (await activity.webhooks()).find((entry) => entry.id === registration.webhookId);
					if (webhook && webhook.url === registration.url) await activity.deleteWebhook(webhook.id);
				});
			}
			if (failures.length === 0) {
				delete staticData.xActivity;
				return true;
			}
			// The registration stays, so deactivating again retries what failed.
			throw new NodeOperationError(ctx.getNode(), firstError as Error, { message: `Could not remove the webhook from X: ${failures.join('; ')}`, description: MANUAL_CLEANUP });
		},
	};
}
