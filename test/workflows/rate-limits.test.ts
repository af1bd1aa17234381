/**
 * Rate limits through the whole node: codes 4, 17, 32, 613 and HTTP 429 are waited out and retried,
 * the message still goes out exactly once, one rate limit pauses every item of the run, usage headers
 * and Retry-After are honoured, and a wait longer than the node's bound fails fast instead of hanging.
 * Waits are real (backoff starts at 250-500 ms), so independent tests run side by side.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { GRAPH_ERRORS, PAGE_ID, USERS, type MatchedCall, type RecordedRequest } from '../fakes/graph';
import { pageSendWithText } from './message.helpers';
import { byId, metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

const fake = useFakeGraph();


const textOf = (call: { params: Record<string, unknown> }) => (call.params.message as IDataObject | undefined)?.text as string | undefined;
const recordedText = (record: RecordedRequest) => ((record.body as IDataObject | undefined)?.message as IDataObject | undefined)?.text;

/** Sends whose text starts with `prefix`: the calls of one test. */
const sendsStartingWith =
	(prefix: string) =>
	(call: MatchedCall): boolean =>
		call.method === 'POST' && call.path === `/${PAGE_ID}/messages` && (textOf(call) ?? '').startsWith(prefix);

function sendParams(text: string, platform = 'messenger', recipient: string = USERS.alice.id): INodeParameters {
	return { platform, resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(recipient), messageType: 'text', text };
}

const perItemSend: INodeParameters = { ...sendParams('={{ $json.text }}'), recipientId: { __rl: true, mode: 'id', value: '={{ $json.to }}' } };

const gaps = (calls: RecordedRequest[]) => calls.slice(1).map((call, i) => call.at - calls[i].at);

const businessUsage = (regainMinutes: number) =>
	JSON.stringify({
		[PAGE_ID]: [{ type: 'pages', call_count: 100, total_cputime: 24, total_time: 31, estimated_time_to_regain_access: regainMinutes }],
	});

describe('a rate-limited send is retried and delivered exactly once', { concurrency: true }, () => {
	const cases: Array<[string, keyof typeof GRAPH_ERRORS, string, string]> = [
		['code 4 (app)', 'appRateLimit', 'messenger', USERS.alice.id],
		['code 17 (user)', 'userRateLimit', 'messenger', USERS.alice.id],
		['code 32 (page)', 'pageRateLimit', 'messenger', USERS.alice.id],
		['code 613 (custom)', 'customRateLimit', 'messenger', USERS.alice.id],
		['code 613 / 2534040 (Instagram)', 'instagramRateLimit', 'instagram', USERS.ines.id],
		['HTTP 429', 'tooManyRequests', 'messenger', USERS.alice.id],
	];
	for (const [label, name, platform, recipient] of cases) {
		test(label, async () => {
			const text = `rate limited: ${label}`;
			fake().failNext(pageSendWithText(text), name);
			const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text, platform, recipient));
			assert.equal(result.error, undefined, result.error?.message);
			const calls = fake().calls(pageSendWithText(text));
			assert.equal(calls.length, 2, 'one rate-limited attempt, one that went through');
			assert.equal(calls[0].status, GRAPH_ERRORS[name].status);
			assert.equal(calls[1].status, 200);
			assert.ok(gaps(calls)[0] >= 245, `waited ${gaps(calls)[0]} ms before retrying`);
			assert.equal(fake().state.deliveryCount(recipient, text), 1);
			assert.equal(result.items[0].json.messageId, (calls[1].response as IDataObject).message_id);
		});
	}

	test('rate-limited twice: three attempts with growing backoff', async () => {
		const text = 'rate limited twice';
		fake().failNext(pageSendWithText(text), 'pageRateLimit', 2);
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
		assert.equal(result.error, undefined, result.error?.message);
		const calls = fake().calls(pageSendWithText(text));
		assert.equal(calls.length, 3);
		const [first, second] = gaps(calls);
		// Lower bounds only: backoff floors are 250 ms then 500 ms; an upper bound would measure the machine's load.
		assert.ok(first >= 245, `first wait ${first} ms`);
		assert.ok(second >= 495, `second wait ${second} ms`);
		assert.equal(fake().state.deliveryCount(USERS.alice.id, text), 1);
	});

	test('HTTP 429 with Retry-After: waits as long as asked', async () => {
		const text = 'retry after one second';
		fake().failNext(pageSendWithText(text), { ...GRAPH_ERRORS.tooManyRequests, headers: { 'retry-after': '1' } });
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
		assert.equal(result.error, undefined, result.error?.message);
		const calls = fake().calls(pageSendWithText(text));
		assert.equal(calls.length, 2);
		assert.ok(gaps(calls)[0] >= 995, `retried after ${gaps(calls)[0]} ms, before the second Retry-After asked for`);
		assert.equal(fake().state.deliveryCount(USERS.alice.id, text), 1);
	});

	test('X-Business-Use-Case-Usage estimated_time_to_regain_access is honoured', async () => {
		const text = 'regain access estimate';
		// 0.02 minutes = 1.2 s (Meta sends whole minutes; a fraction keeps the test short).
		fake().failNext(pageSendWithText(text), { ...GRAPH_ERRORS.pageRateLimit, headers: { 'x-business-use-case-usage': businessUsage(0.02) } });
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
		assert.equal(result.error, undefined, result.error?.message);
		const calls = fake().calls(pageSendWithText(text));
		assert.equal(calls.length, 2);
		assert.ok(gaps(calls)[0] >= 1_195, `retried after ${gaps(calls)[0]} ms, before access was back`);
		assert.equal(fake().state.deliveryCount(USERS.alice.id, text), 1);
	});

	test('tag abuse (613 / 2018338) shares code 613 but is not retried', async () => {
		const text = 'tag abuse is final';
		fake().failNext(pageSendWithText(text), 'tagAbuse');
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
		assert.match(String(result.error?.message), /message tag for misuse/);
		assert.equal(fake().calls(pageSendWithText(text)).length, 1);
		assert.equal(fake().state.deliveryCount(USERS.alice.id, text), 0);
	});

	test('a rate-limited read is retried too', async () => {
		const conversationsOf = (call: MatchedCall) => call.method === 'GET' && call.path === `/${PAGE_ID}/conversations` && call.params.user_id === USERS.chloe.id;
		fake().failNext(conversationsOf, 'customRateLimit');
		const result = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
			filters: { userId: USERS.chloe.id },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake().calls(conversationsOf).length, 2);
		assert.equal(result.items.length, 1);
	});

	test('one rate limit pauses the other items of the run', async () => {
		// 24 items, 20 sent side by side. The first send to arrive is told to wait 1 s; the items that
		// start after that answer must wait too, although nobody rate-limited them.
		const prefix = 'shared gate ';
		const texts = Array.from({ length: 24 }, (_, i) => `${prefix}${i}`);
		fake().failNext(sendsStartingWith(prefix), { ...GRAPH_ERRORS.tooManyRequests, headers: { 'retry-after': '1' } });
		const items = texts.map((text) => ({ json: { to: USERS.chloe.id, text } }));
		const result = await runSocialMessaging(metaCredentials(fake()), { ...perItemSend, options: { concurrency: 20 } }, { items });
		assert.equal(result.error, undefined, result.error?.message);

		const calls = [...fake().calls(sendsStartingWith(prefix))].sort((a, b) => a.at - b.at);
		assert.equal(calls.length, 25, '24 sends and one retry');
		const limited = calls.find((call) => call.status === 429) as RecordedRequest;
		const pauseStart = limited.at;
		const firstWave = calls.slice(0, 20);
		assert.ok(firstWave.includes(limited), 'the rate limit hit one of the first 20 sends');
		const later = calls.slice(20);
		const retry = later.find((call) => recordedText(call) === recordedText(limited)) as RecordedRequest;
		assert.ok(retry.at - pauseStart >= 995, 'the limited item itself waited');
		const others = later.filter((call) => call !== retry);
		assert.equal(others.length, 4);
		// An item may slip out while the answer is still on its way; none is sent once the pause is known.
		const during = others.filter((call) => call.at - pauseStart >= 150 && call.at - pauseStart < 990);
		assert.deepEqual(during.map((call) => call.at - pauseStart), [], 'nothing goes out during the pause');
		const waited = others.filter((call) => call.at - pauseStart >= 990);
		assert.ok(waited.length >= 3, `only ${waited.length} of the later items waited: ${others.map((c) => c.at - pauseStart).join(', ')} ms`);
		for (const text of texts) assert.equal(fake().state.deliveryCount(USERS.chloe.id, text), 1, text);
	});

	test('a wait longer than the bound fails fast, and so do the other items of the run', async () => {
		const prefix = 'beyond bound ';
		const texts = Array.from({ length: 25 }, (_, i) => `${prefix}${i}`);
		// Exactly as many failures as sends can go out before the pause is known (other tests run alongside).
		fake().failNext(sendsStartingWith(prefix), { ...GRAPH_ERRORS.pageRateLimit, headers: { 'x-business-use-case-usage': businessUsage(5) } }, 20);
		const items = texts.map((text) => ({ json: { to: USERS.bob.id, text } }));
		const started = Date.now();
		const result = await runSocialMessaging(metaCredentials(fake()), { ...perItemSend, options: { concurrency: 20 } }, { items, continueOnFail: true });
		const elapsed = Date.now() - started;

		assert.ok(elapsed < 5_000, `took ${elapsed} ms: the node waited instead of failing`);
		assert.equal(result.items.length, 25);
		for (const item of result.items) {
			assert.match(String(item.json.error), /rate limit reached/i);
			assert.match(String(item.json.errorDescription), /about 5 min more/);
			assert.match(String(item.json.errorDescription), /Run the workflow again later/);
		}
		assert.equal(result.items[0].json.errorCode, 32);
		// The first 20 were sent side by side and told to wait 5 minutes; the 5 after them never went out.
		assert.equal(fake().calls(sendsStartingWith(prefix)).length, 20);
		for (const text of texts) assert.equal(fake().state.deliveryCount(USERS.bob.id, text), 0);
	});

	test('without Continue On Fail, the bound stops the run with a clear message', async () => {
		const text = 'beyond bound, one item';
		fake().failNext(pageSendWithText(text), { ...GRAPH_ERRORS.tooManyRequests, headers: { 'retry-after': '600' } });
		const started = Date.now();
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
		assert.ok(Date.now() - started < 3_000);
		const error = result.error;
		assert.ok(error);
		assert.equal(error.message, 'Meta rate limit reached');
		assert.equal(error.httpCode, '429');
		assert.match(String(error.description), /waits at most 2 min in total/);
		assert.match(String(error.description), /about 10 min more/);
		assert.equal(fake().calls(pageSendWithText(text)).length, 1);
	});
});

describe('usage headers slow the run down before the limit is hit', () => {
	const readParams = (messageId: string): INodeParameters => ({ platform: 'messenger', resource: 'message', operation: 'get', messageId });
	const readTwo = async () => {
		const ids = [1, 2].map((n) => fake().state.receiveMessage(USERS.bob.id, { text: `usage ${n}` }).id);
		const result = await runSocialMessaging(metaCredentials(fake()), readParams('={{ $json.id }}'), { items: ids.map((id) => ({ json: { id } })) });
		assert.equal(result.error, undefined, result.error?.message);
		const calls = ids.map((id) => fake().calls((call) => call.method === 'GET' && decodeURIComponent(call.path) === `/${id}`)[0]);
		return calls[1].at - calls[0].at;
	};

	test('below 100% nothing waits', async () => {
		fake().setUsageHeaders({ appUsage: { call_count: 95, total_cputime: 40, total_time: 60 }, pageUsage: { call_count: 99, total_cputime: 1, total_time: 1 } });
		try {
			assert.ok((await readTwo()) < 300);
		} finally {
			fake().setUsageHeaders({});
		}
	});

	test('X-App-Usage at 100%: the next call waits', async () => {
		fake().setUsageHeaders({ appUsage: { call_count: 100, total_cputime: 12, total_time: 20 } });
		try {
			const gap = await readTwo();
			assert.ok(gap >= 995, `second call after ${gap} ms`);
		} finally {
			fake().setUsageHeaders({});
		}
	});

	test('X-Page-Usage at 100%: the next call waits', async () => {
		fake().setUsageHeaders({ pageUsage: { call_count: 10, total_cputime: 100, total_time: 20 } });
		try {
			const gap = await readTwo();
			assert.ok(gap >= 995, `second call after ${gap} ms`);
		} finally {
			fake().setUsageHeaders({});
		}
	});

	test('X-Business-Use-Case-Usage at 100%: waits until the estimated time to regain access', async () => {
		fake().setUsageHeaders({ businessUseCaseUsage: JSON.parse(businessUsage(0.02)) as Record<string, Array<Record<string, unknown>>> });
		try {
			const gap = await readTwo();
			assert.ok(gap >= 1_195, `second call after ${gap} ms`);
		} finally {
			fake().setUsageHeaders({});
		}
	});

	test('a regain estimate beyond the bound fails the next call at once instead of waiting', async () => {
		fake().setUsageHeaders({ businessUseCaseUsage: JSON.parse(businessUsage(30)) as Record<string, Array<Record<string, unknown>>> });
		const ids = [1, 2].map((n) => fake().state.receiveMessage(USERS.bob.id, { text: `usage beyond ${n}` }).id);
		const started = Date.now();
		let result;
		try {
			result = await runSocialMessaging(metaCredentials(fake()), readParams('={{ $json.id }}'), { items: ids.map((id) => ({ json: { id } })) });
		} finally {
			fake().setUsageHeaders({});
		}
		assert.ok(Date.now() - started < 3_000);
		const error = result.error;
		assert.ok(error);
		assert.equal((error.context as IDataObject).itemIndex, 1, 'the first read went through, the second was refused');
		assert.match(error.message, /rate limit/i);
		assert.match(String(error.description), /usage limit is used up/);
		assert.match(String(error.description), /about 30 min more/);
		assert.equal(fake().calls((call) => call.method === 'GET' && decodeURIComponent(call.path) === `/${ids[1]}`).length, 0);
	});
});
