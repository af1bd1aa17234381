/**
 * The Social Messaging Poll Trigger on X, against the fake X server: the first poll sets a watermark and
 * emits no backlog (unless asked), each new inbound DM is emitted once, oldest first, as the same unified
 * event item as the webhook trigger's; paging newest first stops at the watermark; the watermark lives in
 * static data, so it survives restarts; the editor's Fetch Test Event moves nothing.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ME, X_USERS, type FakeX } from '../fakes/x';
import { pollOnce, type PollResult } from '../harness';
import { EVENT_QUERY, ME_QUERY, assertCall, useFakeX, xCredentials } from './x.helpers';

const fake = useFakeX();
const { alice, bob } = X_USERS;

beforeEach(() => {
	fake().clearRequests();
	fake().limits.reset();
});

async function poll(staticData: IDataObject = {}, options: IDataObject = {}, mode: 'trigger' | 'manual' = 'trigger'): Promise<PollResult> {
	return await pollOnce({ parameters: { platform: 'x', options: options as INodeParameters }, credentials: { socialMessagingApi: xCredentials(fake()) }, staticData, mode });
}

const newest = (f: FakeX) => f.state.events.find((event) => event.eventType === 'MessageCreate')!;
const json = (result: PollResult) => (result.items ?? [[]])[0].map((item) => item.json);
const LIST_QUERY = { ...EVENT_QUERY, max_results: '100', event_types: 'MessageCreate' };

function say(from: string, to: string, text: string) {
	return fake().state.addEvent({ eventType: 'MessageCreate', conversationId: fake().state.oneToOne(from, to).id, senderId: from, text });
}

const person = (id: string) => {
	const user = fake().state.users.get(id)!;
	return { id, name: user.name, username: user.username, profilePictureUrl: user.profileImageUrl };
};

describe('X poll trigger', () => {
	it('the first poll sets the watermark at the newest DM and emits no backlog', async () => {
		const first = await poll();
		expect(first.items).toBeNull();
		expect(fake().requests.map((call) => `${call.method} ${call.path}`)).toStrictEqual(['GET /2/users/me', 'GET /2/dm_events']);
		assertCall(fake().requests[0], 'GET', '/2/users/me', ME_QUERY);
		assertCall(fake().requests[1], 'GET', '/2/dm_events', LIST_QUERY);
		const top = newest(fake());
		expect(first.staticData['node:Social Messaging Poll Trigger']).toStrictEqual({ watermark: { at: new Date(top.createdAt).toISOString(), ids: [top.id] } });
	});

	it('each new inbound DM is emitted once, oldest first, as the unified event; own messages are not', async () => {
		const start = await poll();
		const one = say(alice.id, ME.id, 'First new');
		say(ME.id, alice.id, 'Our answer');
		const two = say(bob.id, ME.id, 'Second new');
		const next = await poll(start.staticData);
		expect(json(next)).toStrictEqual([
			{
				type: 'message',
				platform: 'x',
				accountId: ME.id,
				conversationKey: `${ME.id}:${alice.id}`,
				attachments: [],
				timestamp: new Date(one.createdAt).toISOString(),
				sender: person(alice.id),
				recipient: person(ME.id),
				messageId: one.id,
				text: 'First new',
			},
			{
				type: 'message',
				platform: 'x',
				accountId: ME.id,
				conversationKey: `${ME.id}:${bob.id}`,
				attachments: [],
				timestamp: new Date(two.createdAt).toISOString(),
				sender: person(bob.id),
				recipient: person(ME.id),
				messageId: two.id,
				text: 'Second new',
			},
		]);
		// Polled again (as after a restart, from the saved static data): nothing twice.
		expect((await poll(next.staticData)).items).toBeNull();
	});

	it('pages newest first until the watermark: 150 new DMs in two lookups, each once', async () => {
		const start = await poll();
		const sent = Array.from({ length: 150 }, (_, index) => say(alice.id, ME.id, `Burst ${index + 1}`));
		fake().clearRequests();
		const next = await poll(start.staticData);
		expect(json(next).map((item) => item.messageId)).toStrictEqual(sent.map((event) => event.id));
		const lookups = fake().calls('GET /2/dm_events');
		expect(lookups.length).toBe(2);
		expect(lookups[0].query).toStrictEqual(LIST_QUERY);
		expect(lookups[1].query).toStrictEqual({ ...LIST_QUERY, pagination_token: (lookups[0].response as { meta: { next_token: string } }).meta.next_token });
		expect((await poll(next.staticData)).items).toBeNull();
	});

	it('Emit Backlog on First Poll emits the inbound DMs of the first page already there', async () => {
		const first = await poll({}, { emitBacklog: true });
		// The first page: the 100 newest DMs, of which the ones people sent.
		const firstPage = fake().state.visibleEvents(ME.id).filter((event) => event.eventType === 'MessageCreate').slice(0, 100);
		const inbound = firstPage.filter((event) => event.senderId !== ME.id);
		expect(inbound.length).toBeGreaterThan(0);
		expect(json(first).map((item) => item.messageId)).toStrictEqual(inbound.map((event) => event.id).reverse());
		expect(json(first).every((item) => item.type === 'message')).toBe(true);
	});

	it('Include Echoes also emits the account\'s own messages, as echoes with the other person as recipient', async () => {
		const start = await poll({}, { includeEchoes: true });
		const own = say(ME.id, bob.id, 'Sent elsewhere');
		const [item] = json(await poll(start.staticData, { includeEchoes: true }));
		expect([item.type, item.messageId, item.accountId, item.conversationKey, (item.recipient as IDataObject).id]).toStrictEqual(['echo', own.id, ME.id, `${ME.id}:${bob.id}`, bob.id]);
	});

	it('Fetch Test Event shows the newest inbound DM and leaves the watermark alone', async () => {
		const start = await poll();
		const latest = say(alice.id, ME.id, 'For the test');
		const manual = await poll(start.staticData, {}, 'manual');
		expect(json(manual).map((item) => item.messageId)).toStrictEqual([latest.id]);
		expect(manual.staticData).toStrictEqual(start.staticData);
		expect(json(await poll(manual.staticData)).map((item) => item.messageId)).toStrictEqual([latest.id]);
	});

	it('a rate-limited lookup fails the poll without moving the watermark; the next poll catches up', async () => {
		const start = await poll();
		const late = say(alice.id, ME.id, 'During the limit');
		fake().failNext('GET /2/dm_events', 'rateLimitProblem');
		await expect(poll(start.staticData)).rejects.toThrow(/rate limit/i);
		expect(json(await poll(start.staticData)).map((item) => item.messageId)).toStrictEqual([late.id]);
	});

	it('more than three pages since the last poll: the newest 300 now, the 20 older ones with the next poll, none twice, none lost', async () => {
		const start = await poll();
		const sent = Array.from({ length: 320 }, (_, index) => say(alice.id, ME.id, `Flood ${index + 1}`));
		fake().clearRequests();
		const next = await poll(start.staticData);
		expect(fake().calls('GET /2/dm_events').length).toBe(3);
		expect(json(next).map((item) => item.messageId)).toStrictEqual(sent.slice(20).map((event) => event.id));
		// A DM meanwhile (the fake's paging tokens count positions: it shifts them by one).
		const late = say(bob.id, ME.id, 'Late');
		fake().clearRequests();
		const after = await poll(next.staticData);
		// the top (only the late one is new), then the rest of the flood from where paging stopped
		const lookups = fake().calls('GET /2/dm_events');
		expect(lookups.map((call) => call.query.pagination_token !== undefined)).toStrictEqual([false, true]);
		expect(json(after).map((item) => item.messageId)).toStrictEqual([...sent.slice(0, 20), late].map((event) => event.id));
		expect(after.staticData['node:Social Messaging Poll Trigger']).not.toHaveProperty('gaps');
		expect((await poll(after.staticData)).items).toBeNull();
	});

	it('an Ayrshare credential cannot be polled: the error says what polls X', async () => {
		await expect(pollOnce({ parameters: { platform: 'x' }, credentials: { socialMessagingApi: { provider: 'ayrshare', ayrshareApiKey: 'k', ayrshareXApiKey: 'a', ayrshareXApiSecret: 'b' } } })).rejects.toThrow(/cannot watch X with this credential/);
	});

	it('a Meta credential is refused with what to use instead', async () => {
		await expect(pollOnce({ parameters: { platform: 'x' }, credentials: { socialMessagingApi: { provider: 'metaGraph', accessToken: 't', pageId: '1', appSecret: 's' } } })).rejects.toThrow(/cannot reach X/);
	});
});
