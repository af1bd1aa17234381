/**
 * The example workflows in examples/ run against the fake Graph as shipped: the Social Messaging nodes'
 * parameters, expressions and credentials are exactly the files users import. n8n's own Set and Switch
 * nodes are not part of this in-process engine; where a Social Messaging node reads their output, a
 * test node of the same name emits that output. The full workflows run in a real n8n in test/e2e.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { IConnections, IDataObject, INode } from 'n8n-workflow';

import { PEOPLE, PROFILE_KEY } from '../fakes/ayrshare';
import { IG_ACCOUNT_ID, NOTIFICATION_TOKEN, PAGE_ID, USERS, messageEvent, optinEvent, postbackEvent, quickReplyEvent, webhookPayload } from '../fakes/graph';
import { runNode, runWorkflow, startTriggerHarness, TEST_ITEMS_TYPE } from '../harness';
import { metaCredentials, runSocialMessaging, useFakeGraph } from './setup';
import { assertAyrshareCall, ayrshareCredentials, useFakeAyrshare } from './ayrshare.setup';

interface WorkflowFile {
	name: string;
	nodes: INode[];
	connections: IConnections;
}

function example(file: string): WorkflowFile {
	return JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8')) as WorkflowFile;
}

function nodeOf(workflow: WorkflowFile, name: string): INode {
	const found = workflow.nodes.find((node) => node.name === name);
	// example has no node "${name}"
	expect(found).toBeTruthy();
	return found!;
}

const fake = useFakeGraph();
const ayrshare = useFakeAyrshare({ retryDelaysMs: [10, 10] });

const TESTED = ['lead-generation-funnel.json', 'order-update-notification.json', 'support-desk-auto-reply.json', 'support-desk-out-of-office.json'];
/** On the fake X API, in examples-x.test.ts. */
const TESTED_ON_X = ['x-dm-lead-funnel.json'];

it('every workflow in examples/ is tested here or in examples-x.test.ts (and in test/e2e/examples.e2e.ts)', () => {
	expect(readdirSync(join(__dirname, '..', '..', 'examples')).filter((file) => file.endsWith('.json')).sort()).toStrictEqual([...TESTED, ...TESTED_ON_X].sort());
});

describe('examples/order-update-notification.json', () => {
	const workflow = example('order-update-notification.json');
	const order = JSON.parse(nodeOf(workflow, 'Order from your shop').parameters.jsonOutput as string) as IDataObject;
	const sandbox = () => ({ socialMessagingSandbox: { type: 'socialMessagingApi', data: metaCredentials(fake()) } });

	it('sends the receipt template, then asks for notification opt-in, to the customer by PSID', async () => {
		// The order branch only (the opt-in branch starts at the trigger); the Set node becomes a test node of the same name.
		const orderBranch = ["When clicking 'Execute workflow'", 'Order from your shop', 'Send receipt', 'Ask to notify when it ships'];
		const nodes = workflow.nodes
			.filter((node) => orderBranch.includes(node.name))
			.map((node) =>
				node.name === 'Order from your shop' ? { ...node, type: TEST_ITEMS_TYPE, typeVersion: 1, parameters: { items: JSON.stringify([{ json: order }]) } } : node,
			);
		fake().clearRequests();
		const result = await runWorkflow({ ...workflow, nodes }, { credentials: sandbox() });
		// result.error?.message
		expect(result.error).toBeUndefined();

		const sends = fake().calls(`POST /${PAGE_ID}/messages`);
		expect(sends.length).toBe(2);
		const receipt = sends[0].body as IDataObject;
		expect(receipt.recipient).toStrictEqual({ id: USERS.alice.id });
		expect(receipt.messaging_type).toBe('UTILITY');
		const payload = ((receipt.message as IDataObject).attachment as IDataObject).payload as IDataObject;
		expect(payload.template_type).toBe('receipt');
		expect(payload.order_number).toBe('ORD-10042');
		expect(payload.currency).toBe('EUR');
		expect(payload.timestamp).toBe(String(Date.parse('2026-11-20T14:05:00Z') / 1000));
		expect(payload.summary).toStrictEqual({ subtotal: 49, shipping_cost: 4.9, total_tax: 0, total_cost: 53.9 });
		expect(payload.elements).toStrictEqual([
			{ title: 'Ethiopia Yirgacheffe, 250 g', quantity: 2, price: 12.5, currency: 'EUR' },
			{ title: 'Ceramic pour-over dripper', quantity: 1, price: 24, currency: 'EUR' },
		]);
		const ask = sends[1].body as IDataObject;
		expect(ask.recipient).toStrictEqual({ id: USERS.alice.id });
		expect(((ask.message as IDataObject).attachment as IDataObject).payload).toStrictEqual({
			template_type: 'notification_messages',
			title: 'Shipping updates for ORD-10042',
			payload: 'SHIPPING_ORD-10042',
			notification_messages_frequency: 'DAILY',
		});
	});

	it('the opt-in comes back through the trigger with its token; once the order ships, the notification goes to the token', async () => {
		const trigger = nodeOf(workflow, 'Opt-in to shipping updates');
		const harness = await startTriggerHarness({ nodeType: trigger.type, parameters: trigger.parameters, credentials: { socialMessagingApi: metaCredentials(fake()) }, workflowId: 'example-order-update' });
		let optIn: IDataObject;
		try {
			const delivery = await fake().deliver(
				harness.webhookUrl,
				webhookPayload('page', PAGE_ID, [optinEvent({ from: USERS.alice.id, to: PAGE_ID, notificationToken: NOTIFICATION_TOKEN, payload: 'SHIPPING_ORD-10042', timestamp: Date.now() })]),
			);
			expect(delivery.status).toBe(200);
			for (let i = 0; i < 50 && harness.executions.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
			optIn = harness.executions[0][0][0].json;
		} finally {
			await harness.close();
		}
		expect((optIn.notificationOptIn as IDataObject).token).toBe(NOTIFICATION_TOKEN);

		// The trigger and the Wait node become test nodes of the same names emitting what they emit.
		const asTest = (node: INode, items: IDataObject[]) => ({ ...node, type: TEST_ITEMS_TYPE, typeVersion: 1, parameters: { items: JSON.stringify(items.map((json) => ({ json }))) } });
		const start = { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
		const nodes = [
			start,
			asTest(trigger, [optIn]),
			asTest(nodeOf(workflow, 'Until the order ships'), [{ body: { trackingUrl: 'https://track.example.com/ORD-10042' } }]),
			nodeOf(workflow, 'Notify: it has shipped'),
		];
		const connections = { ...workflow.connections, Start: { main: [[{ node: trigger.name, type: 'main', index: 0 }]] } } as IConnections;
		fake().clearRequests();
		const result = await runWorkflow({ ...workflow, nodes, connections }, { credentials: sandbox() });
		// result.error?.message
		expect(result.error).toBeUndefined();
		const [notify] = fake().calls(`POST /${PAGE_ID}/messages`);
		expect(fake().requests.length).toBe(1);
		expect(notify.body).toStrictEqual({
			recipient: { notification_messages_token: NOTIFICATION_TOKEN },
			messaging_type: 'RESPONSE',
			message: { text: 'Good news: order ORD-10042 has shipped. Track it: https://track.example.com/ORD-10042' },
		});
	});
});

describe('examples/lead-generation-funnel.json', () => {
	const workflow = example('lead-generation-funnel.json');
	const PLAN_PAYLOADS = (JSON.parse(nodeOf(workflow, 'Show plans').parameters.elementsJson as string) as Array<{ buttons: IDataObject[] }>).map(
		(plan) => plan.buttons[0].payload,
	);
	const credentials = () => ({ socialMessagingApi: metaCredentials(fake()) });
	const event = (raw: IDataObject) => ({ json: raw });

	it('a new conversation gets three quick replies; Pricing gets the plans; a plan gets a confirmation', async () => {
		fake().clearRequests();
		const ines = USERS.ines.id;
		const ask = nodeOf(workflow, 'Ask what they need');
		const asked = await runNode({ type: ask.type, parameters: ask.parameters, credentials: credentials(), items: [event({ type: 'message', sender: { id: ines } })] });
		// asked.error?.message
		expect(asked.error).toBeUndefined();

		const plans = nodeOf(workflow, 'Show plans');
		const shown = await runNode({ type: plans.type, parameters: plans.parameters, credentials: credentials(), items: [event({ type: 'quick_reply', payload: 'PRICING', sender: { id: ines } })] });
		// shown.error?.message
		expect(shown.error).toBeUndefined();

		const confirm = nodeOf(workflow, 'Confirm to lead');
		const confirmed = await runNode({ type: confirm.type, parameters: confirm.parameters, credentials: credentials(), items: [event({ instagramUserId: ines, plan: 'growth' })] });
		// confirmed.error?.message
		expect(confirmed.error).toBeUndefined();

		const sends = fake().calls(`POST /${PAGE_ID}/messages`).map((call) => call.body as IDataObject);
		expect(sends.length).toBe(3);
		expect(((sends[0].message as IDataObject).quick_replies as IDataObject[]).map((reply) => reply.payload)).toStrictEqual(['PRICING', 'DEMO', 'BROWSING']);
		const generic = (((sends[1].message as IDataObject).attachment as IDataObject).payload as IDataObject).elements as IDataObject[];
		expect(generic.map((element) => ((element.buttons as IDataObject[])[0] as IDataObject).payload)).toStrictEqual(PLAN_PAYLOADS.slice(0, 10));
		expect(((sends[1].message as IDataObject).quick_replies as IDataObject[]).map((reply) => reply.title)).toStrictEqual(['More plans']);
		expect(String((sends[2].message as IDataObject).text)).toMatch(/growth plan/);
		for (const send of sends) expect(send.recipient).toStrictEqual({ id: ines });
	});

	it('20 plans: the first 10 go out with "More plans"; the trigger sends the other 10 when it is tapped', async () => {
		const ines = USERS.ines.id;
		const plans = nodeOf(workflow, 'Show plans');
		fake().clearRequests();
		const shown = await runNode({ type: plans.type, parameters: plans.parameters, credentials: credentials(), items: [event({ type: 'quick_reply', payload: 'PRICING', sender: { id: ines } })] });
		// shown.error?.message
		expect(shown.error).toBeUndefined();
		const first = fake().calls(`POST /${PAGE_ID}/messages`)[0].body as IDataObject;
		const more = ((first.message as IDataObject).quick_replies as IDataObject[])[0];

		const trigger = nodeOf(workflow, 'Instagram DM');
		const harness = await startTriggerHarness({ nodeType: trigger.type, parameters: trigger.parameters, credentials: credentials(), workflowId: 'example-lead-funnel', staticData: shown.result.staticData });
		try {
			fake().clearRequests();
			const tap = quickReplyEvent({ from: ines, to: IG_ACCOUNT_ID, platform: 'instagram', text: 'More plans', payload: String(more.payload), timestamp: Date.now() });
			expect((await fake().deliver(harness.webhookUrl, webhookPayload('instagram', IG_ACCOUNT_ID, [tap]))).status).toBe(200);
			for (let i = 0; i < 100 && fake().requests.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
			const [page] = fake().calls(`POST /${PAGE_ID}/messages`);
			const body = page.body as IDataObject;
			expect(body.recipient).toStrictEqual({ id: ines });
			const elements = (((body.message as IDataObject).attachment as IDataObject).payload as IDataObject).elements as IDataObject[];
			expect(elements.map((element) => ((element.buttons as IDataObject[])[0] as IDataObject).payload)).toStrictEqual(PLAN_PAYLOADS.slice(10));
			// the last page
			expect((body.message as IDataObject).quick_replies).toBeUndefined();
			// the tap does not start the workflow
			expect(harness.executions.length).toBe(0);
		} finally {
			await harness.close();
		}
	});

	it('the trigger subscribes Instagram messages, quick replies and postbacks and emits them', async () => {
		const trigger = nodeOf(workflow, 'Instagram DM');
		const harness = await startTriggerHarness({ nodeType: trigger.type, parameters: trigger.parameters, credentials: credentials(), workflowId: 'example-lead-funnel' });
		try {
			await harness.activate();
			const subscription = fake().state.appSubscriptions.get('instagram');
			expect(subscription?.callbackUrl ?? (subscription as IDataObject | undefined)?.callback_url).toBe(harness.webhookUrl);
			const base = { from: USERS.ines.id, to: IG_ACCOUNT_ID, platform: 'instagram' as const };
			const payload = webhookPayload('instagram', IG_ACCOUNT_ID, [
				messageEvent({ ...base, text: 'Hi!', timestamp: 1_700_000_000_000 }),
				quickReplyEvent({ ...base, text: 'Pricing', payload: 'PRICING', timestamp: 1_700_000_001_000 }),
				postbackEvent({ ...base, title: 'Choose Growth', payload: 'PLAN_GROWTH', timestamp: 1_700_000_002_000 }),
			]);
			const delivery = await fake().deliver(harness.webhookUrl, payload);
			expect(delivery.status).toBe(200);
			for (let i = 0; i < 50 && harness.executions.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
			await new Promise((resolve) => setTimeout(resolve, 50));
			const items = harness.executions.at(-1)?.[0] ?? [];
			expect(items.map((item) => [item.json.type, item.json.payload ?? null])).toStrictEqual([
				['message', null],
				['quick_reply', 'PRICING'],
				['postback', 'PLAN_GROWTH'],
			]);
			await harness.deactivate();
		} finally {
			await harness.close();
		}
	});
});

describe('examples/support-desk-auto-reply.json', () => {
	it('auto-replies once per hour and marks the message as seen', async () => {
		const workflow = example('support-desk-auto-reply.json');
		const trigger = nodeOf(workflow, 'Messenger inbox');
		const credentials = { socialMessagingApi: metaCredentials(fake()) };
		const harness = await startTriggerHarness({ nodeType: trigger.type, parameters: trigger.parameters, credentials, workflowId: 'example-support-desk' });
		try {
			await harness.activate();
			fake().clearRequests();
			const base = { from: USERS.bob.id, to: PAGE_ID };
			for (const [text, timestamp] of [['My order is late', 1_700_000_000_000], ['Hello?', 1_700_000_060_000]] as const) {
				const delivery = await fake().deliver(harness.webhookUrl, webhookPayload('page', PAGE_ID, [messageEvent({ ...base, text, timestamp })]));
				expect(delivery.status).toBe(200);
			}
			for (let i = 0; i < 100 && harness.executions.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
			const [first, second] = harness.executions.map((execution) => execution[0][0].json);
			expect((first.autoResponse as IDataObject).status).toBe('sent');
			expect((second.autoResponse as IDataObject).status).toBe('skipped');
			const replies = fake().calls(`POST /${PAGE_ID}/messages`).map((call) => call.body as IDataObject);
			expect(replies.length).toBe(1);
			expect((replies[0].message as IDataObject).text).toBe(trigger.parameters.autoResponseText);

			const seen = nodeOf(workflow, 'Mark as seen');
			const marked = await runNode({ type: seen.type, parameters: seen.parameters, credentials, items: [{ json: first }] });
			// marked.error?.message
			expect(marked.error).toBeUndefined();
			const action = fake().calls(`POST /${PAGE_ID}/messages`).at(-1)?.body as IDataObject;
			expect(action).toStrictEqual({ recipient: { id: USERS.bob.id }, sender_action: 'mark_seen' });
			await harness.deactivate();
		} finally {
			await harness.close();
		}
	});
});

describe('examples/support-desk-out-of-office.json', () => {
	const workflow = example('support-desk-out-of-office.json');
	const credentials = () => ayrshareCredentials(ayrshare());
	const runExampleNode = async (name: string) => {
		const node = nodeOf(workflow, name);
		expect(node.credentials?.socialMessagingApi).toStrictEqual({ id: 'socialMessagingSandboxAyrshare', name: 'Social Messaging (sandbox, Ayrshare)' });
		const result = await runSocialMessaging(credentials(), node.parameters as never);
		// result.error?.message
		expect(result.error).toBeUndefined();
		return result.items.map((item) => item.json);
	};
	const profile = () => ayrshare().state.profiles.get(PROFILE_KEY)!;
	const SCOPE = 'the Ayrshare profile: its Facebook, Instagram and X at once';

	it('18:00 sets Ayrshare\'s out-of-office reply and reads it back; Ayrshare sends it once per person within the wait', async () => {
		const text = String(nodeOf(workflow, 'Out of office on').parameters.autoResponseMessage);
		ayrshare().clearRequests();
		await runExampleNode('Out of office on');
		const got = await runExampleNode('What Ayrshare sends now');
		assertAyrshareCall(ayrshare().requests[0], { method: 'POST', path: '/messages/autoresponse', body: { autoResponseActive: true, autoResponseMessage: text, autoResponseWaitSeconds: 43200 } });
		assertAyrshareCall(ayrshare().requests[1], { method: 'GET', path: '/messages/autoresponse' });
		expect(ayrshare().requests.length).toBe(2);
		expect(got).toStrictEqual([{ active: true, message: text, waitSeconds: 43200, provider: 'ayrshare', account: SCOPE }]);

		const first = await ayrshare().personWrites({ platform: 'facebook', from: PEOPLE.facebook.id, text: 'Is the shop open tomorrow?' }, { profileKey: PROFILE_KEY });
		const again = await ayrshare().personWrites({ platform: 'facebook', from: PEOPLE.facebook.id, text: 'Hello?' }, { profileKey: PROFILE_KEY });
		expect(first.autoResponse?.message).toBe(text);
		expect(again.autoResponse).toBeUndefined();
	});

	it('9:00 turns it off (autoResponseActive false, nothing else) and the Get reports it off with the text kept', async () => {
		const text = String(nodeOf(workflow, 'Out of office on').parameters.autoResponseMessage);
		profile().autoResponded = undefined;
		ayrshare().clearRequests();
		const off = await runExampleNode('Out of office off');
		// Turn Off changes one setting; the node reads the others back.
		assertAyrshareCall(ayrshare().requests[0], { method: 'POST', path: '/messages/autoresponse', body: { autoResponseActive: false } });
		assertAyrshareCall(ayrshare().requests[1], { method: 'GET', path: '/messages/autoresponse' });
		const expected = { active: false, message: text, waitSeconds: 43200, provider: 'ayrshare', account: SCOPE };
		expect(off).toStrictEqual([expected]);
		expect(await runExampleNode('What Ayrshare sends now')).toStrictEqual([expected]);
		expect((await ayrshare().personWrites({ platform: 'facebook', from: PEOPLE.facebook.id, text: 'Good morning' }, { profileKey: PROFILE_KEY })).autoResponse).toBeUndefined();
	});

	it('the Ayrshare trigger registers the messages webhook and turns a delivery into a ticket item', async () => {
		const trigger = nodeOf(workflow, 'Support inbox (Ayrshare)');
		const harness = await startTriggerHarness({ nodeType: trigger.type, parameters: trigger.parameters, credentials: { socialMessagingApi: credentials() }, workflowId: 'example-out-of-office' });
		try {
			await harness.activate();
			expect(profile().webhook?.url).toBe(harness.webhookUrl);
			const { delivery } = await ayrshare().personWrites({ platform: 'facebook', from: PEOPLE.facebook.id, text: 'My parcel is damaged' }, { profileKey: PROFILE_KEY });
			expect(delivery.acknowledged).toBe(true);
			for (let i = 0; i < 100 && harness.executions.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
			const [item] = harness.executions[0][0];
			expect([item.json.type, item.json.platform, item.json.text, item.json.sender]).toStrictEqual(['message', 'messenger', 'My parcel is damaged', { id: PEOPLE.facebook.id, name: PEOPLE.facebook.name }]);
			await harness.deactivate();
			expect(profile().webhook).toBeUndefined();
		} finally {
			await harness.close();
		}
	});
});
