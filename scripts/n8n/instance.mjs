// Starts a real n8n (`n8n start`) from the cache that install.mjs fills, and
// drives it over its internal REST API (the one the editor uses). Where the
// versions in versions.json differ, the client hides it (see NOTES.md).
//
//   const n8n = await startN8n({ version: '2.0.3' });
//   await n8n.setupOwner();
//   const { id, versionId } = await n8n.createWorkflow(json);
//   const execution = await n8n.runWorkflow(id);
//   await n8n.stop();
//
// Queue mode: `command: 'worker'` or `'webhook'` starts `n8n worker` / `n8n webhook` instead, e.g. on
// the user folder and database of a main started before (scripts/reliability/queue-mode.mjs).

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installN8n } from './install.mjs';

const OWNER = {
	email: 'owner@example.com',
	firstName: 'Test',
	lastName: 'Owner',
	password: 'Owner-passw0rd', // n8n wants 8+ characters, a digit and an uppercase letter
};

// Keeps n8n from reaching out to the internet (only loopback is expected to
// work here) and from asking questions meant for a person.
function quietEnv({ port, brokerPort, userFolder }) {
	return {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		// Production webhook URLs are built from this; 2.x later renames it
		// N8N_WEBHOOK_URL (and warns about the old name, harmlessly).
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		// The cookie would be "Secure" by default, which browsers drop on plain http.
		N8N_SECURE_COOKIE: 'false',
		// Telemetry, update checks and "what's new", the survey, banners, templates.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		// The list of verified community nodes comes from api.n8n.io; packages
		// installed under <user folder>/.n8n/nodes load without it.
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		// The Code node runs in a task-runner child process that n8n starts and
		// reaches over a broker port; its default (5679) would clash between
		// instances running side by side.
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		// Keep manual runs and their data so tests can read them back.
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		// Stop within a second or two instead of waiting on running executions.
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
	};
}

/**
 * Starts n8n and waits until its REST API answers.
 * @param {object} options
 * @param {string} options.version  an n8n version from versions.json
 * @param {number} [options.port]  a free one by default
 * @param {string} [options.userFolder]  a new temp folder by default, removed by
 *   stop() unless stop({ keep: true }) (n8n keeps its SQLite database,
 *   encryption key and community packages under <it>/.n8n; the log is there too)
 * @param {string[]} [options.packages]  packed community packages (.tgz) to install
 *   under <userFolder>/.n8n/nodes before start, as a user would (see NOTES.md)
 * @param {string} [options.customExtensionsDir]  N8N_CUSTOM_EXTENSIONS
 * @param {Record<string,string>} [options.env]  extra/overriding environment
 * @param {number} [options.timeoutMs]  for start-up, 120 s by default
 * @param {'start'|'worker'|'webhook'} [options.command]  the n8n command: `start` (default, the main
 *   with its editor and REST API), `worker` (queue mode; its health server listens on `port`) or
 *   `webhook` (queue mode's webhook processor). Ready means /healthz/readiness answers 200, and for
 *   `start` also the REST API; the REST client works against `start` only.
 */
export async function startN8n({
	version,
	port,
	userFolder,
	packages = [],
	customExtensionsDir,
	env = {},
	timeoutMs = 120_000,
	command = 'start',
}) {
	if (!['start', 'worker', 'webhook'].includes(command)) throw new Error(`unknown n8n command "${command}"`);
	const { nodeBin, n8nBin, env: versionEnv } = await installN8n(version);
	const [freeA, freeB] = await freePorts(2);
	port ??= freeA;
	const brokerPort = port === freeB ? freeA : freeB;
	const ownFolder = !userFolder;
	userFolder ??= mkdtempSync(join(tmpdir(), 'n8n-user-'));
	mkdirSync(userFolder, { recursive: true });
	for (const tarball of packages) await installPackageTarball({ userFolder, tarball });
	const logFile = join(userFolder, `n8n-${port}.log`);
	const url = `http://127.0.0.1:${port}/`;

	const childEnv = { ...inheritedEnv(), ...quietEnv({ port, brokerPort, userFolder }), ...versionEnv, ...env };
	if (customExtensionsDir) childEnv.N8N_CUSTOM_EXTENSIONS = customExtensionsDir;
	// A worker serves no editor: its health server (off by default) is what tells it is ready.
	if (command === 'worker') Object.assign(childEnv, { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' }, env);

	const out = openSync(logFile, 'a');
	const started = Date.now();
	// detached: n8n gets its own process group, so stop() can end it together
	// with its task runner.
	const child = spawn(nodeBin, [n8nBin, command], { env: childEnv, detached: true, stdio: ['ignore', out, out] });
	closeSync(out);
	let exited = null;
	const exitPromise = new Promise((done) => child.on('exit', (code, signal) => done((exited = { code, signal }))));
	trackForCleanup(child.pid);

	const instance = {
		version,
		command,
		url,
		port,
		userFolder,
		logFile,
		pid: child.pid,
		log: () => readFileSync(logFile, 'utf8'),
		/** Ends n8n and its task runner; removes a user folder it made itself unless `keep`. */
		async stop({ keep = false } = {}) {
			if (!exited) {
				killGroup(child.pid, 'SIGTERM');
				const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 10_000);
				await exitPromise;
				clearTimeout(timer);
			}
			killGroup(child.pid, 'SIGKILL'); // anything left in the group (the task runner)
			untrack(child.pid);
			if (ownFolder && !keep) rmSync(userFolder, { recursive: true, force: true });
		},
		...restClient(url),
	};

	try {
		await waitUntilReady(url, () => exited, timeoutMs, { rest: command === 'start' });
	} catch (error) {
		await instance.stop({ keep: true });
		const tail = instance.log().split('\n').slice(-40).join('\n');
		throw new Error(`${error.message}\n--- ${logFile} ---\n${tail}`);
	}
	instance.startMs = Date.now() - started;
	return instance;
}

// n8n listens before it is usable: /healthz says ok at once, and while the
// database migrations run every other path answers 200 with the text "n8n is
// starting up". /healthz/readiness turns 200 after the migrations (2.0) or
// once fully started (newer); the REST routes may come a moment later, so wait
// for /rest/settings (public, the editor's first call) to answer real JSON too.
// Workers and webhook processors have no REST API: readiness is all they say.
async function waitUntilReady(url, exited, timeoutMs, { rest = true } = {}) {
	const deadline = Date.now() + timeoutMs;
	const get = (path) => fetch(new URL(path, url), { signal: AbortSignal.timeout(2000) });
	while (Date.now() < deadline) {
		const gone = exited();
		if (gone) throw new Error(`n8n exited during start-up (code ${gone.code}, signal ${gone.signal})`);
		try {
			if ((await get('healthz/readiness')).ok) {
				if (!rest) return;
				const res = await get('rest/settings');
				const body = res.ok ? await res.json().catch(() => null) : null;
				if (body?.data) return;
			}
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
	throw new Error(`n8n did not become ready within ${timeoutMs} ms`);
}

/**
 * Installs a packed community package (`npm pack` output) where n8n looks for
 * community packages: <userFolder>/.n8n/nodes/node_modules. n8n loads every
 * n8n-nodes-* folder there at start. Peer dependencies are left out: n8n-workflow
 * comes from n8n itself (n8n points NODE_PATH at its own node_modules), and
 * n8n's own installer drops peers the same way.
 */
async function installPackageTarball({ userFolder, tarball }) {
	const dir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(dir, { recursive: true });
	if (!existsSync(join(dir, 'package.json'))) {
		writeFileSync(join(dir, 'package.json'), '{ "name": "installed-nodes", "private": true, "dependencies": {} }\n');
	}
	const args = ['install', resolve(tarball), '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--package-lock=false'];
	await new Promise((done, fail) => {
		const child = spawn('npm', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', fail);
		child.on('close', (code) => (code === 0 ? done() : fail(new Error(`npm ${args.join(' ')} failed in ${dir}:\n${stderr}`))));
	});
}

// ---------------------------------------------------------------- REST client

/**
 * The REST client of an n8n that is already running (startN8n() adds it to the
 * instance): a test process that did not start n8n itself connects with
 * `restClient(url)` and logs in with `login()`.
 */
export function restClient(baseUrl) {
	let cookie = '';

	async function request(method, path, body) {
		const res = await fetch(new URL(path.replace(/^\//, ''), baseUrl), {
			method,
			headers: {
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...(cookie ? { cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = res.headers.getSetCookie?.() ?? [];
		const auth = setCookie.find((c) => c.startsWith('n8n-auth='));
		if (auth) cookie = auth.split(';')[0];
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		if (!res.ok) {
			const error = new Error(`${method} ${path} -> ${res.status}: ${json?.message ?? text.slice(0, 500)}`);
			error.status = res.status;
			error.body = json ?? text;
			throw error;
		}
		// The internal API wraps every answer in { data }.
		return json && typeof json === 'object' && 'data' in json ? json.data : json;
	}

	const client = {
		request,

		/** The session cookie (`n8n-auth=…`) once logged in, e.g. for a browser that should share the session. */
		cookie: () => cookie,

		/** Creates the owner account (once per user folder) and logs in as it. */
		async setupOwner(owner = OWNER) {
			await request('POST', '/rest/owner/setup', owner);
			return await client.login(owner);
		},

		async login({ email, password } = OWNER) {
			return await request('POST', '/rest/login', { emailOrLdapLoginId: email, password });
		},

		/**
		 * Stores a credential; `data` holds its fields in plain text (n8n encrypts
		 * them). Returns { id, name, type }; reference it from a node as
		 * `credentials: { [type]: { id, name } }`.
		 */
		async importCredential({ name, type, data }) {
			const created = await request('POST', '/rest/credentials', { name, type, data });
			return { id: created.id, name: created.name, type: created.type };
		},

		/** Creates an inactive workflow; returns the stored one ({ id, versionId, ... }). */
		async createWorkflow(workflow) {
			// n8n assigns id and versionId itself; activation is a separate step.
			const { id, active, versionId, ...rest } = workflow;
			return await request('POST', '/rest/workflows', {
				settings: { executionOrder: 'v1' },
				connections: {},
				...rest,
				active: false,
			});
		},

		async getWorkflow(id) {
			return await request('GET', `/rest/workflows/${id}`);
		},

		/**
		 * Activates (publishes) `versionId` and returns once its triggers are
		 * live, so production webhooks answer right after. A trigger that fails
		 * to start (e.g. webhookMethods.create throws) makes this throw, with the
		 * node's message, on every version.
		 */
		async activateWorkflow(id, versionId) {
			versionId ??= (await client.getWorkflow(id)).versionId;
			// 2.0 activates inside this request and answers its errors (400).
			const workflow = await request('POST', `/rest/workflows/${id}/activate`, { versionId });
			// Later 2.x only queues the publication and answers at once; its
			// triggers start a moment later and failures show up in its status.
			const status = await client.settledPublication(id);
			if (status && status.status !== 'published') {
				const reasons = status.triggers.filter((t) => t.errorMessage).map((t) => `${t.nodeId}: ${t.errorMessage}`);
				const error = new Error(`activating workflow ${id} ended "${status.status}": ${reasons.join('; ')}`);
				error.publication = status;
				throw error;
			}
			return workflow;
		},

		/** Deactivates (unpublishes); returns once its triggers are stopped. */
		async deactivateWorkflow(id) {
			const workflow = await request('POST', `/rest/workflows/${id}/deactivate`, {});
			await client.settledPublication(id);
			return workflow;
		},

		/**
		 * The publication status once nothing is in flight, or null on versions
		 * without publication queue (2.0), where (de)activation is synchronous.
		 */
		async settledPublication(id, { timeoutMs = 30_000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				let status;
				try {
					status = await request('GET', `/rest/workflows/${id}/publication-status`);
				} catch (error) {
					if (error.status === 404) return null;
					throw error;
				}
				if (status.status !== 'in_progress') return status;
				if (Date.now() > deadline) throw new Error(`workflow ${id} still publishing after ${timeoutMs} ms`);
				await sleep(100);
			}
		},

		/**
		 * Runs a workflow the way the editor's "Execute workflow" button does and
		 * waits for it; returns getExecution()'s result. The trigger is the first
		 * Manual Trigger unless `triggerNode` names another.
		 */
		async runWorkflow(id, { triggerNode, timeoutMs = 60_000 } = {}) {
			const workflowData = await client.getWorkflow(id);
			const trigger =
				triggerNode ?? workflowData.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger')?.name;
			if (!trigger) throw new Error(`workflow ${id} has no Manual Trigger; pass triggerNode`);
			const started = await request('POST', `/rest/workflows/${id}/run`, {
				workflowData,
				triggerToStartFrom: { name: trigger },
			});
			if (!started?.executionId) {
				throw new Error(`n8n did not start an execution: ${JSON.stringify(started)}`);
			}
			return await client.waitForExecution(started.executionId, { timeoutMs });
		},

		/** Executions of a workflow, newest first (summaries, no run data). */
		async listExecutions(workflowId, { limit = 100 } = {}) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const page = await request('GET', `/rest/executions?filter=${filter}&limit=${limit}`);
			return page.results;
		},

		/**
		 * One execution with its run data decoded: `data.resultData.runData` maps
		 * node names to runs; see nodeOutput().
		 */
		async getExecution(id) {
			const execution = await request('GET', `/rest/executions/${id}`);
			if (typeof execution.data === 'string') execution.data = unflatten(execution.data);
			return execution;
		},

		/** Polls until an execution has finished (any final status). */
		async waitForExecution(id, { timeoutMs = 60_000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const execution = await client.getExecution(id);
				if (!['new', 'running', 'waiting'].includes(execution.status) && execution.stoppedAt) return execution;
				if (Date.now() > deadline) throw new Error(`execution ${id} still ${execution.status} after ${timeoutMs} ms`);
				await sleep(200);
			}
		},

		/**
		 * Waits for the next finished execution of a workflow, e.g. after calling a
		 * webhook. Pass the ids seen before (`known`) so an older one is not taken.
		 */
		async waitForNewExecution(workflowId, { known = [], timeoutMs = 30_000 } = {}) {
			const seen = new Set(known.map(String));
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const fresh = (await client.listExecutions(workflowId)).filter((e) => !seen.has(String(e.id)));
				const finished = fresh.find((e) => !['new', 'running', 'waiting'].includes(e.status));
				if (finished) return await client.getExecution(finished.id);
				if (Date.now() > deadline) throw new Error(`no new execution of workflow ${workflowId} within ${timeoutMs} ms`);
				await sleep(200);
			}
		},

		/** Calls a production webhook: `/webhook/<path>`. Returns the fetch Response. */
		async callWebhook(path, { method = 'POST', headers = {}, body } = {}) {
			const isText = typeof body === 'string' || body instanceof Uint8Array;
			return await fetch(new URL(`webhook/${path.replace(/^\//, '')}`, baseUrl), {
				method,
				headers: { ...(body !== undefined && !isText ? { 'content-type': 'application/json' } : {}), ...headers },
				body: body === undefined ? undefined : isText ? body : JSON.stringify(body),
			});
		},
	};
	return client;
}

/** Items (json only) a node produced in an execution: run `run`, output `output`. */
export function nodeOutput(execution, nodeName, { run = 0, output = 0 } = {}) {
	const runs = execution.data?.resultData?.runData?.[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run (ran: ${Object.keys(execution.data?.resultData?.runData ?? {}).join(', ')})`);
	const error = runs[run]?.error;
	if (error) throw new Error(`node "${nodeName}" failed: ${error.message}`);
	return (runs[run]?.data?.main?.[output] ?? []).map((item) => item.json);
}

// n8n stores and sends run data in the "flatted" layout, which can represent
// shared and circular references: a JSON array whose first entry is the root;
// inside objects and arrays every string is the index (as a string) of the
// entry that holds the real value; numbers, booleans and null stay in place.
export function unflatten(text) {
	const table = JSON.parse(text);
	const done = new Map();
	const revive = (index) => {
		const value = table[index];
		if (value === null || typeof value !== 'object') return value;
		if (done.has(index)) return done.get(index);
		const copy = Array.isArray(value) ? [] : {};
		done.set(index, copy);
		for (const [key, item] of Object.entries(value)) {
			copy[key] = typeof item === 'string' ? revive(Number(item)) : item;
		}
		return copy;
	};
	return revive(0);
}

// ---------------------------------------------------------------- processes

/**
 * This process's environment without n8n's own settings: the developer's shell must not leak into an
 * instance. Nor NODE_ENV: jest sets it to "test" in its workers, and n8n started with it exits with code 1
 * before logging a line.
 */
export function inheritedEnv() {
	return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(N8N_|DB_|EXECUTIONS_|WEBHOOK_URL$|NODE_ENV$)/.test(key)));
}

const live = new Set();
let hooked = false;

/** Signals a process group (a detached child and what it started); a group already gone is fine. */
export function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

function untrack(pid) {
	live.delete(pid);
}

// A test run that crashes or is interrupted must not leave n8n servers behind.
function trackForCleanup(pid) {
	live.add(pid);
	if (hooked) return;
	hooked = true;
	process.on('exit', () => {
		for (const p of live) killGroup(p, 'SIGKILL');
	});
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.once(signal, () => {
			for (const p of live) killGroup(p, 'SIGKILL');
			// Without our listener the signal would have ended the process: do that.
			process.kill(process.pid, signal);
		});
	}
}

// Ports the OS reports free. All are held open until all are known, or the OS
// could hand out the same one twice.
export async function freePorts(count) {
	const servers = [];
	try {
		for (let i = 0; i < count; i++) {
			const server = createServer();
			servers.push(server);
			await new Promise((done, fail) => {
				server.once('error', fail);
				server.listen(0, '127.0.0.1', done);
			});
		}
		return servers.map((server) => server.address().port);
	} finally {
		await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
	}
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
