#!/usr/bin/env node
// `npm start`: the package in a real n8n, against the local platform sandbox, with no real accounts.
//
//   npm start                     n8n 2.0.3 (the first entry of scripts/n8n/versions.json)
//   npm start -- --n8n 2.41.1     another tested version (its own Node comes from the registry)
//
// Builds and packs the package, installs the pinned n8n into the user cache (first run only), starts
// the sandbox (fake Graph, Ayrshare and X APIs + control API) and n8n with the packed package installed like a user
// would, creates the owner, imports the sandbox credentials and the example workflows, activates
// the four trigger workflows, then prints what to open and what to try. Ctrl-C stops what it started.
// State lives in .tmp/demo-n8n (.tmp/demo-n8n-<version> for another version; delete it to start over).
//
// Env: DEMO_N8N_PORT (5678), SANDBOX_GRAPH_PORT (8088), SANDBOX_CONTROL_PORT (8089), SANDBOX_AYRSHARE_PORT (8090),
//      SANDBOX_X_PORT (8091),
//      DEMO_N8N_VERSION, DEMO_LISTEN_ADDRESS (127.0.0.1; 0.0.0.0 to reach it from outside).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createWriteStream, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { spawnSandbox } from '../test/fakes/sandbox/spawn.mjs';
import { ensureDependencies } from './ensure-deps.mjs';
import { inheritedEnv, killGroup } from './n8n/instance.mjs';
import { buildAndPack } from './pack.mjs';
import {
	DEMO_OWNER,
	EXAMPLES,
	SANDBOX_CREDENTIAL_ID,
	SANDBOX_IG_LOGIN_CREDENTIAL_ID,
	SANDBOX_AYRSHARE_CREDENTIAL_ID,
	SANDBOX_X_CREDENTIAL_ID,
	config,
	controlUrl,
	demoFolder,
	editorUrl,
	root,
	stateFile,
} from './demo/config.mjs';

const t0 = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const say = (text) => console.log(text);
const step = async (label, work) => {
	const started = Date.now();
	process.stdout.write(`- ${label}... `);
	const result = await work();
	say(`done (${seconds(started)})`);
	return result;
};

function parseArgs(argv) {
	const args = { n8n: process.env.DEMO_N8N_VERSION };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--n8n') args.n8n = argv[++i];
		else if (argv[i] === '--help' || argv[i] === '-h') args.help = true;
		else throw new Error(`Unknown argument ${argv[i]} (try --help)`);
	}
	return args;
}

// ------------------------------------------------------------------------------------------- children

const children = new Set(); // process-group leaders we started
process.on('exit', () => {
	for (const pid of children) killGroup(pid, 'SIGKILL');
});

let shuttingDown = false;
let n8n = null;
let sandbox = null;

async function shutdown(code, reason) {
	if (shuttingDown) return;
	shuttingDown = true;
	if (reason) say(`\n${reason}`);
	if (!n8n && !sandbox) process.exit(code);
	say('Stopping n8n and the sandbox...');
	const started = Date.now();
	// n8n gets SIGTERM and up to 10 s to shut down cleanly (instance.mjs), then SIGKILL.
	if (n8n) await n8n.stop({ keep: true }).catch(() => {});
	if (sandbox) await sandbox.stop();
	if (n8n) rmSync(stateFile, { force: true }); // the demo no longer runs
	say(`Stopped (${seconds(started)}).${config.dir ? ` State is kept in ${relative(process.cwd(), config.dir)}; \`npm start\` picks it up again.` : ''}`);
	process.exit(code);
}

function onSignals(handler) {
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		// instance.mjs adds its own listeners that SIGKILL n8n at once; the demo stops it gently instead.
		process.removeAllListeners(signal);
		process.on(signal, () => handler(signal));
	}
}

async function assertPortFree(port, what, envName) {
	await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', (error) => {
			reject(
				new Error(
					error.code === 'EADDRINUSE'
						? `Port ${port} (${what}) is in use. Is another \`npm start\` running? Stop it, or set ${envName} to another port.`
						: `Cannot listen on port ${port} (${what}): ${error.message}`,
				),
			);
		});
		server.listen(port, '127.0.0.1', () => server.close(resolve));
	});
}

// ------------------------------------------------------------------------------------------- steps

function run(command, args, { logFile, cwd = root, env = process.env } = {}) {
	const fd = logFile ? openSync(logFile, 'a') : 'inherit';
	const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', fd, fd], encoding: 'utf8' });
	if (logFile) closeSync(fd);
	if (result.status !== 0) {
		const tail = logFile ? `\n${readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}` : '';
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})${logFile ? `; see ${logFile}` : ''}${tail}`);
	}
}

async function packForDemo() {
	const logFile = join(config.dir, 'build.log');
	writeFileSync(logFile, '');
	const packDir = join(config.dir, 'package');
	rmSync(packDir, { recursive: true, force: true });
	mkdirSync(packDir, { recursive: true });
	const { tarball, version } = await buildAndPack(packDir, { logFile });
	return { tarball, version };
}

async function installN8nWithProgress(version, installN8n) {
	// install.mjs returns at once when the cache holds this version; a first install takes minutes.
	let ticker = null;
	const started = Date.now();
	const log = (line) => {
		if (line.includes('installing') && !ticker) {
			say(`\n  First run: installing n8n ${version} into the cache (about 4 minutes and 1.7 GB; later runs reuse it).`);
			ticker = setInterval(() => say(`  ... still installing n8n (${Math.round((Date.now() - started) / 1000)} s)`), 20_000);
		}
		if (line.includes('done in')) say(`  ${line.replace('[n8n-install] ', 'n8n installed: ')}`);
	};
	try {
		return await installN8n(version, { log });
	} finally {
		if (ticker) clearInterval(ticker);
	}
}

async function startSandbox(graphPort, controlPort, ayrsharePort, xPort) {
	const logFile = join(config.dir, 'sandbox.log');
	const log = createWriteStream(logFile, { flags: 'a' });
	let started;
	try {
		started = await spawnSandbox({
			env: {
				SANDBOX_GRAPH_PORT: String(graphPort),
				SANDBOX_CONTROL_PORT: String(controlPort),
				SANDBOX_AYRSHARE_PORT: String(ayrsharePort),
				SANDBOX_X_PORT: String(xPort),
			},
			detached: true,
			onSpawn: (child) => children.add(child.pid),
			onOutput: (chunk) => log.write(chunk),
		});
	} catch (error) {
		throw new Error(`${error.message}\n(whole log: ${logFile})`);
	}
	const { child } = started;
	let exited = child.exitCode === null ? null : { code: child.exitCode, signal: child.signalCode };
	const exit = exited ? Promise.resolve(exited) : new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
	return {
		graphUrl: started.graphUrl,
		controlUrl: started.controlUrl,
		ayrshareUrl: started.ayrshareUrl,
		xUrl: started.xUrl,
		logFile,
		pid: child.pid,
		exited: () => exited,
		exit,
		async stop() {
			if (!exited) {
				killGroup(child.pid, 'SIGTERM');
				const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000);
				await exit;
				clearTimeout(timer);
			}
			children.delete(child.pid);
		},
	};
}

/** The sandbox's fixture identities (ids, tokens, app secret), read from the fake's own source. */
async function sandboxFixtures() {
	const { tsImport } = await import('tsx/esm/api');
	return {
		...(await tsImport('../test/fakes/graph/fixtures.ts', import.meta.url)),
		ayrshare: await tsImport('../test/fakes/ayrshare/state.ts', import.meta.url),
		xCredentialData: (await tsImport('../test/fakes/x/fixtures.ts', import.meta.url)).xCredentialData,
	};
}

function sandboxCredentials(f, graphUrl, ayrshareUrl, xUrl) {
	return [
		{
			id: SANDBOX_CREDENTIAL_ID,
			name: 'Social Messaging (sandbox)',
			type: 'socialMessagingApi',
			data: f.metaGraphCredentialData(graphUrl),
		},
		{
			id: SANDBOX_IG_LOGIN_CREDENTIAL_ID,
			name: 'Social Messaging (sandbox, Instagram Login)',
			type: 'socialMessagingApi',
			// The account id filled in, so the demo's Instagram Login credential needs no lookup.
			data: { ...f.instagramLoginCredentialData(graphUrl), instagramAccountId: f.IG_ACCOUNT_ID },
		},
		{
			id: SANDBOX_AYRSHARE_CREDENTIAL_ID,
			name: 'Social Messaging (sandbox, Ayrshare)',
			type: 'socialMessagingApi',
			data: {
				provider: 'ayrshare',
				ayrshareApiKey: f.ayrshare.AYRSHARE_API_KEY,
				ayrshareProfileKey: f.ayrshare.PROFILE_KEY,
				ayrshareWebhookSecret: f.ayrshare.WEBHOOK_SECRET,
				ayrshareXApiKey: f.ayrshare.X_APP_KEY,
				ayrshareXApiSecret: f.ayrshare.X_APP_SECRET,
				useCustomBaseUrl: true,
				baseUrl: ayrshareUrl,
			},
		},
		{
			id: SANDBOX_X_CREDENTIAL_ID,
			name: 'Social Messaging (sandbox, X)',
			type: 'socialMessagingApi',
			data: f.xCredentialData(xUrl),
		},
	];
}

/**
 * n8n's REST API gives new credentials ids of its own; the example workflows reference the fixed id
 * `socialMessagingSandbox`, so the credentials go in through the CLI, which keeps ids (and updates an
 * existing one, so the sandbox URL is always current). It runs before `n8n start`: both use the
 * same SQLite file.
 */
function importCredentials({ nodeBin, n8nBin, env }, credentials) {
	const file = join(config.dir, 'sandbox-credentials.json');
	writeFileSync(file, JSON.stringify(credentials, null, '\t'));
	try {
		const inherited = inheritedEnv();
		run(nodeBin, [n8nBin, 'import:credentials', `--input=${file}`], {
			logFile: join(config.dir, 'import.log'),
			env: { ...inherited, ...env, N8N_USER_FOLDER: config.dir, N8N_DIAGNOSTICS_ENABLED: 'false', N8N_LOG_LEVEL: 'warn' },
		});
	} finally {
		rmSync(file, { force: true }); // it holds the (fake) secrets in plain text
	}
}

async function ensureOwner(instance) {
	const settings = await instance.request('GET', '/rest/settings');
	if (settings.userManagement?.showSetupOnFirstLoad) {
		await instance.setupOwner(DEMO_OWNER);
		return 'created';
	}
	try {
		await instance.login(DEMO_OWNER);
		return 'exists';
	} catch (error) {
		throw new Error(
			`Could not log in as ${DEMO_OWNER.email} (${error.message}). The demo's owner password was changed in n8n; ` +
				`delete ${config.dir} to start over.`,
		);
	}
}

const hash = (text) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Creates each example workflow once (the JSON in examples/, unchanged) and keeps it: edits made in
 * the editor survive restarts. When the file in examples/ changes, the demo's copy is replaced.
 * The trigger workflows (Messenger, Instagram, Ayrshare, X) are activated, which registers their webhooks with the sandbox.
 */
async function importWorkflows(instance, previous, sandboxStatus) {
	const existing = await instance.request('GET', '/rest/workflows');
	const byId = new Map(existing.map((w) => [String(w.id), w]));
	const results = {};
	for (const example of EXAMPLES) {
		const text = readFileSync(join(root, 'examples', example.file), 'utf8');
		const json = JSON.parse(text);
		const known = previous?.workflows?.[example.key];
		// By the id recorded last time, else by name (the state file is gone, or the import was cut short).
		let workflow = (known && byId.get(String(known.id))) ?? existing.find((w) => w.name === json.name);
		let action = 'kept';
		if (!workflow) {
			workflow = await instance.createWorkflow(json);
			action = 'imported';
		} else if (known?.hash !== hash(text)) {
			const current = await instance.getWorkflow(workflow.id);
			workflow = await instance.request('PATCH', `/rest/workflows/${workflow.id}`, {
				name: json.name,
				nodes: json.nodes,
				connections: json.connections,
				settings: json.settings,
				versionId: current.versionId,
			});
			action = `updated from examples/${example.file}`;
		}
		if (example.activate) {
			const current = await instance.getWorkflow(workflow.id);
			const object = example.platform === 'instagram' ? 'instagram' : 'page';
			const registered = async () => {
				const status = await sandboxStatus();
				const webhookId = json.nodes.find((n) => n.webhookId)?.webhookId;
				if (example.provider === 'ayrshare') return Object.values(status.ayrshareWebhooks ?? {}).some((url) => url.includes(webhookId));
				// X: a webhook that passed X's CRC, with the account's dm.received subscription on it.
				if (example.platform === 'x') return (status.xWebhooks ?? []).some((w) => w.url.includes(webhookId) && w.valid && w.subscriptions > 0);
				return status.appSubscriptions.some((s) => s.object === object && s.active !== false);
			};
			// A restarted n8n re-activates its active workflows itself, which registers them with the fresh
			// sandbox; that runs just after the REST API answers, so give it a moment.
			let live = current.active && (current.activeVersionId ?? current.versionId) === current.versionId;
			if (live) {
				const deadline = Date.now() + 10_000;
				while (!(await registered()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
				live = await registered();
			}
			if (!live) {
				if (current.active) await instance.deactivateWorkflow(workflow.id).catch(() => {});
				await instance.activateWorkflow(workflow.id, current.versionId);
				action += action === 'kept' && current.active ? ', re-activated' : ', activated';
			} else {
				action += ', active';
			}
		}
		results[example.key] = { id: String(workflow.id), name: json.name, hash: hash(text), action, active: !!example.activate };
	}
	return results;
}

async function fetchJson(url) {
	const res = await fetch(url);
	if (!res.ok) throw new Error(`GET ${url} -> ${res.status}`);
	return await res.json();
}

// ------------------------------------------------------------------------------------------- main

function printGuide({ version, packageVersion, owner, workflows, graphUrl, xUrl }) {
	const wf = (key) => workflows[key];
	const link = (key) => `${editorUrl}/workflow/${wf(key).id}`;
	const cmd = 'npm run sandbox:deliver --';
	say(`
================================================================================================
 Social Messaging demo: n8n ${version} with n8n-nodes-social-messaging ${packageVersion} (installed from
 its npm pack tarball) and the local platform sandbox. Nothing contacts Meta.

 Open      ${editorUrl}
 Log in    ${DEMO_OWNER.email}  /  ${DEMO_OWNER.password}${owner === 'created' ? '   (owner account just created)' : ''}

 Workflows
   ${wf('lead').name}
      ${link('lead')}   active: an Instagram DM starts it
   ${wf('support').name}
      ${link('support')}   active: a Messenger message starts it
   ${wf('order').name}
      ${link('order')}   open it and click "Execute workflow"
   ${wf('supportAyrshare').name}
      ${link('supportAyrshare')}   active: a message through Ayrshare starts it; "Execute workflow" from
      "Weekdays at 18:00" turns Ayrshare's out-of-office reply on, from "Weekdays at 9:00" off
   ${wf('xLead').name}
      ${link('xLead')}   active: an X DM starts it
 Credentials: "Social Messaging (sandbox)" (Meta Graph API) and "... (sandbox, Instagram Login)",
 both pointing at the sandbox (Custom Base URL ${graphUrl}); "... (sandbox, Ayrshare)" points at the
 sandbox's fake Ayrshare: switch a Social Messaging node to it to run the same workflow on Ayrshare;
 "... (sandbox, X)" (X API) points at the sandbox's X API (${xUrl}): pick Platform X in a Social
 Messaging node to list, read and send X DMs; the X lead funnel uses it.

 Make the sandbox send signed webhooks, as Meta would (in another terminal):
   ${cmd} --platform instagram --text "Hi"
        lead funnel: answers with quick replies (Pricing / Book a demo / Just browsing)
   ${cmd} --platform instagram --event quick_reply --payload PRICING
        lead funnel: shows the plans as a generic template
   ${cmd} --platform instagram --event postback --payload PLAN_GROWTH --title "Choose Growth"
        lead funnel: records the lead and confirms
   ${cmd} --platform messenger --text "Where is my order?"
        support desk: auto-reply (once an hour per person), mark seen, ticket
   ${cmd} --platform messenger --text "Hi" --signature wrong
        a forged delivery: n8n answers 403 and starts nothing
   ${cmd} --provider ayrshare --platform messenger --from john --text "Are you open?"
        out-of-office desk: Ayrshare's webhook (auto-reply by Ayrshare when on), ticket
   ${cmd} --platform x --text "Hi"
        X lead funnel: a signed X Activity API delivery; records the lead, asks a qualifying question
 Each command prints n8n's answer and the messages the workflow sent back through the sandbox.
 See the runs under Overview > Executions, or each workflow's Executions tab.

 Sandbox: Graph API ${graphUrl}, X API ${xUrl}, control API ${controlUrl} (GET /status, /requests, /deliveries)
 Logs:    ${relative(process.cwd(), join(config.dir, `n8n-${config.n8nPort}.log`))}, ${relative(process.cwd(), join(config.dir, 'sandbox.log'))}
 Ctrl-C stops n8n and the sandbox. State stays in ${relative(process.cwd(), config.dir)} (delete it to start over).
================================================================================================
 Ready in ${seconds(t0)}.`);
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1);
		say(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n'));
		return;
	}
	onSignals((signal) => shutdown(130, `${signal}: stopping before the demo was ready.`));

	ensureDependencies({ log: say });
	const { versions, installN8n } = await import('./n8n/install.mjs');
	const { startN8n } = await import('./n8n/instance.mjs');
	const version = args.n8n ?? versions[0].n8n;
	if (!versions.some((v) => v.n8n === version)) {
		throw new Error(`n8n ${version} is not in scripts/n8n/versions.json (tested: ${versions.map((v) => v.n8n).join(', ')})`);
	}

	config.dir = demoFolder(version, versions[0].n8n);
	mkdirSync(config.dir, { recursive: true });
	await assertPortFree(config.n8nPort, 'n8n', 'DEMO_N8N_PORT');
	await assertPortFree(config.graphPort, 'sandbox Graph API', 'SANDBOX_GRAPH_PORT');
	await assertPortFree(config.controlPort, 'sandbox control API', 'SANDBOX_CONTROL_PORT');

	say(`Social Messaging demo (n8n ${version}, state in ${relative(process.cwd(), config.dir)})`);
	const { tarball, version: packageVersion } = await step('Building and packing the package', async () => await packForDemo());
	const n8nInstall = await step(`Checking the n8n ${version} install in the cache`, () => installN8nWithProgress(version, installN8n));
	sandbox = await step(`Starting the sandbox on ports ${config.graphPort} and ${config.controlPort}`, () =>
		startSandbox(config.graphPort, config.controlPort, config.ayrsharePort, config.xPort),
	);
	const fixtures = await sandboxFixtures();
	await step('Importing the sandbox credentials', async () => importCredentials(n8nInstall, sandboxCredentials(fixtures, sandbox.graphUrl, sandbox.ayrshareUrl, sandbox.xUrl)));

	// The package is reinstalled from the fresh tarball on every start (same version number, new code).
	rmSync(join(config.dir, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-social-messaging'), { recursive: true, force: true });
	n8n = await step(`Starting n8n on ${editorUrl} with the package installed`, () =>
		startN8n({
			version,
			port: config.n8nPort,
			userFolder: config.dir,
			packages: [tarball],
			env: {
				N8N_EDITOR_BASE_URL: `${editorUrl}/`,
				...(process.env.DEMO_LISTEN_ADDRESS ? { N8N_LISTEN_ADDRESS: process.env.DEMO_LISTEN_ADDRESS } : {}),
			},
		}),
	);
	onSignals(() => shutdown(0));

	const owner = await step('Setting up the owner account', () => ensureOwner(n8n));
	// Which workflows this user folder got from which version of examples/ (ids and file hashes).
	const importedFile = join(config.dir, 'demo-workflows.json');
	const previous = (() => {
		try {
			return JSON.parse(readFileSync(importedFile, 'utf8'));
		} catch {
			return null;
		}
	})();
	const workflows = await step('Importing the example workflows and activating the triggers', () =>
		importWorkflows(n8n, previous, () => fetchJson(`${controlUrl}/status`)),
	);
	for (const w of Object.values(workflows)) say(`    ${w.name}: ${w.action}`);

	const status = await fetchJson(`${controlUrl}/status`);
	const objects = status.appSubscriptions.map((s) => s.object).sort();
	if (!(objects.includes('page') && objects.includes('instagram'))) {
		throw new Error(`the trigger workflows are active but the sandbox has webhooks only for [${objects.join(', ')}]; see ${n8n.logFile}`);
	}
	if (!(status.xWebhooks ?? []).some((w) => w.valid && w.subscriptions > 0)) {
		throw new Error(`the X lead funnel is active but the sandbox's X API has no webhook with a subscription; see ${n8n.logFile}`);
	}

	writeFileSync(importedFile, JSON.stringify({ workflows }, null, '\t'));
	writeFileSync(
		stateFile,
		JSON.stringify({ n8nVersion: version, userFolder: config.dir, editorUrl, controlUrl, graphUrl: sandbox.graphUrl, owner: DEMO_OWNER.email, workflows }, null, '\t'),
	);
	printGuide({ version, packageVersion, owner, workflows, graphUrl: sandbox.graphUrl, xUrl: sandbox.xUrl });

	// Runs until Ctrl-C; a child that dies on its own ends the demo.
	const n8nExit = new Promise((resolve) => {
		const timer = setInterval(() => {
			try {
				process.kill(n8n.pid, 0);
			} catch {
				clearInterval(timer);
				resolve();
			}
		}, 1000);
	});
	await Promise.race([
		n8nExit.then(() => shutdown(1, `n8n stopped on its own; see ${n8n.logFile}`)),
		sandbox.exit.then(() => shutdown(1, `The sandbox stopped on its own; see ${sandbox.logFile}`)),
	]);
}

main().catch(async (error) => {
	console.error(`\nnpm start failed: ${error.message}`);
	await shutdown(1);
});
