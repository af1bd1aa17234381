/**
 * Social Messaging Trigger, auto-response with cooldown (issue 3): the reply goes out once per person
 * per wait period through the Meta adapter, the last reply per conversation is kept in static data
 * (so a restart does not reset it), and each answerable item reports what happened.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	IG_ACCOUNT_ID,
	PAGE_ID,
	USERS,
	batchedPayload,
	deliveryEvent,
	echoEvent,
	handoverEvent,
	messageEvent,
	postbackEvent,
	quickReplyEvent,
	reactionEvent,
	readEvent,
	referralEvent,
	startFakeGraph,
	webhookPayload,
	type FakeGraph,
	type MessagingEvent,
} from '../fakes/graph';
import type { TriggerHarness } from '../harness/webhook';
import { instagramLoginCredentials, metaCredentials } from './setup';
import { IG_AUTH, IG_PROOF, PAGE_AUTH, PAGE_PROOF, Triggers, deliverAndSettle, itemsOf, sent, settled, type TriggerOptions } from './trigger-setup';

const T0 = 1714554000000;
const TEXT = 'Thanks for your message! We usually reply within an hour.';
const HOUR_MS = 3600 * 1000;
const alice = USERS.alice.id;
const bob = USERS.bob.id;
const sendPath = `/${PAGE_ID}/messages`;

let fake: FakeGraph;
const triggers = new Triggers();

beforeEach(async () => {
	fake = await startFakeGraph();
});
afterEach(async () => {
	await triggers.closeAll();
	await fake.close();
});

function options(parameters: INodeParameters = {}, staticData?: IDataObject): TriggerOptions {
	return {
		credentials: metaCredentials(fake),
		parameters: { platform: 'messenger', autoResponse: true, autoResponseText: TEXT, ...parameters },
		requireActivation: false,
		staticData,
	};
}

async function trigger(parameters: INodeParameters = {}): Promise<TriggerHarness> {
	return await triggers.start(options(parameters));
}

const deliver = async (harness: TriggerHarness, payload: unknown) => await deliverAndSettle(fake, harness, payload);

let midCounter = 0;
function fromPerson(from: string, text: string, timestamp = T0): MessagingEvent {
	return messageEvent({ from, to: PAGE_ID, text, timestamp, mid: `m_auto_${++midCounter}` });
}

function page(events: MessagingEvent[], opts: { standby?: MessagingEvent[] } = {}) {
	return webhookPayload('page', PAGE_ID, events, opts);
}

/** The Send API calls the trigger made, as sent. */
function sends(path = sendPath) {
	return fake.calls(`POST ${path}`).map(sent);
}

function replyTo(id: string) {
	return { method: 'POST', path: sendPath, query: { appsecret_proof: PAGE_PROOF }, auth: PAGE_AUTH, body: { recipient: { id }, messaging_type: 'RESPONSE', message: { text: TEXT } } };
}

describe('auto-response', () => {
	it('a person\'s message gets the reply once, through the Send API, and the item reports it', async () => {
		const harness = await trigger();
		const before = Date.now();
		const result = await deliver(harness, page([fromPerson(alice, 'Hi there')]));
		expect(result.status).toBe(200);

		expect(sends()).toStrictEqual([replyTo(alice)]);
		expect(fake.state.deliveryCount(alice, TEXT)).toBe(1);
		const messageId = (fake.calls(`POST ${sendPath}`)[0].response as { message_id: string }).message_id;

		const [item] = itemsOf(harness);
		expect(item.text).toBe('Hi there');
		const outcome = item.autoResponse as IDataObject;
		expect(Object.keys(outcome).sort()).toStrictEqual(['messageId', 'sentAt', 'status']);
		expect(outcome.status).toBe('sent');
		expect(outcome.messageId).toBe(messageId);
		expect(Date.parse(outcome.sentAt as string) >= before - 1000 && Date.parse(outcome.sentAt as string) <= Date.now() + 1000).toBeTruthy();
		expect(harness.runs[0].status).toBe('success');
	});

	it('cooldown across two deliveries: the same person is skipped with nextAllowedAt, someone else is answered', async () => {
		const harness = await trigger();
		await deliver(harness, page([fromPerson(alice, 'First', T0)]));
		const first = itemsOf(harness, 0)[0].autoResponse as IDataObject;
		expect(first.status).toBe('sent');

		await deliver(harness, page([fromPerson(alice, 'Second', T0 + 1000), fromPerson(bob, 'Me too', T0 + 2000)]));
		const [second, other] = itemsOf(harness, 1);
		const skipped = second.autoResponse as IDataObject;
		expect(Object.keys(skipped).sort()).toStrictEqual(['nextAllowedAt', 'reason', 'status']);
		expect(skipped.status).toBe('skipped');
		expect(skipped.reason).toBe('cooldown');
		const waitLeft = Date.parse(skipped.nextAllowedAt as string) - Date.parse(first.sentAt as string);
		// next reply allowed ${waitLeft} ms after the first
		expect(Math.abs(waitLeft - HOUR_MS)).toBeLessThan(2000);
		expect((other.autoResponse as IDataObject).status).toBe('sent');

		expect(sends()).toStrictEqual([replyTo(alice), replyTo(bob)]);
		expect(fake.state.deliveryCount(alice, TEXT)).toBe(1);
	});

	it('two messages from one person in one delivery: one reply', async () => {
		const harness = await trigger();
		await deliver(harness, page([fromPerson(alice, 'one', T0), fromPerson(alice, 'two', T0 + 1)]));
		expect(itemsOf(harness).map((item) => [item.text, (item.autoResponse as IDataObject).status])).toStrictEqual([
				['one', 'sent'],
				['two', 'skipped'],
			]);
		expect(sends().length).toBe(1);
	});

	it('the cooldown survives a restart (static data reloaded)', async () => {
		const harness = await triggers.start(options());
		await deliver(harness, page([fromPerson(alice, 'before the restart')]));
		expect((itemsOf(harness)[0].autoResponse as IDataObject).status).toBe('sent');

		const restarted = await triggers.restart(harness);
		await deliver(restarted, page([fromPerson(alice, 'after the restart', T0 + 5000)]));
		const outcome = itemsOf(restarted)[0].autoResponse as IDataObject;
		expect(outcome.status).toBe('skipped');
		expect(outcome.reason).toBe('cooldown');
		// no second reply after the restart
		expect(sends().length).toBe(1);
	});

	it('after the wait the person gets the reply again', async () => {
		const harness = await trigger({ autoResponseWaitSeconds: 1 });
		await deliver(harness, page([fromPerson(alice, 'one', T0)]));
		await deliver(harness, page([fromPerson(alice, 'two', T0 + 1)]));
		await new Promise((resolve) => setTimeout(resolve, 1100));
		await deliver(harness, page([fromPerson(alice, 'three', T0 + 2)]));
		expect(harness.executions.map((execution) => (execution[0][0].json.autoResponse as IDataObject).status)).toStrictEqual(['sent', 'skipped', 'sent']);
		expect(sends().length).toBe(2);
		// Expired entries are dropped from static data; the current one stays.
		expect(Object.keys(harness.nodeStaticData().autoResponses as IDataObject)).toStrictEqual([`${PAGE_ID}:${alice}`]);
	});

	it('quick replies and postbacks are answered too', async () => {
		const harness = await trigger({ events: ['quick_reply', 'postback'] });
		await deliver(
			harness,
			page([
				quickReplyEvent({ from: alice, to: PAGE_ID, timestamp: T0, mid: 'm_qr_auto', text: 'Yes', payload: 'YES' }),
				postbackEvent({ from: bob, to: PAGE_ID, timestamp: T0 + 1, mid: 'm_pb_auto', title: 'Start', payload: 'START' }),
			]),
		);
		expect(itemsOf(harness).map((item) => [item.type, (item.autoResponse as IDataObject).status])).toStrictEqual([
				['quick_reply', 'sent'],
				['postback', 'sent'],
			]);
		expect(sends()).toStrictEqual([replyTo(alice), replyTo(bob)]);
	});

	it('never to echoes, reads, deliveries, reactions, the Page\'s own messages, standby or other events', async () => {
		const harness = await trigger({
			events: ['message', 'quick_reply', 'postback', 'read', 'delivery', 'reaction', 'edit', 'optin', 'referral', 'handover'],
			options: { includeEchoes: true },
		});
		const events: MessagingEvent[] = [
			echoEvent({ from: PAGE_ID, to: alice, timestamp: T0, mid: 'm_echo_auto', text: 'Our own reply' }),
			readEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 1 }),
			deliveryEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 2, mids: ['m_echo_auto'] }),
			reactionEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 3, mid: 'm_echo_auto' }),
			// The Page's own message without the echo flag.
			messageEvent({ from: PAGE_ID, to: alice, timestamp: T0 + 4, mid: 'm_own_auto', text: 'Sent from the Page' }),
			{ sender: { id: alice }, recipient: { id: PAGE_ID }, timestamp: T0 + 5, message_edit: { mid: 'm_x', text: 'edited', num_edit: 1 } },
			referralEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 6, ref: 'ad' }),
			handoverEvent({ from: alice, to: PAGE_ID, timestamp: T0 + 7, kind: 'pass_thread_control', newOwnerAppId: '263902037430900' }),
		];
		const standby = [messageEvent({ from: bob, to: PAGE_ID, timestamp: T0 + 8, mid: 'm_standby_auto', text: 'Hello? (another app is in control)' })];
		await deliver(harness, page(events, { standby }));

		const items = itemsOf(harness);
		expect(items.map((item) => item.type)).toStrictEqual(['echo', 'read', 'delivery', 'reaction', 'message', 'edit', 'referral', 'handover', 'message']);
		expect(items.every((item) => !('autoResponse' in item))).toBeTruthy();
		expect(sends().length).toBe(0);
		expect(harness.nodeStaticData().autoResponses).toStrictEqual({});
	});

	it('a failed reply is reported with the reason and not counted for the cooldown', async () => {
		const harness = await trigger();
		fake.failNext(`POST ${sendPath}`, 'cannotReceive');
		await deliver(harness, page([fromPerson(alice, 'Anyone?', T0)]));
		const failed = itemsOf(harness)[0].autoResponse as IDataObject;
		expect(Object.keys(failed).sort()).toStrictEqual(['reason', 'status']);
		expect(failed.status).toBe('failed');
		expect(failed.reason as string).toMatch(/\(#10\) This person isn't receiving messages from you right now\./);
		// the workflow still runs
		expect(harness.runs[0].status).toBe('success');

		await deliver(harness, page([fromPerson(alice, 'Hello again', T0 + 1)]));
		expect((itemsOf(harness, 1)[0].autoResponse as IDataObject).status).toBe('sent');
		expect(fake.state.deliveryCount(alice, TEXT)).toBe(1);
	});

	it('a person who cannot receive messages: failed, with the reason', async () => {
		const harness = await trigger();
		await deliver(harness, page([fromPerson(USERS.dana.id, 'Hi', T0)]));
		const failed = itemsOf(harness)[0].autoResponse as IDataObject;
		expect(failed.status).toBe('failed');
		expect(failed.reason as string).toMatch(/^This person cannot receive messages from the Page right now: .*\(#10\) This person isn't receiving messages from you right now\./);
		// a failed reply starts no cooldown
		expect(harness.nodeStaticData().autoResponses).toStrictEqual({});
	});

	it('deliveries handled at the same time: one reply per person and one item per event', async () => {
		// Each Send API call takes a while, so the second and third deliveries arrive while the first is
		// still sending its reply and its static data is not saved yet.
		fake.setLatency(150);
		const harness = await trigger();
		const first = fromPerson(alice, 'one', T0);
		const second = fromPerson(alice, 'two', T0 + 1);
		const results = await Promise.all([
			fake.deliver(harness.webhookUrl, page([first])),
			fake.deliver(harness.webhookUrl, page([second])),
			fake.deliver(harness.webhookUrl, page([first])),
		]);
		expect(results.map((result) => result.status)).toStrictEqual([200, 200, 200]);
		await settled(harness);
		expect(sends().length).toBe(1);
		const items = harness.executions.flatMap((execution) => execution[0].map((item) => item.json));
		expect(items.map((item) => item.text).sort()).toStrictEqual(['one', 'two']);
		expect(items.map((item) => (item.autoResponse as IDataObject).status).sort()).toStrictEqual(['sent', 'skipped']);
	});

	it('a redelivered message does not get a second reply', async () => {
		const harness = await trigger({ autoResponseWaitSeconds: 0 });
		const event = fromPerson(alice, 'Only once', T0);
		await deliver(harness, page([event]));
		await deliver(harness, page([event]));
		await deliver(harness, page([event]));
		expect(harness.executions.length).toBe(1);
		expect(sends().length).toBe(1);
	});

	it('without Auto-Respond nothing is sent and items have no autoResponse field', async () => {
		const harness = await trigger({ autoResponse: false });
		await deliver(harness, page([fromPerson(alice, 'Hi', T0)]));
		expect('autoResponse' in itemsOf(harness)[0]).toBe(false);
		expect(sends().length).toBe(0);
	});

	it('Instagram Login: the reply goes to /me/messages with the Instagram token', async () => {
		const harness = await triggers.start({
			credentials: instagramLoginCredentials(fake),
			parameters: { platform: 'instagram', autoResponse: true, autoResponseText: TEXT },
			requireActivation: false,
		});
		const ines = USERS.ines.id;
		await deliver(
			harness,
			webhookPayload('instagram', IG_ACCOUNT_ID, [messageEvent({ platform: 'instagram', from: ines, to: IG_ACCOUNT_ID, text: 'Hola', timestamp: T0, mid: 'aWdfYXV0bw' })]),
		);
		expect(sends('/me/messages')).toStrictEqual([
			{ method: 'POST', path: '/me/messages', query: { appsecret_proof: IG_PROOF }, auth: IG_AUTH, body: { recipient: { id: ines }, messaging_type: 'RESPONSE', message: { text: TEXT } } },
		]);
		expect((itemsOf(harness)[0].autoResponse as IDataObject).status).toBe('sent');
	});

	it('a 1,000-event delivery with auto-response on is still answered at once; each sender gets one reply', async () => {
		const harness = await trigger();
		const senders = [alice, bob, USERS.chloe.id];
		const payload = batchedPayload('page', PAGE_ID, 1000, { senders, startTimestamp: T0 + HOUR_MS, shuffle: true });
		const started = performance.now();
		const result = await fake.deliver(harness.webhookUrl, payload);
		const elapsedMs = performance.now() - started;
		await settled(harness);
		expect(result.status).toBe(200);
		// answered after ${Math.round(elapsedMs)} ms
		expect(elapsedMs).toBeLessThan(5000);

		const items = itemsOf(harness);
		expect(items.length).toBe(1000);
		expect(items.slice(0, 4).map((item) => (item.autoResponse as IDataObject).status)).toStrictEqual(['sent', 'sent', 'sent', 'skipped']);
		expect(items.filter((item) => (item.autoResponse as IDataObject).status === 'sent').length).toBe(3);
		expect(sends().map((request) => (request.body as { recipient: { id: string } }).recipient.id)).toStrictEqual(senders);
	});
});
