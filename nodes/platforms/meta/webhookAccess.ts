/**
 * Everything the trigger needs from a credential to run a Meta webhook: the subscription API, the
 * verify token, and the signature check. Secrets stay in here; the trigger never sees them.
 */
import type { ICredentialDataDecryptedObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { Transport } from '../core/transport';
import type { MessagingEventType } from '../types';
import { graphProtocol } from './protocol';
import { apiBaseUrl, appApiBaseUrl, metaProviderOf, metaSecrets, requirePageId, type MetaProviderName } from './settings';
import { MetaSubscriptions } from './subscriptions';
import { WEBHOOK_OBJECTS, deriveVerifyToken, verifySignature, webhookFields } from './webhook';

export interface WebhookAccess {
	provider: MetaProviderName;
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

export function webhookAccess(
	ctx: IHookFunctions | IWebhookFunctions,
	credentials: ICredentialDataDecryptedObject,
	platform: 'messenger' | 'instagram',
): WebhookAccess {
	const provider = metaProviderOf(credentials);
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
	requirePageId(credentials);

	const secrets = metaSecrets(credentials);
	const app = new Transport(ctx, { baseUrl: appApiBaseUrl(credentials), protocol: graphProtocol, secrets });
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
