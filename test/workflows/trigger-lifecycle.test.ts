/**
 * Social Messaging Trigger, activation and deactivation (issue 3, "Lifecycle"), and the GET verification
 * handshake, against the fake Graph server. The fake verifies the callback URL with a GET challenge before
 * it answers `POST /{app-id}/subscriptions`, exactly like Meta, so a passing activation proves the trigger
 * answered it.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';

import {
	APP_ID,
	IG_ACCOUNT_ID,
	PAGE_ID,
	USERS,
	messageEvent,
	startFakeGraph,
	webhookPayload,
	type FakeGraph,
	type WebhookPayload,
} from '../fakes/graph';
import { DEFAULT_WEBHOOK_ID } from '../harness/webhook';
import { instagramLoginCredentials, metaCredentials } from './setup';
import {
	APP_AUTH,
	IG_AUTH,
	IG_PROOF,
	PAGE_AUTH,
	PAGE_PROOF,
	Triggers,
	accountFields,
	appSubscription,
	itemsOf,
	sentRequests,
} from './trigger-setup';

const triggers = new Triggers();
const fakes: FakeGraph[] = [];

async function fakeGraph(): Promise<FakeGraph> {
	const fake = await startFakeGraph();
	fakes.push(fake);
	return fake;
}

afterEach(async () => {
	await triggers.closeAll();
	for (const fake of fakes.splice(0)) await fake.close();
});

const appSubscriptions = `/${APP_ID}/subscriptions`;
const pageSubscribedApps = `/${PAGE_ID}/subscribed_apps`;
const OTHER_WEBHOOK_ID = '7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910';

/** Has the fake deliver to the app's registered callback like Meta, then lets the receiving trigger finish. */
async function emit(fake: FakeGraph, payload: WebhookPayload) {
	const result = await fake.emitWebhook(payload);
	await triggers.settleAll();
	return result;
}

/** The verify token the trigger registered (the body of its POST /{app-id}/subscriptions). */
function registeredVerifyToken(fake: FakeGraph): string {
	const post = fake.calls(`POST ${appSubscriptions}`).at(-1);
	assert.ok(post, 'no POST /{app-id}/subscriptions was made');
	return (post.body as { verify_token: string }).verify_token;
}

function messageFromAlice(text: string, timestamp = 1714554000000) {
	return webhookPayload('page', PAGE_ID, [messageEvent({ from: USERS.alice.id, to: PAGE_ID, text, timestamp })]);
}

describe('activation registers both subscriptions', () => {
	test('Messenger with a Meta Graph API credential: app subscription, GET verification answered, Page subscription', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });

		await harness.activate();

		const token = registeredVerifyToken(fake);
		assert.deepEqual(sentRequests(fake), [
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{
				method: 'POST',
				path: appSubscriptions,
				query: {},
				auth: APP_AUTH,
				body: { object: 'page', callback_url: harness.webhookUrl, fields: 'messages,messaging_postbacks', verify_token: token, include_values: true },
			},
			{ method: 'GET', path: pageSubscribedApps, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
			{
				method: 'POST',
				path: pageSubscribedApps,
				query: { subscribed_fields: 'messages,messaging_postbacks', appsecret_proof: PAGE_PROOF },
				auth: PAGE_AUTH,
			},
		]);

		// Meta's verification GET reached the trigger while the POST was under way and got the challenge back.
		assert.equal(fake.verifications.length, 1);
		const [verification] = fake.verifications;
		assert.equal(verification.ok, true);
		assert.equal(verification.status, 200);
		assert.equal(verification.body, verification.challenge);
		assert.equal(verification.verifyToken, token);
		assert.equal(verification.url.split('?')[0], harness.webhookUrl);
		assert.deepEqual(
			harness.calls.map((call) => ({ method: call.method, webhookName: call.webhookName, status: call.status, outcome: call.outcome })),
			[{ method: 'GET', webhookName: 'setup', status: 200, outcome: 'answeredByNode' }],
		);
		assert.equal(harness.executions.length, 0, 'the verification starts no execution');

		assert.deepEqual(appSubscription(fake, 'page'), {
			callbackUrl: harness.webhookUrl,
			fields: ['messages', 'messaging_postbacks'],
			verifyToken: token,
		});
		assert.deepEqual(accountFields(fake, PAGE_ID), ['messages', 'messaging_postbacks']);

		// End to end: Meta now delivers to this workflow.
		const emitted = await emit(fake, messageFromAlice('Hello'));
		assert.equal(emitted.delivered, true, emitted.reason);
		assert.equal(emitted.result?.status, 200);
		assert.deepEqual(
			itemsOf(harness).map((item) => [item.type, item.text]),
			[['message', 'Hello']],
		);
	});

	test('Messenger with every event type and echoes: the matching Messenger fields', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: {
				platform: 'messenger',
				events: ['message', 'quick_reply', 'postback', 'read', 'delivery', 'reaction', 'edit', 'optin', 'referral', 'handover'],
				options: { includeEchoes: true },
			},
		});
		await harness.activate();

		const fields =
			'message_deliveries,message_echoes,message_edits,message_reactions,message_reads,messages,messaging_handovers,messaging_optins,messaging_postbacks,messaging_referrals,standby';
		const [, post, , subscribe] = sentRequests(fake);
		assert.deepEqual(post.body, {
			object: 'page',
			callback_url: harness.webhookUrl,
			fields,
			verify_token: registeredVerifyToken(fake),
			include_values: true,
		});
		assert.deepEqual(subscribe.query, { subscribed_fields: fields, appsecret_proof: PAGE_PROOF });
	});

	test('Instagram with a Meta Graph API credential: object "instagram", Instagram field names, the linked Page subscribed', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: { platform: 'instagram', events: ['message', 'quick_reply', 'postback', 'read', 'reaction'], options: { includeEchoes: true } },
		});
		await harness.activate();

		const token = registeredVerifyToken(fake);
		assert.deepEqual(sentRequests(fake), [
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{
				method: 'POST',
				path: appSubscriptions,
				query: {},
				auth: APP_AUTH,
				// Instagram reads are `messaging_seen`, echoes come with `messages`.
				body: {
					object: 'instagram',
					callback_url: harness.webhookUrl,
					fields: 'message_reactions,messages,messaging_postbacks,messaging_seen',
					verify_token: token,
					include_values: true,
				},
			},
			{ method: 'GET', path: pageSubscribedApps, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
			{
				method: 'POST',
				path: pageSubscribedApps,
				// The Page subscribes with Page field names (Meta: any Page field enables Instagram delivery).
				query: { subscribed_fields: 'message_echoes,message_reactions,message_reads,messages,messaging_postbacks', appsecret_proof: PAGE_PROOF },
				auth: PAGE_AUTH,
			},
		]);
		assert.equal(fake.verifications.length, 1);
		assert.equal(fake.verifications[0].ok, true);
		assert.equal(appSubscription(fake, 'instagram')?.callbackUrl, harness.webhookUrl);

		const emitted = await emit(fake, 
			webhookPayload('instagram', IG_ACCOUNT_ID, [
				messageEvent({ platform: 'instagram', from: USERS.ines.id, to: IG_ACCOUNT_ID, text: 'Hola', timestamp: 1714554000000 }),
			]),
		);
		assert.equal(emitted.delivered, true, emitted.reason);
		assert.deepEqual(
			itemsOf(harness).map((item) => [item.platform, item.type, item.accountId, item.text]),
			[['instagram', 'message', IG_ACCOUNT_ID, 'Hola']],
		);
	});

	test('Instagram with every event type: Instagram field names only', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: {
				platform: 'instagram',
				events: ['message', 'quick_reply', 'postback', 'read', 'delivery', 'reaction', 'edit', 'optin', 'referral', 'handover'],
				options: { includeEchoes: true },
			},
		});
		await harness.activate();
		const [, post, , subscribe] = sentRequests(fake);
		assert.equal(
			(post.body as { fields: string }).fields,
			'message_reactions,messages,messaging_handover,messaging_postbacks,messaging_referral,messaging_seen,standby',
		);
		assert.equal(
			subscribe.query.subscribed_fields,
			'message_deliveries,message_echoes,message_edits,message_reactions,message_reads,messages,messaging_handovers,messaging_optins,messaging_postbacks,messaging_referrals,standby',
		);
	});

	test('Instagram Login credential: app subscription with the app token, the account subscribed with the Instagram token', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: instagramLoginCredentials(fake), parameters: { platform: 'instagram', events: ['message', 'read'] } });
		await harness.activate();

		const token = registeredVerifyToken(fake);
		assert.deepEqual(sentRequests(fake), [
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{
				method: 'POST',
				path: appSubscriptions,
				query: {},
				auth: APP_AUTH,
				body: { object: 'instagram', callback_url: harness.webhookUrl, fields: 'messages,messaging_seen', verify_token: token, include_values: true },
			},
			{ method: 'GET', path: '/me/subscribed_apps', query: { appsecret_proof: IG_PROOF }, auth: IG_AUTH },
			{ method: 'POST', path: '/me/subscribed_apps', query: { subscribed_fields: 'messages,messaging_seen', appsecret_proof: IG_PROOF }, auth: IG_AUTH },
		]);
		assert.equal(fake.verifications[0].ok, true);
		assert.deepEqual(accountFields(fake, IG_ACCOUNT_ID), ['messages', 'messaging_seen']);

		const emitted = await emit(fake, 
			webhookPayload('instagram', IG_ACCOUNT_ID, [
				messageEvent({ platform: 'instagram', from: USERS.kenji.id, to: IG_ACCOUNT_ID, text: 'Konnichiwa', timestamp: 1714554000000 }),
			]),
		);
		assert.equal(emitted.delivered, true, emitted.reason);
		assert.deepEqual(
			itemsOf(harness).map((item) => [item.type, item.text]),
			[['message', 'Konnichiwa']],
		);
	});

	test('Instagram Login credential with the account ID filled in subscribes /{ig-id}/subscribed_apps', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({
			credentials: instagramLoginCredentials(fake, { instagramAccountId: IG_ACCOUNT_ID }),
			parameters: { platform: 'instagram' },
		});
		await harness.activate();
		const accountCalls = sentRequests(fake).filter((request) => request.path.endsWith('/subscribed_apps'));
		assert.deepEqual(accountCalls, [
			{ method: 'GET', path: `/${IG_ACCOUNT_ID}/subscribed_apps`, query: { appsecret_proof: IG_PROOF }, auth: IG_AUTH },
			{
				method: 'POST',
				path: `/${IG_ACCOUNT_ID}/subscribed_apps`,
				query: { subscribed_fields: 'messages,messaging_postbacks', appsecret_proof: IG_PROOF },
				auth: IG_AUTH,
			},
		]);
	});

	test('Meta refuses a callback that does not answer its verification: activation fails with its error and nothing is subscribed', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		// Nobody listens at the webhook URL any more, so Meta's GET cannot be answered.
		await harness.close();

		await assert.rejects(harness.activate(), (error: Error & { description?: string }) => {
			assert.equal(error.message, `Meta could not verify the webhook URL ${harness.webhookUrl}`);
			assert.match(error.description ?? '', /reachable from the internet over HTTPS/);
			assert.match(error.description ?? '', /Meta says: "\(#2200\) Callback verification failed/);
			return true;
		});

		assert.equal(fake.verifications.length, 1);
		assert.equal(fake.verifications[0].ok, false);
		assert.equal(appSubscription(fake, 'page'), undefined);
		assert.equal(accountFields(fake, PAGE_ID), undefined);
		assert.deepEqual(
			fake.calls().filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`),
			[`POST ${appSubscriptions}`],
			'no Page subscription after the failed app subscription',
		);
	});

	test('a wrong App Secret: activation fails with a message about the App ID and App Secret, nothing is registered', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({
			credentials: metaCredentials(fake, { appSecret: 'not-the-apps-secret-0123456789abc' }),
			parameters: { platform: 'messenger' },
		});
		await assert.rejects(harness.activate(), (error: Error & { description?: string }) => {
			assert.equal(error.message, 'Meta refused the app access token made of the App ID and App Secret');
			assert.match(error.description ?? '', /App Dashboard > App settings > Basic/);
			return true;
		});
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`, `GET ${appSubscriptions}`],
		);
		assert.equal(fake.state.appSubscriptions.size, 0);
	});

	test('Instagram with only Messenger-only events: a clear error before any request', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'instagram', events: ['delivery', 'edit', 'optin'] } });
		await assert.rejects(harness.activate(), /None of the chosen events exist on Instagram/);
		assert.deepEqual(
			sentRequests(fake).filter((request) => request.method !== 'GET'),
			[],
		);
	});

	test('an activation error after the app subscription is cleaned up: nothing stays registered', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		fake.failNext(`POST ${pageSubscribedApps}`, 'permissionDenied');

		await assert.rejects(harness.activate(), (error: Error & { description?: string }) => {
			assert.equal(error.message, 'The token may not subscribe the Page or Instagram account to the app');
			assert.match(error.description ?? '', /pages_manage_metadata/);
			assert.match(error.description ?? '', /Meta says: "\(#200\) Permissions error"/);
			return true;
		});

		assert.deepEqual(harness.cleanupErrors, []);
		assert.equal(appSubscription(fake, 'page'), undefined, 'the app subscription made before the failure was removed');
		assert.equal(accountFields(fake, PAGE_ID), undefined);
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[
				`GET ${appSubscriptions}`,
				`POST ${appSubscriptions}`,
				`GET ${pageSubscribedApps}`,
				`POST ${pageSubscribedApps}`,
				// n8n's clean-up after a failed activation runs the node's delete.
				`GET ${appSubscriptions}`,
				`DELETE ${appSubscriptions}`,
			],
		);
	});
});

describe('checkExists', () => {
	test('recognises its own subscription: a second activation and a restart make no POST', async () => {
		const fake = await fakeGraph();
		const options = { credentials: metaCredentials(fake), parameters: { platform: 'messenger' } };
		const harness = await triggers.start(options);
		await harness.activate();
		const registration = harness.nodeStaticData().registration;
		assert.ok(registration, 'activation records what it added');

		fake.clearRequests();
		await harness.activate();
		const onlyChecks = [
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{ method: 'GET', path: pageSubscribedApps, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
		];
		assert.deepEqual(sentRequests(fake), onlyChecks);

		const restarted = await triggers.restart(harness);
		fake.clearRequests();
		await restarted.activate();
		assert.deepEqual(sentRequests(fake), onlyChecks);
		assert.equal(fake.verifications.length, 1, 'Meta verified the URL only once');
		assert.deepEqual(restarted.nodeStaticData().registration, registration);
	});

	test('a registration Meta lost part of is made again, and still remembers that the Page was subscribed by it', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();

		// The Page's subscription disappears (e.g. someone removed the app from the Page).
		fake.state.subscribedApps.delete(PAGE_ID);
		fake.clearRequests();
		await harness.activate();
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`, `GET ${pageSubscribedApps}`, `POST ${appSubscriptions}`, `GET ${pageSubscribedApps}`, `POST ${pageSubscribedApps}`],
		);
		assert.deepEqual(accountFields(fake, PAGE_ID), ['messages', 'messaging_postbacks']);

		// A field added to the Page later by someone else; the trigger only re-adds what it needs.
		fake.state.subscribedApps.get(PAGE_ID)!.set(APP_ID, ['feed']);
		fake.clearRequests();
		await harness.activate();
		assert.deepEqual(sentRequests(fake).at(-1)?.query, { subscribed_fields: 'feed,messages,messaging_postbacks', appsecret_proof: PAGE_PROOF });

		fake.clearRequests();
		await harness.deactivate();
		// It subscribed the Page in the first place, so it unsubscribes it.
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`, `DELETE ${pageSubscribedApps}`],
		);
		assert.equal(accountFields(fake, PAGE_ID), undefined);
	});
});

describe('another URL owns the app subscription', () => {
	test('activation fails with a message naming the other URL and how to proceed; nothing is posted or deleted', async () => {
		const fake = await fakeGraph();
		const first = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' }, workflowId: 'workflow-a' });
		await first.activate();
		const pageFieldsBefore = accountFields(fake, PAGE_ID);

		const second = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: { platform: 'messenger' },
			workflowId: 'workflow-b',
			webhookId: OTHER_WEBHOOK_ID,
		});
		fake.clearRequests();
		await assert.rejects(second.activate(), (error: Error & { description?: string }) => {
			assert.equal(error.message, `This Meta app already sends "page" webhooks to another URL: ${first.webhookUrl}`);
			assert.match(error.description ?? '', /one callback URL per webhook object/);
			assert.match(error.description ?? '', /Deactivate the workflow that uses that URL/);
			assert.match(error.description ?? '', /"Replace Existing Webhook"/);
			return true;
		});

		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			// checkExists, then n8n's clean-up (delete), which sees the subscription is not its own.
			[`GET ${appSubscriptions}`, `GET ${appSubscriptions}`],
		);
		assert.deepEqual(second.cleanupErrors, []);
		assert.equal(appSubscription(fake, 'page')?.callbackUrl, first.webhookUrl);
		assert.deepEqual(accountFields(fake, PAGE_ID), pageFieldsBefore);

		const emitted = await emit(fake, messageFromAlice('Still here'));
		assert.equal(emitted.delivered, true);
		assert.equal(first.executions.length, 1, 'the first workflow still receives the events');
		assert.equal(second.executions.length, 0);
	});

	test('"Replace Existing Webhook" takes it over; the old owner\'s deactivation then leaves it alone', async () => {
		const fake = await fakeGraph();
		const first = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' }, workflowId: 'workflow-a' });
		await first.activate();

		const second = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: { platform: 'messenger', options: { replaceExistingWebhook: true } },
			workflowId: 'workflow-b',
			webhookId: OTHER_WEBHOOK_ID,
		});
		fake.clearRequests();
		await second.activate();

		const token = registeredVerifyToken(fake);
		assert.deepEqual(sentRequests(fake), [
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{
				method: 'POST',
				path: appSubscriptions,
				query: {},
				auth: APP_AUTH,
				body: { object: 'page', callback_url: second.webhookUrl, fields: 'messages,messaging_postbacks', verify_token: token, include_values: true },
			},
			// The Page already has every field this trigger needs: no POST.
			{ method: 'GET', path: pageSubscribedApps, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
		]);
		assert.equal(appSubscription(fake, 'page')?.callbackUrl, second.webhookUrl);

		await emit(fake, messageFromAlice('Moved'));
		assert.equal(second.executions.length, 1);
		assert.equal(first.executions.length, 0);

		// The first workflow is deactivated: the app subscription now belongs to the second one, and the
		// second one needs the Page subscription, so nothing is touched.
		fake.clearRequests();
		await first.deactivate();
		assert.deepEqual(sentRequests(fake), [{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH }]);
		assert.equal(appSubscription(fake, 'page')?.callbackUrl, second.webhookUrl);
		assert.deepEqual(accountFields(fake, PAGE_ID), ['messages', 'messaging_postbacks']);
		const emitted = await emit(fake, messageFromAlice('Still moved', 1714554001000));
		assert.equal(emitted.delivered, true, emitted.reason);
		assert.equal(second.executions.length, 2);

		// The second one removes its app subscription; it did not subscribe the Page, so it leaves that.
		fake.clearRequests();
		await second.deactivate();
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`],
		);
		assert.deepEqual(fake.calls(`DELETE ${appSubscriptions}`)[0].query, { object: 'page' });
		assert.equal(appSubscription(fake, 'page'), undefined);
	});
});

describe('deactivation removes exactly what activation added', () => {
	test('the Page was not subscribed before: app subscription removed, Page unsubscribed', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();

		fake.clearRequests();
		await harness.deactivate();
		assert.deepEqual(sentRequests(fake), [
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{ method: 'DELETE', path: appSubscriptions, query: { object: 'page' }, auth: APP_AUTH },
			{ method: 'DELETE', path: pageSubscribedApps, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
		]);
		assert.equal(appSubscription(fake, 'page'), undefined);
		assert.equal(accountFields(fake, PAGE_ID), undefined);
		assert.equal(harness.nodeStaticData().registration, undefined);

		const emitted = await emit(fake, messageFromAlice('Anyone?'));
		assert.equal(emitted.delivered, false);
	});

	test('the Page already had other fields: only the fields the trigger added are removed', async () => {
		const fake = await fakeGraph();
		fake.state.subscribedApps.set(PAGE_ID, new Map([[APP_ID, ['feed', 'messages']]]));
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();
		assert.deepEqual(fake.calls(`POST ${pageSubscribedApps}`).map((request) => request.query), [
			{ subscribed_fields: 'feed,messages,messaging_postbacks', appsecret_proof: PAGE_PROOF },
		]);

		fake.clearRequests();
		await harness.deactivate();
		assert.deepEqual(sentRequests(fake), [
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{ method: 'DELETE', path: appSubscriptions, query: { object: 'page' }, auth: APP_AUTH },
			{ method: 'GET', path: pageSubscribedApps, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
			// `messages` was there before, so it stays; only `messaging_postbacks` goes.
			{ method: 'POST', path: pageSubscribedApps, query: { subscribed_fields: 'feed,messages', appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
		]);
		assert.deepEqual(accountFields(fake, PAGE_ID), ['feed', 'messages']);
	});

	test('the Page already had every field: deactivation does not touch it', async () => {
		const fake = await fakeGraph();
		fake.state.subscribedApps.set(PAGE_ID, new Map([[APP_ID, ['messages', 'messaging_postbacks']]]));
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();
		assert.equal(fake.calls(`POST ${pageSubscribedApps}`).length, 0);

		fake.clearRequests();
		await harness.deactivate();
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`],
		);
		assert.deepEqual(accountFields(fake, PAGE_ID), ['messages', 'messaging_postbacks']);
	});

	test('the app subscription now belongs to another URL: deactivation leaves it (and the Page) alone', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();
		// Another tool re-registered the app's webhook meanwhile.
		const other = 'https://hooks.example.com/meta/webhook';
		fake.state.appSubscriptions.get('page')!.callbackUrl = other;

		fake.clearRequests();
		await harness.deactivate();
		assert.deepEqual(sentRequests(fake), [{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH }]);
		assert.equal(appSubscription(fake, 'page')?.callbackUrl, other);
		assert.deepEqual(accountFields(fake, PAGE_ID), ['messages', 'messaging_postbacks']);
	});

	test('a Messenger and an Instagram trigger share the Page subscription: the first one deactivated leaves it to the other', async () => {
		const fake = await fakeGraph();
		const messenger = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' }, workflowId: 'workflow-messenger' });
		const instagram = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: { platform: 'instagram' },
			workflowId: 'workflow-instagram',
			webhookId: OTHER_WEBHOOK_ID,
		});
		await messenger.activate();
		await instagram.activate();

		fake.clearRequests();
		await messenger.deactivate();
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`],
		);
		assert.equal(appSubscription(fake, 'page'), undefined);
		assert.deepEqual(accountFields(fake, PAGE_ID), ['messages', 'messaging_postbacks']);

		const emitted = await emit(fake, 
			webhookPayload('instagram', IG_ACCOUNT_ID, [messageEvent({ platform: 'instagram', from: USERS.ines.id, to: IG_ACCOUNT_ID, text: 'Still on' })]),
		);
		assert.equal(emitted.delivered, true, emitted.reason);
		assert.equal(instagram.executions.length, 1);

		fake.clearRequests();
		await instagram.deactivate();
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`],
		);
		assert.equal(appSubscription(fake, 'instagram'), undefined);
	});

	test('in the other order the last trigger unsubscribes the Page it subscribed', async () => {
		const fake = await fakeGraph();
		const messenger = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' }, workflowId: 'workflow-messenger' });
		const instagram = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: { platform: 'instagram' },
			workflowId: 'workflow-instagram',
			webhookId: OTHER_WEBHOOK_ID,
		});
		await messenger.activate();
		await instagram.activate();

		await instagram.deactivate();
		assert.deepEqual(accountFields(fake, PAGE_ID), ['messages', 'messaging_postbacks']);
		fake.clearRequests();
		await messenger.deactivate();
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`, `DELETE ${pageSubscribedApps}`],
		);
		assert.equal(accountFields(fake, PAGE_ID), undefined);
		assert.equal(fake.state.appSubscriptions.size, 0);
	});

	test('Instagram Login: the app subscription and the account subscription are removed', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: instagramLoginCredentials(fake), parameters: { platform: 'instagram' } });
		await harness.activate();
		fake.clearRequests();
		await harness.deactivate();
		assert.deepEqual(sentRequests(fake), [
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{ method: 'DELETE', path: appSubscriptions, query: { object: 'instagram' }, auth: APP_AUTH },
			{ method: 'DELETE', path: '/me/subscribed_apps', query: { appsecret_proof: IG_PROOF }, auth: IG_AUTH },
		]);
		assert.equal(accountFields(fake, IG_ACCOUNT_ID), undefined);
		assert.equal(appSubscription(fake, 'instagram'), undefined);
	});

	test('errors are reported, the other steps still run, and a second deactivation finishes the job', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();

		fake.failNext(`DELETE ${appSubscriptions}`, 'permissionDenied');
		fake.clearRequests();
		await assert.rejects(harness.deactivate(), (error: Error & { description?: string }) => {
			assert.match(error.message, /^Could not remove the webhook from Meta: removing the app's "page" webhook failed: The token lacks a permission/);
			assert.match(error.description ?? '', /App Dashboard > Webhooks/);
			return true;
		});
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`, `DELETE ${pageSubscribedApps}`],
		);
		assert.equal(accountFields(fake, PAGE_ID), undefined, 'the Page was still unsubscribed');
		assert.ok(appSubscription(fake, 'page'), 'the app subscription is still there');

		// n8n keeps the static data of a failed deactivation as it was, so a second one retries every step
		// (removing the Page subscription again is harmless).
		fake.clearRequests();
		await harness.deactivate();
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`, `DELETE ${pageSubscribedApps}`],
		);
		assert.equal(appSubscription(fake, 'page'), undefined);
		assert.equal(harness.nodeStaticData().registration, undefined);
	});

	test('a failure to read the app subscription is reported and nothing is deleted', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();

		fake.failNext(`GET ${appSubscriptions}`, 'invalidToken');
		fake.clearRequests();
		await assert.rejects(harness.deactivate(), /Could not remove the webhook from Meta: reading the app's webhook subscriptions failed: The access token is invalid or has expired/);
		assert.deepEqual(
			sentRequests(fake).map((request) => `${request.method} ${request.path}`),
			[`GET ${appSubscriptions}`],
		);
		assert.ok(appSubscription(fake, 'page'));
		assert.ok(accountFields(fake, PAGE_ID));
	});
});

describe('GET verification requests', () => {
	async function activeTrigger() {
		const fake = await fakeGraph();
		const options = { credentials: metaCredentials(fake), parameters: { platform: 'messenger' } };
		const harness = await triggers.start(options);
		await harness.activate();
		return { fake, options, harness, token: registeredVerifyToken(fake) };
	}

	test('the right token: 200 text/plain with exactly the challenge, and no execution', async () => {
		const { harness, token } = await activeTrigger();
		const response = await harness.request('GET', undefined, {
			query: { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': token },
		});
		assert.equal(response.status, 200);
		assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
		assert.equal(response.text, '1158201444');
		assert.equal(harness.executions.length, 0);
		assert.equal(harness.calls.at(-1)?.outcome, 'answeredByNode');
	});

	test('a wrong token, a wrong mode or a missing challenge: 403 and no execution', async () => {
		const { harness, token } = await activeTrigger();
		const cases: Array<Record<string, string>> = [
			{ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'guessed-token' },
			{ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': `${token}0` },
			{ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': token.toUpperCase() },
			{ 'hub.mode': 'unsubscribe', 'hub.challenge': '1158201444', 'hub.verify_token': token },
			{ 'hub.challenge': '1158201444', 'hub.verify_token': token },
			{ 'hub.mode': 'subscribe', 'hub.verify_token': token },
			{},
		];
		for (const query of cases) {
			const response = await harness.request('GET', undefined, { query });
			assert.equal(response.status, 403, JSON.stringify(query));
			assert.notEqual(response.text, '1158201444');
		}
		assert.equal(harness.executions.length, 0);
	});

	test('the verify token is unguessable: not the node, workflow or webhook id, different per workflow and per app secret', async () => {
		const { fake, harness, token } = await activeTrigger();
		assert.match(token, /^[0-9a-f]{40}$/);
		for (const publicId of ['trigger-under-test', triggers.workflowIdOf(harness), DEFAULT_WEBHOOK_ID, APP_ID, PAGE_ID]) {
			assert.ok(!token.includes(publicId), `token contains ${publicId}`);
		}
		assert.ok(!harness.webhookUrl.includes(token), 'the token is not part of the webhook URL');

		const challenge = { 'hub.mode': 'subscribe', 'hub.challenge': '42' };
		// Another workflow using the same app has its own token.
		const otherWorkflow = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: { platform: 'messenger' },
			workflowId: 'another-workflow',
			requireActivation: false,
		});
		assert.equal((await otherWorkflow.request('GET', undefined, { query: { ...challenge, 'hub.verify_token': token } })).status, 403);

		// The same workflow with another app secret no longer accepts it.
		const otherSecret = await triggers.start({
			credentials: metaCredentials(fake, { appSecret: 'a-rotated-app-secret-0123456789ab' }),
			parameters: { platform: 'messenger' },
			workflowId: triggers.workflowIdOf(harness),
			requireActivation: false,
		});
		assert.equal((await otherSecret.request('GET', undefined, { query: { ...challenge, 'hub.verify_token': token } })).status, 403);
		assert.equal((await harness.request('GET', undefined, { query: { ...challenge, 'hub.verify_token': token } })).status, 200);
	});

	test('the verify token is stable across restarts', async () => {
		const { harness, token } = await activeTrigger();
		const restarted = await triggers.restart(harness);
		await restarted.activate();
		const response = await restarted.request('GET', undefined, {
			query: { 'hub.mode': 'subscribe', 'hub.challenge': '987654321', 'hub.verify_token': token },
		});
		assert.equal(response.status, 200);
		assert.equal(response.text, '987654321');

		// Registering again after a restart sends the same token.
		await restarted.deactivate();
		await restarted.activate();
		assert.deepEqual(
			(await fakeCallsTokens(restarted.webhookUrl)).slice(-1),
			[token],
		);
	});
});

/** The verify tokens the fake received in POST /{app-id}/subscriptions for a callback URL. */
async function fakeCallsTokens(callbackUrl: string): Promise<string[]> {
	const fake = fakes.at(-1)!;
	return fake
		.calls(`POST ${appSubscriptions}`)
		.map((request) => request.body as { callback_url: string; verify_token: string })
		.filter((body) => body.callback_url === callbackUrl)
		.map((body) => body.verify_token);
}
