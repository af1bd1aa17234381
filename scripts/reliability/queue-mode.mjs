#!/usr/bin/env node
// n8n queue mode with the packed package (issue 13): Redis and PostgreSQL (queue-services.mjs), one
// main, two workers and one webhook processor of n8n (scripts/n8n/instance.mjs, one user folder,
// database and encryption key; WEBHOOK_URL of every process is the webhook processor's), and the
// platform sandbox. Shows, with figures:
//   - activation and webhook registration by the main; Meta's verification GET and the signed
//     deliveries (through the sandbox's POST /deliver) answered by the webhook processor;
//   - executions on both workers;
//   - redeliveries dropped, by the same process and by another one (the main also takes webhooks),
//     once the first delivery's static data is saved (deliveries one after the other, --gap-ms apart);
//   - the auto-response cooldown holding from one process to the next;
//   - a Send workflow (many items, run on a worker) delivering each message exactly once;
//   and measures what does not hold across processes: the same event reaching two processes at the
//   same moment, two messages of one person at the same moment, and a burst of deliveries to one
//   process whose static data saves overwrite each other.
// Prints one JSON summary; exits 1 when a guarantee the README claims fails.
//
//   nice -n 10 node scripts/reliability/queue-mode.mjs [--deliveries 30] [--gap-ms 500] [--sends 50] [--trials 20] [--burst 20] [--version 2.41.1]

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

import { ensureDependencies, root } from '../ensure-deps.mjs';
import { freePorts, nodeOutput, startN8n } from '../n8n/instance.mjs';
import { buildAndPack } from '../pack.mjs';
import { spawnSandbox } from '../../test/fakes/sandbox/spawn.mjs';
import { sandboxSecrets, secretLeaks } from '../../test/e2e/lib/n8n-log.mjs';
import { startPostgres, startRedis } from './queue-services.mjs';

const { values: args } = parseArgs({
	options: {
		deliveries: { type: 'string', default: '30' },
		'gap-ms': { type: 'string', default: '500' },
		sends: { type: 'string', default: '50' },
		trials: { type: 'string', default: '20' },
		burst: { type: 'string', default: '20' },
		version: { type: 'string', default: '2.41.1' },
	},
});
const DELIVERIES = Number(args.deliveries);
const GAP_MS = Number(args['gap-ms']);
const SENDS = Number(args.sends);
const TRIALS = Number(args.trials);
const BURST = Number(args.burst);
const PEOPLE = 10; // people 0..9 write the deliveries; the cooldown race uses new people
const REPLY = 'Thanks! We will get back to you soon.';

// The sandbox's fixtures and the e2e workflow builders are TypeScript (compiled as CommonJS).
register();
registerCjs();
const { APP_SECRET, PAGE_ID, largeUserId, metaGraphCredentialData } = await import('../../test/fakes/graph/fixtures.ts');
const { messageEvent, webhookPayload } = await import('../../test/fakes/graph/payloads.ts');
const { metaJson, signature256 } = await import('../../test/fakes/graph/webhooks.ts');
const { byId, chain, manualTrigger, noOp, setJson, socialMessaging, socialMessagingTrigger, splitOut } = await import('../../test/e2e/lib/workflows.ts');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const person = (i) => largeUserId('messenger', i);
const started = Date.now();
const stops = [];
const figures = { date: new Date().toISOString(), n8n: args.version, node: process.version, settings: { deliveries: DELIVERIES, gapMs: GAP_MS, sends: SENDS, trials: TRIALS, burst: BURST } };
const checks = {};

/** Runs `task` on `items`, `width` at a time; resolves with the results in order. */
async function pool(items, width, task) {
	const results = [];
	let next = 0;
	await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
		while (next < items.length) {
			const i = next++;
			results[i] = await task(items[i], i);
		}
	}));
	return results;
}

/** A signed Messenger message event as Meta sends it: raw bytes and their signature. */
function signedMessage(from, text) {
	const timestamp = Date.now();
	const event = messageEvent({ from, to: PAGE_ID, platform: 'messenger', timestamp, text });
	const raw = metaJson(webhookPayload('page', PAGE_ID, [event], { time: timestamp }));
	return { mid: event.message.mid, raw, signature: signature256(APP_SECRET, raw) };
}

async function post(base, path, { raw, signature }) {
	const response = await fetch(new URL(`webhook/${path}`, base), {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
		body: raw,
		signal: AbortSignal.timeout(30_000),
	});
	return { status: response.status, body: await response.text() };
}

let code = 1;
let logFolder;
try {
	ensureDependencies();
	const packDir = mkdtempSync(join(tmpdir(), 'queue-pack-'));
	stops.push(async () => rmSync(packDir, { recursive: true, force: true }));
	const [{ tarball }, redis, postgres] = await Promise.all([buildAndPack(packDir), startRedis(), startPostgres()]);
	stops.push(() => redis.stop(), () => postgres.stop());
	figures.services = { redis: 'redis-server (Debian)', postgres: `PostgreSQL ${postgres.query('show server_version')[0][0]}` };

	// ------------------------------------------------------------ n8n: main, webhook processor, 2 workers
	const [mainPort, webhookPort, workerPortA, workerPortB] = await freePorts(4);
	const webhookBase = `http://127.0.0.1:${webhookPort}/`;
	const encryptionKey = randomBytes(24).toString('hex');
	const env = {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_ENCRYPTION_KEY: encryptionKey,
		// Registered callback URLs must point at the webhook processor.
		WEBHOOK_URL: webhookBase,
		// 2.x keeps manual runs on the main unless told (3.0 always offloads them).
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_LOG_LEVEL: 'debug',
		N8N_LOG_FORMAT: 'json',
	};
	const main = await startN8n({ version: args.version, port: mainPort, packages: [tarball], env });
	logFolder = main.userFolder;
	// The main's user folder (and so its log) goes last, once the others are stopped.
	stops.unshift(() => main.stop({ keep: code !== 0 }));
	const shared = { version: args.version, userFolder: main.userFolder, env };
	const [webhook, workerA, workerB] = await Promise.all([
		startN8n({ ...shared, port: webhookPort, command: 'webhook' }),
		startN8n({ ...shared, port: workerPortA, command: 'worker' }),
		startN8n({ ...shared, port: workerPortB, command: 'worker' }),
	]);
	stops.unshift(() => webhook.stop(), () => workerA.stop(), () => workerB.stop());
	const processes = { main, webhook, workerA, workerB };
	figures.startSeconds = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, Math.round(p.startMs / 1000)]));
	await main.setupOwner();

	// ------------------------------------------------------------ the sandbox and the trigger
	const sandbox = await spawnSandbox({ env: { SANDBOX_SEED: 'large', SANDBOX_CONVERSATIONS: String(PEOPLE + TRIALS + 10), SANDBOX_MESSAGES_PER_CONVERSATION: '1' } });
	stops.unshift(async () => sandbox.child.kill('SIGTERM'));
	const control = async (method, path, body) => {
		const response = await fetch(`${sandbox.controlUrl}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body && JSON.stringify(body) });
		if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${await response.text()}`);
		return await response.json();
	};
	const credential = await main.importCredential({ name: 'Sandbox: Meta Graph API', type: 'socialMessagingApi', data: metaGraphCredentialData(sandbox.graphUrl) });
	const webhookId = randomUUID();
	const path = `${webhookId}/webhook`;
	const triggerParameters = { platform: 'messenger', events: ['message'], autoResponse: true, autoResponseText: REPLY, autoResponseWaitSeconds: 3600 };
	const trigger = await main.createWorkflow(chain('queue mode: trigger', [socialMessagingTrigger('Inbox', triggerParameters, credential, webhookId), noOp('Received')]));
	const activationStart = Date.now();
	await main.activateWorkflow(trigger.id, trigger.versionId);
	const activationMs = Date.now() - activationStart;
	const status = await control('GET', '/status');
	const subscription = status.appSubscriptions.find((s) => s.object === 'page');
	const getsIn = (p) => p.log().split('\n').filter((line) => line.includes('Received webhook \\"GET\\"') || line.includes('Received webhook "GET"')).length;
	// Meta's verification GET came during activation; then one of our own with the registered token.
	const duringActivation = { webhookProcessor: getsIn(webhook), main: getsIn(main) };
	const challenge = String(Date.now());
	const verify = await fetch(new URL(`webhook/${path}?hub.mode=subscribe&hub.challenge=${challenge}&hub.verify_token=${encodeURIComponent(subscription?.verifyToken ?? '')}`, webhookBase));
	const verifyText = await verify.text();
	figures.activation = {
		ms: activationMs,
		callbackUrlIsWebhookProcessor: Boolean(subscription?.callbackUrl?.startsWith(webhookBase)),
		pageSubscribed: Boolean(status.subscribedApps[PAGE_ID]),
		verificationGetsDuringActivation: duringActivation,
		verificationByWebhookProcessor: verify.status === 200 && verifyText === challenge,
	};
	checks.activation = figures.activation.callbackUrlIsWebhookProcessor && figures.activation.pageSubscribed && duringActivation.webhookProcessor >= 1 && duringActivation.main === 0 && figures.activation.verificationByWebhookProcessor;

	// ------------------------------------------------------------ signed deliveries through the webhook processor
	// One after the other: n8n saves a webhook's static data after the trigger returned (after its
	// auto-response), while Meta already has its 200; the gap lets that save land (see the burst below).
	const deliverStart = Date.now();
	const delivered = await pool(Array.from({ length: DELIVERIES }, (_, i) => i), 1, async (i) => {
		const result = await control('POST', '/deliver', { from: person(i % PEOPLE), text: `queue delivery ${i}` });
		await sleep(GAP_MS);
		const raw = result.result ? Buffer.from(result.result.sentBody.data).toString('utf8') : '';
		return { ok: result.delivered && result.result.status === 200 && result.result.body === 'EVENT_RECEIVED', raw, signature: result.result?.signature256, mid: raw && JSON.parse(raw).entry[0].messaging[0].message.mid };
	});
	const executionIds = () => postgres.query(`select id from execution_entity where "workflowId" = '${trigger.id}' order by id`).map(([id]) => id);
	const waitForExecutions = async (count, timeoutMs = 180_000) => {
		const deadline = Date.now() + timeoutMs;
		while (executionIds().length < count && Date.now() < deadline) await sleep(500);
		// Executions a moment late (e.g. a duplicate) come in too.
		await sleep(3000);
		const finishedBy = Date.now() + timeoutMs;
		while (postgres.query(`select count(*) from execution_entity where "workflowId" = '${trigger.id}' and "stoppedAt" is null`)[0][0] !== '0' && Date.now() < finishedBy) await sleep(500);
		return executionIds();
	};
	await waitForExecutions(DELIVERIES);
	figures.deliveries = { sent: DELIVERIES, answered: delivered.filter((d) => d.ok).length, seconds: Math.round((Date.now() - deliverStart) / 1000) };

	// ------------------------------------------------------------ redeliveries: same process, then another process
	const replay = async (base, list, width = 1) => (await pool(list, width, async (d) => await post(base, path, d))).filter((r) => r.status === 200).length;
	figures.redeliveries = {
		toWebhookProcessorAnswered: await replay(webhookBase, delivered),
		toMainAnswered: await replay(main.url, delivered),
	};

	// ------------------------------------------------------------ cooldown from one process to the next
	// People 0..9 got their reply through the webhook processor; each now writes again to the main.
	const again = Array.from({ length: PEOPLE }, (_, i) => signedMessage(person(i), `queue again ${i}`));
	await pool(again, 1, async (m) => {
		await post(main.url, path, m);
		await sleep(GAP_MS);
	});

	// ------------------------------------------------------------ races: two processes at the same moment
	const race = [];
	for (let t = 0; t < TRIALS; t++) {
		// The same event (Meta redelivering while the first delivery is being handled) to both processes.
		const same = signedMessage(person(t % PEOPLE), `queue race ${t}`);
		// Two messages of a new person at once, one to each process: how many auto-responses?
		const who = person(PEOPLE + t);
		const [first, second] = [signedMessage(who, `queue pair ${t} a`), signedMessage(who, `queue pair ${t} b`)];
		const answers = await Promise.all([post(webhookBase, path, same), post(main.url, path, same), post(webhookBase, path, first), post(main.url, path, second)]);
		race.push({ mid: same.mid, who, answered: answers.filter((a) => a.status === 200).length });
		await sleep(300);
	}

	// ------------------------------------------------------------ bursts to one process, replayed later
	// Each request loads the workflow's static data, the trigger adds its events, n8n writes the whole
	// object back: requests that overlap overwrite each other's additions (the process memory of the
	// trigger still drops their redeliveries for 10 minutes; the other process only has static data).
	// Two bursts: one replayed to the other process (which has only static data), one to the same
	// process (its memory; a replay there also records the event in static data again).
	const bursts = {};
	for (const [name, base] of [['toMain', main.url], ['toSameProcess', webhookBase]]) {
		const list = Array.from({ length: BURST }, (_, i) => signedMessage(person(i % PEOPLE), `queue burst ${name} ${i}`));
		const before = executionIds().length;
		const answered = (await Promise.all(list.map((m) => post(webhookBase, path, m)))).filter((r) => r.status === 200).length;
		await waitForExecutions(before + BURST);
		bursts[name] = { list, answered, replayAnswered: await replay(base, list) };
	}
	const expectedSoFar = DELIVERIES + PEOPLE + TRIALS * 3 + BURST * 2;

	// ------------------------------------------------------------ every trigger execution: what it emitted, who ran it
	const ids = await waitForExecutions(expectedSoFar);
	const emitted = new Map();
	const replies = new Map();
	const skippedForCooldown = new Set();
	let failed = 0;
	for (const id of ids) {
		const execution = await main.waitForExecution(id, { timeoutMs: 60_000 });
		if (execution.status !== 'success') failed++;
		for (const item of execution.status === 'success' ? nodeOutput(execution, 'Inbox') : []) {
			emitted.set(item.messageId, [...(emitted.get(item.messageId) ?? []), id]);
			if (item.autoResponse?.status === 'sent') replies.set(item.sender.id, (replies.get(item.sender.id) ?? 0) + 1);
			if (item.autoResponse?.status === 'skipped' && item.autoResponse.reason === 'cooldown') skippedForCooldown.add(item.messageId);
		}
	}
	const times = (mid) => emitted.get(mid)?.length ?? 0;
	const workerOf = new Map();
	for (const [name, p] of Object.entries({ workerA, workerB })) {
		for (const match of p.log().matchAll(/Worker started execution (\d+) /g)) workerOf.set(match[1], name);
	}
	const perWorker = (list) => ({ workerA: list.filter((id) => workerOf.get(id) === 'workerA').length, workerB: list.filter((id) => workerOf.get(id) === 'workerB').length, neither: list.filter((id) => !workerOf.has(id)).length });
	// What the platform received: auto-responses per person.
	const platform = await control('GET', '/deliveries');
	const repliesTo = (who) => platform.deliveries.filter((d) => d.recipient === who && d.content?.message?.text === REPLY).reduce((sum, d) => sum + d.count, 0);

	figures.triggerExecutions = { total: ids.length, failed, ...perWorker(ids) };
	figures.deliveries.emittedOnce = delivered.filter((d) => times(d.mid) === 1).length;
	figures.redeliveries.emittedAgain = delivered.filter((d) => times(d.mid) > 1).length;
	figures.cooldown = {
		people: PEOPLE,
		repliesAfterWritingToBothProcesses: Array.from({ length: PEOPLE }, (_, i) => repliesTo(person(i))).reduce((a, b) => a + b, 0),
		emittedSecondMessages: again.filter((m) => times(m.mid) === 1).length,
		secondMessagesSkippedForCooldown: again.filter((m) => skippedForCooldown.has(m.mid)).length,
	};
	figures.races = {
		trials: TRIALS,
		sameEventToTwoProcesses: { emittedTwice: race.filter((r) => times(r.mid) > 1).length, emittedOnce: race.filter((r) => times(r.mid) === 1).length },
		twoMessagesOfOnePersonToTwoProcesses: { twoReplies: race.filter((r) => repliesTo(r.who) > 1).length, oneReply: race.filter((r) => repliesTo(r.who) === 1).length },
	};
	figures.burst = Object.fromEntries(
		Object.entries(bursts).map(([name, { list, answered, replayAnswered }]) => [
			`replayed${name[0].toUpperCase()}${name.slice(1)}`,
			{ deliveries: BURST, answered, replayAnswered, emittedOnce: list.filter((m) => times(m.mid) === 1).length, emittedAgainByReplay: list.filter((m) => times(m.mid) > 1).length },
		]),
	);
	figures.autoResponsesReportedSent = [...replies.values()].reduce((a, b) => a + b, 0);

	checks.deliveries = figures.deliveries.answered === DELIVERIES && figures.deliveries.emittedOnce === DELIVERIES;
	checks.bothWorkers = figures.triggerExecutions.workerA > 0 && figures.triggerExecutions.workerB > 0 && failed === 0;
	checks.redeliveriesDropped = figures.redeliveries.emittedAgain === 0;
	checks.cooldownAcrossProcesses = figures.cooldown.repliesAfterWritingToBothProcesses === PEOPLE && figures.cooldown.emittedSecondMessages === PEOPLE && figures.cooldown.secondMessagesSkippedForCooldown === PEOPLE;

	// ------------------------------------------------------------ a Send workflow on a worker
	await control('POST', '/reset');
	const items = Array.from({ length: SENDS }, (_, i) => ({ to: person(i % PEOPLE), text: `queue send ${i}` }));
	const send = await main.createWorkflow(
		chain('queue mode: send', [
			manualTrigger(),
			setJson('Messages', { items }),
			splitOut('One per message', 'items'),
			socialMessaging('Send', { platform: 'messenger', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId('={{ $json.to }}'), messageType: 'text', text: '={{ $json.text }}' }, credential),
		]),
	);
	const sendStart = Date.now();
	const run = await main.runWorkflow(send.id, { timeoutMs: 300_000 });
	const sendMs = Date.now() - sendStart;
	for (const [name, p] of Object.entries({ workerA, workerB })) if (p.log().includes(`Worker started execution ${run.id} `)) workerOf.set(String(run.id), name);
	const sentItems = run.status === 'success' ? nodeOutput(run, 'Send') : [];
	const afterSend = await control('GET', '/deliveries');
	const stats = await control('GET', '/stats');
	const countOf = (text) => afterSend.deliveries.filter((d) => d.content?.message?.text === text).reduce((sum, d) => sum + d.count, 0);
	figures.send = {
		items: SENDS,
		status: run.status,
		ranOn: workerOf.get(String(run.id)) ?? 'unknown',
		itemsWithMessageId: sentItems.filter((item) => item.messageId).length,
		deliveredOnce: items.filter((item) => countOf(item.text) === 1).length,
		deliveredTwiceOrMore: items.filter((item) => countOf(item.text) > 1).length,
		notDelivered: items.filter((item) => countOf(item.text) === 0).length,
		seconds: Math.round(sendMs / 100) / 10,
		perSecond: Math.round((SENDS / sendMs) * 10_000) / 10,
		busiestSecondOfAcceptedSends: stats.busiestSecondOfAcceptedSends,
	};
	checks.sendExactlyOnce = run.status === 'success' && figures.send.deliveredOnce === SENDS && figures.send.itemsWithMessageId === SENDS && figures.send.ranOn !== 'unknown';

	// ------------------------------------------------------------ Auto-Response set from another workflow
	// The out-of-office layout: another workflow sets the trigger's auto-response through the trigger's own
	// webhook (a signed control request, answered by the webhook processor, kept in the trigger's static
	// data); a first message through the webhook processor and one through the main both get the new text.
	const AWAY = 'Out of office, set from another workflow';
	const triggerUrl = new URL(`webhook/${path}`, webhookBase).toString();
	const setter = await main.createWorkflow(
		chain('queue mode: auto-response set', [
			manualTrigger(),
			socialMessaging('Set', { platform: 'messenger', resource: 'autoResponse', operation: 'set', autoResponseActive: true, autoResponseMessage: AWAY, autoResponseWaitSeconds: 3600, triggerUrl }, credential),
		]),
	);
	const setRun = await main.runWorkflow(setter.id, { timeoutMs: 60_000 });
	const setOutput = setRun.status === 'success' ? nodeOutput(setRun, 'Set') : [];
	await control('POST', '/reset');
	const [viaWebhookProcessor, viaMain] = [person(PEOPLE + TRIALS), person(PEOPLE + TRIALS + 1)];
	const beforeAway = executionIds().length;
	await post(webhookBase, path, signedMessage(viaWebhookProcessor, 'queue away a'));
	await sleep(GAP_MS);
	await post(main.url, path, signedMessage(viaMain, 'queue away b'));
	await waitForExecutions(beforeAway + 2);
	const afterAway = await control('GET', '/deliveries');
	const awayTo = (who) => afterAway.deliveries.filter((d) => d.recipient === who && d.content?.message?.text === AWAY).reduce((sum, d) => sum + d.count, 0);
	figures.autoResponseFromAnotherWorkflow = {
		setStatus: setRun.status,
		appliedBy: setOutput[0]?.appliedBy,
		repliesViaWebhookProcessor: awayTo(viaWebhookProcessor),
		repliesViaMain: awayTo(viaMain),
	};
	checks.autoResponseFromAnotherWorkflow = setRun.status === 'success' && awayTo(viaWebhookProcessor) === 1 && awayTo(viaMain) === 1;

	// ------------------------------------------------------------ nothing secret in any process's log
	const secrets = [...sandboxSecrets(root), encryptionKey];
	figures.logs = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, { lines: p.log().split('\n').length, withASecret: secretLeaks(p.log(), secrets).length }]));
	checks.noSecretsInLogs = Object.values(figures.logs).every((l) => l.withASecret === 0);

	figures.seconds = Math.round((Date.now() - started) / 1000);
	figures.checks = checks;
	code = Object.values(checks).every(Boolean) ? 0 : 1;
	console.log(JSON.stringify(figures, null, 2));
} catch (error) {
	console.error(error);
	console.log(JSON.stringify({ ...figures, checks, error: String(error.message ?? error).slice(0, 2000) }, null, 2));
} finally {
	for (const stop of stops) await stop().catch((error) => console.error(`stopping: ${error.message}`));
	if (code !== 0) console.error(`queue mode: a check failed${logFolder ? `; the four n8n logs are kept in ${logFolder}` : ''}`);
}
process.exit(code);
