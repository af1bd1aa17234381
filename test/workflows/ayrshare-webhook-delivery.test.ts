/**
 * The fake Ayrshare delivering to the active trigger as Ayrshare does: to the URL the trigger registered,
 * signed with the registered secret, and again when the receiver did not acknowledge (the trigger drops
 * the redelivery); a secret rotation (old and new signature during the overlap, then only the new one,
 * so a trigger still holding the old secret refuses every attempt); Ayrshare's own auto-response
 * applying what the Auto-Response resource set.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';

import { AYRSHARE_API_KEY, PEOPLE, PROFILE_KEY, WEBHOOK_SECRET, sign } from '../fakes/ayrshare';
import type { TriggerHarness } from '../harness/webhook';
import { Triggers, settled } from './trigger-setup';
import { runSocialMessaging } from './setup';
import { ayrshareCredentials, useFakeAyrshare } from './ayrshare.setup';

const fake = useFakeAyrshare({ retryDelaysMs: [10, 20], answerTimeoutMs: 3000 });
const triggers = new Triggers();
afterAll(async () => await triggers.closeAll());

const NEW_SECRET = 'ayrshare-webhook-secret-rotated-Zp41';
const profile = () => fake().state.profiles.get(PROFILE_KEY)!;
const writes = (text: string, hookId?: string) => ({ platform: 'facebook' as const, from: PEOPLE.facebook.id, text, ...(hookId ? { hookId } : {}) });

beforeEach(() => {
	fake().clearRequests();
	profile().webhook = undefined;
	profile().previousSecret = undefined;
	profile().autoResponse = undefined;
	profile().autoResponded = undefined;
});

async function activeTrigger(secret = WEBHOOK_SECRET): Promise<TriggerHarness> {
	const harness = await triggers.start({ credentials: ayrshareCredentials(fake(), { ayrshareWebhookSecret: secret }), parameters: { platform: 'messenger', events: ['message'] } });
	await harness.activate();
	expect(profile().webhook).toStrictEqual({ url: harness.webhookUrl, secret });
	return harness;
}

async function rotate(secret: string) {
	const response = await fetch(`${fake().url}/hook/webhook/secret`, {
		method: 'POST',
		headers: { authorization: `Bearer ${AYRSHARE_API_KEY}`, 'profile-key': PROFILE_KEY, 'content-type': 'application/json' },
		body: JSON.stringify({ secret }),
	});
	return { status: response.status, text: await response.text() };
}

describe('fake Ayrshare deliveries to the trigger', () => {
	it('a person writes: one signed delivery to the registered URL, acknowledged at once, one execution', async () => {
		const harness = await activeTrigger();
		const { delivery, message } = await fake().personWrites(writes('Is my order on its way?'), { profileKey: PROFILE_KEY });
		expect(delivery.url).toBe(harness.webhookUrl);
		expect(delivery.attempts).toStrictEqual([{ attempt: 1, status: 200, body: '{"status":"success"}', acknowledged: true }]);
		expect(delivery.headers['x-authorization-content-sha256']).toBe(sign(delivery.body, WEBHOOK_SECRET));
		expect(delivery.headers['x-authorization-content-sha256-v2']).toBeUndefined();
		await settled(harness);
		expect(harness.executions.map((execution) => execution[0][0].json.text)).toStrictEqual(['Is my order on its way?']);
		expect(harness.executions[0][0][0].json.messageId).toBe(message.id);
	});

	it('an answer Ayrshare never got: it delivers again (same delivery id, attempt 2) and the workflow runs once', async () => {
		const harness = await activeTrigger();
		const { delivery } = await fake().personWrites(writes('Hello?'), { profileKey: PROFILE_KEY, loseAnswers: 1 });
		expect(delivery.attempts).toStrictEqual([
			{ attempt: 1, acknowledged: false, error: 'answer lost' },
			{ attempt: 2, status: 200, body: '{"status":"success"}', acknowledged: true },
		]);
		expect(delivery.acknowledged).toBe(true);
		// Both attempts reached the trigger; only the first started the workflow.
		await settled(harness);
		expect(harness.calls.map((call) => [call.status, call.outcome])).toStrictEqual([
			[200, 'execution'],
			[200, 'answeredByNode'],
		]);
		expect(harness.executions.length).toBe(1);
	});

	it('two answers lost: the third attempt is the last, still one execution', async () => {
		const harness = await activeTrigger();
		const { delivery } = await fake().personWrites(writes('Anyone?'), { profileKey: PROFILE_KEY, loseAnswers: 2 });
		expect(delivery.attempts.map((attempt) => attempt.attempt)).toStrictEqual([1, 2, 3]);
		expect(delivery.attempts.map((attempt) => attempt.acknowledged)).toStrictEqual([false, false, true]);
		await settled(harness);
		expect(harness.executions.length).toBe(1);
	});

	it('forged deliveries are refused on every attempt; Ayrshare gives up after its retries', async () => {
		const harness = await activeTrigger();
		for (const signature of ['missing', 'wrong', 'tampered'] as const) {
			const { delivery } = await fake().personWrites(writes(`Forged ${signature}`), { profileKey: PROFILE_KEY, signature });
			expect(delivery.attempts.map((attempt) => attempt.status)).toStrictEqual(signature === 'missing' ? [401, 401, 401] : [403, 403, 403]);
			expect(delivery.acknowledged).toBe(false);
		}
		await settled(harness);
		expect(harness.executions.length).toBe(0);
	});
});

describe('fake Ayrshare: webhook secret rotation', () => {
	it('rotation answers without echoing a secret; without a registered secret it is refused', async () => {
		expect(await rotate(NEW_SECRET)).toStrictEqual({ status: 400, text: expect.stringContaining('register a webhook with a secret first') });
		await activeTrigger();
		const rotated = await rotate(NEW_SECRET);
		expect(rotated.status).toBe(200);
		expect(rotated.text).not.toContain(NEW_SECRET);
		expect(rotated.text).not.toContain(WEBHOOK_SECRET);
		expect(profile().webhook?.secret).toBe(NEW_SECRET);
		expect(profile().previousSecret?.secret).toBe(WEBHOOK_SECRET);
	});

	it('during the overlap both secrets sign; after it the old secret\'s trigger refuses and the new one\'s accepts', async () => {
		let harness = await activeTrigger();
		expect((await rotate(NEW_SECRET)).status).toBe(200);

		// Overlap: the old signature first, the new one under -V2; the trigger still on the old secret accepts.
		const overlap = (await fake().personWrites(writes('During the overlap'), { profileKey: PROFILE_KEY })).delivery;
		expect(overlap.headers['x-authorization-content-sha256']).toBe(sign(overlap.body, WEBHOOK_SECRET));
		expect(overlap.headers['x-authorization-content-sha256-v2']).toBe(sign(overlap.body, NEW_SECRET));
		expect(overlap.attempts.map((attempt) => attempt.status)).toStrictEqual([200]);

		// The credential gets the new secret (same workflow, same URL): still accepted during the overlap.
		harness = await triggers.restart(harness, { credentials: ayrshareCredentials(fake(), { ayrshareWebhookSecret: NEW_SECRET }) });
		await harness.activate();
		expect((await fake().personWrites(writes('New secret, overlap'), { profileKey: PROFILE_KEY })).delivery.attempts.map((attempt) => attempt.status)).toStrictEqual([200]);

		// The overlap ends: only the new secret signs.
		fake().endRotation(PROFILE_KEY);
		const after = (await fake().personWrites(writes('After the overlap'), { profileKey: PROFILE_KEY })).delivery;
		expect(after.headers['x-authorization-content-sha256']).toBe(sign(after.body, NEW_SECRET));
		expect(after.headers['x-authorization-content-sha256-v2']).toBeUndefined();
		expect(after.attempts.map((attempt) => attempt.status)).toStrictEqual([200]);
		await settled(harness);
		expect(harness.executions.map((execution) => execution[0][0].json.text)).toStrictEqual(['New secret, overlap', 'After the overlap']);

		// A trigger whose credential still has the old secret refuses every attempt.
		harness = await triggers.restart(harness, { credentials: ayrshareCredentials(fake(), { ayrshareWebhookSecret: WEBHOOK_SECRET }) });
		await harness.activate();
		const refused = (await fake().personWrites(writes('Old secret after the overlap'), { profileKey: PROFILE_KEY })).delivery;
		expect(refused.attempts.map((attempt) => attempt.status)).toStrictEqual([403, 403, 403]);
		await settled(harness);
		expect(harness.executions.length).toBe(0);
	});
});

describe('Ayrshare applies the auto-response the node set', () => {
	it('Set on: the first message gets the text once within the wait; Turn Off: none', async () => {
		const credentials = ayrshareCredentials(fake());
		const set = await runSocialMessaging(credentials, { platform: 'messenger', resource: 'autoResponse', operation: 'set', autoResponseActive: true, autoResponseMessage: 'We are closed until 9:00.', autoResponseWaitSeconds: 3600 } as never);
		// set.error?.message
		expect(set.error).toBeUndefined();
		const first = await fake().personWrites(writes('Hi, late question'), { profileKey: PROFILE_KEY });
		const second = await fake().personWrites(writes('Still there?'), { profileKey: PROFILE_KEY });
		expect(first.autoResponse).toMatchObject({ action: 'sent', recipientId: PEOPLE.facebook.id, message: 'We are closed until 9:00.' });
		expect(second.autoResponse).toBeUndefined();

		const off = await runSocialMessaging(credentials, { platform: 'messenger', resource: 'autoResponse', operation: 'turnOff' } as never);
		// off.error?.message
		expect(off.error).toBeUndefined();
		profile().autoResponded = undefined;
		expect((await fake().personWrites(writes('Morning!'), { profileKey: PROFILE_KEY })).autoResponse).toBeUndefined();
	});
});
