/**
 * Transport, RateGate, backoffDelay, scrubSecrets and credentialSecrets on their own: a fake n8n
 * context answers scripted responses, so waits and bounds can be checked precisely and fast.
 */
import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';

import type { IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { APP_TOKEN_MARKER_HEADER } from '../../credentials/SocialMessagingApi.credentials';
import { credentialSecrets } from '../../nodes/platforms';
import { graphProtocol } from '../../nodes/platforms/meta/protocol';
import { RateGate } from '../../nodes/platforms/core/rateGate';
import { scrubSecrets } from '../../nodes/platforms/core/secrets';
import {
	backoffDelay,
	CREDENTIAL_TYPE,
	Transport,
	type ApiRequest,
	type PlatformError,
	type PlatformProtocol,
	type RawResponse,
	type TransportOptions,
} from '../../nodes/platforms/core/transport';

const TOKEN = 'EAAGunitTESTtokenZBdW5pdFRlc3RUb2tlbg';
const APP_SECRET = '0123456789abcdef0123456789abcdef';
const APP_ID = '1234567890123456';
const PROOF = createHmac('sha256', APP_SECRET).update(TOKEN).digest('hex');
const BASE = 'https://graph.example.test/v23.0';

type Answer = RawResponse | Error | ((options: IHttpRequestOptions) => RawResponse | Error);

interface Call {
	options: IHttpRequestOptions;
	at: number;
}

const NODE: INode = { id: 'n', name: 'Social Messaging', type: 'socialMessaging', typeVersion: 1, position: [0, 0], parameters: {} };

/** A context whose httpRequestWithAuthentication answers the scripted answers in order (the last one repeats). */
function fakeContext(answers: Answer[], extra: { aborted?: boolean } = {}) {
	const calls: Call[] = [];
	const ctx = {
		getNode: () => NODE,
		getExecutionCancelSignal: () => (extra.aborted ? AbortSignal.abort() : new AbortController().signal),
		helpers: {
			async httpRequestWithAuthentication(this: unknown, type: string, options: IHttpRequestOptions) {
				expect(type).toBe(CREDENTIAL_TYPE);
				calls.push({ options, at: Date.now() });
				const next = answers.length > 1 ? answers.shift()! : answers[0];
				const answer = typeof next === 'function' ? next(options) : next;
				if (answer instanceof Error) throw answer;
				return answer;
			},
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, calls };
}

const ok = (body: unknown = { ok: true }, headers: RawResponse['headers'] = {}): RawResponse => ({ statusCode: 200, headers, body });

function graphFailure(statusCode: number, error: Record<string, unknown>, headers: RawResponse['headers'] = {}): RawResponse {
	return { statusCode, headers, body: { error: { type: 'OAuthException', fbtrace_id: 'Atrace', ...error } } };
}

/** A protocol whose answers the test decides: `{rateLimit: ms}` bodies are rate limits asking for that wait. */
const stubProtocol: PlatformProtocol = {
	readError(response) {
		if (response.statusCode < 400) return undefined;
		const body = response.body as { rateLimit?: number; message?: string };
		const failure: PlatformError = {
			message: body.message ?? 'stub failure',
			description: 'stub description.',
			httpCode: String(response.statusCode),
		};
		if (body.rateLimit !== undefined) return { ...failure, rateLimited: true, retryAfterMs: body.rateLimit, message: 'Rate limited by stub' };
		return failure;
	},
	readBackpressure(headers) {
		return Number(headers['x-pause-ms'] ?? 0);
	},
};

const rateLimited = (ms: number): RawResponse => ({ statusCode: 429, headers: {}, body: { rateLimit: ms } });

function transport(ctx: IExecuteFunctions, options: Partial<TransportOptions> = {}) {
	return new Transport(ctx, { baseUrl: BASE, protocol: stubProtocol, secrets: [TOKEN, APP_SECRET, PROOF, `${APP_ID}|${APP_SECRET}`], ...options });
}

const send: ApiRequest = { method: 'POST', path: '/1/messages', body: { recipient: { id: '2' }, message: { text: 'hi' } } };
const read: ApiRequest = { method: 'GET', path: '/m_1', qs: { fields: 'id' }, idempotent: true };

async function rejection(promise: Promise<unknown>): Promise<Error & { description?: string; httpCode?: string | null; context?: Record<string, unknown> }> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a rejection');
}

function socketHangUp(message = 'socket hang up'): Error {
	const cause = Object.assign(new Error(message), { code: 'ECONNRESET' });
	return Object.assign(new Error('The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.'), { cause });
}

describe('backoffDelay', () => {
	it('starts between 250 and 500 ms and doubles per attempt', () => {
		expect(backoffDelay(0, () => 0)).toBe(250);
		expect(backoffDelay(0, () => 1)).toBe(500);
		expect(backoffDelay(1, () => 0)).toBe(500);
		expect(backoffDelay(1, () => 1)).toBe(1000);
		expect(backoffDelay(3, () => 1)).toBe(4000);
	});

	it('is capped at 30 s however many attempts', () => {
		expect(backoffDelay(6, () => 1)).toBe(30_000);
		expect(backoffDelay(50, () => 1)).toBe(30_000);
		expect(backoffDelay(50, () => 0)).toBe(15_000);
	});

	it('jitter: always within [ceiling/2, ceiling], and not the same for every caller', () => {
		for (let attempt = 0; attempt < 8; attempt++) {
			const ceiling = Math.min(30_000, 500 * 2 ** attempt);
			const seen = new Set<number>();
			for (let i = 0; i < 200; i++) {
				const delay = backoffDelay(attempt);
				// attempt ${attempt}: ${delay}
				expect(delay >= ceiling / 2 && delay <= ceiling).toBeTruthy();
				seen.add(delay);
			}
			// attempt ${attempt}: only ${seen.size} distinct delays
			expect(seen.size).toBeGreaterThan(20);
		}
	});
});

describe('RateGate', () => {
	it('pauseFor extends the pause, a shorter pause never cuts a longer one', () => {
		let now = 1_000;
		const gate = new RateGate(() => now);
		expect(gate.remainingMs()).toBe(0);
		gate.pauseFor(5_000, 'long');
		expect(gate.pausedUntil).toBe(6_000);
		gate.pauseFor(1_000, 'short');
		expect(gate.pausedUntil).toBe(6_000);
		expect(gate.reason).toBe('long');
		now = 4_000;
		expect(gate.remainingMs()).toBe(2_000);
		gate.pauseFor(3_000, 'longer');
		expect(gate.pausedUntil).toBe(7_000);
		expect(gate.reason).toBe('longer');
		now = 7_000;
		expect(gate.remainingMs()).toBe(0);
		// no reason once the pause is over
		expect(gate.reason).toBeUndefined();
	});

	it('acquire passes at once when not paused', async () => {
		const gate = new RateGate();
		const started = Date.now();
		expect(await gate.acquire()).toBe(true);
		expect(Date.now() - started).toBeLessThan(20);
	});

	it('acquire holds every caller until the pause is over', async () => {
		const gate = new RateGate();
		gate.pauseFor(150);
		const started = Date.now();
		const done = await Promise.all([0, 1, 2].map(async () => (await gate.acquire(), Date.now() - started)));
		for (const waited of done) expect(waited >= 145 && waited < 400).toBeTruthy(); // String(waited)
	});

	it('a pause extended while waiting holds the waiters longer', async () => {
		const gate = new RateGate();
		gate.pauseFor(100);
		const started = Date.now();
		const waiting = gate.acquire();
		await new Promise((resolve) => setTimeout(resolve, 50));
		gate.pauseFor(200);
		expect(await waiting).toBe(true);
		const waited = Date.now() - started;
		// String(waited)
		expect(waited >= 240 && waited < 500).toBeTruthy();
	});

	it('acquire refuses at once, without waiting, a pause longer than the caller may wait', async () => {
		const gate = new RateGate();
		gate.pauseFor(60_000);
		const started = Date.now();
		expect(await gate.acquire(1_000)).toBe(false);
		expect(Date.now() - started).toBeLessThan(20);
	});

	it('acquire gives up when the pause is extended beyond what the caller may wait', async () => {
		const gate = new RateGate();
		gate.pauseFor(100);
		const started = Date.now();
		const waiting = gate.acquire(1_000);
		await new Promise((resolve) => setTimeout(resolve, 30));
		gate.pauseFor(60_000);
		expect(await waiting).toBe(false);
		// stopped at the next check, not after a minute
		expect(Date.now() - started).toBeLessThan(300);
	});
});

describe('Transport: requests', () => {
	it('sends through the credential with the full URL, JSON and no status exceptions', async () => {
		const { ctx, calls } = fakeContext([ok({ message_id: 'm_1' })]);
		const body = await transport(ctx).request(send);
		expect(body).toStrictEqual({ message_id: 'm_1' });
		expect(calls.length).toBe(1);
		const { options } = calls[0];
		expect(options.url).toBe(`${BASE}/1/messages`);
		expect(options.method).toBe('POST');
		expect(options.json).toBe(true);
		expect(options.returnFullResponse).toBe(true);
		expect(options.ignoreHttpStatusErrors).toBe(true);
		expect(options.body).toStrictEqual(send.body);
	});

	it('app-token calls carry the marker header for the credential to swap the token', async () => {
		const { ctx, calls } = fakeContext([ok()]);
		await transport(ctx).request({ method: 'GET', path: '/app/subscriptions', appToken: true, idempotent: true });
		expect((calls[0].options.headers as Record<string, string>)[APP_TOKEN_MARKER_HEADER]).toBe('app');
	});

	it('unversioned requests go to the host root; string bodies are parsed', async () => {
		const { ctx, calls } = fakeContext([{ statusCode: 200, headers: {}, body: '[{"code":200}]' }]);
		const body = await transport(ctx).request({ method: 'POST', path: '/', unversioned: true, body: { batch: '[]' } });
		expect(calls[0].options.url).toBe('https://graph.example.test/');
		expect(body).toStrictEqual([{ code: 200 }]);
	});

	it('a paging link to another host is refused before anything is sent, and not retried', async () => {
		const { ctx, calls } = fakeContext([ok()]);
		const error = await rejection(
			transport(ctx).request({ method: 'GET', path: `https://evil.example/v23.0/next?access_token=${TOKEN}`, idempotent: true }),
		);
		expect(error.message).toMatch(/another host \(evil\.example\)/);
		expect(calls.length).toBe(0);
		expect(JSON.stringify({ ...error, message: error.message })).not.toContain(TOKEN);
	});
});

describe('Transport: rate limits', () => {
	it('a rate-limited send is retried after the wait the platform asked for, then succeeds', async () => {
		const { ctx, calls } = fakeContext([rateLimited(600), ok({ message_id: 'm_1' })]);
		const body = await transport(ctx).request(send);
		expect(body).toStrictEqual({ message_id: 'm_1' });
		expect(calls.length).toBe(2);
		const gap = calls[1].at - calls[0].at;
		// String(gap)
		expect(gap >= 595 && gap < 1000).toBeTruthy();
	});

	it('without a platform estimate the backoff is used (250-500 ms, then 500-1000 ms)', async () => {
		const { ctx, calls } = fakeContext([rateLimited(0), rateLimited(0), ok()]);
		await transport(ctx).request(send);
		expect(calls.length).toBe(3);
		const first = calls[1].at - calls[0].at;
		const second = calls[2].at - calls[1].at;
		// first wait ${first}
		expect(first >= 245 && first < 700).toBeTruthy();
		// second wait ${second}
		expect(second >= 495 && second < 1300).toBeTruthy();
	});

	it('a wait beyond the bound fails at once with a clear message instead of waiting', async () => {
		const { ctx, calls } = fakeContext([rateLimited(10 * 60_000)]);
		const started = Date.now();
		const error = await rejection(transport(ctx).request(send));
		// did not wait
		expect(Date.now() - started).toBeLessThan(200);
		expect(calls.length).toBe(1);
		expect(error.message).toBe('Rate limited by stub');
		expect(error.description ?? '').toMatch(/waits at most 2 min in total/);
		expect(error.description ?? '').toMatch(/about 10 min more/);
		expect(error.description ?? '').toMatch(/Run the workflow again later/);
	});

	it('the bound covers the total of all waits of one request', async () => {
		// 1000 ms per answer (more than the first two backoffs): two waits fit in 2.9 s, a third does not.
		// The bound counts the time really spent, so it leaves room for a busy machine that wakes late.
		const { ctx, calls } = fakeContext([rateLimited(1_000)]);
		const started = Date.now();
		const error = await rejection(transport(ctx, { maxRateLimitWaitMs: 2_900 }).request(send));
		const elapsed = Date.now() - started;
		expect(calls.length).toBe(3);
		// String(elapsed)
		expect(elapsed).toBeGreaterThanOrEqual(1_990);
		expect(error.description ?? '').toMatch(/waits at most 3 s in total for rate limits and has waited [23] s;/);
	});

	it('one rate limit pauses every request that shares the gate', async () => {
		const gate = new RateGate();
		const limited = fakeContext([rateLimited(500), ok()]);
		const other = fakeContext([ok()]);
		const started = Date.now();
		const first = transport(limited.ctx, { gate }).request(send);
		await new Promise((resolve) => setTimeout(resolve, 50));
		await transport(other.ctx, { gate }).request(read);
		await first;
		const otherWait = other.calls[0].at - started;
		// the other request went out after ${otherWait} ms, inside the pause
		expect(otherWait).toBeGreaterThanOrEqual(495);
		expect(other.calls.length).toBe(1);
	});

	it('a request that finds the run paused longer than it may wait fails without sending', async () => {
		const gate = new RateGate();
		gate.pauseFor(10 * 60_000, 'Meta asked to slow down (code 32).');
		const { ctx, calls } = fakeContext([ok()]);
		const started = Date.now();
		const error = await rejection(transport(ctx, { gate }).request(send));
		expect(Date.now() - started).toBeLessThan(200);
		expect(calls.length).toBe(0);
		expect(error.message).toBe('Rate limit reached');
		expect(error.description ?? '').toMatch(/Meta asked to slow down \(code 32\)\./);
		expect(error.description ?? '').toMatch(/about 10 min more/);
	});

	it('usage headers at the limit pause the next requests; a pause past the bound fails them at once', async () => {
		const gate = new RateGate();
		const { ctx, calls } = fakeContext([ok({ n: 1 }, { 'x-pause-ms': '300' }), ok({ n: 2 }), ok({ n: 3 }, { 'x-pause-ms': String(60 * 60_000) }), ok()]);
		const t = transport(ctx, { gate });
		await t.request(read);
		await t.request(read);
		// the second request waited for the usage pause
		expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(295);
		await t.request(read);
		const started = Date.now();
		const error = await rejection(t.request(read));
		// did not wait an hour
		expect(Date.now() - started).toBeLessThan(200);
		expect(calls.length).toBe(3);
		expect(error.description ?? '').toMatch(/usage limit is used up/);
		expect(error.description ?? '').toMatch(/about 60 min more/);
	});

	it('with the Graph protocol: code 4 then success, and X-Business-Use-Case-Usage beyond the bound', async () => {
		const retried = fakeContext([graphFailure(400, { code: 4, message: '(#4) Application request limit reached' }), ok({ message_id: 'm' })]);
		expect(await transport(retried.ctx, { protocol: graphProtocol }).request(send)).toStrictEqual({ message_id: 'm' });
		expect(retried.calls.length).toBe(2);

		const usage = JSON.stringify({ '1': [{ type: 'pages', call_count: 100, total_cputime: 5, total_time: 5, estimated_time_to_regain_access: 5 }] });
		const tooLong = fakeContext([graphFailure(400, { code: 32, message: '(#32) Page request limit reached' }, { 'x-business-use-case-usage': usage })]);
		const gate = new RateGate();
		const started = Date.now();
		const error = await rejection(transport(tooLong.ctx, { protocol: graphProtocol, gate }).request(send));
		expect(Date.now() - started).toBeLessThan(200);
		expect(tooLong.calls.length).toBe(1);
		expect(error.message).toBe('Meta rate limit reached');
		expect(error.description ?? '').toMatch(/\(#32\) Page request limit reached/);
		expect(error.description ?? '').toMatch(/about 5 min more/);
		expect(error.context?.platformErrorCode).toBe(32);
		// The run's other requests learn of it through the gate and fail fast too.
		const next = fakeContext([ok()]);
		const nextError = await rejection(transport(next.ctx, { protocol: graphProtocol, gate }).request(read));
		expect(next.calls.length).toBe(0);
		expect(nextError.description ?? '').toMatch(/about 5 min more/);
	});
});

describe('Transport: never resend, retry reads', () => {
	for (const status of [500, 503]) {
		it(`a send answered ${status} is not repeated and says it may have been delivered`, async () => {
			const { ctx, calls } = fakeContext([graphFailure(status, { code: 2, message: 'Please retry your request later.' }), ok()]);
			const error = await rejection(transport(ctx, { protocol: graphProtocol }).request(send));
			expect(calls.length).toBe(1);
			expect(error.httpCode).toBe(String(status));
			expect(error.description ?? '').toMatch(/may have been delivered/);
			expect(error.description ?? '').toMatch(/not repeated/);
		});

		it(`a read answered ${status} is retried`, async () => {
			const { ctx, calls } = fakeContext([graphFailure(status, { code: 2 }), graphFailure(status, { code: 2 }), ok({ id: 'm_1' })]);
			expect(await transport(ctx, { protocol: graphProtocol }).request(read)).toStrictEqual({ id: 'm_1' });
			expect(calls.length).toBe(3);
		});
	}

	it('a read that keeps failing with 5xx gives up after three attempts', async () => {
		const { ctx, calls } = fakeContext([graphFailure(500, { code: 1, message: 'An unknown error occurred' })]);
		const error = await rejection(transport(ctx, { protocol: graphProtocol }).request(read));
		expect(calls.length).toBe(3);
		expect(error.message).toBe('An unknown error occurred');
		// a read delivers nothing
		expect(error.description ?? '').not.toMatch(/may have been delivered/);
	});

	it('a 4xx is never retried, read or send', async () => {
		for (const request of [read, send]) {
			const { ctx, calls } = fakeContext([graphFailure(400, { code: 100, error_subcode: 2018001 }), ok()]);
			await rejection(transport(ctx, { protocol: graphProtocol }).request(request));
			expect(calls.length).toBe(1);
		}
	});

	it('a dropped connection on a send is not repeated and says it may have been delivered', async () => {
		const { ctx, calls } = fakeContext([socketHangUp(), ok()]);
		const error = await rejection(transport(ctx).request(send));
		expect(calls.length).toBe(1);
		expect(error.message).toBe('The connection to the platform failed during the request');
		expect(error.description ?? '').toMatch(/^socket hang up \(ECONNRESET\)\./);
		expect(error.description ?? '').toMatch(/may have been delivered/);
		// n8n's generic advice is wrong for a send
		expect(`${error.message} ${error.description}`).not.toMatch(/retry the request immediately/);
	});

	it('a dropped connection on a read is retried', async () => {
		const { ctx, calls } = fakeContext([socketHangUp(), socketHangUp(), ok({ id: 'm_1' })]);
		expect(await transport(ctx).request(read)).toStrictEqual({ id: 'm_1' });
		expect(calls.length).toBe(3);
		// backed off before retrying
		expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(245);
	});

	it('a read that cannot connect gives up after three attempts and says so', async () => {
		const { ctx, calls } = fakeContext([Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })]);
		const error = await rejection(transport(ctx).request(read));
		expect(calls.length).toBe(3);
		expect(error.message).toBe('Could not reach the platform');
		expect(error.description ?? '').toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:9\. Tried 3 times/);
	});

	it('a body that cannot be made (a binary file gone from the store) fails as itself: nothing sent, no "may have been delivered"', async () => {
		const { ctx, calls } = fakeContext([ok()]);
		const unreadable = new Error('File not found: /binaryData/gone');
		const upload: ApiRequest = { method: 'POST', path: '/1/message_attachments', body: { contentType: 'multipart/form-data; boundary=x', make: async () => await Promise.reject(unreadable) } };
		const error = await rejection(transport(ctx).request(upload));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('File not found: /binaryData/gone');
		expect(error.description).toBe('The file to upload could not be read from n8n\'s binary data, so nothing was sent. Run the node that made the file again.');
		expect(calls.length).toBe(0);
	});

	it('a multipart body is made again for every attempt', async () => {
		const { ctx, calls } = fakeContext([rateLimited(10), ok({ attachment_id: '7' })]);
		let made = 0;
		const upload: ApiRequest = {
			method: 'POST',
			path: '/1/message_attachments',
			body: { contentType: 'multipart/form-data; boundary=x', make: async () => Buffer.from(`attempt ${++made}`) },
		};
		expect(await transport(ctx).request(upload)).toStrictEqual({ attachment_id: '7' });
		expect(calls.map((call) => [String(call.options.body), call.options.json, (call.options.headers as Record<string, string>)['content-type']])).toStrictEqual([
				['attempt 1', false, 'multipart/form-data; boundary=x'],
				['attempt 2', false, 'multipart/form-data; boundary=x'],
			]);
	});

	it('a cancelled execution is not retried', async () => {
		const { ctx, calls } = fakeContext([socketHangUp('aborted'), ok()], { aborted: true });
		await rejection(transport(ctx).request(read));
		expect(calls.length).toBe(1);
	});
});

describe('Transport: errors keep Meta\'s references and lose the secrets', () => {
	it('code, subcode, fbtrace_id and httpCode are kept in the context and details', async () => {
		const { ctx } = fakeContext([graphFailure(400, { code: 10, error_subcode: 2018278, fbtrace_id: 'AxYz123', message: '(#10) outside window' })]);
		const error = await rejection(transport(ctx, { protocol: graphProtocol }).request(send));
		expect(error.httpCode).toBe('400');
		expect(error.context?.platformErrorCode).toBe(10);
		expect(error.context?.platformErrorSubcode).toBe(2018278);
		expect(error.context?.traceId).toBe('AxYz123');
		const details = (error as unknown as { errorResponse: { error: Record<string, unknown> } }).errorResponse.error;
		expect(details.fbtrace_id).toBe('AxYz123');
		expect(details.code).toBe(10);
	});

	it('a token, app secret, proof or app token echoed by the platform is masked everywhere', async () => {
		const echo = `bad token ${TOKEN} proof ${PROOF} app ${APP_ID}|${APP_SECRET} url https://x/?access_token=${TOKEN}&appsecret_proof=${PROOF}`;
		const { ctx } = fakeContext([graphFailure(400, { code: 190, message: echo, error_user_msg: echo, error_data: { token: TOKEN } })]);
		const error = await rejection(transport(ctx, { protocol: graphProtocol }).request(send));
		const everything = JSON.stringify({ ...error, message: error.message, description: error.description, stack: error.stack });
		for (const secret of [TOKEN, APP_SECRET, PROOF, `${APP_ID}|${APP_SECRET}`]) {
			// leaked ${secret.slice(0, 8)}…
			expect(everything).not.toContain(secret);
		}
		// the rest of Meta's message is kept
		expect(error.description ?? '').toMatch(/bad token \*\*\*/);
	});

	it('a network error that names the token is masked', async () => {
		const { ctx } = fakeContext([new Error(`getaddrinfo ENOTFOUND host?access_token=${TOKEN} Bearer ${TOKEN}`)]);
		const error = await rejection(transport(ctx).request(send));
		expect(`${error.message} ${error.description} ${error.stack}`).not.toContain(TOKEN);
	});
});

describe('scrubSecrets and credentialSecrets', () => {
	it('masks known secrets wherever they appear', () => {
		const text = `a ${TOKEN} b ${TOKEN} c ${APP_SECRET}`;
		expect(scrubSecrets(text, [TOKEN, APP_SECRET])).toBe('a *** b *** c ***');
	});

	it('masks token-looking URL parameters and bearer headers even when not known', () => {
		expect(scrubSecrets('GET /me?fields=id&access_token=EAAunknown&appsecret_proof=abc123&client_secret=s3cr3t&after=QVFI')).toBe('GET /me?fields=id&access_token=***&appsecret_proof=***&client_secret=***&after=QVFI');
		expect(scrubSecrets('Authorization: Bearer 1234|abcdef')).toBe('Authorization: Bearer ***');
	});

	it('masks the app token form {app-id}|{app-secret}', () => {
		expect(scrubSecrets(`token ${APP_ID}|${APP_SECRET}`, credentialSecrets({ accessToken: TOKEN, appId: APP_ID, appSecret: APP_SECRET })).includes(APP_SECRET)).toBe(false);
	});

	it('ignores empty and very short values, which would mask ordinary text', () => {
		expect(scrubSecrets('an ordinary sentence', ['', 'a', 'an'])).toBe('an ordinary sentence');
	});

	it('credentialSecrets lists the token, the app secret, the proof and the app token', () => {
		const secrets = credentialSecrets({ accessToken: TOKEN, appId: APP_ID, appSecret: APP_SECRET });
		expect(new Set(secrets)).toStrictEqual(new Set([TOKEN, APP_SECRET, PROOF, `${APP_ID}|${APP_SECRET}`]));
		// no proof without an app secret
		expect(credentialSecrets({ accessToken: TOKEN })).toStrictEqual([TOKEN]);
	});
});

describe('Transport downloads (ApiRequest.download)', () => {
	const streamOf = (...chunks: Buffer[]) => Readable.from(chunks);
	const fileRequest = (maxBytes: number): ApiRequest => ({ method: 'GET', path: '/file', idempotent: true, download: { maxBytes } });

	it('asks n8n for a stream and answers the bytes and the Content-Type without parameters', async () => {
		const { ctx, calls } = fakeContext([{ statusCode: 200, headers: { 'content-type': 'image/PNG; charset=binary' }, body: streamOf(Buffer.from([1, 2]), Buffer.from([3])) }]);
		expect(await transport(ctx).request(fileRequest(10))).toStrictEqual({ bytes: Buffer.from([1, 2, 3]), contentType: 'image/png' });
		expect([calls[0].options.encoding, calls[0].options.json]).toStrictEqual(['stream', false]);
	});

	it('a file past the bound fails once, without a retry: by its Content-Length before reading, or mid-stream', async () => {
		const declared = fakeContext([{ statusCode: 200, headers: { 'content-length': '11' }, body: streamOf(Buffer.alloc(11)) }]);
		await expect(transport(declared.ctx).request(fileRequest(10))).rejects.toThrow(/larger than 10 bytes, the most the node downloads/);
		const chunked = fakeContext([{ statusCode: 200, headers: {}, body: streamOf(Buffer.alloc(6), Buffer.alloc(6)) }]);
		await expect(transport(chunked.ctx).request(fileRequest(10))).rejects.toBeInstanceOf(NodeOperationError);
		expect([declared.calls.length, chunked.calls.length]).toStrictEqual([1, 1]);
	});

	it('an error answer is read as JSON, as for any request', async () => {
		const { ctx } = fakeContext([{ statusCode: 404, headers: {}, body: streamOf(Buffer.from('{"error":{"message":"gone"}}')) }]);
		const failure = await transport(ctx, { protocol: { readError: (response) => (response.statusCode === 404 ? { message: `gone: ${JSON.stringify(response.body)}`, description: '', httpCode: '404' } : undefined) } })
			.request(fileRequest(10))
			.catch((error: Error) => error.message);
		expect(failure).toBe('gone: {"error":{"message":"gone"}}');
	});
});
