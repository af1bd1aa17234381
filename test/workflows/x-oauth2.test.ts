/**
 * The X OAuth2 credential (Authentication: X OAuth2) through n8n's real engine against the fake X: n8n-core's
 * requestOAuth2 adds the OAuth 2.0 user token as Bearer (no OAuth 1.0a signature), the fake takes it as the
 * account's user context and checks the endpoint's scopes; the trigger registers its webhook with the app's
 * Bearer Token and downloads DM attachments with the user token (X's description: OAuth 2.0 only), without
 * the fake's `oauth1Also`. No token or secret in any item or error.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import {
	ALICE_IMAGE_BYTES,
	ALICE_IMAGE_KEY,
	ME,
	X_API_KEY_SECRET,
	X_BEARER_TOKEN,
	X_OAUTH2_CLIENT_SECRET,
	X_OAUTH2_REFRESH_TOKEN,
	X_OAUTH2_TOKEN,
	X_USERS,
	xOAuth2CredentialData,
	type RecordedXRequest,
} from '../fakes/x';
import { pollOnce, testCredential } from '../harness';
import { Triggers, settled } from './trigger-setup';
import { EVENT_QUERY, ME_QUERY, runX, useFakeX } from './x.helpers';

const fake = useFakeX({ rateLimits: { dmSend: { limit: 1000, windowMs: 900_000 } } });
const triggers = new Triggers();

beforeEach(() => {
	fake().clearRequests();
	fake().state.webhooks.clear();
	fake().state.subscriptions.clear();
	fake().limits.reset();
});
afterEach(async () => await triggers.closeAll());

const OAUTH2_SECRETS = [X_OAUTH2_TOKEN, X_OAUTH2_REFRESH_TOKEN, X_OAUTH2_CLIENT_SECRET, X_API_KEY_SECRET, X_BEARER_TOKEN];
const credentials = (overrides: IDataObject = {}) => xOAuth2CredentialData(fake().url, overrides) as ICredentialDataDecryptedObject;
const run = async (parameters: IDataObject, overrides: IDataObject = {}) =>
	await runX(fake(), { authentication: 'xOAuth2', ...parameters }, { credentials: credentials(overrides), credentialType: 'xOAuth2Api' });

function assertNoSecretIn(value: unknown): void {
	const text = JSON.stringify(value);
	for (const secret of OAUTH2_SECRETS) expect(text).not.toContain(secret); // a secret is in the output or error
}

/** Sent with the OAuth 2.0 user token as Bearer, taken by the fake as the account's user context. */
function assertUserToken(call: RecordedXRequest): void {
	// the fake refused the caller: ${call.authFailure}
	expect(call.authFailure).toBeUndefined();
	expect(call.caller).toBe('oauth2');
	expect(call.headers.authorization).toBe(`Bearer ${X_OAUTH2_TOKEN}`);
	expect(call.userId).toBe(ME.id);
}

function assertCall(call: RecordedXRequest, method: string, path: string, query: Record<string, string> = {}, json?: unknown): void {
	expect(`${call.method} ${call.path}`).toBe(`${method} ${path}`);
	expect(call.query).toStrictEqual(query);
	if (json === undefined) expect(call.rawBody.length).toBe(0);
	else expect(call.json).toStrictEqual(json);
	assertUserToken(call);
}

describe('X OAuth2 credential test', () => {
	it('GET /2/users/me with the user token at the Custom Base URL', async () => {
		expect(await testCredential(credentials(), { type: 'xOAuth2Api' })).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().requests.length).toBe(1);
		assertCall(fake().requests[0], 'GET', '/2/users/me');
	});

	it('a revoked token that cannot be renewed fails the test', async () => {
		const token = fake().state.tokens.get(X_OAUTH2_TOKEN)!;
		token.revoked = true;
		fake().refreshTokens.clear();
		try {
			const result = await testCredential(credentials({ accessTokenUrl: `${fake().url}/2/oauth2/token` }), { type: 'xOAuth2Api' });
			expect(result.status).toBe('Error');
			// n8n tries to renew the token first; X's refusal of the renewal is what the test shows
			expect(fake().requests.map((call) => `${call.method} ${call.path} ${call.status}`)).toStrictEqual(['GET /2/users/me 401', 'POST /2/oauth2/token 400']);
			assertNoSecretIn(result);
		} finally {
			token.revoked = false;
			fake().refreshTokens.set(X_OAUTH2_REFRESH_TOKEN, X_OAUTH2_TOKEN);
		}
	});
});

describe('Social Messaging node with Authentication: X OAuth2', () => {
	it('Message > Send: one POST /2/dm_conversations/with/{id}/messages with the user token', async () => {
		const text = 'Sent with OAuth 2.0';
		const result = await run({ resource: 'message', operation: 'send', xSendTo: 'userId', xRecipientId: X_USERS.alice.id, xText: text });
		expect(result.error).toBeUndefined();
		expect(fake().requests.length).toBe(1);
		const [call] = fake().requests;
		assertCall(call, 'POST', `/2/dm_conversations/with/${X_USERS.alice.id}/messages`, {}, { text });
		expect(call.status).toBe(201);
		const data = (call.response as { data: IDataObject }).data;
		const { sentAt, ...item } = result.items[0].json;
		expect(item).toStrictEqual({ platform: 'x', messageId: data.dm_event_id, conversationId: data.dm_conversation_id, recipientId: X_USERS.alice.id });
		expect(typeof sentAt).toBe('string');
		expect(fake().state.deliveryCount(X_USERS.alice.id, text)).toBe(1);
		assertNoSecretIn(result.items);
	});

	it('Conversation > Get Many: GET /2/users/me, then GET /2/dm_events, both with the user token', async () => {
		const result = await run({ resource: 'conversation', operation: 'getAll', limit: 50 });
		expect(result.error).toBeUndefined();
		expect(fake().requests.length).toBe(2);
		assertCall(fake().requests[0], 'GET', '/2/users/me', ME_QUERY);
		assertCall(fake().requests[1], 'GET', '/2/dm_events', { ...EVENT_QUERY, max_results: '100' });
		expect(result.items.map((entry) => entry.json.id)).toStrictEqual([
			fake().state.oneToOneId(ME.id, X_USERS.alice.id),
			fake().state.oneToOneId(ME.id, X_USERS.bob.id),
			'1790000000000000001',
			fake().state.oneToOneId(ME.id, X_USERS.carol.id),
		]);
		assertNoSecretIn(result.items);
	});

	it('a credential not connected to an account fails before any request and says how to connect it', async () => {
		const result = await run({ resource: 'conversation', operation: 'getAll', limit: 5 }, { oauthTokenData: {} });
		expect(fake().requests).toStrictEqual([]);
		expect(result.error?.message).toMatch(/X OAuth2 credential is not connected to an X account/);
		expect(String(result.error?.description)).toMatch(/Connect my account/);
	});

	it('a token without dm.write: X\'s 403 becomes the node\'s error, with no token or secret in it', async () => {
		const token = fake().state.tokens.get(X_OAUTH2_TOKEN)!;
		const scopes = token.oauth2!.scopes;
		token.oauth2 = { scopes: scopes.filter((scope) => scope !== 'dm.write') };
		try {
			const result = await run({ resource: 'message', operation: 'send', xSendTo: 'userId', xRecipientId: X_USERS.alice.id, xText: 'Hi' });
			expect(fake().requests.length).toBe(1);
			expect(fake().requests[0].status).toBe(403);
			expect(result.error).toBeTruthy();
			expect(`${result.error!.message} ${String(result.error!.description)}`).toMatch(/dm\.write/);
			expect(String(result.error!.description)).toMatch(/reconnect the account, so the token gets the scopes/);
			assertNoSecretIn(result.error);
			assertNoSecretIn(result.items);
		} finally {
			token.oauth2 = { scopes };
		}
	});

	it('an expired token (401): n8n renews it with the refresh token at the Access Token URL and the call goes through, once', async () => {
		const token = fake().state.tokens.get(X_OAUTH2_TOKEN)!;
		token.revoked = true;
		try {
			const result = await run({ resource: 'conversation', operation: 'getAll', limit: 5 }, { accessTokenUrl: `${fake().url}/2/oauth2/token` });
			expect(result.error).toBeUndefined();
			expect(fake().requests.map((call) => `${call.method} ${call.path} ${call.status}`)).toStrictEqual([
				'GET /2/users/me 401',
				'GET /2/users/me 401',
				'POST /2/oauth2/token 200',
				'GET /2/users/me 200',
				'GET /2/dm_events 200',
			]);
			const renewal = fake().requests[2];
			expect(Object.fromEntries(new URLSearchParams(renewal.rawBody.toString('utf8')))).toStrictEqual({ grant_type: 'refresh_token', refresh_token: X_OAUTH2_REFRESH_TOKEN });
			const renewed = (renewal.response as { access_token: string }).access_token;
			// the renewed token is stored: the next request of the run uses it without a second renewal
			for (const call of fake().requests.slice(3)) expect(call.headers.authorization).toBe(`Bearer ${renewed}`);
			expect(result.items.length).toBe(4);
			assertNoSecretIn(result.items);
			expect(JSON.stringify(result.items)).not.toContain(renewed);
		} finally {
			token.revoked = false;
			fake().refreshTokens.clear();
			fake().refreshTokens.set(X_OAUTH2_REFRESH_TOKEN, X_OAUTH2_TOKEN);
		}
	});

	it('an expired token whose renewal X refuses: the node fails with X\'s 401, no token or secret in the error', async () => {
		const token = fake().state.tokens.get(X_OAUTH2_TOKEN)!;
		token.revoked = true;
		fake().refreshTokens.clear();
		try {
			const result = await run({ resource: 'conversation', operation: 'getAll', limit: 5 }, { accessTokenUrl: `${fake().url}/2/oauth2/token` });
			expect(fake().requests.map((call) => `${call.method} ${call.path} ${call.status}`)).toStrictEqual(['GET /2/users/me 401', 'GET /2/users/me 401', 'POST /2/oauth2/token 400']);
			expect(result.error).toBeTruthy();
			expect(result.error!.name).toBe('NodeApiError');
			expect(String((result.error as { httpCode?: string }).httpCode)).toBe('401');
			expect(String(result.error!.description)).toMatch(/X OAuth2 credential, its token was revoked or could not be renewed: reconnect the account/);
			assertNoSecretIn(result.error);
		} finally {
			token.revoked = false;
			fake().refreshTokens.set(X_OAUTH2_REFRESH_TOKEN, X_OAUTH2_TOKEN);
		}
	});

	it('the Authentication field is offered on Platform X only; the shared credential stays the default', async () => {
		const { SocialMessaging } = await import('../../nodes/SocialMessaging/SocialMessaging.node');
		const { description } = new SocialMessaging();
		const field = description.properties.find((property) => property.name === 'authentication')!;
		expect([field.default, field.displayOptions]).toStrictEqual(['socialMessagingApi', { show: { platform: ['x'] } }]);
		expect(description.credentials).toStrictEqual([
			{ name: 'socialMessagingApi', required: true, displayOptions: { hide: { authentication: ['xOAuth2'] } } },
			{ name: 'xOAuth2Api', required: true, displayOptions: { show: { authentication: ['xOAuth2'] } } },
		]);
	});
});

const DOWNLOAD = 'GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}';

describe('Social Messaging Trigger with Authentication: X OAuth2', () => {
	async function activated(overrides: IDataObject = {}) {
		const harness = await triggers.start({
			credentials: credentials(overrides),
			credentialType: 'xOAuth2Api',
			parameters: { platform: 'x', authentication: 'xOAuth2', events: ['message'], options: { downloadAttachments: true } },
		});
		await harness.activate();
		return harness;
	}

	it('registers the webhook with the app\'s Bearer Token, subscribes with the user token, downloads the attachment with it (no oauth1Also)', async () => {
		expect(fake().oauth1Also.size).toBe(0);
		const harness = await activated();
		const webhooks = fake().calls('POST /2/webhooks');
		expect(webhooks.length).toBe(1);
		expect([webhooks[0].caller, webhooks[0].headers.authorization]).toStrictEqual(['bearer', `Bearer ${X_BEARER_TOKEN}`]);
		const [subscription] = fake().calls('POST /2/activity/subscriptions');
		assertUserToken(subscription);
		expect(subscription.status).toBeLessThan(300);

		await fake().deliverDm({ from: X_USERS.alice.id, to: ME.id, text: 'This one', mediaKeys: [ALICE_IMAGE_KEY] });
		await settled(harness);
		const [download] = fake().calls(DOWNLOAD);
		assertUserToken(download);
		expect(download.status).toBe(200);
		const [item] = harness.executions[0][0];
		expect((item.json.attachments as IDataObject[])[0].binaryProperty).toBe('attachment_0');
		expect(Buffer.from(item.binary!.attachment_0.data, 'base64')).toStrictEqual(ALICE_IMAGE_BYTES);
		assertNoSecretIn(harness.executions);
		assertNoSecretIn(harness.calls);
	});

	it('webhook mode without the API Key Secret and Bearer Token: activation fails and names both, and the Poll Trigger', async () => {
		const harness = await triggers.start({
			credentials: credentials({ xApiKeySecret: '', xBearerToken: '' }),
			credentialType: 'xOAuth2Api',
			parameters: { platform: 'x', authentication: 'xOAuth2', events: ['message'] },
		});
		const failure = await harness.activate().then(() => undefined, (error: Error & { description?: string }) => error);
		expect(failure?.message).toMatch(/X OAuth2 credential has no API Key Secret and no Bearer Token/);
		expect(String(failure?.description)).toMatch(/Poll Trigger/);
		expect(fake().calls('POST /2/webhooks')).toStrictEqual([]);
		assertNoSecretIn(failure);
	});
});

describe('Social Messaging Poll Trigger with Authentication: X OAuth2', () => {
	it('polls with the user token alone (no API Key Secret, no Bearer Token) and emits a new DM once', async () => {
		const poll = async (staticData: IDataObject) =>
			await pollOnce({
				parameters: { authentication: 'xOAuth2', platform: 'x', options: {} },
				credentials: { xOAuth2Api: credentials({ xApiKeySecret: '', xBearerToken: '' }) },
				staticData,
				mode: 'trigger',
			});
		const first = await poll({});
		expect(first.items).toBeNull();
		const event = fake().state.addEvent({ eventType: 'MessageCreate', conversationId: fake().state.oneToOne(X_USERS.alice.id, ME.id).id, senderId: X_USERS.alice.id, text: 'Polled with OAuth 2.0' });
		const next = await poll(first.staticData);
		expect((next.items ?? [[]])[0].map((item) => [item.json.messageId, item.json.text])).toStrictEqual([[event.id, 'Polled with OAuth 2.0']]);
		expect(fake().requests.map((call) => `${call.method} ${call.path}`)).toStrictEqual(['GET /2/users/me', 'GET /2/dm_events', 'GET /2/users/me', 'GET /2/dm_events']);
		fake().requests.forEach(assertUserToken);
		assertNoSecretIn(next.items);
	});
});
