/**
 * Issue 14.9 in the trigger: an Auto-Response Text of only spaces, tabs or line breaks goes through the
 * same validation as Message > Send, so it is refused before any request: the item reports
 * `autoResponse.status: "failed"` with the reason, nothing reaches the Send API, no cooldown starts,
 * and the workflow still runs.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { PAGE_ID, USERS, messageEvent, startFakeGraph, webhookPayload, type FakeGraph } from '../fakes/graph';
import { metaCredentials } from './setup';
import { Triggers, deliverAndSettle, itemsOf } from './trigger-setup';

let fake: FakeGraph;
const triggers = new Triggers();

beforeEach(async () => {
	fake = await startFakeGraph();
});
afterEach(async () => {
	await triggers.closeAll();
	await fake.close();
});

for (const blank of ['   ', '\n\t\n']) {
	it(`Auto-Response Text ${JSON.stringify(blank)}: failed with the reason, no send, no cooldown, the execution runs`, async () => {
		const harness = await triggers.start({
			credentials: metaCredentials(fake),
			parameters: { platform: 'messenger', autoResponse: true, autoResponseText: blank },
			requireActivation: false,
		});
		const event = messageEvent({ from: USERS.alice.id, to: PAGE_ID, text: 'Hi', timestamp: 1714554000000, mid: `m_blank_${blank.length}` });
		const result = await deliverAndSettle(fake, harness, webhookPayload('page', PAGE_ID, [event]));
		expect(result.status).toBe(200);

		const [item] = itemsOf(harness);
		const outcome = item.autoResponse as IDataObject;
		expect(outcome.status).toBe('failed');
		expect(outcome.reason as string).toMatch(/^The message is empty: /);
		// a blank reply reached the Send API
		expect(fake.calls(`POST /${PAGE_ID}/messages`)).toStrictEqual([]);
		// a refused reply starts no cooldown
		expect(harness.nodeStaticData().autoResponses ?? {}).toStrictEqual({});
		expect(harness.runs[0].status).toBe('success');
	});
}
