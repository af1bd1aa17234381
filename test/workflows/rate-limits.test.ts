/**
 * Rate limits through the whole node: codes 4, 17, 32, 613 and HTTP 429 are waited out and retried,
 * the message still goes out exactly once, one rate limit pauses every item of the run, usage headers
 * and Retry-After are honoured, and a wait longer than the node's bound fails fast instead of hanging.
 * Waits are real (backoff starts at 250-500 ms), so independent tests run side by side.
 */
import { describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { GRAPH_ERRORS, PAGE_ID, USERS, addPeople, type MatchedCall, type RecordedRequest } from '../fakes/graph';
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

describe('a rate-limited send is retried and delivered exactly once', () => {
	const cases: Array<[string, keyof typeof GRAPH_ERRORS, string, string]> = [
		['code 4 (app)', 'appRateLimit', 'messenger', USERS.alice.id],
		['code 17 (user)', 'userRateLimit', 'messenger', USERS.alice.id],
		['code 32 (page)', 'pageRateLimit', 'messenger', USERS.alice.id],
		['code 613 (custom)', 'customRateLimit', 'messenger', USERS.alice.id],
		['code 613 / 2534040 (Instagram)', 'instagramRateLimit', 'instagram', USERS.ines.id],
		['HTTP 429', 'tooManyRequests', 'messenger', USERS.alice.id],
	];
	for (const [label, name, platform, recipient] of cases) {
		it(label, async () => {
			const text = `rate limited: ${label}`;
			fake().failNext(pageSendWithText(text), name);
			const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text, platform, recipient));
			// result.error?.message
			expect(result.error).toBeUndefined();
			const calls = fake().calls(pageSendWithText(text));
			// one rate-limited attempt, one that went through
			expect(calls.length).toBe(2);
			expect(calls[0].status).toBe(GRAPH_ERRORS[name].status);
			expect(calls[1].status).toBe(200);
			// waited ${gaps(calls)[0]} ms before retrying
			expect(gaps(calls)[0]).toBeGreaterThanOrEqual(245);
			expect(fake().state.deliveryCount(recipient, text)).toBe(1);
			expect(result.items[0].json.messageId).toBe((calls[1].response as IDataObject).message_id);
		});
	}

	it('rate-limited twice: three attempts with growing backoff', async () => {
		const text = 'rate limited twice';
		fake().failNext(pageSendWithText(text), 'pageRateLimit', 2);
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
		// result.error?.message
		expect(result.error).toBeUndefined();
		const calls = fake().calls(pageSendWithText(text));
		expect(calls.length).toBe(3);
		const [first, second] = gaps(calls);
		// Lower bounds only: backoff floors are 250 ms then 500 ms; an upper bound would measure the machine's load.
		// first wait ${first} ms
		expect(first).toBeGreaterThanOrEqual(245);
		// second wait ${second} ms
		expect(second).toBeGreaterThanOrEqual(495);
		expect(fake().state.deliveryCount(USERS.alice.id, text)).toBe(1);
	});

	it('HTTP 429 with Retry-After: waits as long as asked', async () => {
		const text = 'retry after one second';
		fake().failNext(pageSendWithText(text), { ...GRAPH_ERRORS.tooManyRequests, headers: { 'retry-after': '1' } });
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
		// result.error?.message
		expect(result.error).toBeUndefined();
		const calls = fake().calls(pageSendWithText(text));
		expect(calls.length).toBe(2);
		// retried after ${gaps(calls)[0]} ms, before the second Retry-After asked for
		expect(gaps(calls)[0]).toBeGreaterThanOrEqual(995);
		expect(fake().state.deliveryCount(USERS.alice.id, text)).toBe(1);
	});

	it('X-Business-Use-Case-Usage estimated_time_to_regain_access is honoured', async () => {
		const text = 'regain access estimate';
		// 0.02 minutes = 1.2 s (Meta sends whole minutes; a fraction keeps the test short).
		fake().failNext(pageSendWithText(text), { ...GRAPH_ERRORS.pageRateLimit, headers: { 'x-business-use-case-usage': businessUsage(0.02) } });
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
		// result.error?.message
		expect(result.error).toBeUndefined();
		const calls = fake().calls(pageSendWithText(text));
		expect(calls.length).toBe(2);
		// retried after ${gaps(calls)[0]} ms, before access was back
		expect(gaps(calls)[0]).toBeGreaterThanOrEqual(1_195);
		expect(fake().state.deliveryCount(USERS.alice.id, text)).toBe(1);
	});

	it('tag abuse (613 / 2018338) shares code 613 but is not retried', async () => {
		const text = 'tag abuse is final';
		fake().failNext(pageSendWithText(text), 'tagAbuse');
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
		expect(String(result.error?.message)).toMatch(/message tag for misuse/);
		expect(fake().calls(pageSendWithText(text)).length).toBe(1);
		expect(fake().state.deliveryCount(USERS.alice.id, text)).toBe(0);
	});

	it('a rate-limited read is retried too', async () => {
		const conversationsOf = (call: MatchedCall) => call.method === 'GET' && call.path === `/${PAGE_ID}/conversations` && call.params.user_id === USERS.chloe.id;
		fake().failNext(conversationsOf, 'customRateLimit');
		const result = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
			filters: { userId: USERS.chloe.id },
		});
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(fake().calls(conversationsOf).length).toBe(2);
		expect(result.items.length).toBe(1);
	});

	it('one rate limit pauses the other items of the run', async () => {
		// 24 items, 20 sent side by side. The first send to arrive is told to wait 1 s; the items that
		// start after that answer must wait too, although nobody rate-limited them.
		const prefix = 'shared gate ';
		const texts = Array.from({ length: 24 }, (_, i) => `${prefix}${i}`);
		fake().failNext(sendsStartingWith(prefix), { ...GRAPH_ERRORS.tooManyRequests, headers: { 'retry-after': '1' } });
		// One person each: one person's messages go one after another, different people's side by side.
		const people = addPeople(fake().state, texts.length);
		const items = texts.map((text, i) => ({ json: { to: people[i], text } }));
		const result = await runSocialMessaging(metaCredentials(fake()), { ...perItemSend, options: { concurrency: 20 } }, { items });
		// result.error?.message
		expect(result.error).toBeUndefined();

		const calls = [...fake().calls(sendsStartingWith(prefix))].sort((a, b) => a.at - b.at);
		// 24 sends and one retry
		expect(calls.length).toBe(25);
		const limited = calls.find((call) => call.status === 429) as RecordedRequest;
		const pauseStart = limited.at;
		const firstWave = calls.slice(0, 20);
		// the rate limit hit one of the first 20 sends
		expect(firstWave).toContain(limited);
		const later = calls.slice(20);
		const retry = later.find((call) => recordedText(call) === recordedText(limited)) as RecordedRequest;
		// the limited item itself waited
		expect(retry.at - pauseStart).toBeGreaterThanOrEqual(995);
		const others = later.filter((call) => call !== retry);
		expect(others.length).toBe(4);
		// An item may slip out while the answer is still on its way; none is sent once the pause is known.
		const during = others.filter((call) => call.at - pauseStart >= 150 && call.at - pauseStart < 990);
		// nothing goes out during the pause
		expect(during.map((call) => call.at - pauseStart)).toStrictEqual([]);
		const waited = others.filter((call) => call.at - pauseStart >= 990);
		// only ${waited.length} of the later items waited: ${others.map((c) => c.at - pauseStart).join(', ')} ms
		expect(waited.length).toBeGreaterThanOrEqual(3);
		for (const item of items) expect(fake().state.deliveryCount(item.json.to, item.json.text)).toBe(1); // item.json.text
	});

	it('a wait longer than the bound fails fast, and so do the other items of the run', async () => {
		const prefix = 'beyond bound ';
		const texts = Array.from({ length: 25 }, (_, i) => `${prefix}${i}`);
		// Exactly as many failures as sends can go out before the pause is known (other tests run alongside).
		fake().failNext(sendsStartingWith(prefix), { ...GRAPH_ERRORS.pageRateLimit, headers: { 'x-business-use-case-usage': businessUsage(5) } }, 20);
		const people = addPeople(fake().state, texts.length);
		const items = texts.map((text, i) => ({ json: { to: people[i], text } }));
		const started = Date.now();
		const result = await runSocialMessaging(metaCredentials(fake()), { ...perItemSend, options: { concurrency: 20 } }, { items, continueOnFail: true });
		const elapsed = Date.now() - started;

		// took ${elapsed} ms: the node waited instead of failing
		expect(elapsed).toBeLessThan(5_000);
		expect(result.items.length).toBe(25);
		for (const item of result.items) {
			expect(String(item.json.error)).toMatch(/rate limit reached/i);
			expect(String(item.json.errorDescription)).toMatch(/about 5 min more/);
			expect(String(item.json.errorDescription)).toMatch(/Run the workflow again later/);
		}
		expect(result.items[0].json.errorCode).toBe(32);
		// The first 20 were sent side by side and told to wait 5 minutes; the 5 after them never went out.
		expect(fake().calls(sendsStartingWith(prefix)).length).toBe(20);
		for (const item of items) expect(fake().state.deliveryCount(item.json.to, item.json.text)).toBe(0);
	});

	it('without Continue On Fail, the bound stops the run with a clear message', async () => {
		const text = 'beyond bound, one item';
		fake().failNext(pageSendWithText(text), { ...GRAPH_ERRORS.tooManyRequests, headers: { 'retry-after': '600' } });
		const started = Date.now();
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
		expect(Date.now() - started).toBeLessThan(3_000);
		const error = result.error;
		expect(error).toBeTruthy();
		expect(error!.message).toBe('Meta rate limit reached');
		expect(error!.httpCode).toBe('429');
		expect(String(error!.description)).toMatch(/waits at most 2 min in total/);
		expect(String(error!.description)).toMatch(/about 10 min more/);
		expect(fake().calls(pageSendWithText(text)).length).toBe(1);
	});
});

describe('usage headers slow the run down before the limit is hit', () => {
	const readParams = (messageId: string): INodeParameters => ({ platform: 'messenger', resource: 'message', operation: 'get', messageId });
	const readTwo = async () => {
		const ids = [1, 2].map((n) => fake().state.receiveMessage(USERS.bob.id, { text: `usage ${n}` }).id);
		const result = await runSocialMessaging(metaCredentials(fake()), readParams('={{ $json.id }}'), { items: ids.map((id) => ({ json: { id } })) });
		// result.error?.message
		expect(result.error).toBeUndefined();
		const calls = ids.map((id) => fake().calls((call) => call.method === 'GET' && decodeURIComponent(call.path) === `/${id}`)[0]);
		return calls[1].at - calls[0].at;
	};

	it('below 100% nothing waits', async () => {
		fake().setUsageHeaders({ appUsage: { call_count: 95, total_cputime: 40, total_time: 60 }, pageUsage: { call_count: 99, total_cputime: 1, total_time: 1 } });
		try {
			expect((await readTwo())).toBeLessThan(300);
		} finally {
			fake().setUsageHeaders({});
		}
	});

	it('X-App-Usage at 100%: the next call waits', async () => {
		fake().setUsageHeaders({ appUsage: { call_count: 100, total_cputime: 12, total_time: 20 } });
		try {
			const gap = await readTwo();
			// second call after ${gap} ms
			expect(gap).toBeGreaterThanOrEqual(995);
		} finally {
			fake().setUsageHeaders({});
		}
	});

	it('X-Page-Usage at 100%: the next call waits', async () => {
		fake().setUsageHeaders({ pageUsage: { call_count: 10, total_cputime: 100, total_time: 20 } });
		try {
			const gap = await readTwo();
			// second call after ${gap} ms
			expect(gap).toBeGreaterThanOrEqual(995);
		} finally {
			fake().setUsageHeaders({});
		}
	});

	it('X-Business-Use-Case-Usage at 100%: waits until the estimated time to regain access', async () => {
		fake().setUsageHeaders({ businessUseCaseUsage: JSON.parse(businessUsage(0.02)) as Record<string, Array<Record<string, unknown>>> });
		try {
			const gap = await readTwo();
			// second call after ${gap} ms
			expect(gap).toBeGreaterThanOrEqual(1_195);
		} finally {
			fake().setUsageHeaders({});
		}
	});

	it('a regain estimate beyond the bound fails the next call at once instead of waiting', async () => {
		fake().setUsageHeaders({ businessUseCaseUsage: JSON.parse(businessUsage(30)) as Record<string, Array<Record<string, unknown>>> });
		const ids = [1, 2].map((n) => fake().state.receiveMessage(USERS.bob.id, { text: `usage beyond ${n}` }).id);
		const started = Date.now();
		let result;
		try {
			result = await runSocialMessaging(metaCredentials(fake()), readParams('={{ $json.id }}'), { items: ids.map((id) => ({ json: { id } })) });
		} finally {
			fake().setUsageHeaders({});
		}
		expect(Date.now() - started).toBeLessThan(3_000);
		const error = result.error;
		expect(error).toBeTruthy();
		// the first read went through, the second was refused
		expect((error!.context as IDataObject).itemIndex).toBe(1);
		expect(error!.message).toMatch(/rate limit/i);
		expect(String(error!.description)).toMatch(/usage limit is used up/);
		expect(String(error!.description)).toMatch(/about 30 min more/);
		expect(fake().calls((call) => call.method === 'GET' && decodeURIComponent(call.path) === `/${ids[1]}`).length).toBe(0);
	});
});
