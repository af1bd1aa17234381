/**
 * The Social Messaging Trigger on X inside n8n against the sandbox's fake X API (X Activity API):
 * activation looks up the account, registers n8n's production URL after X's CRC and subscribes the
 * account to dm.received; signed deliveries start exactly one execution each with the unified item,
 * forged ones are refused and start none, a redelivered event is not emitted twice, and deactivation
 * removes only this workflow's subscription and webhook; Trigger On Message, Read and Typing subscribes
 * one event type each and deactivation removes the three. Every X request is asserted as X received it,
 * with the kind of authentication (OAuth 1.0a user context or the app's Bearer Token). The Social
 * Messaging Poll Trigger (GET /2/dm_events) is in x-poll-trigger.e2e.ts.
 */
import { describe, expect, it } from '@jest/globals';

import { ME, X_API_KEY_SECRET, xSignature } from '../fakes/x';
import { E2E, nodeOutput, type StoredWorkflow } from './lib/n8n';
import { createTriggerWorkflow, executionsOf, triggerItems } from './lib/triggers';
import { dmItem, sentActivity, useXContext, xRequest, xSubscriptions, xWebhooks } from './lib/x';
import type { DeliverRequest } from './lib/sandbox';

const ctx = useXContext();

const tagOf = (workflow: StoredWorkflow) => `n8n workflow ${workflow.id} (${workflow.name})`;

/** A DM the sandbox delivered to an active trigger, acknowledged the way the trigger answers X. */
async function deliverDm(request: Omit<DeliverRequest, 'platform'>) {
	const result = await ctx().sandbox.deliver({ platform: 'x', ...request });
	// ${result.reason ?? ''}
	expect(result.delivered).toBe(true);
	expect([result.result?.status, result.result?.body]).toStrictEqual([200, JSON.stringify({ status: 'received' })]);
	const { raw, dm } = sentActivity(result);
	// The delivery carries the DM X stored, as X's DM lookups list it.
	expect([dm.id, new Date(Number(dm.created_timestamp)).toISOString()]).toStrictEqual([result.dmEvent?.id, result.dmEvent?.createdAt]);
	return { raw, signature: result.result!.signature!, dmEvent: result.dmEvent! };
}

/** Activates a trigger workflow; the requests X received meanwhile, and X's webhook and subscription for it afterwards. */
async function activate(name: string) {
	const { n8n, sandbox, credential } = ctx();
	const { workflow, url } = await createTriggerWorkflow(n8n, name, { platform: 'x', events: ['message'] }, credential);
	const since = await sandbox.xMark();
	await n8n.activateWorkflow(workflow.id, workflow.versionId);
	const requests = await sandbox.xRequests(since);
	const webhook = (await xWebhooks(sandbox)).find((entry) => entry.url === url);
	const subscription = (await xSubscriptions(sandbox)).find((entry) => entry.webhook_id === webhook?.id);
	// X lists a webhook only after its CRC passed, and marks it valid.
	expect(webhook?.valid).toBe(true);
	expect(subscription).toStrictEqual({
		subscription_id: subscription?.subscription_id,
		event_type: 'dm.received',
		filter: { user_id: ME.id },
		tag: tagOf(workflow),
		webhook_id: webhook!.id,
		created_at: subscription?.created_at,
		updated_at: subscription?.updated_at,
	});
	expect(requests).toStrictEqual([
		xRequest('user', 'GET', '/2/users/me'),
		xRequest('bearer', 'GET', '/2/webhooks'),
		xRequest('bearer', 'POST', '/2/webhooks', { body: { url } }),
		xRequest('bearer', 'GET', '/2/activity/subscriptions'),
		xRequest('user', 'POST', '/2/activity/subscriptions', { body: { event_type: 'dm.received', filter: { user_id: ME.id }, tag: tagOf(workflow), webhook_id: webhook!.id } }),
	]);
	return { workflow, url, webhookId: webhook!.id, subscriptionId: subscription!.subscription_id };
}

/** Deactivates: exactly this workflow's subscription and webhook are deleted, with the Bearer Token. */
async function deactivate(active: { workflow: StoredWorkflow; webhookId: string; subscriptionId: string }) {
	const since = await ctx().sandbox.xMark();
	await ctx().n8n.deactivateWorkflow(active.workflow.id);
	expect(await ctx().sandbox.xRequests(since)).toStrictEqual([
		xRequest('bearer', 'GET', '/2/activity/subscriptions'),
		xRequest('bearer', 'DELETE', `/2/activity/subscriptions/${active.subscriptionId}`),
		xRequest('bearer', 'GET', '/2/webhooks'),
		xRequest('bearer', 'DELETE', `/2/webhooks/${active.webhookId}`),
	]);
}

describe(`Social Messaging Trigger in n8n ${E2E.version}: X (X Activity API)`, () => {
	let first: Awaited<ReturnType<typeof activate>>;
	const seen: string[] = [];

	it('activation: the account, the webhook registered after X\'s CRC, a dm.received subscription; the CRC is answered', async () => {
		expect(await xWebhooks(ctx().sandbox)).toStrictEqual([]);
		first = await activate('e2e trigger: X');

		// X's CRC, repeated here: the response token is sha256= and the base64 HMAC-SHA256 of crc_token with the consumer secret.
		const token = 'e2e-crc-token-1';
		const crc = await fetch(`${first.url}?crc_token=${token}`);
		expect(crc.status).toBe(200);
		expect(crc.headers.get('content-type') ?? '').toMatch(/^application\/json/);
		expect(await crc.json()).toStrictEqual({ response_token: xSignature(X_API_KEY_SECRET, token) });
		expect((await fetch(first.url)).status).toBe(400);
		// CRC requests start no execution.
		expect(await executionsOf(ctx().n8n, first.workflow)).toStrictEqual([]);
	});

	it('a signed DM starts exactly one execution with the unified item, and the trigger asks X nothing meanwhile', async () => {
		const since = await ctx().sandbox.xMark();
		const text = 'Hi! Do you ship to Berlin? 🚚';
		const { dmEvent } = await deliverDm({ from: 'alice', text });
		const execution = await ctx().n8n.waitForNewExecution(first.workflow.id);
		seen.push(String(execution.id));
		expect(await triggerItems(execution)).toStrictEqual([dmItem('alice', text, dmEvent)]);
		expect(await nodeOutput(execution, 'Received')).toStrictEqual(await nodeOutput(execution, 'Inbox'));
		expect(await executionsOf(ctx().n8n, first.workflow)).toStrictEqual(seen);
		expect(await ctx().sandbox.xRequests(since)).toStrictEqual([]);
	});

	it('wrong, missing and tampered signatures are refused (403, 401, 403) and start no execution', async () => {
		for (const [signature, status] of [
			['wrong', 403],
			['missing', 401],
			['tampered', 403],
		] as const) {
			const result = await ctx().sandbox.deliver({ platform: 'x', from: 'bob', text: `forged (${signature})`, signature });
			expect(result.delivered).toBe(true);
			// ${signature}: ${result.result?.body ?? ''}
			expect(result.result?.status).toBe(status);
		}
		// A genuine delivery after the forged ones: once its execution is there, any execution the
		// forged ones had started (they were handled first) would be there too.
		const { dmEvent } = await deliverDm({ from: 'carol', text: 'Is the store open today?' });
		const execution = await ctx().n8n.waitForNewExecution(first.workflow.id, { known: seen });
		seen.push(String(execution.id));
		expect(await triggerItems(execution)).toStrictEqual([dmItem('carol', 'Is the store open today?', dmEvent)]);
		expect((await executionsOf(ctx().n8n, first.workflow)).sort()).toStrictEqual([...seen].sort());
	});

	it('the same event delivered again (X\'s bytes and signature) is acknowledged and not emitted twice', async () => {
		const { raw, signature, dmEvent } = await deliverDm({ from: 'alice', text: 'Do you have it in M?' });
		const execution = await ctx().n8n.waitForNewExecution(first.workflow.id, { known: seen });
		seen.push(String(execution.id));
		expect(await triggerItems(execution)).toStrictEqual([dmItem('alice', 'Do you have it in M?', dmEvent)]);

		const again = await fetch(first.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature }, body: raw });
		expect([again.status, await again.text()]).toStrictEqual([200, JSON.stringify({ status: 'received' })]);
		// Then a new event: its execution comes after any the redelivery had started.
		const next = await deliverDm({ from: 'bob', text: 'And in L?' });
		const following = await ctx().n8n.waitForNewExecution(first.workflow.id, { known: seen });
		seen.push(String(following.id));
		expect(await triggerItems(following)).toStrictEqual([dmItem('bob', 'And in L?', next.dmEvent)]);
		expect((await executionsOf(ctx().n8n, first.workflow)).sort()).toStrictEqual([...seen].sort());
	});

	it('with a second X trigger active, deactivation removes only its own subscription and webhook', async () => {
		const second = await activate('e2e trigger: X (second)');
		expect((await xWebhooks(ctx().sandbox)).map((webhook) => webhook.id).sort()).toStrictEqual([first.webhookId, second.webhookId].sort());

		await deactivate(first);
		expect((await xWebhooks(ctx().sandbox)).map(({ id, url }) => ({ id, url }))).toStrictEqual([{ id: second.webhookId, url: second.url }]);
		expect((await xSubscriptions(ctx().sandbox)).map((entry) => entry.subscription_id)).toStrictEqual([second.subscriptionId]);

		// X delivers to the second workflow only now.
		const { dmEvent } = await deliverDm({ from: 'alice', text: 'Still there?' });
		const execution = await ctx().n8n.waitForNewExecution(second.workflow.id);
		expect(await triggerItems(execution)).toStrictEqual([dmItem('alice', 'Still there?', dmEvent)]);
		expect(await executionsOf(ctx().n8n, second.workflow)).toStrictEqual([String(execution.id)]);
		expect((await executionsOf(ctx().n8n, first.workflow)).sort()).toStrictEqual([...seen].sort());

		await deactivate(second);
		expect(await xWebhooks(ctx().sandbox)).toStrictEqual([]);
		expect(await xSubscriptions(ctx().sandbox)).toStrictEqual([]);
		const nowhere = await ctx().sandbox.deliver({ platform: 'x', from: 'alice', text: 'Hello?' });
		expect([nowhere.delivered, nowhere.reason]).toStrictEqual([false, 'no X Activity API subscription of the account has a webhook']);
	});

	it('Trigger On Message, Read and Typing: one subscription per event type (dm.received, dm.read, dm.indicate_typing), all three removed on deactivation', async () => {
		const { n8n, sandbox, credential } = ctx();
		const { workflow, url } = await createTriggerWorkflow(n8n, 'e2e trigger: X read and typing', { platform: 'x', events: ['message', 'read', 'typing'] }, credential);
		const since = await sandbox.xMark();
		await n8n.activateWorkflow(workflow.id, workflow.versionId);
		// Read before the checks below, which ask the fake X themselves.
		const requests = await sandbox.xRequests(since);
		const webhook = (await xWebhooks(sandbox)).find((entry) => entry.url === url);
		expect(webhook?.valid).toBe(true);
		const types = ['dm.received', 'dm.read', 'dm.indicate_typing'];
		expect(requests).toStrictEqual([
			xRequest('user', 'GET', '/2/users/me'),
			xRequest('bearer', 'GET', '/2/webhooks'),
			xRequest('bearer', 'POST', '/2/webhooks', { body: { url } }),
			xRequest('bearer', 'GET', '/2/activity/subscriptions'),
			...types.map((type) => xRequest('user', 'POST', '/2/activity/subscriptions', { body: { event_type: type, filter: { user_id: ME.id }, tag: tagOf(workflow), webhook_id: webhook!.id } })),
		]);
		const ours = (await xSubscriptions(sandbox)).filter((entry) => entry.webhook_id === webhook!.id);
		expect(ours.map((entry) => entry.event_type)).toStrictEqual(types);

		const before = await sandbox.xMark();
		await n8n.deactivateWorkflow(workflow.id);
		expect(await sandbox.xRequests(before)).toStrictEqual([
			xRequest('bearer', 'GET', '/2/activity/subscriptions'),
			...ours.map((entry) => xRequest('bearer', 'DELETE', `/2/activity/subscriptions/${entry.subscription_id}`)),
			xRequest('bearer', 'GET', '/2/webhooks'),
			xRequest('bearer', 'DELETE', `/2/webhooks/${webhook!.id}`),
		]);
		expect(await xSubscriptions(sandbox)).toStrictEqual([]);
	});
});
