/**
 * The action node's Auto-Response resource on every provider. Ayrshare: its server-side
 * `/messages/autoresponse` (no DELETE, "" resets the text, so an empty field is never sent). Meta and X:
 * a signed control request to the Social Messaging Trigger of another workflow, which applies the setting
 * to the next messages; each test asserts the exact requests and the settings in force it outputs.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { DEFAULT_AUTO_RESPONSE_TEXT, PROFILE_KEY, PROFILE_NO_MESSAGING } from '../fakes/ayrshare';
import { PAGE_ID, USERS, messageEvent, startFakeGraph, webhookPayload, type FakeGraph } from '../fakes/graph';
import type { TriggerHarness } from '../harness/webhook';
import { metaCredentials, runSocialMessaging } from './setup';
import { Triggers, deliverAndSettle, itemsOf } from './trigger-setup';
import { assertAyrshareCall, assertNoSecrets, ayrshareCredentials, useFakeAyrshare } from './ayrshare.setup';

const ayrshare = useFakeAyrshare();
const SCOPE = 'the Ayrshare profile: its Facebook, Instagram and X at once';

const onAyrshare = async (parameters: INodeParameters, overrides: ICredentialDataDecryptedObject = {}) =>
	await runSocialMessaging(ayrshareCredentials(ayrshare(), overrides), { platform: 'messenger', resource: 'autoResponse', ...parameters });

describe('Auto-Response on Ayrshare (server-side, per profile)', () => {
	beforeEach(() => {
		ayrshare().clearRequests();
		ayrshare().state.profiles.get(PROFILE_KEY)!.autoResponse = undefined;
	});

	it('Get with nothing set: Ayrshare\'s defaults, and what it will send', async () => {
		const result = await onAyrshare({ operation: 'get' });
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(ayrshare().requests.length).toBe(1);
		assertAyrshareCall(ayrshare().requests[0], { method: 'GET', path: '/messages/autoresponse' });
		expect(result.items[0].json).toStrictEqual({ active: false, message: null, waitSeconds: 86400, provider: 'ayrshare', account: SCOPE, note: 'No text set: Ayrshare sends its default text.' });
	});

	it('Set sends the three settings and outputs what Ayrshare updated', async () => {
		const result = await onAyrshare({ operation: 'set', autoResponseActive: true, autoResponseMessage: 'Out of office until 9:00', autoResponseWaitSeconds: 3600 });
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(ayrshare().requests.length).toBe(1);
		assertAyrshareCall(ayrshare().requests[0], { method: 'POST', path: '/messages/autoresponse', body: { autoResponseActive: true, autoResponseWaitSeconds: 3600, autoResponseMessage: 'Out of office until 9:00' } });
		expect(result.items[0].json).toStrictEqual({ active: true, message: 'Out of office until 9:00', waitSeconds: 3600, provider: 'ayrshare', account: SCOPE });
	});

	it('Set with an empty Message never sends one (it would reset the text): the text set before stays', async () => {
		await onAyrshare({ operation: 'set', autoResponseActive: true, autoResponseMessage: 'Back at 9', autoResponseWaitSeconds: 60 });
		ayrshare().clearRequests();
		const result = await onAyrshare({ operation: 'set', autoResponseActive: true, autoResponseMessage: '', autoResponseWaitSeconds: 120 });
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(ayrshare().requests.length).toBe(2);
		assertAyrshareCall(ayrshare().requests[0], { method: 'POST', path: '/messages/autoresponse', body: { autoResponseActive: true, autoResponseWaitSeconds: 120 } });
		assertAyrshareCall(ayrshare().requests[1], { method: 'GET', path: '/messages/autoresponse' });
		expect(result.items[0].json).toStrictEqual({ active: true, message: 'Back at 9', waitSeconds: 120, provider: 'ayrshare', account: SCOPE });
	});

	it('Reset Message to Ayrshare Default sends "" and says so', async () => {
		const result = await onAyrshare({ operation: 'set', autoResponseActive: true, autoResponseMessage: 'ignored', autoResponseWaitSeconds: 86400, autoResponseOptions: { resetMessage: true } });
		// result.error?.message
		expect(result.error).toBeUndefined();
		assertAyrshareCall(ayrshare().requests[0], { method: 'POST', path: '/messages/autoresponse', body: { autoResponseActive: true, autoResponseWaitSeconds: 86400, autoResponseMessage: '' } });
		expect(result.items[0].json.message).toBe(DEFAULT_AUTO_RESPONSE_TEXT);
		expect(result.items[0].json.note).toBe('The message was reset to Ayrshare\'s default text.');
	});

	it('Turn Off sends autoResponseActive false (Ayrshare has no DELETE); the text stays', async () => {
		await onAyrshare({ operation: 'set', autoResponseActive: true, autoResponseMessage: 'Closed today', autoResponseWaitSeconds: 600 });
		ayrshare().clearRequests();
		const result = await onAyrshare({ operation: 'turnOff' }, {});
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(ayrshare().requests.map((call) => [call.method, call.path, call.body])).toStrictEqual([['POST', '/messages/autoresponse', { autoResponseActive: false }], ['GET', '/messages/autoresponse', undefined]]);
		expect(result.items[0].json).toStrictEqual({ active: false, message: 'Closed today', waitSeconds: 600, provider: 'ayrshare', account: SCOPE });
	});

	it('a wait that is not a whole number fails before any request', async () => {
		const result = await onAyrshare({ operation: 'set', autoResponseActive: true, autoResponseMessage: 'x', autoResponseWaitSeconds: 1.5 });
		expect(ayrshare().requests.length).toBe(0);
		expect(result.error?.message ?? '').toMatch(/Wait Before Responding Again is 1.5/);
	});

	it('messaging not enabled: Ayrshare\'s error with its hint, no secret', async () => {
		const result = await onAyrshare({ operation: 'get' }, { ayrshareProfileKey: PROFILE_NO_MESSAGING });
		expect(result.error?.description ?? '').toMatch(/Enable Messaging/);
		assertNoSecrets(result.error);
	});
});

describe('Auto-Response on Meta and X (applied by the trigger of another workflow)', () => {
	let graph: FakeGraph;
	const triggers = new Triggers();
	let harness: TriggerHarness;
	let counter = 0;

	beforeEach(async () => {
		graph = await startFakeGraph();
		// The support workflow: the trigger, with its own Auto-Respond off.
		harness = await triggers.start({ credentials: metaCredentials(graph), parameters: { platform: 'messenger', events: ['message'] }, requireActivation: false });
	});
	afterEach(async () => {
		await triggers.closeAll();
		await graph.close();
	});
	afterAll(async () => await triggers.closeAll());

	// The schedule workflow: the action node with its own Meta credential (same app).
	const fromSchedule = async (parameters: INodeParameters, credentials = metaCredentials(graph)) =>
		await runSocialMessaging(credentials, { platform: 'messenger', resource: 'autoResponse', triggerUrl: harness.webhookUrl, ...parameters });

	const customerWrites = async (text: string) =>
		await deliverAndSettle(graph, harness, webhookPayload('page', PAGE_ID, [messageEvent({ from: USERS.alice.id, to: PAGE_ID, text, timestamp: Date.now(), mid: `m_ar_${++counter}` })]));

	const sendsToAlice = () => graph.calls(`POST /${PAGE_ID}/messages`).map((call) => call.body as IDataObject);

	it('Set turns the trigger\'s auto-response on; its next message gets it; Turn Off stops it', async () => {
		const set = await fromSchedule({ operation: 'set', autoResponseActive: true, autoResponseMessage: 'Out of office until 9:00', autoResponseWaitSeconds: 0 });
		// set.error?.message
		expect(set.error).toBeUndefined();
		expect(set.items[0].json).toStrictEqual({ active: true, message: 'Out of office until 9:00', waitSeconds: 0, provider: 'metaGraph', account: PAGE_ID, appliedBy: 'trigger' });
		// no Graph call to set it
		expect(graph.requests.length).toBe(0);
		// the control request starts no execution
		expect(harness.executions.length).toBe(0);

		await customerWrites('Hello?');
		const replies = sendsToAlice();
		expect(replies.length).toBe(1);
		expect((replies[0] as IDataObject).message).toStrictEqual({ text: 'Out of office until 9:00' });
		expect((itemsOf(harness)[0].autoResponse as IDataObject).status).toBe('sent');

		const off = await fromSchedule({ operation: 'turnOff' });
		// off.error?.message
		expect(off.error).toBeUndefined();
		expect(off.items[0].json).toStrictEqual({ active: false, message: 'Out of office until 9:00', waitSeconds: 0, provider: 'metaGraph', account: PAGE_ID, appliedBy: 'trigger' });
		graph.clearRequests();
		await customerWrites('Anyone?');
		expect(sendsToAlice().length).toBe(0);
		expect(itemsOf(harness, 1).length).toBe(1);
		expect(itemsOf(harness, 1)[0].autoResponse).toBeUndefined();
	});

	it('the setting survives a restart of n8n (workflow static data)', async () => {
		await fromSchedule({ operation: 'set', autoResponseActive: true, autoResponseMessage: 'Closed', autoResponseWaitSeconds: 60 });
		harness = await triggers.restart(harness);
		const got = await fromSchedule({ operation: 'get' });
		expect(got.items[0].json).toStrictEqual({ active: true, message: 'Closed', waitSeconds: 60, provider: 'metaGraph', account: PAGE_ID, appliedBy: 'trigger' });
	});

	it('Get before any Set reports the trigger\'s own fields', async () => {
		const got = await fromSchedule({ operation: 'get' });
		// got.error?.message
		expect(got.error).toBeUndefined();
		expect(got.items[0].json).toStrictEqual({ active: false, message: '', waitSeconds: 3600, provider: 'metaGraph', account: PAGE_ID, appliedBy: 'trigger' });
	});

	it('a credential with another App Secret is refused by the trigger, and nothing changes', async () => {
		const result = await fromSchedule({ operation: 'set', autoResponseActive: true, autoResponseMessage: 'x', autoResponseWaitSeconds: 60 }, metaCredentials(graph, { appSecret: 'another-app-secret-0000' }));
		expect(result.error?.message ?? '').toMatch(/The trigger did not take the auto-response setting/);
		expect(result.error?.description ?? '').toMatch(/same App Secret/);
		expect(JSON.stringify(result.error)).not.toContain('another-app-secret-0000');
		expect(harness.nodeStaticData().autoResponseControl).toBeUndefined();
	});

	it('Set on without any text anywhere is refused', async () => {
		const result = await fromSchedule({ operation: 'set', autoResponseActive: true, autoResponseMessage: '', autoResponseWaitSeconds: 60 });
		expect(result.error?.message ?? '').toMatch(/No auto-response message/);
	});

	for (const [what, triggerUrl, message] of [
		['an empty Trigger URL', '', /Trigger URL is empty/],
		['the trigger\'s Test URL', 'http://127.0.0.1:5678/webhook-test/abc/webhook', /Trigger URL is the trigger's Test URL/],
		['Reset Message to Ayrshare Default', undefined, /for Ayrshare credentials/],
	] as const) {
		it(`${what} fails before any request`, async () => {
			const parameters: INodeParameters = { operation: 'set', autoResponseActive: true, autoResponseMessage: 'x', autoResponseWaitSeconds: 60 };
			if (triggerUrl !== undefined) parameters.triggerUrl = triggerUrl;
			else parameters.autoResponseOptions = { resetMessage: true };
			const result = await fromSchedule(parameters);
			expect(result.error?.message ?? '').toMatch(message);
			expect(harness.calls.length).toBe(0);
		});
	}

	it('no trigger at the URL (404): Meta and X are told to activate the trigger', async () => {
		const nowhere = `${harness.url}/webhook/00000000-no-trigger/webhook`;
		const meta = await runSocialMessaging(metaCredentials(graph), { platform: 'messenger', resource: 'autoResponse', operation: 'get', triggerUrl: nowhere });
		expect(meta.error?.message).toBe('The trigger did not take the auto-response setting (HTTP 404)');
		expect(meta.error?.description).toBe('No active trigger answers at this URL. Activate the workflow with the Social Messaging Trigger and copy its Production URL.');
		const credentials: ICredentialDataDecryptedObject = { provider: 'xApi', xApiKey: 'ck-0001', xApiKeySecret: 'x-consumer-secret-0001', xAccessToken: '1500-token', xAccessTokenSecret: 'ts-0001', useCustomBaseUrl: true, baseUrl: graph.url };
		const x = await runSocialMessaging(credentials, { platform: 'x', resource: 'autoResponse', operation: 'get', triggerUrl: nowhere });
		expect(x.error?.description).toBe('No active trigger answers at this URL. Activate the workflow with the Social Messaging Trigger and copy its Production URL.');
		expect(JSON.stringify(x.error)).not.toContain('x-consumer-secret-0001');
	});

	it('X: the same control request to an X trigger, signed with the API Key Secret', async () => {
		const credentials: ICredentialDataDecryptedObject = { provider: 'xApi', xApiKey: 'ck-0001', xApiKeySecret: 'x-consumer-secret-0001', xAccessToken: '1500-token', xAccessTokenSecret: 'ts-0001', useCustomBaseUrl: true, baseUrl: graph.url };
		const xTrigger = await triggers.start({ credentials, parameters: { platform: 'x', events: ['message'] }, requireActivation: false });
		const result = await runSocialMessaging(credentials, { platform: 'x', resource: 'autoResponse', operation: 'set', triggerUrl: xTrigger.webhookUrl, autoResponseActive: true, autoResponseMessage: 'DMs answered 9-17', autoResponseWaitSeconds: 3600 });
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(xTrigger.calls.map((call) => [call.method, call.status])).toStrictEqual([['POST', 200]]);
		const stored = xTrigger.nodeStaticData().autoResponseControl as IDataObject;
		expect({ ...stored, setAt: typeof stored.setAt }).toStrictEqual({ active: true, message: 'DMs answered 9-17', waitSeconds: 3600, setAt: 'string' });
		// The account is the X user of the token (GET /2/users/me); this fake is not X, so it stays null and the setting still counts.
		expect(graph.requests.map((call) => `${call.method} ${call.path}`)).toStrictEqual(['GET /2/users/me']);
		expect(result.items[0].json).toStrictEqual({ active: true, message: 'DMs answered 9-17', waitSeconds: 3600, provider: 'xApi', account: null, appliedBy: 'trigger' });
	});
});
