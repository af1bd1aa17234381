/**
 * examples/x-dm-lead-funnel.json against the fake X API as shipped: the trigger's parameters subscribe
 * the account to dm.received and emit a DM as the unified item; the reply node's parameters and
 * expressions send the qualifying question to the person who wrote. n8n's Edit Fields node ("Record
 * lead") is not part of this in-process engine: the reply node gets the item it would emit. The whole
 * workflow runs in a real n8n in test/e2e/examples.e2e.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IConnections, INode } from 'n8n-workflow';

import { ME, X_USERS } from '../fakes/x';
import { runNode, startTriggerHarness } from '../harness';
import { itemsOf } from './trigger-setup';
import { useFakeX, xCredentials } from './x.helpers';

const fake = useFakeX();
const workflow = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'x-dm-lead-funnel.json'), 'utf8')) as { nodes: INode[]; connections: IConnections };
const nodeOf = (name: string) => workflow.nodes.find((node) => node.name === name)!;
const credentials = () => ({ socialMessagingApi: xCredentials(fake()) });
const { alice } = X_USERS;

describe('examples/x-dm-lead-funnel.json', () => {
	it('X DM -> Record lead -> Ask qualifying question, on the demo\'s X credential', () => {
		expect(workflow.connections).toStrictEqual({
			'X DM': { main: [[{ node: 'Record lead', type: 'main', index: 0 }]] },
			'Record lead': { main: [[{ node: 'Ask qualifying question', type: 'main', index: 0 }]] },
		});
		for (const name of ['X DM', 'Ask qualifying question']) {
			expect(nodeOf(name).credentials).toStrictEqual({ socialMessagingApi: { id: 'socialMessagingSandboxX', name: 'Social Messaging (sandbox, X)' } });
		}
	});

	it('the trigger subscribes the account to dm.received and emits a DM from a person', async () => {
		const trigger = nodeOf('X DM');
		const harness = await startTriggerHarness({ nodeType: trigger.type, parameters: trigger.parameters, credentials: credentials(), workflowId: 'example-x-lead-funnel' });
		try {
			await harness.activate();
			expect([...fake().state.subscriptions.values()].map(({ eventType, userId }) => ({ eventType, userId }))).toStrictEqual([{ eventType: 'dm.received', userId: ME.id }]);
			const [delivery] = await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Hi, what does your inbox tool cost?' });
			expect(delivery.status).toBe(200);
			for (let i = 0; i < 100 && harness.executions.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
			const [item] = itemsOf(harness);
			expect([item.type, item.platform, (item.sender as { id: string }).id, (item.sender as { name: string }).name, item.text]).toStrictEqual([
				'message',
				'x',
				alice.id,
				alice.name,
				'Hi, what does your inbox tool cost?',
			]);
			await harness.deactivate();
			expect([...fake().state.subscriptions.values()]).toStrictEqual([]);
			expect([...fake().state.webhooks.values()]).toStrictEqual([]);
		} finally {
			await harness.close();
		}
	});

	it('the reply asks the person who wrote, by name, how many DMs the team answers', async () => {
		const ask = nodeOf('Ask qualifying question');
		fake().clearRequests();
		// What "Record lead" emits for Alice's DM.
		const lead = { xUserId: alice.id, username: alice.username, name: alice.name, firstMessage: 'Hi', capturedAt: '2026-12-07T10:00:00.000Z', source: 'x-dm-funnel' };
		const run = await runNode({ type: ask.type, parameters: ask.parameters, credentials: credentials(), items: [{ json: lead }] });
		// run.error?.message
		expect(run.error).toBeUndefined();
		expect(fake().requests.map((request) => ({ method: request.method, path: request.path, json: request.json, status: request.status }))).toStrictEqual([
			{
				method: 'POST',
				path: `/2/dm_conversations/with/${alice.id}/messages`,
				json: { text: 'Thanks for writing, Alice Walker! So we can point you to the right plan: how many direct messages does your team answer in a week?' },
				status: 201,
			},
		]);
	});
});
