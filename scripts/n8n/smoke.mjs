#!/usr/bin/env node
// Checks that install.mjs and instance.mjs work against a real n8n:
//   node scripts/n8n/smoke.mjs [version|all]
// Starts n8n, sets up the owner, stores a credential, runs a manual workflow
// (Manual Trigger -> Set -> Code), activates a Webhook workflow, calls it,
// reads the executions back and deactivates it. Prints timings and memory.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { versions } from './install.mjs';
import { nodeOutput, startN8n } from './instance.mjs';

const manualWorkflow = {
	name: 'smoke: manual',
	nodes: [
		{ id: 'm1', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'm2',
			name: 'Set',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: {
				assignments: { assignments: [{ id: 'a1', name: 'hello', type: 'string', value: 'world' }] },
				options: {},
			},
		},
		{
			id: 'm3',
			name: 'Code',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [400, 0],
			parameters: { jsCode: 'return $input.all().map((item) => ({ json: { ...item.json, n: 42 } }));' },
		},
	],
	connections: {
		Manual: { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
		Set: { main: [[{ node: 'Code', type: 'main', index: 0 }]] },
	},
};

const webhookWorkflow = {
	name: 'smoke: webhook',
	nodes: [
		{
			id: 'w1',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: '3b0f3c39-5a43-4d7e-9d0e-2f0e8f7f1a10',
			parameters: { httpMethod: 'POST', path: 'smoke', responseMode: 'onReceived', options: {} },
		},
		{
			id: 'w2',
			name: 'Code',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [200, 0],
			parameters: { jsCode: 'return [{ json: { got: $input.first().json.body } }];' },
		},
	],
	connections: { Webhook: { main: [[{ node: 'Code', type: 'main', index: 0 }]] } },
};

// Resident memory of n8n and its task runner, from /proc (Linux only).
function groupRssMb(pid) {
	let total = 0;
	for (const p of [pid, ...childrenOf(pid)]) {
		const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
		if (match) total += Number(match[1]);
	}
	return Math.round(total / 1024);
}

function childrenOf(pid) {
	try {
		return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
	} catch {
		return [];
	}
}

async function smoke(version) {
	const t0 = Date.now();
	const n8n = await startN8n({ version });
	const times = { start: n8n.startMs };
	try {
		await n8n.setupOwner();

		const cred = await n8n.importCredential({ name: 'smoke header', type: 'httpHeaderAuth', data: { name: 'X-Key', value: 'k' } });
		assert.ok(cred.id, 'credential id');

		let t = Date.now();
		const wf = await n8n.createWorkflow(manualWorkflow);
		assert.ok(wf.id && wf.versionId, 'workflow id and versionId');
		const execution = await n8n.runWorkflow(wf.id);
		times.manualRun = Date.now() - t;
		assert.equal(execution.status, 'success');
		assert.deepEqual(nodeOutput(execution, 'Code'), [{ hello: 'world', n: 42 }]);
		const listed = await n8n.listExecutions(wf.id);
		assert.equal(listed.length, 1);
		assert.equal(String(listed[0].id), String(execution.id));

		t = Date.now();
		const hook = await n8n.createWorkflow(webhookWorkflow);
		await n8n.activateWorkflow(hook.id, hook.versionId);
		times.activate = Date.now() - t;
		t = Date.now();
		const res = await n8n.callWebhook('smoke', { body: { ping: 1 } });
		assert.equal(res.status, 200, await res.clone().text());
		const hookRun = await n8n.waitForNewExecution(hook.id);
		times.webhookRun = Date.now() - t;
		assert.equal(hookRun.mode, 'webhook');
		assert.deepEqual(nodeOutput(hookRun, 'Code'), [{ got: { ping: 1 } }]);
		await n8n.deactivateWorkflow(hook.id);
		const gone = await n8n.callWebhook('smoke', { body: {} });
		assert.equal(gone.status, 404);

		const rssMb = groupRssMb(n8n.pid);
		console.log(JSON.stringify({ version, ok: true, times, rssMb, total: Date.now() - t0, logFile: n8n.logFile }));
	} finally {
		await n8n.stop();
	}
}

const wanted = process.argv[2] ?? 'all';
const list = wanted === 'all' ? versions.map((v) => v.n8n) : [wanted];
let failed = false;
for (const version of list) {
	try {
		await smoke(version);
	} catch (error) {
		failed = true;
		console.error(`n8n ${version}: ${error.stack}`);
	}
}
process.exit(failed ? 1 : 0);
