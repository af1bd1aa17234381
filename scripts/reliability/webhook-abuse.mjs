#!/usr/bin/env node
// Webhook abuse in a real n8n (issue 13): builds and packs the package, starts n8n from the cache
// with it installed (scripts/n8n/instance.mjs), runs test/reliability/webhook-abuse.e2e.ts against it
// (ABUSE_DELIVERIES, default 10000), then reads n8n's whole log: no secret in any line, and no error
// or warning besides the ones n8n itself logs for the refused bodies (unparseable JSON: 422; past its
// 16 MB body limit: 413). Prints the figures line of the test and the log's verdict.
//
//   nice -n 10 node scripts/reliability/webhook-abuse.mjs [--version 2.41.1]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startN8n } from '../n8n/instance.mjs';
import { ensureDependencies, root } from '../ensure-deps.mjs';
import { buildAndPack } from '../pack.mjs';
import { describeProblems, logProblems, sandboxSecrets, secretLeaks } from '../../test/e2e/lib/n8n-log.mjs';

const at = process.argv.indexOf('--version');
const version = at > 0 ? process.argv[at + 1] : '2.41.1';

/** What n8n logs when it refuses a body before any node sees it. */
const REFUSED_BODIES = [
	/^Error in handling webhook request POST \/webhook\/\S+: Failed to parse request body$/,
	/^422 Failed to parse request body$/,
	/^request entity too large/,
	/^413 /,
];

ensureDependencies();
const started = Date.now();
const packDir = mkdtempSync(join(tmpdir(), 'abuse-pack-'));
const { tarball } = await buildAndPack(packDir);
const n8n = await startN8n({ version, packages: [tarball], env: { N8N_LOG_LEVEL: 'debug', N8N_LOG_FORMAT: 'json' } });
let code = 1;
try {
	await n8n.setupOwner();
	code = await new Promise((resolve) => {
		const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/reliability/webhook-abuse.e2e.ts'], {
			cwd: root,
			stdio: 'inherit',
			env: { ...process.env, E2E_N8N_URL: n8n.url, E2E_N8N_VERSION: version, E2E_N8N_LOG: n8n.logFile, E2E_TARBALL: tarball },
		});
		child.on('close', (exit) => resolve(exit ?? 1));
	});
	const log = n8n.log();
	const leaks = secretLeaks(log, sandboxSecrets(root));
	const problems = logProblems(log, { expected: REFUSED_BODIES }).filter(
		// n8n wraps the 413 in "There was a problem executing the workflow"; only that cause is expected.
		(entry) => !(/There was a problem executing the workflow$/.test(entry.message) && /PayloadTooLargeError/.test(entry.raw)),
	);
	console.log(`n8n log: ${log.split('\n').length} lines, ${leaks.length} with a secret, ${problems.length} unexpected entries`);
	if (problems.length) console.log(describeProblems(problems));
	if (leaks.length) code = 1;
	console.log(`webhook abuse: ${((Date.now() - started) / 1000).toFixed(0)} s in all (n8n start ${(n8n.startMs / 1000).toFixed(0)} s)`);
} finally {
	await n8n.stop({ keep: code !== 0 });
	rmSync(packDir, { recursive: true, force: true });
}
process.exit(code);
