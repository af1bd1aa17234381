/**
 * Paging past Meta's caps (the seed's `next`): a Send with more than 10 cards or 13 quick replies sends the
 * first page with a next page quick reply and stores the rest in the workflow's static data; the trigger of
 * that workflow answers a tap with the following page, with no wiring. Exact requests against the fake
 * Graph, taps delivered signed to the trigger harness, forged and expired taps, validation before any
 * request, and the store's bounds.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { IG_ACCOUNT_ID, PAGE_ID, USERS, quickReplyEvent, startFakeGraph, webhookPayload, type FakeGraph } from '../fakes/graph';
import { NEXT_PAGE_LIMITS, NEXT_PAGE_STORE_KEY, nextPageKey, splitIntoPages } from '../../nodes/platforms/meta/nextPage';
import type { TriggerHarness } from '../harness/webhook';
import { INSTAGRAM_LOGIN_ID, MESSENGER, assertItemError, assertNoError, sendOn, type Route } from './message.helpers';
import { metaCredentials } from './setup';
import { IG_AUTH, IG_PROOF, PAGE_AUTH, PAGE_PROOF, Triggers, deliverAndSettle, itemsOf, sent } from './trigger-setup';

let fake: FakeGraph;
const triggers = new Triggers();
beforeEach(async () => {
	fake = await startFakeGraph();
});
afterEach(async () => {
	await triggers.closeAll();
	await fake.close();
});

const alice = USERS.alice.id;
const bob = USERS.bob.id;
const cards = (count: number) => Array.from({ length: count }, (_, i) => ({ title: `Plan ${i + 1}`, subtitle: `${(i + 1) * 5} EUR a month` }));
const cardsBody = (from: number, to: number) => cards(to).slice(from - 1).map((card) => ({ title: card.title, subtitle: card.subtitle }));
const options = (count: number) => Array.from({ length: count }, (_, i) => ({ title: `Size ${i + 1}`, payload: `SIZE_${i + 1}` }));
const optionsBody = (from: number, to: number) => options(to).slice(from - 1).map((o) => ({ content_type: 'text', ...o }));
const PAYLOAD = /^SM_NEXT_PAGE:[\w-]{16}:\d+:[\w-]{22}$/;

const cardsSend = (count: number, extra: INodeParameters = {}): INodeParameters => ({
	messageType: 'template',
	templateType: 'generic',
	elementsInputMode: 'json',
	elementsJson: JSON.stringify(cards(count)),
	...extra,
});
const repliesSend = (count: number, extra: INodeParameters = {}): INodeParameters => ({
	messageType: 'text',
	text: 'Which size?',
	quickRepliesInputMode: 'json',
	quickRepliesJson: JSON.stringify(options(count)),
	...extra,
});

/** The message object of each Send API call, in order. */
const messages = (path = `/${PAGE_ID}/messages`) => fake.calls(`POST ${path}`).map((call) => (call.body as IDataObject).message as IDataObject);
const nextPayload = (message: IDataObject) => ((message.quick_replies as IDataObject[]).at(-1) as IDataObject).payload as string;

async function sendThenTrigger(route: Route, parameters: INodeParameters, to = route.user) {
	const run = await sendOn(fake, route, { recipientId: { __rl: true, mode: 'id', value: to }, ...parameters });
	assertNoError(run);
	const harness = await triggers.start({
		credentials: route.credentials(fake),
		parameters: { platform: route.platform, events: ['message', 'quick_reply'] },
		requireActivation: false,
		staticData: run.result.staticData,
	});
	return { run, harness };
}

let mid = 0;
async function tap(harness: TriggerHarness, route: Route, payload: string, from = route.user) {
	const account = route.platform === 'instagram' ? IG_ACCOUNT_ID : PAGE_ID;
	const event = quickReplyEvent({ from, to: account, text: 'More', payload, mid: `m_tap_${++mid}`, timestamp: Date.now(), platform: route.platform });
	return await deliverAndSettle(fake, harness, webhookPayload(route.platform === 'instagram' ? 'instagram' : 'page', account, [event]));
}

describe('Send past the caps: the first page, with a next page quick reply', () => {
	it('30 cards: 10 go out with a "More" quick reply; the other 20 are stored for the trigger', async () => {
		const run = await sendOn(fake, MESSENGER, cardsSend(30));
		assertNoError(run);
		const [call] = fake.calls(`POST /${PAGE_ID}/messages`);
		expect(fake.requests.length).toBe(1);
		const body = call.body as IDataObject;
		expect(body.recipient).toStrictEqual({ id: alice });
		expect(body.messaging_type).toBe('RESPONSE');
		const message = body.message as IDataObject;
		expect(message.attachment).toStrictEqual({ type: 'template', payload: { template_type: 'generic', image_aspect_ratio: 'horizontal', elements: cardsBody(1, 10) } });
		expect((message.quick_replies as IDataObject[]).length).toBe(1);
		const [more] = message.quick_replies as IDataObject[];
		expect(more.content_type).toBe('text');
		expect(more.title).toBe('More');
		expect(String(more.payload)).toMatch(PAYLOAD);
		expect(String(more.payload).split(':')[2]).toBe('1');
		expect(run.items[0].json.messageId).toBe((call.response as IDataObject).message_id);
		const store = (run.result.staticData.global as IDataObject)[NEXT_PAGE_STORE_KEY] as IDataObject;
		const [entry] = Object.values(store) as IDataObject[];
		expect((entry.pages as unknown[]).length).toBe(2);
		// the store keeps no recipient
		expect(JSON.stringify(entry).includes(alice)).toBe(false);
	});

	it('40 quick replies with the label "Next": 12 and "Next" go out', async () => {
		const run = await sendOn(fake, MESSENGER, repliesSend(40, { options: { nextPageLabel: 'Next' } }));
		assertNoError(run);
		const [message] = messages();
		expect(message.text).toBe('Which size?');
		const replies = message.quick_replies as IDataObject[];
		expect(replies.slice(0, 12)).toStrictEqual(optionsBody(1, 12));
		expect(replies.length).toBe(13);
		expect(replies[12].title).toBe('Next');
		expect(String(replies[12].payload)).toMatch(PAYLOAD);
	});

	it('13 quick replies and 10 cards go out as they are, with nothing stored', async () => {
		const replies = await sendOn(fake, MESSENGER, repliesSend(13));
		const cardRun = await sendOn(fake, MESSENGER, cardsSend(10));
		assertNoError(replies);
		assertNoError(cardRun);
		expect(messages()[0].quick_replies).toStrictEqual(optionsBody(1, 13));
		expect(messages()[1].quick_replies).toBeUndefined();
		expect((replies.result.staticData.global as IDataObject | undefined)?.[NEXT_PAGE_STORE_KEY]).toBeUndefined();
		expect((cardRun.result.staticData.global as IDataObject | undefined)?.[NEXT_PAGE_STORE_KEY]).toBeUndefined();
	});
});

describe('A tap on the next page quick reply: the trigger sends the following page', () => {
	it('Messenger, 30 cards: page 2 and then page 3 go to the person who tapped, and no item is emitted', async () => {
		const { harness } = await sendThenTrigger(MESSENGER, cardsSend(30));
		const first = messages()[0];
		fake.clearRequests();

		const result = await tap(harness, MESSENGER, nextPayload(first));
		expect(result.status).toBe(200);
		expect(fake.requests.length).toBe(1);
		const request = sent(fake.requests[0]);
		expect(request.auth).toBe(PAGE_AUTH);
		expect(request.query).toStrictEqual({ appsecret_proof: PAGE_PROOF });
		const body = request.body as IDataObject;
		expect(body.recipient).toStrictEqual({ id: alice });
		expect(body.messaging_type).toBe('RESPONSE');
		const second = body.message as IDataObject;
		expect(second.attachment).toStrictEqual({ type: 'template', payload: { template_type: 'generic', image_aspect_ratio: 'horizontal', elements: cardsBody(11, 20) } });
		expect((second.quick_replies as IDataObject[]).length).toBe(1);
		expect(String(nextPayload(second)).split(':')[2]).toBe('2');
		// the tap was answered; the workflow does not run
		expect(harness.executions.length).toBe(0);

		fake.clearRequests();
		await tap(harness, MESSENGER, nextPayload(second));
		const third = (fake.requests[0].body as IDataObject).message as IDataObject;
		expect(third).toStrictEqual({ attachment: { type: 'template', payload: { template_type: 'generic', image_aspect_ratio: 'horizontal', elements: cardsBody(21, 30) } } });
		expect(harness.executions.length).toBe(0);
	});

	it('Instagram Login, 40 quick replies: pages of 12 + More, the last of 4, each with the text', async () => {
		const { harness } = await sendThenTrigger(INSTAGRAM_LOGIN_ID, repliesSend(40));
		const path = `/${IG_ACCOUNT_ID}/messages`;
		let payload = nextPayload(messages(path)[0]);
		for (const [from, to, more] of [[13, 24, true], [25, 36, true], [37, 40, false]] as const) {
			fake.clearRequests();
			await tap(harness, INSTAGRAM_LOGIN_ID, payload);
			expect(fake.requests.length).toBe(1);
			const request = sent(fake.requests[0]);
			expect(request.auth).toBe(IG_AUTH);
			expect(request.query).toStrictEqual({ appsecret_proof: IG_PROOF });
			const message = (request.body as IDataObject).message as IDataObject;
			expect(message.text).toBe('Which size?');
			const replies = message.quick_replies as IDataObject[];
			expect(replies.slice(0, to - from + 1)).toStrictEqual(optionsBody(from, to));
			expect(replies.length).toBe(to - from + 1 + (more ? 1 : 0));
			if (more) payload = nextPayload(message);
		}
		expect(harness.executions.length).toBe(0);
	});

	it('hours later and after a restart the tap still gets its page (static data)', async () => {
		const { harness } = await sendThenTrigger(MESSENGER, cardsSend(12));
		const payload = nextPayload(messages()[0]);
		const restarted = await triggers.restart(harness);
		fake.clearRequests();
		await tap(restarted, MESSENGER, payload);
		expect(((fake.requests[0].body as IDataObject).message as IDataObject).attachment).toStrictEqual({
			type: 'template',
			payload: { template_type: 'generic', image_aspect_ratio: 'horizontal', elements: cardsBody(11, 12) },
		});
	});

	it('another person tapping the payload, or a made-up one, gets nothing; the item says why', async () => {
		const { harness } = await sendThenTrigger(MESSENGER, cardsSend(30));
		const payload = nextPayload(messages()[0]);
		fake.clearRequests();

		await tap(harness, MESSENGER, payload, bob);
		const [parts] = [payload.split(':')];
		await tap(harness, MESSENGER, `${parts.slice(0, 2).join(':')}:2:${parts[3]}`);
		await tap(harness, MESSENGER, 'SM_NEXT_PAGE:nothing');
		// no page was sent
		expect(fake.requests.length).toBe(0);
		const outcomes = harness.executions.map((_, index) => itemsOf(harness, index)[0]);
		expect(outcomes.map((item) => [item.type, (item.sender as IDataObject).id, (item.nextPage as IDataObject).status])).toStrictEqual([
			['quick_reply', bob, 'refused'],
			['quick_reply', alice, 'refused'],
			['quick_reply', alice, 'refused'],
		]);
		expect(String((outcomes[0].nextPage as IDataObject).reason)).toMatch(/not signed for this person/);
	});

	it('pages no longer stored: the tap is emitted with nextPage "expired"; not emitted when the trigger ignores quick replies', async () => {
		const { run } = await sendThenTrigger(MESSENGER, cardsSend(30));
		const payload = nextPayload(messages()[0]);
		const empty = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger', events: ['quick_reply'] }, requireActivation: false });
		await tap(empty, MESSENGER, payload);
		const [item] = itemsOf(empty);
		expect((item.nextPage as IDataObject).status).toBe('expired');
		expect(String((item.nextPage as IDataObject).reason)).toMatch(/no longer stored .* Send the list again/);

		const deaf = await triggers.start({ credentials: metaCredentials(fake), parameters: { platform: 'messenger', events: ['message'] }, requireActivation: false });
		await tap(deaf, MESSENGER, payload);
		expect(deaf.executions.length).toBe(0);
		expect(run).toBeTruthy();
	});
});

describe('Validation before any request', () => {
	const refuses = async (parameters: INodeParameters, error: RegExp, route: Route = MESSENGER) => {
		fake.clearRequests();
		const run = await sendOn(fake, route, parameters);
		assertItemError(run.error, 0, error);
		expect(fake.requests.length).toBe(0);
	};

	it('a card on a later page that breaks a limit fails the item; nothing is sent or stored', async () => {
		const list = [...cards(25), { title: 't'.repeat(81) }];
		await refuses(cardsSend(0, { elementsJson: JSON.stringify(list) }), /Element 6 title is 81 characters long/);
	});

	it('without the App Secret, to a user_ref, past 10 pages, or with a long label', async () => {
		await refuses(cardsSend(11), /11 cards need the credential's App Secret to page/, { ...MESSENGER, credentials: (f) => metaCredentials(f, { appSecret: '' }) });
		await refuses({ ...cardsSend(11), recipientType: 'userRef', recipientHandle: 'ref_1' }, /11 cards need a recipient ID to page/);
		await refuses(cardsSend(101), /101 cards make 11 pages; at most 10 are kept/);
		await refuses(repliesSend(122), /122 quick replies make 11 pages/);
		await refuses(repliesSend(14, { options: { nextPageLabel: 'Show me the next page' } }), /Next Page Label "Show me the next page" is longer than 20 characters/);
	});
});

describe('The store of pages stays bounded', () => {
	it(`distinct lists are dropped oldest first past ${NEXT_PAGE_LIMITS.maxStoredBytes / 1024} KB; the same list to many people is stored once`, () => {
		const staticData: IDataObject = {};
		const key = nextPageKey('secret');
		const long = 'x'.repeat(80);
		const split = (list: number, to: string) =>
			splitIntoPages(
				{ recipient: { id: to }, template: { type: 'generic', elements: Array.from({ length: 30 }, (_, i) => ({ title: `${list} ${i}`, subtitle: long })) } },
				{ label: 'More', platform: 'messenger', key, validate: () => undefined },
			);
		for (let person = 0; person < 50; person++) split(0, `p${person}`)?.store(staticData, 1000);
		expect(Object.keys(staticData[NEXT_PAGE_STORE_KEY] as IDataObject).length).toBe(1);
		for (let list = 1; list <= 200; list++) split(list, 'p')?.store(staticData, 1000 + list);
		const store = staticData[NEXT_PAGE_STORE_KEY] as IDataObject;
		// ${JSON.stringify(store).length} bytes
		expect(JSON.stringify(store).length).toBeLessThanOrEqual(NEXT_PAGE_LIMITS.maxStoredBytes);
		const kept = Object.values(store).map((entry) => (entry as IDataObject).at as number);
		// the newest list is kept
		expect(Math.max(...kept)).toBe(1200);
		// the oldest are gone
		expect(Math.min(...kept)).toBeGreaterThan(1000);
		split(201, 'p')?.store(staticData, 1000 + NEXT_PAGE_LIMITS.keepMs + 300);
		// entries past their time are dropped
		expect(Object.keys(staticData[NEXT_PAGE_STORE_KEY] as IDataObject).length).toBe(1);
	});
});
