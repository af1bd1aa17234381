/**
 * Conversation > Get Many and Get on X: X has no list of conversations, so the node derives them from
 * GET /2/dm_events grouped by dm_conversation_id, newest first, participants from the expansions. The
 * exact requests, the items, paging across event pages (a conversation is listed once) and the filter.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { GROUP_ID, ME, X_USERS, type FakeX } from '../fakes/x';
import { addMessages, assertCall, assertNoError, EVENT_QUERY, eventsOf, expectedMessage, jsonOf, ME_QUERY, runX, useFakeX } from './x.helpers';

const fake = useFakeX({ rateLimits: { dmLookup: { limit: 1000, windowMs: 900_000 } } });
beforeEach(() => fake().clearRequests());

/** The conversation as the node should derive it from the events of one page. */
function expectedConversation(on: FakeX, id: string, pageEvents = on.state.visibleEvents(ME.id)): IDataObject {
	const events = pageEvents.filter((event) => event.conversationId === id);
	const messages = events.filter((event) => event.eventType === 'MessageCreate').map((event) => expectedMessage(on, event));
	const others = on.state.conversations.get(id)!.participantIds.filter((person) => person !== ME.id);
	return {
		id,
		platform: 'x',
		participants: others.map((person) => {
			const user = on.state.users.get(person)!;
			return { id: person, name: user.name, username: user.username, profilePictureUrl: user.profileImageUrl };
		}),
		messages,
		updatedAt: new Date(events[0].createdAt).toISOString(),
		messageCount: messages.length,
	};
}

const sortParticipants = (conversation: IDataObject) => ({ ...conversation, participants: [...(conversation.participants as IDataObject[])].sort((a, b) => String(a.id).localeCompare(String(b.id))) });

const one = (user: { id: string }) => fake().state.oneToOneId(ME.id, user.id);

describe('Conversation > Get Many', () => {
	it('one lookup of GET /2/dm_events (pages of 100), grouped by conversation, newest first', async () => {
		const run = await runX(fake(), { resource: 'conversation', operation: 'getAll', limit: 50 });
		assertNoError(run);
		expect(fake().requests.length).toBe(2);
		assertCall(fake().requests[0], 'GET', '/2/users/me', ME_QUERY);
		assertCall(fake().requests[1], 'GET', '/2/dm_events', { ...EVENT_QUERY, max_results: '100' });
		const ids = [one(X_USERS.alice), one(X_USERS.bob), GROUP_ID, one(X_USERS.carol)];
		expect(jsonOf(run).map((conversation) => conversation.id)).toStrictEqual(ids);
		expect(jsonOf(run).map(sortParticipants)).toStrictEqual(ids.map((id) => sortParticipants(expectedConversation(fake(), id))));
		expect(run.items.map((item) => item.pairedItem)).toStrictEqual(ids.map(() => ({ item: 0 })));
	});

	it('Limit cuts the conversations, not the events asked for', async () => {
		const run = await runX(fake(), { resource: 'conversation', operation: 'getAll', limit: 2 });
		expect(jsonOf(run).map((conversation) => conversation.id)).toStrictEqual([one(X_USERS.alice), one(X_USERS.bob)]);
		expect(fake().requests[1].query.max_results).toBe('100');
	});

	it('Only With User ID: the one-to-one conversation\'s events', async () => {
		const run = await runX(fake(), { resource: 'conversation', operation: 'getAll', returnAll: true, xUserId: X_USERS.bob.id });
		assertNoError(run);
		assertCall(fake().requests[1], 'GET', `/2/dm_conversations/with/${X_USERS.bob.id}/dm_events`, { ...EVENT_QUERY, max_results: '100' });
		expect(jsonOf(run)).toStrictEqual([expectedConversation(fake(), one(X_USERS.bob))]);
	});

	it('Return All pages through the events; a conversation spread over pages is listed once', async () => {
		const withErin = fake().state.oneToOne(ME.id, X_USERS.erin.id).id;
		addMessages(fake(), withErin, 150, 'Busy');
		const run = await runX(fake(), { resource: 'conversation', operation: 'getAll', returnAll: true });
		assertNoError(run);
		const [, first, second] = fake().requests;
		assertCall(first, 'GET', '/2/dm_events', { ...EVENT_QUERY, max_results: '100' });
		const token = (first.response as { meta: { next_token: string } }).meta.next_token;
		assertCall(second, 'GET', '/2/dm_events', { ...EVENT_QUERY, max_results: '100', pagination_token: token });
		expect(fake().requests.length).toBe(3);
		expect(jsonOf(run).map((conversation) => conversation.id)).toStrictEqual([withErin, one(X_USERS.alice), one(X_USERS.bob), GROUP_ID, one(X_USERS.carol)]);
		// Erin's conversation comes from the first page: its 100 newest messages.
		const firstPage = fake().state.visibleEvents(ME.id).slice(0, 100);
		expect(run.items[0].json).toStrictEqual(expectedConversation(fake(), withErin, firstPage));

		fake().clearRequests();
		const limited = await runX(fake(), { resource: 'conversation', operation: 'getAll', limit: 1 });
		expect(jsonOf(limited).map((conversation) => conversation.id)).toStrictEqual([withErin]);
		// a full first page was enough
		expect(fake().requests.length).toBe(2);
	});
});

describe('Conversation > Get', () => {
	it('GET /2/dm_conversations/{id}/dm_events with Messages as max_results; group participants from ParticipantsJoin', async () => {
		const run = await runX(fake(), { resource: 'conversation', operation: 'get', xConversationId: GROUP_ID, xMessageLimit: 20 });
		assertNoError(run);
		assertCall(fake().requests[1], 'GET', `/2/dm_conversations/${GROUP_ID}/dm_events`, { ...EVENT_QUERY, max_results: '20' });
		expect(sortParticipants(run.items[0].json)).toStrictEqual(sortParticipants(expectedConversation(fake(), GROUP_ID)));
		expect((run.items[0].json.messages as IDataObject[]).map((message) => message.text)).toStrictEqual(['Thanks for the invite', 'Welcome to the launch group!']);
		expect(run.items[0].json.messageCount).toBe(2);
	});

	it('a one-to-one conversation with its most recent messages only', async () => {
		const run = await runX(fake(), { resource: 'conversation', operation: 'get', xConversationId: one(X_USERS.alice), xMessageLimit: 2 });
		const recent = fake().state.visibleEvents(ME.id).filter((event) => event.conversationId === one(X_USERS.alice)).slice(0, 2);
		expect(run.items[0].json).toStrictEqual(expectedConversation(fake(), one(X_USERS.alice), recent));
		expect((run.items[0].json.messages as IDataObject[]).map((message) => message.id)).toStrictEqual(eventsOf(fake(), one(X_USERS.alice)).slice(0, 2).map((event) => event.id));
	});

	it('a conversation the account is not in: X\'s 403 as a NodeApiError; a malformed ID fails before any request', async () => {
		const strangers = fake().state.oneToOne(X_USERS.bob.id, X_USERS.carol.id).id;
		const run = await runX(fake(), { resource: 'conversation', operation: 'get', xConversationId: strangers });
		expect(run.error).toBeTruthy();
		expect(run.error!.name).toBe('NodeApiError');
		expect(run.error!.httpCode).toBe('403');
		fake().clearRequests();
		const bad = await runX(fake(), { resource: 'conversation', operation: 'get', xConversationId: '123_456' });
		expect(bad.error).toBeTruthy();
		expect(bad.error!.name).toBe('NodeOperationError');
		expect(bad.error!.message).toMatch(/is not an X conversation ID/);
		expect(fake().requests.length).toBe(0);
	});
});
