/**
 * Activation and deactivation of the trigger: registers the webhook with Meta at app level and at
 * Page / account level, refuses to silently take over another workflow's callback URL, and on
 * deactivation removes exactly what it added.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { readCredentials } from '../core/credentialType';
import type { MessagingEventType } from '../types';
import type { AppSubscription } from './subscriptions';
import { webhookAccess } from './webhookAccess';
import { metaSays } from './metaSays';
import { isOwnProductionUrl, isTestListen, productionHasWebhook, refusedTakeover, type BorrowedRegistration } from './testListen';

/** What activation added, kept in static data so deactivation can undo just that. */
interface Registration {
	object: string;
	callbackUrl: string;
	appFields: string[];
	/** The account was not subscribed to the app before: deactivation unsubscribes it. */
	accountSubscribedByUs: boolean;
	/** Fields this trigger added to an existing account subscription. */
	accountFieldsAdded: string[];
	/** A test listen borrowed the app's webhook from this trigger's production URL: give it back on removal. */
	borrowedFrom?: BorrowedRegistration;
}

interface Settings {
	platform: 'messenger' | 'instagram';
	eventTypes: MessagingEventType[];
	includeEchoes: boolean;
	replaceExisting: boolean;
}

function settings(ctx: IHookFunctions): Settings {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return {
		platform: ctx.getNodeParameter('platform') as Settings['platform'],
		eventTypes: ctx.getNodeParameter('events', []) as MessagingEventType[],
		includeEchoes: options.includeEchoes === true,
		replaceExisting: options.replaceExistingWebhook === true,
	};
}

/** Static-data key of the registration checkExists saw a test listen about to borrow (read once by create). */
const BORROW_HANDOFF = 'testListenBorrows';

function staticRegistration(ctx: IHookFunctions): IDataObject {
	return ctx.getWorkflowStaticData('node');
}

function missing(wanted: string[], have: string[]): string[] {
	return wanted.filter((field) => !have.includes(field));
}

async function access(ctx: IHookFunctions, platform: Settings['platform']) {
	try {
		return webhookAccess(ctx, await readCredentials(ctx), platform);
	} catch (error) {
		const description = error instanceof InputError ? error.description : undefined;
		throw new NodeOperationError(ctx.getNode(), error as Error, { description });
	}
}

/** Meta's error code on a NodeApiError from the transport, if any. */
function metaCode(error: unknown): number | undefined {
	const code = Number((error as { context?: IDataObject }).context?.platformErrorCode);
	return Number.isFinite(code) ? code : undefined;
}

/** Graph codes for an app access token that is invalid, missing, or not accepted where it was sent. */
const APP_TOKEN_CODES = new Set([15, 102, 104, 190]);

/**
 * Gives activation errors the trigger-specific hint: which URL Meta could not verify, that app-level
 * calls use the App ID and App Secret, and which permission subscribing the Page needs.
 */
function activationError(ctx: IHookFunctions, error: unknown, step: 'app' | 'account', webhookUrl: string): Error {
	const code = metaCode(error);
	if (step === 'app' && code === 2200) {
		return new NodeOperationError(ctx.getNode(), error as Error, {
			message: `Meta could not verify the webhook URL ${webhookUrl}`,
			description: `Before it accepts a webhook, Meta sends a GET request to the URL and expects this trigger's answer. n8n must be reachable from the internet over HTTPS at exactly this address; set WEBHOOK_URL when n8n runs behind a reverse proxy or tunnel.${metaSays(error)}`,
		});
	}
	if (step === 'app' && code !== undefined && APP_TOKEN_CODES.has(code)) {
		return new NodeOperationError(ctx.getNode(), error as Error, {
			message: 'Meta refused the app access token made of the App ID and App Secret',
			description: `Webhook subscriptions are app-level calls that use "App ID|App Secret" as token. Copy both again from App Dashboard > App settings > Basic into the Social Messaging credential; the App Secret must belong to the same app as the App ID.${metaSays(error)}`,
		});
	}
	if (step === 'account' && (code === 200 || code === 10)) {
		return new NodeOperationError(ctx.getNode(), error as Error, {
			message: 'The token may not subscribe the Page or Instagram account to the app',
			description: `Subscribing the Page (subscribed_apps) needs the pages_manage_metadata permission on the Page access token, and pages_messaging or instagram_manage_messages for the messages; with Instagram Login the token needs instagram_business_manage_messages. Re-create the token with them.${metaSays(error)}`,
		});
	}
	return error as Error;
}

async function step<T>(ctx: IHookFunctions, which: 'app' | 'account', webhookUrl: string, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		throw activationError(ctx, error, which, webhookUrl);
	}
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const { platform, eventTypes, includeEchoes, replaceExisting } = settings(this);
	if (eventTypes.length === 0 && !includeEchoes) {
		throw new NodeOperationError(this.getNode(), 'No events selected', {
			description: 'Choose at least one event under "Trigger On".',
		});
	}
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const meta = await access(this, platform);
	const fields = meta.fieldsFor(eventTypes, includeEchoes);
	if (fields.app.length === 0) {
		throw new NodeOperationError(this.getNode(), `None of the chosen events exist on ${platform === 'instagram' ? 'Instagram' : 'Messenger'}`, {
			description: 'Delivery, Message Edit and Opt-In are Messenger-only. Choose at least one other event under "Trigger On".',
		});
	}

	const current = await step(this, 'app', webhookUrl, async () => await meta.subscriptions.appSubscription(meta.object));
	const store = staticRegistration(this);
	if (BORROW_HANDOFF in store) delete store[BORROW_HANDOFF];
	if (!current) return false;
	if (current.callbackUrl !== webhookUrl) {
		if (isTestListen(this)) {
			const own = isOwnProductionUrl(this, current.callbackUrl, webhookUrl);
			if (!own && replaceExisting) throw refusedTakeover(this, meta.object, current.callbackUrl);
			if (own && !replaceExisting) throw productionHasWebhook(this, meta.object, current.callbackUrl);
			// n8n calls create right after on the same workflow: it takes this over instead of reading again.
			if (own) store[BORROW_HANDOFF] = { callbackUrl: current.callbackUrl, fields: current.fields } satisfies BorrowedRegistration;
		}
		if (replaceExisting) return false;
		throw new NodeOperationError(
			this.getNode(),
			`This Meta app already sends "${meta.object}" webhooks to another URL: ${current.callbackUrl}`,
			{
				description:
					'A Meta app has exactly one callback URL per webhook object, so registering this trigger would silently stop the other one. Deactivate the workflow that uses that URL (or remove the webhook in App Dashboard > Webhooks), or turn on "Replace Existing Webhook" in this trigger\'s options to move the webhook here. The test URL and the production URL of the same trigger also count as different URLs.',
			},
		);
	}
	if (!current.active || missing(fields.app, current.fields).length > 0) return false;
	const accountFields = await step(this, 'account', webhookUrl, async () => await meta.subscriptions.accountSubscription());
	return accountFields !== undefined && missing(fields.account, accountFields).length === 0;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const { platform, eventTypes, includeEchoes } = settings(this);
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const meta = await access(this, platform);
	const fields = meta.fieldsFor(eventTypes, includeEchoes);
	const store = staticRegistration(this);
	// Still there when this trigger registers again without having been deactivated in between (Meta
	// dropped a field, or n8n restarted and found the registration incomplete): what it added then
	// is still its own to remove.
	const previous = store.registration as Registration | undefined;
	const carried = previous?.object === meta.object ? previous : undefined;

	// A test listen about to take the webhook from this trigger's production URL remembers it (checkExists
	// refused any other owner), so removal can give it back.
	let borrowedFrom = carried?.borrowedFrom;
	if (isTestListen(this)) {
		const handedOver = store[BORROW_HANDOFF] as BorrowedRegistration | undefined;
		if (handedOver) {
			borrowedFrom = handedOver;
			delete store[BORROW_HANDOFF];
		}
	}

	// Meta calls webhookUrl with the verification challenge while this request is under way.
	await step(this, 'app', webhookUrl, async () => await meta.subscriptions.subscribeApp(meta.object, webhookUrl, fields.app, meta.verifyToken));

	const { before, added } = await step(this, 'account', webhookUrl, async () => {
		const subscribed = await meta.subscriptions.accountSubscription();
		const adding = missing(fields.account, subscribed ?? []);
		if (subscribed === undefined || adding.length > 0) {
			await meta.subscriptions.subscribeAccount([...(subscribed ?? []), ...adding]);
		}
		return { before: subscribed, added: adding };
	});

	const registration: Registration = {
		object: meta.object,
		callbackUrl: webhookUrl,
		appFields: fields.app,
		accountSubscribedByUs: before === undefined || carried?.accountSubscribedByUs === true,
		accountFieldsAdded: [...new Set([...(carried?.accountFieldsAdded ?? []), ...added])],
		...(borrowedFrom ? { borrowedFrom } : {}),
	};
	Object.assign(store, { registration });
	return true;
}

const MANUAL_CLEANUP =
	'Deactivation removed what it could. Remove the rest by hand: the webhook under App Dashboard > Webhooks (or DELETE /{app-id}/subscriptions?object=...), and the app under the Page\'s or Instagram account\'s subscribed apps (DELETE /{id}/subscribed_apps).';

export async function remove(this: IHookFunctions): Promise<boolean> {
	const { platform } = settings(this);
	const store = staticRegistration(this);
	const registration = store.registration as Registration | undefined;
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const meta = await access(this, platform);
	const failures: Array<{ step: string; error: Error }> = [];

	let subscriptions: AppSubscription[];
	try {
		subscriptions = await meta.subscriptions.appSubscriptions();
	} catch (error) {
		throw new NodeOperationError(this.getNode(), error as Error, {
			message: `Could not remove the webhook from Meta: reading the app's webhook subscriptions failed: ${(error as Error).message}`,
			description: MANUAL_CLEANUP,
		});
	}
	const own = subscriptions.find((entry) => entry.object === meta.object);

	// Only remove the app subscription while it still points here; another workflow may own it now.
	if (own?.callbackUrl === webhookUrl) {
		const borrowedFrom = registration?.borrowedFrom;
		let givenBack = false;
		if (borrowedFrom) {
			// Meta verifies the production URL again; its webhook answers with the same derived verify token.
			try {
				await meta.subscriptions.subscribeApp(meta.object, borrowedFrom.callbackUrl, borrowedFrom.fields, meta.verifyToken);
				givenBack = true;
			} catch (error) {
				failures.push({ step: `giving the app's "${meta.object}" webhook back to ${borrowedFrom.callbackUrl} (is that workflow still active?)`, error: error as Error });
			}
			// Meta keeps the fields of every registration: drop the ones only the test asked for.
			const testOnly = missing(registration?.appFields ?? [], borrowedFrom.fields);
			if (givenBack && testOnly.length > 0) {
				try {
					await meta.subscriptions.unsubscribeAppFields(meta.object, testOnly);
				} catch (error) {
					failures.push({ step: `removing the test's fields (${testOnly.join(', ')}) from the app's "${meta.object}" webhook`, error: error as Error });
				}
			}
		}
		// Without an owner to give it back to, the webhook goes: Meta must not keep posting to a dead test URL.
		if (!givenBack) {
			try {
				await meta.subscriptions.unsubscribeApp(meta.object);
			} catch (error) {
				failures.push({ step: `removing the app's "${meta.object}" webhook`, error: error as Error });
			}
		}
	}

	// The account subscription is left alone when another URL now owns this object's webhook (that
	// workflow needs it) or when the app still serves the object that shares it (Messenger and
	// Instagram with Facebook Login both ride on the Page's subscription).
	const takenOver = own !== undefined && own.callbackUrl !== webhookUrl;
	const shared = subscriptions.some((entry) => meta.accountSharedWith.includes(entry.object as 'page' | 'instagram'));
	if (registration && !takenOver && !shared) {
		try {
			if (registration.accountSubscribedByUs) {
				await meta.subscriptions.unsubscribeAccount();
			} else if (registration.accountFieldsAdded.length > 0) {
				const now = await meta.subscriptions.accountSubscription();
				if (now !== undefined) {
					const keep = now.filter((field) => !registration.accountFieldsAdded.includes(field));
					if (keep.length > 0) await meta.subscriptions.subscribeAccount(keep);
					else await meta.subscriptions.unsubscribeAccount();
				}
			}
		} catch (error) {
			failures.push({ step: 'removing the Page or account subscription (subscribed_apps)', error: error as Error });
		}
	}

	if (failures.length === 0) {
		delete store.registration;
		return true;
	}
	// Every step was tried; the registration stays, so deactivating again retries what failed.
	throw new NodeOperationError(this.getNode(), failures[0].error, {
		message: `Could not remove the webhook from Meta: ${failures.map((failure) => `${failure.step} failed: ${failure.error.message}`).join('; ')}`,
		description: MANUAL_CLEANUP,
	});
}
