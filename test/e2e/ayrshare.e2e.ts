/**
 * Ayrshare and the Auto-Response resource inside a real n8n: an Ayrshare credential's operations against
 * the fake Ayrshare (run in this process; n8n reaches it over loopback), the Ayrshare trigger's webhook
 * registration and a signed delivery, and an auto-response set by one workflow and applied by the Meta
 * trigger of another (the Schedule / support-desk layout), then turned off again.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';

import { PEOPLE, PROFILE_KEY, WEBHOOK_SECRET, messagesPayload, signatureHeaders, startFakeAyrshare, type FakeAyrshare } from '../fakes/ayrshare';
import { PAGE_ID } from './lib/fixtures';
import { E2E, nodeOutput, type StoredWorkflow } from './lib/n8n';
import { createTriggerWorkflow, deliverSigned, executionsOf, requestsSince, triggerItems, useTriggerContext } from './lib/triggers';
import { byId, chain, manualTrigger, socialMessaging, type CredentialRef } from './lib/workflows';
import { ayrshareCredentials } from '../workflows/ayrshare.setup';

const ctx = useTriggerContext();
let ayrshare: FakeAyrshare;
let credential: CredentialRef;

let ready: Promise<void> | undefined;
/** The fake Ayrshare and its credential in n8n, made once the file's n8n context exists. */
async function setUp(): Promise<void> {
	ready ??= (async () => {
		ayrshare = await startFakeAyrshare();
		credential = await ctx().n8n.importCredential({ name: `Fake Ayrshare ${randomUUID().slice(0, 6)}`, type: 'socialMessagingApi', data: ayrshareCredentials(ayrshare) });
	})();
	await ready;
}
afterAll(async () => await ayrshare?.close());

async function runAction(name: string, parameters: Record<string, unknown>, credentialRef?: CredentialRef) {
	await setUp();
	credentialRef ??= credential;
	const stored = await ctx().n8n.createWorkflow(chain(name, [manualTrigger(), socialMessaging('Act', parameters, credentialRef)]));
	const execution = await ctx().n8n.runWorkflow(stored.id);
	// JSON.stringify(execution).slice(0, 2000)
	expect(execution.status).toBe('success');
	return await nodeOutput(execution, 'Act');
}

describe(`Ayrshare in n8n ${E2E.version}`, () => {
	it('Conversation > Get Many and Message > Send on Messenger through the Ayrshare credential', async () => {
		await setUp();
		ayrshare.clearRequests();
		const conversations = await runAction('e2e ayrshare: conversations', { platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true });
		expect(conversations.map((item) => item.id)).toStrictEqual([PEOPLE.facebook.conversation, PEOPLE.facebookOther.conversation]);
		const sent = await runAction('e2e ayrshare: send', { platform: 'messenger', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(PEOPLE.facebook.id), messageType: 'text', text: 'Hello from n8n' });
		expect(sent[0].recipientId).toBe(PEOPLE.facebook.id);
		expect(ayrshare.requests.map((call) => [call.method, call.path, call.query, call.body, call.headers['profile-key']])).toStrictEqual([
			['GET', '/messages/facebook', { conversationsOnly: 'true', status: 'active' }, undefined, PROFILE_KEY],
			['POST', '/messages/facebook', {}, { recipientId: PEOPLE.facebook.id, message: 'Hello from n8n' }, PROFILE_KEY],
		]);
	});

	it('Auto-Response Set and Get on Ayrshare\'s server', async () => {
		await setUp();
		ayrshare.clearRequests();
		const set = await runAction('e2e ayrshare: auto-response set', { platform: 'instagram', resource: 'autoResponse', operation: 'set', autoResponseActive: true, autoResponseMessage: 'Back at 9', autoResponseWaitSeconds: 3600 });
		expect(set[0]).toStrictEqual({ active: true, message: 'Back at 9', waitSeconds: 3600, provider: 'ayrshare', account: 'the Ayrshare profile: its Facebook, Instagram and X at once' });
		const got = await runAction('e2e ayrshare: auto-response get', { platform: 'x', resource: 'autoResponse', operation: 'get' });
		expect(got[0].message).toBe('Back at 9');
		expect(ayrshare.requests.map((call) => `${call.method} ${call.path}`)).toStrictEqual(['POST /messages/autoresponse', 'GET /messages/autoresponse']);
	});

	it('the Ayrshare trigger registers its production URL, runs once per signed delivery, and deletes the webhook', async () => {
		await setUp();
		ayrshare.clearRequests();
		const { workflow, url } = await createTriggerWorkflow(ctx().n8n, 'e2e ayrshare: trigger', { platform: 'messenger', events: ['message'] }, credential);
		await ctx().n8n.activateWorkflow(workflow.id, workflow.versionId);
		expect(ayrshare.state.profiles.get(PROFILE_KEY)?.webhook).toStrictEqual({ url, secret: WEBHOOK_SECRET });
		const body = JSON.stringify(messagesPayload({ subAction: 'messageCreated', platform: 'facebook', senderId: PEOPLE.facebook.id, recipientId: '106638148652329', conversationId: PEOPLE.facebook.conversation, hookId: `e2e-${randomUUID()}`, message: 'Is anyone there?' }));
		for (let attempt = 1; attempt <= 2; attempt++) {
			const response = await fetch(url, { method: 'POST', headers: signatureHeaders(body, { secret: WEBHOOK_SECRET, attempt }), body });
			expect(response.status).toBe(200);
		}
		const execution = await ctx().n8n.waitForNewExecution(workflow.id);
		const items = await triggerItems(await ctx().n8n.waitForExecution(String(execution.id)));
		expect(items[0].text).toBe('Is anyone there?');
		// the retry started nothing
		expect((await executionsOf(ctx().n8n, workflow)).length).toBe(1);
		await ctx().n8n.deactivateWorkflow(workflow.id);
		expect(ayrshare.state.profiles.get(PROFILE_KEY)?.webhook).toBeUndefined();
	});
});

describe(`Auto-Response across workflows on Meta in n8n ${E2E.version}`, () => {
	let support: StoredWorkflow;
	let url: string;

	it('a Set in one workflow is applied by the trigger of another; Turn Off stops it', async () => {
		({ workflow: support, url } = await createTriggerWorkflow(ctx().n8n, 'e2e support desk', { platform: 'messenger', events: ['message'] }, ctx().metaGraph));
		await ctx().n8n.activateWorkflow(support.id, support.versionId);

		const set = await runAction('e2e schedule: out of office on', { platform: 'messenger', resource: 'autoResponse', operation: 'set', autoResponseActive: true, autoResponseMessage: 'Out of office until 9:00', autoResponseWaitSeconds: 0, triggerUrl: url }, ctx().metaGraph);
		expect(set[0]).toStrictEqual({ active: true, message: 'Out of office until 9:00', waitSeconds: 0, provider: 'metaGraph', account: PAGE_ID, appliedBy: 'trigger' });

		const since = await ctx().sandbox.mark();
		await deliverSigned(ctx().sandbox, { platform: 'messenger', event: 'message', from: 'alice', text: 'Hello?' });
		const first = await ctx().n8n.waitForExecution(String((await ctx().n8n.waitForNewExecution(support.id)).id));
		expect(((await triggerItems(first))[0].autoResponse as Record<string, unknown>).status).toBe('sent');
		const sends = (await requestsSince(ctx().sandbox, since)).filter((call) => call.method === 'POST' && call.path === `/${PAGE_ID}/messages`);
		expect(sends.length).toBe(1);
		expect((sends[0].body as Record<string, unknown>).message).toStrictEqual({ text: 'Out of office until 9:00' });

		await runAction('e2e schedule: out of office off', { platform: 'messenger', resource: 'autoResponse', operation: 'turnOff', triggerUrl: url }, ctx().metaGraph);
		const known = await executionsOf(ctx().n8n, support);
		const later = await ctx().sandbox.mark();
		await deliverSigned(ctx().sandbox, { platform: 'messenger', event: 'message', from: 'alice', text: 'Still there?' });
		const second = await ctx().n8n.waitForExecution(String((await ctx().n8n.waitForNewExecution(support.id, { known })).id));
		expect((await triggerItems(second))[0].autoResponse).toBeUndefined();
		expect((await requestsSince(ctx().sandbox, later)).filter((call) => call.method === 'POST' && call.path === `/${PAGE_ID}/messages`).length).toBe(0);
		await ctx().n8n.deactivateWorkflow(support.id);
	});
});
