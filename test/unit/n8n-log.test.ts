/**
 * The e2e runner's reading of n8n's JSON log (test/e2e/lib/n8n-log.mjs): errors a test provokes on
 * purpose are recognised even when n8n colours them (CI's environment asks for colour), and every
 * other error still counts as a problem.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

// @ts-expect-error: plain JS module shared with scripts/e2e.mjs, without type declarations
import { logProblems, secretLeaks } from '../e2e/lib/n8n-log.mjs';

const entry = (level: string, message: string) => JSON.stringify({ level, message, metadata: { file: 'response-helper.js' } });
const red = (text: string) => `\u001b[31m${text}\u001b[39m`;

test('a provoked error coloured by n8n is still the provoked error', () => {
	const conflict = '400 This Meta app already sends "page" webhooks to another URL: http://127.0.0.1:1/webhook/x/webhook';
	const log = [entry('info', 'n8n ready'), entry('error', red(conflict)), entry('error', conflict)].join('\n');
	assert.deepEqual(logProblems(log), []);
});

test('any other error, coloured or not, is a problem', () => {
	const log = [entry('error', red('Something else broke')), entry('error', 'Plain failure')].join('\n');
	const problems = logProblems(log) as Array<{ line: number; message: string }>;
	assert.deepEqual(
		problems.map((problem) => [problem.line, problem.message]),
		[
			[1, 'Something else broke'],
			[2, 'Plain failure'],
		],
	);
});

test('a leaked secret is found, and reported masked (the report goes to the console)', () => {
	const secret = 'EAAGsecretTOKEN123';
	const log = [entry('info', 'clean line'), entry('debug', `request with access_token=${secret}`)].join('\n');
	const leaks = secretLeaks(log, [secret]) as Array<{ line: number; message: string; raw: string }>;
	assert.deepEqual(
		leaks.map((leak) => [leak.line, leak.message]),
		[[2, 'request with access_token=[secret]']],
	);
	assert.ok(!leaks[0].raw.includes(secret));
});
