/**
 * Activation and deactivation of the trigger: registers the webhook with Meta at app level and at
 * Page / account level, refuses to silently take over another workflow's callback URL, and on
 * deactivation removes exactly what it added.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InputError } from '../platforms/inputError';
import type { MessagingEventType } from '../platforms/types';
import { webhookAccess } from '../platforms/webhooks';

/** What activation added, kept in static data so deactivation can undo just that. */
interface Registration {
	object: string;
	callbackUrl: string;
	appFields: string[];
	/** The account was not subscribed to the app before: deactivation unsubscribes it. */
	accountSubscribedByUs: boolean;
	/** Fields this trigger added to an existing account subscription. */
	accountFieldsAdded: string[];
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

function staticRegistration(ctx: IHookFunctions): IDataObject {
	return ctx.getWorkflowStaticData('node');
}

function missing(wanted: string[], have: string[]): string[] {
	return wanted.filter((field) => !have.includes(field));
}

async function access(ctx: IHookFunctions, platform: Settings['platform']) {
	try {
		return await webhookAccess(ctx, platform);
	} catch (error) {
		const description = error instanceof InputError ? error.description : undefined;
		throw new NodeOperationError(ctx.getNode(), error as Error, { description });
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

	const current = await meta.subscriptions.appSubscription(meta.object);
	if (!current) return false;
	if (current.callbackUrl !== webhookUrl) {
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
	const accountFields = await meta.subscriptions.accountSubscription();
	return accountFields !== undefined && missing(fields.account, accountFields).length === 0;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const { platform, eventTypes, includeEchoes } = settings(this);
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const meta = await access(this, platform);
	const fields = meta.fieldsFor(eventTypes, includeEchoes);

	// Meta calls webhookUrl with the verification challenge while this request is under way.
	await meta.subscriptions.subscribeApp(meta.object, webhookUrl, fields.app, meta.verifyToken);

	const before = await meta.subscriptions.accountSubscription();
	const added = missing(fields.account, before ?? []);
	if (before === undefined || added.length > 0) {
		await meta.subscriptions.subscribeAccount([...(before ?? []), ...added]);
	}

	const registration: Registration = {
		object: meta.object,
		callbackUrl: webhookUrl,
		appFields: fields.app,
		accountSubscribedByUs: before === undefined,
		accountFieldsAdded: added,
	};
	Object.assign(staticRegistration(this), { registration });
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	const { platform } = settings(this);
	const store = staticRegistration(this);
	const registration = store.registration as Registration | undefined;
	const webhookUrl = this.getNodeWebhookUrl('default') as string;
	const meta = await access(this, platform);

	const current = await meta.subscriptions.appSubscription(meta.object);
	// Only remove the app subscription while it still points here; another workflow may own it now.
	if (current && current.callbackUrl === webhookUrl) {
		await meta.subscriptions.unsubscribeApp(meta.object);
	}

	if (registration?.accountSubscribedByUs) {
		await meta.subscriptions.unsubscribeAccount();
	} else if (registration && registration.accountFieldsAdded.length > 0) {
		const now = (await meta.subscriptions.accountSubscription()) ?? [];
		const keep = now.filter((field) => !registration.accountFieldsAdded.includes(field));
		if (keep.length > 0) await meta.subscriptions.subscribeAccount(keep);
		else await meta.subscriptions.unsubscribeAccount();
	}
	delete store.registration;
	return true;
}
