/**
 * The e2e runner's reading of n8n's JSON log (test/e2e/lib/n8n-log.mjs): errors a test provokes on
 * purpose are recognised even when n8n colours them (CI's environment asks for colour), and every
 * other error still counts as a problem.
 */
import { expect, it } from '@jest/globals';

// @ts-expect-error: plain JS module shared with scripts/e2e.mjs, without type declarations
import { logProblems, secretLeaks } from '../e2e/lib/n8n-log.mjs';

const entry = (level: string, message: string) => JSON.stringify({ level, message, metadata: { file: 'response-helper.js' } });
const red = (text: string) => `\u001b[31m${text}\u001b[39m`;

it('a provoked error coloured by n8n is still the provoked error', () => {
	const conflict = '400 This Meta app already sends "page" webhooks to another URL: http://127.0.0.1:1/webhook/x/webhook';
	const log = [entry('info', 'n8n ready'), entry('error', red(conflict)), entry('error', conflict)].join('\n');
	expect(logProblems(log)).toStrictEqual([]);
});

it('any other error, coloured or not, is a problem', () => {
	const log = [entry('error', red('Something else broke')), entry('error', 'Plain failure')].join('\n');
	const problems = logProblems(log) as Array<{ line: number; message: string }>;
	expect(problems.map((problem) => [problem.line, problem.message])).toStrictEqual([
			[1, 'Something else broke'],
			[2, 'Plain failure'],
		]);
});

it("n8n's late database ping on a loaded machine is not a problem; any other warning is", () => {
	const log = [entry('warn', 'Database ping failed (1): Database connection timed out'), entry('warn', 'Database connection lost')].join('\n');
	const problems = logProblems(log) as Array<{ line: number; message: string }>;
	expect(problems.map((problem) => [problem.line, problem.message])).toStrictEqual([[2, 'Database connection lost']]);
});

it('a leaked secret is found, and reported masked (the report goes to the console)', () => {
	const secret = 'EAAGsecretTOKEN123';
	const log = [entry('info', 'clean line'), entry('debug', `request with access_token=${secret}`)].join('\n');
	const leaks = secretLeaks(log, [secret]) as Array<{ line: number; message: string; raw: string }>;
	expect(leaks.map((leak) => [leak.line, leak.message])).toStrictEqual([[2, 'request with access_token=[secret]']]);
	expect(leaks[0].raw).not.toContain(secret);
});
