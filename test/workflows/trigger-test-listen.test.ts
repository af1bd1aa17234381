/**
 * Social Messaging Trigger, "Listen for test event" next to an active production trigger (issue 14,
 * item 3). The harness runs the test listen like n8n's TestWebhooks: the test URL, mode "manual", static
 * data that starts empty and lives until listening ends. A test listen with Replace Existing Webhook
 * borrows the app's webhook from this trigger's own production URL and gives it back when it ends
 * (re-verified by Meta at the production URL); it refuses to take it from anyone else.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { INodeParameters } from 'n8n-workflow';

import { APP_ID, PAGE_ID, USERS, messageEvent, startFakeGraph, webhookPayload, type FakeGraph } from '../fakes/graph';
import type { TriggerHarness } from '../harness/webhook';
import { metaCredentials } from './setup';
import { APP_AUTH, PAGE_AUTH, PAGE_PROOF, Triggers, accountFields, appSubscription, itemsOf, sentRequests } from './trigger-setup';
import { rejectionOf } from '../harness/expect';

const appSubscriptions = `/${APP_ID}/subscriptions`;
const pageSubscribedApps = `/${PAGE_ID}/subscribed_apps`;
const WORKFLOW = 'workflow-under-test';
const OTHER_WEBHOOK_ID = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';

let fake: FakeGraph;
const triggers = new Triggers();

beforeEach(async () => {
	fake = await startFakeGraph();
});
afterEach(async () => {
	await triggers.closeAll();
	await fake.close();
});

let timestamp = 1714554000000;
async function emit(text: string) {
	const result = await fake.emitWebhook(webhookPayload('page', PAGE_ID, [messageEvent({ from: USERS.alice.id, to: PAGE_ID, text, timestamp: ++timestamp })]));
	await triggers.settleAll();
	return result;
}

const texts = (harness: TriggerHarness) => harness.executions.flatMap((_, index) => itemsOf(harness, index).map((item) => item.text));

/** The workflow's active production trigger. */
async function production(parameters: INodeParameters = {}): Promise<TriggerHarness> {
	const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger', ...parameters }, workflowId: WORKFLOW });
	await harness.activate();
	return harness;
}

/** The same workflow's trigger listening for a test event in the editor. */
async function testListen(parameters: INodeParameters = {}, workflowId = WORKFLOW): Promise<TriggerHarness> {
	return await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger', ...parameters }, workflowId, testWebhook: true });
}

const REPLACE = { options: { replaceExistingWebhook: true } };

describe('listening for a test event while the workflow is active', () => {
	it('with Replace Existing Webhook: the test URL borrows the webhook, and production gets it back when listening ends', async () => {
		const live = await production();
		const verifiedToken = appSubscription(fake, 'page')?.verifyToken;
		const listening = await testListen(REPLACE);
		expect(listening.webhookUrl).not.toBe(live.webhookUrl);
		expect(listening.webhookUrl).toMatch(/\/webhook-test\//);

		fake.clearRequests();
		await listening.activate();
		expect(appSubscription(fake, 'page')?.callbackUrl).toBe(listening.webhookUrl);
		// checkExists reads the app's webhook once and hands what it saw to create: no second read.
		expect(sentRequests(fake).filter((request) => request.path === appSubscriptions).map((request) => request.method)).toStrictEqual(['GET', 'POST']);
		await emit('to the editor');
		expect(texts(listening)).toStrictEqual(['to the editor']);
		expect(texts(live)).toStrictEqual([]);

		fake.clearRequests();
		const verificationsBefore = fake.verifications.length;
		await listening.deactivate();
		expect(sentRequests(fake)).toStrictEqual([
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{
				method: 'POST',
				path: appSubscriptions,
				query: {},
				auth: APP_AUTH,
				body: { object: 'page', callback_url: live.webhookUrl, fields: 'messages,messaging_postbacks', verify_token: verifiedToken, include_values: true },
			},
		]);
		// Meta verified the production URL again, and the production webhook answered.
		const [verification] = fake.verifications.slice(verificationsBefore);
		expect(verification.ok).toBe(true);
		expect(verification.url.split('?')[0]).toBe(live.webhookUrl);
		expect(appSubscription(fake, 'page')).toStrictEqual({ callbackUrl: live.webhookUrl, fields: ['messages', 'messaging_postbacks'], verifyToken: verifiedToken });
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['messages', 'messaging_postbacks']);

		const emitted = await emit('to production again');
		// emitted.reason
		expect(emitted.delivered).toBe(true);
		expect(texts(live)).toStrictEqual(['to production again']);
		expect(texts(listening)).toStrictEqual(['to the editor']);
	});

	it('fields the test added to the Page subscription are removed again; production\'s own stay', async () => {
		await production({ events: ['message'] });
		const listening = await testListen({ events: ['message', 'read'], ...REPLACE });
		await listening.activate();
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['messages', 'message_reads']);
		expect(appSubscription(fake, 'page')?.fields).toStrictEqual(['message_reads', 'messages']);

		fake.clearRequests();
		await listening.deactivate();
		// production's fields, not the test's
		expect(appSubscription(fake, 'page')?.fields).toStrictEqual(['messages']);
		expect(sentRequests(fake).slice(-2)).toStrictEqual([
				{ method: 'GET', path: pageSubscribedApps, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
				{ method: 'POST', path: pageSubscribedApps, query: { subscribed_fields: 'messages', appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
			]);
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['messages']);
	});

	it('without Replace Existing Webhook: an error that says the workflow is active and how to borrow the webhook; nothing changes', async () => {
		const live = await production();
		const listening = await testListen();
		fake.clearRequests();
		await rejectionOf<Error & { description?: string }>(listening.activate()).then((error: Error & { description?: string }) => {
			expect(error.message).toBe(`This workflow is active: its production URL receives the Meta app's "page" webhooks (${live.webhookUrl})`);
			expect(error.description ?? '').toMatch(/Turn on "Replace Existing Webhook"/);
			expect(error.description ?? '').toMatch(/gets it back when listening ends/);
		});
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `GET ${appSubscriptions}`]);
		expect(appSubscription(fake, 'page')?.callbackUrl).toBe(live.webhookUrl);
		expect((await emit('still production')).delivered).toBe(true);
		expect(texts(live)).toStrictEqual(['still production']);
	});

	it('another workflow owns the webhook: the test listen refuses to take it, even with Replace Existing Webhook', async () => {
		const other = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' }, workflowId: 'another-workflow', webhookId: OTHER_WEBHOOK_ID });
		await other.activate();
		const listening = await testListen(REPLACE);
		fake.clearRequests();
		await rejectionOf<Error & { description?: string }>(listening.activate()).then((error: Error & { description?: string }) => {
			expect(error.message).toBe(`Listening for a test event would take this Meta app's "page" webhook away from ${other.webhookUrl}`);
			expect(error.description ?? '').toMatch(/could not be given it back/);
			expect(error.description ?? '').toMatch(/Deactivate the workflow that uses that URL/);
		});
		// only reads
		expect(sentRequests(fake).every((request) => request.method === 'GET')).toBeTruthy();
		expect(appSubscription(fake, 'page')?.callbackUrl).toBe(other.webhookUrl);
		expect((await emit('still the other workflow')).delivered).toBe(true);
		expect(texts(other)).toStrictEqual(['still the other workflow']);
	});

	it('the production workflow was deactivated meanwhile: giving back fails with an error, and the test URL is removed', async () => {
		const live = await production();
		const listening = await testListen(REPLACE);
		await listening.activate();
		// Production is gone (deactivated while the test listened): nothing answers Meta's verification there.
		await live.deactivate();
		// its deactivation left the test's registration alone
		expect(appSubscription(fake, 'page')?.callbackUrl).toBe(listening.webhookUrl);

		await rejectionOf<Error & { description?: string }>(listening.deactivate()).then((error: Error & { description?: string }) => {
			expect(error.message).toMatch(new RegExp(`^Could not remove the webhook from Meta: giving the app's "page" webhook back to ${live.webhookUrl.replace(/[.?]/g, '\\$&')} \\(is that workflow still active\\?\\) failed`));
		});
		// Meta does not keep posting to the test URL
		expect(appSubscription(fake, 'page')).toBeUndefined();
	});

	it('nobody had the webhook: the test listen registers the test URL and removes it when listening ends', async () => {
		const listening = await testListen();
		await listening.activate();
		expect(appSubscription(fake, 'page')?.callbackUrl).toBe(listening.webhookUrl);
		await emit('test only');
		expect(texts(listening)).toStrictEqual(['test only']);
		fake.clearRequests();
		await listening.deactivate();
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`, `DELETE ${pageSubscribedApps}`]);
		expect(appSubscription(fake, 'page')).toBeUndefined();
		expect(accountFields(fake, PAGE_ID)).toBeUndefined();
	});
});
