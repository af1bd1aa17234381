/**
 * readGraphError / readGraphBackpressure: how the Meta adapter reads Graph error bodies and usage
 * headers. Pure functions, so every documented shape is checked here; the workflow tests prove the
 * same mapping through the node.
 */
import { describe, expect, it } from '@jest/globals';

import { highestUsagePercent, readGraphBackpressure, readGraphError, retryAfterMs } from '../../nodes/platforms/meta/errors';
import { graphProtocol } from '../../nodes/platforms/meta/protocol';
import type { RawResponse } from '../../nodes/platforms/core/transport';

const TRACE = 'AbCdEfGhIjKlMnOpQrStUvWxYz0';

function graphError(
	fields: { message?: string; code?: number | string; error_subcode?: number | string; type?: string },
	statusCode = 400,
	headers: RawResponse['headers'] = {},
): RawResponse {
	return {
		statusCode,
		headers,
		body: { error: { message: fields.message ?? 'Something failed', type: fields.type ?? 'OAuthException', fbtrace_id: TRACE, ...fields } },
	};
}

function read(response: RawResponse) {
	const error = readGraphError(response);
	// expected the response to be read as an error
	expect(error).toBeTruthy();
	return error!;
}

describe('readGraphError: success', () => {
	it('a 2xx answer without an error body is a success', () => {
		expect(readGraphError({ statusCode: 200, headers: {}, body: { message_id: 'm_1', recipient_id: '1' } })).toBeUndefined();
		expect(readGraphError({ statusCode: 204, headers: {}, body: {} })).toBeUndefined();
		expect(readGraphError({ statusCode: 200, headers: {}, body: 'true' })).toBeUndefined();
	});

	it('a 200 answer that carries a Graph error body is an error', () => {
		const error = read(graphError({ code: 190, message: 'Invalid OAuth access token' }, 200));
		expect(error.httpCode).toBe('200');
		expect(error.code).toBe(190);
	});

	it('a non-2xx answer without a Graph body is an error naming the HTTP status', () => {
		const error = read({ statusCode: 502, headers: {}, body: '<html>Bad gateway</html>' });
		expect(error.httpCode).toBe('502');
		expect(error.message).toBe('HTTP 502');
		expect(error.rateLimited).toBeUndefined();
		expect(error.code).toBeUndefined();
	});
});

/** The reference's error table, row by row: what the node says and what it suggests. */
const TABLE: Array<{
	row: string;
	code: number;
	subcode?: number;
	message: RegExp;
	hint: RegExp;
}> = [
	{ row: 'outside window (Messenger)', code: 10, subcode: 2018278, message: /outside the allowed messaging window/, hint: /HUMAN_AGENT/ },
	{ row: 'outside window (Instagram)', code: 10, subcode: 2534022, message: /outside the allowed messaging window/, hint: /HUMAN_AGENT/ },
	{ row: 'recipient cannot receive', code: 10, subcode: 2018108, message: /cannot receive messages/, hint: /skip this recipient/ },
	{ row: 'no matching user (Messenger)', code: 100, subcode: 2018001, message: /No user matches the recipient ID/, hint: /PSID/ },
	{ row: 'no matching user (Instagram)', code: 100, subcode: 2534014, message: /No user matches the recipient ID/, hint: /IGSID/ },
	{ row: 'URL fetch failed', code: 100, subcode: 2018008, message: /could not download the attachment URL/, hint: /public/ },
	{ row: 'upload failed', code: 100, subcode: 2018047, message: /could not process the uploaded attachment/, hint: /file type/ },
	{ row: 'attachment too large', code: 100, subcode: 2018109, message: /too large/, hint: /25 MB/ },
	{ row: 'invalid token', code: 190, message: /access token is invalid or has expired/, hint: /update the Social Messaging credential/ },
	{ row: 'expired token', code: 190, subcode: 463, message: /access token is invalid or has expired/, hint: /credential/ },
	{ row: 'permission', code: 200, message: /lacks a permission/, hint: /pages_messaging/ },
	{ row: 'Instagram messaging disabled', code: 200, subcode: 2534041, message: /lacks a permission/, hint: /Allow access to messages/ },
	{ row: 'person unavailable', code: 551, subcode: 1545041, message: /not available/, hint: /Skip them/ },
	{ row: 'handover (code 10)', code: 10, subcode: 2018300, message: /Another app controls this conversation/, hint: /thread control/ },
	{ row: 'handover (as code)', code: 2018300, message: /Another app controls this conversation/, hint: /handover/ },
	{ row: 'tag abuse', code: 613, subcode: 2018338, message: /message tag for misuse/, hint: /message tags/ },
	{ row: 'message deleted (subcode)', code: 100, subcode: 9000001, message: /no longer available/, hint: /20 most recent/ },
	{ row: 'message deleted (code)', code: 9000001, message: /no longer available/, hint: /20 most recent/ },
];

describe('readGraphError: every row of the error table', () => {
	for (const row of TABLE) {
		it(`${row.row}: ${row.code}${row.subcode ? ` / ${row.subcode}` : ''}`, () => {
			const original = `(#${row.code}) original wording for ${row.row}`;
			const error = read(graphError({ code: row.code, error_subcode: row.subcode, message: original }));
			expect(error.message).toMatch(row.message);
			expect(error.description).toMatch(row.hint);
			// Meta's own words and the references support needs are kept.
			// error.description
			expect(error.description).toContain(`Meta says: "${original}"`);
			// error.description
			expect(error.description).toContain(`code ${row.code}`);
			if (row.subcode) expect(error.description).toContain(`subcode ${row.subcode}`); // error.description
			// error.description
			expect(error.description).toContain(`fbtrace_id ${TRACE}`);
			expect(error.code).toBe(row.code);
			expect(error.subcode).toBe(row.subcode);
			expect(error.traceId).toBe(TRACE);
			expect(error.httpCode).toBe('400');
			// only rate limits may be retried
			expect(error.rateLimited).toBeUndefined();
			expect((error.body?.error as { fbtrace_id?: string }).fbtrace_id).toStrictEqual(TRACE);
		});
	}

	it('tag abuse stays a failure even when answered with HTTP 429', () => {
		const error = read(graphError({ code: 613, error_subcode: 2018338 }, 429, { 'retry-after': '1' }));
		expect(error.rateLimited).toBeUndefined();
		expect(error.message).toMatch(/message tag for misuse/);
	});

	it('an unknown code keeps Meta\'s message and says where it came from', () => {
		const error = read(graphError({ code: 1, message: 'An unknown error occurred' }, 500));
		expect(error.message).toBe('An unknown error occurred');
		expect(error.description).toMatch(/Graph API answered with an error/);
		expect(error.httpCode).toBe('500');
	});

	it('a bare code 100 says a parameter was rejected', () => {
		const error = read(graphError({ code: 100, message: '(#100) Param recipient[id] must be a valid ID string' }));
		expect(error.message).toMatch(/rejected a parameter/);
	});
});

describe('readGraphError: codes as numbers or strings', () => {
	it('string codes and subcodes map like numbers', () => {
		const token = read(graphError({ code: '190' }));
		expect(token.message).toMatch(/access token is invalid/);
		expect(token.code).toBe(190);

		const window = read(graphError({ code: '10', error_subcode: '2018278' }));
		expect(window.message).toMatch(/outside the allowed messaging window/);
		expect(window.subcode).toBe(2018278);

		const tagAbuse = read(graphError({ code: '613', error_subcode: '2018338' }));
		expect(tagAbuse.rateLimited).toBeUndefined();
		expect(tagAbuse.message).toMatch(/misuse/);
	});

	for (const code of ['4', '17', '32', '613']) {
		it(`string rate-limit code "${code}" is a rate limit`, () => {
			const error = read(graphError({ code }));
			expect(error.rateLimited).toBe(true);
			expect(error.code).toBe(Number(code));
		});
	}

	it('a non-numeric code is kept as it came and maps to nothing specific', () => {
		const error = read(graphError({ code: 'OAuthException', message: 'odd' }));
		expect(error.code).toBe('OAuthException');
		expect(error.rateLimited).toBeUndefined();
		expect(error.message).toBe('odd');
	});
});

describe('readGraphError: rate limits', () => {
	for (const [code, subcode] of [
		[4, undefined],
		[17, undefined],
		[32, undefined],
		[613, undefined],
		[613, 2534040],
	] as const) {
		it(`code ${code}${subcode ? ` / ${subcode}` : ''} is a rate limit that may be retried`, () => {
			const error = read(graphError({ code, error_subcode: subcode, message: `(#${code}) limit reached` }));
			expect(error.rateLimited).toBe(true);
			expect(error.message).toBe('Meta rate limit reached');
			expect(error.description).toMatch(/slow down/);
			expect(error.description).toContain(`code ${code}`);
			// no header: the transport uses its own backoff
			expect(error.retryAfterMs).toBe(0);
		});
	}

	it('HTTP 429 without a Graph body is a rate limit', () => {
		const error = read({ statusCode: 429, headers: {}, body: '' });
		expect(error.rateLimited).toBe(true);
		expect(error.httpCode).toBe('429');
	});

	it('Retry-After in seconds', () => {
		expect(read(graphError({ code: 4 }, 429, { 'retry-after': '7' })).retryAfterMs).toBe(7000);
		// header names are case-insensitive
		expect(read(graphError({ code: 4 }, 429, { 'Retry-After': '2' })).retryAfterMs).toBe(2000);
		expect(read(graphError({ code: 4 }, 429, { 'retry-after': ['3', '9'] })).retryAfterMs).toBe(3000);
	});

	it('Retry-After as an HTTP date', () => {
		const now = Date.parse('2024-05-01T09:00:00Z');
		expect(retryAfterMs('Wed, 01 May 2024 09:00:30 GMT', now)).toBe(30_000);
		// a date in the past means now
		expect(retryAfterMs('Wed, 01 May 2024 08:59:00 GMT', now)).toBe(0);
		expect(retryAfterMs('soon', now)).toBe(0);
		expect(retryAfterMs(undefined, now)).toBe(0);
		expect(retryAfterMs('', now)).toBe(0);
		expect(retryAfterMs('-5', now)).toBe(0);
		const inHeader = read(graphError({ code: 4 }, 429, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() })).retryAfterMs ?? 0;
		// String(inHeader)
		expect(inHeader > 55_000 && inHeader <= 60_000).toBeTruthy();
	});

	it('X-Business-Use-Case-Usage estimated_time_to_regain_access (minutes) sets the wait', () => {
		const usage = JSON.stringify({
			'104812345678901': [
				{ type: 'pages', call_count: 100, total_cputime: 12, total_time: 30, estimated_time_to_regain_access: 3 },
				{ type: 'messenger', call_count: 40, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 },
			],
		});
		const error = read(graphError({ code: 32 }, 400, { 'x-business-use-case-usage': usage }));
		expect(error.retryAfterMs).toBe(3 * 60_000);
	});

	it('the longer of Retry-After and the regain estimate wins', () => {
		const usage = JSON.stringify({ '1': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 1 }] });
		expect(read(graphError({ code: 4 }, 429, { 'retry-after': '5', 'x-business-use-case-usage': usage })).retryAfterMs).toBe(60_000);
		expect(read(graphError({ code: 4 }, 429, { 'retry-after': '90', 'x-business-use-case-usage': usage })).retryAfterMs).toBe(90_000);
	});

	it('a malformed usage header is ignored, not fatal', () => {
		const error = read(graphError({ code: 4 }, 400, { 'x-business-use-case-usage': '{not json' }));
		expect(error.rateLimited).toBe(true);
		expect(error.retryAfterMs).toBe(0);
	});
});

describe('usage headers: highestUsagePercent and readGraphBackpressure', () => {
	it('X-App-Usage: the highest of call_count, total_cputime, total_time', () => {
		expect(highestUsagePercent({ 'x-app-usage': JSON.stringify({ call_count: 12, total_cputime: 87, total_time: 40 }) })).toBe(87);
	});

	it('X-Page-Usage is read too', () => {
		expect(highestUsagePercent({ 'x-page-usage': JSON.stringify({ call_count: 5, total_cputime: 1, total_time: 99 }) })).toBe(99);
	});

	it('X-Business-Use-Case-Usage: every business id and every entry', () => {
		const usage = JSON.stringify({
			'1': [{ type: 'pages', call_count: 10, total_cputime: 1, total_time: 1 }],
			'2': [
				{ type: 'messenger', call_count: 20, total_cputime: 2, total_time: 2 },
				{ type: 'pages', call_count: 3, total_cputime: 96, total_time: 4 },
			],
		});
		expect(highestUsagePercent({ 'x-business-use-case-usage': usage })).toBe(96);
	});

	it('the highest of all three headers; header names in any case', () => {
		const headers = {
			'X-App-Usage': JSON.stringify({ call_count: 50 }),
			'X-Page-Usage': JSON.stringify({ call_count: 70 }),
			'X-Business-Use-Case-Usage': JSON.stringify({ '1': [{ call_count: 60 }] }),
		};
		expect(highestUsagePercent(headers)).toBe(70);
	});

	it('numbers sent as strings count; malformed headers count as 0', () => {
		expect(highestUsagePercent({ 'x-app-usage': JSON.stringify({ call_count: '88' }) })).toBe(88);
		expect(highestUsagePercent({ 'x-app-usage': 'garbage', 'x-page-usage': '[]' })).toBe(0);
		expect(highestUsagePercent({})).toBe(0);
	});

	it('no pause below 100%', () => {
		expect(readGraphBackpressure({ 'x-app-usage': JSON.stringify({ call_count: 99, total_cputime: 99, total_time: 99 }) })).toBe(0);
		expect(readGraphBackpressure({})).toBe(0);
	});

	it('at 100% without an estimate: a short pause', () => {
		expect(readGraphBackpressure({ 'x-app-usage': JSON.stringify({ call_count: 100 }) })).toBe(1000);
		expect(readGraphBackpressure({ 'x-page-usage': JSON.stringify({ total_time: 100 }) })).toBe(1000);
	});

	it('at 100% with estimated_time_to_regain_access: pause that many minutes', () => {
		const usage = JSON.stringify({ '1': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 2 }] });
		expect(readGraphBackpressure({ 'x-business-use-case-usage': usage })).toBe(120_000);
	});
});

describe('usage headers: graphProtocol.nearLimit', () => {
	const near = (headers: RawResponse['headers']) => graphProtocol.nearLimit?.(headers);

	it('from 60% of any quota on any usage header the run keeps to the documented pace', () => {
		expect(near({ 'x-app-usage': JSON.stringify({ call_count: 59, total_cputime: 10, total_time: 10 }) })).toBe(false);
		expect(near({ 'x-app-usage': JSON.stringify({ call_count: 60, total_cputime: 10, total_time: 10 }) })).toBe(true);
		expect(near({ 'x-page-usage': JSON.stringify({ call_count: 1, total_cputime: 1, total_time: 61 }) })).toBe(true);
		const business = JSON.stringify({ '1': [{ type: 'pages', call_count: 60, total_cputime: 0, total_time: 0 }] });
		expect(near({ 'x-business-use-case-usage': business })).toBe(true);
	});

	it('no usage headers, or unreadable ones: no signal', () => {
		expect(near({})).toBe(false);
		expect(near({ 'x-app-usage': 'garbage' })).toBe(false);
	});
});
