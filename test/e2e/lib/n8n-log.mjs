// Reads n8n's log (started with N8N_LOG_FORMAT=json and N8N_LOG_LEVEL=debug by
// scripts/e2e.mjs: one JSON object per line, with its level) and finds what
// should not be there: errors, warnings other than n8n's own start-up notices,
// "Failed to load", stack traces, and anything that is not a log entry at all
// (a console.log or an uncaught error's trace printed by a library or a node).
// Plain JS: the runner (scripts/e2e.mjs) and the tests (test/e2e) both use it.

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-social-messaging';

/**
 * Warnings every n8n start logs on this set-up, none about this package:
 * migrations on a new user folder, no Python for the Python task runner, the
 * licence not renewing (turned off), and 2.41's list of deprecated variables
 * (WEBHOOK_URL is kept because 2.0 knows only that name).
 */
const EXPECTED_WARNINGS = [
	/^Migrations in progress, please do NOT stop the process\.$/,
	/^Failed to start Python task runner in internal mode\./,
	/^Automatic license renewal is disabled\./,
	/^\s*There are deprecations related to your n8n setup\./,
	// n8n 2.41's database monitor when a loaded machine answers its SQLite ping late; it retries, and
	// nothing of the package is involved.
	/^Database ping failed \(\d+\): Database connection timed out$/,
];

/**
 * Errors the e2e tests provoke on purpose, which n8n logs: the trigger's conflict test activates a
 * second trigger on a Meta app whose "page" webhook already points at another workflow, and the
 * "On Error: Stop" test sends to a person who blocked the Page (n8n 2.41 reports the node's error).
 */
const PROVOKED_ERRORS = [
	/^(400 )?This Meta app already sends "page" webhooks to another URL: /,
	/^This person cannot receive messages from the Page right now$/,
];

// n8n colours some messages (red for a webhook's error response) when its environment asks for
// colour, as CI's does: the escape codes are not part of what the message says.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

/** Parses the log into entries: { line, level, message, metadata, raw }. */
function parseLog(text) {
	const entries = [];
	text.split('\n').forEach((raw, index) => {
		if (!raw.trim()) return;
		let parsed;
		try {
			parsed = JSON.parse(raw);
		} catch {
			parsed = undefined;
		}
		if (parsed && typeof parsed === 'object' && typeof parsed.level === 'string') {
			entries.push({ line: index + 1, level: parsed.level, message: String(parsed.message ?? '').replace(ANSI_ESCAPE, ''), metadata: parsed.metadata ?? {}, raw });
		} else {
			entries.push({ line: index + 1, level: 'unstructured', message: raw, metadata: {}, raw });
		}
	});
	return entries;
}

/**
 * Entries that point at a problem. `expected` lists patterns for errors a test
 * provoked on purpose (matched against the message; PROVOKED_ERRORS unless
 * given); they are not problems.
 */
export function logProblems(text, { expected = PROVOKED_ERRORS } = {}) {
	const problems = [];
	for (const entry of parseLog(text)) {
		const all = `${entry.message} ${JSON.stringify(entry.metadata)}`;
		if (expected.some((pattern) => pattern.test(entry.message))) continue;
		if (entry.level === 'unstructured') {
			// A deprecation block's continuation lines are inside its JSON message; anything
			// else printed to the console is not n8n's logger speaking.
			problems.push(entry);
		} else if (entry.level === 'error') {
			problems.push(entry);
		} else if (entry.level === 'warn' && !EXPECTED_WARNINGS.some((pattern) => pattern.test(entry.message))) {
			problems.push(entry);
		} else if (/Failed to load/i.test(all) || /\n\s+at .+:\d+:\d+\)?/.test(all) || entry.metadata.stack) {
			problems.push(entry);
		}
	}
	return problems;
}

/** The loader's "Loaded all credentials and nodes from <package>" entry, if any. */
export function packageLoadEntry(text, packageName = PACKAGE_NAME) {
	return parseLog(text).find((entry) => entry.message === `Loaded all credentials and nodes from ${packageName}`);
}

/** One line per problem, for an assertion message or the runner's summary. */
export function describeProblems(problems, limit = 20) {
	const shown = problems.slice(0, limit).map((entry) => `  line ${entry.line} [${entry.level}] ${entry.raw.slice(0, 400)}`);
	if (problems.length > limit) shown.push(`  … and ${problems.length - limit} more`);
	return shown.join('\n');
}

/**
 * The secrets the e2e credentials hold, read from the sandbox's fixtures (test/fakes/graph/fixtures.ts):
 * the app secret, the access tokens, the appsecret_proof of each token, the Ayrshare credential's values and the X API
 * credential's (test/fakes/x/fixtures.ts). None may appear in n8n's log.
 */
export function sandboxSecrets(repoRoot) {
	const reader = (file) => {
		const text = readFileSync(join(repoRoot, 'test', 'fakes', file), 'utf8');
		// 'literal', or `template` whose only placeholder is the X account's id (`${ME.id}-…` tokens).
		const meId = /export const ME = \{ id: '(\d+)'/.exec(text)?.[1];
		return (name) => {
			const match = new RegExp(`export const ${name} = (['\`])([^'\`]+)\\1`).exec(text);
			if (!match) throw new Error(`no ${name} in ${file}`);
			return match[2].replace('${ME.id}', meId ?? '${ME.id}');
		};
	};
	const constant = reader(join('graph', 'fixtures.ts'));
	const appSecret = constant('APP_SECRET');
	const tokens = ['PAGE_TOKEN', 'EXPIRED_PAGE_TOKEN', 'IG_USER_TOKEN'].map(constant);
	const proofs = tokens.map((token) => createHmac('sha256', appSecret).update(token).digest('hex'));
	// The Ayrshare credential's values (the Profile-Key too: it acts for a profile like a key).
	const ayrshare = ['AYRSHARE_API_KEY', 'PROFILE_KEY', 'WEBHOOK_SECRET', 'X_APP_KEY', 'X_APP_SECRET'].map(reader(join('ayrshare', 'state.ts')));
	// The X API credential's values: consumer key and secret, the account's token and secret, the app's Bearer Token.
	const x = ['X_API_KEY', 'X_API_KEY_SECRET', 'X_ACCESS_TOKEN', 'X_ACCESS_TOKEN_SECRET', 'X_BEARER_TOKEN'].map(reader(join('x', 'fixtures.ts')));
	return [appSecret, ...tokens, ...proofs, ...ayrshare, ...x];
}

/** Log entries that contain any of `secrets`. */
export function secretLeaks(text, secrets) {
	// Reported with the secret masked: the report itself goes to the console and CI's output.
	const mask = (value) => secrets.reduce((masked, secret) => masked.split(secret).join('[secret]'), value);
	return parseLog(text)
		.filter((entry) => secrets.some((secret) => entry.raw.includes(secret)))
		.map((entry) => ({ ...entry, message: mask(entry.message), raw: mask(entry.raw) }));
}
