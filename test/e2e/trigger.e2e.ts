/**
 * The Social Messaging Trigger inside n8n against the platform sandbox: activation registers n8n's
 * production webhook URL with the Meta app and subscribes the Page (or the Instagram Login account),
 * Meta's verification request is answered, signed deliveries start exactly one execution each with the
 * right items, forged ones start none, and deactivation removes the registrations. The conflict with a
 * second trigger is in trigger-conflict.e2e.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';

import { APP_SECRET, IG_ACCOUNT_ID, IG_USER_TOKEN, PAGE_ID, PAGE_TOKEN, USERS } from './lib/fixtures';
import { E2E, nodeOutput, type StoredWorkflow } from './lib/n8n';
import {
	account,
	app,
	createTriggerWorkflow,
	deliverSigned,
	executionsOf,
	requestsSince,
	subscribedFields,
	triggerItems,
	useTriggerContext,
} from './lib/triggers';

const ctx = useTriggerContext();

describe(`Social Messaging Trigger in n8n ${E2E.version}: Messenger (Meta Graph API)`, () => {
	let workflow: StoredWorkflow;
	let url: string;
	let firstExecution: string;

	it('activation registers n8n\'s production URL with the app and subscribes the Page; Meta\'s verification GET passed', async () => {
		({ workflow, url } = await createTriggerWorkflow(ctx().n8n, 'e2e trigger: Messenger', { platform: 'messenger', events: ['message', 'postback'] }, ctx().metaGraph));
		expect((await ctx().sandbox.status()).appSubscriptions).toStrictEqual([]);
		expect(await subscribedFields(ctx().sandbox, PAGE_ID, PAGE_TOKEN)).toBeUndefined();

		const since = await ctx().sandbox.mark();
		await ctx().n8n.activateWorkflow(workflow.id, workflow.versionId);
		const requests = await requestsSince(ctx().sandbox, since);
		const status = await ctx().sandbox.status();

		// The sandbox, like Meta, stores an app subscription only after the callback answered its
		// GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=… with the challenge.
		expect(status.appSubscriptions.length).toBe(1);
		const [subscription] = status.appSubscriptions;
		const verifyToken = subscription.verifyToken;
		expect(verifyToken).toMatch(/^\S{16,}$/);
		expect(verifyToken).not.toContain(APP_SECRET);
		expect(subscription).toStrictEqual({
			object: 'page',
			callbackUrl: url,
			verifyToken,
			fields: [
				{ name: 'messages', version: 'v23.0' },
				{ name: 'messaging_postbacks', version: 'v23.0' },
			],
			includeValues: true,
			active: true,
		});
		expect(requests).toStrictEqual([
			app('GET'),
			app('POST', {}, { object: 'page', callback_url: url, fields: 'messages,messaging_postbacks', verify_token: verifyToken, include_values: true }),
			account(PAGE_TOKEN, 'GET', PAGE_ID),
			account(PAGE_TOKEN, 'POST', PAGE_ID, { subscribed_fields: 'messages,messaging_postbacks' }),
		]);
		expect(await subscribedFields(ctx().sandbox, PAGE_ID, PAGE_TOKEN)).toStrictEqual(['messages', 'messaging_postbacks']);

		// Meta's check, repeated here: the right token gets the challenge back as text, a wrong one 403.
		const challenge = '1158201444';
		const verified = await fetch(`${url}?hub.mode=subscribe&hub.challenge=${challenge}&hub.verify_token=${encodeURIComponent(verifyToken)}`);
		expect(verified.status).toBe(200);
		expect(verified.headers.get('content-type') ?? '').toMatch(/^text\/plain/);
		expect(await verified.text()).toBe(challenge);
		const refused = await fetch(`${url}?hub.mode=subscribe&hub.challenge=${challenge}&hub.verify_token=not-the-token`);
		expect(refused.status).toBe(403);
		// Verification requests start no execution.
		expect(await executionsOf(ctx().n8n, workflow)).toStrictEqual([]);
	});

	it('a signed delivery starts exactly one execution with the message as its item', async () => {
		const text = 'Hallo! Ist meine Bestellung unterwegs? 📦';
		const payload = await deliverSigned(ctx().sandbox, { platform: 'messenger', event: 'message', from: 'bob', text });
		const [event] = payload.entry[0].messaging;
		const execution = await ctx().n8n.waitForNewExecution(workflow.id);
		firstExecution = String(execution.id);
		expect(await triggerItems(execution)).toStrictEqual([
			{
				type: 'message',
				platform: 'messenger',
				accountId: PAGE_ID,
				sender: { id: USERS.bob.id },
				recipient: { id: PAGE_ID },
				conversationKey: `${PAGE_ID}:${USERS.bob.id}`,
				messageId: event.message.mid,
				text,
				attachments: [],
				timestamp: new Date(event.timestamp as number).toISOString(),
			},
		]);
		expect(await nodeOutput(execution, 'Received')).toStrictEqual(await nodeOutput(execution, 'Inbox'));
		expect(await executionsOf(ctx().n8n, workflow)).toStrictEqual([firstExecution]);
	});

	it('wrong, missing and tampered signatures are refused (403, 401, 403) and start no execution', async () => {
		for (const [signature, status] of [
			['wrong', 403],
			['missing', 401],
			['tampered', 403],
		] as const) {
			const result = await ctx().sandbox.deliver({ platform: 'messenger', event: 'message', from: 'chloe', text: `forged (${signature})`, signature });
			expect(result.delivered).toBe(true);
			// ${signature}: ${result.result?.body ?? ''}
			expect(result.result?.status).toBe(status);
		}
		// A genuine delivery after the forged ones: once its execution is there, any execution the
		// forged ones had started (they were handled first) would be there too.
		const payload = await deliverSigned(ctx().sandbox, { platform: 'messenger', event: 'postback', from: 'chloe', title: 'Track my order', payload: 'TRACK_ORDER' });
		const [event] = payload.entry[0].messaging;
		const execution = await ctx().n8n.waitForNewExecution(workflow.id, { known: [firstExecution] });
		expect(await triggerItems(execution)).toStrictEqual([
			{
				type: 'postback',
				platform: 'messenger',
				accountId: PAGE_ID,
				sender: { id: USERS.chloe.id },
				recipient: { id: PAGE_ID },
				conversationKey: `${PAGE_ID}:${USERS.chloe.id}`,
				attachments: [],
				messageId: event.postback.mid,
				payload: 'TRACK_ORDER',
				title: 'Track my order',
				timestamp: new Date(event.timestamp as number).toISOString(),
			},
		]);
		expect((await executionsOf(ctx().n8n, workflow)).sort()).toStrictEqual([firstExecution, String(execution.id)].sort());
	});

	it('deactivation removes the app webhook and the Page subscription', async () => {
		const since = await ctx().sandbox.mark();
		await ctx().n8n.deactivateWorkflow(workflow.id);
		expect(await requestsSince(ctx().sandbox, since)).toStrictEqual([app('GET'), app('DELETE', { object: 'page' }), account(PAGE_TOKEN, 'DELETE', PAGE_ID)]);
		expect((await ctx().sandbox.status()).appSubscriptions).toStrictEqual([]);
		expect(await subscribedFields(ctx().sandbox, PAGE_ID, PAGE_TOKEN)).toBeUndefined();
		// Meta has nowhere to send a message now.
		const result = await ctx().sandbox.deliver({ platform: 'messenger', event: 'message', from: 'bob', text: 'anyone there?' });
		expect(result.delivered).toBe(false);
		expect(result.reason ?? '').toMatch(/no subscription/);
	});
});

describe(`Social Messaging Trigger in n8n ${E2E.version}: Instagram (Instagram Login)`, () => {
	it('activate, receive a signed quick reply, deactivate: the account subscribes itself with its own token', async () => {
		const { workflow, url } = await createTriggerWorkflow(ctx().n8n, 'e2e trigger: Instagram Login', { platform: 'instagram', events: ['message', 'quick_reply'] }, ctx().instagramLogin);
		const since = await ctx().sandbox.mark();
		await ctx().n8n.activateWorkflow(workflow.id, workflow.versionId);
		const status = await ctx().sandbox.status();
		expect(status.appSubscriptions.length).toBe(1);
		const [subscription] = status.appSubscriptions;
		expect({ object: subscription.object, callbackUrl: subscription.callbackUrl, fields: subscription.fields.map((f) => f.name) }).toStrictEqual({ object: 'instagram', callbackUrl: url, fields: ['messages'] });
		expect(await requestsSince(ctx().sandbox, since)).toStrictEqual([
			app('GET'),
			app('POST', {}, { object: 'instagram', callback_url: url, fields: 'messages', verify_token: subscription.verifyToken, include_values: true }),
			account(IG_USER_TOKEN, 'GET', 'me'),
			account(IG_USER_TOKEN, 'POST', 'me', { subscribed_fields: 'messages' }),
		]);
		expect(await subscribedFields(ctx().sandbox, 'me', IG_USER_TOKEN)).toStrictEqual(['messages']);

		const payload = await deliverSigned(ctx().sandbox, { platform: 'instagram', event: 'quick_reply', from: 'ines', text: 'Precios', payload: 'PRICING' });
		const [event] = payload.entry[0].messaging;
		const execution = await ctx().n8n.waitForNewExecution(workflow.id);
		expect(await triggerItems(execution)).toStrictEqual([
			{
				type: 'quick_reply',
				platform: 'instagram',
				accountId: IG_ACCOUNT_ID,
				sender: { id: USERS.ines.id },
				recipient: { id: IG_ACCOUNT_ID },
				conversationKey: `${IG_ACCOUNT_ID}:${USERS.ines.id}`,
				messageId: event.message.mid,
				text: 'Precios',
				attachments: [],
				payload: 'PRICING',
				timestamp: new Date(event.timestamp as number).toISOString(),
			},
		]);

		const removal = await ctx().sandbox.mark();
		await ctx().n8n.deactivateWorkflow(workflow.id);
		expect(await requestsSince(ctx().sandbox, removal)).toStrictEqual([app('GET'), app('DELETE', { object: 'instagram' }), account(IG_USER_TOKEN, 'DELETE', 'me')]);
		expect((await ctx().sandbox.status()).appSubscriptions).toStrictEqual([]);
		expect(await subscribedFields(ctx().sandbox, 'me', IG_USER_TOKEN)).toBeUndefined();
		expect(await executionsOf(ctx().n8n, workflow)).toStrictEqual([String(execution.id)]);
	});
});

describe(`Social Messaging Trigger in n8n ${E2E.version}: "Listen for test event" in the editor`, () => {
	it('the test URL is registered, one delivery runs the workflow once, then the registration is removed', async () => {
		const { n8n, sandbox } = ctx();
		const webhookId = randomUUID();
		const { workflow } = await createTriggerWorkflow(n8n, 'e2e trigger: test event', { platform: 'messenger', events: ['message'] }, ctx().metaGraph, webhookId);
		const testUrl = `${E2E.url}webhook-test/${webhookId}/webhook`;
		const since = await sandbox.mark();
		// What the editor's "Execute workflow" button sends for a workflow that starts with this trigger.
		const started = await n8n.request('POST', `/rest/workflows/${workflow.id}/run`, {
			workflowData: await n8n.getWorkflow(workflow.id),
			triggerToStartFrom: { name: 'Inbox' },
		});
		expect(started).toStrictEqual({ waitingForWebhook: true });
		const [subscription] = (await sandbox.status()).appSubscriptions;
		expect(subscription?.callbackUrl).toBe(testUrl);
		expect(await requestsSince(sandbox, since)).toStrictEqual([
			app('GET'),
			app('POST', {}, { object: 'page', callback_url: testUrl, fields: 'messages', verify_token: subscription.verifyToken, include_values: true }),
			account(PAGE_TOKEN, 'GET', PAGE_ID),
			account(PAGE_TOKEN, 'POST', PAGE_ID, { subscribed_fields: 'messages' }),
		]);

		const delivered = await sandbox.mark();
		const payload = await deliverSigned(sandbox, { platform: 'messenger', event: 'message', from: 'alice', text: 'Testing 1, 2, 3' });
		const execution = await n8n.waitForNewExecution(workflow.id);
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('manual');
		expect((await nodeOutput(execution, 'Inbox')).map((item) => [item.type, item.text, item.messageId])).toStrictEqual([['message', 'Testing 1, 2, 3', payload.entry[0].messaging[0].message.mid]]);

		// The test webhook is single-use: n8n removes it after the execution, and the trigger removes
		// what it registered at Meta.
		const deadline = Date.now() + 10_000;
		while ((await requestsSince(sandbox, delivered)).length < 3) {
			// the test registration was not removed within 10 s
			expect(Date.now()).toBeLessThan(deadline);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		expect(await requestsSince(sandbox, delivered)).toStrictEqual([app('GET'), app('DELETE', { object: 'page' }), account(PAGE_TOKEN, 'DELETE', PAGE_ID)]);
		expect((await sandbox.status()).appSubscriptions).toStrictEqual([]);
		expect(await subscribedFields(sandbox, PAGE_ID, PAGE_TOKEN)).toBeUndefined();
		expect(await executionsOf(n8n, workflow)).toStrictEqual([String(execution.id)]);
	});
});
