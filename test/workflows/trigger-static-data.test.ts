/**
 * Social Messaging Trigger, the size of its static data (issue 14, item 4). n8n rewrites a workflow's
 * static data to its database after every delivery that changed it, so the dedupe store must stay small:
 * after 10,000 events the node's static data is under 50 KB (it was 322 KB), every one of those events
 * is still recognised when Meta redelivers it, and a store of the old shape is taken over on the first
 * delivery without forgetting anything.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { PAGE_ID, USERS, messageEvent, startFakeGraph, webhookPayload, type FakeGraph } from '../fakes/graph';
import { metaCredentials } from './setup';
import { Triggers, deliverAndSettle, itemsOf } from './trigger-setup';

const T0 = Date.now() - 60 * 60 * 1000;
const NODE_KEY = 'node:Social Messaging Trigger';

let fake: FakeGraph;
const triggers = new Triggers();

beforeAll(async () => {
	fake = await startFakeGraph();
});
afterAll(async () => {
	await triggers.closeAll();
	await fake.close();
});

const message = (index: number) => messageEvent({ from: USERS.alice.id, to: PAGE_ID, text: `event ${index}`, timestamp: T0 + index, mid: `m_static_${index}_${'x'.repeat(40)}` });
const deliveryOf = (from: number, count: number) => webhookPayload('page', PAGE_ID, Array.from({ length: count }, (_, offset) => message(from + offset)));

async function trigger(staticData?: IDataObject) {
	return await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger' }, requireActivation: false, staticData });
}

describe('the trigger\'s static data stays small', () => {
	it('10,000 events: under 50 KB of static data, and every one of them is still recognised as a redelivery', async () => {
		const harness = await trigger();
		for (let from = 0; from < 10_000; from += 1000) await deliverAndSettle(fake, harness, deliveryOf(from, 1000));
		expect(harness.executions.length).toBe(10);
		const size = JSON.stringify(harness.nodeStaticData()).length;
		// ${size} characters of static data
		expect(size).toBeLessThanOrEqual(50_000);

		const restarted = await triggers.restart(harness);
		for (let from = 0; from < 10_000; from += 1000) await deliverAndSettle(fake, restarted, deliveryOf(from, 1000));
		// all 10,000 redeliveries dropped
		expect(restarted.executions.length).toBe(0);
	});

	it('static data of the old shape: its events are still recognised, and it is replaced by the compact one', async () => {
		const seen: IDataObject = {};
		for (let index = 0; index < 3; index++) {
			const digest = createHash('sha256').update(`mid:m_static_${index}_${'x'.repeat(40)}`).digest('base64url').slice(0, 16);
			seen[digest] = T0 + index;
		}
		const harness = await trigger({ [NODE_KEY]: { seen } });
		await deliverAndSettle(fake, harness, deliveryOf(0, 4));
		expect(itemsOf(harness).map((item) => item.text)).toStrictEqual(['event 3']);
		const stored = harness.nodeStaticData();
		expect(stored.seen).toBeUndefined();
		expect(stored.dedupe).toBeTruthy();
	});
});
