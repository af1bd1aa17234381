#!/usr/bin/env node
// `npm run bench`: Social Messaging against n8n's HTTP Request node and a plain Node script, in one real
// n8n and against the local sandbox (test/fakes/sandbox), as issue 5 asks. Measurement only: nothing
// here asserts a speed; the numbers go to BENCHMARKS.md (between the bench markers, the text around them
// is kept), the raw results to BENCHMARKS.json and .tmp/bench/results-<time>.json.
//
//   npm run bench                              # everything, defaults below
//   npm run bench -- --latency 40 --runs 5     # per-request latency of the sandbox, rounds per phase
//   npm run bench -- --only unlimited --no-write
//   npm run bench -- --max-load 1   # first wait until the 1-minute load average is at most 1
// Options: --version, --latency, --n, --runs, --limited-n, --limited-runs, --rate, --conversations,
// --messages-per-conversation, --listing-runs, --memory-n, --concurrency, --http-batch-size,
// --http-batch-interval, --variants, --only (unlimited,limited,listing,memory), --out, --no-write,
// --from-json <.tmp/bench/results-….json> (render an earlier run's report again, without measuring).
//
// Phases (each against its own sandbox process; within a phase every variant hits the same one):
//   unlimited  N sends with no rate limit: (a) Social Messaging Send, (a+batch) with Use Batch Requests,
//              (b) HTTP Request with its defaults, (c) HTTP Request with batching tuned, (d) plain script.
//   limited    the sandbox allows 300 Send API calls/s per Page and answers code 613 beyond; N sends.
//   listing    Conversation Get Many (Return All) -> Message Get Many (Return All) per conversation.
// Variants run interleaved (a, a+batch, b, c, d, then again, the start rotating each round) after one
// warm-up round that is not counted, so noise on this shared machine hits all of them alike.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { PAGE_ID, PAGE_TOKEN, largeUserId } from '../../test/fakes/graph/fixtures.ts';
import { perItemSend } from '../../test/fixtures/sendParameters.ts';
import { spawnSandbox } from '../../test/fakes/sandbox/spawn.mjs';
import { startN8n } from '../n8n/instance.mjs';

/** The Social Messaging node's default Concurrency (Meta, no batch requests). */
const NODE_DEFAULT_CONCURRENCY = 100;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = join(root, '.tmp', 'bench');

const { values: args } = parseArgs({
	options: {
		version: { type: 'string', default: '2.0.3' },
		latency: { type: 'string', default: '40' },
		n: { type: 'string', default: '1000' },
		runs: { type: 'string', default: '5' },
		'limited-n': { type: 'string', default: '5000' },
		'limited-runs': { type: 'string', default: '3' },
		rate: { type: 'string', default: '300' },
		conversations: { type: 'string', default: '200' },
		'messages-per-conversation': { type: 'string', default: '50' },
		'listing-runs': { type: 'string', default: '3' },
		'memory-n': { type: 'string', default: '5000' },
		concurrency: { type: 'string', default: String(NODE_DEFAULT_CONCURRENCY) },
		'unpaced-rate': { type: 'string', default: '100000' },
		'http-batch-size': { type: 'string', default: '50' },
		'http-batch-interval': { type: 'string', default: '175' },
		variants: { type: 'string', default: 'a,a+batch,b,c,d' },
		only: { type: 'string', default: 'unlimited,limited,adaptive,listing,memory' },
		'adaptive-rates': { type: 'string', default: '50,100,300' },
		'adaptive-seconds': { type: 'string', default: '5' },
		'adaptive-runs': { type: 'string', default: '2' },
		out: { type: 'string', default: 'BENCHMARKS.md' },
		'max-load': { type: 'string', default: '0' },
		'max-load-wait': { type: 'string', default: '1800' },
		'no-write': { type: 'boolean', default: false },
		'from-json': { type: 'string' },
		'n8n-env': { type: 'string', multiple: true, default: [] },
	},
});

const config = {
	version: args.version,
	latencyMs: Number(args.latency),
	n: Number(args.n),
	runs: Number(args.runs),
	limitedN: Number(args['limited-n']),
	limitedRuns: Number(args['limited-runs']),
	rate: Number(args.rate),
	conversations: Number(args.conversations),
	messagesPerConversation: Number(args['messages-per-conversation']),
	listingRuns: Number(args['listing-runs']),
	memoryN: Number(args['memory-n']),
	concurrency: Number(args.concurrency),
	unpacedRate: Number(args['unpaced-rate']),
	httpBatchSize: Number(args['http-batch-size']),
	httpBatchIntervalMs: Number(args['http-batch-interval']),
	variants: args.variants.split(',').map((v) => v.trim()),
	maxLoad: Number(args['max-load']),
	maxLoadWaitS: Number(args['max-load-wait']),
	phases: args.only.split(',').map((p) => p.trim()),
	adaptiveRates: args['adaptive-rates'].split(',').map(Number),
	adaptiveSeconds: Number(args['adaptive-seconds']),
	adaptiveRuns: Number(args['adaptive-runs']),
	n8nEnv: Object.fromEntries(args['n8n-env'].map((pair) => pair.split(/=(.*)/s).slice(0, 2))),
};

const log = (...parts) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => {
	const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
	if (sorted.length === 0) return undefined;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---------------------------------------------------------------- the package, as a user installs it

/**
 * Compiles the node into .tmp/bench/package (not the shared dist/, which others may be building) and packs
 * it like `npm pack` would, without running prepack.
 */
function packNode() {
	const stage = join(work, 'package');
	rmSync(stage, { recursive: true, force: true });
	mkdirSync(stage, { recursive: true });
	const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--outDir', join(stage, 'dist')], {
		cwd: root,
		stdio: 'inherit',
	});
	if (tsc.status !== 0) throw new Error('tsc failed');
	// What gulp build:icons copies: icons and codex files next to the compiled nodes.
	const copyMatching = (dir, test) => {
		for (const name of readdirSync(join(root, dir))) {
			const path = join(dir, name);
			if (statSync(join(root, path)).isDirectory()) copyMatching(path, test);
			else if (test(name)) cpSync(join(root, path), join(stage, 'dist', path));
		}
	};
	for (const dir of ['icons', 'nodes', 'credentials']) copyMatching(dir, (name) => name.endsWith('.svg') || name.endsWith('.node.json'));
	for (const file of ['package.json', 'README.md', 'LICENSE.md', 'index.js']) cpSync(join(root, file), join(stage, file));
	const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: stage, encoding: 'utf8' });
	if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
	return join(work, JSON.parse(pack.stdout)[0].filename);
}

// ---------------------------------------------------------------- sandbox process

async function startSandbox(env) {
	const ready = await spawnSandbox({ env, onOutput: (chunk, stream) => stream === 'stderr' && process.stderr.write(chunk) });
	const { child } = ready;
	const control = async (method, path) => {
		// A fresh connection each time: a kept-alive one can be closed by the server (idle timeout) just as
		// it is reused after a long run, and the request then fails with "other side closed".
		const res = await fetch(`${ready.controlUrl}${path}`, { method, headers: { connection: 'close' } });
		if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status}`);
		return await res.json();
	};
	return {
		pid: child.pid,
		graphUrl: ready.graphUrl,
		reset: () => control('POST', '/reset'),
		stats: () => control('GET', '/stats'),
		deliveries: () => control('GET', '/deliveries'),
		stop: () =>
			new Promise((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', resolve);
				child.kill('SIGTERM');
			}),
	};
}

// ---------------------------------------------------------------- workflows

const RECIPIENTS = Array.from({ length: 200 }, (_, i) => largeUserId('messenger', i));

const manual = { id: 'trigger', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

/** N items { to, text }: distinct texts (a per-run tag and the index) so every delivery is counted on its own. */
function itemsNode(count, label) {
	return {
		id: 'items',
		name: 'Items',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 0],
		parameters: {
			jsCode: [
				`const recipients = ${JSON.stringify(RECIPIENTS)};`,
				'const tag = Date.now().toString(36);',
				`return Array.from({ length: ${count} }, (_, i) => ({ json: { to: recipients[i % recipients.length], text: \`bench ${label} \${tag} #\${i}\` } }));`,
			].join('\n'),
		},
	};
}

function chain(name, nodes) {
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

const SUBJECT = 'Subject'; // the node under test in every workflow

/** The node's Concurrency option for the bench's --concurrency, left out when it equals the node's default. */
function nodeConcurrency() {
	return config.concurrency === NODE_DEFAULT_CONCURRENCY ? {} : { concurrency: config.concurrency };
}

function socialSend(credential, options) {
	return {
		id: 'subject',
		name: SUBJECT,
		type: 'n8n-nodes-social-messaging.socialMessaging',
		typeVersion: 1,
		position: [440, 0],
		parameters: perItemSend(options),
		credentials: { socialMessagingApi: { id: credential.id, name: credential.name } },
	};
}

/** The same request as the node's: POST /{page}/messages, same JSON body, same Authorization header. */
function httpRequest(credential, graphUrl, options) {
	return {
		id: 'subject',
		name: SUBJECT,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.3,
		position: [440, 0],
		parameters: {
			method: 'POST',
			url: `${graphUrl}/v23.0/${PAGE_ID}/messages`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			specifyBody: 'json',
			jsonBody: "={{ JSON.stringify({ recipient: { id: $json.to }, messaging_type: 'RESPONSE', message: { text: $json.text } }) }}",
			options,
		},
		credentials: { httpHeaderAuth: { id: credential.id, name: credential.name } },
	};
}

// ---------------------------------------------------------------- measuring one run

function procStatus(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN);
		return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
	} catch {
		return { rssMb: NaN, peakMb: NaN };
	}
}

/** Resets the kernel's peak-RSS mark (VmHWM) of a process, so the next reading is the peak since now. */
function resetPeak(pid) {
	try {
		writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

const MEMORY_FILE = join(work, `n8n-memory-${process.pid}.json`);

/** n8n's memory after a full garbage collection (see memory-hook.cjs), in MB; undefined without the hook. */
async function retainedMemory(pid) {
	rmSync(MEMORY_FILE, { force: true });
	try {
		process.kill(pid, 'SIGUSR2');
	} catch {
		return undefined;
	}
	const deadline = Date.now() + 10_000;
	while (!existsSync(MEMORY_FILE)) {
		if (Date.now() > deadline) return undefined;
		await sleep(50);
	}
	const usage = JSON.parse(readFileSync(MEMORY_FILE, 'utf8'));
	const mb = (bytes) => bytes / 1024 / 1024;
	return { heapUsedMb: mb(usage.heapUsed), rssMb: mb(usage.rss), externalMb: mb(usage.external) };
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

/** Deliveries the sandbox counted since its last reset (each text is unique to one item of one run). */
async function deliveryReport(sandbox, count) {
	const { deliveries } = await sandbox.deliveries();
	const once = deliveries.filter((d) => d.count === 1).length;
	const duplicated = deliveries.filter((d) => d.count > 1).length;
	return { delivered: deliveries.length, exactlyOnce: once, duplicated, extraCopies: deliveries.reduce((s, d) => s + Math.max(0, d.count - 1), 0), lost: count - deliveries.length };
}

async function runN8nVariant({ n8n, sandbox, variant, count, settleMs }) {
	await sleep(settleMs);
	await sandbox.reset();
	const peakReset = resetPeak(n8n.pid);
	const before = procStatus(n8n.pid);
	const execution = await n8n.runWorkflow(variant.workflowId, { timeoutMs: 15 * 60_000 });
	const after = procStatus(n8n.pid);
	const run = execution.data?.resultData?.runData?.[SUBJECT]?.[0];
	const stats = await sandbox.stats();
	const output = run?.data?.main?.[0] ?? [];
	return {
		variant: variant.key,
		nodeMs: run?.executionTime,
		executionMs: new Date(execution.stoppedAt) - new Date(execution.startedAt),
		status: execution.status,
		nodeError: run?.error ? String(run.error.message).slice(0, 200) : undefined,
		outputItems: output.length,
		errorItems: output.filter((item) => item.json?.error !== undefined).length,
		rss: { beforeMb: before.rssMb, afterMb: after.rssMb, peakMb: peakReset ? after.peakMb : undefined },
		sandbox: stats,
		deliveries: await deliveryReport(sandbox, count),
	};
}

async function runPlainVariant({ sandbox, count, settleMs, label }) {
	await sleep(settleMs);
	await sandbox.reset();
	const started = performance.now();
	const child = spawnSync(process.execPath, [join(root, 'scripts/bench/plain-sender.mjs')], {
		env: {
			...process.env,
			BENCH_PLAIN: JSON.stringify({
				url: `${sandbox.graphUrl}/v23.0/${PAGE_ID}/messages`,
				token: PAGE_TOKEN,
				recipients: RECIPIENTS,
				count,
				concurrency: config.concurrency,
				label,
			}),
		},
		encoding: 'utf8',
		maxBuffer: 1 << 20,
	});
	const processMs = performance.now() - started;
	if (child.status !== 0) throw new Error(`plain sender failed: ${child.stderr}`);
	const result = JSON.parse(child.stdout.trim().split('\n').pop());
	const stats = await sandbox.stats();
	return {
		variant: 'd',
		nodeMs: result.wallMs,
		executionMs: processMs,
		status: result.failed ? 'errors' : 'success',
		plain: result,
		sandbox: stats,
		deliveries: await deliveryReport(sandbox, count),
	};
}

/** Creates the phase's workflows; returns the variants in run order. */
async function sendVariants(n8n, { sandbox, count, phase, keys = config.variants }) {
	const social = await n8n.importCredential({
		name: `Sandbox (${phase})`,
		type: 'socialMessagingApi',
		data: {
			provider: 'metaGraph',
			pageId: PAGE_ID,
			accessToken: PAGE_TOKEN,
			graphApiVersion: 'v23.0',
			useCustomBaseUrl: true,
			baseUrl: sandbox.graphUrl,
		},
	});
	const header = await n8n.importCredential({
		name: `Sandbox header auth (${phase})`,
		type: 'httpHeaderAuth',
		data: { name: 'Authorization', value: `Bearer ${PAGE_TOKEN}` },
	});
	const make = async (key, subject) => {
		if (!keys.includes(key)) return undefined;
		const workflow = chain(`bench ${phase} ${key}`, [manual, itemsNode(count, `${phase}-${key}`), subject]);
		const { id } = await n8n.createWorkflow(workflow);
		return { key, workflowId: id };
	};
	const tuned = { batching: { batch: { batchSize: config.httpBatchSize, batchInterval: config.httpBatchIntervalMs } } };
	return [
		// (d) runs at config.concurrency; (a) gets the same value only when it differs from the node's default,
		// so the default run measures the node exactly as a user gets it.
		await make('a', socialSend(social, nodeConcurrency())),
		await make('a+batch', socialSend(social, { batchRequests: true })),
		// Not one of the issue's variants: the node with its pacing lifted, to separate the pace it keeps on
		// purpose (Meta's documented 300/s) from the cost of the node itself.
		await make('a-unpaced', socialSend(social, { sendsPerSecond: config.unpacedRate, ...nodeConcurrency() })),
		await make('b', httpRequest(header, sandbox.graphUrl, {})),
		await make('c', httpRequest(header, sandbox.graphUrl, tuned)),
		keys.includes('d') ? { key: 'd', plain: true } : undefined,
	].filter(Boolean);
}

async function runRounds({ n8n, sandbox, variants, count, rounds, settleMs, phase }) {
	const results = [];
	for (let round = 0; round <= rounds; round++) {
		const warmUp = round === 0;
		// Rotate the start so no variant always runs right after the same other one.
		const order = variants.map((_, i) => variants[(i + round) % variants.length]);
		for (const variant of order) {
			const load = loadavg();
			const result = variant.plain
				? await runPlainVariant({ sandbox, count, settleMs, label: `${phase}-d` })
				: await runN8nVariant({ n8n, sandbox, variant, count, settleMs });
			result.round = round;
			result.warmUp = warmUp;
			result.loadBefore = load;
			log(
				`${phase} ${warmUp ? 'warm-up' : `round ${round}/${rounds}`} ${result.variant}: node ${fmtMs(result.nodeMs)}, execution ${fmtMs(result.executionMs)}, ` +
					`http ${result.sandbox.httpRequests}, delivered ${result.deliveries.delivered} (once ${result.deliveries.exactlyOnce}, dup ${result.deliveries.duplicated}, lost ${result.deliveries.lost}), ` +
					`refused ${result.sandbox.callsByErrorCode['613'] ?? 0}, ${result.status}${result.nodeError ? ` (${result.nodeError})` : ''}, load ${load.join(' ')}`,
			);
			results.push(result);
		}
	}
	return results;
}

const fmtMs = (ms) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(2)} s` : '–');

// ---------------------------------------------------------------- phases

async function unlimitedPhase(n8n) {
	const sandbox = await startSandbox({ SANDBOX_LATENCY_MS: String(config.latencyMs), SANDBOX_SEED: 'large', SANDBOX_CONVERSATIONS: '200', SANDBOX_MESSAGES_PER_CONVERSATION: '1' });
	try {
		const variants = await sendVariants(n8n, { sandbox, count: config.n, phase: 'unlimited' });
		return await runRounds({ n8n, sandbox, variants, count: config.n, rounds: config.runs, settleMs: 300, phase: 'unlimited' });
	} finally {
		await sandbox.stop();
	}
}

async function limitedPhase(n8n) {
	const sandbox = await startSandbox({
		SANDBOX_LATENCY_MS: String(config.latencyMs),
		SANDBOX_RATE_LIMIT: String(config.rate),
		SANDBOX_SEED: 'large',
		SANDBOX_CONVERSATIONS: '200',
		SANDBOX_MESSAGES_PER_CONVERSATION: '1',
	});
	try {
		const variants = await sendVariants(n8n, { sandbox, count: config.limitedN, phase: 'limited' });
		// 1.5 s between runs: the sandbox's sliding second must be empty when the next run starts.
		return await runRounds({ n8n, sandbox, variants, count: config.limitedN, rounds: config.limitedRuns, settleMs: 1500, phase: 'limited' });
	} finally {
		await sandbox.stop();
	}
}

/**
 * Issue 14 item 10: the default Send against sandboxes limited to each of --adaptive-rates (calls/s per
 * Page), N = rate × --adaptive-seconds, so the ideal run takes the same time at every rate.
 */
async function adaptivePhase(n8n) {
	const rows = [];
	for (const rate of config.adaptiveRates) {
		const sandbox = await startSandbox({
			SANDBOX_LATENCY_MS: String(config.latencyMs),
			SANDBOX_RATE_LIMIT: String(rate),
			SANDBOX_SEED: 'large',
			SANDBOX_CONVERSATIONS: '200',
			SANDBOX_MESSAGES_PER_CONVERSATION: '1',
		});
		try {
			const count = rate * config.adaptiveSeconds;
			const variants = await sendVariants(n8n, { sandbox, count, phase: `adaptive-${rate}`, keys: ['a'] });
			const results = await runRounds({ n8n, sandbox, variants, count, rounds: config.adaptiveRuns, settleMs: 1500, phase: `adaptive-${rate}` });
			const counted = results.filter((r) => !r.warmUp);
			rows.push({
				rate,
				count,
				nodeMsAll: counted.map((r) => r.nodeMs),
				refusedAll: counted.map((r) => r.sandbox.callsByErrorCode['613'] ?? 0),
				exactlyOnceAll: counted.map((r) => r.deliveries.exactlyOnce),
				results,
			});
		} finally {
			await sandbox.stop();
		}
	}
	return rows;
}

function adaptiveTable(rows) {
	const lines = [
		'| limit (calls/s) | N | N / limit | node wall time per run | × N / limit (median) | refused with 613 per run | refused, % of N (median) | delivered exactly once |',
		'|---|---|---|---|---|---|---|---|',
	];
	for (const row of rows) {
		const minimumMs = (row.count / row.rate) * 1000;
		lines.push(
			`| ${row.rate} | ${row.count} | ${s(minimumMs)} | ${row.nodeMsAll.map((v) => (v / 1000).toFixed(2)).join(', ')} | ${x(median(row.nodeMsAll) / minimumMs)} | ${row.refusedAll.join(', ')} | ${((median(row.refusedAll) / row.count) * 100).toFixed(1)} % | ${row.exactlyOnceAll.join(', ')} of ${row.count} |`,
		);
	}
	return lines.join('\n');
}

/** RSS of n8n around (a) for N = config.n and N = config.memoryN, same sandbox, no rate limit. */
async function memoryPhase(n8n) {
	const sandbox = await startSandbox({ SANDBOX_LATENCY_MS: String(config.latencyMs), SANDBOX_SEED: 'large', SANDBOX_CONVERSATIONS: '200', SANDBOX_MESSAGES_PER_CONVERSATION: '1' });
	try {
		const results = [];
		for (const count of [config.n, config.memoryN]) {
			const [a] = await sendVariants(n8n, { sandbox, count, phase: `memory-${count}`, keys: ['a'] });
			for (let round = 0; round < 2; round++) {
				const retainedBefore = await retainedMemory(n8n.pid);
				const result = await runN8nVariant({ n8n, sandbox, variant: a, count, settleMs: 1000 });
				result.retainedBefore = retainedBefore;
				result.retainedAfter = await retainedMemory(n8n.pid);
				result.count = count;
				result.round = round;
				log(
					`memory N=${count} round ${round}: rss ${result.rss.beforeMb.toFixed(0)} -> ${result.rss.afterMb.toFixed(0)} MB, peak ${result.rss.peakMb?.toFixed(0)} MB, ` +
						`heap after GC ${result.retainedBefore?.heapUsedMb.toFixed(0)} -> ${result.retainedAfter?.heapUsedMb.toFixed(0)} MB, node ${fmtMs(result.nodeMs)}`,
				);
				results.push(result);
			}
		}
		return results;
	} finally {
		await sandbox.stop();
	}
}

async function listingPhase(n8n) {
	const sandbox = await startSandbox({
		SANDBOX_LATENCY_MS: String(config.latencyMs),
		SANDBOX_SEED: 'large',
		SANDBOX_CONVERSATIONS: String(config.conversations),
		SANDBOX_MESSAGES_PER_CONVERSATION: String(config.messagesPerConversation),
	});
	try {
		const credential = await n8n.importCredential({
			name: 'Sandbox (listing)',
			type: 'socialMessagingApi',
			data: { provider: 'metaGraph', pageId: PAGE_ID, accessToken: PAGE_TOKEN, graphApiVersion: 'v23.0', useCustomBaseUrl: true, baseUrl: sandbox.graphUrl },
		});
		const node = (id, name, x, parameters) => ({
			id,
			name,
			type: 'n8n-nodes-social-messaging.socialMessaging',
			typeVersion: 1,
			position: [x, 0],
			parameters: { platform: 'messenger', ...parameters },
			credentials: { socialMessagingApi: { id: credential.id, name: credential.name } },
		});
		const workflow = chain('bench listing', [
			manual,
			node('conversations', 'Conversations', 220, { resource: 'conversation', operation: 'getAll', returnAll: true }),
			node('messages', 'Messages', 440, {
				resource: 'message',
				operation: 'getAll',
				conversationId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				returnAll: true,
			}),
		]);
		const { id } = await n8n.createWorkflow(workflow);
		const results = [];
		for (let round = 0; round <= config.listingRuns; round++) {
			await sleep(300);
			await sandbox.reset();
			const load = loadavg();
			const execution = await n8n.runWorkflow(id, { timeoutMs: 15 * 60_000 });
			const runData = execution.data?.resultData?.runData ?? {};
			const stats = await sandbox.stats();
			const result = {
				round,
				warmUp: round === 0,
				loadBefore: load,
				status: execution.status,
				executionMs: new Date(execution.stoppedAt) - new Date(execution.startedAt),
				conversationsMs: runData.Conversations?.[0]?.executionTime,
				messagesMs: runData.Messages?.[0]?.executionTime,
				conversations: runData.Conversations?.[0]?.data?.main?.[0]?.length ?? 0,
				messages: runData.Messages?.[0]?.data?.main?.[0]?.length ?? 0,
				error: runData.Messages?.[0]?.error?.message ?? runData.Conversations?.[0]?.error?.message ?? execution.data?.resultData?.error?.message,
				sandbox: stats,
			};
			log(
				`listing ${round === 0 ? 'warm-up' : `round ${round}/${config.listingRuns}`}: ${result.conversations} conversations, ${result.messages} messages, ` +
					`${stats.httpRequests} requests ${JSON.stringify(stats.httpByEdge)}, conversations ${fmtMs(result.conversationsMs)}, messages ${fmtMs(result.messagesMs)}, execution ${fmtMs(result.executionMs)}, ${result.status}${result.error ? ` (${result.error})` : ''}`,
			);
			results.push(result);
		}
		return results;
	} finally {
		await sandbox.stop();
	}
}

// ---------------------------------------------------------------- report

function machine() {
	const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
	const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model;
	const mhz = /cpu MHz\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim();
	const memTotalKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? totalmem() / 1024);
	return {
		cpu: model,
		mhz: mhz ? Number(mhz) : undefined,
		cores: cpus().length,
		ramGb: memTotalKb / 1024 / 1024,
		kernel: readFileSync('/proc/version', 'utf8').split(' ').slice(0, 3).join(' '),
	};
}

function summarize(results, count) {
	const counted = results.filter((r) => !r.warmUp);
	const keys = Object.keys(LABELS).filter((key) => counted.some((r) => r.variant === key));
	const rows = {};
	for (const key of keys) {
		const runs = counted.filter((r) => r.variant === key);
		rows[key] = {
			runs: runs.length,
			nodeMs: median(runs.map((r) => r.nodeMs)),
			nodeMsAll: runs.map((r) => r.nodeMs),
			executionMs: median(runs.map((r) => r.executionMs)),
			httpRequests: median(runs.map((r) => r.sandbox.httpRequests)),
			refused613: median(runs.map((r) => r.sandbox.callsByErrorCode['613'] ?? 0)),
			refused613All: runs.map((r) => r.sandbox.callsByErrorCode['613'] ?? 0),
			delivered: median(runs.map((r) => r.deliveries.delivered)),
			exactlyOnceAll: runs.map((r) => r.deliveries.exactlyOnce),
			allExactlyOnce: runs.every((r) => r.deliveries.exactlyOnce === count && r.deliveries.duplicated === 0),
			lost: median(runs.map((r) => r.deliveries.lost)),
			duplicated: median(runs.map((r) => r.deliveries.duplicated)),
			busiestSecond: Math.max(...runs.map((r) => r.sandbox.busiestSecondOfAcceptedSends)),
			failedRuns: runs.filter((r) => r.status !== 'success').length,
			errors: [...new Set(runs.map((r) => r.nodeError).filter(Boolean))],
			peakRssMb: median(runs.map((r) => r.rss?.peakMb)),
		};
	}
	return rows;
}

const LABELS = {
	a: config.concurrency === NODE_DEFAULT_CONCURRENCY ? '(a) Social Messaging Send, defaults' : `(a) Social Messaging Send, Concurrency ${config.concurrency}`,
	'a+batch': '(a) … with Use Batch Requests',
	'a-unpaced': '(a) … with Max Sends per Second 100000 (a fixed pace that never tightens; not one of the issue\'s variants, only with --variants)',
	b: '(b) HTTP Request, defaults',
	c: '(c) HTTP Request, batching tuned',
	d: `(d) plain Node script, ${config.concurrency} in flight`,
};

const s = (ms, digits = 2) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(digits)} s` : '–');
const x = (ratio) => (typeof ratio === 'number' && Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–');

function unlimitedTable(rows) {
	const lines = [
		'| variant | node wall time (median) | all runs | whole execution (median) | HTTP requests | delivered exactly once |',
		'|---|---|---|---|---|---|',
	];
	for (const [key, row] of Object.entries(rows)) {
		lines.push(
			`| ${LABELS[key]} | **${s(row.nodeMs)}** | ${row.nodeMsAll.map((v) => (v / 1000).toFixed(2)).join(', ')} | ${key === 'd' ? `${s(row.executionMs)} (process)` : s(row.executionMs)} | ${row.httpRequests} | ${row.allExactlyOnce ? 'all, every run' : row.exactlyOnceAll.join(', ')} |`,
		);
	}
	const ratio = (p, q) => (rows[p] && rows[q] ? rows[p].nodeMs / rows[q].nodeMs : undefined);
	const ratios = [
		['a/b', ratio('a', 'b')],
		['a/c', ratio('a', 'c')],
		['a/d', ratio('a', 'd')],
		['(a+batch)/b', ratio('a+batch', 'b')],
		['(a+batch)/d', ratio('a+batch', 'd')],
		['(a-unpaced)/b', ratio('a-unpaced', 'b')],
		['(a-unpaced)/d', ratio('a-unpaced', 'd')],
		['b/d', ratio('b', 'd')],
		['c/d', ratio('c', 'd')],
	];
	const measured = ratios.filter(([, value]) => value !== undefined);
	lines.push('', `Ratios of the median node wall times: ${measured.map(([name, value]) => `${name} = ${x(value)}`).join(', ')}.`);
	return lines.join('\n');
}

function limitedTable(rows, count, rate) {
	const minimumMs = (count / rate) * 1000;
	const lines = [
		`Theoretical minimum: N / ${rate} = ${s(minimumMs)}. "Busiest second" counts accepted sends within any 1 s by their arrival at the sandbox; its limiter counts a call when it processes it, after the latency, so a sender that keeps running into the limit can show a few more than ${rate} there.`,
		'',
		'| variant | node wall time (median) | × minimum | all runs | whole execution | HTTP requests | refused with 613 (per run) | delivered exactly once (per run) | lost | duplicated | busiest second at the sandbox | outcome |',
		'|---|---|---|---|---|---|---|---|---|---|---|---|',
	];
	for (const [key, row] of Object.entries(rows)) {
		const outcome = key === 'd' ? `${row.failedRuns ? 'requests failed (no retry)' : 'all ok'}` : row.failedRuns ? `failed in ${row.failedRuns}/${row.runs} runs${row.errors.length ? `: "${row.errors[0].slice(0, 80)}"` : ''}` : 'success';
		lines.push(
			`| ${LABELS[key]} | **${s(row.nodeMs)}** | ${x(row.nodeMs / minimumMs)} | ${row.nodeMsAll.map((v) => (v / 1000).toFixed(2)).join(', ')} | ${key === 'd' ? `${s(row.executionMs)} (process)` : s(row.executionMs)} | ${row.httpRequests} | ${row.refused613All.join(', ')} | ${row.exactlyOnceAll.join(', ')} of ${count} | ${row.lost} | ${row.duplicated} | ${row.busiestSecond} | ${outcome} |`,
		);
	}
	return lines.join('\n');
}

function listingTable(results, count, conversations, pageSize) {
	const counted = results.filter((r) => !r.warmUp);
	const bound = Math.ceil(count / pageSize) + conversations;
	const first = counted[0] ?? results[0];
	const lines = [
		`${conversations} conversations × ${count / conversations} messages = ${count} messages; page size ${pageSize} (the largest the node asks for); bound ⌈N / page size⌉ + conversations = ${bound}.`,
		'',
		'| run | conversations read | messages read | HTTP requests | by edge | Conversations node | Messages node | whole execution |',
		'|---|---|---|---|---|---|---|---|',
	];
	for (const r of counted) {
		lines.push(
			`| ${r.round} | ${r.conversations} | ${r.messages} | ${r.sandbox.httpRequests} | ${Object.entries(r.sandbox.httpByEdge).map(([k, v]) => `${k}: ${v}`).join('; ')} | ${s(r.conversationsMs)} | ${s(r.messagesMs)} | ${s(r.executionMs)} |`,
		);
	}
	lines.push(
		`| median | | | ${median(counted.map((r) => r.sandbox.httpRequests))} | | ${s(median(counted.map((r) => r.conversationsMs)))} | ${s(median(counted.map((r) => r.messagesMs)))} | ${s(median(counted.map((r) => r.executionMs)))} |`,
	);
	return { text: lines.join('\n'), bound, requests: first?.sandbox.httpRequests };
}

function memoryTable(results) {
	const mb = (value) => (typeof value === 'number' ? `${value.toFixed(0)} MB` : '–');
	const lines = [
		'| N | run | n8n RSS before | RSS after | peak RSS during the run (VmHWM) | heap after GC, before | heap after GC, after | node wall time |',
		'|---|---|---|---|---|---|---|---|',
	];
	for (const r of results) {
		lines.push(
			`| ${r.count} | ${r.round + 1} | ${mb(r.rss.beforeMb)} | ${mb(r.rss.afterMb)} | ${mb(r.rss.peakMb)} | ${mb(r.retainedBefore?.heapUsedMb)} | ${mb(r.retainedAfter?.heapUsedMb)} | ${s(r.nodeMs)} |`,
		);
	}
	return lines.join('\n');
}

/** The 1-minute load average seen before the counted runs of a phase. */
function loadLine(results) {
	const loads = results.filter((r) => !r.warmUp && r.loadBefore).map((r) => r.loadBefore[0]);
	if (loads.length === 0) return '';
	return `1-minute load average before each counted run: ${Math.min(...loads).toFixed(2)} to ${Math.max(...loads).toFixed(2)} (median ${median(loads).toFixed(2)}).`;
}

function report(all) {
	const m = all.machine;
	const parts = [
		`Generated by \`${all.command}\` on ${all.date} (${all.startedAt} to ${all.finishedAt} UTC).`,
		'',
		`- Machine: ${m.cpu}${m.mhz ? ` (${m.mhz.toFixed(0)} MHz)` : ''}, ${m.cores} cores, ${m.ramGb.toFixed(1)} GB RAM (${m.kernel}).`,
		`- n8n ${all.n8nVersion} on Node ${all.nodeVersion} (the cached install from scripts/n8n), SQLite, manual runs over the REST API; this package packed and installed as a community package.`,
		`- Sandbox: test/fakes/sandbox, its own process, ${all.config.latencyMs} ms latency on every request; send recipients are ${RECIPIENTS.length} generated people, every text unique so the sandbox's per-recipient count shows duplicates.`,
		`- Load average (1/5/15 min) at start: ${all.loadStart.join(' / ')}; at the end: ${all.loadEnd.join(' / ')}; before each run: \`loadBefore\` in ${rawName()}, the raw results of this run.`,
		'- "Node wall time" is the subject node\'s `executionTime` from n8n\'s run data for (a)–(c), and the script\'s own first-request-to-last-answer time for (d). "Whole execution" is n8n\'s startedAt→stoppedAt (Manual → Code → subject, incl. saving), and for (d) the whole child process incl. Node start-up.',
		`- (c) is the HTTP Request node with Options → Batching: ${config.httpBatchSize} items per batch, ${config.httpBatchIntervalMs} ms between batches (${((config.httpBatchSize * 1000) / config.httpBatchIntervalMs).toFixed(0)} starts per second nominally, just under the 300/s limit, the node's own 0.95 headroom).`,
	];
	if (all.unlimited) {
		parts.push('', `### Without a rate limit: N = ${config.n}, median of ${config.runs} interleaved runs (after one warm-up round)`, '', loadLine(all.unlimited.results), '', unlimitedTable(all.unlimited.rows));
	}
	if (all.limited) {
		parts.push('', `### Rate limit ${config.rate} calls/s per Page (code 613 beyond it): N = ${config.limitedN}, median of ${config.limitedRuns} interleaved runs (after one warm-up round)`, '', loadLine(all.limited.results), '', limitedTable(all.limited.rows, config.limitedN, config.rate));
	}
	if (all.adaptive) {
		parts.push('', `### Learning the limit: the default Send against ${config.adaptiveRates.join(', ')} calls/s, N = ${config.adaptiveSeconds} s × limit, ${config.adaptiveRuns} runs each (after one warm-up run)`, '', adaptiveTable(all.adaptive));
	}
	if (all.listing) {
		parts.push('', `### Listing: median of ${config.listingRuns} runs (after one warm-up run)`, '', loadLine(all.listing.results), '', all.listing.table.text);
	}
	if (all.memory) {
		parts.push('', '### Memory: n8n main process around (a), no rate limit', '', memoryTable(all.memory));
	}
	return parts.join('\n');
}

const BEGIN = '<!-- bench:begin (generated by npm run bench; everything up to bench:end is replaced) -->';
const END = '<!-- bench:end -->';

function writeReport(path, text) {
	const block = `${BEGIN}\n${text}\n${END}`;
	const existing = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\n' + `${BEGIN}\n${END}\n`;
	const start = existing.indexOf('<!-- bench:begin');
	const end = existing.indexOf(END);
	const next = start >= 0 && end > start ? existing.slice(0, start) + block + existing.slice(end + END.length) : `${existing.trimEnd()}\n\n${block}\n`;
	writeFileSync(path, next);
}

// ---------------------------------------------------------------- main

/** With --max-load L: waits (up to --max-load-wait seconds) until the 1-minute load average is at most L. */
async function waitForLoad() {
	if (!(config.maxLoad > 0)) return;
	const deadline = Date.now() + config.maxLoadWaitS * 1000;
	while (loadavg()[0] > config.maxLoad && Date.now() < deadline) {
		log(`load average ${loadavg().join(' ')} is above ${config.maxLoad}; waiting`);
		await sleep(20_000);
	}
}

/** --from-json <file>: renders the report of an earlier run again (after a change to the report's wording). */
function rerender(file) {
	const all = JSON.parse(readFileSync(file, 'utf8'));
	Object.assign(config, all.config);
	const text = report(all);
	console.log(text);
	if (!args['no-write']) {
		writeReport(join(root, args.out), text);
		writeFileSync(join(root, rawName()), JSON.stringify(all, null, 1));
	}
}

/** The raw results next to the report: BENCHMARKS.md -> BENCHMARKS.json. */
const rawName = () => args.out.replace(/\.md$/, '') + '.json';

async function main() {
	if (args['from-json']) return rerender(args['from-json']);
	mkdirSync(work, { recursive: true });
	const startedAt = new Date();
	const all = {
		command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
		date: startedAt.toISOString().slice(0, 10),
		startedAt: startedAt.toISOString().slice(11, 19),
		machine: machine(),
		config,
		loadStart: loadavg(),
	};
	await waitForLoad();
	all.loadStart = loadavg();
	log('packing the node');
	const tarball = packNode();
	log(`starting n8n ${config.version} with ${relative(root, tarball)}`);
	const n8n = await startN8n({
		version: config.version,
		packages: [tarball],
		env: {
			N8N_LOG_LEVEL: 'warn',
			// Only used by the memory phase, on demand (SIGUSR2); does nothing otherwise.
			NODE_OPTIONS: `--require ${join(root, 'scripts/bench/memory-hook.cjs')}`,
			BENCH_MEMORY_FILE: MEMORY_FILE,
			...config.n8nEnv,
		},
	});
	try {
		await n8n.setupOwner();
		all.n8nVersion = config.version;
		all.nodeVersion = spawnSync(readFileSync(`/proc/${n8n.pid}/cmdline`, 'utf8').split('\0')[0], ['--version'], { encoding: 'utf8' }).stdout.trim();
		if (config.phases.includes('unlimited')) {
			const results = await unlimitedPhase(n8n);
			all.unlimited = { results, rows: summarize(results, config.n) };
		}
		if (config.phases.includes('limited')) {
			const results = await limitedPhase(n8n);
			all.limited = { results, rows: summarize(results, config.limitedN) };
		}
		if (config.phases.includes('adaptive')) all.adaptive = await adaptivePhase(n8n);
		if (config.phases.includes('listing')) {
			const results = await listingPhase(n8n);
			all.listing = { results, table: listingTable(results, config.conversations * config.messagesPerConversation, config.conversations, 100) };
		}
		if (config.phases.includes('memory')) all.memory = await memoryPhase(n8n);
	} finally {
		await n8n.stop();
	}
	all.loadEnd = loadavg();
	all.finishedAt = new Date().toISOString().slice(11, 19);
	const rawFile = join(work, `results-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
	all.rawFile = relative(root, rawFile);
	writeFileSync(rawFile, JSON.stringify(all, null, 2));
	const text = report(all);
	console.log(text);
	if (!args['no-write']) {
		writeReport(join(root, args.out), text);
		writeFileSync(join(root, rawName()), JSON.stringify(all, null, 1));
		log(`wrote ${args.out} and ${rawName()} (also ${all.rawFile})`);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
