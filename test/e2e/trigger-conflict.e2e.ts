/**
 * Two triggers on one Meta app inside n8n: a Meta app has one callback URL per object, so a second
 * trigger with another URL must not take the webhook over silently. Its activation fails with a message
 * that names the URL in use and changes nothing at Meta; with "Replace Existing Webhook" it takes the
 * webhook over on purpose, and deactivating the first trigger then leaves the new owner's registration
 * alone. (On newer n8n the failing activation takes about 15 s: n8n retries a trigger that failed to
 * start. scripts/e2e.mjs starts this file first so the wait overlaps the other files.)
 */
import { describe, expect, it } from '@jest/globals';

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
import { rejectionOf } from '../harness/expect';

const ctx = useTriggerContext();

describe(`Two Social Messaging Triggers on one Meta app in n8n ${E2E.version}`, () => {
	let first: StoredWorkflow;
	let firstUrl: string;
	let takeover: StoredWorkflow;
	let takeoverUrl: string;

	it('the first trigger registers the app\'s "page" webhook', async () => {
		({ workflow: first, url: firstUrl } = await createTriggerWorkflow(ctx().n8n, 'e2e conflict: first', { platform: 'messenger', events: ['message', 'postback'] }, ctx().metaGraph));
		await ctx().n8n.activateWorkflow(first.id, first.versionId);
		expect((await ctx().sandbox.status()).appSubscriptions.map((s) => [s.object, s.callbackUrl])).toStrictEqual([['page', firstUrl]]);
	});

	it('a second trigger with another URL fails to activate, naming the URL in use, and changes nothing', async () => {
		const { n8n, sandbox } = ctx();
		const { workflow: second } = await createTriggerWorkflow(n8n, 'e2e conflict: second', { platform: 'messenger', events: ['message'] }, ctx().metaGraph);
		const { appSubscriptions } = await sandbox.status();
		const since = await sandbox.mark();
		await rejectionOf<Error>(n8n.activateWorkflow(second.id, second.versionId)).then((error: Error) => {
			// error.message
			expect(error.message).toContain(`This Meta app already sends "page" webhooks to another URL: ${firstUrl}`);
		});
		// It only read the app's subscriptions (n8n 2.0 tries once; newer n8n retries, reading them on
		// every attempt and again when it cleans up the failed attempt).
		const reads = await requestsSince(sandbox, since);
		expect(reads.length).toBeGreaterThanOrEqual(1);
		expect(reads).toStrictEqual(reads.map(() => app('GET')));
		// Newer n8n leaves a workflow whose trigger failed marked active; deactivating it must not touch
		// the first trigger's registration either.
		if ((await n8n.getWorkflow(second.id)).active) {
			const cleanup = await sandbox.mark();
			await n8n.deactivateWorkflow(second.id);
			const cleanupRequests = await requestsSince(sandbox, cleanup);
			expect(cleanupRequests).toStrictEqual(cleanupRequests.map(() => app('GET')));
		}
		expect((await sandbox.status()).appSubscriptions).toStrictEqual(appSubscriptions);
		expect(await subscribedFields(sandbox, PAGE_ID, PAGE_TOKEN)).toStrictEqual(['messages', 'messaging_postbacks']);

		// Messages still reach the first workflow, and only it.
		await deliverSigned(sandbox, { platform: 'messenger', event: 'message', from: 'alice', text: 'Still there?' });
		const execution = await n8n.waitForNewExecution(first.id);
		expect((await triggerItems(execution)).map((item) => item.text)).toStrictEqual(['Still there?']);
		expect(await executionsOf(n8n, second)).toStrictEqual([]);
	});

	it('with Replace Existing Webhook a third trigger takes the webhook over', async () => {
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
		expect(subscription.callbackUrl).toBe(takeoverUrl);
		expect(await requestsSince(sandbox, since)).toStrictEqual([
			app('GET'),
			app('POST', {}, { object: 'page', callback_url: takeoverUrl, fields: 'messages', verify_token: subscription.verifyToken, include_values: true }),
			// The Page already receives messages for the app: nothing to add.
			account(PAGE_TOKEN, 'GET', PAGE_ID),
		]);
		const known = await executionsOf(n8n, first);
		await deliverSigned(sandbox, { platform: 'messenger', event: 'message', from: 'alice', text: 'Who answers now?' });
		const execution = await n8n.waitForNewExecution(takeover.id);
		expect((await triggerItems(execution)).map((item) => item.text)).toStrictEqual(['Who answers now?']);
		expect(await executionsOf(n8n, first)).toStrictEqual(known);
	});

	it('deactivating the first trigger leaves the new owner\'s registration alone; the owner removes its own', async () => {
		const { n8n, sandbox } = ctx();
		let since = await sandbox.mark();
		await n8n.deactivateWorkflow(first.id);
		expect(await requestsSince(sandbox, since)).toStrictEqual([app('GET')]);
		expect((await sandbox.status()).appSubscriptions.map((s) => s.callbackUrl)).toStrictEqual([takeoverUrl]);
		expect(await subscribedFields(sandbox, PAGE_ID, PAGE_TOKEN)).toStrictEqual(['messages', 'messaging_postbacks']);

		since = await sandbox.mark();
		await n8n.deactivateWorkflow(takeover.id);
		expect(await requestsSince(sandbox, since)).toStrictEqual([app('GET'), app('DELETE', { object: 'page' })]);
		expect((await sandbox.status()).appSubscriptions).toStrictEqual([]);
		// The Page subscription belonged to the first trigger, which left it for the takeover; as the
		// README says, it stays (harmless without an app webhook).
		expect(await subscribedFields(sandbox, PAGE_ID, PAGE_TOKEN)).toStrictEqual(['messages', 'messaging_postbacks']);
	});
});
