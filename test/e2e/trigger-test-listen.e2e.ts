/**
 * "Listen for test event" next to the same workflow's active production trigger, in real n8n (issue 14,
 * item 3). With Replace Existing Webhook the test URL borrows the Meta app's webhook while n8n listens;
 * when listening ends (stopped in the editor, or after the test event arrived) the production URL gets
 * it back, so the active workflow goes on receiving messages instead of staying "active" and deaf.
 */
import { describe, expect, it } from '@jest/globals';

import { E2E, type N8nClient, type StoredWorkflow } from './lib/n8n';
import { createTriggerWorkflow, deliverSigned, executionsOf, triggerItems, useTriggerContext } from './lib/triggers';

const ctx = useTriggerContext();

/** What the editor's "Listen for test event" button asks of n8n: register the test webhooks and wait. */
async function listenForTestEvent(n8n: N8nClient, workflow: StoredWorkflow): Promise<void> {
	const workflowData = await n8n.getWorkflow(workflow.id);
	const started = await n8n.request<{ waitingForWebhook?: boolean }>('POST', `/rest/workflows/${workflow.id}/run`, {
		workflowData,
		triggerToStartFrom: { name: 'Inbox' },
	});
	expect(started).toStrictEqual({ waitingForWebhook: true });
}

async function callbackUrls(): Promise<string[]> {
	return (await ctx().sandbox.status()).appSubscriptions.map((subscription) => subscription.callbackUrl);
}

/** n8n registers test webhooks right away, but the trigger's create() finishes a moment later. */
async function waitForCallback(url: string): Promise<void> {
	const deadline = Date.now() + 15_000;
	while (!(await callbackUrls()).includes(url)) {
		if (Date.now() > deadline) throw new Error(`the app's webhook never moved to ${url}; it is at ${JSON.stringify(await callbackUrls())}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

describe(`Listen for test event beside an active Social Messaging Trigger in n8n ${E2E.version}`, () => {
	let workflow: StoredWorkflow;
	let productionUrl: string;
	let testUrl: string;

	it('the production trigger registers the app\'s webhook', async () => {
		const { n8n } = ctx();
		({ workflow, url: productionUrl } = await createTriggerWorkflow(n8n, 'e2e test listen', { platform: 'messenger', events: ['message'], options: { replaceExistingWebhook: true } }, ctx().metaGraph));
		testUrl = productionUrl.replace('/webhook/', '/webhook-test/');
		expect(testUrl).not.toBe(productionUrl);
		await n8n.activateWorkflow(workflow.id, workflow.versionId);
		expect(await callbackUrls()).toStrictEqual([productionUrl]);
	});

	it('listening borrows the webhook; stopping gives it back and a signed delivery reaches production', async () => {
		const { n8n, sandbox } = ctx();
		await listenForTestEvent(n8n, workflow);
		await waitForCallback(testUrl);
		expect(await callbackUrls()).toStrictEqual([testUrl]);

		await n8n.request('DELETE', `/rest/test-webhook/${workflow.id}`);
		await waitForCallback(productionUrl);
		expect(await callbackUrls()).toStrictEqual([productionUrl]);
		expect((await n8n.getWorkflow(workflow.id)).active).toBe(true);

		const known = await executionsOf(n8n, workflow);
		await deliverSigned(sandbox, { platform: 'messenger', event: 'message', from: 'alice', text: 'After the test listen' });
		const execution = await n8n.waitForNewExecution(workflow.id, { known });
		expect((await triggerItems(execution)).map((item) => item.text)).toStrictEqual(['After the test listen']);
	});

	it('a test event ends the listen: the test execution gets it, and the next delivery reaches production', async () => {
		const { n8n, sandbox } = ctx();
		await listenForTestEvent(n8n, workflow);
		await waitForCallback(testUrl);

		const known = await executionsOf(n8n, workflow);
		await deliverSigned(sandbox, { platform: 'messenger', event: 'message', from: 'alice', text: 'The test event' });
		const test = await n8n.waitForNewExecution(workflow.id, { known });
		expect(test.mode).toBe('manual');
		await waitForCallback(productionUrl);
		expect(await callbackUrls()).toStrictEqual([productionUrl]);

		await deliverSigned(sandbox, { platform: 'messenger', event: 'message', from: 'alice', text: 'Back in production' });
		const production = await n8n.waitForNewExecution(workflow.id, { known: [...known, String(test.id)] });
		expect((await triggerItems(production)).map((item) => item.text)).toStrictEqual(['Back in production']);
	});

	it('deactivating removes the webhook', async () => {
		await ctx().n8n.deactivateWorkflow(workflow.id);
		expect(await callbackUrls()).toStrictEqual([]);
	});
});
