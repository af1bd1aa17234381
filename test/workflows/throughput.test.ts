/**
 * Throughput features of Message > Send through the whole node, against the fake Graph:
 * - Use Batch Requests: up to 50 sends per `POST /` (47 at the default pace, so that whole batches fill its
 *   285 sends per second: 6 × 47), each part mapped back to its item; a part that fails
 *   fails only its item, a rate-limited part is sent again (and only it), a part or batch whose fate
 *   is unknown is never repeated;
 * - pacing: under the fake's 300 calls/s limit no call is refused, Max Sends per Second is honoured,
 *   audio and video go at Meta's 10/s;
 * - Concurrency: the number of requests in flight stays within the option, output order stays input order.
 * Assertions are about requests, counts and exactly-once delivery. Wall-clock speed is the benchmark's
 * business; the only timing checked is the pace (sends per sliding second, measured at the fake).
 */
import { describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	IG_USER_TOKEN,
	PAGE_ID,
	PAGE_TOKEN,
	TINY_PNG,
	USERS,
	addPeople,
	busiestWindow,
	createDefaultState,
	startFakeGraph,
	type FakeGraph,
	type MatchedCall,
	type RecordedRequest,
} from '../fakes/graph';
import type { RunNodeItem, RunNodeResult } from '../harness';
import { perItemSend } from '../fixtures/sendParameters';
import { assertNoError, binaryItem, proofFor } from './message.helpers';
import { instagramLoginCredentials, metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

interface BatchPart {
	method: string;
	relative_url: string;
	body: string;
}

const MESSENGER_USERS = [USERS.alice.id, USERS.bob.id, USERS.chloe.id];
/** Enough people that runs of many items are not held back by the per-person order (one send at a time each). */
const PEOPLE_COUNT = 250;

/** The default fake state plus PEOPLE_COUNT generated Messenger users. */
function stateWithPeople() {
	const state = createDefaultState();
	addPeople(state, PEOPLE_COUNT);
	return state;
}
const PEOPLE = addPeople(createDefaultState(), PEOPLE_COUNT);

const BATCH = { batchRequests: true };
/** Parts per batch request at the default pace: 6 batches of 47 fill 282 of its 285 sends per second. */
const PER_BATCH = 47;

/** `count` items with distinct texts (so each delivery is counted on its own), round-robin recipients. */
function textItems(label: string, count: number, recipients: string[] = PEOPLE): RunNodeItem[] {
	return Array.from({ length: count }, (_, i) => ({ json: { to: recipients[i % recipients.length], text: `${label} #${i}` } }));
}

/** The `message` of a send, whether it came as JSON (plain request) or url-encoded (batch part). */
function messageOf(value: unknown): IDataObject | undefined {
	if (typeof value === 'string') {
		try {
			return JSON.parse(value) as IDataObject;
		} catch {
			return undefined;
		}
	}
	return value as IDataObject | undefined;
}

const textOfParams = (params: Record<string, unknown>) => messageOf(params.message)?.text as string | undefined;
const textOfRecord = (record: RecordedRequest) => textOfParams((record.body ?? {}) as Record<string, unknown>);

/** A Send API call (plain or inside a batch) whose text is exactly `text`. */
const sendWithText =
	(text: string) =>
	(call: MatchedCall): boolean =>
		call.method === 'POST' && /\/messages$/.test(call.path) && textOfParams(call.params) === text;

/** The batch request (`POST /`, not a part) that carries a part with text `text`. */
const batchCarrying =
	(text: string, size?: number) =>
	(call: MatchedCall): boolean => {
		if (call.inBatch || call.method !== 'POST' || call.path !== '/') return false;
		const parts = call.params.batch as BatchPart[] | undefined;
		if (!Array.isArray(parts) || (size !== undefined && parts.length !== size)) return false;
		return parts.some((part) => new URLSearchParams(part.body).get('message')?.includes(JSON.stringify(text).slice(1, -1)) === true);
	};

const envelopes = (fake: FakeGraph) => fake.requests.filter((r) => r.method === 'POST' && r.path === '/');
const partsOf = (envelope: RecordedRequest) => (envelope.body as { batch: BatchPart[] }).batch;
const responseOf = (record: RecordedRequest) => record.response as IDataObject;

/** Every input item came back once, in input order, paired with its input. */
function assertOneItemPerInput(run: RunNodeResult, count: number): void {
	expect(run.items.length).toBe(count);
	run.items.forEach((item, index) => expect(item.pairedItem).toStrictEqual({ item: index }) /* output ${index} */);
}

/** A successful Send output whose message id is the one the fake answered for the item's text. */
function assertSent(item: INodeExecutionData, fake: FakeGraph, expected: { text: string; to: string; platform?: string }): void {
	const calls = fake.calls(sendWithText(expected.text));
	// "${expected.text}" was sent ${calls.length} times
	expect(calls.length).toBe(1);
	expect(calls[0].status).toBe(200);
	const { sentAt, ...json } = item.json;
	expect(typeof sentAt).toBe('string');
	expect(json).toStrictEqual({ platform: expected.platform ?? 'messenger', messageId: responseOf(calls[0]).message_id, recipientId: expected.to });
	// "${expected.text}" delivered once
	expect(fake.state.deliveryCount(expected.to, expected.text)).toBe(1);
}

/** A Continue On Fail error item for `itemIndex`. */
function assertFailedItem(item: INodeExecutionData, itemIndex: number, message: RegExp, description?: RegExp): void {
	expect(String(item.json.error)).toMatch(message);
	if (description) expect(String(item.json.errorDescription)).toMatch(description);
	expect(item.json.messageId).toBeUndefined();
	expect(item.pairedItem).toStrictEqual({ item: itemIndex });
}

/** The most calls whose arrival times (`at`) fall into any window of `windowMs`. */
function maxInAnyWindow(calls: RecordedRequest[], windowMs = 1000): number {
	return busiestWindow(calls.map((c) => c.at).sort((a, b) => a - b), windowMs);
}

/** 613 answers of the fake: rate-limited calls, plain or inside batches. */
const rateLimited = (fake: FakeGraph) =>
	fake.calls().filter((c) => ((c.response as { error?: { code?: number } } | undefined)?.error?.code ?? 0) === 613);

describe('Use Batch Requests', () => {
	const fake = useFakeGraph({ state: stateWithPeople() });

	it('120 text messages go out as 3 batch requests of 47, 47 and 26 parts; outputs map back in input order', async () => {
		fake().clearRequests();
		// Spaces, &, =, %, umlauts and an emoji: the part bodies must be url-encoded, not just joined.
		const items = textItems('Grüße & 50% off = 🎉', 120);
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items });
		assertNoError(run);

		const requests = fake().requests;
		// one HTTP request per 47 messages, nothing else
		expect(requests.length).toBe(3);
		const byFirstItem = [...requests].sort((a, b) => {
			const first = (r: RecordedRequest) => Number(/#(\d+)$/.exec(textOfRecord(r.batchItems?.[0] as RecordedRequest) ?? '')?.[1]);
			return first(a) - first(b);
		});
		expect(byFirstItem.map((r) => partsOf(r).length)).toStrictEqual([PER_BATCH, PER_BATCH, 120 - 2 * PER_BATCH]);
		byFirstItem.forEach((envelope, batchIndex) => {
			expect(envelope.method).toBe('POST');
			expect(envelope.path).toBe('/');
			// batch requests go to the host root, without a version
			expect(envelope.version).toBeNull();
			expect(envelope.query).toStrictEqual({ appsecret_proof: proofFor(PAGE_TOKEN) });
			expect(envelope.headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
			expect(envelope.headers['content-type'] ?? '').toMatch(/^application\/json/);
			expect(envelope.status).toBe(200);
			const body = envelope.body as IDataObject;
			expect(Object.keys(body).sort()).toStrictEqual(['batch', 'include_headers']);
			expect(body.include_headers).toBe(false);
			partsOf(envelope).forEach((part, position) => {
				const itemIndex = batchIndex * PER_BATCH + position;
				const { to, text } = items[itemIndex].json as { to: string; text: string };
				expect(Object.keys(part).sort()).toStrictEqual(['body', 'method', 'relative_url']);
				expect(part.method).toBe('POST');
				expect(part.relative_url).toBe(`v23.0/${PAGE_ID}/messages`);
				expect(typeof part.body).toBe('string');
				const fields = new URLSearchParams(part.body);
				expect([...fields.keys()].sort()).toStrictEqual(['message', 'messaging_type', 'recipient']);
				expect(JSON.parse(fields.get('recipient') ?? '')).toStrictEqual({ id: to });
				expect(fields.get('messaging_type')).toBe('RESPONSE');
				expect(JSON.parse(fields.get('message') ?? '')).toStrictEqual({ text });
				// Each part was answered on its own, and that answer is what the item reports.
				const recorded = envelope.batchItems?.[position];
				expect(recorded?.status).toBe(200);
			});
		});

		assertOneItemPerInput(run, 120);
		run.items.forEach((item, index) => assertSent(item, fake(), items[index].json as { text: string; to: string }));
		// every item has its own message id
		expect(new Set(run.items.map((item) => item.json.messageId)).size).toBe(120);
		expect(fake().state.duplicateDeliveries()).toStrictEqual([]);
	});

	it('a part Meta refuses (551) fails only its item; the others are sent once (Continue On Fail)', async () => {
		fake().clearRequests();
		const items = textItems('refused part', 5);
		(items[2].json as IDataObject).to = USERS.erik.id; // the fake answers 551 / 1545041 for Erik
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items, continueOnFail: true });
		assertNoError(run);
		// one batch request, nothing sent again
		expect(fake().requests.length).toBe(1);
		expect(fake().calls().length).toBe(5);
		assertOneItemPerInput(run, 5);
		assertFailedItem(run.items[2], 2, /not available/, /code 551/);
		expect(run.items[2].json.errorCode).toBe(551);
		expect(fake().state.deliveryCount(USERS.erik.id)).toBe(0);
		for (const index of [0, 1, 3, 4]) assertSent(run.items[index], fake(), items[index].json as { text: string; to: string });
	});

	it('without Continue On Fail the node names the failed item and says the others went out', async () => {
		fake().clearRequests();
		const items = textItems('refused part, stop', 5);
		(items[3].json as IDataObject).to = USERS.erik.id;
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items });
		// the node should fail
		expect(run.error).toBeTruthy();
		expect(run.error!.message).toMatch(/not available/);
		expect(run.error!.context?.itemIndex).toBe(3);
		expect(String(run.error!.description)).toMatch(/4 of 5 items succeeded before this failure and were not undone/);
		expect(fake().calls().length).toBe(5);
		for (const index of [0, 1, 2, 4]) {
			const { to, text } = items[index].json as { to: string; text: string };
			expect(fake().state.deliveryCount(to, text)).toBe(1);
		}
	});

	it('a rate-limited part (613) is sent again in a following batch, alone, and delivered exactly once', async () => {
		fake().clearRequests();
		const items = textItems('rate-limited part', 8);
		const limitedText = (items[3].json as IDataObject).text as string;
		fake().failNext((call) => call.inBatch && sendWithText(limitedText)(call), 'customRateLimit');
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items });
		assertNoError(run);

		const [first, second, ...more] = envelopes(fake());
		// two batch requests in all
		expect(more.length).toBe(0);
		expect(partsOf(first).length).toBe(8);
		// only the refused part is sent again
		expect(partsOf(second).map((part) => JSON.parse(new URLSearchParams(part.body).get('message') ?? '{}').text)).toStrictEqual([limitedText]);
		expect(first.batchItems?.[3].status).toBe(400);
		// the retry waited ${second.at - first.at} ms (backoff starts at 250 ms)
		expect(second.at - first.at).toBeGreaterThanOrEqual(245);

		assertOneItemPerInput(run, 8);
		const limitedCalls = fake().calls(sendWithText(limitedText));
		expect(limitedCalls.map((c) => c.status)).toStrictEqual([400, 200]);
		expect(run.items[3].json.messageId).toBe(responseOf(limitedCalls[1]).message_id);
		for (const [index, item] of run.items.entries()) {
			if (index !== 3) assertSent(item, fake(), items[index].json as { text: string; to: string });
		}
		expect(fake().state.deliveryCount((items[3].json as IDataObject).to as string, limitedText)).toBe(1);
		// parts that went through were never sent again
		expect(fake().state.duplicateDeliveries()).toStrictEqual([]);
	});

	it('a part Meta did not finish (null) fails as "may have been delivered" and is not sent again', async () => {
		fake().clearRequests();
		const items = textItems('unfinished part', 4);
		const unfinished = (items[1].json as IDataObject).text as string;
		fake().failNext((call) => call.inBatch && sendWithText(unfinished)(call), { hangup: true });
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items, continueOnFail: true });
		assertNoError(run);
		expect(fake().requests.length).toBe(1);
		const envelope = envelopes(fake())[0];
		// the fake answered null for the part
		expect((envelope.response as unknown[])[1]).toBeNull();
		assertOneItemPerInput(run, 4);
		assertFailedItem(run.items[1], 1, /did not finish/, /may have been delivered/);
		// not sent again
		expect(fake().calls(sendWithText(unfinished)).length).toBe(1);
		for (const index of [0, 2, 3]) assertSent(run.items[index], fake(), items[index].json as { text: string; to: string });
	});

	it('a part that went out but answered null is not sent again either: delivered exactly once', async () => {
		fake().clearRequests();
		const items = textItems('delivered but unanswered part', 3);
		const { to, text } = items[2].json as { to: string; text: string };
		fake().failNext((call) => call.inBatch && sendWithText(text)(call), { hangup: true, afterProcessing: true });
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items, continueOnFail: true });
		assertNoError(run);
		assertFailedItem(run.items[2], 2, /did not finish/, /may have been delivered/);
		expect(fake().calls(sendWithText(text)).length).toBe(1);
		expect(fake().state.deliveryCount(to, text)).toBe(1);
		expect(fake().state.duplicateDeliveries()).toStrictEqual([]);
	});

	it('a failed batch request (HTTP 500) fails its own items, which are not sent again; other batches are unaffected', async () => {
		fake().clearRequests();
		const items = textItems('failed batch', 60);
		fake().failNext(batchCarrying('failed batch #55'), 'unknownError');
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items, continueOnFail: true });
		assertNoError(run);
		// the failed batch was not repeated
		expect(envelopes(fake()).length).toBe(2);
		assertOneItemPerInput(run, 60);
		for (let index = 0; index < PER_BATCH; index++) assertSent(run.items[index], fake(), items[index].json as { text: string; to: string });
		for (let index = PER_BATCH; index < 60; index++) {
			assertFailedItem(run.items[index], index, /unknown error/i, /may have been delivered/);
			const { to, text } = items[index].json as { to: string; text: string };
			expect(fake().state.deliveryCount(to, text)).toBe(0);
		}
	});

	it('a failed batch request without Continue On Fail: the error names the first item of that batch', async () => {
		fake().clearRequests();
		const items = textItems('failed batch, stop', 60);
		fake().failNext(batchCarrying('failed batch, stop #55'), 'unknownError');
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items });
		// the node should fail
		expect(run.error).toBeTruthy();
		expect(run.error!.context?.itemIndex).toBe(PER_BATCH);
		expect(String(run.error!.description)).toMatch(/may have been delivered/);
		expect(String(run.error!.description)).toMatch(new RegExp(`${PER_BATCH} of 60 items succeeded before this failure`));
		expect(envelopes(fake()).length).toBe(2);
	});

	it('a batch request failing while a rate-limited part is retried fails only that part, not the parts already sent', async () => {
		fake().clearRequests();
		const items = textItems('retry then 500', 6);
		const limitedText = (items[4].json as IDataObject).text as string;
		fake().failNext((call) => call.inBatch && sendWithText(limitedText)(call), 'pageRateLimit');
		fake().failNext(batchCarrying(limitedText, 1), 'unknownError');
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items, continueOnFail: true });
		assertNoError(run);
		const [first, second, ...more] = envelopes(fake());
		expect(more.length).toBe(0);
		expect(partsOf(first).length).toBe(6);
		expect(partsOf(second).length).toBe(1);
		expect(second.status).toBe(500);
		assertOneItemPerInput(run, 6);
		assertFailedItem(run.items[4], 4, /unknown error/i, /may have been delivered/);
		for (const index of [0, 1, 2, 3, 5]) assertSent(run.items[index], fake(), items[index].json as { text: string; to: string });
		expect(fake().state.duplicateDeliveries()).toStrictEqual([]);
	});

	it('invalid items fail on their own with their item index; the valid ones go out in one batch', async () => {
		fake().clearRequests();
		const items = textItems('validation', 6);
		(items[1].json as IDataObject).to = ''; // no recipient: refused while reading the item
		(items[4].json as IDataObject).text = 'x'.repeat(2001); // too long for Messenger: refused by the adapter
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items, continueOnFail: true });
		assertNoError(run);
		expect(fake().requests.length).toBe(1);
		expect(partsOf(fake().requests[0]).length).toBe(4);
		assertOneItemPerInput(run, 6);
		assertFailedItem(run.items[1], 1, /No recipient ID for this item/);
		assertFailedItem(run.items[4], 4, /too long for Messenger/);
		for (const index of [0, 2, 3, 5]) assertSent(run.items[index], fake(), items[index].json as { text: string; to: string });
	});

	it('an invalid item without Continue On Fail: the error names it, and says what was sent', async () => {
		fake().clearRequests();
		const items = textItems('validation, stop', 6);
		(items[4].json as IDataObject).text = 'y'.repeat(2001);
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items });
		// the node should fail
		expect(run.error).toBeTruthy();
		expect(run.error!.name).toBe('NodeOperationError');
		expect(run.error!.message).toMatch(/too long for Messenger/);
		expect(run.error!.context?.itemIndex).toBe(4);
		// The batch of this chunk was already on its way: the description says so rather than hiding it.
		expect(String(run.error!.description)).toMatch(/5 of 6 items succeeded before this failure/);
		expect(partsOf(fake().requests[0]).length).toBe(5);
	});

	it('binary media is uploaded on its own first, then sent inside the batch by attachment ID', async () => {
		fake().clearRequests();
		const files = ['a', 'b', 'c'].map((name, i) => ({ name: `label-${name}.png`, bytes: Buffer.concat([TINY_PNG, Buffer.from([i])]) }));
		const items = files.map((file, i) => binaryItem(file.bytes, 'image/png', file.name, 'data', { to: MESSENGER_USERS[i] }));
		const run = await runSocialMessaging(
			metaCredentials(fake()),
			perItemSend(BATCH, { messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'data' }),
			{ items },
		);
		assertNoError(run);
		const uploads = fake().requests.filter((r) => r.path === `/${PAGE_ID}/message_attachments`);
		expect(uploads.length).toBe(3);
		// three uploads and one batch request
		expect(fake().requests.length).toBe(4);
		const [envelope] = envelopes(fake());
		// uploads come before the batch
		expect(uploads.every((upload) => upload.at <= envelope.at)).toBeTruthy();
		const uploadedIds = files.map((file) => {
			const upload = uploads.find((u) => (u.body as Array<{ name: string; filename?: string }>).some((part) => part.name === 'filedata' && part.filename === file.name));
			// ${file.name} was not uploaded
			expect(upload).toBeTruthy();
			expect(upload!.status).toBe(200);
			return responseOf(upload!).attachment_id as string;
		});
		const parts = partsOf(envelope);
		expect(parts.length).toBe(3);
		parts.forEach((part, i) => {
			expect(part.relative_url).toBe(`v23.0/${PAGE_ID}/messages`);
			const fields = new URLSearchParams(part.body);
			expect(JSON.parse(fields.get('recipient') ?? '')).toStrictEqual({ id: MESSENGER_USERS[i] });
			expect(JSON.parse(fields.get('message') ?? '')).toStrictEqual({ attachment: { type: 'image', payload: { attachment_id: uploadedIds[i] } } });
		});
		assertOneItemPerInput(run, 3);
		run.items.forEach((item, i) => {
			expect(item.json.messageId).toBe(responseOf(envelope.batchItems?.[i] as RecordedRequest).message_id);
			expect(item.json.recipientId).toBe(MESSENGER_USERS[i]);
		});
	});

	it('Instagram through a Page: parts go to the Page\'s messages edge and outputs say instagram', async () => {
		fake().clearRequests();
		const recipients = [USERS.ines.id, USERS.kenji.id];
		const items = textItems('instagram batch', 4, recipients);
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH, { platform: 'instagram' }), { items });
		assertNoError(run);
		// Two messages to each person: Meta runs a batch's parts in parallel, so each person's second one goes in a later batch.
		expect(fake().requests.length).toBe(2);
		const parts = fake().requests.flatMap((request) => partsOf(request));
		expect(parts.map((part) => part.relative_url)).toStrictEqual(Array(4).fill(`v23.0/${PAGE_ID}/messages`));
		assertOneItemPerInput(run, 4);
		run.items.forEach((item, index) => assertSent(item, fake(), { ...(items[index].json as { text: string; to: string }), platform: 'instagram' }));
	});

	it('Instagram Login has no batch API: the option sends one request per message', async () => {
		fake().clearRequests();
		const items = textItems('instagram login, batch asked', 3, [USERS.ines.id]);
		const run = await runSocialMessaging(instagramLoginCredentials(fake()), perItemSend(BATCH, { platform: 'instagram' }), { items });
		assertNoError(run);
		expect(envelopes(fake()).length).toBe(0);
		expect(fake().requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual(Array(3).fill('POST /me/messages'));
		expect(fake().requests.every((r) => r.headers.authorization === `Bearer ${IG_USER_TOKEN}`)).toBeTruthy();
		assertOneItemPerInput(run, 3);
		run.items.forEach((item, index) => assertSent(item, fake(), { ...(items[index].json as { text: string; to: string }), platform: 'instagram' }));
	});

	it('audio and video: a batch carries at most 9, so no second sees more than Meta\'s 10', async () => {
		fake().clearRequests();
		const items = Array.from({ length: 12 }, (_, i) => ({ json: { to: PEOPLE[i], url: `https://cdn.example.com/clips/batch-${i}.mp4` } }));
		const run = await runSocialMessaging(
			metaCredentials(fake()),
			perItemSend(BATCH, { messageType: 'media', mediaType: 'video', mediaSource: 'url', mediaUrl: '={{ $json.url }}' }),
			{ items },
		);
		assertNoError(run);
		const batches = envelopes(fake());
		expect(batches.map((b) => partsOf(b).length).sort((a, b) => b - a)).toStrictEqual([9, 3]);
		const parts = fake().calls({ inBatch: true });
		expect(parts.length).toBe(12);
		// ${maxInAnyWindow(parts)} video sends within one second
		expect(maxInAnyWindow(parts)).toBeLessThanOrEqual(10);
		assertOneItemPerInput(run, 12);
		expect(run.items.every((item) => typeof item.json.messageId === 'string')).toBeTruthy();
	});
});

describe('pacing under Meta\'s 300 calls/s per Page', () => {
	// A fake per test: the calls of one test must not use up the next test's second at the fake.
	const limited = () => startFakeGraph({ rateLimitPerSecond: 300, regainAccessMinutes: 0, latencyMs: 5, state: stateWithPeople() });

	it('700 sends one by one (default concurrency): Meta\'s usage headers switch the run to its pace before any refusal; each delivered once', async () => {
		const started = await limited();
		try {
			const fake = () => started;
			const items = textItems('paced send', 700);
			const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(), { items });
			assertNoError(run);
			const sends = fake().calls(`POST /${PAGE_ID}/messages`);
			// The fake reports the share of its window in use (X-Business-Use-Case-Usage); at 60% the node paces.
			// the fake answered 613
			expect(rateLimited(fake()).length).toBe(0);
			// no send was repeated
			expect(sends.length).toBe(700);
			expect(sends.every((call) => call.status === 200)).toBeTruthy();
			assertOneItemPerInput(run, 700);
			run.items.forEach((item, index) => {
				const { to, text } = items[index].json as { to: string; text: string };
				expect(item.json.recipientId).toBe(to);
				expect(fake().state.deliveryCount(to, text)).toBe(1);
			});
			expect(fake().state.duplicateDeliveries()).toStrictEqual([]);
		} finally {
			await started.close();
		}
	});

	it('700 messages with batch requests: parts refused at first are sent again once the run keeps Meta\'s pace; each delivered once', async () => {
		const started = await limited();
		try {
			const fake = () => started;
			const items = textItems('paced batch', 700);
			const run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items });
			assertNoError(run);
			expect(envelopes(fake()).every((envelope) => envelope.status === 200)).toBeTruthy();
			expect(envelopes(fake()).every((envelope) => partsOf(envelope).length <= PER_BATCH)).toBeTruthy();
			const parts = fake().calls({ inBatch: true });
			const refused = rateLimited(fake());
			// Every refused part was sent again, nothing else was: 700 accepted parts in all.
			expect(parts.filter((part) => part.status === 200).length).toBe(700);
			expect(parts.length).toBe(700 + refused.length);
			// After the first refusal came back the run keeps to 285/s at the fake.
			if (refused.length > 0) {
				const switchedAt = Math.min(...refused.map((part) => part.at)) + 1000;
				const afterSwitch = parts.filter((part) => part.at >= switchedAt);
				// ${maxInAnyWindow(afterSwitch)} parts within one second after the switch
				expect(maxInAnyWindow(afterSwitch)).toBeLessThanOrEqual(285);
			}
			assertOneItemPerInput(run, 700);
			run.items.forEach((item, index) => {
				const { to, text } = items[index].json as { to: string; text: string };
				expect(item.json.recipientId).toBe(to);
				expect(fake().state.deliveryCount(to, text)).toBe(1);
			});
			expect(fake().state.duplicateDeliveries()).toStrictEqual([]);
		} finally {
			await started.close();
		}
	});

	it('a run that met a limit keeps the pace: with the usage headers at 80% from the start, no second sees more than 285 sends', async () => {
		const started = await startFakeGraph({ latencyMs: 5, state: stateWithPeople() });
		try {
			started.setUsageHeaders({ appUsage: { call_count: 80, total_cputime: 5, total_time: 5 } });
			const items = textItems('near the quota', 600);
			const run = await runSocialMessaging(metaCredentials(started), perItemSend(), { items });
			assertNoError(run);
			const sends = started.calls(`POST /${PAGE_ID}/messages`);
			expect(sends.length).toBe(600);
			// The first answer (usage 80%) switches pacing on; at most the first 100 in flight came before it.
			// ${maxInAnyWindow(sends)} sends within one second
			expect(maxInAnyWindow(sends)).toBeLessThanOrEqual(285 + 100);
			// the 600 sends took at least a second
			expect(sends[sends.length - 1].at - sends[0].at).toBeGreaterThanOrEqual(1000);
		} finally {
			await started.close();
		}
	});
});

describe('Max Sends per Second and the audio/video pace', () => {
	const fake = useFakeGraph({ latencyMs: 5, state: stateWithPeople() });

	it('Max Sends per Second 50: 120 sends, never more than 50 within any second', async () => {
		fake().clearRequests();
		const items = textItems('fifty per second', 120);
		const run = await runSocialMessaging(metaCredentials(fake()), perItemSend({ sendsPerSecond: 50 }), { items });
		assertNoError(run);
		const sends = fake().calls(`POST /${PAGE_ID}/messages`);
		expect(sends.length).toBe(120);
		const max = maxInAnyWindow(sends);
		// ${max} sends within one second
		expect(max).toBeLessThanOrEqual(50);
		// 120 sends at 50/s need three windows: the last starts at least 2 s after the first.
		expect(sends[sends.length - 1].at - sends[0].at).toBeGreaterThanOrEqual(2000 - 10);
		assertOneItemPerInput(run, 120);
	});

	it('video by URL, one request each: at most 10 within any second, none refused by a fake that enforces it', async () => {
		const enforcing = await startFakeGraph({ latencyMs: 5, audioVideoRateLimitPerSecond: 10, state: stateWithPeople() });
		try {
			const fake = () => enforcing;
			const items = Array.from({ length: 12 }, (_, i) => ({ json: { to: PEOPLE[i], url: `https://cdn.example.com/clips/single-${i}.mp4` } }));
			const run = await runSocialMessaging(
				metaCredentials(fake()),
				perItemSend({}, { messageType: 'media', mediaType: 'video', mediaSource: 'url', mediaUrl: '={{ $json.url }}' }),
				{ items },
			);
			assertNoError(run);
			const sends = fake().calls(`POST /${PAGE_ID}/messages`);
			// a refused video would have been sent again
			expect(sends.map((call) => call.status)).toStrictEqual(new Array(12).fill(200));
			const max = maxInAnyWindow(sends);
			// ${max} video sends within one second
			expect(max).toBeLessThanOrEqual(10);
			assertOneItemPerInput(run, 12);
		} finally {
			await enforcing.close();
		}
	});
});

describe('Concurrency', () => {
	const fake = useFakeGraph({ latencyMs: 100, state: stateWithPeople() });

	/** Requests in flight at the fake (those `counted`): from arrival (`at`) until the fake answered (its 'request' event). */
	async function maxInFlight(run: () => Promise<void>, counted: (record: RecordedRequest) => boolean = () => true): Promise<number> {
		const answeredAt = new Map<RecordedRequest, number>();
		const onAnswer = (record: RecordedRequest) => answeredAt.set(record, Date.now());
		fake().events.on('request', onAnswer);
		try {
			await run();
		} finally {
			fake().events.off('request', onAnswer);
		}
		// Answers before arrivals at the same millisecond: the answer is emitted before it is written.
		const events = fake()
			.requests.filter(counted)
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

	it('Concurrency 3: never more than 3 requests in flight, outputs in input order', async () => {
		fake().clearRequests();
		const items = textItems('three at a time', 12);
		let run: RunNodeResult | undefined;
		const max = await maxInFlight(async () => {
			run = await runSocialMessaging(metaCredentials(fake()), perItemSend({ concurrency: 3 }), { items });
		});
		expect(run).toBeTruthy();
		assertNoError(run!);
		// ${max} requests were in flight at once
		expect(max).toBe(3);
		assertOneItemPerInput(run!, 12);
		run!.items.forEach((item, index) => assertSent(item, fake(), items[index].json as { text: string; to: string }));
	});

	it('default concurrency: at most 100 in flight', async () => {
		fake().clearRequests();
		const items = textItems('default concurrency', 250);
		let run: RunNodeResult | undefined;
		const max = await maxInFlight(async () => {
			run = await runSocialMessaging(metaCredentials(fake()), perItemSend(), { items });
		});
		expect(run).toBeTruthy();
		assertNoError(run!);
		// ${max} requests were in flight at once
		expect(max).toBeLessThanOrEqual(100);
		// only ${max} in flight: the default is not 100
		expect(max).toBeGreaterThan(50);
		assertOneItemPerInput(run!, 250);
		run!.items.forEach((item, index) => assertSent(item, fake(), items[index].json as { text: string; to: string }));
	});

	it('binary files: at most 4 uploads at once with the default Concurrency (files held in memory); each sent once, in order', async () => {
		fake().clearRequests();
		const items = Array.from({ length: 12 }, (_, i) =>
			binaryItem(Buffer.from(`file ${i} `.repeat(1000)), 'image/png', `photo-${i}.png`, 'data', { to: PEOPLE[i] }),
		);
		let run: RunNodeResult | undefined;
		const uploads = (record: RecordedRequest) => record.path === `/${PAGE_ID}/message_attachments`;
		const max = await maxInFlight(async () => {
			run = await runSocialMessaging(
				metaCredentials(fake()),
				perItemSend({}, { messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'data' }),
				{ items },
			);
		}, uploads);
		expect(run).toBeTruthy();
		assertNoError(run!);
		// ${max} uploads were in flight at once
		expect(max).toBe(4);
		const uploaded = fake().requests.filter(uploads);
		expect(uploaded.length).toBe(12);
		const fileNames = uploaded.map((record) => (record.body as Array<{ name: string; filename?: string }>).find((part) => part.name === 'filedata')?.filename);
		expect([...fileNames].sort()).toStrictEqual(items.map((_, i) => `photo-${i}.png`).sort());
		assertOneItemPerInput(run!, 12);
		run!.items.forEach((item, index) => expect(item.json.recipientId).toBe(PEOPLE[index]));
	});

	it('batch requests: 2 in flight by default, Concurrency 1 sends them one after another', async () => {
		fake().clearRequests();
		const items = textItems('batches in flight', 250);
		let run: RunNodeResult | undefined;
		const byDefault = await maxInFlight(async () => {
			run = await runSocialMessaging(metaCredentials(fake()), perItemSend(BATCH), { items });
		});
		expect(run).toBeTruthy();
		assertNoError(run!);
		expect(fake().requests.length).toBe(6);
		expect(byDefault).toBe(2);
		assertOneItemPerInput(run!, 250);

		fake().clearRequests();
		const one = await maxInFlight(async () => {
			run = await runSocialMessaging(metaCredentials(fake()), perItemSend({ ...BATCH, concurrency: 1 }), { items: textItems('one batch at a time', 120) });
		});
		assertNoError(run!);
		expect(fake().requests.length).toBe(3);
		expect(one).toBe(1);
	});
});
