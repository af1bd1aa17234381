/**
 * The Social Messaging Trigger on an X API credential, against the fake X server: the X Activity API
 * lifecycle (webhook registered with the Bearer Token after X's CRC, a `dm.received` subscription with the
 * account's user context, reuse instead of a second registration, an exact checkExists, and deactivation
 * that removes only what this trigger created), the CRC answer, signed deliveries (unsigned, wrongly
 * signed and tampered ones refused), the unified event items, dedupe by event_uuid, echoes and the
 * auto-response on X. Every request must be valid under X's OpenAPI description (useFakeX checks).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { crcResponse, xHmac } from '../../nodes/platforms/x/webhook';
import { ME, X_API_KEY, X_API_KEY_SECRET, X_BEARER_TOKEN, X_USERS, activityPayload, type FakeX, type RecordedXRequest } from '../fakes/x';
import { startFakeGraph } from '../fakes/graph';
import { startControlServer } from '../fakes/sandbox/control';
import type { TriggerHarness } from '../harness/webhook';
import { Triggers, itemsOf, settled } from './trigger-setup';
import { assertNoSecretIn, assertSigned, runX, useFakeX, xCredentials } from './x.helpers';

const fake = useFakeX();
const triggers = new Triggers();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
	fake().state.webhooks.clear();
	fake().state.subscriptions.clear();
	// Each test starts with fresh windows (50 webhook calls per 15 minutes would run out over the file).
	fake().limits.reset();
});
afterEach(async () => await triggers.closeAll());

const { alice } = X_USERS;

async function started(parameters: IDataObject = {}, options: { webhookId?: string; port?: number; credentials?: IDataObject } = {}) {
	return await triggers.start({
		credentials: xCredentials(fake(), options.credentials as never),
		parameters: { platform: 'x', events: ['message'], ...parameters },
		webhookId: options.webhookId,
		port: options.port,
	});
}

/** Method and path of every request the trigger sent to X, with the kind of authentication. */
function sent(): string[] {
	return fake().requests.map((call) => `${call.caller === 'bearer' ? 'app' : call.caller === 'user' ? 'user' : 'none'} ${call.method} ${call.path}`);
}

function assertBearer(call: RecordedXRequest): void {
	expect(call.caller).toBe('bearer');
	expect(call.headers.authorization).toBe(`Bearer ${X_BEARER_TOKEN}`);
}

const subscriptions = () => [...fake().state.subscriptions.values()];
const webhooks = () => [...fake().state.webhooks.values()];

async function activated(parameters: IDataObject = {}) {
	const harness = await started(parameters);
	await harness.activate();
	return harness;
}

async function deliverAndSettle(harness: TriggerHarness, payload: unknown, options: Parameters<FakeX['deliver']>[2] = {}) {
	const result = await fake().deliver(harness.webhookUrl, payload, options);
	await settled(harness);
	return result;
}

/** A dm.received payload from Alice to the account, with a fixed uuid. */
function fromAlice(text: string, uuid: string, eventId = '1800000000000099001') {
	const event = { id: eventId, eventType: 'MessageCreate' as const, conversationId: `${alice.id}-${ME.id}`, senderId: alice.id, createdAt: Date.parse('2026-12-07T10:00:00.000Z'), text };
	return activityPayload(fake().state, { eventType: 'dm.received', accountId: ME.id, event, recipientId: ME.id, uuid });
}

describe('X trigger: the CRC', () => {
	it('the response token is sha256= and the base64 HMAC-SHA256 of the crc_token with the consumer secret', () => {
		// The published HMAC-SHA256 vector (key "key"), in base64.
		expect(xHmac('key', 'The quick brown fox jumps over the lazy dog')).toBe('sha256=97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=');
		// Computed apart (Python's hmac) for the seeded consumer secret.
		expect(crcResponse(X_API_KEY_SECRET, 'crc-token-1')).toStrictEqual({ response_token: 'sha256=QbMCp/tkM6H8qjn48Ijvs+7nThwmhbkuyboE2DzQikg=' });
	});

	it('the trigger answers a CRC GET with that token as JSON, and refuses one without crc_token', async () => {
		const harness = await activated();
		const answer = await harness.request('GET', undefined, { query: { crc_token: 'crc-token-1' } });
		expect(answer.status).toBe(200);
		expect(answer.headers['content-type']).toMatch(/^application\/json/);
		expect(answer.json()).toStrictEqual({ response_token: 'sha256=QbMCp/tkM6H8qjn48Ijvs+7nThwmhbkuyboE2DzQikg=' });
		expect((await harness.request('GET')).status).toBe(400);
		expect(harness.executions.length).toBe(0);
	});

	it('X\'s later CRC re-checks keep passing while the workflow is active', async () => {
		await activated();
		expect(await fake().crc(webhooks()[0].id)).toBe(true);
		expect(webhooks()[0].valid).toBe(true);
	});
});

describe('X trigger: activation and deactivation', () => {
	it('activation registers the webhook (X runs the CRC), then subscribes the account to dm.received', async () => {
		const harness = await started();
		await harness.activate();
		expect(sent()).toStrictEqual([
			'user GET /2/users/me',
			'app GET /2/webhooks',
			'app POST /2/webhooks',
			'app GET /2/activity/subscriptions',
			'user POST /2/activity/subscriptions',
		]);
		const [me, list, register, listSubscriptions, subscribe] = fake().requests;
		assertSigned(me);
		expect(me.query).toStrictEqual({});
		assertBearer(list);
		assertBearer(register);
		expect(register.json).toStrictEqual({ url: harness.webhookUrl });
		assertBearer(listSubscriptions);
		assertSigned(subscribe);
		const [webhook] = webhooks();
		expect(subscribe.json).toStrictEqual({
			event_type: 'dm.received',
			filter: { user_id: ME.id },
			tag: `n8n workflow ${triggers.workflowIdOf(harness)} (Trigger harness workflow)`,
			webhook_id: webhook.id,
		});
		// X's CRC reached the trigger's GET webhook while POST /2/webhooks was under way.
		expect(harness.calls.map((call) => [call.method, call.webhookName, call.status])).toStrictEqual([['GET', 'setup', 200]]);
		expect(webhooks().map(({ url, valid, consumerKey }) => ({ url, valid, consumerKey }))).toStrictEqual([{ url: harness.webhookUrl, valid: true, consumerKey: X_API_KEY }]);
		expect(subscriptions().map(({ eventType, userId, webhookId }) => ({ eventType, userId, webhookId }))).toStrictEqual([{ eventType: 'dm.received', userId: ME.id, webhookId: webhook.id }]);
		expect(harness.nodeStaticData().xActivity).toStrictEqual({
			url: harness.webhookUrl,
			webhookId: webhook.id,
			webhookCreated: true,
			userId: ME.id,
			subscriptions: { 'dm.received': subscriptions()[0].id },
		});

		const subscriptionId = subscriptions()[0].id;
		fake().clearRequests();
		await harness.deactivate();
		expect(fake().requests.map((call) => `${call.method} ${call.path}`)).toStrictEqual([
			'GET /2/activity/subscriptions',
			`DELETE /2/activity/subscriptions/${subscriptionId}`,
			'GET /2/webhooks',
			`DELETE /2/webhooks/${webhook.id}`,
		]);
		fake().requests.forEach(assertBearer);
		expect(webhooks()).toStrictEqual([]);
		expect(subscriptions()).toStrictEqual([]);
		expect(harness.nodeStaticData().xActivity).toBeUndefined();
	});
});

describe('X trigger: restarts and reuse', () => {
	it('after a restart checkExists finds the webhook and the subscription and nothing is registered again', async () => {
		const first = await activated();
		fake().clearRequests();
		const again = await triggers.restart(first);
		await again.activate();
		expect(sent()).toStrictEqual(['app GET /2/webhooks', 'app GET /2/activity/subscriptions']);
		expect(webhooks().length).toBe(1);
		expect(subscriptions().length).toBe(1);
	});

	it('without its static data the trigger reuses the webhook of its URL and its subscription (no DuplicateUrlFailed)', async () => {
		const first = await activated();
		const [webhook] = webhooks();
		const [subscription] = subscriptions();
		fake().clearRequests();
		const again = await triggers.restart(first, { staticData: {} });
		await again.activate();
		expect(sent()).toStrictEqual(['user GET /2/users/me', 'app GET /2/webhooks', 'app GET /2/activity/subscriptions']);
		expect(webhooks()).toStrictEqual([webhook]);
		expect(subscriptions()).toStrictEqual([subscription]);
		expect(again.nodeStaticData().xActivity).toStrictEqual({ url: again.webhookUrl, webhookId: webhook.id, webhookCreated: true, userId: ME.id, subscriptions: { 'dm.received': subscription.id } });
	});

	it('a webhook X lists only after POST /2/webhooks answered DuplicateUrlFailed is reused', async () => {
		const harness = await started();
		// Registered meanwhile (X's list was not up to date yet): X refuses the second registration.
		fake().failNext('GET /2/webhooks', { status: 200, body: { data: [], meta: { result_count: 0 } } });
		fake().state.webhooks.set('1890000000000000001', { id: '1890000000000000001', url: harness.webhookUrl, valid: true, createdAt: Date.now(), consumerKey: X_API_KEY });
		await harness.activate();
		expect(sent()).toStrictEqual([
			'user GET /2/users/me',
			// the injected answer comes before X reads the Authorization header
			'none GET /2/webhooks',
			'app POST /2/webhooks',
			'app GET /2/webhooks',
			'app GET /2/activity/subscriptions',
			'user POST /2/activity/subscriptions',
		]);
		expect(fake().requests[2].status).toBe(400);
		expect(webhooks().map((webhook) => webhook.id)).toStrictEqual(['1890000000000000001']);
		expect(subscriptions()[0].webhookId).toBe('1890000000000000001');
	});

	it('checkExists is exact: a subscription removed on X is created again on the same webhook', async () => {
		const first = await activated();
		const [webhook] = webhooks();
		fake().state.subscriptions.clear();
		fake().clearRequests();
		const again = await triggers.restart(first);
		await again.activate();
		expect(sent()).toStrictEqual([
			'app GET /2/webhooks',
			'app GET /2/activity/subscriptions',
			'user GET /2/users/me',
			'app GET /2/webhooks',
			'app GET /2/activity/subscriptions',
			'user POST /2/activity/subscriptions',
		]);
		expect(webhooks()).toStrictEqual([webhook]);
		expect(subscriptions().map((entry) => entry.webhookId)).toStrictEqual([webhook.id]);
	});

	it('checkExists is exact: a webhook X marked invalid is validated again (CRC) and kept', async () => {
		const first = await activated();
		webhooks()[0].valid = false;
		fake().clearRequests();
		const again = await triggers.restart(first);
		await again.activate();
		expect(sent()).toStrictEqual(['app GET /2/webhooks', 'user GET /2/users/me', 'app GET /2/webhooks', `app PUT /2/webhooks/${webhooks()[0].id}`, 'app GET /2/activity/subscriptions']);
		expect(webhooks()[0].valid).toBe(true);
	});

	it('turning Include Echoes on subscribes dm.sent too; turning it off again removes only that subscription', async () => {
		const first = await activated();
		const received = subscriptions()[0].id;
		const withEchoes = await triggers.restart(first, { parameters: { platform: 'x', events: ['message'], options: { includeEchoes: true } } });
		await withEchoes.activate();
		expect(subscriptions().map((entry) => entry.eventType).sort()).toStrictEqual(['dm.received', 'dm.sent']);
		const withoutEchoes = await triggers.restart(withEchoes, { parameters: { platform: 'x', events: ['message'] } });
		await withoutEchoes.activate();
		expect(subscriptions().map((entry) => [entry.id, entry.eventType])).toStrictEqual([[received, 'dm.received']]);
	});

	it('deactivation removes only its own subscription and webhook, and leaves a webhook it did not create', async () => {
		// Another workflow's webhook and subscription of the same app and account.
		fake().state.webhooks.set('1890000000000000009', { id: '1890000000000000009', url: 'https://other.example.com/webhook', valid: true, createdAt: Date.now(), consumerKey: X_API_KEY });
		fake().state.subscriptions.set('1890000000000000010', { id: '1890000000000000010', eventType: 'dm.received', userId: ME.id, webhookId: '1890000000000000009', consumerKey: X_API_KEY, createdAt: Date.now() });
		const harness = await activated();
		expect(webhooks().length).toBe(2);
		await harness.deactivate();
		expect(webhooks().map((webhook) => webhook.id)).toStrictEqual(['1890000000000000009']);
		expect(subscriptions().map((entry) => entry.id)).toStrictEqual(['1890000000000000010']);
	});

	it('a failed removal keeps the registration, says what to remove by hand, and a second deactivation finishes it', async () => {
		const harness = await activated();
		fake().failNext('DELETE /2/activity/subscriptions/{subscription_id}', 'clientForbidden');
		await expect(harness.deactivate()).rejects.toThrow(/Could not remove the webhook from X: removing the activity subscriptions failed/);
		expect(harness.nodeStaticData().xActivity).toBeDefined();
		await harness.deactivate();
		expect(webhooks()).toStrictEqual([]);
		expect(subscriptions()).toStrictEqual([]);
	});

	it('without a Bearer Token activation fails before any request and says where to find it', async () => {
		const harness = await started({}, { credentials: { xBearerToken: '' } });
		await expect(harness.activate()).rejects.toThrow(/no Bearer Token/);
		expect(fake().requests).toStrictEqual([]);
	});
});

describe('X trigger: deliveries', () => {
	it('a dm.received becomes the unified message event, answered at once', async () => {
		const harness = await activated();
		const [result] = await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Hi, is the store open?' });
		await settled(harness);
		expect(result.status).toBe(200);
		expect(JSON.parse(result.body)).toStrictEqual({ status: 'received' });
		const event = fake().state.events[0];
		expect(itemsOf(harness)).toStrictEqual([
			{
				type: 'message',
				platform: 'x',
				accountId: ME.id,
				conversationKey: `${ME.id}:${alice.id}`,
				attachments: [],
				timestamp: new Date(event.createdAt).toISOString(),
				sender: { id: alice.id, name: alice.name, username: alice.username, profilePictureUrl: alice.profileImageUrl },
				recipient: { id: ME.id, name: ME.name, username: ME.username, profilePictureUrl: fake().state.users.get(ME.id)!.profileImageUrl },
				messageId: event.id,
				text: 'Hi, is the store open?',
			},
		]);
	});

	it('an image attachment comes with its media id and URL', async () => {
		const harness = await activated();
		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Look', mediaKeys: ['3_1500000000000000001'] });
		await settled(harness);
		const event = fake().state.events[0];
		expect(itemsOf(harness)[0].attachments).toStrictEqual([{ type: 'image', id: '1500000000000000001', url: `https://ton.x.com/i/ton/data/dm/${event.id}/1500000000000000001/media.jpg` }]);
	});

	it('the same event_uuid delivered again starts the workflow once; another uuid starts it again', async () => {
		const harness = await activated();
		expect((await deliverAndSettle(harness, fromAlice('Hello', 'uuid-1'))).status).toBe(200);
		expect((await deliverAndSettle(harness, fromAlice('Hello', 'uuid-1'))).status).toBe(200);
		expect(harness.executions.length).toBe(1);
		const restarted = await triggers.restart(harness);
		await restarted.activate();
		await deliverAndSettle(restarted, fromAlice('Hello', 'uuid-1'));
		// static data remembers it across a restart
		expect(restarted.executions.length).toBe(0);
		await deliverAndSettle(restarted, fromAlice('Hello again', 'uuid-2', '1800000000000099002'));
		expect(restarted.executions.length).toBe(1);
	});

	it('unsigned, wrongly signed and tampered deliveries are refused and start nothing', async () => {
		const harness = await activated();
		expect((await deliverAndSettle(harness, fromAlice('Hello', 'uuid-s1'), { signature: 'missing' })).status).toBe(401);
		expect((await deliverAndSettle(harness, fromAlice('Hello', 'uuid-s2'), { signature: 'wrong' })).status).toBe(403);
		expect((await deliverAndSettle(harness, fromAlice('Hello', 'uuid-s3'), { signature: 'tampered' })).status).toBe(403);
		expect((await deliverAndSettle(harness, fromAlice('Hello', 'uuid-s4'), { consumerSecret: 'another-apps-secret' })).status).toBe(403);
		const garbage = await harness.request('POST', undefined, { headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': 'sha256=AAAA' }, body: '{}' });
		expect(garbage.status).toBe(403);
		expect(harness.executions.length).toBe(0);
		assertNoSecretIn(harness.calls);
	});

	it('dm.sent (the account\'s own messages) is not subscribed and not emitted without Include Echoes', async () => {
		const harness = await activated();
		expect(await fake().deliverDm({ from: ME.id, to: alice.id, text: 'Sent from the app' })).toStrictEqual([]);
		const event = { id: '1800000000000099003', eventType: 'MessageCreate' as const, conversationId: `${alice.id}-${ME.id}`, senderId: ME.id, createdAt: Date.now(), text: 'Own' };
		await deliverAndSettle(harness, activityPayload(fake().state, { eventType: 'dm.sent', accountId: ME.id, event, recipientId: alice.id, uuid: 'uuid-sent' }));
		expect(harness.executions.length).toBe(0);
	});

	it('with Include Echoes dm.sent is subscribed and comes as an echo, the other person as recipient', async () => {
		const harness = await activated({ options: { includeEchoes: true } });
		expect(subscriptions().map((entry) => entry.eventType)).toStrictEqual(['dm.received', 'dm.sent']);
		const [result] = await fake().deliverDm({ from: ME.id, to: alice.id, text: 'Sent from the app' });
		await settled(harness);
		expect(result.status).toBe(200);
		const [item] = itemsOf(harness);
		expect([item.type, item.conversationKey, (item.sender as IDataObject).id, (item.recipient as IDataObject).id, item.text]).toStrictEqual(['echo', `${ME.id}:${alice.id}`, ME.id, alice.id, 'Sent from the app']);
	});

	it('Include Raw Event adds X\'s event under raw', async () => {
		const harness = await activated({ options: { includeRaw: true } });
		const payload = fromAlice('Raw please', 'uuid-raw');
		await deliverAndSettle(harness, payload);
		expect(itemsOf(harness)[0].raw).toStrictEqual(payload.data);
	});
});

describe('X trigger: auto-response', () => {
	it('answers the person once per wait period through the X send endpoint, with the outcome on the item', async () => {
		const harness = await activated({ autoResponse: true, autoResponseText: 'Thanks, we will reply soon.', autoResponseWaitSeconds: 3600 });
		fake().clearRequests();
		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Hello?' });
		await settled(harness);
		const sends = fake().calls('POST /2/dm_conversations/with/{participant_id}/messages');
		expect(sends.map((call) => call.path)).toStrictEqual([`/2/dm_conversations/with/${alice.id}/messages`]);
		expect(sends[0].json).toStrictEqual({ text: 'Thanks, we will reply soon.' });
		assertSigned(sends[0]);
		const reply = fake().state.events.find((event) => event.senderId === ME.id && event.text === 'Thanks, we will reply soon.');
		expect(itemsOf(harness)[0].autoResponse).toStrictEqual({ status: 'sent', messageId: reply!.id, sentAt: expect.any(String) });

		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Anyone?' });
		await settled(harness);
		expect(fake().calls('POST /2/dm_conversations/with/{participant_id}/messages').length).toBe(1);
		expect((itemsOf(harness, 1)[0].autoResponse as IDataObject).status).toBe('skipped');
	});
});

describe('X trigger: what X refuses', () => {
	it('a failed CRC check fails activation with X\'s reason and what to fix, and registers nothing', async () => {
		const harness = await started();
		fake().failNext('POST /2/webhooks', { status: 400, body: { title: 'Invalid Request', detail: 'CrcValidationFailed', type: 'https://api.x.com/2/problems/invalid-request', status: 400 } });
		const error = await harness.activate().then(() => undefined, (failure: unknown) => failure as Error & { description?: string });
		expect(error?.message).toMatch(/CrcValidationFailed/);
		expect(error?.description).toMatch(/reachable from the internet over HTTPS without a port \(set WEBHOOK_URL\)/);
		assertNoSecretIn({ message: error?.message, description: error?.description });
		expect(subscriptions()).toStrictEqual([]);
		expect(fake().calls('POST /2/activity/subscriptions')).toStrictEqual([]);
	});

	it('a rate-limited auto-response says that X limited it, and the workflow still starts', async () => {
		const harness = await activated({ autoResponse: true, autoResponseText: 'Thanks!' });
		fake().failNext('POST /2/dm_conversations/with/{participant_id}/messages', 'rateLimitProblem');
		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Hello?' });
		await settled(harness);
		const outcome = itemsOf(harness)[0].autoResponse as IDataObject;
		expect(outcome.status).toBe('failed');
		expect(outcome.reason as string).toMatch(/^X rate-limited the auto-response \(X rate limit reached\)/);
	});
});

describe('X trigger: a failed activation', () => {
	it('a refused subscription fails activation and removes the webhook it registered just now', async () => {
		const harness = await started();
		fake().failNext('POST /2/activity/subscriptions', 'clientForbidden');
		await expect(harness.activate()).rejects.toThrow();
		const registered = (fake().calls('POST /2/webhooks')[0].response as { data: { id: string } }).data.id;
		expect(sent().slice(-2)).toStrictEqual(['none POST /2/activity/subscriptions', `app DELETE /2/webhooks/${registered}`]);
		expect(webhooks()).toStrictEqual([]);
		expect(harness.nodeStaticData().xActivity).toBeUndefined();
	});
});

describe('X trigger: the sandbox control API', () => {
	it('POST /deliver with platform x delivers a signed DM to the active X trigger; /requests?platform=x shows the X calls', async () => {
		const graph = await startFakeGraph();
		const control = await startControlServer(graph, 0, '127.0.0.1', { x: fake() });
		try {
			const base = `http://127.0.0.1:${(control.address() as { port: number }).port}`;
			const harness = await activated();
			const answer = await (await fetch(`${base}/deliver`, { method: 'POST', body: JSON.stringify({ platform: 'x', from: 'bob', text: 'From the sandbox' }) })).json() as { delivered: boolean; result: { status: number } };
			await settled(harness);
			expect([answer.delivered, answer.result.status]).toStrictEqual([true, 200]);
			expect([itemsOf(harness)[0].text, (itemsOf(harness)[0].sender as IDataObject).id]).toStrictEqual(['From the sandbox', X_USERS.bob.id]);
			const forged = await (await fetch(`${base}/deliver`, { method: 'POST', body: JSON.stringify({ platform: 'x', signature: 'wrong' }) })).json() as { result: { status: number } };
			expect(forged.result.status).toBe(403);
			const seen = await (await fetch(`${base}/requests?since=0&platform=x`)).json() as { total: number; requests: Array<{ method: string; path: string }> };
			expect(seen.requests.map((request) => `${request.method} ${request.path}`)).toContain('POST /2/activity/subscriptions');
		} finally {
			control.close();
			await graph.close();
		}
	});
});

describe('X trigger: the Auto-Response resource of another workflow', () => {
	it('Set turns the X trigger\'s auto-response on, the next DM gets it; Turn Off stops it', async () => {
		const harness = await activated();
		const set = await runX(fake(), { resource: 'autoResponse', operation: 'set', triggerUrl: harness.webhookUrl, autoResponseActive: true, autoResponseMessage: 'Back at 9:00', autoResponseWaitSeconds: 3600 });
		expect(set.error).toBeUndefined();
		expect(set.items[0].json).toStrictEqual({ active: true, message: 'Back at 9:00', waitSeconds: 3600, provider: 'xApi', account: ME.id, appliedBy: 'trigger' });
		fake().clearRequests();
		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Open?' });
		await settled(harness);
		expect(fake().calls('POST /2/dm_conversations/with/{participant_id}/messages').map((call) => [call.path, call.json])).toStrictEqual([[`/2/dm_conversations/with/${alice.id}/messages`, { text: 'Back at 9:00' }]]);
		expect((itemsOf(harness)[0].autoResponse as IDataObject).status).toBe('sent');

		const off = await runX(fake(), { resource: 'autoResponse', operation: 'turnOff', triggerUrl: harness.webhookUrl });
		expect(off.error).toBeUndefined();
		fake().clearRequests();
		await fake().deliverDm({ from: X_USERS.carol.id, to: ME.id, text: 'Hello?' });
		await settled(harness);
		expect(fake().calls('POST /2/dm_conversations/with/{participant_id}/messages')).toStrictEqual([]);
		expect(itemsOf(harness, 1)[0].autoResponse).toBeUndefined();
	});

	it('what the trigger keeps in static data carries no key, token or secret', async () => {
		const harness = await activated({ autoResponse: true, autoResponseText: 'Hi!' });
		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Hello' });
		await settled(harness);
		assertNoSecretIn(harness.exportStaticData());
		assertNoSecretIn(harness.executions);
	});
});

describe('X trigger: fields', () => {
	it('Trigger On without Message, Read or Typing fails activation before any request', async () => {
		const harness = await started({ events: ['postback', 'quick_reply'] });
		await expect(harness.activate()).rejects.toThrow(/On X the trigger starts on Message, Read or Typing/);
		expect(fake().requests).toStrictEqual([]);
	});

	it('Listen for test event registers the test URL and removes it all when the listen ends', async () => {
		const harness = await triggers.start({ credentials: xCredentials(fake()), parameters: { platform: 'x', events: ['message'] }, testWebhook: true });
		await harness.activate();
		expect(webhooks().map((webhook) => webhook.url)).toStrictEqual([harness.webhookUrl]);
		expect(harness.webhookUrl).toMatch(/\/webhook-test\//);
		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Test me' });
		await settled(harness);
		expect(itemsOf(harness).map((item) => item.text)).toStrictEqual(['Test me']);
		await harness.deactivate();
		expect(webhooks()).toStrictEqual([]);
		expect(subscriptions()).toStrictEqual([]);
	});
});
