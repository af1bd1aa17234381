/**
 * The example workflows in examples/ run against the fake Graph as shipped: the Social Messaging nodes'
 * parameters, expressions and credentials are exactly the files users import. n8n's own Set and Switch
 * nodes are not part of this in-process engine; where a Social Messaging node reads their output, a
 * test node of the same name emits that output. The full workflows run in a real n8n in test/e2e.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import type { IConnections, IDataObject, INode } from 'n8n-workflow';

import { IG_ACCOUNT_ID, PAGE_ID, USERS, messageEvent, postbackEvent, quickReplyEvent, webhookPayload } from '../fakes/graph';
import { runNode, runWorkflow, startTriggerHarness, TEST_ITEMS_TYPE } from '../harness';
import { metaCredentials, useFakeGraph } from './setup';

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
	assert.ok(found, `example has no node "${name}"`);
	return found;
}

const fake = useFakeGraph();

describe('examples/order-update-notification.json', () => {
	test('sends the receipt template and the follow-up text to the customer by PSID', async () => {
		const workflow = example('order-update-notification.json');
		const order = JSON.parse(nodeOf(workflow, 'Order from your shop').parameters.jsonOutput as string) as IDataObject;
		// The Set node becomes a test node of the same name emitting what the Set node emits.
		const nodes = workflow.nodes.map((node) =>
			node.name === 'Order from your shop'
				? { ...node, type: TEST_ITEMS_TYPE, typeVersion: 1, parameters: { items: JSON.stringify([{ json: order }]) } }
				: node,
		);
		fake().clearRequests();
		const result = await runWorkflow(
			{ ...workflow, nodes },
			{ credentials: { socialMessagingSandbox: { type: 'socialMessagingApi', data: metaCredentials(fake()) } } },
		);
		assert.equal(result.error, undefined, result.error?.message);

		const sends = fake().calls(`POST /${PAGE_ID}/messages`);
		assert.equal(sends.length, 2);
		const receipt = sends[0].body as IDataObject;
		assert.deepEqual(receipt.recipient, { id: USERS.alice.id });
		assert.equal(receipt.messaging_type, 'UTILITY');
		const payload = ((receipt.message as IDataObject).attachment as IDataObject).payload as IDataObject;
		assert.equal(payload.template_type, 'receipt');
		assert.equal(payload.order_number, 'ORD-10042');
		assert.equal(payload.currency, 'EUR');
		assert.equal(payload.timestamp, String(Date.parse('2026-11-20T14:05:00Z') / 1000));
		assert.deepEqual(payload.summary, { subtotal: 49, shipping_cost: 4.9, total_tax: 0, total_cost: 53.9 });
		assert.deepEqual(payload.elements, [
			{ title: 'Ethiopia Yirgacheffe, 250 g', quantity: 2, price: 12.5, currency: 'EUR' },
			{ title: 'Ceramic pour-over dripper', quantity: 1, price: 24, currency: 'EUR' },
		]);
		assert.equal(((sends[1].body as IDataObject).message as IDataObject).text, 'Thanks for your order ORD-10042! We will message you here as soon as it ships.');
		assert.equal(fake().state.deliveryCount(USERS.alice.id), 2);
	});
});

describe('examples/lead-generation-funnel.json', () => {
	const workflow = example('lead-generation-funnel.json');
	const credentials = () => ({ socialMessagingApi: metaCredentials(fake()) });
	const event = (raw: IDataObject) => ({ json: raw });

	test('a new conversation gets three quick replies; Pricing gets the plans; a plan gets a confirmation', async () => {
		fake().clearRequests();
		const ines = USERS.ines.id;
		const ask = nodeOf(workflow, 'Ask what they need');
		const asked = await runNode({ type: ask.type, parameters: ask.parameters, credentials: credentials(), items: [event({ type: 'message', sender: { id: ines } })] });
		assert.equal(asked.error, undefined, asked.error?.message);

		const plans = nodeOf(workflow, 'Show plans');
		const shown = await runNode({ type: plans.type, parameters: plans.parameters, credentials: credentials(), items: [event({ type: 'quick_reply', payload: 'PRICING', sender: { id: ines } })] });
		assert.equal(shown.error, undefined, shown.error?.message);

		const confirm = nodeOf(workflow, 'Confirm to lead');
		const confirmed = await runNode({ type: confirm.type, parameters: confirm.parameters, credentials: credentials(), items: [event({ instagramUserId: ines, plan: 'growth' })] });
		assert.equal(confirmed.error, undefined, confirmed.error?.message);

		const sends = fake().calls(`POST /${PAGE_ID}/messages`).map((call) => call.body as IDataObject);
		assert.equal(sends.length, 3);
		assert.deepEqual(
			((sends[0].message as IDataObject).quick_replies as IDataObject[]).map((reply) => reply.payload),
			['PRICING', 'DEMO', 'BROWSING'],
		);
		const generic = (((sends[1].message as IDataObject).attachment as IDataObject).payload as IDataObject).elements as IDataObject[];
		assert.deepEqual(
			generic.map((element) => ((element.buttons as IDataObject[])[0] as IDataObject).payload),
			['PLAN_STARTER', 'PLAN_GROWTH'],
		);
		assert.match(String((sends[2].message as IDataObject).text), /growth plan/);
		for (const send of sends) assert.deepEqual(send.recipient, { id: ines });
	});

	test('the trigger subscribes Instagram messages, quick replies and postbacks and emits them', async () => {
		const trigger = nodeOf(workflow, 'Instagram DM');
		const harness = await startTriggerHarness({ nodeType: trigger.type, parameters: trigger.parameters, credentials: credentials(), workflowId: 'example-lead-funnel' });
		try {
			await harness.activate();
			const subscription = fake().state.appSubscriptions.get('instagram');
			assert.equal(subscription?.callbackUrl ?? (subscription as IDataObject | undefined)?.callback_url, harness.webhookUrl);
			const base = { from: USERS.ines.id, to: IG_ACCOUNT_ID, platform: 'instagram' as const };
			const payload = webhookPayload('instagram', IG_ACCOUNT_ID, [
				messageEvent({ ...base, text: 'Hi!', timestamp: 1_700_000_000_000 }),
				quickReplyEvent({ ...base, text: 'Pricing', payload: 'PRICING', timestamp: 1_700_000_001_000 }),
				postbackEvent({ ...base, title: 'Choose Growth', payload: 'PLAN_GROWTH', timestamp: 1_700_000_002_000 }),
			]);
			const delivery = await fake().deliver(harness.webhookUrl, payload);
			assert.equal(delivery.status, 200);
			for (let i = 0; i < 50 && harness.executions.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
			await new Promise((resolve) => setTimeout(resolve, 50));
			const items = harness.executions.at(-1)?.[0] ?? [];
			assert.deepEqual(items.map((item) => [item.json.type, item.json.payload ?? null]), [
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
	test('auto-replies once per hour and marks the message as seen', async () => {
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
				assert.equal(delivery.status, 200);
			}
			for (let i = 0; i < 100 && harness.executions.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
			const [first, second] = harness.executions.map((execution) => execution[0][0].json);
			assert.equal((first.autoResponse as IDataObject).status, 'sent');
			assert.equal((second.autoResponse as IDataObject).status, 'skipped');
			const replies = fake().calls(`POST /${PAGE_ID}/messages`).map((call) => call.body as IDataObject);
			assert.equal(replies.length, 1);
			assert.equal((replies[0].message as IDataObject).text, trigger.parameters.autoResponseText);

			const seen = nodeOf(workflow, 'Mark as seen');
			const marked = await runNode({ type: seen.type, parameters: seen.parameters, credentials, items: [{ json: first }] });
			assert.equal(marked.error, undefined, marked.error?.message);
			const action = fake().calls(`POST /${PAGE_ID}/messages`).at(-1)?.body as IDataObject;
			assert.deepEqual(action, { recipient: { id: USERS.bob.id }, sender_action: 'mark_seen' });
			await harness.deactivate();
		} finally {
			await harness.close();
		}
	});
});
