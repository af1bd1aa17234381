/**
 * The X Activity API's management routes: webhooks (`/2/webhooks`: list, register with a CRC first,
 * re-validate, delete) and activity subscriptions (`/2/activity/subscriptions`: create, list, delete),
 * scoped to the calling app. What X checks beyond the schema: the URL is not registered twice
 * (`DuplicateUrlFailed`), the CRC answer (`CrcValidationFailed`), the webhook of a subscription belongs
 * to the app, DM events only for an account that authorised the app.
 */
import { runCrc } from '../activity';
import { invalidRequest, problem, PROBLEMS } from '../errors';
import type { ActivitySubscriptionRecord, WebhookRecord, XState } from '../state';
import { ok, type RouteContext, type XRoute } from './types';

const iso = (ms: number) => new Date(ms).toISOString();

function renderWebhook(webhook: WebhookRecord) {
	return { id: webhook.id, url: webhook.url, valid: webhook.valid, created_at: iso(webhook.createdAt) };
}

function renderSubscription(subscription: ActivitySubscriptionRecord) {
	return {
		subscription_id: subscription.id,
		event_type: subscription.eventType,
		filter: { user_id: subscription.userId },
		...(subscription.tag ? { tag: subscription.tag } : {}),
		...(subscription.webhookId ? { webhook_id: subscription.webhookId } : {}),
		created_at: iso(subscription.createdAt),
		updated_at: iso(subscription.createdAt),
	};
}

/** X's refusal of a webhook registration: 400 with the reason X names (`DuplicateUrlFailed`, …). */
function webhookRefused(reason: string, detail: string) {
	return problem(400, 'Invalid Request', `${reason}: ${detail} (inferred wording)`, `${PROBLEMS}invalid-request`, { errors: [{ message: reason }] });
}

const appKey = (ctx: RouteContext) => ctx.caller.app.consumerKey;

function ownWebhook(ctx: RouteContext, id: string): WebhookRecord {
	const webhook = ctx.state.webhooks.get(id);
	if (!webhook || webhook.consumerKey !== appKey(ctx)) {
		throw problem(404, 'Not Found Error', `Could not find webhook with id: [${id}]. (inferred wording)`, `${PROBLEMS}resource-not-found`);
	}
	return webhook;
}

/** DM events are private: the account must have authorised the app (a token of this app acts as it). */
function authorised(state: XState, consumerKey: string, userId: string): boolean {
	return [...state.tokens.values()].some((token) => token.consumerKey === consumerKey && token.userId === userId && !token.revoked);
}

export const ACTIVITY_ROUTES: XRoute[] = [
	{
		method: 'GET',
		path: '/2/webhooks',
		limit: 'webhooks',
		handle: (ctx) => {
			const data = [...ctx.state.webhooks.values()].filter((webhook) => webhook.consumerKey === appKey(ctx)).map(renderWebhook);
			return ok({ data, meta: { result_count: data.length } });
		},
	},
	{
		method: 'POST',
		path: '/2/webhooks',
		limit: 'webhooks',
		handle: async (ctx) => {
			const url = String((ctx.json as { url?: unknown }).url);
			let parsed: URL;
			try {
				parsed = new URL(url);
			} catch {
				throw webhookRefused('UrlValidationFailed', 'the URL is not an absolute URL');
			}
			if (parsed.search) throw webhookRefused('UrlValidationFailed', 'the URL must not have a query');
			if ([...ctx.state.webhooks.values()].some((webhook) => webhook.consumerKey === appKey(ctx) && webhook.url === url)) {
				throw webhookRefused('DuplicateUrlFailed', 'this app already has a webhook with this URL');
			}
			const webhook: WebhookRecord = { id: ctx.state.newId(), url, valid: false, createdAt: ctx.state.tick(), consumerKey: appKey(ctx) };
			const crc = await runCrc(ctx.state, webhook);
			if (!crc.valid) throw webhookRefused('CrcValidationFailed', `the CRC check failed (${crc.reason})`);
			webhook.valid = true;
			ctx.state.webhooks.set(webhook.id, webhook);
			return ok({ data: renderWebhook(webhook) });
		},
	},
	{
		method: 'PUT',
		path: '/2/webhooks/{webhook_id}',
		limit: 'webhooks',
		handle: async (ctx) => {
			const webhook = ownWebhook(ctx, ctx.params.webhook_id);
			webhook.valid = (await runCrc(ctx.state, webhook)).valid;
			return ok({ data: { valid: webhook.valid } });
		},
	},
	{
		method: 'DELETE',
		path: '/2/webhooks/{webhook_id}',
		limit: 'webhooks',
		handle: (ctx) => {
			const webhook = ownWebhook(ctx, ctx.params.webhook_id);
			ctx.state.webhooks.delete(webhook.id);
			// Subscriptions that delivered to it deliver nowhere now (X keeps them for the stream).
			for (const subscription of ctx.state.subscriptions.values()) if (subscription.webhookId === webhook.id) delete subscription.webhookId;
			return ok({ data: { deleted: true } });
		},
	},
	{
		method: 'GET',
		path: '/2/activity/subscriptions',
		limit: 'webhooks',
		handle: (ctx) => {
			const mine = [...ctx.state.subscriptions.values()].filter(
				(subscription) => subscription.consumerKey === appKey(ctx) && (ctx.caller.kind === 'bearer' || subscription.userId === ctx.userId),
			);
			return ok({ data: mine.map(renderSubscription) });
		},
	},
	{
		method: 'POST',
		path: '/2/activity/subscriptions',
		limit: 'webhooks',
		handle: (ctx) => {
			const body = ctx.json as { event_type: string; filter: { user_id?: string }; tag?: string; webhook_id?: string };
			const userId = body.filter.user_id;
			if (!userId) throw invalidRequest([{ parameter: 'filter.user_id', value: '', message: 'DM events need filter.user_id. (inferred wording)' }]);
			if (body.webhook_id) ownWebhook(ctx, body.webhook_id);
			const allowed = ctx.caller.kind === 'user' ? ctx.userId === userId : authorised(ctx.state, appKey(ctx), userId);
			if (body.event_type.startsWith('dm.') && !allowed) {
				throw problem(403, 'Forbidden', 'DM events are private: the user must authorize the app to subscribe to them. (inferred wording)', `${PROBLEMS}not-authorized-for-resource`);
			}
			const duplicate = [...ctx.state.subscriptions.values()].some(
				(subscription) => subscription.consumerKey === appKey(ctx) && subscription.eventType === body.event_type && subscription.userId === userId && subscription.webhookId === body.webhook_id,
			);
			if (duplicate) throw problem(409, 'Conflict', 'DuplicateSubscription: this subscription exists already. (inferred wording)', `${PROBLEMS}invalid-request`);
			const subscription: ActivitySubscriptionRecord = {
				id: ctx.state.newId(),
				eventType: body.event_type,
				userId,
				webhookId: body.webhook_id,
				tag: body.tag,
				consumerKey: appKey(ctx),
				createdAt: ctx.state.tick(),
			};
			ctx.state.subscriptions.set(subscription.id, subscription);
			return ok({ data: { subscription: renderSubscription(subscription) } });
		},
	},
	{
		method: 'DELETE',
		path: '/2/activity/subscriptions/{subscription_id}',
		limit: 'webhooks',
		handle: (ctx) => {
			const subscription = ctx.state.subscriptions.get(ctx.params.subscription_id);
			if (!subscription || subscription.consumerKey !== appKey(ctx)) {
				throw problem(404, 'Not Found Error', `Could not find subscription with id: [${ctx.params.subscription_id}]. (inferred wording)`, `${PROBLEMS}resource-not-found`);
			}
			ctx.state.subscriptions.delete(subscription.id);
			return ok({ data: { deleted: true } });
		},
	},
];
