#!/usr/bin/env node
// `npm run screenshots`: regenerates docs/screenshots/*.png from the running demo (`npm start` in
// another terminal) with headless Chromium (Debian's `chromium` package; no browser is downloaded).
//
//   lead-generation-workflow.png   the lead-generation funnel on the canvas
//   send-message.png               a Send operation with quick replies, its input and its real output
//   trigger-settings.png           the trigger with auto-response, and an event it emitted
//
// For the node views it makes the sandbox deliver a message, takes the trigger's items from that
// execution as pinned data of a temporary copy of the workflow, and runs the node there, so input and
// output are real. The copies are deleted afterwards; the demo's workflows are not changed.
//
// Env: CHROMIUM_PATH (/usr/bin/chromium), SCREENSHOT_SCALE (device pixel ratio, 2).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { restClient, unflatten } from './n8n/instance.mjs';
import { DEMO_OWNER, controlUrl, readState, root } from './demo/config.mjs';

const outDir = join(root, 'docs', 'screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const scale = Number(process.env.SCREENSHOT_SCALE ?? 2);
// Chromium as root, offline: no sandbox, and none of its background calls to Google.
const chromiumArgs = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--hide-scrollbars',
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function deliver(body) {
	const res = await fetch(`${controlUrl}/deliver`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const json = await res.json();
	if (!json.delivered || json.result.status !== 200) throw new Error(`the sandbox delivery failed: ${JSON.stringify({ ...json, result: { status: json.result?.status, body: json.result?.body } })}`);
}

/** Makes the sandbox deliver `event` and returns the trigger's items of the execution it started. */
async function realTriggerItems(n8n, workflowId, triggerName, event) {
	const known = new Set((await n8n.listExecutions(workflowId, { limit: 50 })).map((e) => String(e.id)));
	await deliver(event);
	const deadline = Date.now() + 20_000;
	while (Date.now() < deadline) {
		const fresh = (await n8n.listExecutions(workflowId, { limit: 50 })).find((e) => !known.has(String(e.id)) && e.stoppedAt);
		if (fresh) {
			const execution = await n8n.request('GET', `/rest/executions/${fresh.id}`);
			const data = typeof execution.data === 'string' ? unflatten(execution.data) : execution.data;
			const items = data.resultData.runData[triggerName]?.[0]?.data?.main?.[0];
			if (!items?.length) throw new Error(`execution ${fresh.id} has no output from "${triggerName}"`);
			return items.map((item) => ({ json: item.json }));
		}
		await sleep(250);
	}
	throw new Error(`the delivery started no execution of workflow ${workflowId} within 20 s`);
}

/**
 * A Messenger fixture person the support desk's auto-response has not answered within its wait, so the
 * picture shows a reply sent rather than skipped (the trigger keeps the times in its static data).
 */
async function personOutOfCooldown(n8n, workflowId, triggerName) {
	const { tsImport } = await import('tsx/esm/api');
	const { USERS, PAGE_ID } = await tsImport('../test/fakes/graph/fixtures.ts', import.meta.url);
	const workflow = await n8n.request('GET', `/rest/workflows/${workflowId}`);
	const trigger = workflow.nodes.find((node) => node.name === triggerName);
	const waitMs = (trigger.parameters.autoResponseWaitSeconds ?? 3600) * 1000;
	const answered = workflow.staticData?.[`node:${triggerName}`]?.autoResponses ?? {};
	const candidates = ['chloe', 'bob', 'alice'];
	return candidates.find((key) => !(Date.now() - (answered[`${PAGE_ID}:${USERS[key].id}`] ?? 0) < waitMs)) ?? candidates[0];
}

/** An inactive copy of a demo workflow with the trigger's output pinned; deleted by the caller. */
async function copyWithPinnedTrigger(n8n, workflowId, triggerName, items) {
	const original = await n8n.request('GET', `/rest/workflows/${workflowId}`);
	const copy = await n8n.request('POST', '/rest/workflows', {
		name: original.name,
		nodes: original.nodes,
		connections: original.connections,
		settings: original.settings,
		pinData: { [triggerName]: items },
		active: false,
	});
	return copy.id;
}

async function openWorkflow(page, editorUrl, id) {
	await page.goto(`${editorUrl}/workflow/${id}`);
	await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
	// Icons and fonts load after the nodes appear.
	await page.waitForLoadState('networkidle');
	await sleep(1000);
	// Newer n8n opens a "Production Checklist" over the canvas of an active workflow.
	const checklist = await page.$('[data-test-id="suggested-actions-close"]');
	if (checklist) await checklist.click().catch(() => {});
	await sleep(300);
}

async function openNode(page, name) {
	await page.dblclick(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
	await page.waitForSelector('[data-test-id="ndv"]', { state: 'visible' });
	await sleep(800);
}

/** Switches the node view's output panel to Schema, Table or JSON. */
async function outputView(page, mode) {
	await page.click(`[data-test-id="output-panel"] [data-test-id="ndv-run-data-display-mode"] >> text="${mode}"`);
	await sleep(500);
}

async function main() {
	const state = readState();
	if (!state) throw new Error('No demo state found. Start the demo first (npm start), then run this in another terminal.');
	try {
		await fetch(`${state.editorUrl}/healthz`);
	} catch {
		throw new Error(`n8n does not answer at ${state.editorUrl}. Start the demo first (npm start), then run this in another terminal.`);
	}
	if (!existsSync(chromiumPath)) {
		throw new Error(`No Chromium at ${chromiumPath}. Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.`);
	}
	const { chromium } = await import('playwright-core');
	mkdirSync(outDir, { recursive: true });

	const n8n = restClient(`${state.editorUrl}/`);
	await n8n.login(DEMO_OWNER);
	const copies = [];
	const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
	try {
		const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: scale, colorScheme: 'light' });
		const [name, value] = n8n.cookie().split('=');
		await context.addCookies([{ name, value, url: state.editorUrl }]);
		// n8n's one-time hints ("You can pin this output ...") would cover the pictures.
		await context.addInitScript(() => {
			for (const flag of ['N8N_PIN_DATA_DISCOVERY_NDV', 'N8N_PIN_DATA_DISCOVERY_CANVAS']) localStorage.setItem(flag, 'true');
		});
		const page = await context.newPage();
		const shot = async (file) => {
			await page.mouse.move(0, 0); // no hover effects or tooltips
			for (const close of await page.$$('.el-notification__closeBtn')) await close.click().catch(() => {});
			await sleep(600);
			await page.screenshot({ path: join(outDir, file) });
			console.log(`  docs/screenshots/${file}`);
		};

		// 1. The lead-generation funnel, as the demo imported and activated it.
		await openWorkflow(page, state.editorUrl, state.workflows.lead.id);
		await page.keyboard.press('1'); // zoom to fit, then one step out to leave room for the toolbar
		await sleep(400);
		await page.keyboard.press('-');
		await sleep(600);
		await shot('lead-generation-workflow.png');

		// 2. Send with quick replies: real input (an Instagram DM) and real output (the sandbox's answer).
		const dm = await realTriggerItems(n8n, state.workflows.lead.id, 'Instagram DM', {
			platform: 'instagram',
			event: 'message',
			from: 'kenji',
			text: 'Hi! Do you offer a team plan?',
		});
		const leadCopy = await copyWithPinnedTrigger(n8n, state.workflows.lead.id, 'Instagram DM', dm);
		copies.push(leadCopy);
		await page.setViewportSize({ width: 1280, height: 1240 });
		await openWorkflow(page, state.editorUrl, leadCopy);
		await openNode(page, 'Ask what they need');
		await page.click('[data-test-id="node-execute-button"]');
		await page.waitForSelector('[data-test-id="output-panel"] [data-test-id="ndv-data-container"] table, [data-test-id="output-panel"] .json-data', {
			timeout: 30_000,
		});
		await outputView(page, 'JSON');
		await shot('send-message.png');

		// 3. The trigger's settings (auto-response) and an event it emitted.
		const message = await realTriggerItems(n8n, state.workflows.support.id, 'Messenger inbox', {
			platform: 'messenger',
			event: 'message',
			from: await personOutOfCooldown(n8n, state.workflows.support.id, 'Messenger inbox'),
			text: 'Hello, where is my order #10042?',
		});
		const supportCopy = await copyWithPinnedTrigger(n8n, state.workflows.support.id, 'Messenger inbox', message);
		copies.push(supportCopy);
		await page.setViewportSize({ width: 1280, height: 860 });
		await openWorkflow(page, state.editorUrl, supportCopy);
		await openNode(page, 'Messenger inbox');
		await outputView(page, 'Schema');
		await shot('trigger-settings.png');
	} finally {
		await browser.close();
		for (const id of copies) await n8n.request('DELETE', `/rest/workflows/${id}`).catch(() => archiveAndDelete(n8n, id));
	}
}

// n8n 2.x only deletes archived workflows.
async function archiveAndDelete(n8n, id) {
	await n8n.request('POST', `/rest/workflows/${id}/archive`, {}).catch(() => {});
	await n8n.request('DELETE', `/rest/workflows/${id}`).catch((error) => console.error(`Could not delete the temporary workflow ${id}: ${error.message}`));
}

const started = Date.now();
console.log('Taking screenshots of the running demo...');
main()
	.then(() => console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`))
	.catch((error) => {
		console.error(error.message);
		process.exit(1);
	});
