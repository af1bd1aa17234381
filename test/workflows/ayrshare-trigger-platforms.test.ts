/**
 * The Ayrshare trigger on Instagram and X: the same `messages` webhook carries every platform, and a
 * trigger set to one platform turns that platform's deliveries into the unified items (and ignores the
 * others'), drops Ayrshare's redeliveries, and refuses deliveries that are not signed with the secret.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';

import { ACCOUNT_IDS, PEOPLE, PROFILE_KEY, WEBHOOK_SECRET, messagesPayload, signatureHeaders, type MessagesPayload } from '../fakes/ayrshare';
import type { TriggerHarness } from '../harness/webhook';
import { Triggers } from './trigger-setup';
import { ayrshareCredentials, useFakeAyrshare } from './ayrshare.setup';

const fake = useFakeAyrshare();
const triggers = new Triggers();
afterAll(async () => await triggers.closeAll());

beforeEach(() => {
	fake().clearRequests();
	fake().state.profiles.get(PROFILE_KEY)!.webhook = undefined;
});

const CASES = [
	{ platform: 'instagram', ayrshare: 'instagram', person: PEOPLE.instagram, other: 'twitter' },
	{ platform: 'x', ayrshare: 'twitter', person: PEOPLE.twitter, other: 'facebook' },
] as const;

async function deliver(harness: TriggerHarness, payload: Record<string, unknown>, secret = WEBHOOK_SECRET, attempt = 1) {
	const body = JSON.stringify(payload);
	// One delivery id per event, kept by its retries.
	return await harness.request('POST', undefined, { headers: signatureHeaders(body, { secret, deliveryId: `delivery-${String(payload.hookId)}`, attempt }), body });
}

describe.each(CASES)('Ayrshare trigger on $platform', ({ platform, ayrshare, person, other }) => {
	const account = ACCOUNT_IDS[ayrshare];
	const payload = (hookId: string, extra: Partial<MessagesPayload> = {}) =>
		messagesPayload({ subAction: 'messageCreated', platform: ayrshare, senderId: person.id, recipientId: account, conversationId: person.conversation, hookId, message: 'Do you ship to Rome?', senderDetails: { name: person.name, profileImage: 'https://cdn.example.com/p.jpg' }, mediaUrls: ['https://cdn.example.com/photo.jpg'], ...extra });
	const started = async () => await triggers.start({ credentials: ayrshareCredentials(fake()), parameters: { platform, events: ['message', 'read', 'reaction', 'edit'] }, requireActivation: false });

	it('activation registers the one messages webhook, as on Messenger', async () => {
		const harness = await started();
		await harness.activate();
		expect(fake().requests.filter((call) => call.method === 'POST').map((call) => [call.path, call.body, call.headers['profile-key']])).toStrictEqual([
			['/hook/webhook', { action: 'messages', url: harness.webhookUrl, secret: WEBHOOK_SECRET }, PROFILE_KEY],
		]);
		// No X header on a webhook call, also on X.
		expect(fake().requests.every((call) => call.headers['x-twitter-oauth1-api-key'] === undefined)).toBe(true);
		await harness.deactivate();
	});

	it('a message becomes the unified item; the other platforms\' deliveries are ignored', async () => {
		const harness = await started();
		expect((await deliver(harness, payload(`hook-${platform}-1`))).status).toBe(200);
		expect((await deliver(harness, payload(`hook-${platform}-2`, { platform: other }))).status).toBe(200);
		await triggers.settleAll();
		expect(harness.executions.map((execution) => execution[0].map((item) => item.json))).toStrictEqual([
			[
				{
					type: 'message',
					platform,
					accountId: account,
					conversationKey: `${account}:${person.id}`,
					attachments: [{ type: 'image', url: 'https://cdn.example.com/photo.jpg' }],
					timestamp: '2026-12-07T09:30:00.000Z',
					sender: { id: person.id, name: person.name, profilePictureUrl: 'https://cdn.example.com/p.jpg' },
					recipient: { id: account },
					text: 'Do you ship to Rome?',
				},
			],
		]);
	});

	it('read, reaction and edit become read, reaction and edit items', async () => {
		const harness = await started();
		await deliver(harness, payload('hook-r', { subAction: 'messageRead', message: undefined, mediaUrls: [], read: 1796635790, readerDetails: { name: person.name, id: person.id } }));
		await deliver(harness, payload('hook-x', { subAction: 'reactionCreated', message: undefined, mediaUrls: [], reaction: '❤️' }));
		await deliver(harness, payload('hook-e', { subAction: 'messageEdited', message: 'Do you ship to Milan?', mediaUrls: [] }));
		await triggers.settleAll();
		const events = harness.executions.map((execution) => execution[0][0].json);
		expect(events.map((event) => [event.type, event.platform, (event.sender as { id: string }).id])).toStrictEqual([
			['read', platform, person.id],
			['reaction', platform, person.id],
			['edit', platform, person.id],
		]);
		expect(events[0].watermark).toBe('2026-12-07T09:29:50.000Z');
		expect(events[1].reaction).toStrictEqual({ action: 'react', emoji: '❤️' });
		expect(events[2].text).toBe('Do you ship to Milan?');
	});

	it('retries of one delivery start the workflow once', async () => {
		const harness = await started();
		for (let attempt = 1; attempt <= 3; attempt++) expect((await deliver(harness, payload(`hook-${platform}-retry`), WEBHOOK_SECRET, attempt)).status).toBe(200);
		await triggers.settleAll();
		expect(harness.executions.length).toBe(1);
	});

	it('a delivery not signed with the credential\'s secret is refused and starts nothing', async () => {
		const harness = await started();
		const body = JSON.stringify(payload(`hook-${platform}-forged`));
		expect((await harness.request('POST', undefined, { headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
		expect((await deliver(harness, payload(`hook-${platform}-forged`), 'someone-elses-secret')).status).toBe(403);
		const signed = signatureHeaders(body, { secret: WEBHOOK_SECRET });
		expect((await harness.request('POST', undefined, { headers: signed, body: body.replace('Rome', 'Pisa') })).status).toBe(403);
		await triggers.settleAll();
		expect(harness.executions.length).toBe(0);
	});
});
