/**
 * n8n restarting under an active trigger, in an n8n this file starts, stops and starts again on the same
 * user folder and port (so the webhook URL stays the same), with the support-desk example: the trigger
 * changes nothing at Meta (n8n 2.0 re-activates the workflow and the trigger finds its registration in
 * place; newer n8n keeps the stored webhook) and deliveries keep arriving; Meta redelivering an event from before the restart starts no execution (the
 * trigger's memory of emitted events is in the workflow's static data, in n8n's database); the
 * auto-response's one-hour wait survives the restart too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { APP_ID, APP_SECRET, PAGE_ID, PAGE_TOKEN, USERS, appSecretProof, metaGraphCredentialData } from './lib/fixtures';
import { E2E, REPO, logTools, nodeOutput, startOwnN8n, type OwnN8n, type StoredWorkflow, type Workflow } from './lib/n8n';
import { requestsSince, startSandbox, type Recorded, type Sandbox } from './lib/sandbox';
import { executionsOf, subscribedFields } from './lib/triggers';

const WEBHOOK_ID = '64bedc82-c874-585a-b2c6-8cc10dc5520f'; // the example's trigger
let sandbox: Sandbox;
let n8n: OwnN8n;
let userFolder: string;

beforeAll(async () => {
	[sandbox, n8n] = await Promise.all([startSandbox(), startOwnN8n({ installPackage: true })]);
	userFolder = n8n.userFolder;
	await n8n.setupOwner();
});

afterAll(async () => {
	await n8n?.stop();
	if (userFolder) rmSync(userFolder, { recursive: true, force: true });
	await sandbox?.stop();
});

const proof = appSecretProof(APP_SECRET, PAGE_TOKEN);
const appGet: Recorded = { method: 'GET', path: `/${APP_ID}/subscriptions`, version: 'v23.0', query: {}, status: 200 };
const pageGet: Recorded = { method: 'GET', path: `/${PAGE_ID}/subscribed_apps`, version: 'v23.0', query: { appsecret_proof: proof }, status: 200 };
const markSeen: Recorded = {
	method: 'POST',
	path: `/${PAGE_ID}/messages`,
	version: 'v23.0',
	query: { appsecret_proof: proof },
	body: { recipient: { id: USERS.bob.id }, sender_action: 'mark_seen' },
	status: 200,
};

describe(`n8n ${E2E.version} restarting with an active Social Messaging Trigger`, () => {
	let workflow: StoredWorkflow;
	let firstExecution: string;
	let firstDelivery: Buffer;

	it('before the restart: the support desk is active and auto-replies to a first message', async () => {
		const credential = await n8n.importCredential({
			name: 'Social Messaging (sandbox)',
			type: 'socialMessagingApi',
			data: metaGraphCredentialData(sandbox.graphUrl),
		});
		const example = JSON.parse(readFileSync(join(REPO, 'examples', 'support-desk-auto-reply.json'), 'utf8')) as Workflow;
		const nodes = example.nodes.map((node) => (node.credentials ? { ...node, credentials: { socialMessagingApi: { id: credential.id, name: credential.name } } } : node));
		workflow = await n8n.createWorkflow({ ...example, nodes });
		await n8n.activateWorkflow(workflow.id, workflow.versionId);

		const result = await sandbox.deliver({ platform: 'messenger', event: 'message', from: 'bob', text: 'Before the restart' });
		expect(result.result?.status).toBe(200);
		firstDelivery = Buffer.from(result.result!.sentBody.data);
		const execution = await n8n.waitForNewExecution(workflow.id);
		firstExecution = String(execution.id);
		expect((await nodeOutput(execution, 'Ticket for the support team')).map((item) => item.autoReply)).toStrictEqual(['sent']);
	});

	it('after the restart: nothing changes at Meta, a redelivery of the earlier event is dropped, the auto-reply wait holds', async () => {
		const { appSubscriptions } = await sandbox.status();
		const port = n8n.port;
		await n8n.stop({ keep: true });
		const since = await sandbox.mark();
		n8n = await startOwnN8n({ installPackage: false, userFolder, port });
		await n8n.login();
		// n8n logs "Editor is now accessible" once it has re-activated the active workflows (2.0) or
		// started re-publishing them (newer n8n).
		const deadline = Date.now() + 30_000;
		while ((n8n.log().match(/Editor is now accessible via/g) ?? []).length < 2) {
			// n8n did not finish starting within 30 s
			expect(Date.now()).toBeLessThan(deadline);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		// Read-only at most: n8n 2.0 runs the activation again and the trigger finds everything in place;
		// newer n8n keeps the stored webhook registered and asks nothing.
		const startupRequests = await requestsSince(sandbox, since);
		// requests to Meta during the restart: ${JSON.stringify(startupRequests)}
		expect(isDeepStrictEqual(startupRequests, []) || isDeepStrictEqual(startupRequests, [appGet, pageGet])).toBeTruthy();
		expect((await sandbox.status()).appSubscriptions).toStrictEqual(appSubscriptions);
		expect((await n8n.getWorkflow(workflow.id)).active).toBe(true);

		// Meta redelivers the event from before the restart (same bytes, same signature): acknowledged,
		// and dropped as already emitted.
		const redelivered = await fetch(`${n8n.url}webhook/${WEBHOOK_ID}/webhook`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET).update(firstDelivery).digest('hex')}`,
			},
			body: firstDelivery,
		});
		expect(redelivered.status).toBe(200);
		expect(await redelivered.text()).toBe('EVENT_RECEIVED');

		// A new message within the hour: no second auto-reply, marked seen and ticketed. Once its
		// execution is there, one for the redelivery (handled first) would be too.
		const result = await sandbox.deliver({ platform: 'messenger', event: 'message', from: 'bob', text: 'After the restart' });
		expect(result.result?.status).toBe(200);
		const execution = await n8n.waitForNewExecution(workflow.id, { known: [firstExecution] });
		expect((await nodeOutput(execution, 'Ticket for the support team')).map((item) => [item.message, item.autoReply])).toStrictEqual([['After the restart', 'skipped']]);
		expect((await executionsOf(n8n, workflow)).sort()).toStrictEqual([firstExecution, String(execution.id)].sort());
		expect(await requestsSince(sandbox, since)).toStrictEqual([...startupRequests, markSeen]);
	});

	it('deactivation after the restart still removes what the trigger registered before it', async () => {
		await n8n.deactivateWorkflow(workflow.id);
		expect((await sandbox.status()).appSubscriptions).toStrictEqual([]);
		expect(await subscribedFields(sandbox, PAGE_ID, PAGE_TOKEN)).toBeUndefined();
	});

	it('neither start logged a warning or an error', async () => {
		const { logProblems, packageLoadEntry } = await logTools();
		const log = n8n.log();
		// n8n did not load the package
		expect(packageLoadEntry(log)).toBeTruthy();
		const problems = logProblems(log);
		// no unexpected entries in n8n's log (a failure lists them)
		expect(problems).toStrictEqual([]);
	});
});
