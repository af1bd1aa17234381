/**
 * The Social Messaging Poll Trigger inside n8n against the sandbox's fake X API: the editor's Fetch Test
 * Event shows the newest DM from a person; activation runs a first poll that sets the watermark and emits
 * no backlog; a DM that arrives then is emitted once by the next scheduled poll (Poll Times > Custom with
 * a fixed second a few seconds ahead: n8n polls at most once a minute). Every X request is asserted.
 */
import { describe, expect, it } from '@jest/globals';

import { E2E, nodeOutput, type Execution } from './lib/n8n';
import { executionsOf } from './lib/triggers';
import { chain, noOp, socialMessagingPollTrigger } from './lib/workflows';
import { EVENT_QUERY, ME_QUERY, dmItem, useXContext, xRequest } from './lib/x';

const ctx = useXContext();

/** One poll: the account, then one page of its DM events, newest first (X's 15 lookups per 15 minutes). */
const POLL = [
	xRequest('user', 'GET', '/2/users/me', { query: ME_QUERY }),
	xRequest('user', 'GET', '/2/dm_events', { query: { ...EVENT_QUERY, max_results: '100', event_types: 'MessageCreate' } }),
];

/** A DM from a person as X stores it (the sandbox's deliver: no X trigger is active here, so no webhook hears of it). */
async function storeDm(from: 'alice' | 'bob' | 'carol', text: string) {
	const result = await ctx().sandbox.deliver({ platform: 'x', from, text });
	expect(result.dmEvent?.id).toMatch(/^\d+$/);
	return result.dmEvent!;
}

async function pollWorkflow(name: string, cronExpression?: string) {
	const { n8n, credential } = ctx();
	return await n8n.createWorkflow(chain(name, [socialMessagingPollTrigger('New DMs', { platform: 'x' }, credential, cronExpression), noOp('Received')]));
}

function expectRun(execution: Execution, mode: string): void {
	const error = execution.data.resultData.error;
	expect([execution.status, execution.mode, error?.message]).toStrictEqual(['success', mode, undefined]);
}

describe(`Social Messaging Poll Trigger in n8n ${E2E.version}: X (GET /2/dm_events)`, () => {
	it('Fetch Test Event shows the newest DM from a person, read with one poll', async () => {
		const { n8n, sandbox } = ctx();
		const dm = await storeDm('bob', 'Can I still change my order?');
		const workflow = await pollWorkflow('e2e poll trigger: fetch test event');
		const since = await sandbox.xMark();
		// What the editor sends for "Fetch Test Event" / "Execute workflow" from the trigger.
		const execution = await n8n.runWorkflow(workflow.id, { triggerNode: 'New DMs' });
		expectRun(execution, 'manual');
		expect(await nodeOutput(execution, 'New DMs')).toStrictEqual([dmItem('bob', 'Can I still change my order?', dm)]);
		expect(await nodeOutput(execution, 'Received')).toStrictEqual(await nodeOutput(execution, 'New DMs'));
		expect(await sandbox.xRequests(since)).toStrictEqual(POLL);
	});

	it('activated: the first poll emits no backlog; a DM that arrives then is emitted once by the next poll', async () => {
		const { n8n, sandbox } = ctx();
		// The next poll a few seconds after activation (n8n allows a fixed second, i.e. once a minute).
		const second = (new Date().getUTCSeconds() + 12) % 60;
		const workflow = await pollWorkflow('e2e poll trigger: activated', `${second} * * * * *`);
		const since = await sandbox.xMark();
		await n8n.activateWorkflow(workflow.id, workflow.versionId);
		// n8n runs the poll once on activation (to know it works): the watermark, no execution.
		expect(await sandbox.xRequests(since)).toStrictEqual(POLL);
		expect(await executionsOf(n8n, workflow)).toStrictEqual([]);

		const dm = await storeDm('carol', 'Do you ship to Lisbon?');
		const execution = await n8n.waitForNewExecution(workflow.id, { timeoutMs: 75_000 });
		expectRun(execution, 'trigger');
		expect(await nodeOutput(execution, 'New DMs')).toStrictEqual([dmItem('carol', 'Do you ship to Lisbon?', dm)]);
		expect(await sandbox.xRequests(since)).toStrictEqual([...POLL, ...POLL]);

		const removal = await sandbox.xMark();
		await n8n.deactivateWorkflow(workflow.id);
		// A poll trigger registered nothing at X: deactivation asks X nothing.
		expect(await sandbox.xRequests(removal)).toStrictEqual([]);
		expect(await executionsOf(n8n, workflow)).toStrictEqual([String(execution.id)]);
	});
});
