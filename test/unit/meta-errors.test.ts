/**
 * readGraphError / readGraphBackpressure: how the Meta adapter reads Graph error bodies and usage
 * headers. Pure functions, so every documented shape is checked here; the workflow tests prove the
 * same mapping through the node.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { highestUsagePercent, readGraphBackpressure, readGraphError, retryAfterMs } from '../../nodes/platforms/meta/errors';
import { graphProtocol } from '../../nodes/platforms/meta/protocol';
import type { RawResponse } from '../../nodes/platforms/transport';

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
	assert.ok(error, 'expected the response to be read as an error');
	return error;
}

describe('readGraphError: success', () => {
	test('a 2xx answer without an error body is a success', () => {
		assert.equal(readGraphError({ statusCode: 200, headers: {}, body: { message_id: 'm_1', recipient_id: '1' } }), undefined);
		assert.equal(readGraphError({ statusCode: 204, headers: {}, body: {} }), undefined);
		assert.equal(readGraphError({ statusCode: 200, headers: {}, body: 'true' }), undefined);
	});

	test('a 200 answer that carries a Graph error body is an error', () => {
		const error = read(graphError({ code: 190, message: 'Invalid OAuth access token' }, 200));
		assert.equal(error.httpCode, '200');
		assert.equal(error.code, 190);
	});

	test('a non-2xx answer without a Graph body is an error naming the HTTP status', () => {
		const error = read({ statusCode: 502, headers: {}, body: '<html>Bad gateway</html>' });
		assert.equal(error.httpCode, '502');
		assert.equal(error.message, 'HTTP 502');
		assert.equal(error.rateLimited, undefined);
		assert.equal(error.code, undefined);
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
		test(`${row.row}: ${row.code}${row.subcode ? ` / ${row.subcode}` : ''}`, () => {
			const original = `(#${row.code}) original wording for ${row.row}`;
			const error = read(graphError({ code: row.code, error_subcode: row.subcode, message: original }));
			assert.match(error.message, row.message);
			assert.match(error.description, row.hint);
			// Meta's own words and the references support needs are kept.
			assert.ok(error.description.includes(`Meta says: "${original}"`), error.description);
			assert.ok(error.description.includes(`code ${row.code}`), error.description);
			if (row.subcode) assert.ok(error.description.includes(`subcode ${row.subcode}`), error.description);
			assert.ok(error.description.includes(`fbtrace_id ${TRACE}`), error.description);
			assert.equal(error.code, row.code);
			assert.equal(error.subcode, row.subcode);
			assert.equal(error.traceId, TRACE);
			assert.equal(error.httpCode, '400');
			assert.equal(error.rateLimited, undefined, 'only rate limits may be retried');
			assert.deepEqual((error.body?.error as { fbtrace_id?: string }).fbtrace_id, TRACE);
		});
	}

	test('tag abuse stays a failure even when answered with HTTP 429', () => {
		const error = read(graphError({ code: 613, error_subcode: 2018338 }, 429, { 'retry-after': '1' }));
		assert.equal(error.rateLimited, undefined);
		assert.match(error.message, /message tag for misuse/);
	});

	test('an unknown code keeps Meta\'s message and says where it came from', () => {
		const error = read(graphError({ code: 1, message: 'An unknown error occurred' }, 500));
		assert.equal(error.message, 'An unknown error occurred');
		assert.match(error.description, /Graph API answered with an error/);
		assert.equal(error.httpCode, '500');
	});

	test('a bare code 100 says a parameter was rejected', () => {
		const error = read(graphError({ code: 100, message: '(#100) Param recipient[id] must be a valid ID string' }));
		assert.match(error.message, /rejected a parameter/);
	});
});

describe('readGraphError: codes as numbers or strings', () => {
	test('string codes and subcodes map like numbers', () => {
		const token = read(graphError({ code: '190' }));
		assert.match(token.message, /access token is invalid/);
		assert.equal(token.code, 190);

		const window = read(graphError({ code: '10', error_subcode: '2018278' }));
		assert.match(window.message, /outside the allowed messaging window/);
		assert.equal(window.subcode, 2018278);

		const tagAbuse = read(graphError({ code: '613', error_subcode: '2018338' }));
		assert.equal(tagAbuse.rateLimited, undefined);
		assert.match(tagAbuse.message, /misuse/);
	});

	for (const code of ['4', '17', '32', '613']) {
		test(`string rate-limit code "${code}" is a rate limit`, () => {
			const error = read(graphError({ code }));
			assert.equal(error.rateLimited, true);
			assert.equal(error.code, Number(code));
		});
	}

	test('a non-numeric code is kept as it came and maps to nothing specific', () => {
		const error = read(graphError({ code: 'OAuthException', message: 'odd' }));
		assert.equal(error.code, 'OAuthException');
		assert.equal(error.rateLimited, undefined);
		assert.equal(error.message, 'odd');
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
		test(`code ${code}${subcode ? ` / ${subcode}` : ''} is a rate limit that may be retried`, () => {
			const error = read(graphError({ code, error_subcode: subcode, message: `(#${code}) limit reached` }));
			assert.equal(error.rateLimited, true);
			assert.equal(error.message, 'Meta rate limit reached');
			assert.match(error.description, /slow down/);
			assert.ok(error.description.includes(`code ${code}`));
			assert.equal(error.retryAfterMs, 0, 'no header: the transport uses its own backoff');
		});
	}

	test('HTTP 429 without a Graph body is a rate limit', () => {
		const error = read({ statusCode: 429, headers: {}, body: '' });
		assert.equal(error.rateLimited, true);
		assert.equal(error.httpCode, '429');
	});

	test('Retry-After in seconds', () => {
		assert.equal(read(graphError({ code: 4 }, 429, { 'retry-after': '7' })).retryAfterMs, 7000);
		assert.equal(read(graphError({ code: 4 }, 429, { 'Retry-After': '2' })).retryAfterMs, 2000, 'header names are case-insensitive');
		assert.equal(read(graphError({ code: 4 }, 429, { 'retry-after': ['3', '9'] })).retryAfterMs, 3000);
	});

	test('Retry-After as an HTTP date', () => {
		const now = Date.parse('2024-05-01T09:00:00Z');
		assert.equal(retryAfterMs('Wed, 01 May 2024 09:00:30 GMT', now), 30_000);
		assert.equal(retryAfterMs('Wed, 01 May 2024 08:59:00 GMT', now), 0, 'a date in the past means now');
		assert.equal(retryAfterMs('soon', now), 0);
		assert.equal(retryAfterMs(undefined, now), 0);
		assert.equal(retryAfterMs('', now), 0);
		assert.equal(retryAfterMs('-5', now), 0);
		const inHeader = read(graphError({ code: 4 }, 429, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() })).retryAfterMs ?? 0;
		assert.ok(inHeader > 55_000 && inHeader <= 60_000, String(inHeader));
	});

	test('X-Business-Use-Case-Usage estimated_time_to_regain_access (minutes) sets the wait', () => {
		const usage = JSON.stringify({
			'104812345678901': [
				{ type: 'pages', call_count: 100, total_cputime: 12, total_time: 30, estimated_time_to_regain_access: 3 },
				{ type: 'messenger', call_count: 40, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 },
			],
		});
		const error = read(graphError({ code: 32 }, 400, { 'x-business-use-case-usage': usage }));
		assert.equal(error.retryAfterMs, 3 * 60_000);
	});

	test('the longer of Retry-After and the regain estimate wins', () => {
		const usage = JSON.stringify({ '1': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 1 }] });
		assert.equal(read(graphError({ code: 4 }, 429, { 'retry-after': '5', 'x-business-use-case-usage': usage })).retryAfterMs, 60_000);
		assert.equal(read(graphError({ code: 4 }, 429, { 'retry-after': '90', 'x-business-use-case-usage': usage })).retryAfterMs, 90_000);
	});

	test('a malformed usage header is ignored, not fatal', () => {
		const error = read(graphError({ code: 4 }, 400, { 'x-business-use-case-usage': '{not json' }));
		assert.equal(error.rateLimited, true);
		assert.equal(error.retryAfterMs, 0);
	});
});

describe('usage headers: highestUsagePercent and readGraphBackpressure', () => {
	test('X-App-Usage: the highest of call_count, total_cputime, total_time', () => {
		assert.equal(highestUsagePercent({ 'x-app-usage': JSON.stringify({ call_count: 12, total_cputime: 87, total_time: 40 }) }), 87);
	});

	test('X-Page-Usage is read too', () => {
		assert.equal(highestUsagePercent({ 'x-page-usage': JSON.stringify({ call_count: 5, total_cputime: 1, total_time: 99 }) }), 99);
	});

	test('X-Business-Use-Case-Usage: every business id and every entry', () => {
		const usage = JSON.stringify({
			'1': [{ type: 'pages', call_count: 10, total_cputime: 1, total_time: 1 }],
			'2': [
				{ type: 'messenger', call_count: 20, total_cputime: 2, total_time: 2 },
				{ type: 'pages', call_count: 3, total_cputime: 96, total_time: 4 },
			],
		});
		assert.equal(highestUsagePercent({ 'x-business-use-case-usage': usage }), 96);
	});

	test('the highest of all three headers; header names in any case', () => {
		const headers = {
			'X-App-Usage': JSON.stringify({ call_count: 50 }),
			'X-Page-Usage': JSON.stringify({ call_count: 70 }),
			'X-Business-Use-Case-Usage': JSON.stringify({ '1': [{ call_count: 60 }] }),
		};
		assert.equal(highestUsagePercent(headers), 70);
	});

	test('numbers sent as strings count; malformed headers count as 0', () => {
		assert.equal(highestUsagePercent({ 'x-app-usage': JSON.stringify({ call_count: '88' }) }), 88);
		assert.equal(highestUsagePercent({ 'x-app-usage': 'garbage', 'x-page-usage': '[]' }), 0);
		assert.equal(highestUsagePercent({}), 0);
	});

	test('no pause below 100%', () => {
		assert.equal(readGraphBackpressure({ 'x-app-usage': JSON.stringify({ call_count: 99, total_cputime: 99, total_time: 99 }) }), 0);
		assert.equal(readGraphBackpressure({}), 0);
	});

	test('at 100% without an estimate: a short pause', () => {
		assert.equal(readGraphBackpressure({ 'x-app-usage': JSON.stringify({ call_count: 100 }) }), 1000);
		assert.equal(readGraphBackpressure({ 'x-page-usage': JSON.stringify({ total_time: 100 }) }), 1000);
	});

	test('at 100% with estimated_time_to_regain_access: pause that many minutes', () => {
		const usage = JSON.stringify({ '1': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 2 }] });
		assert.equal(readGraphBackpressure({ 'x-business-use-case-usage': usage }), 120_000);
	});
});

describe('usage headers: graphProtocol.nearLimit', () => {
	const near = (headers: RawResponse['headers']) => graphProtocol.nearLimit?.(headers);

	test('from 60% of any quota on any usage header the run keeps to the documented pace', () => {
		assert.equal(near({ 'x-app-usage': JSON.stringify({ call_count: 59, total_cputime: 10, total_time: 10 }) }), false);
		assert.equal(near({ 'x-app-usage': JSON.stringify({ call_count: 60, total_cputime: 10, total_time: 10 }) }), true);
		assert.equal(near({ 'x-page-usage': JSON.stringify({ call_count: 1, total_cputime: 1, total_time: 61 }) }), true);
		const business = JSON.stringify({ '1': [{ type: 'pages', call_count: 60, total_cputime: 0, total_time: 0 }] });
		assert.equal(near({ 'x-business-use-case-usage': business }), true);
	});

	test('no usage headers, or unreadable ones: no signal', () => {
		assert.equal(near({}), false);
		assert.equal(near({ 'x-app-usage': 'garbage' }), false);
	});
});
