/**
 * Automation disclosure: the Send option and the trigger's auto-response say "this is a bot" in the first
 * automated message of a thread, and again after a human hands the thread back (pass_thread_control).
 * Both share one record in the workflow's global static data. Exact requests against the fake Graph.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { PAGE_ID, USERS, handoverEvent, messageEvent, startFakeGraph, webhookPayload, type FakeGraph } from '../fakes/graph';
import { DISCLOSURE_LIMITS, DISCLOSURE_STORE_KEY, disclosureDue, markDisclosed } from '../../nodes/platforms/core/disclosure';
import { MESSENGER, assertItemError, assertNoError, sendOn } from './message.helpers';
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

const DISCLOSURE = 'You are chatting with an automated assistant.';
const alice = USERS.alice.id;
const bob = USERS.bob.id;
const sendPath = `/${PAGE_ID}/messages`;
const bodies = () => fake.calls(`POST ${sendPath}`).map((call) => call.body as IDataObject);
const to = (id: string) => ({ recipientId: { __rl: true, mode: 'id', value: id } });

const send = async (parameters: INodeParameters) => {
	const run = await sendOn(fake, MESSENGER, { messageType: 'text', text: 'Your order has shipped.', options: { automationDisclosure: DISCLOSURE }, ...parameters });
	return { run, staticData: run.result.staticData };
};

describe('Send > Automation Disclosure', () => {
	it('the first message to a person goes after a disclosure text; the output says so', async () => {
		const { run, staticData } = await send(to(alice));
		assertNoError(run);
		expect(bodies()).toStrictEqual([
			{ recipient: { id: alice }, messaging_type: 'RESPONSE', message: { text: DISCLOSURE } },
			{ recipient: { id: alice }, messaging_type: 'RESPONSE', message: { text: 'Your order has shipped.' } },
		]);
		const [disclosureCall, messageCall] = fake.calls(`POST ${sendPath}`);
		expect(run.items[0].json.disclosure).toStrictEqual({ messageId: (disclosureCall.response as IDataObject).message_id, sentAt: (run.items[0].json.disclosure as IDataObject).sentAt });
		expect(run.items[0].json.messageId).toBe((messageCall.response as IDataObject).message_id);
		expect(Object.keys((staticData.global as IDataObject)[DISCLOSURE_STORE_KEY] as IDataObject)).toStrictEqual([`messenger:${alice}`]);
	});

	it('due again when the person had no automated message from the workflow for 24 hours', () => {
		const staticData: IDataObject = {};
		markDisclosed(staticData, 'messenger', alice, 1000);
		expect(disclosureDue(staticData, 'messenger', alice, 1000 + DISCLOSURE_LIMITS.againAfterMs - 1)).toBe(false);
		// per platform
		expect(disclosureDue(staticData, 'instagram', alice, 1001)).toBe(true);
		expect(disclosureDue(staticData, 'messenger', alice, 1000 + DISCLOSURE_LIMITS.againAfterMs)).toBe(true);
		for (let person = 0; person < DISCLOSURE_LIMITS.maxEntries + 10; person++) markDisclosed(staticData, 'messenger', `p${person}`, 2000 + person);
		const store = staticData[DISCLOSURE_STORE_KEY] as IDataObject;
		// bounded
		expect(Object.keys(store).length).toBe(DISCLOSURE_LIMITS.maxEntries);
		// the longest-ago are forgotten first
		expect(store.p0).toBeUndefined();
	});

	it('several items in one run: one disclosure per person', async () => {
		const run = await sendOn(
			fake,
			MESSENGER,
			{ recipientId: { __rl: true, mode: 'id', value: '={{ $json.to }}' }, messageType: 'text', text: '={{ $json.text }}', options: { automationDisclosure: DISCLOSURE, concurrency: 1 } },
			{ items: [{ json: { to: alice, text: 'one' } }, { json: { to: alice, text: 'two' } }, { json: { to: bob, text: 'three' } }] },
		);
		assertNoError(run);
		expect(bodies().map((body) => [(body.recipient as IDataObject).id, (body.message as IDataObject).text])).toStrictEqual([
				[alice, DISCLOSURE],
				[alice, 'one'],
				[alice, 'two'],
				[bob, DISCLOSURE],
				[bob, 'three'],
			]);
		expect(run.items[1].json.disclosure).toBeUndefined();
	});

	it('a message that fails validation sends no disclosure either', async () => {
		const { run } = await send({ ...to(alice), text: 'x'.repeat(2000) });
		assertItemError(run.error, 0, /Text is too long for Messenger/);
		expect(fake.requests.length).toBe(0);
	});
});

describe('Auto-response > Automation Disclosure', () => {
	const TEXT = 'Thanks! We reply within an hour.';
	let mid = 0;
	const fromPerson = (from: string) => messageEvent({ from, to: PAGE_ID, text: 'Hi', mid: `m_disc_${++mid}`, timestamp: Date.now() + mid });
	const start = (staticData?: IDataObject) =>
		triggers.start({
			credentials: metaCredentials(fake),
			parameters: { platform: 'messenger', events: ['message', 'handover'], autoResponse: true, autoResponseText: TEXT, autoResponseWaitSeconds: 0, autoResponseDisclosure: DISCLOSURE },
			requireActivation: false,
			staticData,
		});
	const texts = () => bodies().map((body) => (body.message as IDataObject).text);

	it('in front of the first auto-response only, and again after a human passes the thread back', async () => {
		const harness = await start();
		await deliverAndSettle(fake, harness, webhookPayload('page', PAGE_ID, [fromPerson(alice)]));
		await deliverAndSettle(fake, harness, webhookPayload('page', PAGE_ID, [fromPerson(alice)]));
		expect(texts()).toStrictEqual([`${DISCLOSURE}\n\n${TEXT}`, TEXT]);

		const handback = handoverEvent({ from: alice, to: PAGE_ID, timestamp: Date.now() + 100, kind: 'pass_thread_control', newOwnerAppId: '1234567890123456', previousOwnerAppId: '263902037430900' });
		await deliverAndSettle(fake, harness, webhookPayload('page', PAGE_ID, [handback]));
		await deliverAndSettle(fake, harness, webhookPayload('page', PAGE_ID, [fromPerson(alice)]));
		expect(texts()).toStrictEqual([`${DISCLOSURE}\n\n${TEXT}`, TEXT, `${DISCLOSURE}\n\n${TEXT}`]);
		expect(itemsOf(harness, 2)[0].type).toBe('handover');
	});

	it('shared with the Send operation: after a Send disclosed, the auto-response does not repeat it', async () => {
		const { staticData } = await send(to(alice));
		fake.clearRequests();
		const harness = await start(staticData);
		await deliverAndSettle(fake, harness, webhookPayload('page', PAGE_ID, [fromPerson(alice), fromPerson(bob)]));
		expect(bodies().map((body) => [(body.recipient as IDataObject).id, (body.message as IDataObject).text])).toStrictEqual([
			[alice, TEXT],
			[bob, `${DISCLOSURE}\n\n${TEXT}`],
		]);
	});
});
