/**
 * Messages to one person keep their input order (issue 14, item 1): 3 messages each to 50 people mixed
 * with 100 people who get one, against a fake Graph server whose answers take a random 0-40 ms, so a
 * later request can overtake an earlier one. The order a person's messages were accepted in at the fake
 * must be the input order; different people's messages still go side by side. Per request and in batch
 * mode. Every expectation is derived from the input items.
 */
import { describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { PAGE_ID, addPeople, createDefaultState, type RecordedRequest, type SendEvent } from '../fakes/graph';
import type { RunNodeItem } from '../harness';
import { assertNoError } from './message.helpers';
import { metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

const people = addPeople(createDefaultState(), 150);

function send(options: INodeParameters = {}): INodeParameters {
	return {
		platform: 'messenger',
		resource: 'message',
		operation: 'send',
		recipientType: 'user',
		recipientId: { __rl: true, mode: 'id', value: '={{ $json.to }}' },
		messageType: 'text',
		text: '={{ $json.text }}',
		options,
	};
}

/** 3 messages each to people 0-49 and one each to people 50-149, shuffled; every text unique. */
function mixedItems(label: string): RunNodeItem[] {
	const entries = [
		...people.slice(0, 50).flatMap((to) => [1, 2, 3].map(() => to)),
		...people.slice(50, 150),
	];
	for (let i = entries.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[entries[i], entries[j]] = [entries[j], entries[i]];
	}
	return entries.map((to, i) => ({ json: { to, text: `${label} #${i}` } }));
}

/** Texts per person, in the order given. */
function byPerson(pairs: Array<{ to: string; text: string }>): Map<string, string[]> {
	const map = new Map<string, string[]>();
	for (const { to, text } of pairs) map.set(to, [...(map.get(to) ?? []), text]);
	return map;
}

function textOf(body: Record<string, unknown>): string {
	const message = typeof body.message === 'string' ? (JSON.parse(body.message) as IDataObject) : (body.message as IDataObject);
	return message.text as string;
}

function recipientOf(body: Record<string, unknown>): string {
	const recipient = typeof body.recipient === 'string' ? (JSON.parse(body.recipient) as IDataObject) : (body.recipient as IDataObject);
	return recipient.id as string;
}

/** Most requests in flight at the fake at once: from arrival until answered. */
function maxInFlight(requests: RecordedRequest[], answeredAt: Map<RecordedRequest, number>): number {
	const events = requests
		.flatMap((record) => [
			{ at: record.at, delta: 1 },
			{ at: answeredAt.get(record) ?? Infinity, delta: -1 },
		])
		.sort((a, b) => a.at - b.at || a.delta - b.delta);
	let inFlight = 0;
	let max = 0;
	for (const { delta } of events) max = Math.max(max, (inFlight += delta));
	return max;
}

describe('messages to one person keep their input order', () => {
	const state = createDefaultState();
	addPeople(state, people.length);
	const fake = useFakeGraph({ latencyMs: 1, latencyJitterMs: 40, state });

	async function runAndRecord(items: RunNodeItem[], options: INodeParameters) {
		fake().clearRequests();
		const accepted: Array<{ to: string; text: string }> = [];
		const answeredAt = new Map<RecordedRequest, number>();
		const onSend = (event: SendEvent) => accepted.push({ to: recipientOf(event.body), text: textOf(event.body) });
		const onAnswer = (record: RecordedRequest) => answeredAt.set(record, Date.now());
		fake().events.on('send', onSend);
		fake().events.on('request', onAnswer);
		try {
			const run = await runSocialMessaging(metaCredentials(fake()), send(options), { items });
			return { run, accepted, answeredAt };
		} finally {
			fake().events.off('send', onSend);
			fake().events.off('request', onAnswer);
		}
	}

	function assertInOrder(items: RunNodeItem[], accepted: Array<{ to: string; text: string }>) {
		const input = items.map((item) => item.json as { to: string; text: string });
		// every item was accepted once
		expect(accepted.length).toBe(input.length);
		const expected = byPerson(input);
		const actual = byPerson(accepted);
		expect(actual.size).toBe(expected.size);
		for (const [to, texts] of expected) expect(actual.get(to)).toStrictEqual(texts); // the messages to ${to} arrived out of order
		expect(fake().state.duplicateDeliveries()).toStrictEqual([]);
	}

	function assertOutputs(run: Awaited<ReturnType<typeof runSocialMessaging>>, items: RunNodeItem[]) {
		expect(run.items.length).toBe(items.length);
		run.items.forEach((item, index) => {
			expect(item.pairedItem).toStrictEqual({ item: index });
			expect(item.json.recipientId).toBe((items[index].json as { to: string }).to);
			expect(String(item.json.messageId)).toMatch(/^m_/);
		});
	}

	it('one request per message (default Concurrency 100): each person in order, people side by side', async () => {
		const items = mixedItems('order');
		const { run, accepted, answeredAt } = await runAndRecord(items, {});
		assertNoError(run);
		const sends = fake().calls(`POST /${PAGE_ID}/messages`);
		expect(sends.length).toBe(items.length);
		for (const call of sends) {
			expect(Object.keys(call.body as IDataObject).sort()).toStrictEqual(['message', 'messaging_type', 'recipient']);
			expect((call.body as IDataObject).messaging_type).toBe('RESPONSE');
		}
		assertInOrder(items, accepted);
		assertOutputs(run, items);
		const most = maxInFlight(fake().requests, answeredAt);
		// only ${most} requests were ever in flight at once: people's messages must go side by side
		expect(most).toBeGreaterThanOrEqual(10);
	});

	it('batch requests: no person twice in one batch, each person in order', async () => {
		const items = mixedItems('order batch');
		const { run, accepted } = await runAndRecord(items, { batchRequests: true });
		assertNoError(run);
		const envelopes = fake().requests.filter((request) => request.path === '/');
		// only batch requests
		expect(envelopes.length).toBe(fake().requests.length);
		for (const envelope of envelopes) {
			const recipients = (envelope.batchItems ?? []).map((part) => recipientOf(part.body as Record<string, unknown>));
			// a person twice in one batch: Meta may run those parts in either order
			expect(new Set(recipients).size).toBe(recipients.length);
			expect(recipients.length).toBeLessThanOrEqual(47);
		}
		assertInOrder(items, accepted);
		assertOutputs(run, items);
	});
});
