/**
 * Message > Get Many, Get and Delete on X through n8n's real engine against the fake X API: the exact
 * requests (path, query, OAuth 1.0a header), paging with pagination_token, Return All and Limit, and the
 * unified items made of X's DM events and their expansions.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { GROUP_ID, ME, X_USERS } from '../fakes/x';
import { assertCall, assertNoError, assertNoSecretIn, addMessages, EVENT_QUERY, eventsOf, ME_QUERY, expectedMessage, jsonOf, runX, useFakeX } from './x.helpers';

const fake = useFakeX({ rateLimits: { dmLookup: { limit: 1000, windowMs: 900_000 } } });
beforeEach(() => fake().clearRequests());

const WITH_ALICE = `${X_USERS.alice.id}-${ME.id}`;

describe('Message > Get Many', () => {
	it('by conversation ID: one lookup of its events with the fields, expansions and Limit as max_results', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'getAll', xMessagesBy: 'conversation', xConversationId: WITH_ALICE, limit: 3 });
		assertNoError(run);
		const [me, events] = fake().requests;
		assertCall(me, 'GET', '/2/users/me', ME_QUERY);
		assertCall(events, 'GET', `/2/dm_conversations/${WITH_ALICE}/dm_events`, { ...EVENT_QUERY, max_results: '3', event_types: 'MessageCreate' });
		expect(fake().requests.length).toBe(2);
		expect(jsonOf(run)).toStrictEqual(eventsOf(fake(), WITH_ALICE).slice(0, 3).map((event) => expectedMessage(fake(), event)));
		expect(run.items.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		// The image Alice sent comes with its media key and URL from includes.media.
		expect(run.items[1].json.attachments).toStrictEqual([{ type: 'image', id: '3_1500000000000000001', url: 'https://ton.x.com/i/ton/data/dm/1500000000000000001/1500000000000000001/media.jpg' }]);
	});

	it('by participant: the one-to-one lookup by user ID', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'getAll', xMessagesBy: 'participant', xParticipantId: X_USERS.bob.id, limit: 10 });
		assertNoError(run);
		assertCall(fake().requests[1], 'GET', `/2/dm_conversations/with/${X_USERS.bob.id}/dm_events`, { ...EVENT_QUERY, max_results: '10', event_types: 'MessageCreate' });
		const withBob = fake().state.oneToOneId(ME.id, X_USERS.bob.id);
		expect(jsonOf(run)).toStrictEqual(eventsOf(fake(), withBob).map((event) => expectedMessage(fake(), event)));
		expect(jsonOf(run).map((message) => message.direction)).toStrictEqual(['outbound', 'inbound']);
	});

	it('group conversation: inbound messages name the account as recipient; a referenced post is replyToId', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'getAll', xMessagesBy: 'conversation', xConversationId: GROUP_ID, returnAll: true });
		assertNoError(run);
		expect(jsonOf(run)).toStrictEqual(eventsOf(fake(), GROUP_ID).map((event) => expectedMessage(fake(), event)));
		const withCarol = fake().state.oneToOneId(ME.id, X_USERS.carol.id);
		const carol = await runX(fake(), { resource: 'message', operation: 'getAll', xMessagesBy: 'conversation', xConversationId: withCarol, limit: 1 });
		expect(jsonOf(carol)).toStrictEqual(eventsOf(fake(), withCarol).map((event) => expectedMessage(fake(), event)));
		expect(carol.items[0].json.replyToId).toBe('1800000000000000555');
	});

	it('Return All follows next_token through every page of 100', async () => {
		const withErin = fake().state.oneToOne(ME.id, X_USERS.erin.id).id;
		addMessages(fake(), withErin, 230, 'Paged');
		const run = await runX(fake(), { resource: 'message', operation: 'getAll', xMessagesBy: 'conversation', xConversationId: withErin, returnAll: true });
		assertNoError(run);
		const lookups = fake().requests.slice(1);
		expect(lookups.length).toBe(3);
		assertCall(lookups[0], 'GET', `/2/dm_conversations/${withErin}/dm_events`, { ...EVENT_QUERY, max_results: '100', event_types: 'MessageCreate' });
		for (const [index, call] of lookups.slice(1).entries()) {
			const token = (lookups[index].response as { meta: { next_token: string } }).meta.next_token;
			assertCall(call, 'GET', `/2/dm_conversations/${withErin}/dm_events`, { ...EVENT_QUERY, max_results: '100', event_types: 'MessageCreate', pagination_token: token });
		}
		expect((lookups[2].response as { meta: Record<string, unknown> }).meta.next_token).toBeUndefined();
		expect(run.items.length).toBe(230);
		expect(jsonOf(run)).toStrictEqual(eventsOf(fake(), withErin).map((event) => expectedMessage(fake(), event)));
	});

	it('Limit 150 takes two pages of 100 and stops', async () => {
		const withErin = fake().state.oneToOneId(ME.id, X_USERS.erin.id);
		const run = await runX(fake(), { resource: 'message', operation: 'getAll', xMessagesBy: 'conversation', xConversationId: withErin, limit: 150 });
		assertNoError(run);
		expect(fake().requests.length).toBe(3);
		expect(fake().requests.slice(1).map((call) => call.query.max_results)).toStrictEqual(['100', '100']);
		expect(jsonOf(run).map((message) => message.id)).toStrictEqual(eventsOf(fake(), withErin).slice(0, 150).map((event) => event.id));
	});

	it('Include Raw adds X\'s own event', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'getAll', xMessagesBy: 'conversation', xConversationId: WITH_ALICE, limit: 1, options: { includeRaw: true } });
		const [event] = eventsOf(fake(), WITH_ALICE);
		expect(run.items[0].json.raw).toStrictEqual({ id: event.id, event_type: 'MessageCreate', text: event.text, created_at: new Date(event.createdAt).toISOString(), dm_conversation_id: WITH_ALICE, sender_id: event.senderId });
	});

	it('an ID that is not X\'s fails before any request; Continue On Fail keeps the other items', async () => {
		const run = await runX(
			fake(),
			{ resource: 'message', operation: 'getAll', xMessagesBy: 'conversation', xConversationId: '={{ $json.id }}', limit: 1 },
			{ items: [{ json: { id: 'alice' } }, { json: { id: WITH_ALICE } }, { json: { id: '' } }], continueOnFail: true },
		);
		assertNoError(run);
		expect(String(run.items[0].json.error)).toMatch(/Conversation ID "alice" is not an X conversation ID/);
		expect(String(run.items[0].json.errorDescription)).toMatch(/123-456/);
		expect(run.items[1].json.conversationId).toBe(WITH_ALICE);
		expect(String(run.items[2].json.error)).toMatch(/Conversation ID is empty/);
		expect(run.items.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(fake().calls('GET /2/dm_conversations/{id}/dm_events').length).toBe(1);
	});
});

describe('Message > Get', () => {
	it('GET /2/dm_events/{id} with the same fields; the item is the unified message', async () => {
		const event = eventsOf(fake(), WITH_ALICE).find((candidate) => candidate.mediaKeys)!;
		const run = await runX(fake(), { resource: 'message', operation: 'get', xMessageId: event.id });
		assertNoError(run);
		assertCall(fake().requests[1], 'GET', `/2/dm_events/${event.id}`, EVENT_QUERY);
		expect(jsonOf(run)).toStrictEqual([expectedMessage(fake(), event)]);
	});

	it('a DM event X does not find (200 with errors) is an error that says so, not an empty item', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'get', xMessageId: '1234567890123456789' });
		// the node did not fail
		expect(run.error).toBeTruthy();
		expect(run.error!.name).toBe('NodeApiError');
		expect(run.error!.message).toMatch(/Could not find DM event with id: \[1234567890123456789\]/);
		expect(String(run.error!.description)).toMatch(/does not exist, was deleted, or this account cannot see it/);
		assertNoSecretIn(run.error);
	});
});

describe('Message > Delete', () => {
	it('DELETE /2/dm_events/{id} of the account\'s own message', async () => {
		const own = eventsOf(fake(), WITH_ALICE).find((event) => event.senderId === ME.id)!;
		const run = await runX(fake(), { resource: 'message', operation: 'delete', xMessageId: own.id });
		assertNoError(run);
		// delete needs no lookup of the account
		expect(fake().requests.length).toBe(1);
		assertCall(fake().requests[0], 'DELETE', `/2/dm_events/${own.id}`);
		expect(jsonOf(run)).toStrictEqual([{ platform: 'x', messageId: own.id, deleted: true }]);
		expect(fake().state.event(own.id)).toBeUndefined();
	});

	it('someone else\'s message: X\'s 403 becomes a NodeApiError with the item index', async () => {
		const theirs = eventsOf(fake(), WITH_ALICE).find((event) => event.senderId !== ME.id)!;
		const run = await runX(fake(), { resource: 'message', operation: 'delete', xMessageId: theirs.id });
		expect(run.error).toBeTruthy();
		expect(run.error!.name).toBe('NodeApiError');
		expect(run.error!.httpCode).toBe('403');
		expect(run.error!.message).toMatch(/only delete Direct Messages you sent/);
		expect((run.error!.context as { itemIndex?: number }).itemIndex).toBe(0);
		expect(fake().state.event(theirs.id)).toBeTruthy();
	});

	it('a Message ID that is not X\'s fails before any request', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'delete', xMessageId: 'm_123' });
		expect(run.error).toBeTruthy();
		expect(run.error!.name).toBe('NodeOperationError');
		expect(run.error!.message).toMatch(/Message ID "m_123" is not an X ID/);
		expect(fake().requests.length).toBe(0);
	});
});
