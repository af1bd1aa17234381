/**
 * Social Messaging Trigger, auto-response with cooldown (issue 3): the reply goes out once per person
 * per wait period through the Meta adapter, the last reply per conversation is kept in static data
 * (so a restart does not reset it), and each answerable item reports what happened.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

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
	test('a person\'s message gets the reply once, through the Send API, and the item reports it', async () => {
		const harness = await trigger();
		const before = Date.now();
		const result = await deliver(harness, page([fromPerson(alice, 'Hi there')]));
		assert.equal(result.status, 200);

		assert.deepEqual(sends(), [replyTo(alice)]);
		assert.equal(fake.state.deliveryCount(alice, TEXT), 1);
		const messageId = (fake.calls(`POST ${sendPath}`)[0].response as { message_id: string }).message_id;

		const [item] = itemsOf(harness);
		assert.equal(item.text, 'Hi there');
		const outcome = item.autoResponse as IDataObject;
		assert.deepEqual(Object.keys(outcome).sort(), ['messageId', 'sentAt', 'status']);
		assert.equal(outcome.status, 'sent');
		assert.equal(outcome.messageId, messageId);
		assert.ok(Date.parse(outcome.sentAt as string) >= before - 1000 && Date.parse(outcome.sentAt as string) <= Date.now() + 1000);
		assert.equal(harness.runs[0].status, 'success');
	});

	test('cooldown across two deliveries: the same person is skipped with nextAllowedAt, someone else is answered', async () => {
		const harness = await trigger();
		await deliver(harness, page([fromPerson(alice, 'First', T0)]));
		const first = itemsOf(harness, 0)[0].autoResponse as IDataObject;
		assert.equal(first.status, 'sent');

		await deliver(harness, page([fromPerson(alice, 'Second', T0 + 1000), fromPerson(bob, 'Me too', T0 + 2000)]));
		const [second, other] = itemsOf(harness, 1);
		const skipped = second.autoResponse as IDataObject;
		assert.deepEqual(Object.keys(skipped).sort(), ['nextAllowedAt', 'reason', 'status']);
		assert.equal(skipped.status, 'skipped');
		assert.equal(skipped.reason, 'cooldown');
		const waitLeft = Date.parse(skipped.nextAllowedAt as string) - Date.parse(first.sentAt as string);
		assert.ok(Math.abs(waitLeft - HOUR_MS) < 2000, `next reply allowed ${waitLeft} ms after the first`);
		assert.equal((other.autoResponse as IDataObject).status, 'sent');

		assert.deepEqual(sends(), [replyTo(alice), replyTo(bob)]);
		assert.equal(fake.state.deliveryCount(alice, TEXT), 1);
	});

	test('two messages from one person in one delivery: one reply', async () => {
		const harness = await trigger();
		await deliver(harness, page([fromPerson(alice, 'one', T0), fromPerson(alice, 'two', T0 + 1)]));
		assert.deepEqual(
			itemsOf(harness).map((item) => [item.text, (item.autoResponse as IDataObject).status]),
			[
				['one', 'sent'],
				['two', 'skipped'],
			],
		);
		assert.equal(sends().length, 1);
	});

	test('the cooldown survives a restart (static data reloaded)', async () => {
		const harness = await triggers.start(options());
		await deliver(harness, page([fromPerson(alice, 'before the restart')]));
		assert.equal((itemsOf(harness)[0].autoResponse as IDataObject).status, 'sent');

		const restarted = await triggers.restart(harness);
		await deliver(restarted, page([fromPerson(alice, 'after the restart', T0 + 5000)]));
		const outcome = itemsOf(restarted)[0].autoResponse as IDataObject;
		assert.equal(outcome.status, 'skipped');
		assert.equal(outcome.reason, 'cooldown');
		assert.equal(sends().length, 1, 'no second reply after the restart');
	});

	test('after the wait the person gets the reply again', async () => {
		const harness = await trigger({ autoResponseWaitSeconds: 1 });
		await deliver(harness, page([fromPerson(alice, 'one', T0)]));
		await deliver(harness, page([fromPerson(alice, 'two', T0 + 1)]));
		await new Promise((resolve) => setTimeout(resolve, 1100));
		await deliver(harness, page([fromPerson(alice, 'three', T0 + 2)]));
		assert.deepEqual(
			harness.executions.map((execution) => (execution[0][0].json.autoResponse as IDataObject).status),
			['sent', 'skipped', 'sent'],
		);
		assert.equal(sends().length, 2);
		// Expired entries are dropped from static data; the current one stays.
		assert.deepEqual(Object.keys(harness.nodeStaticData().autoResponses as IDataObject), [`${PAGE_ID}:${alice}`]);
	});

	test('quick replies and postbacks are answered too', async () => {
		const harness = await trigger({ events: ['quick_reply', 'postback'] });
		await deliver(
			harness,
			page([
				quickReplyEvent({ from: alice, to: PAGE_ID, timestamp: T0, mid: 'm_qr_auto', text: 'Yes', payload: 'YES' }),
				postbackEvent({ from: bob, to: PAGE_ID, timestamp: T0 + 1, mid: 'm_pb_auto', title: 'Start', payload: 'START' }),
			]),
		);
		assert.deepEqual(
			itemsOf(harness).map((item) => [item.type, (item.autoResponse as IDataObject).status]),
			[
				['quick_reply', 'sent'],
				['postback', 'sent'],
			],
		);
		assert.deepEqual(sends(), [replyTo(alice), replyTo(bob)]);
	});

	test('never to echoes, reads, deliveries, reactions, the Page\'s own messages, standby or other events', async () => {
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
		assert.deepEqual(
			items.map((item) => item.type),
			['echo', 'read', 'delivery', 'reaction', 'message', 'edit', 'referral', 'handover', 'message'],
		);
		assert.ok(items.every((item) => !('autoResponse' in item)));
		assert.equal(sends().length, 0);
		assert.deepEqual(harness.nodeStaticData().autoResponses, {});
	});

	test('a failed reply is reported with the reason and not counted for the cooldown', async () => {
		const harness = await trigger();
		fake.failNext(`POST ${sendPath}`, 'cannotReceive');
		await deliver(harness, page([fromPerson(alice, 'Anyone?', T0)]));
		const failed = itemsOf(harness)[0].autoResponse as IDataObject;
		assert.deepEqual(Object.keys(failed).sort(), ['reason', 'status']);
		assert.equal(failed.status, 'failed');
		assert.match(failed.reason as string, /\(#10\) This person isn't receiving messages from you right now\./);
		assert.equal(harness.runs[0].status, 'success', 'the workflow still runs');

		await deliver(harness, page([fromPerson(alice, 'Hello again', T0 + 1)]));
		assert.equal((itemsOf(harness, 1)[0].autoResponse as IDataObject).status, 'sent');
		assert.equal(fake.state.deliveryCount(alice, TEXT), 1);
	});

	test('a person who cannot receive messages: failed, with the reason', async () => {
		const harness = await trigger();
		await deliver(harness, page([fromPerson(USERS.dana.id, 'Hi', T0)]));
		const failed = itemsOf(harness)[0].autoResponse as IDataObject;
		assert.equal(failed.status, 'failed');
		assert.match(failed.reason as string, /^This person cannot receive messages from the Page right now: .*\(#10\) This person isn't receiving messages from you right now\./);
		assert.deepEqual(harness.nodeStaticData().autoResponses, {}, 'a failed reply starts no cooldown');
	});

	test('deliveries handled at the same time: one reply per person and one item per event', async () => {
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
		assert.deepEqual(
			results.map((result) => result.status),
			[200, 200, 200],
		);
		await settled(harness);
		assert.equal(sends().length, 1);
		const items = harness.executions.flatMap((execution) => execution[0].map((item) => item.json));
		assert.deepEqual(items.map((item) => item.text).sort(), ['one', 'two']);
		assert.deepEqual(items.map((item) => (item.autoResponse as IDataObject).status).sort(), ['sent', 'skipped']);
	});

	test('a redelivered message does not get a second reply', async () => {
		const harness = await trigger({ autoResponseWaitSeconds: 0 });
		const event = fromPerson(alice, 'Only once', T0);
		await deliver(harness, page([event]));
		await deliver(harness, page([event]));
		await deliver(harness, page([event]));
		assert.equal(harness.executions.length, 1);
		assert.equal(sends().length, 1);
	});

	test('without Auto-Respond nothing is sent and items have no autoResponse field', async () => {
		const harness = await trigger({ autoResponse: false });
		await deliver(harness, page([fromPerson(alice, 'Hi', T0)]));
		assert.equal('autoResponse' in itemsOf(harness)[0], false);
		assert.equal(sends().length, 0);
	});

	test('Instagram Login: the reply goes to /me/messages with the Instagram token', async () => {
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
		assert.deepEqual(sends('/me/messages'), [
			{ method: 'POST', path: '/me/messages', query: { appsecret_proof: IG_PROOF }, auth: IG_AUTH, body: { recipient: { id: ines }, messaging_type: 'RESPONSE', message: { text: TEXT } } },
		]);
		assert.equal((itemsOf(harness)[0].autoResponse as IDataObject).status, 'sent');
	});

	test('a 1,000-event delivery with auto-response on is still answered at once; each sender gets one reply', async () => {
		const harness = await trigger();
		const senders = [alice, bob, USERS.chloe.id];
		const payload = batchedPayload('page', PAGE_ID, 1000, { senders, startTimestamp: T0 + HOUR_MS, shuffle: true });
		const started = performance.now();
		const result = await fake.deliver(harness.webhookUrl, payload);
		const elapsedMs = performance.now() - started;
		await settled(harness);
		assert.equal(result.status, 200);
		assert.ok(elapsedMs < 5000, `answered after ${Math.round(elapsedMs)} ms`);

		const items = itemsOf(harness);
		assert.equal(items.length, 1000);
		assert.deepEqual(
			items.slice(0, 4).map((item) => (item.autoResponse as IDataObject).status),
			['sent', 'sent', 'sent', 'skipped'],
		);
		assert.equal(items.filter((item) => (item.autoResponse as IDataObject).status === 'sent').length, 3);
		assert.deepEqual(
			sends().map((request) => (request.body as { recipient: { id: string } }).recipient.id),
			senders,
		);
	});
});
