#!/usr/bin/env node
// `npm run test:e2e`: the packed package inside a real n8n, on every version in
// scripts/n8n/versions.json.
//
//   node scripts/e2e.mjs                      # all versions, all test/e2e/*.e2e.ts
//   node scripts/e2e.mjs --version 2.0.3      # one version (repeatable)
//   node scripts/e2e.mjs --parallel|--serial  # versions side by side (default) or one after the other
//   node scripts/e2e.mjs --concurrency=2      # test files at once per version (default 2)
//   node scripts/e2e.mjs test/e2e/trigger.e2e.ts   # some files only
//
// Defaults measured on a 2-CPU machine with both versions cached (wall time of the
// whole command, 86 tests per version then): versions one after the other, 3
// files at a time 81 s; versions side by side, 1 file at a time 91 s, 2 files
// each 63 s, 3 files each 65 s. With 90 tests and other work on the machine:
// one after the other, 2 files each 102 s; side by side, 2 files each 80 s.
// Each file has its own sandbox, so files share no state.
//
// Steps: build, `npm pack`, install the n8n versions that are not cached yet (in
// parallel), then per version: start n8n with its own temporary user folder and
// the tarball installed under <userFolder>/.n8n/nodes the way a user installs a
// community package, create the owner, run the test files against it with jest
// (JEST_SUITE=e2e, --maxWorkers=concurrency; each file
// starts its own platform sandbox and imports its own credentials and
// workflows), scan n8n's whole log (no warning, error, stack trace, console
// output, nor a token, the app secret or an appsecret_proof of the sandbox
// credentials), stop n8n. Prints a summary per version and exits non-zero when
// anything failed. The user folder of a failed version is kept and named in the
// summary (its log is in there). The summary ends with "N passed, N failed" over every version (a
// version whose n8n did not start, did not load the package or logged a problem counts one failure more).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { installN8n, versions } from './n8n/install.mjs';
import { startN8n } from './n8n/instance.mjs';
import { describeProblems, logProblems, packageLoadEntry, sandboxSecrets, secretLeaks } from '../test/e2e/lib/n8n-log.mjs';
import { ensureDependencies, root } from './ensure-deps.mjs';
import { closingLine, jestResults } from './jest-results.mjs';
import { buildAndPack } from './pack.mjs';

function parseArgs(argv) {
	const options = { versions: [], files: [], mode: 'parallel', concurrency: 2 };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--version') options.versions.push(argv[++i]);
		else if (arg.startsWith('--version=')) options.versions.push(arg.slice('--version='.length));
		else if (arg === '--parallel') options.mode = 'parallel';
		else if (arg === '--serial') options.mode = 'serial';
		else if (arg.startsWith('--concurrency=')) options.concurrency = Number(arg.slice('--concurrency='.length));
		else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
		else options.files.push(arg);
	}
	return options;
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function run(command, args, { cwd = root, env = process.env, onLine } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		let pending = '';
		const take = (chunk) => {
			const text = chunk.toString();
			output += text;
			if (!onLine) return;
			pending += text;
			const lines = pending.split('\n');
			pending = lines.pop();
			for (const line of lines) onLine(line);
		};
		child.stdout.on('data', take);
		child.stderr.on('data', take);
		child.on('error', reject);
		child.on('close', (code) => {
			if (onLine && pending) onLine(pending);
			resolve({ code, output });
		});
	});
}

async function packForE2e() {
	const started = Date.now();
	const destination = mkdtempSync(join(tmpdir(), 'e2e-pack-'));
	const { tarball, filename, files } = await buildAndPack(destination);
	console.log(`[e2e] built and packed ${filename} (${files.length} files) in ${seconds(Date.now() - started)}`);
	return { tarball, destination };
}

// JSON lines with their level, debug included: the log scan reads every entry.
const N8N_E2E_ENV = { N8N_LOG_LEVEL: 'debug', N8N_LOG_FORMAT: 'json' };

/** jest over test/e2e (JEST_SUITE=e2e in jest.config.js; test/e2e/lib/sequencer.js starts the longest files first). */
function jestArgs(files, concurrency, outputFile) {
	const args = ['node_modules/jest/bin/jest.js', `--maxWorkers=${concurrency}`, '--json', `--outputFile=${outputFile}`];
	return files.length ? [...args, '--runTestsByPath', ...files] : args;
}

const secrets = sandboxSecrets(root);

async function runVersion(entry, { tarball, files, prefix, concurrency }) {
	const version = entry.n8n;
	const say = (line) => console.log(prefix ? `[${version}] ${line}` : line);
	const result = { version, node: entry.node === 'system' ? process.version.slice(1) : entry.node, ok: false };
	const started = Date.now();
	let n8n;
	try {
		n8n = await startN8n({ version, packages: [tarball], env: N8N_E2E_ENV });
		result.startMs = n8n.startMs;
		result.userFolder = n8n.userFolder;
		say(`[e2e] n8n ${version} (Node ${result.node}) ready at ${n8n.url} in ${seconds(n8n.startMs)}`);
		await n8n.setupOwner();

		const testsStarted = Date.now();
		const outDir = mkdtempSync(join(tmpdir(), 'e2e-results-'));
		const outputFile = join(outDir, 'results.json');
		const tests = await run(process.execPath, jestArgs(files, concurrency, outputFile), {
			env: { ...process.env, JEST_SUITE: 'e2e', E2E_N8N_URL: n8n.url, E2E_N8N_VERSION: version, E2E_N8N_LOG: n8n.logFile, E2E_TARBALL: tarball },
			onLine: say,
		});
		result.testsMs = Date.now() - testsStarted;
		try {
			result.counts = jestResults(JSON.parse(readFileSync(outputFile, 'utf8')));
			result.failures = result.counts.failures;
		} catch {
			result.counts = undefined;
		} finally {
			rmSync(outDir, { recursive: true, force: true });
		}
		result.testsOk = tests.code === 0 && result.counts !== undefined && result.counts.failed === 0 && result.counts.total > 0;

		// The whole log, after every test: a warning or a stack trace from a run counts too.
		const log = n8n.log();
		result.loaded = packageLoadEntry(log)?.metadata ?? null;
		// An entry that is a problem and holds a secret is listed once, as a leak (masked).
		const leaks = secretLeaks(log, secrets).map((entry) => ({ ...entry, level: `${entry.level}, has a secret` }));
		const leakLines = new Set(leaks.map((entry) => entry.line));
		result.problems = [...logProblems(log).filter((entry) => !leakLines.has(entry.line)), ...leaks].sort((a, b) => a.line - b.line);
		if (!result.loaded) say('[e2e] n8n never logged "Loaded all credentials and nodes from n8n-nodes-social-messaging"');
		if (result.problems.length) say(`[e2e] n8n's log has ${result.problems.length} unexpected entries:\n${describeProblems(result.problems)}`);
		result.ok = result.testsOk && !!result.loaded && result.problems.length === 0;
	} catch (error) {
		result.error = error;
		say(`[e2e] n8n ${version}: ${error.stack ?? error.message}`);
	} finally {
		if (n8n) await n8n.stop({ keep: !result.ok });
		result.totalMs = Date.now() - started;
	}
	return result;
}

function summary(results, { mode, concurrency, wallMs, installMs }) {
	const versionsHow = results.length > 1 ? (mode === 'parallel' ? 'versions side by side' : 'versions one after the other') : 'one version';
	const install = installMs < 1000 ? 'n8n was installed already' : `installing n8n took ${seconds(installMs)}`;
	const lines = ['', `e2e summary (${versionsHow}, ${concurrency} test file${concurrency === 1 ? '' : 's'} at a time; ${seconds(wallMs)} in all; ${install}):`];
	for (const r of results) {
		const c = r.counts;
		const tests = c ? closingLine(c) : 'the tests did not report';
		const log = r.problems ? (r.problems.length ? `log: ${r.problems.length} problems` : 'log clean') : 'log not checked';
		const times = r.startMs ? `start ${seconds(r.startMs)}, tests ${seconds(r.testsMs ?? 0)}, total ${seconds(r.totalMs)}` : `total ${seconds(r.totalMs)}`;
		lines.push(`  ${r.ok ? 'PASS' : 'FAIL'}  n8n ${r.version} on Node ${r.node}: ${tests}; ${log}; ${times}`);
		for (const name of r.failures ?? []) lines.push(`        failed: ${name}`);
		if (r.error) lines.push(`        ${String(r.error.message).split('\n')[0]}`);
		if (!r.ok && r.userFolder) lines.push(`        kept ${r.userFolder} (n8n log inside)`);
	}
	// The closing line CI reads: every version's tests, and each version whose n8n did not start, did
	// not load the package or logged a problem counts as one more failure.
	const total = { passed: 0, failed: 0, skipped: 0 };
	for (const r of results) {
		total.passed += r.counts?.passed ?? 0;
		const testsExplain = r.counts && r.counts.failed > 0;
		const otherFailure = !r.counts || r.counts.total === 0 || !r.loaded || r.problems?.length !== 0 || r.error !== undefined || (!r.testsOk && !testsExplain);
		total.failed += (r.counts?.failed ?? 0) + (otherFailure ? 1 : 0);
		total.skipped += r.counts?.skipped ?? 0;
	}
	lines.push(closingLine(total));
	return lines.join('\n');
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	ensureDependencies();
	const selected = options.versions.length ? options.versions.map((v) => versions.find((entry) => entry.n8n === v) ?? { n8n: v }) : versions;
	const files = options.files;
	const wallStart = Date.now();

	const [{ tarball, destination }, installMs] = await Promise.all([
		packForE2e(),
		// Every version at once: each is mostly waiting on the registry and the disk.
		(async () => {
			const t = Date.now();
			await Promise.all(selected.map((entry) => installN8n(entry.n8n, { log: (line) => console.log(line) })));
			return Date.now() - t;
		})(),
	]);

	let results;
	if (options.mode === 'parallel' && selected.length > 1) {
		results = await Promise.all(selected.map((entry) => runVersion(entry, { tarball, files, prefix: true, concurrency: options.concurrency })));
	} else {
		results = [];
		for (const entry of selected) results.push(await runVersion(entry, { tarball, files, prefix: false, concurrency: options.concurrency }));
	}
	rmSync(destination, { recursive: true, force: true });

	console.log(summary(results, { mode: options.mode, concurrency: options.concurrency, wallMs: Date.now() - wallStart, installMs }));
	return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error) => {
		console.error(error.stack ?? error.message);
		process.exit(1);
	},
);
