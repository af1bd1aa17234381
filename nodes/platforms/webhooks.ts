/**
 * Everything the trigger needs from a credential to run a Meta webhook: the subscription API, the
 * verify token, and the signature check. Secrets stay in here; the trigger never sees them.
 */
import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { apiBaseUrl, credentialSecrets } from './index';
import { InputError } from './inputError';
import { DEFAULT_HOSTS, graphProtocol } from './meta/protocol';
import { MetaSubscriptions } from './meta/subscriptions';
import { WEBHOOK_OBJECTS, deriveVerifyToken, verifySignature, webhookFields } from './meta/webhook';
import { CREDENTIAL_TYPE, Transport } from './transport';
import type { MessagingEventType, ProviderName } from './types';

export interface WebhookAccess {
	provider: ProviderName;
	/** Meta's webhook object: `page` (Messenger) or `instagram`. */
	object: 'page' | 'instagram';
	subscriptions: MetaSubscriptions;
	/**
	 * Other webhook objects whose deliveries also depend on this credential's account subscription:
	 * a Page's `subscribed_apps` entry serves both Messenger (`page`) and Instagram with Facebook Login
	 * (`instagram`), so one trigger must not remove it while the app still serves the other.
	 */
	accountSharedWith: Array<'page' | 'instagram'>;
	verifyToken: string;
	/** Fields for the app subscription and for the Page / account subscription. */
	fieldsFor(eventTypes: MessagingEventType[], includeEchoes: boolean): { app: string[]; account: string[] };
	isSignedByMeta(rawBody: Buffer, signatureHeader: string | undefined): boolean;
}

export async function webhookAccess(
	ctx: IHookFunctions | IWebhookFunctions,
	platform: 'messenger' | 'instagram',
): Promise<WebhookAccess> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const provider = (credentials.provider ?? 'metaGraph') as ProviderName;
	const appId = String(credentials.appId ?? '').trim();
	const appSecret = String(credentials.appSecret ?? '');
	if (!appId || !appSecret) {
		throw new InputError(
			'The credential needs the App ID and App Secret for the trigger',
			'Meta registers webhooks per app and signs every delivery with the app secret. Copy both from App Dashboard > App settings > Basic into the Social Messaging credential.',
		);
	}
	if (provider === 'instagramLogin' && platform !== 'instagram') {
		throw new InputError('An Instagram Login credential only receives Instagram messages', 'Set Platform to Instagram, or use a Meta Graph API credential.');
	}
	if (provider === 'metaGraph' && !credentials.pageId) {
		throw new InputError('The credential has no Page ID', 'Open the Social Messaging credential and fill in the Page ID.');
	}

	const secrets = credentialSecrets(credentials);
	const version = String(credentials.graphApiVersion || 'v23.0');
	// App-level calls always go to graph.facebook.com, also for Instagram Login apps.
	const appHost = credentials.useCustomBaseUrl && credentials.baseUrl ? String(credentials.baseUrl) : DEFAULT_HOSTS.metaGraph;
	const app = new Transport(ctx, { baseUrl: `${appHost.replace(/\/+$/, '')}/${version}`, protocol: graphProtocol, secrets });
	const account = new Transport(ctx, { baseUrl: apiBaseUrl(credentials), protocol: graphProtocol, secrets });
	const accountNode =
		provider === 'instagramLogin' ? String(credentials.instagramAccountId || 'me') : String(credentials.pageId);

	return {
		provider,
		object: WEBHOOK_OBJECTS[platform],
		subscriptions: new MetaSubscriptions(app, account, { appId, accountNode }),
		accountSharedWith: provider === 'metaGraph' ? [platform === 'messenger' ? 'instagram' : 'page'] : [],
		verifyToken: deriveVerifyToken(appSecret, String(ctx.getWorkflow().id ?? ''), ctx.getNode().id),
		fieldsFor(eventTypes, includeEchoes) {
			return {
				app: webhookFields(platform, eventTypes, includeEchoes),
				// A Page subscribes with Page fields even when the events are Instagram's.
				account: webhookFields(provider === 'instagramLogin' ? 'instagram' : 'messenger', eventTypes, includeEchoes),
			};
		},
		isSignedByMeta: (rawBody, header) => verifySignature(rawBody, header, appSecret),
	};
}
