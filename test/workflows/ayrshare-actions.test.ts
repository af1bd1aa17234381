/**
 * The action node on an Ayrshare credential, through n8n's real engine against the fake Ayrshare: the
 * Messenger, Instagram and X operations a Meta or X workflow already uses, each asserting the exact
 * request (path, query, body, Bearer, Profile-Key, X headers) and the items; what Ayrshare lacks fails
 * before any request; errors, rate limits and Continue On Fail.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { PEOPLE, PROFILE_NO_MESSAGING, errorList, type RecordedRequest } from '../fakes/ayrshare';
import { byId, runSocialMessaging } from './setup';
import { assertAyrshareCall, assertNoSecrets, ayrshareCredentials, useFakeAyrshare } from './ayrshare.setup';

const fake = useFakeAyrshare();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
});

const run = async (parameters: IDataObject, options: Parameters<typeof runSocialMessaging>[2] = {}, overrides: ICredentialDataDecryptedObject = {}) =>
	await runSocialMessaging(ayrshareCredentials(fake(), overrides), parameters as never, options);

const responseOf = (call: RecordedRequest | undefined) => (call?.response ?? {}) as IDataObject;

describe('Ayrshare: conversations', () => {
	it('Messenger Get Many lists the active conversations (Ayrshare spells them converstationsDetails) with the cache times', async () => {
		const result = await run({ platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true });
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		const [call] = fake().requests;
		assertAyrshareCall(call, { method: 'GET', path: '/messages/facebook', query: { conversationsOnly: 'true', status: 'active' } });
		const answer = responseOf(call);
		expect(result.items.map((item) => item.json)).toStrictEqual([
				{ id: PEOPLE.facebook.conversation, platform: 'messenger', participants: [{ id: PEOPLE.facebook.id, name: 'John Smith', profilePictureUrl: 'https://cdn.example.com/john.jpg' }], lastUpdated: answer.lastUpdated, nextUpdate: answer.nextUpdate },
				{ id: PEOPLE.facebookOther.conversation, platform: 'messenger', participants: [{ id: PEOPLE.facebookOther.id, name: 'Sara Johnson' }], lastUpdated: answer.lastUpdated, nextUpdate: answer.nextUpdate },
			]);
		expect(result.items.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 0 }]);
	});

	it('the corrected spelling conversationsDetails is read too, and Filters > User ID keeps one person', async () => {
		const details = [{ id: 't_1', participant: { id: '111', name: 'A' }, status: 'active' }, { id: 't_2', participant: { id: '222', name: 'B' }, status: 'active' }];
		fake().failNext('GET /messages/facebook', { status: 200, body: { status: 'success', conversationIds: ['t_1', 't_2'], conversationsDetails: details } });
		const result = await run({ platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true, filters: { userId: '222' } });
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toStrictEqual([{ id: 't_2', platform: 'messenger', participants: [{ id: '222', name: 'B' }] }]);
	});

	it('Messenger Get reads the conversation\'s messages and names the other person', async () => {
		const result = await run({ platform: 'messenger', resource: 'conversation', operation: 'get', conversationId: byId(PEOPLE.facebook.conversation), messageLimit: 2 });
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		assertAyrshareCall(fake().requests[0], { method: 'GET', path: '/messages/facebook', query: { conversationId: PEOPLE.facebook.conversation } });
		const json = result.items[0].json;
		expect(json.id).toBe(PEOPLE.facebook.conversation);
		expect(json.participants).toStrictEqual([{ id: PEOPLE.facebook.id, name: 'John Smith' }]);
		expect(json.messageCount).toBe(2);
		const messages = json.messages as IDataObject[];
		expect(messages.map((message) => [message.direction, message.text])).toStrictEqual([['inbound', 'Question 3'], ['outbound', 'Answer 2']]);
		expect(messages[0].attachments).toStrictEqual([{ type: 'image', url: 'https://cdn.example.com/look-up.jpg' }]);
		expect(messages[1].reactions).toStrictEqual([{ userId: PEOPLE.facebook.id, emoji: '😆' }]);
	});

	it('Filters > Archived lists the archived conversations (status=archived)', async () => {
		const result = await run({ platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true, filters: { archived: true } });
		// result.error?.message
		expect(result.error).toBeUndefined();
		assertAyrshareCall(fake().requests[0], { method: 'GET', path: '/messages/facebook', query: { conversationsOnly: 'true', status: 'archived' } });
		expect(result.items.map((item) => item.json.id)).toStrictEqual(['t_archived_0001']);
	});

	it('Filters > Archived on a Meta credential fails before any request', async () => {
		const meta = { provider: 'metaGraph', pageId: '104812345678901', accessToken: 'page-token-000000', appSecret: 'app-secret-000000', useCustomBaseUrl: true, baseUrl: fake().url };
		const result = await runSocialMessaging(meta, { platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true, filters: { archived: true } });
		expect(fake().requests.length).toBe(0);
		expect(result.error?.message).toBe('Archived conversations are an Ayrshare filter');
	});

	it('X Get Many goes to /messages/twitter with the X app headers', async () => {
		const result = await run({ platform: 'x', resource: 'conversation', operation: 'getAll', returnAll: true });
		// result.error?.message
		expect(result.error).toBeUndefined();
		assertAyrshareCall(fake().requests[0], { method: 'GET', path: '/messages/twitter', query: { conversationsOnly: 'true', status: 'active' }, x: true });
		expect(result.items.map((item) => item.json.id)).toStrictEqual([PEOPLE.twitter.conversation]);
	});
});

describe('Ayrshare: messages', () => {
	it('Instagram Get Many: the conversation\'s messages, mapped, without X headers', async () => {
		const result = await run({ platform: 'instagram', resource: 'message', operation: 'getAll', conversationId: byId(PEOPLE.instagram.conversation), returnAll: true, options: { includeRaw: true } });
		// result.error?.message
		expect(result.error).toBeUndefined();
		const [call] = fake().requests;
		assertAyrshareCall(call, { method: 'GET', path: '/messages/instagram', query: { conversationId: PEOPLE.instagram.conversation } });
		const answer = responseOf(call);
		const raw = answer.messages as IDataObject[];
		expect(result.items.map((item) => item.json)).toStrictEqual(raw.map((message) => ({
			id: message.id,
			platform: 'instagram',
			attachments: [],
			lastUpdated: answer.lastUpdated,
			nextUpdate: answer.nextUpdate,
			raw: message,
			conversationId: PEOPLE.instagram.conversation,
			direction: message.action === 'received' ? 'inbound' : 'outbound',
			sender: { id: message.senderId, name: (message.senderDetails as IDataObject).name },
			recipient: { id: message.recipientId },
			text: message.message,
			timestamp: message.created,
		})));
	});

	it('Messenger history starts at the last 20 messages (Ayrshare keeps no more)', async () => {
		const result = await run({ platform: 'messenger', resource: 'message', operation: 'getAll', conversationId: byId('t_long_history'), returnAll: true });
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		expect(result.items.length).toBe(20);
	});

	it('X Get Many pages with limit and the meta.pagination.next cursor', async () => {
		const twitter = fake().state.profiles.get(ayrshareCredentials(fake()).ayrshareProfileKey as string)!.messages.twitter;
		const extra = Array.from({ length: 140 }, (_, index) => ({ ...twitter[0], id: String(1700000000000000000n + BigInt(index)) }));
		twitter.push(...extra);
		try {
			const result = await run({ platform: 'x', resource: 'message', operation: 'getAll', xConversationId: PEOPLE.twitter.conversation, returnAll: true });
			// result.error?.message
			expect(result.error).toBeUndefined();
			expect(fake().requests.length).toBe(2);
			const [first, second] = fake().requests;
			assertAyrshareCall(first, { method: 'GET', path: '/messages/twitter', query: { conversationId: PEOPLE.twitter.conversation, limit: '100' }, x: true });
			const next = ((responseOf(first).meta as IDataObject).pagination as IDataObject).next as string;
			assertAyrshareCall(second, { method: 'GET', path: '/messages/twitter', query: { conversationId: PEOPLE.twitter.conversation, limit: '100', next }, x: true });
			expect(responseOf(second).meta).toBeUndefined();
			expect(result.items.length).toBe(145);
		} finally {
			twitter.splice(5);
		}
	});

	it('Message Get fails before any request: Ayrshare has no lookup by ID', async () => {
		const result = await run({ platform: 'messenger', resource: 'message', operation: 'get', messageId: 'm_1' });
		expect(fake().requests.length).toBe(0);
		expect(result.error?.message ?? '').toMatch(/Ayrshare has no lookup of one message by its ID/);
	});
});

describe('Ayrshare: send', () => {
	it('Messenger text goes to recipientId; the output is the unified send result', async () => {
		const result = await run({ platform: 'messenger', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(PEOPLE.facebook.id), messageType: 'text', text: 'Grüße 👋' });
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		const [call] = fake().requests;
		assertAyrshareCall(call, { method: 'POST', path: '/messages/facebook', body: { recipientId: PEOPLE.facebook.id, message: 'Grüße 👋' } });
		const answer = responseOf(call);
		expect(Object.keys(result.items[0].json).sort()).toStrictEqual(['messageId', 'platform', 'recipientId', 'sentAt']);
		expect(result.items[0].json.messageId).toBe(answer.messageId);
		expect(result.items[0].json.recipientId).toBe(PEOPLE.facebook.id);
		expect(result.items[0].json.platform).toBe('messenger');
	});

	it('Instagram media by URL without text goes as mediaUrls', async () => {
		const url = 'https://cdn.example.com/catalog/spring.jpg';
		const result = await run({ platform: 'instagram', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(PEOPLE.instagram.id), messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: url });
		// result.error?.message
		expect(result.error).toBeUndefined();
		assertAyrshareCall(fake().requests[0], { method: 'POST', path: '/messages/instagram', body: { recipientId: PEOPLE.instagram.id, mediaUrls: [url] } });
	});

	it('X to an existing conversation with text and one media URL, with the X app headers', async () => {
		const url = 'https://cdn.example.com/clip.mp4';
		const result = await run({ platform: 'x', resource: 'message', operation: 'send', xSendTo: 'conversation', xConversationId: PEOPLE.twitter.conversation, xText: 'Here you go', mediaSource: 'url', mediaType: 'video', mediaUrl: url });
		// result.error?.message
		expect(result.error).toBeUndefined();
		assertAyrshareCall(fake().requests[0], { method: 'POST', path: '/messages/twitter', body: { conversationId: PEOPLE.twitter.conversation, message: 'Here you go', mediaUrls: [url] }, x: true });
		expect(result.items[0].json.conversationId).toBe(PEOPLE.twitter.conversation);
	});

	const refusals: Array<[string, IDataObject, RegExp]> = [
		['a media URL with a query string', { platform: 'instagram', messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: 'https://cdn.example.com/a.jpg?size=2' }, /file extension \(e\.g\. https:\/\/cdn\.example\.com\/photo\.jpg\), without a query string/],
		['a media URL without a file extension', { platform: 'messenger', messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: 'https://cdn.example.com/photo' }, /file extension/],
		['quick replies', { platform: 'messenger', messageType: 'text', text: 'Pick one', quickReplies: { quickReply: [{ contentType: 'text', title: 'Yes', payload: 'YES' }] } }, /Quick replies exist on Messenger, Instagram with a direct Meta Graph API credential/],
	];
	for (const [what, parameters, description] of refusals) {
		it(`${what} fails before any request, saying why and what to do`, async () => {
			const items = [{ json: {}, binary: { data: { data: Buffer.from('png'), mimeType: 'image/png', fileName: 'a.png' } } }];
			const result = await run({ resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(PEOPLE.facebook.id), ...parameters }, { items });
			expect(fake().requests.length).toBe(0);
			// expected an error
			expect(result.error).toBeTruthy();
			expect(`${result.error?.message} ${result.error?.description}`).toMatch(description);
		});
	}

	it('X media without text fails before any request', async () => {
		const result = await run({ platform: 'x', resource: 'message', operation: 'send', xSendTo: 'userId', xRecipientId: PEOPLE.twitter.id, xText: '', mediaSource: 'url', mediaType: 'image', mediaUrl: 'https://cdn.example.com/a.png' });
		expect(fake().requests.length).toBe(0);
		expect(result.error?.message ?? '').toMatch(/Ayrshare needs text for every X message/);
	});

	it('X without the X app keys in the credential fails before any request', async () => {
		const result = await run({ platform: 'x', resource: 'message', operation: 'send', xSendTo: 'userId', xRecipientId: PEOPLE.twitter.id, xText: 'Hi' }, {}, { ayrshareXApiSecret: '' });
		expect(fake().requests.length).toBe(0);
		expect(result.error?.message ?? '').toMatch(/no X API Key and Secret/);
	});

	for (const [operation, extra] of [['sendAction', { action: 'typing_on' }], ['react', { messageId: 'm_1', reaction: 'love' }]] as const) {
		it(`Message > ${operation} fails before any request and names where it exists`, async () => {
			const result = await run({ platform: 'messenger', resource: 'message', operation, recipientType: 'user', recipientId: byId(PEOPLE.facebook.id), ...extra });
			expect(fake().requests.length).toBe(0);
			expect(result.error?.message ?? '').toMatch(/^Ayrshare has no /);
			expect(result.error?.description ?? '').toMatch(/Messenger, Instagram/);
		});
	}

	it('Continue On Fail: the bad item fails alone, the good one is sent once', async () => {
		const items = [{ json: { url: 'https://cdn.example.com/a.jpg?x=1' } }, { json: { url: 'https://cdn.example.com/b.jpg' } }];
		const result = await run(
			{ platform: 'messenger', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(PEOPLE.facebook.id), messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: '={{ $json.url }}' },
			{ items, continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		assertAyrshareCall(fake().requests[0], { method: 'POST', path: '/messages/facebook', body: { recipientId: PEOPLE.facebook.id, mediaUrls: ['https://cdn.example.com/b.jpg'] } });
		expect(result.items.length).toBe(2);
		expect(String(result.items[0].json.error)).toMatch(/cannot take the media URL/);
		expect(result.items[0].pairedItem).toStrictEqual({ item: 0 });
		expect(result.items[1].json.recipientId).toBe(PEOPLE.facebook.id);
		expect(result.items[1].pairedItem).toStrictEqual({ item: 1 });
	});
});

describe('Ayrshare: errors and rate limits', () => {
	it('messaging not enabled for the profile: Ayrshare\'s code and a hint, no secret', async () => {
		const result = await run({ platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true }, {}, { ayrshareProfileKey: PROFILE_NO_MESSAGING });
		expect(fake().requests.length).toBe(1);
		expect(fake().requests[0].headers['profile-key']).toBe(PROFILE_NO_MESSAGING);
		expect(result.error?.message).toBe('Messaging is not enabled for this profile.');
		expect(result.error?.description ?? '').toMatch(/Enable Messaging/);
		expect(result.error?.httpCode).toBe('400');
		assertNoSecrets(result.error);
		expect(JSON.stringify(result.error)).not.toContain(PROFILE_NO_MESSAGING);
	});

	it('a wrong API key (flat error shape) says to copy the key again, and never shows it', async () => {
		const result = await run({ platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true }, {}, { ayrshareApiKey: 'wrong-key-123456' });
		expect(result.error?.httpCode).toBe('401');
		expect(result.error?.description ?? '').toMatch(/refused the API Key/);
		expect(JSON.stringify(result.error)).not.toContain('wrong-key-123456');
	});

	it('a relink error (code 156, HTTP 400) on a send is not repeated and says to relink', async () => {
		fake().failNext('POST /messages/facebook', { status: 400, body: errorList(156, 'Facebook account not linked.', 'facebook') });
		const result = await run({ platform: 'messenger', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(PEOPLE.facebook.id), messageType: 'text', text: 'Hi' });
		expect(fake().requests.length).toBe(1);
		expect(result.error?.description ?? '').toMatch(/Relink it in the Ayrshare dashboard/);
	});

	it('an error inside an HTTP 200 answer is an error', async () => {
		fake().failNext('GET /messages/instagram', { status: 200, body: { status: 'error', code: 101, message: 'Something went wrong.' } });
		const result = await run({ platform: 'instagram', resource: 'conversation', operation: 'getAll', returnAll: true });
		expect(result.error?.message).toBe('Something went wrong.');
	});

	it('a 429 is retried once after Retry-After, then succeeds', async () => {
		fake().failNext('POST /messages/facebook', { status: 429, body: { status: 'error', code: 429, message: 'Too many requests.' }, headers: { 'retry-after': '0', 'x-ratelimit-max': '250', 'x-ratelimit-count': '250' } });
		const result = await run({ platform: 'messenger', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(PEOPLE.facebook.id), messageType: 'text', text: 'Hi' });
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(fake().requests.map((call) => [call.method, call.path, call.status])).toStrictEqual([['POST', '/messages/facebook', 429], ['POST', '/messages/facebook', 200]]);
	});

	it('repeated 429s never hammer: one retry, then the node stops with the reason', async () => {
		const limited = { status: 429, body: { status: 'error', code: 429, message: 'Too many requests.' }, headers: { 'retry-after': '0', 'x-ratelimit-max': '150' } };
		fake().failNext('GET /messages/facebook', limited, 5);
		const result = await run({ platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true });
		expect(fake().requests.length).toBe(2);
		expect(result.error?.message).toBe('Ayrshare rate limit reached again');
		expect(result.error?.description ?? '').toMatch(/x-ratelimit-max: 150.*retried once and stopped/);
	});
});
