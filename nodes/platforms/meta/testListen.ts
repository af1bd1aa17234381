/**
 * "Listen for test event" on a Meta trigger. A Meta app has one callback URL per webhook object, so a
 * test listen that registers the test URL takes the webhook away from whoever had it. It may borrow it
 * only from this same trigger's production URL, and gives it back when listening ends: restoring means
 * registering that URL again, which Meta verifies with a GET answered by the production webhook with
 * its verify token, and that token is this trigger's own (derived from the App Secret, the workflow and
 * the node, the same for its test and production URLs). Another workflow's or tool's registration
 * could not be given back (its verify token is unknown here), so a test listen refuses to take it over.
 */
import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** The registration a test listen borrowed, to give back when listening ends. */
export interface BorrowedRegistration {
	callbackUrl: string;
	fields: string[];
}

/** n8n runs checkExists / create of a test listen in mode "manual" (production: "trigger"). */
export function isTestListen(ctx: IHookFunctions): boolean {
	return ctx.getMode() === 'manual' || ctx.getActivationMode() === 'manual';
}

/** Whether `url` is the production URL of the trigger whose test URL is `testUrl` (same webhook id and path). */
export function isOwnProductionUrl(ctx: IHookFunctions, url: string, testUrl: string): boolean {
	const webhookId = ctx.getNode().webhookId;
	if (!webhookId || url === testUrl) return false;
	try {
		return new URL(url).pathname.replace(/\/+$/, '').endsWith(`/${webhookId}/webhook`);
	} catch {
		return false;
	}
}

/** Listening with Replace Existing Webhook, but the webhook belongs to someone it could not be given back to. */
export function refusedTakeover(ctx: IHookFunctions, object: string, ownerUrl: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Listening for a test event would take this Meta app's "${object}" webhook away from ${ownerUrl}`, {
		description:
			'A Meta app has one callback URL per webhook object. A test listen borrows the webhook only from this trigger\'s own production URL and gives it back when listening ends; another workflow or tool could not be given it back and would silently stop receiving events. Deactivate the workflow that uses that URL (or remove the webhook in App Dashboard > Webhooks) and listen again, or activate this workflow with "Replace Existing Webhook" to move the webhook here for good.',
	});
}

/** Listening without Replace Existing Webhook while this trigger's own production URL has the webhook. */
export function productionHasWebhook(ctx: IHookFunctions, object: string, productionUrl: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `This workflow is active: its production URL receives the Meta app's "${object}" webhooks (${productionUrl})`, {
		description:
			'A Meta app has one callback URL per webhook object, so the test URL can only receive events by borrowing it. Turn on "Replace Existing Webhook" in this trigger\'s options to borrow it for the test: the production URL gets it back when listening ends, and meanwhile the events go to the test URL. Or test with the workflow\'s executions instead.',
	});
}
