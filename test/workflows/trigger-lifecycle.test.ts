/**
 * Social Messaging Trigger, activation and deactivation (issue 3, "Lifecycle"), and the GET verification
 * handshake, against the fake Graph server. The fake verifies the callback URL with a GET challenge before
 * it answers `POST /{app-id}/subscriptions`, exactly like Meta, so a passing activation proves the trigger
 * answered it.
 */
import { afterEach, describe, expect, it } from '@jest/globals';

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
import { rejectionOf } from '../harness/expect';

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
	// no POST /{app-id}/subscriptions was made
	expect(post).toBeTruthy();
	return (post!.body as { verify_token: string }).verify_token;
}

function messageFromAlice(text: string, timestamp = 1714554000000) {
	return webhookPayload('page', PAGE_ID, [messageEvent({ from: USERS.alice.id, to: PAGE_ID, text, timestamp })]);
}

describe('activation registers both subscriptions', () => {
	it('Messenger with a Meta Graph API credential: app subscription, GET verification answered, Page subscription', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });

		await harness.activate();

		const token = registeredVerifyToken(fake);
		expect(sentRequests(fake)).toStrictEqual([
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
		expect(fake.verifications.length).toBe(1);
		const [verification] = fake.verifications;
		expect(verification.ok).toBe(true);
		expect(verification.status).toBe(200);
		expect(verification.body).toBe(verification.challenge);
		expect(verification.verifyToken).toBe(token);
		expect(verification.url.split('?')[0]).toBe(harness.webhookUrl);
		expect(harness.calls.map((call) => ({ method: call.method, webhookName: call.webhookName, status: call.status, outcome: call.outcome }))).toStrictEqual([{ method: 'GET', webhookName: 'setup', status: 200, outcome: 'answeredByNode' }]);
		// the verification starts no execution
		expect(harness.executions.length).toBe(0);

		expect(appSubscription(fake, 'page')).toStrictEqual({
			callbackUrl: harness.webhookUrl,
			fields: ['messages', 'messaging_postbacks'],
			verifyToken: token,
		});
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['messages', 'messaging_postbacks']);

		// End to end: Meta now delivers to this workflow.
		const emitted = await emit(fake, messageFromAlice('Hello'));
		// emitted.reason
		expect(emitted.delivered).toBe(true);
		expect(emitted.result?.status).toBe(200);
		expect(itemsOf(harness).map((item) => [item.type, item.text])).toStrictEqual([['message', 'Hello']]);
	});

	it('Messenger with every event type and echoes: the matching Messenger fields', async () => {
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
		expect(post.body).toStrictEqual({
			object: 'page',
			callback_url: harness.webhookUrl,
			fields,
			verify_token: registeredVerifyToken(fake),
			include_values: true,
		});
		expect(subscribe.query).toStrictEqual({ subscribed_fields: fields, appsecret_proof: PAGE_PROOF });
	});

	it('Instagram with a Meta Graph API credential: object "instagram", Instagram field names, the linked Page subscribed', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: { platform: 'instagram', events: ['message', 'quick_reply', 'postback', 'read', 'reaction'], options: { includeEchoes: true } },
		});
		await harness.activate();

		const token = registeredVerifyToken(fake);
		expect(sentRequests(fake)).toStrictEqual([
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
		expect(fake.verifications.length).toBe(1);
		expect(fake.verifications[0].ok).toBe(true);
		expect(appSubscription(fake, 'instagram')?.callbackUrl).toBe(harness.webhookUrl);

		const emitted = await emit(fake, 
			webhookPayload('instagram', IG_ACCOUNT_ID, [
				messageEvent({ platform: 'instagram', from: USERS.ines.id, to: IG_ACCOUNT_ID, text: 'Hola', timestamp: 1714554000000 }),
			]),
		);
		// emitted.reason
		expect(emitted.delivered).toBe(true);
		expect(itemsOf(harness).map((item) => [item.platform, item.type, item.accountId, item.text])).toStrictEqual([['instagram', 'message', IG_ACCOUNT_ID, 'Hola']]);
	});

	it('Instagram with every event type: Instagram field names only', async () => {
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
		expect((post.body as { fields: string }).fields).toBe('message_reactions,messages,messaging_handover,messaging_postbacks,messaging_referral,messaging_seen,standby');
		expect(subscribe.query.subscribed_fields).toBe('message_deliveries,message_echoes,message_edits,message_reactions,message_reads,messages,messaging_handovers,messaging_optins,messaging_postbacks,messaging_referrals,standby');
	});

	it('Instagram Login credential: app subscription with the app token, the account subscribed with the Instagram token', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: instagramLoginCredentials(fake), parameters: { platform: 'instagram', events: ['message', 'read'] } });
		await harness.activate();

		const token = registeredVerifyToken(fake);
		expect(sentRequests(fake)).toStrictEqual([
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
		expect(fake.verifications[0].ok).toBe(true);
		expect(accountFields(fake, IG_ACCOUNT_ID)).toStrictEqual(['messages', 'messaging_seen']);

		const emitted = await emit(fake, 
			webhookPayload('instagram', IG_ACCOUNT_ID, [
				messageEvent({ platform: 'instagram', from: USERS.kenji.id, to: IG_ACCOUNT_ID, text: 'Konnichiwa', timestamp: 1714554000000 }),
			]),
		);
		// emitted.reason
		expect(emitted.delivered).toBe(true);
		expect(itemsOf(harness).map((item) => [item.type, item.text])).toStrictEqual([['message', 'Konnichiwa']]);
	});

	it('Instagram Login credential with the account ID filled in subscribes /{ig-id}/subscribed_apps', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({
			credentials: instagramLoginCredentials(fake, { instagramAccountId: IG_ACCOUNT_ID }),
			parameters: { platform: 'instagram' },
		});
		await harness.activate();
		const accountCalls = sentRequests(fake).filter((request) => request.path.endsWith('/subscribed_apps'));
		expect(accountCalls).toStrictEqual([
			{ method: 'GET', path: `/${IG_ACCOUNT_ID}/subscribed_apps`, query: { appsecret_proof: IG_PROOF }, auth: IG_AUTH },
			{
				method: 'POST',
				path: `/${IG_ACCOUNT_ID}/subscribed_apps`,
				query: { subscribed_fields: 'messages,messaging_postbacks', appsecret_proof: IG_PROOF },
				auth: IG_AUTH,
			},
		]);
	});

	it('Meta refuses a callback that does not answer its verification: activation fails with its error and nothing is subscribed', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		// Nobody listens at the webhook URL any more, so Meta's GET cannot be answered.
		await harness.close();

		await rejectionOf<Error & { description?: string }>(harness.activate()).then((error: Error & { description?: string }) => {
			expect(error.message).toBe(`Meta could not verify the webhook URL ${harness.webhookUrl}`);
			expect(error.description ?? '').toMatch(/reachable from the internet over HTTPS/);
			expect(error.description ?? '').toMatch(/Meta says: "\(#2200\) Callback verification failed/);
		});

		expect(fake.verifications.length).toBe(1);
		expect(fake.verifications[0].ok).toBe(false);
		expect(appSubscription(fake, 'page')).toBeUndefined();
		expect(accountFields(fake, PAGE_ID)).toBeUndefined();
		// no Page subscription after the failed app subscription
		expect(fake.calls().filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`)).toStrictEqual([`POST ${appSubscriptions}`]);
	});

	it('a wrong App Secret: activation fails with a message about the App ID and App Secret, nothing is registered', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({
			credentials: metaCredentials(fake, { appSecret: 'not-the-apps-secret-0123456789abc' }),
			parameters: { platform: 'messenger' },
		});
		await rejectionOf<Error & { description?: string }>(harness.activate()).then((error: Error & { description?: string }) => {
			expect(error.message).toBe('Meta refused the app access token made of the App ID and App Secret');
			expect(error.description ?? '').toMatch(/App Dashboard > App settings > Basic/);
		});
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `GET ${appSubscriptions}`]);
		expect(fake.state.appSubscriptions.size).toBe(0);
	});

	it('Instagram with only Messenger-only events: a clear error before any request', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'instagram', events: ['delivery', 'edit', 'optin'] } });
		await expect(harness.activate()).rejects.toThrow(/None of the chosen events exist on Instagram/);
		expect(sentRequests(fake).filter((request) => request.method !== 'GET')).toStrictEqual([]);
	});

	it('an activation error after the app subscription is cleaned up: nothing stays registered', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		fake.failNext(`POST ${pageSubscribedApps}`, 'permissionDenied');

		await rejectionOf<Error & { description?: string }>(harness.activate()).then((error: Error & { description?: string }) => {
			expect(error.message).toBe('The token may not subscribe the Page or Instagram account to the app');
			expect(error.description ?? '').toMatch(/pages_manage_metadata/);
			expect(error.description ?? '').toMatch(/Meta says: "\(#200\) Permissions error"/);
		});

		expect(harness.cleanupErrors).toStrictEqual([]);
		// the app subscription made before the failure was removed
		expect(appSubscription(fake, 'page')).toBeUndefined();
		expect(accountFields(fake, PAGE_ID)).toBeUndefined();
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([
				`GET ${appSubscriptions}`,
				`POST ${appSubscriptions}`,
				`GET ${pageSubscribedApps}`,
				`POST ${pageSubscribedApps}`,
				// n8n's clean-up after a failed activation runs the node's delete.
				`GET ${appSubscriptions}`,
				`DELETE ${appSubscriptions}`,
			]);
	});
});

describe('checkExists', () => {
	it('recognises its own subscription: a second activation and a restart make no POST', async () => {
		const fake = await fakeGraph();
		const options = { credentials: metaCredentials(fake), parameters: { platform: 'messenger' } };
		const harness = await triggers.start(options);
		await harness.activate();
		const registration = harness.nodeStaticData().registration;
		// activation records what it added
		expect(registration).toBeTruthy();

		fake.clearRequests();
		await harness.activate();
		const onlyChecks = [
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{ method: 'GET', path: pageSubscribedApps, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
		];
		expect(sentRequests(fake)).toStrictEqual(onlyChecks);

		const restarted = await triggers.restart(harness);
		fake.clearRequests();
		await restarted.activate();
		expect(sentRequests(fake)).toStrictEqual(onlyChecks);
		// Meta verified the URL only once
		expect(fake.verifications.length).toBe(1);
		expect(restarted.nodeStaticData().registration).toStrictEqual(registration);
	});

	it('a registration Meta lost part of is made again, and still remembers that the Page was subscribed by it', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();

		// The Page's subscription disappears (e.g. someone removed the app from the Page).
		fake.state.subscribedApps.delete(PAGE_ID);
		fake.clearRequests();
		await harness.activate();
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `GET ${pageSubscribedApps}`, `POST ${appSubscriptions}`, `GET ${pageSubscribedApps}`, `POST ${pageSubscribedApps}`]);
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['messages', 'messaging_postbacks']);

		// A field added to the Page later by someone else; the trigger only re-adds what it needs.
		fake.state.subscribedApps.get(PAGE_ID)!.set(APP_ID, ['feed']);
		fake.clearRequests();
		await harness.activate();
		expect(sentRequests(fake).at(-1)?.query).toStrictEqual({ subscribed_fields: 'feed,messages,messaging_postbacks', appsecret_proof: PAGE_PROOF });

		fake.clearRequests();
		await harness.deactivate();
		// It subscribed the Page in the first place, so it unsubscribes it.
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`, `DELETE ${pageSubscribedApps}`]);
		expect(accountFields(fake, PAGE_ID)).toBeUndefined();
	});
});

describe('another URL owns the app subscription', () => {
	it('activation fails with a message naming the other URL and how to proceed; nothing is posted or deleted', async () => {
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
		await rejectionOf<Error & { description?: string }>(second.activate()).then((error: Error & { description?: string }) => {
			expect(error.message).toBe(`This Meta app already sends "page" webhooks to another URL: ${first.webhookUrl}`);
			expect(error.description ?? '').toMatch(/one callback URL per webhook object/);
			expect(error.description ?? '').toMatch(/Deactivate the workflow that uses that URL/);
			expect(error.description ?? '').toMatch(/"Replace Existing Webhook"/);
		});

		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `GET ${appSubscriptions}`]);
		expect(second.cleanupErrors).toStrictEqual([]);
		expect(appSubscription(fake, 'page')?.callbackUrl).toBe(first.webhookUrl);
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(pageFieldsBefore);

		const emitted = await emit(fake, messageFromAlice('Still here'));
		expect(emitted.delivered).toBe(true);
		// the first workflow still receives the events
		expect(first.executions.length).toBe(1);
		expect(second.executions.length).toBe(0);
	});

	it('"Replace Existing Webhook" takes it over; the old owner\'s deactivation then leaves it alone', async () => {
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
		expect(sentRequests(fake)).toStrictEqual([
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
		expect(appSubscription(fake, 'page')?.callbackUrl).toBe(second.webhookUrl);

		await emit(fake, messageFromAlice('Moved'));
		expect(second.executions.length).toBe(1);
		expect(first.executions.length).toBe(0);

		// The first workflow is deactivated: the app subscription now belongs to the second one, and the
		// second one needs the Page subscription, so nothing is touched.
		fake.clearRequests();
		await first.deactivate();
		expect(sentRequests(fake)).toStrictEqual([{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH }]);
		expect(appSubscription(fake, 'page')?.callbackUrl).toBe(second.webhookUrl);
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['messages', 'messaging_postbacks']);
		const emitted = await emit(fake, messageFromAlice('Still moved', 1714554001000));
		// emitted.reason
		expect(emitted.delivered).toBe(true);
		expect(second.executions.length).toBe(2);

		// The second one removes its app subscription; it did not subscribe the Page, so it leaves that.
		fake.clearRequests();
		await second.deactivate();
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`]);
		expect(fake.calls(`DELETE ${appSubscriptions}`)[0].query).toStrictEqual({ object: 'page' });
		expect(appSubscription(fake, 'page')).toBeUndefined();
	});
});

describe('deactivation removes exactly what activation added', () => {
	it('the Page was not subscribed before: app subscription removed, Page unsubscribed', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();

		fake.clearRequests();
		await harness.deactivate();
		expect(sentRequests(fake)).toStrictEqual([
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{ method: 'DELETE', path: appSubscriptions, query: { object: 'page' }, auth: APP_AUTH },
			{ method: 'DELETE', path: pageSubscribedApps, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
		]);
		expect(appSubscription(fake, 'page')).toBeUndefined();
		expect(accountFields(fake, PAGE_ID)).toBeUndefined();
		expect(harness.nodeStaticData().registration).toBeUndefined();

		const emitted = await emit(fake, messageFromAlice('Anyone?'));
		expect(emitted.delivered).toBe(false);
	});

	it('the Page already had other fields: only the fields the trigger added are removed', async () => {
		const fake = await fakeGraph();
		fake.state.subscribedApps.set(PAGE_ID, new Map([[APP_ID, ['feed', 'messages']]]));
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();
		expect(fake.calls(`POST ${pageSubscribedApps}`).map((request) => request.query)).toStrictEqual([
			{ subscribed_fields: 'feed,messages,messaging_postbacks', appsecret_proof: PAGE_PROOF },
		]);

		fake.clearRequests();
		await harness.deactivate();
		expect(sentRequests(fake)).toStrictEqual([
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{ method: 'DELETE', path: appSubscriptions, query: { object: 'page' }, auth: APP_AUTH },
			{ method: 'GET', path: pageSubscribedApps, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
			// `messages` was there before, so it stays; only `messaging_postbacks` goes.
			{ method: 'POST', path: pageSubscribedApps, query: { subscribed_fields: 'feed,messages', appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH },
		]);
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['feed', 'messages']);
	});

	it('the Page already had every field: deactivation does not touch it', async () => {
		const fake = await fakeGraph();
		fake.state.subscribedApps.set(PAGE_ID, new Map([[APP_ID, ['messages', 'messaging_postbacks']]]));
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();
		expect(fake.calls(`POST ${pageSubscribedApps}`).length).toBe(0);

		fake.clearRequests();
		await harness.deactivate();
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`]);
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['messages', 'messaging_postbacks']);
	});

	it('the app subscription now belongs to another URL: deactivation leaves it (and the Page) alone', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();
		// Another tool re-registered the app's webhook meanwhile.
		const other = 'https://hooks.example.com/meta/webhook';
		fake.state.appSubscriptions.get('page')!.callbackUrl = other;

		fake.clearRequests();
		await harness.deactivate();
		expect(sentRequests(fake)).toStrictEqual([{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH }]);
		expect(appSubscription(fake, 'page')?.callbackUrl).toBe(other);
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['messages', 'messaging_postbacks']);
	});

	it('a Messenger and an Instagram trigger share the Page subscription: the first one deactivated leaves it to the other', async () => {
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
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`]);
		expect(appSubscription(fake, 'page')).toBeUndefined();
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['messages', 'messaging_postbacks']);

		const emitted = await emit(fake, 
			webhookPayload('instagram', IG_ACCOUNT_ID, [messageEvent({ platform: 'instagram', from: USERS.ines.id, to: IG_ACCOUNT_ID, text: 'Still on' })]),
		);
		// emitted.reason
		expect(emitted.delivered).toBe(true);
		expect(instagram.executions.length).toBe(1);

		fake.clearRequests();
		await instagram.deactivate();
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`]);
		expect(appSubscription(fake, 'instagram')).toBeUndefined();
	});

	it('in the other order the last trigger unsubscribes the Page it subscribed', async () => {
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
		expect(accountFields(fake, PAGE_ID)).toStrictEqual(['messages', 'messaging_postbacks']);
		fake.clearRequests();
		await messenger.deactivate();
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`, `DELETE ${pageSubscribedApps}`]);
		expect(accountFields(fake, PAGE_ID)).toBeUndefined();
		expect(fake.state.appSubscriptions.size).toBe(0);
	});

	it('Instagram Login: the app subscription and the account subscription are removed', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: instagramLoginCredentials(fake), parameters: { platform: 'instagram' } });
		await harness.activate();
		fake.clearRequests();
		await harness.deactivate();
		expect(sentRequests(fake)).toStrictEqual([
			{ method: 'GET', path: appSubscriptions, query: {}, auth: APP_AUTH },
			{ method: 'DELETE', path: appSubscriptions, query: { object: 'instagram' }, auth: APP_AUTH },
			{ method: 'DELETE', path: '/me/subscribed_apps', query: { appsecret_proof: IG_PROOF }, auth: IG_AUTH },
		]);
		expect(accountFields(fake, IG_ACCOUNT_ID)).toBeUndefined();
		expect(appSubscription(fake, 'instagram')).toBeUndefined();
	});

	it('errors are reported, the other steps still run, and a second deactivation finishes the job', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();

		fake.failNext(`DELETE ${appSubscriptions}`, 'permissionDenied');
		fake.clearRequests();
		await rejectionOf<Error & { description?: string }>(harness.deactivate()).then((error: Error & { description?: string }) => {
			expect(error.message).toMatch(/^Could not remove the webhook from Meta: removing the app's "page" webhook failed: The token lacks a permission/);
			expect(error.description ?? '').toMatch(/App Dashboard > Webhooks/);
		});
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`, `DELETE ${pageSubscribedApps}`]);
		// the Page was still unsubscribed
		expect(accountFields(fake, PAGE_ID)).toBeUndefined();
		// the app subscription is still there
		expect(appSubscription(fake, 'page')).toBeTruthy();

		// n8n keeps the static data of a failed deactivation as it was, so a second one retries every step
		// (removing the Page subscription again is harmless).
		fake.clearRequests();
		await harness.deactivate();
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`, `DELETE ${appSubscriptions}`, `DELETE ${pageSubscribedApps}`]);
		expect(appSubscription(fake, 'page')).toBeUndefined();
		expect(harness.nodeStaticData().registration).toBeUndefined();
	});

	it('a failure to read the app subscription is reported and nothing is deleted', async () => {
		const fake = await fakeGraph();
		const harness = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' } });
		await harness.activate();

		fake.failNext(`GET ${appSubscriptions}`, 'invalidToken');
		fake.clearRequests();
		await expect(harness.deactivate()).rejects.toThrow(/Could not remove the webhook from Meta: reading the app's webhook subscriptions failed: The access token is invalid or has expired/);
		expect(sentRequests(fake).map((request) => `${request.method} ${request.path}`)).toStrictEqual([`GET ${appSubscriptions}`]);
		expect(appSubscription(fake, 'page')).toBeTruthy();
		expect(accountFields(fake, PAGE_ID)).toBeTruthy();
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

	it('the right token: 200 text/plain with exactly the challenge, and no execution', async () => {
		const { harness, token } = await activeTrigger();
		const response = await harness.request('GET', undefined, {
			query: { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': token },
		});
		expect(response.status).toBe(200);
		expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
		expect(response.text).toBe('1158201444');
		expect(harness.executions.length).toBe(0);
		expect(harness.calls.at(-1)?.outcome).toBe('answeredByNode');
	});

	it('a wrong token, a wrong mode or a missing challenge: 403 and no execution', async () => {
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
			// JSON.stringify(query)
			expect(response.status).toBe(403);
			expect(response.text).not.toBe('1158201444');
		}
		expect(harness.executions.length).toBe(0);
	});

	it('the verify token is unguessable: not the node, workflow or webhook id, different per workflow and per app secret', async () => {
		const { fake, harness, token } = await activeTrigger();
		expect(token).toMatch(/^[0-9a-f]{40}$/);
		for (const publicId of ['trigger-under-test', triggers.workflowIdOf(harness), DEFAULT_WEBHOOK_ID, APP_ID, PAGE_ID]) {
			// token contains ${publicId}
			expect(token).not.toContain(publicId);
		}
		// the token is not part of the webhook URL
		expect(harness.webhookUrl).not.toContain(token);

		const challenge = { 'hub.mode': 'subscribe', 'hub.challenge': '42' };
		// Another workflow using the same app has its own token.
		const otherWorkflow = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: { platform: 'messenger' },
			workflowId: 'another-workflow',
			requireActivation: false,
		});
		expect((await otherWorkflow.request('GET', undefined, { query: { ...challenge, 'hub.verify_token': token } })).status).toBe(403);

		// The same workflow with another app secret no longer accepts it.
		const otherSecret = await triggers.start({
			credentials: metaCredentials(fake, { appSecret: 'a-rotated-app-secret-0123456789ab' }),
			parameters: { platform: 'messenger' },
			workflowId: triggers.workflowIdOf(harness),
			requireActivation: false,
		});
		expect((await otherSecret.request('GET', undefined, { query: { ...challenge, 'hub.verify_token': token } })).status).toBe(403);
		expect((await harness.request('GET', undefined, { query: { ...challenge, 'hub.verify_token': token } })).status).toBe(200);
	});

	it('the verify token is stable across restarts', async () => {
		const { harness, token } = await activeTrigger();
		const restarted = await triggers.restart(harness);
		await restarted.activate();
		const response = await restarted.request('GET', undefined, {
			query: { 'hub.mode': 'subscribe', 'hub.challenge': '987654321', 'hub.verify_token': token },
		});
		expect(response.status).toBe(200);
		expect(response.text).toBe('987654321');

		// Registering again after a restart sends the same token.
		await restarted.deactivate();
		await restarted.activate();
		expect((await fakeCallsTokens(restarted.webhookUrl)).slice(-1)).toStrictEqual([token]);
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
