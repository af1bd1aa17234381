/**
 * Social Messaging Trigger, the auto-response never holds up the execution (issue 14, item 2): inside
 * webhook() a reply gets a short deadline and never waits for a rate limit. When Meta answers 613 to
 * every send, the delivery's items come back at once, each reporting `autoResponse.status: "failed"`
 * with a reason that says why and what to do; one send was tried, no rate-limit pause was entered, and
 * no cooldown started. (The start latency itself is measured in real n8n: BENCHMARKS.md.)
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { RateGate } from '../../nodes/platforms/core/rateGate';
import { PAGE_ID, USERS, messageEvent, startFakeGraph, webhookPayload, type FakeGraph } from '../fakes/graph';
import type { TriggerHarness } from '../harness/webhook';
import { metaCredentials } from './setup';
import { Triggers, deliverAndSettle, itemsOf } from './trigger-setup';

const T0 = 1714554000000;
const TEXT = 'Thanks! We will get back to you.';
const sendPath = `/${PAGE_ID}/messages`;
const people = [USERS.alice.id, USERS.bob.id, USERS.chloe.id];

let fake: FakeGraph;
const triggers = new Triggers();

/** Every rate-limit pause the transport enters (RateGate.pauseFor), recorded without changing it. */
const pauses: Array<{ ms: number; reason?: string }> = [];
const originalPauseFor = RateGate.prototype.pauseFor;

beforeEach(async () => {
	fake = await startFakeGraph();
	pauses.length = 0;
	RateGate.prototype.pauseFor = function recordPause(this: RateGate, ms: number, reason?: string) {
		pauses.push({ ms, reason });
		originalPauseFor.call(this, ms, reason);
	};
});
afterEach(async () => {
	RateGate.prototype.pauseFor = originalPauseFor;
	await triggers.closeAll();
	await fake.close();
});

async function trigger(): Promise<TriggerHarness> {
	return await triggers.start({
		credentials: metaCredentials(fake),
		parameters: { platform: 'messenger', autoResponse: true, autoResponseText: TEXT },
		requireActivation: false,
	});
}

let mid = 0;
const messagesFrom = (senders: string[], at = T0) =>
	webhookPayload(
		'page',
		PAGE_ID,
		senders.map((from, index) => messageEvent({ from, to: PAGE_ID, text: `hello ${index}`, timestamp: at + index, mid: `m_deadline_${++mid}` })),
	);

const outcomes = (harness: TriggerHarness, execution = 0) => itemsOf(harness, execution).map((item) => item.autoResponse as IDataObject);

describe('the auto-response inside the webhook is bounded', () => {
	it('Meta answers 613 to every send: items at once, all "failed" with the reason, one attempt, no rate-limit wait, no cooldown', async () => {
		const harness = await trigger();
		fake.failNext(`POST ${sendPath}`, 'customRateLimit', Number.POSITIVE_INFINITY);

		const result = await deliverAndSettle(fake, harness, messagesFrom(people));
		expect(result.status).toBe(200);
		expect(harness.executions.length).toBe(1);
		// the workflow ran
		expect(harness.runs[0].status).toBe('success');

		const [first, ...rest] = outcomes(harness);
		expect(Object.keys(first).sort()).toStrictEqual(['reason', 'status']);
		expect(first.status).toBe('failed');
		expect(first.reason as string).toMatch(/^Meta rate-limited the auto-response/);
		expect(first.reason as string).toMatch(/\(#613\) Calls to this api have exceeded the rate limit\./);
		expect(first.reason as string).toMatch(/does not wait for rate limits inside the webhook, so that the workflow starts at once/);
		expect(first.reason as string).toMatch(/Social Messaging node/);
		// not the action node's "waited too long" wording
		expect(first.reason as string).not.toMatch(/waits at most|has waited/);
		for (const later of rest) {
			expect(later.status).toBe('failed');
			expect(later.reason as string).toMatch(/^Not sent: Meta rate-limited an earlier auto-response of this delivery/);
		}

		// One send was tried: after the refusal the trigger neither retried it nor tried the others.
		expect(fake.calls(`POST ${sendPath}`).length).toBe(1);
		// no rate-limit pause was entered
		expect(pauses).toStrictEqual([]);
		// a failed reply starts no cooldown
		expect(harness.nodeStaticData().autoResponses).toStrictEqual({});

		// Meta accepts sends again: the next message from the same person gets the reply.
		fake.clearFailures();
		await deliverAndSettle(fake, harness, messagesFrom([people[0]], T0 + 10_000));
		expect(outcomes(harness, 1)[0].status).toBe('sent');
		expect(fake.state.deliveryCount(people[0], TEXT)).toBe(1);
	});

	it('a reply Meta does not answer in time is given up: "failed", saying it may have arrived, and the workflow still starts', async () => {
		const harness = await trigger();
		fake.setLatency(6000);
		await deliverAndSettle(fake, harness, messagesFrom(people.slice(0, 2)));
		fake.setLatency(0);
		const [first, second] = outcomes(harness);
		expect(first.status).toBe('failed');
		expect(first.reason as string).toMatch(/^Meta did not answer the auto-response within 2\.5 s/);
		expect(first.reason as string).toMatch(/may have been delivered/);
		expect(second.status).toBe('failed');
		expect(second.reason as string).toMatch(/^Not sent: the auto-responses of this delivery used up their 2\.5 s/);
		// the second reply was not tried
		expect(fake.calls(`POST ${sendPath}`).length).toBe(1);
		expect(harness.runs[0].status).toBe('success');
		expect(harness.nodeStaticData().autoResponses).toStrictEqual({});
	});
});
