/**
 * Two triggers on one Meta app inside n8n: a Meta app has one callback URL per object, so a second
 * trigger with another URL must not take the webhook over silently. Its activation fails with a message
 * that names the URL in use and changes nothing at Meta; with "Replace Existing Webhook" it takes the
 * webhook over on purpose, and deactivating the first trigger then leaves the new owner's registration
 * alone. (On newer n8n the failing activation takes about 15 s: n8n retries a trigger that failed to
 * start. scripts/e2e.mjs starts this file first so the wait overlaps the other files.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { PAGE_ID, PAGE_TOKEN } from './lib/fixtures';
import { E2E, type StoredWorkflow } from './lib/n8n';
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

describe(`Two Social Messaging Triggers on one Meta app in n8n ${E2E.version}`, () => {
	let first: StoredWorkflow;
	let firstUrl: string;
	let takeover: StoredWorkflow;
	let takeoverUrl: string;

	test('the first trigger registers the app\'s "page" webhook', async () => {
		({ workflow: first, url: firstUrl } = await createTriggerWorkflow(ctx().n8n, 'e2e conflict: first', { platform: 'messenger', events: ['message', 'postback'] }, ctx().metaGraph));
		await ctx().n8n.activateWorkflow(first.id, first.versionId);
		assert.deepEqual((await ctx().sandbox.status()).appSubscriptions.map((s) => [s.object, s.callbackUrl]), [['page', firstUrl]]);
	});

	test('a second trigger with another URL fails to activate, naming the URL in use, and changes nothing', async () => {
		const { n8n, sandbox } = ctx();
		const { workflow: second } = await createTriggerWorkflow(n8n, 'e2e conflict: second', { platform: 'messenger', events: ['message'] }, ctx().metaGraph);
		const { appSubscriptions } = await sandbox.status();
		const since = await sandbox.mark();
		await assert.rejects(n8n.activateWorkflow(second.id, second.versionId), (error: Error) => {
			assert.ok(error.message.includes(`This Meta app already sends "page" webhooks to another URL: ${firstUrl}`), error.message);
			return true;
		});
		// It only read the app's subscriptions (n8n 2.0 tries once; newer n8n retries, reading them on
		// every attempt and again when it cleans up the failed attempt).
		const reads = await requestsSince(sandbox, since);
		assert.ok(reads.length >= 1);
		assert.deepEqual(reads, reads.map(() => app('GET')));
		// Newer n8n leaves a workflow whose trigger failed marked active; deactivating it must not touch
		// the first trigger's registration either.
		if ((await n8n.getWorkflow(second.id)).active) {
			const cleanup = await sandbox.mark();
			await n8n.deactivateWorkflow(second.id);
			const cleanupRequests = await requestsSince(sandbox, cleanup);
			assert.deepEqual(cleanupRequests, cleanupRequests.map(() => app('GET')));
		}
		assert.deepEqual((await sandbox.status()).appSubscriptions, appSubscriptions);
		assert.deepEqual(await subscribedFields(sandbox, PAGE_ID, PAGE_TOKEN), ['messages', 'messaging_postbacks']);

		// Messages still reach the first workflow, and only it.
		await deliverSigned(sandbox, { platform: 'messenger', event: 'message', from: 'alice', text: 'Still there?' });
		const execution = await n8n.waitForNewExecution(first.id);
		assert.deepEqual((await triggerItems(execution)).map((item) => item.text), ['Still there?']);
		assert.deepEqual(await executionsOf(n8n, second), []);
	});

	test('with Replace Existing Webhook a third trigger takes the webhook over', async () => {
		const { n8n, sandbox } = ctx();
		({ workflow: takeover, url: takeoverUrl } = await createTriggerWorkflow(
			n8n,
			'e2e conflict: takeover',
			{ platform: 'messenger', events: ['message'], options: { replaceExistingWebhook: true } },
			ctx().metaGraph,
		));
		const since = await sandbox.mark();
		await n8n.activateWorkflow(takeover.id, takeover.versionId);
		const [subscription] = (await sandbox.status()).appSubscriptions;
		assert.equal(subscription.callbackUrl, takeoverUrl);
		assert.deepEqual(await requestsSince(sandbox, since), [
			app('GET'),
			app('POST', {}, { object: 'page', callback_url: takeoverUrl, fields: 'messages', verify_token: subscription.verifyToken, include_values: true }),
			// The Page already receives messages for the app: nothing to add.
			account(PAGE_TOKEN, 'GET', PAGE_ID),
		]);
		const known = await executionsOf(n8n, first);
		await deliverSigned(sandbox, { platform: 'messenger', event: 'message', from: 'alice', text: 'Who answers now?' });
		const execution = await n8n.waitForNewExecution(takeover.id);
		assert.deepEqual((await triggerItems(execution)).map((item) => item.text), ['Who answers now?']);
		assert.deepEqual(await executionsOf(n8n, first), known);
	});

	test('deactivating the first trigger leaves the new owner\'s registration alone; the owner removes its own', async () => {
		const { n8n, sandbox } = ctx();
		let since = await sandbox.mark();
		await n8n.deactivateWorkflow(first.id);
		assert.deepEqual(await requestsSince(sandbox, since), [app('GET')]);
		assert.deepEqual((await sandbox.status()).appSubscriptions.map((s) => s.callbackUrl), [takeoverUrl]);
		assert.deepEqual(await subscribedFields(sandbox, PAGE_ID, PAGE_TOKEN), ['messages', 'messaging_postbacks']);

		since = await sandbox.mark();
		await n8n.deactivateWorkflow(takeover.id);
		assert.deepEqual(await requestsSince(sandbox, since), [app('GET'), app('DELETE', { object: 'page' })]);
		assert.deepEqual((await sandbox.status()).appSubscriptions, []);
		// The Page subscription belonged to the first trigger, which left it for the takeover; as the
		// README says, it stays (harmless without an app webhook).
		assert.deepEqual(await subscribedFields(sandbox, PAGE_ID, PAGE_TOKEN), ['messages', 'messaging_postbacks']);
	});
});
