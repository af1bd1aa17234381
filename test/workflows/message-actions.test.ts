/**
 * Message > Send Action, React and Unreact through n8n's real engine against the fake Graph API, on
 * Messenger and on Instagram through both providers: the exact `{recipient, sender_action, payload?}`
 * bodies and the output items.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { isDeepStrictEqual } from 'node:util';

import type { IDataObject } from 'n8n-workflow';

import { CONVERSATION_IDS, USERS } from '../fakes/graph';
import {
	INSTAGRAM_LOGIN,
	INSTAGRAM_PAGE,
	MESSENGER,
	ROUTES,
	assertErrorItem,
	assertItemError,
	assertJsonCall,
	assertNoError,
	messageIdIn,
	responseOf,
	runOn,
	type Route,
} from './message.helpers';
import { byId, useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => fake().clearRequests());

const reactionFor = (route: Route) => (route.platform === 'messenger' ? 'love' : '❤️');

function reactionsOf(mid: string): Array<{ userId: string; reaction?: string }> {
	const message = fake().state.messages.get(mid);
	// no message ${mid} in the fake
	expect(message).toBeTruthy();
	return message!.reactions;
}

describe('Send Action', () => {
	for (const route of ROUTES) {
		for (const action of ['typing_on', 'typing_off', 'mark_seen'] as const) {
			it(`${route.label}: ${action}`, async () => {
				const before = fake().state.senderActions.length;
				const run = await runOn(fake(), route, { resource: 'message', operation: 'sendAction', recipientType: 'user', recipientId: byId(route.user), senderAction: action });
				assertNoError(run);
				expect(fake().requests.length).toBe(1);
				const [call] = fake().requests;
				assertJsonCall(call, route, 'messages', { recipient: { id: route.user }, sender_action: action });
				expect(responseOf(call)).toStrictEqual({ recipient_id: route.user });
				expect(run.items).toStrictEqual([{ json: { platform: route.platform, action, recipientId: route.user, success: true }, pairedItem: { item: 0 } }]);
				expect(fake().state.senderActions.length).toBe(before + 1);
				expect({ ...fake().state.senderActions.at(-1), at: 0 }).toStrictEqual({ recipient: route.user, action, payload: undefined, at: 0 });
			});
		}
	}

	it('Messenger: mark_seen clears the conversation\'s unread count', async () => {
		const conversation = fake().state.conversations.get(CONVERSATION_IDS.chloe);
		expect(conversation).toBeTruthy();
		conversation!.unreadCount = 3;
		const run = await runOn(fake(), MESSENGER, { resource: 'message', operation: 'sendAction', recipientId: byId(USERS.chloe.id), senderAction: 'mark_seen' });
		assertNoError(run);
		assertJsonCall(fake().requests[0], MESSENGER, 'messages', { recipient: { id: USERS.chloe.id }, sender_action: 'mark_seen' });
		expect(fake().requests.length).toBe(1);
		expect(run.items).toStrictEqual([{ json: { platform: 'messenger', action: 'mark_seen', recipientId: USERS.chloe.id, success: true }, pairedItem: { item: 0 } }]);
		expect(conversation!.unreadCount).toBe(0);
	});

	it('Messenger: per-item recipients and actions, output in input order', async () => {
		const items = [
			{ json: { id: USERS.alice.id, action: 'typing_on' } },
			{ json: { id: USERS.bob.id, action: 'mark_seen' } },
			{ json: { id: USERS.chloe.id, action: 'typing_off' } },
		];
		const run = await runOn(fake(), MESSENGER, { resource: 'message', operation: 'sendAction', recipientId: byId('={{ $json.id }}'), senderAction: '={{ $json.action }}' }, { items });
		assertNoError(run);
		expect(fake().requests.length).toBe(3);
		expect(run.items.length).toBe(3);
		for (const [index, { json }] of items.entries()) {
			const body = { recipient: { id: json.id }, sender_action: json.action };
			const calls = fake().requests.filter((r) => isDeepStrictEqual(r.body, body));
			expect(calls.length).toBe(1);
			assertJsonCall(calls[0], MESSENGER, 'messages', body);
			expect(run.items[index]).toStrictEqual({ json: { platform: 'messenger', action: json.action, recipientId: json.id, success: true }, pairedItem: { item: index } });
		}
	});
});

describe('React and Unreact', () => {
	for (const route of ROUTES) {
		it(`${route.label}: react with ${reactionFor(route)}, then unreact`, async () => {
			const mid = messageIdIn(fake(), route, 0);
			const reaction = reactionFor(route);
			const reacted = await runOn(fake(), route, {
				resource: 'message',
				operation: 'react',
				recipientType: 'user',
				recipientId: byId(route.user),
				messageId: ` ${mid} `,
				reaction: ` ${reaction} `,
			});
			assertNoError(reacted);
			expect(fake().requests.length).toBe(1);
			assertJsonCall(fake().requests[0], route, 'messages', {
				recipient: { id: route.user },
				sender_action: 'react',
				payload: { message_id: mid, reaction },
			});
			expect(reacted.items).toStrictEqual([{ json: { platform: route.platform, messageId: mid, reaction, success: true }, pairedItem: { item: 0 } }]);
			expect(reactionsOf(mid)).toStrictEqual([{ userId: route.businessId, reaction }]);

			fake().clearRequests();
			const unreacted = await runOn(fake(), route, { resource: 'message', operation: 'unreact', recipientType: 'user', recipientId: byId(route.user), messageId: mid });
			assertNoError(unreacted);
			expect(fake().requests.length).toBe(1);
			assertJsonCall(fake().requests[0], route, 'messages', { recipient: { id: route.user }, sender_action: 'unreact', payload: { message_id: mid } });
			expect(unreacted.items).toStrictEqual([{ json: { platform: route.platform, messageId: mid, success: true }, pairedItem: { item: 0 } }]);
			expect(reactionsOf(mid)).toStrictEqual([]);
		});
	}

	it('Instagram (Instagram Login): any emoji is passed through', async () => {
		const mid = messageIdIn(fake(), INSTAGRAM_LOGIN, 1);
		const run = await runOn(fake(), INSTAGRAM_LOGIN, { resource: 'message', operation: 'react', recipientId: byId(INSTAGRAM_LOGIN.user), messageId: mid, reaction: '🙏🏽' });
		assertNoError(run);
		assertJsonCall(fake().requests[0], INSTAGRAM_LOGIN, 'messages', { recipient: { id: INSTAGRAM_LOGIN.user }, sender_action: 'react', payload: { message_id: mid, reaction: '🙏🏽' } });
		expect(run.items).toStrictEqual([{ json: { platform: 'instagram', messageId: mid, reaction: '🙏🏽', success: true }, pairedItem: { item: 0 } }]);
	});

	it('an empty reaction is refused before anything is sent', async () => {
		const mid = messageIdIn(fake(), MESSENGER, 0);
		const run = await runOn(fake(), MESSENGER, { resource: 'message', operation: 'react', recipientId: byId(MESSENGER.user), messageId: mid, reaction: '={{ "  " }}' });
		assertItemError(run.error, 0, /No reaction given/);
		expect(run.items).toStrictEqual([]);
		expect(fake().requests.length).toBe(0);
	});

	it('Instagram (Meta Graph API): per-item reactions with On Error: Continue', async () => {
		const mids = [0, 1, 2].map((i) => messageIdIn(fake(), INSTAGRAM_PAGE, i));
		const untouched = structuredClone(reactionsOf(mids[1]));
		const items = [
			{ json: { mid: mids[0], r: '😂' } },
			{ json: { mid: mids[1], r: '' } },
			{ json: { mid: mids[2], r: '🔥' } },
		];
		const run = await runOn(
			fake(),
			INSTAGRAM_PAGE,
			{ resource: 'message', operation: 'react', recipientId: byId(INSTAGRAM_PAGE.user), messageId: '={{ $json.mid }}', reaction: '={{ $json.r }}' },
			{ items, continueOnFail: true },
		);
		assertNoError(run);
		expect(fake().requests.length).toBe(2);
		expect(run.items.length).toBe(3);
		for (const index of [0, 2]) {
			const { mid, r } = items[index].json;
			const body: IDataObject = { recipient: { id: INSTAGRAM_PAGE.user }, sender_action: 'react', payload: { message_id: mid, reaction: r } };
			const call = fake().requests.find((req) => isDeepStrictEqual(req.body, body));
			// no request for item ${index}
			expect(call).toBeTruthy();
			assertJsonCall(call!, INSTAGRAM_PAGE, 'messages', body);
			expect(run.items[index]).toStrictEqual({ json: { platform: 'instagram', messageId: mid, reaction: r, success: true }, pairedItem: { item: index } });
			expect(reactionsOf(mid)).toStrictEqual([{ userId: INSTAGRAM_PAGE.businessId, reaction: r }]);
		}
		assertErrorItem(run.items[1], 1, /No reaction given/);
		expect(reactionsOf(mids[1])).toStrictEqual(untouched);
	});

	for (const [operation, label] of [
		['sendAction', 'Sender actions'],
		['react', 'Reactions'],
		['unreact', 'Reactions'],
	] as const) {
		it(`${operation}: a recipient other than a user is refused before anything is sent`, async () => {
			const run = await runOn(fake(), MESSENGER, {
				resource: 'message',
				operation,
				recipientType: 'comment',
				recipientHandle: '104812345678901_987654321',
				senderAction: 'typing_on',
				messageId: messageIdIn(fake(), MESSENGER, 0),
				reaction: 'love',
			});
			assertItemError(run.error, 0, new RegExp(`${label} need a user as recipient`));
			expect(run.items).toStrictEqual([]);
			expect(fake().requests.length).toBe(0);
		});
	}
});
