/**
 * The Social Messaging Trigger on an Ayrshare credential: activation registers the `messages` webhook with
 * the secret, checkExists reads it back, deactivation deletes only what it registered; deliveries are
 * checked against the signature headers (hex, base64, either signature during a rotation), answered at
 * once, deduplicated across retries, and become the same unified events as Meta's.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { PEOPLE, PROFILE_KEY, WEBHOOK_SECRET, messagesPayload, signatureHeaders, type DeliverOptions, type MessagesPayload } from '../fakes/ayrshare';
import type { TriggerHarness } from '../harness/webhook';
import { Triggers } from './trigger-setup';
import { assertAyrshareCall, ayrshareCredentials, useFakeAyrshare } from './ayrshare.setup';

const fake = useFakeAyrshare();
const triggers = new Triggers();
afterAll(async () => await triggers.closeAll());

const profile = () => fake().state.profiles.get(PROFILE_KEY)!;

beforeEach(() => {
	fake().clearRequests();
	profile().webhook = undefined;
});

const ACCOUNT = '106638148652329';

const hello = (hookId: string, extra: Partial<MessagesPayload> = {}) =>
	messagesPayload({ subAction: 'messageCreated', platform: 'facebook', senderId: PEOPLE.facebook.id, recipientId: ACCOUNT, conversationId: PEOPLE.facebook.conversation, hookId, message: 'Hello there', senderDetails: { name: 'John Smith' }, ...extra });

async function deliver(harness: TriggerHarness, payload: unknown, options: Partial<DeliverOptions> = {}) {
	const body = JSON.stringify(payload);
	return await harness.request('POST', undefined, { headers: signatureHeaders(body, { secret: WEBHOOK_SECRET, ...options }), body });
}

async function started(parameters: IDataObject = {}) {
	return await triggers.start({ credentials: ayrshareCredentials(fake()), parameters: { platform: 'messenger', events: ['message', 'read', 'reaction', 'edit'], ...parameters }, requireActivation: false });
}

describe('Ayrshare trigger: registration', () => {
	it('activation registers the messages webhook with the secret; deactivation deletes it', async () => {
		const harness = await started();
		await harness.activate();
		expect(fake().requests.map((call) => `${call.method} ${call.path}`)).toStrictEqual(['GET /hook/webhook', 'GET /hook/webhook', 'POST /hook/webhook']);
		assertAyrshareCall(fake().requests[2], { method: 'POST', path: '/hook/webhook', body: { action: 'messages', url: harness.webhookUrl, secret: WEBHOOK_SECRET } });
		expect(profile().webhook).toStrictEqual({ url: harness.webhookUrl, secret: WEBHOOK_SECRET });
		fake().clearRequests();
		await harness.deactivate();
		expect(fake().requests.map((call) => `${call.method} ${call.path}`)).toStrictEqual(['GET /hook/webhook', 'DELETE /hook/webhook']);
		assertAyrshareCall(fake().requests[1], { method: 'DELETE', path: '/hook/webhook', body: { action: 'messages' } });
		expect(profile().webhook).toBeUndefined();
	});

	it('another URL already registered: activation refuses and changes nothing', async () => {
		profile().webhook = { url: 'https://other.example.com/hook', secret: 'x' };
		const harness = await started();
		await expect(harness.activate()).rejects.toThrow(/already sends its messages webhook to https:\/\/other\.example\.com\/hook/);
		// no write request
		expect(fake().requests.some((call) => call.method !== 'GET')).toBeFalsy();
		expect(profile().webhook).toStrictEqual({ url: 'https://other.example.com/hook', secret: 'x' });
	});

	it('deactivation leaves a webhook another workflow has taken over since', async () => {
		const harness = await started();
		await harness.activate();
		profile().webhook = { url: 'https://other.example.com/hook' };
		fake().clearRequests();
		await harness.deactivate();
		expect(fake().requests.map((call) => `${call.method} ${call.path}`)).toStrictEqual(['GET /hook/webhook']);
		expect(profile().webhook).toStrictEqual({ url: 'https://other.example.com/hook' });
	});

	it('without a Webhook Secret, activation fails before any request and says what to enter', async () => {
		const harness = await triggers.start({ credentials: ayrshareCredentials(fake(), { ayrshareWebhookSecret: '' }), parameters: { platform: 'messenger', events: ['message'] }, requireActivation: false });
		await expect(harness.activate()).rejects.toThrow(/no Webhook Secret/);
		expect(fake().requests.some((call) => call.method === 'POST')).toBeFalsy();
	});
});

describe('Ayrshare trigger: deliveries', () => {
	it('a signed message becomes a unified message event, answered at once', async () => {
		const harness = await started();
		const response = await deliver(harness, hello('hook-1'));
		expect(response.status).toBe(200);
		expect(response.json()).toStrictEqual({ status: 'success' });
		await triggers.settleAll();
		expect(harness.executions.length).toBe(1);
		expect(harness.executions[0][0].map((item) => item.json)).toStrictEqual([
			{
				type: 'message',
				platform: 'messenger',
				accountId: ACCOUNT,
				conversationKey: `${ACCOUNT}:${PEOPLE.facebook.id}`,
				attachments: [],
				timestamp: '2026-12-07T09:30:00.000Z',
				sender: { id: PEOPLE.facebook.id, name: 'John Smith' },
				recipient: { id: ACCOUNT },
				text: 'Hello there',
			},
		]);
	});

	it('read, reaction and edit map to read, reaction and edit; another platform is ignored', async () => {
		const harness = await started();
		await deliver(harness, hello('hook-r', { subAction: 'messageRead', message: undefined, read: 1796635790000, readerDetails: { name: 'John Smith', id: PEOPLE.facebook.id } }));
		await deliver(harness, hello('hook-x', { subAction: 'reactionCreated', message: undefined, reaction: '😆' }));
		await deliver(harness, hello('hook-e', { subAction: 'messageEdited', message: 'Hello there!' }));
		await deliver(harness, hello('hook-i', { platform: 'instagram' }));
		await triggers.settleAll();
		const events = harness.executions.map((execution) => execution[0][0].json);
		expect(events.map((event) => event.type)).toStrictEqual(['read', 'reaction', 'edit']);
		expect(events[0].watermark).toBe(new Date(1796635790000).toISOString());
		expect(events[1].reaction).toStrictEqual({ action: 'react', emoji: '😆' });
		expect(events[2].text).toBe('Hello there!');
	});

	it('retries of one delivery start the workflow once', async () => {
		const harness = await started();
		for (let attempt = 1; attempt <= 3; attempt++) {
			const response = await deliver(harness, hello('hook-retry'), { deliveryId: 'delivery-77', attempt });
			expect(response.status).toBe(200);
		}
		await triggers.settleAll();
		expect(harness.executions.length).toBe(1);
		expect(JSON.stringify(harness.nodeStaticData())).toContain('ayrshareSeen');
	});

	it('a retry is also known by its delivery id: the same X-Ayrshare-Delivery-Id starts nothing, whatever its hookId', async () => {
		const harness = await started();
		expect((await deliver(harness, hello('hook-d1'), { deliveryId: 'delivery-88', attempt: 1 })).status).toBe(200);
		expect((await deliver(harness, hello('hook-d1-again'), { deliveryId: 'delivery-88', attempt: 2 })).status).toBe(200);
		// another delivery id and another hookId: a new event
		expect((await deliver(harness, hello('hook-d2'), { deliveryId: 'delivery-89' })).status).toBe(200);
		await triggers.settleAll();
		expect(harness.executions.length).toBe(2);
	});

	it('base64 digests are accepted as well as hex', async () => {
		const harness = await started();
		expect((await deliver(harness, hello('hook-b64'), { encoding: 'base64' })).status).toBe(200);
		await triggers.settleAll();
		expect(harness.executions.length).toBe(1);
	});

	it('during a secret rotation either signature is accepted', async () => {
		const harness = await started();
		// Old secret under the first header, the credential's (new) secret under -V2.
		const body = JSON.stringify(hello('hook-rot'));
		const headers = signatureHeaders(body, { secret: 'the-old-secret-abc', rotatedSecret: WEBHOOK_SECRET });
		expect((await harness.request('POST', undefined, { headers, body })).status).toBe(200);
		await triggers.settleAll();
		expect(harness.executions.length).toBe(1);
	});

	it('unsigned, wrongly signed or tampered deliveries are refused and start nothing', async () => {
		const harness = await started();
		const body = JSON.stringify(hello('hook-bad'));
		expect((await harness.request('POST', undefined, { headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
		expect((await deliver(harness, hello('hook-bad'), { secret: 'not-the-secret' })).status).toBe(403);
		const signed = signatureHeaders(body, { secret: WEBHOOK_SECRET });
		expect((await harness.request('POST', undefined, { headers: signed, body: body.replace('Hello there', 'Hello thera') })).status).toBe(403);
		await triggers.settleAll();
		expect(harness.executions.length).toBe(0);
	});
});
