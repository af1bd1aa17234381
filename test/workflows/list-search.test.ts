/**
 * The resource locators' lists (`methods.listSearch.searchConversations` / `searchRecipients`), called the
 * way n8n's editor calls them: a LoadOptionsContext over a one-node workflow with the current parameters
 * and the selected credential (test/harness/loadOptions.ts), against the fake Graph API.
 */
import { describe, expect, it } from '@jest/globals';

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
import { rejectionOf } from '../harness/expect';

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

	it('Messenger: one request for a page of 50, labelled with the other person\'s name and the date, linking to the inbox', async () => {
		clear(fake());
		const result = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'));
		expect(result).toStrictEqual({
			results: [
				{ name: 'Chloé Dubois (2024-05-01)', value: CONVERSATION_IDS.chloe, url: `https://www.facebook.com/${PAGE_ID}/inbox/${CONVERSATION_IDS.chloe}` },
				{ name: 'Alice Müller (2024-05-01)', value: CONVERSATION_IDS.alice, url: `https://www.facebook.com/${PAGE_ID}/inbox/${CONVERSATION_IDS.alice}` },
				{ name: 'Bob Smith (2024-05-01)', value: CONVERSATION_IDS.bob, url: `https://www.facebook.com/${PAGE_ID}/inbox/${CONVERSATION_IDS.bob}` },
				{ name: 'Dana Blocked (2024-04-30)', value: CONVERSATION_IDS.dana, url: `https://www.facebook.com/${PAGE_ID}/inbox/${CONVERSATION_IDS.dana}` },
			],
			paginationToken: undefined,
		});
		for (const item of result.results) expect(item.name).not.toContain('Acme Coffee Roasters'); // the Page itself is not a label
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${PAGE_ID}/conversations`, query: conversationsQuery('messenger'), token: PAGE_TOKEN });
	});

	it('the Platform default (Messenger) applies when the parameter was never touched', async () => {
		clear(fake());
		const result = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters());
		expect(result.results.length).toBe(4);
		expect(fake().requests[0].query.platform).toBe('messenger');
	});

	it('filter: case-insensitive, on the label and the ID', async () => {
		clear(fake());
		const byName = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), 'müller');
		expect(byName.results.map((r) => r.value)).toStrictEqual([CONVERSATION_IDS.alice]);
		const byId = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), CONVERSATION_IDS.bob.slice(-6));
		expect(byId.results.map((r) => r.name)).toStrictEqual(['Bob Smith (2024-05-01)']);
		const none = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), 'nobody here');
		expect(none.results).toStrictEqual([]);
	});

	it('Instagram through the Meta Graph API: usernames as labels, the Instagram account left out', async () => {
		clear(fake());
		const result = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('instagram'));
		expect(result.results.map((r) => [r.name, r.value])).toStrictEqual([
				['kenji_t (2024-05-01)', CONVERSATION_IDS.kenji],
				['ines.garcia (2024-05-01)', CONVERSATION_IDS.ines],
			]);
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${PAGE_ID}/conversations`, query: conversationsQuery('instagram'), token: PAGE_TOKEN });
	});

	it('Instagram through the Meta Graph API without the account id in the credential: still left out (looked up)', async () => {
		clear(fake());
		const result = await search('searchConversations', metaCredentials(fake(), { instagramAccountId: '' }), messageGetManyParameters('instagram'));
		expect(result.results.map((r) => r.name)).toStrictEqual(['kenji_t (2024-05-01)', 'ines.garcia (2024-05-01)']);
		expect(fake().calls(`GET /${PAGE_ID}`).length).toBe(1);
	});

	it('Instagram Login: /me/conversations with the Instagram token', async () => {
		clear(fake());
		const result = await search('searchConversations', instagramLoginCredentials(fake()), messageGetManyParameters('instagram'), 'INES');
		// Graph's relative link means nothing on Instagram: no URL rather than one that opens inside n8n.
		expect(result).toStrictEqual({
			results: [{ name: 'ines.garcia (2024-05-01)', value: CONVERSATION_IDS.ines }],
			paginationToken: undefined,
		});
		assertGraphGet(fake().calls('GET /me/conversations')[0], {
			path: '/me/conversations',
			query: conversationsQuery('instagram'),
			token: IG_USER_TOKEN,
		});
	});

	it('an expired token fails with the explanation, without the token', async () => {
		clear(fake());
		fake().failNext(`GET /${PAGE_ID}/conversations`, 'expiredToken');
		await rejectionOf<Error & { description?: string }>(search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'))).then((error: Error & { description?: string }) => {
				expect(error.message).toMatch(/invalid or has expired/);
				expect(JSON.stringify({ message: error.message, description: error.description })).not.toContain(PAGE_TOKEN);
			});
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

	it('conversations: pages of 50; the token is Graph\'s after cursor and is sent back as after', async () => {
		clear(fake());
		const pages = await walk('searchConversations', fake());
		expect(pages.map((p) => p.results.length)).toStrictEqual([50, 50, 50, 50, 30]);
		const requests = fake().requests;
		expect(requests.length).toBe(5);
		assertGraphGet(requests[0], { path: `/${PAGE_ID}/conversations`, query: conversationsQuery('messenger'), token: PAGE_TOKEN });
		for (let i = 1; i < 5; i++) {
			const cursor = pageOf(requests[i - 1]).paging?.cursors?.after;
			expect(cursor).toBeTruthy();
			expect(pages[i - 1].paginationToken).toBe(cursor);
			assertGraphGet(requests[i], { path: `/${PAGE_ID}/conversations`, query: conversationsQuery('messenger', { after: cursor! }), token: PAGE_TOKEN });
		}
		expect(pages[4].paginationToken).toBeUndefined();
		const all = pages.flatMap((p) => p.results);
		expect(all.map((r) => r.value)).toStrictEqual(fake().state.conversationsOf(PAGE_ID, 'messenger').map((c) => c.id));
		expect(all[0].name).toBe('Person 0230 (2024-05-01)');
		expect(all[229].name).toBe('Person 0001 (2024-05-01)');
	});

	it('a search text that only matches on a later page: pages are read on until it is found', async () => {
		clear(fake());
		// Person 0160 is the 71st most recent conversation: on the second page of 50.
		const found = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), 'person 0160');
		expect(found.results.map((r) => r.name)).toStrictEqual(['Person 0160 (2024-05-01)']);
		const requests = fake().requests;
		expect(requests.length).toBe(2);
		expect(requests[1].query.after).toBe(pageOf(requests[0]).paging?.cursors?.after);
		// the editor can ask for more after it
		expect(found.paginationToken).toBe(pageOf(requests[1]).paging?.cursors?.after);

		clear(fake());
		const recipient = await search('searchRecipients', metaCredentials(fake()), sendParameters('messenger'), 'Person 0060');
		expect(recipient.results).toStrictEqual([{ name: `Person 0060 (${largeUserId('messenger', 59)})`, value: largeUserId('messenger', 59) }]);
		expect(fake().requests.length).toBe(4);
	});

	it('a search reads at most 4 pages per call; the token lets the editor continue the search', async () => {
		clear(fake());
		// Person 0010 is the 221st most recent conversation: on the fifth page.
		const first = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), 'Person 0010');
		expect(first.results).toStrictEqual([]);
		expect(fake().requests.length).toBe(4);
		expect(first.paginationToken).toBe(pageOf(fake().requests[3]).paging?.cursors?.after);
		expect(first.paginationToken).toBeTruthy();

		clear(fake());
		const next = await search('searchConversations', metaCredentials(fake()), messageGetManyParameters('messenger'), 'Person 0010', first.paginationToken as string);
		expect(next.results.map((r) => r.name)).toStrictEqual(['Person 0010 (2024-05-01)']);
		expect(fake().requests.length).toBe(1);
		expect(fake().requests[0].query.after).toBe(first.paginationToken);
		expect(next.paginationToken).toBeUndefined();
	});

	it('recipients: the same paging, one entry per person', async () => {
		clear(fake());
		const pages = await walk('searchRecipients', fake());
		expect(pages.map((p) => p.results.length)).toStrictEqual([50, 50, 50, 50, 30]);
		expect(fake().requests.length).toBe(5);
		expect(pages[0].results[0]).toStrictEqual({ name: `Person 0230 (${largeUserId('messenger', 229)})`, value: largeUserId('messenger', 229) });
		const ids = pages.flatMap((p) => p.results.map((r) => r.value));
		expect(new Set(ids).size).toBe(230);
		expect(ids).not.toContain(PAGE_ID);
	});
});

describe('searchRecipients', () => {
	const fake = useFakeGraph();

	it('Messenger: the people of recent conversations with their PSIDs, never the Page', async () => {
		clear(fake());
		const result = await search('searchRecipients', metaCredentials(fake()), sendParameters('messenger'));
		expect(result).toStrictEqual({
			results: [
				{ name: `Chloé Dubois (${USERS.chloe.id})`, value: USERS.chloe.id },
				{ name: `Alice Müller (${USERS.alice.id})`, value: USERS.alice.id },
				{ name: `Bob Smith (${USERS.bob.id})`, value: USERS.bob.id },
				{ name: `Dana Blocked (${USERS.dana.id})`, value: USERS.dana.id },
			],
			paginationToken: undefined,
		});
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${PAGE_ID}/conversations`, query: conversationsQuery('messenger'), token: PAGE_TOKEN });
	});

	it('filter by name, by PSID digits and by username', async () => {
		clear(fake());
		const byName = await search('searchRecipients', metaCredentials(fake()), sendParameters('messenger'), 'chlo');
		expect(byName.results.map((r) => r.value)).toStrictEqual([USERS.chloe.id]);
		const byPsid = await search('searchRecipients', metaCredentials(fake()), sendParameters('messenger'), USERS.bob.id);
		expect(byPsid.results.map((r) => r.value)).toStrictEqual([USERS.bob.id]);
		const byUsername = await search('searchRecipients', instagramLoginCredentials(fake()), sendParameters('instagram'), 'KENJI_');
		expect(byUsername.results).toStrictEqual([{ name: `kenji_t (${USERS.kenji.id})`, value: USERS.kenji.id }]);
		const pageItself = await search('searchRecipients', metaCredentials(fake()), sendParameters('messenger'), 'Acme');
		expect(pageItself.results).toStrictEqual([]);
	});

	it('Instagram Login: IGSIDs with usernames, the own account excluded', async () => {
		clear(fake());
		const result = await search('searchRecipients', instagramLoginCredentials(fake()), sendParameters('instagram'));
		// Checked before the exact list: assert.deepEqual narrows `results` to the expected literal values.
		expect(result.results.some((r) => r.value === IG_ACCOUNT_ID)).toBeFalsy();
		expect(result.results).toStrictEqual([
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

	it('Instagram through the Meta Graph API: the linked account excluded', async () => {
		clear(fake());
		const result = await search('searchRecipients', metaCredentials(fake()), sendParameters('instagram'));
		expect(result.results.map((r) => r.value)).toStrictEqual([USERS.kenji.id, USERS.ines.id]);
	});

	it('an Instagram Login credential cannot list Messenger people: a clear error, no request', async () => {
		clear(fake());
		await expect(search('searchRecipients', instagramLoginCredentials(fake()), sendParameters('messenger'))).rejects.toThrow(/Instagram Login credential cannot reach Messenger/);
		expect(fake().requests.length).toBe(0);
	});
});
