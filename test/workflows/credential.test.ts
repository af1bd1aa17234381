/**
 * The Social Messaging API credential: `authenticate` (Bearer token, appsecret_proof, the app-token marker)
 * on its own and through n8n's real httpRequestWithAuthentication, and its `test` through the harness's
 * testCredential (what n8n's credential tester does) against the fake Graph API.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';

import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { APP_TOKEN_MARKER_HEADER, SocialMessagingApi } from '../../credentials/SocialMessagingApi.credentials';
import {
	APP_ACCESS_TOKEN,
	APP_ID,
	APP_SECRET,
	EXPIRED_IG_USER_TOKEN,
	EXPIRED_PAGE_TOKEN,
	IG_ACCOUNT_ID,
	IG_USER_TOKEN,
	OTHER_PAGE_ID,
	OTHER_PAGE_TOKEN,
	PAGE_ID,
	PAGE_TOKEN,
	appSecretProof,
	startFakeGraph,
} from '../fakes/graph';
import { runNode, testCredential } from '../harness';
import { CONVERSATION_FIELDS, assertGraphGet, clear } from './read-helpers';
import { instagramLoginCredentials, metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

const hmac = (key: string, value: string) => createHmac('sha256', key).update(value).digest('hex');

describe('authenticate', () => {
	const credential = new SocialMessagingApi();
	const data: ICredentialDataDecryptedObject = { provider: 'metaGraph', pageId: PAGE_ID, accessToken: PAGE_TOKEN, appId: APP_ID, appSecret: APP_SECRET };

	test('Bearer token and appsecret_proof = hex HMAC-SHA256(app secret, token), keeping the request\'s own query and headers', async () => {
		const request: IHttpRequestOptions = { url: 'https://graph.facebook.com/v23.0/me', qs: { fields: 'id' }, headers: { 'x-extra': '1' } };
		const signed = await credential.authenticate(data, request);
		assert.equal(signed.headers?.Authorization, `Bearer ${PAGE_TOKEN}`);
		assert.deepEqual(signed.qs, { fields: 'id', appsecret_proof: hmac(APP_SECRET, PAGE_TOKEN) });
		assert.equal(signed.qs?.appsecret_proof, appSecretProof(APP_SECRET, PAGE_TOKEN));
		assert.match(String(signed.qs?.appsecret_proof), /^[0-9a-f]{64}$/);
		assert.equal(signed.headers?.['x-extra'], '1');
		assert.equal(signed.url, request.url);
		// The caller's options are not changed in place.
		assert.deepEqual(request.qs, { fields: 'id' });
		assert.deepEqual(request.headers, { 'x-extra': '1' });
	});

	test('without an App Secret: the token only, no proof', async () => {
		const signed = await credential.authenticate({ ...data, appSecret: '' }, { url: 'https://x.invalid/' });
		assert.equal(signed.headers?.Authorization, `Bearer ${PAGE_TOKEN}`);
		assert.deepEqual(signed.qs, {});
	});

	test('the app-token marker: Bearer APP_ID|APP_SECRET, no proof, and the marker header is removed', async () => {
		const signed = await credential.authenticate(data, {
			url: 'https://graph.facebook.com/v23.0/subscriptions',
			qs: { object: 'page' },
			headers: { [APP_TOKEN_MARKER_HEADER]: 'app', 'content-type': 'application/json' },
		});
		assert.equal(signed.headers?.Authorization, `Bearer ${APP_ID}|${APP_SECRET}`);
		assert.equal(APP_ACCESS_TOKEN, `${APP_ID}|${APP_SECRET}`);
		assert.equal(signed.headers?.[APP_TOKEN_MARKER_HEADER], undefined);
		assert.ok(!(APP_TOKEN_MARKER_HEADER in (signed.headers ?? {})));
		assert.equal(signed.headers?.['content-type'], 'application/json');
		assert.deepEqual(signed.qs, { object: 'page' });
	});

	test('Instagram Login token: Bearer and proof of that token', async () => {
		const signed = await credential.authenticate(
			{ provider: 'instagramLogin', accessToken: IG_USER_TOKEN, appId: APP_ID, appSecret: APP_SECRET },
			{ url: 'https://graph.instagram.com/v23.0/me' },
		);
		assert.equal(signed.headers?.Authorization, `Bearer ${IG_USER_TOKEN}`);
		assert.deepEqual(signed.qs, { appsecret_proof: hmac(APP_SECRET, IG_USER_TOKEN) });
	});
});

describe('authenticate through n8n\'s httpRequestWithAuthentication', () => {
	const fake = useFakeGraph({ requireAppSecretProof: true });

	test('a Page call carries Bearer and a proof Graph accepts when the app requires it', async () => {
		clear(fake());
		const { items, error } = await runNode({
			type: 'test.stubApi',
			parameters: { operation: 'request', method: 'GET', url: `${fake().url}/v23.0/${PAGE_ID}?fields=id,name`, headers: '{}' },
			credentials: { socialMessagingApi: metaCredentials(fake()) },
		});
		assert.equal(error, undefined);
		assert.deepEqual(items[0].json, { id: PAGE_ID, name: 'Acme Coffee Roasters' });
		const request = fake().requests[0];
		assert.equal(request.headers.authorization, `Bearer ${PAGE_TOKEN}`);
		assert.equal(request.query.appsecret_proof, hmac(APP_SECRET, PAGE_TOKEN));
		assert.equal(request.query.access_token, undefined);
	});

	test('the app-token marker: Graph sees the app token and never the marker header', async () => {
		clear(fake());
		const { items, error } = await runNode({
			type: 'test.stubApi',
			parameters: {
				operation: 'request',
				method: 'GET',
				url: `${fake().url}/v23.0/${APP_ID}/subscriptions`,
				headers: JSON.stringify({ [APP_TOKEN_MARKER_HEADER]: 'app' }),
			},
			credentials: { socialMessagingApi: metaCredentials(fake()) },
		});
		assert.equal(error, undefined);
		assert.deepEqual(items[0].json, { data: [] });
		const request = fake().requests[0];
		assert.equal(request.status, 200);
		assert.equal(request.headers.authorization, `Bearer ${APP_ID}|${APP_SECRET}`);
		assert.equal(request.headers[APP_TOKEN_MARKER_HEADER], undefined);
		assert.equal(request.query.appsecret_proof, undefined);
	});
});

describe('credential test', () => {
	const fake = useFakeGraph();

	test('Meta Graph API with a valid Page token: OK, after GET /{page-id}?fields=id,name with Bearer and proof', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake()));
		assert.deepEqual(result, { status: 'OK', message: 'Connection successful!' });
		assert.equal(fake().requests.length, 1);
		assertGraphGet(fake().requests[0], { path: `/${PAGE_ID}`, query: { fields: 'id,name' }, token: PAGE_TOKEN });
		assert.match(fake().requests[0].url, /^\/v23\.0\/104812345678901\?/);
	});

	test('Instagram Login with a valid token: OK, after GET /me?fields=id,username (or the account id when given)', async () => {
		clear(fake());
		assert.deepEqual(await testCredential(instagramLoginCredentials(fake())), { status: 'OK', message: 'Connection successful!' });
		assertGraphGet(fake().requests[0], { path: '/me', query: { fields: 'id,username' }, token: IG_USER_TOKEN });

		clear(fake());
		assert.deepEqual(await testCredential(instagramLoginCredentials(fake(), { instagramAccountId: IG_ACCOUNT_ID })), {
			status: 'OK',
			message: 'Connection successful!',
		});
		assertGraphGet(fake().requests[0], { path: `/${IG_ACCOUNT_ID}`, query: { fields: 'id,username' }, token: IG_USER_TOKEN });
	});

	test('without an App Secret: OK, and no proof is sent', async () => {
		clear(fake());
		assert.deepEqual(await testCredential(metaCredentials(fake(), { appSecret: '' })), { status: 'OK', message: 'Connection successful!' });
		assert.equal(fake().requests[0].query.appsecret_proof, undefined);
		assert.equal(fake().requests[0].headers.authorization, `Bearer ${PAGE_TOKEN}`);
	});

	test('an expired Page token (190): says the token is invalid or expired and how to fix it', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { accessToken: EXPIRED_PAGE_TOKEN }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /access token is invalid or has expired/);
		assert.match(result.message, /Generate a new token/);
		assert.equal((fake().requests[0].response as { error: { code: number } }).error.code, 190);
	});

	test('an expired Instagram Login token (190): the same explanation', async () => {
		clear(fake());
		const result = await testCredential(instagramLoginCredentials(fake(), { accessToken: EXPIRED_IG_USER_TOKEN }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /invalid or has expired/);
	});

	test('a Page ID that does not exist, or another Page the token cannot see: says so', async () => {
		for (const pageId of ['100000000000001', OTHER_PAGE_ID]) {
			clear(fake());
			const result = await testCredential(metaCredentials(fake(), { pageId }));
			assert.equal(result.status, 'Error', pageId);
			assert.match(result.message, /Page ID .*does not exist or this token cannot see it/);
			assert.equal(fake().requests[0].path, `/${pageId}`);
			assert.equal((fake().requests[0].response as { error: { error_subcode: number } }).error.error_subcode, 33);
		}
	});

	test('a token of another Page with this Page ID: the same Page ID explanation', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { accessToken: OTHER_PAGE_TOKEN }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /Page ID .*does not exist or this token cannot see it/);
	});

	test('an Instagram Account ID the Instagram token does not own: says so', async () => {
		clear(fake());
		const result = await testCredential(instagramLoginCredentials(fake(), { instagramAccountId: '17841499999999999' }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /Instagram Account ID\) does not exist or this token cannot see it/);
	});

	test('a wrong App Secret (appsecret_proof rejected): names the App Secret', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { appSecret: '0000000000000000000000000000dead' }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /App Secret does not match/);
		assert.equal(fake().requests[0].query.appsecret_proof, hmac('0000000000000000000000000000dead', PAGE_TOKEN));
		assert.match((fake().requests[0].response as { error: { message: string } }).error.message, /appsecret_proof/);
	});

	test('an Instagram Login token under the Meta Graph API provider: Graph cannot parse it (190)', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { accessToken: IG_USER_TOKEN }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /invalid or has expired/);
	});

	test('a missing permission (200): names the permissions', async () => {
		clear(fake());
		fake().failNext(`GET /${PAGE_ID}`, 'permissionDenied');
		const result = await testCredential(metaCredentials(fake()));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /lacks a permission/);
		assert.match(result.message, /pages_messaging/);
	});

	test('a rate limit (32) or a temporary Graph failure (code 1, 500) is not reported as a credential problem or as success', async () => {
		clear(fake());
		fake().failNext(`GET /${PAGE_ID}`, 'pageRateLimit');
		const limited = await testCredential(metaCredentials(fake()));
		assert.equal(limited.status, 'Error');
		assert.match(limited.message, /rate-limited the test call \(code 32\)/);

		fake().failNext(`GET /${PAGE_ID}`, { status: 500, error: { message: 'An unknown error occurred', type: 'GraphMethodException', code: 1 } });
		const broken = await testCredential(metaCredentials(fake()));
		assert.equal(broken.status, 'Error');
		assert.match(broken.message, /temporary problem \(code 1\)/);
	});

	test('Base URL with trailing slashes and a version written with slashes: the same request, OK', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { baseUrl: `${fake().url}///`, graphApiVersion: '/v23.0/' }));
		assert.deepEqual(result, { status: 'OK', message: 'Connection successful!' });
		assert.equal(fake().requests.length, 1);
		assert.match(fake().requests[0].url, /^\/v23\.0\/104812345678901\?/);
		assertGraphGet(fake().requests[0], { path: `/${PAGE_ID}`, query: { fields: 'id,name' }, token: PAGE_TOKEN });

		clear(fake());
		const igResult = await testCredential(instagramLoginCredentials(fake(), { baseUrl: `${fake().url}/` }));
		assert.deepEqual(igResult, { status: 'OK', message: 'Connection successful!' });
		assert.match(fake().requests[0].url, /^\/v23\.0\/me\?/);
	});

	test('an empty Graph API Version falls back to v23.0, as the nodes do', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { graphApiVersion: '' }));
		assert.deepEqual(result, { status: 'OK', message: 'Connection successful!' });
		assert.equal(fake().requests[0].version, 'v23.0');
	});

	test('the nodes use the same base URL handling: trailing slashes on the Base URL are dropped', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake(), { baseUrl: `${fake().url}//` }), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			limit: 1,
		});
		assert.equal(error, undefined);
		assert.equal(items.length, 1);
		assert.match(fake().requests[0].url, /^\/v23\.0\/104812345678901\/conversations\?/);
		assertGraphGet(fake().requests[0], {
			path: `/${PAGE_ID}/conversations`,
			query: { platform: 'messenger', fields: CONVERSATION_FIELDS, limit: '1' },
			token: PAGE_TOKEN,
		});
	});

	test('nothing listening at the Base URL: an Error naming the connection failure', async () => {
		const closed = await startFakeGraph();
		const url = closed.url;
		await closed.close();
		const result = await testCredential(metaCredentials(fake(), { baseUrl: url }));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /refused the connection/);
	});
});
