/**
 * The resource locators' lists (`methods.listSearch.searchConversations` / `searchRecipients`), called the
 * way n8n's editor calls them: a LoadOptionsContext over a one-node workflow with the current parameters
 * and the selected credential (test/harness/loadOptions.ts), against the fake Graph API.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import {
	CONVERSATION_IDS,
	IG_ACCOUNT_ID,
	IG_USER_TOKEN,
	PAGE_ID,
	PAGE_TOKEN,
	USERS,
	createLargeState,
	largeUserId,
	type FakeGraph,
} from '../fakes/graph';
import { runListSearch } from '../harness/loadOptions';
import { CONVERSATION_FIELDS, assertGraphGet, clear, pageOf } from './read-helpers';
import { instagramLoginCredentials, metaCredentials, useFakeGraph } from './setup';

const conversationsQuery = (platform: string, extra: Record<string, string> = {}) => ({
	platform,
	fields: CONVERSATION_FIELDS,
	limit: '50',
	...extra,
});

/** Parameters of a node the user is editing (Message > Get Many with the conversation list open). */
function messageGetManyParameters(platform?: string): INodeParameters {
	return {
		...(platform ? { platform } : {}),
		resource: 'message',
		operation: 'getAll',
		conversationId: { __rl: true, mode: 'list', value: '' },
	};
}

function sendParameters(platform: string): INodeParameters {
	return {
		platform,
		resource: 'message',
		operation: 'send',
		recipientType: 'user',
		recipientId: { __rl: true, mode: 'list', value: '' },
	};
}

async function search(
	method: 'searchConversations' | 'searchRecipients',
	credentials: ICredentialDataDecryptedObject,
	parameters: INodeParameters,
	filter?: string,
	paginationToken?: string,
) {
	return await runListSearch({
		method,
		parameters,
		credentials: { socialMessagingApi: credentials },
		filter,
		paginationToken,
		path: method === 'searchConversations' ? 'parameters.conversationId' : 'parameters.recipientId',
	});
}

describe('searchConversations', () => {
	const fake = useFakeGraph();

	test('Messenger: one request for a page of 50, labelled with the other person\'s name and the date, linking to the inbox', async () => {
		clear(fake());
		const result = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'));
		assert.deepEqual(result, {
			results: [
				{ name: 'Chloé Dubois (2024-05-01)', value: CONVERSATION_IDS.chloe, url: `https://www.facebook.com/${PAGE_ID}/inbox/${CONVERSATION_IDS.chloe}` },
				{ name: 'Alice Müller (2024-05-01)', value: CONVERSATION_IDS.alice, url: `https://www.facebook.com/${PAGE_ID}/inbox/${CONVERSATION_IDS.alice}` },
				{ name: 'Bob Smith (2024-05-01)', value: CONVERSATION_IDS.bob, url: `https://www.facebook.com/${PAGE_ID}/inbox/${CONVERSATION_IDS.bob}` },
				{ name: 'Dana Blocked (2024-04-30)', value: CONVERSATION_IDS.dana, url: `https://www.facebook.com/${PAGE_ID}/inbox/${CONVERSATION_IDS.dana}` },
			],
			paginationToken: undefined,
		});
		for (const item of result.results) assert.ok(!item.name.includes('Acme Coffee Roasters'), 'the Page itself is not a label');
		assert.equal(fake().requests.length, 1);
		assertGraphGet(fake().requests[0], { path: `/${PAGE_ID}/conversations`, query: conversationsQuery('messenger'), token: PAGE_TOKEN });
	});

	test('the Platform default (Messenger) applies when the parameter was never touched', async () => {
		clear(fake());
		const result = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters());
		assert.equal(result.results.length, 4);
		assert.equal(fake().requests[0].query.platform, 'messenger');
	});

	test('filter: case-insensitive, on the label and the ID', async () => {
		clear(fake());
		const byName = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), 'müller');
		assert.deepEqual(
			byName.results.map((r) => r.value),
			[CONVERSATION_IDS.alice],
		);
		const byId = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), CONVERSATION_IDS.bob.slice(-6));
		assert.deepEqual(
			byId.results.map((r) => r.name),
			['Bob Smith (2024-05-01)'],
		);
		const none = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), 'nobody here');
		assert.deepEqual(none.results, []);
	});

	test('Instagram through the Meta Graph API: usernames as labels, the Instagram account left out', async () => {
		clear(fake());
		const result = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('instagram'));
		assert.deepEqual(
			result.results.map((r) => [r.name, r.value]),
			[
				['kenji_t (2024-05-01)', CONVERSATION_IDS.kenji],
				['ines.garcia (2024-05-01)', CONVERSATION_IDS.ines],
			],
		);
		assert.equal(fake().requests.length, 1);
		assertGraphGet(fake().requests[0], { path: `/${PAGE_ID}/conversations`, query: conversationsQuery('instagram'), token: PAGE_TOKEN });
	});

	test('Instagram through the Meta Graph API without the account id in the credential: still left out (looked up)', async () => {
		clear(fake());
		const result = await search('searchConversations', metaCredentials(fake(), { instagramAccountId: '' }), messageGetManyParameters('instagram'));
		assert.deepEqual(
			result.results.map((r) => r.name),
			['kenji_t (2024-05-01)', 'ines.garcia (2024-05-01)'],
		);
		assert.equal(fake().calls(`GET /${PAGE_ID}`).length, 1);
	});

	test('Instagram Login: /me/conversations with the Instagram token', async () => {
		clear(fake());
		const result = await search('searchConversations', instagramLoginCredentials(fake()), messageGetManyParameters('instagram'), 'INES');
		// Graph's relative link means nothing on Instagram: no URL rather than one that opens inside n8n.
		assert.deepEqual(result, {
			results: [{ name: 'ines.garcia (2024-05-01)', value: CONVERSATION_IDS.ines }],
			paginationToken: undefined,
		});
		assertGraphGet(fake().calls('GET /me/conversations')[0], {
			path: '/me/conversations',
			query: conversationsQuery('instagram'),
			token: IG_USER_TOKEN,
		});
	});

	test('an expired token fails with the explanation, without the token', async () => {
		clear(fake());
		fake().failNext(`GET /${PAGE_ID}/conversations`, 'expiredToken');
		await assert.rejects(
			search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger')),
			(error: Error & { description?: string }) => {
				assert.match(error.message, /invalid or has expired/);
				assert.ok(!JSON.stringify({ message: error.message, description: error.description }).includes(PAGE_TOKEN));
				return true;
			},
		);
	});
});

describe('searchConversations / searchRecipients: pagination', () => {
	const fake = useFakeGraph({ state: createLargeState({ conversations: 230, messagesPerConversation: 1 }) });

	async function walk(method: 'searchConversations' | 'searchRecipients', graph: FakeGraph) {
		const pages = [];
		let token: string | undefined;
		do {
			const result = await search(method, metaCredentials(graph), method === 'searchConversations' ? messageGetManyParameters('messenger') : sendParameters('messenger'), undefined, token);
			pages.push(result);
			token = result.paginationToken as string | undefined;
		} while (token && pages.length < 10);
		return pages;
	}

	test('conversations: pages of 50; the token is Graph\'s after cursor and is sent back as after', async () => {
		clear(fake());
		const pages = await walk('searchConversations', fake());
		assert.deepEqual(pages.map((p) => p.results.length), [50, 50, 50, 50, 30]);
		const requests = fake().requests;
		assert.equal(requests.length, 5);
		assertGraphGet(requests[0], { path: `/${PAGE_ID}/conversations`, query: conversationsQuery('messenger'), token: PAGE_TOKEN });
		for (let i = 1; i < 5; i++) {
			const cursor = pageOf(requests[i - 1]).paging?.cursors?.after;
			assert.ok(cursor);
			assert.equal(pages[i - 1].paginationToken, cursor);
			assertGraphGet(requests[i], { path: `/${PAGE_ID}/conversations`, query: conversationsQuery('messenger', { after: cursor }), token: PAGE_TOKEN });
		}
		assert.equal(pages[4].paginationToken, undefined);
		const all = pages.flatMap((p) => p.results);
		assert.deepEqual(
			all.map((r) => r.value),
			fake().state.conversationsOf(PAGE_ID, 'messenger').map((c) => c.id),
		);
		assert.equal(all[0].name, 'Person 0230 (2024-05-01)');
		assert.equal(all[229].name, 'Person 0001 (2024-05-01)');
	});

	test('a search text that only matches on a later page: pages are read on until it is found', async () => {
		clear(fake());
		// Person 0160 is the 71st most recent conversation: on the second page of 50.
		const found = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), 'person 0160');
		assert.deepEqual(
			found.results.map((r) => r.name),
			['Person 0160 (2024-05-01)'],
		);
		const requests = fake().requests;
		assert.equal(requests.length, 2);
		assert.equal(requests[1].query.after, pageOf(requests[0]).paging?.cursors?.after);
		assert.equal(found.paginationToken, pageOf(requests[1]).paging?.cursors?.after, 'the editor can ask for more after it');

		clear(fake());
		const recipient = await search('searchRecipients', metaCredentials(fake()), sendParameters('messenger'), 'Person 0060');
		assert.deepEqual(recipient.results, [{ name: `Person 0060 (${largeUserId('messenger', 59)})`, value: largeUserId('messenger', 59) }]);
		assert.equal(fake().requests.length, 4);
	});

	test('a search reads at most 4 pages per call; the token lets the editor continue the search', async () => {
		clear(fake());
		// Person 0010 is the 221st most recent conversation: on the fifth page.
		const first = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), 'Person 0010');
		assert.deepEqual(first.results, []);
		assert.equal(fake().requests.length, 4);
		assert.equal(first.paginationToken, pageOf(fake().requests[3]).paging?.cursors?.after);
		assert.ok(first.paginationToken);

		clear(fake());
		const next = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), 'Person 0010', first.paginationToken as string);
		assert.deepEqual(next.results.map((r) => r.name), ['Person 0010 (2024-05-01)']);
		assert.equal(fake().requests.length, 1);
		assert.equal(fake().requests[0].query.after, first.paginationToken);
		assert.equal(next.paginationToken, undefined);
	});

	test('recipients: the same paging, one entry per person', async () => {
		clear(fake());
		const pages = await walk('searchRecipients', fake());
		assert.deepEqual(pages.map((p) => p.results.length), [50, 50, 50, 50, 30]);
		assert.equal(fake().requests.length, 5);
		assert.deepEqual(pages[0].results[0], { name: `Person 0230 (${largeUserId('messenger', 229)})`, value: largeUserId('messenger', 229) });
		const ids = pages.flatMap((p) => p.results.map((r) => r.value));
		assert.equal(new Set(ids).size, 230);
		assert.ok(!ids.includes(PAGE_ID));
	});
});

describe('searchRecipients', () => {
	const fake = useFakeGraph();

	test('Messenger: the people of recent conversations with their PSIDs, never the Page', async () => {
		clear(fake());
		const result = await search('searchRecipients', metaCredentials(fake()), sendParameters('messenger'));
		assert.deepEqual(result, {
			results: [
				{ name: `Chloé Dubois (${USERS.chloe.id})`, value: USERS.chloe.id },
				{ name: `Alice Müller (${USERS.alice.id})`, value: USERS.alice.id },
				{ name: `Bob Smith (${USERS.bob.id})`, value: USERS.bob.id },
				{ name: `Dana Blocked (${USERS.dana.id})`, value: USERS.dana.id },
			],
			paginationToken: undefined,
		});
		assert.equal(fake().requests.length, 1);
		assertGraphGet(fake().requests[0], { path: `/${PAGE_ID}/conversations`, query: conversationsQuery('messenger'), token: PAGE_TOKEN });
	});

	test('filter by name, by PSID digits and by username', async () => {
		clear(fake());
		const byName = await search('searchRecipients', metaCredentials(fake()), sendParameters('messenger'), 'chlo');
		assert.deepEqual(byName.results.map((r) => r.value), [USERS.chloe.id]);
		const byPsid = await search('searchRecipients', metaCredentials(fake()), sendParameters('messenger'), USERS.bob.id);
		assert.deepEqual(byPsid.results.map((r) => r.value), [USERS.bob.id]);
		const byUsername = await search('searchRecipients', instagramLoginCredentials(fake()), sendParameters('instagram'), 'KENJI_');
		assert.deepEqual(byUsername.results, [{ name: `kenji_t (${USERS.kenji.id})`, value: USERS.kenji.id }]);
		const pageItself = await search('searchRecipients', metaCredentials(fake()), sendParameters('messenger'), 'Acme');
		assert.deepEqual(pageItself.results, []);
	});

	test('Instagram Login: IGSIDs with usernames, the own account excluded', async () => {
		clear(fake());
		const result = await search('searchRecipients', instagramLoginCredentials(fake()), sendParameters('instagram'));
		// Checked before the exact list: assert.deepEqual narrows `results` to the expected literal values.
		assert.ok(!result.results.some((r) => r.value === IG_ACCOUNT_ID));
		assert.deepEqual(result.results, [
			{ name: `kenji_t (${USERS.kenji.id})`, value: USERS.kenji.id },
			{ name: `ines.garcia (${USERS.ines.id})`, value: USERS.ines.id },
		]);
		assertGraphGet(fake().calls('GET /me/conversations')[0], {
			path: '/me/conversations',
			query: conversationsQuery('instagram'),
			token: IG_USER_TOKEN,
		});
		assertGraphGet(fake().calls('GET /me')[0], { path: '/me', query: { fields: 'user_id,username' }, token: IG_USER_TOKEN });
	});

	test('Instagram through the Meta Graph API: the linked account excluded', async () => {
		clear(fake());
		const result = await search('searchRecipients', metaCredentials(fake()), sendParameters('instagram'));
		assert.deepEqual(
			result.results.map((r) => r.value),
			[USERS.kenji.id, USERS.ines.id],
		);
	});

	test('an Instagram Login credential cannot list Messenger people: a clear error, no request', async () => {
		clear(fake());
		await assert.rejects(search('searchRecipients', instagramLoginCredentials(fake()), sendParameters('messenger')), /Instagram Login credential cannot reach Messenger/);
		assert.equal(fake().requests.length, 0);
	});
});
