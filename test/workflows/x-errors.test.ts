/**
 * X's errors through the node: problem details and `errors[]` become NodeApiErrors with a hint; 429s (both
 * bodies) are waited out until x-rate-limit-reset when that is within the node's maximum wait, and fail at
 * once with the reset time otherwise; a usage cap is never waited for; a send is never repeated after an
 * ambiguous failure (5xx, dropped connection) while reads are; no secret in any error or output.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { ME, X_NO_DM_TOKEN, X_NO_DM_TOKEN_SECRET, X_USERS, callX, failSpec, startFakeX, type FailSpec } from '../fakes/x';
import { assertNoError, assertNoSecretIn, runX, useFakeX, xCredentials, type XRun } from './x.helpers';

const fake = useFakeX({ rateLimits: { dmSend: { limit: 1000, windowMs: 900_000 }, dmLookup: { limit: 1000, windowMs: 900_000 } } });
beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
});

const SEND = 'POST /2/dm_conversations/with/{participant_id}/messages';
/** Fast pacing so a retry after a 429 waits for X's reset only (X's documented pace is one send a minute). */
const send = (text: string, extra: Record<string, unknown> = {}) =>
	runX(fake(), { resource: 'message', operation: 'send', xRecipientId: X_USERS.alice.id, xText: text, options: { sendsPerSecond: 50 }, ...extra });

function assertApiError(run: XRun, httpCode: string, message: RegExp, hint: RegExp): void {
	// the node did not fail
	expect(run.error).toBeTruthy();
	expect(run.error!.name).toBe('NodeApiError');
	expect(run.error!.httpCode).toBe(httpCode);
	expect(run.error!.message).toMatch(message);
	expect(String(run.error!.description)).toMatch(hint);
	expect((run.error!.context as { itemIndex?: number }).itemIndex).toBe(0);
	assertNoSecretIn(run.error);
}

const reset = (seconds: number): FailSpec['headers'] => ({ 'x-rate-limit-limit': '15', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + seconds) });

describe('problem details become NodeApiErrors with a hint', () => {
	it('token without the DM permission (oauth1-permissions)', async () => {
		const run = await runX(
			fake(),
			{ resource: 'message', operation: 'send', xRecipientId: X_USERS.alice.id, xText: 'Hi' },
			{ credentials: xCredentials(fake(), { xAccessToken: X_NO_DM_TOKEN, xAccessTokenSecret: X_NO_DM_TOKEN_SECRET }) },
		);
		assertApiError(run, '403', /^Forbidden: Your client app is not configured with the appropriate oauth1 app permissions/, /"Read and write and Direct message", then regenerate the Access Token and Secret/);
		expect(run.error?.context && (run.error.context as { platformErrorCode?: string }).platformErrorCode).toBe('oauth1-permissions');
	});

	it('recipient does not take DMs from this account', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'send', xRecipientId: X_USERS.dave.id, xText: 'Hi Dave' });
		assertApiError(run, '403', /You are not permitted to send messages to this user/, /does not accept Direct Messages from this account/);
	});

	it('duplicate content', async () => {
		assertNoError(await send('Same words'));
		const run = await send('Same words');
		assertApiError(run, '403', /duplicate content/, /refuses the same text twice in a row/);
		expect(fake().state.deliveryCount(X_USERS.alice.id, 'Same words')).toBe(1);
	});

	it('app without access (client-forbidden), old host in the type', async () => {
		fake().failNext(SEND, { status: 403, body: { ...failSpec('clientForbidden').body, type: 'https://api.twitter.com/2/problems/client-forbidden' } });
		const run = await send('Hi');
		assertApiError(run, '403', /Client Forbidden/, /not attached to a project or its plan has no access to Direct Messages/);
	});

	it('Continue On Fail: the failed send is an error item, the next item is still sent', async () => {
		const run = await runX(
			fake(),
			{ resource: 'message', operation: 'send', xRecipientId: '={{ $json.to }}', xText: '={{ $json.text }}', options: { sendsPerSecond: 50 } },
			{ items: [{ json: { to: X_USERS.dave.id, text: 'A' } }, { json: { to: X_USERS.bob.id, text: 'B' } }], continueOnFail: true },
		);
		assertNoError(run);
		expect(String(run.items[0].json.error)).toMatch(/not permitted to send messages/);
		expect(String(run.items[0].json.errorDescription)).toMatch(/does not accept Direct Messages/);
		expect(run.items[1].json.recipientId).toBe(X_USERS.bob.id);
		assertNoSecretIn(run.items);
	});
});

describe('rate limits', () => {
	for (const shape of ['rateLimitProblem', 'rateLimitLegacy'] as const) {
		it(`429 (${shape === 'rateLimitProblem' ? 'problem details' : 'errors[{code: 88}]'}): waits until x-rate-limit-reset, then sends once`, async () => {
			fake().failNext(SEND, failSpec(shape, { headers: reset(2) }));
			const text = `After the wait (${shape})`;
			const run = await send(text);
			assertNoError(run);
			const sends = fake().calls(SEND);
			expect(sends.length).toBe(2);
			expect(sends[0].status).toBe(429);
			expect(sends[1].status).toBe(201);
			const resetAt = Number(sends[0].responseHeaders?.['x-rate-limit-reset']) * 1000;
			// sent again ${resetAt - sends[1].at} ms before the reset
			expect(sends[1].at).toBeGreaterThanOrEqual(resetAt - 50);
			expect(fake().state.deliveryCount(X_USERS.alice.id, text)).toBe(1);
		});
	}

	it('a reset beyond the node\'s maximum wait: fails at once, naming the reset time', async () => {
		const headers = reset(15 * 60);
		fake().failNext(SEND, failSpec('rateLimitProblem', { headers }));
		const started = Date.now();
		const run = await send('Too soon');
		// the node waited
		expect(Date.now() - started).toBeLessThan(5000);
		const resetIso = new Date(Number(headers!['x-rate-limit-reset']) * 1000).toISOString();
		assertApiError(run, '429', /X rate limit reached/, new RegExp(`resets at ${resetIso.replace(/[.]/g, '\\.')}.*waits at most 2 min`));
		expect(fake().calls(SEND).length).toBe(1);
		expect(fake().state.deliveryCount(X_USERS.alice.id, 'Too soon')).toBe(0);
	});

	it('out of credits (usage-capped, HTTP 429) is not waited for', async () => {
		fake().failNext(SEND, failSpec('usageCapped', { headers: reset(3) }));
		const started = Date.now();
		const run = await send('No credits');
		// the node waited for a usage cap
		expect(Date.now() - started).toBeLessThan(1500);
		assertApiError(run, '429', /UsageCapExceeded: Usage cap exceeded/, /out of credits or over its cap/);
		expect(fake().calls(SEND).length).toBe(1);
	});

	it('the fake\'s own window: the 16th lookup in 15 minutes is refused with X\'s headers', async () => {
		const strict = await startFakeX();
		try {
			for (let i = 0; i < 15; i++) await callX(strict.url, 'GET', '/2/dm_events', { qs: { max_results: '1' } });
			const run = await runX(strict, { resource: 'message', operation: 'getAll', xMessagesBy: 'participant', xParticipantId: X_USERS.alice.id, limit: 1 }, { credentials: xCredentials(strict) });
			expect(run.error).toBeTruthy();
			expect(run.error!.httpCode).toBe('429');
			expect(String(run.error!.description)).toMatch(/The limit resets at \d{4}-\d\d-\d\dT/);
			const refused = strict.calls('GET /2/dm_conversations/with/{participant_id}/dm_events')[0];
			expect(refused.responseHeaders?.['x-rate-limit-remaining']).toBe('0');
		} finally {
			await strict.close();
		}
	});
});

describe('ambiguous failures', () => {
	it('a 503 after X carried the send out: not repeated, the error says it may have been delivered', async () => {
		fake().failNext(SEND, failSpec('serverError', { afterProcessing: true }));
		const run = await send('Maybe delivered');
		assertApiError(run, '503', /Service Unavailable/, /may have been carried out anyway.*not repeated/);
		expect(fake().calls(SEND).length).toBe(1);
		expect(fake().state.deliveryCount(X_USERS.alice.id, 'Maybe delivered')).toBe(1);
	});

	it('a dropped connection during a send: not repeated', async () => {
		fake().failNext(SEND, { hangup: true, afterProcessing: true });
		const run = await send('Dropped');
		expect(run.error).toBeTruthy();
		expect(run.error!.message).toBe('The connection to the platform failed during the request');
		expect(String(run.error!.description)).toMatch(/not repeated/);
		expect(fake().calls(SEND).length).toBe(1);
		expect(fake().state.deliveryCount(X_USERS.alice.id, 'Dropped')).toBe(1);
	});

	it('a 503 on a lookup is retried', async () => {
		fake().failNext('GET /2/dm_conversations/with/{participant_id}/dm_events', 'serverError');
		const run = await runX(fake(), { resource: 'message', operation: 'getAll', xMessagesBy: 'participant', xParticipantId: X_USERS.bob.id, limit: 1 });
		assertNoError(run);
		expect(fake().calls('GET /2/dm_conversations/with/{participant_id}/dm_events').map((call) => call.status)).toStrictEqual([503, 200]);
		expect(run.items.length).toBe(1);
	});
});

describe('secrets', () => {
	it('a 401 (wrong secret) names the four values to check and shows none of them', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'getAll', xMessagesBy: 'conversation', xConversationId: `${X_USERS.alice.id}-${ME.id}`, limit: 1 }, { credentials: xCredentials(fake(), { xAccessTokenSecret: 'wrong-secret-value' }) });
		assertApiError(run, '401', /Unauthorized/, /API Key, API Key Secret, Access Token and Access Token Secret/);
		expect(JSON.stringify(run.error)).not.toContain('wrong-secret-value');
		expect(fake().requests[0].authFailure).toBe('signature does not match');
	});
});
