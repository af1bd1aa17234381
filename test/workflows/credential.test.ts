/**
 * The Social Messaging API credential: `authenticate` (Bearer token, appsecret_proof, the app-token marker)
 * on its own and through n8n's real httpRequestWithAuthentication, and its `test` through the harness's
 * testCredential (what n8n's credential tester does) against the fake Graph API.
 */
import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';

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

	it('Bearer token and appsecret_proof = hex HMAC-SHA256(app secret, token), keeping the request\'s own query and headers', async () => {
		const request: IHttpRequestOptions = { url: 'https://graph.facebook.com/v23.0/me', qs: { fields: 'id' }, headers: { 'x-extra': '1' } };
		const signed = await credential.authenticate(data, request);
		expect(signed.headers?.Authorization).toBe(`Bearer ${PAGE_TOKEN}`);
		expect(signed.qs).toStrictEqual({ fields: 'id', appsecret_proof: hmac(APP_SECRET, PAGE_TOKEN) });
		expect(signed.qs?.appsecret_proof).toBe(appSecretProof(APP_SECRET, PAGE_TOKEN));
		expect(String(signed.qs?.appsecret_proof)).toMatch(/^[0-9a-f]{64}$/);
		expect(signed.headers?.['x-extra']).toBe('1');
		expect(signed.url).toBe(request.url);
		// The caller's options are not changed in place.
		expect(request.qs).toStrictEqual({ fields: 'id' });
		expect(request.headers).toStrictEqual({ 'x-extra': '1' });
	});

	it('without an App Secret: the token only, no proof', async () => {
		const signed = await credential.authenticate({ ...data, appSecret: '' }, { url: 'https://x.invalid/' });
		expect(signed.headers?.Authorization).toBe(`Bearer ${PAGE_TOKEN}`);
		expect(signed.qs).toStrictEqual({});
	});

	it('the app-token marker: Bearer APP_ID|APP_SECRET, no proof, and the marker header is removed', async () => {
		const signed = await credential.authenticate(data, {
			url: 'https://graph.facebook.com/v23.0/subscriptions',
			qs: { object: 'page' },
			headers: { [APP_TOKEN_MARKER_HEADER]: 'app', 'content-type': 'application/json' },
		});
		expect(signed.headers?.Authorization).toBe(`Bearer ${APP_ID}|${APP_SECRET}`);
		expect(APP_ACCESS_TOKEN).toBe(`${APP_ID}|${APP_SECRET}`);
		expect(signed.headers?.[APP_TOKEN_MARKER_HEADER]).toBeUndefined();
		expect((APP_TOKEN_MARKER_HEADER in (signed.headers ?? {}))).toBeFalsy();
		expect(signed.headers?.['content-type']).toBe('application/json');
		expect(signed.qs).toStrictEqual({ object: 'page' });
	});

	it('Instagram Login token: Bearer and proof of that token', async () => {
		const signed = await credential.authenticate(
			{ provider: 'instagramLogin', accessToken: IG_USER_TOKEN, appId: APP_ID, appSecret: APP_SECRET },
			{ url: 'https://graph.instagram.com/v23.0/me' },
		);
		expect(signed.headers?.Authorization).toBe(`Bearer ${IG_USER_TOKEN}`);
		expect(signed.qs).toStrictEqual({ appsecret_proof: hmac(APP_SECRET, IG_USER_TOKEN) });
	});
});

describe('authenticate through n8n\'s httpRequestWithAuthentication', () => {
	const fake = useFakeGraph({ requireAppSecretProof: true });

	it('a Page call carries Bearer and a proof Graph accepts when the app requires it', async () => {
		clear(fake());
		const { items, error } = await runNode({
			type: 'test.stubApi',
			parameters: { operation: 'request', method: 'GET', url: `${fake().url}/v23.0/${PAGE_ID}?fields=id,name`, headers: '{}' },
			credentials: { socialMessagingApi: metaCredentials(fake()) },
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toStrictEqual({ id: PAGE_ID, name: 'Acme Coffee Roasters' });
		const request = fake().requests[0];
		expect(request.headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
		expect(request.query.appsecret_proof).toBe(hmac(APP_SECRET, PAGE_TOKEN));
		expect(request.query.access_token).toBeUndefined();
	});

	it('the app-token marker: Graph sees the app token and never the marker header', async () => {
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
		expect(error).toBeUndefined();
		expect(items[0].json).toStrictEqual({ data: [] });
		const request = fake().requests[0];
		expect(request.status).toBe(200);
		expect(request.headers.authorization).toBe(`Bearer ${APP_ID}|${APP_SECRET}`);
		expect(request.headers[APP_TOKEN_MARKER_HEADER]).toBeUndefined();
		expect(request.query.appsecret_proof).toBeUndefined();
	});
});

describe('credential test', () => {
	const fake = useFakeGraph();

	it('Meta Graph API with a valid Page token: OK, after GET /{page-id}?fields=id,name with Bearer and proof', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake()));
		expect(result).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().requests.length).toBe(1);
		assertGraphGet(fake().requests[0], { path: `/${PAGE_ID}`, query: { fields: 'id,name' }, token: PAGE_TOKEN });
		expect(fake().requests[0].url).toMatch(/^\/v23\.0\/104812345678901\?/);
	});

	it('Instagram Login with a valid token: OK, after GET /me?fields=id,username (or the account id when given)', async () => {
		clear(fake());
		// The fixture's token is dated 50 days ahead: nothing to renew (instagram-token-refresh.test.ts renews).
		expect(await testCredential(instagramLoginCredentials(fake()))).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		assertGraphGet(fake().requests[0], { path: '/me', query: { fields: 'id,username' }, token: IG_USER_TOKEN });

		clear(fake());
		expect(await testCredential(instagramLoginCredentials(fake(), { instagramAccountId: IG_ACCOUNT_ID }))).toStrictEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		assertGraphGet(fake().requests[0], { path: `/${IG_ACCOUNT_ID}`, query: { fields: 'id,username' }, token: IG_USER_TOKEN });
	});

	it('without an App Secret: OK, and no proof is sent', async () => {
		clear(fake());
		expect(await testCredential(metaCredentials(fake(), { appSecret: '' }))).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().requests[0].query.appsecret_proof).toBeUndefined();
		expect(fake().requests[0].headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
	});

	it('an expired Page token (190): says the token is invalid or expired and how to fix it', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { accessToken: EXPIRED_PAGE_TOKEN }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/access token is invalid or has expired/);
		expect(result.message).toMatch(/Generate a new token/);
		expect((fake().requests[0].response as { error: { code: number } }).error.code).toBe(190);
	});

	it('an expired Instagram Login token (190): it cannot be renewed, and the message says what to do', async () => {
		clear(fake());
		const result = await testCredential(instagramLoginCredentials(fake(), { accessToken: EXPIRED_IG_USER_TOKEN, tokenExpiresAt: '' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/has expired or was revoked, so it cannot be renewed: generate a new long-lived token/);
	});

	it('a Page ID that does not exist, or another Page the token cannot see: says so', async () => {
		for (const pageId of ['100000000000001', OTHER_PAGE_ID]) {
			clear(fake());
			const result = await testCredential(metaCredentials(fake(), { pageId }));
			// pageId
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/Page ID .*does not exist or this token cannot see it/);
			expect(fake().requests[0].path).toBe(`/${pageId}`);
			expect((fake().requests[0].response as { error: { error_subcode: number } }).error.error_subcode).toBe(33);
		}
	});

	it('a token of another Page with this Page ID: the same Page ID explanation', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { accessToken: OTHER_PAGE_TOKEN }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Page ID .*does not exist or this token cannot see it/);
	});

	it('an Instagram Account ID the Instagram token does not own: says so', async () => {
		clear(fake());
		const result = await testCredential(instagramLoginCredentials(fake(), { instagramAccountId: '17841499999999999' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Instagram Account ID\) does not exist or this token cannot see it/);
	});

	it('a wrong App Secret (appsecret_proof rejected): names the App Secret', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { appSecret: '0000000000000000000000000000dead' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/App Secret does not match/);
		expect(fake().requests[0].query.appsecret_proof).toBe(hmac('0000000000000000000000000000dead', PAGE_TOKEN));
		expect((fake().requests[0].response as { error: { message: string } }).error.message).toMatch(/appsecret_proof/);
	});

	it('an Instagram Login token under the Meta Graph API provider: Graph cannot parse it (190)', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { accessToken: IG_USER_TOKEN }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/invalid or has expired/);
	});

	it('a missing permission (200): names the permissions', async () => {
		clear(fake());
		fake().failNext(`GET /${PAGE_ID}`, 'permissionDenied');
		const result = await testCredential(metaCredentials(fake()));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/lacks a permission/);
		expect(result.message).toMatch(/pages_messaging/);
	});

	it('a rate limit (32) or a temporary Graph failure (code 1, 500) is not reported as a credential problem or as success', async () => {
		clear(fake());
		fake().failNext(`GET /${PAGE_ID}`, 'pageRateLimit');
		const limited = await testCredential(metaCredentials(fake()));
		expect(limited.status).toBe('Error');
		expect(limited.message).toMatch(/rate-limited the test call \(code 32\)/);

		fake().failNext(`GET /${PAGE_ID}`, { status: 500, error: { message: 'An unknown error occurred', type: 'GraphMethodException', code: 1 } });
		const broken = await testCredential(metaCredentials(fake()));
		expect(broken.status).toBe('Error');
		expect(broken.message).toMatch(/temporary problem \(code 1\)/);
	});

	it('Base URL with trailing slashes and a version written with slashes: the same request, OK', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { baseUrl: `${fake().url}///`, graphApiVersion: '/v23.0/' }));
		expect(result).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().requests.length).toBe(1);
		expect(fake().requests[0].url).toMatch(/^\/v23\.0\/104812345678901\?/);
		assertGraphGet(fake().requests[0], { path: `/${PAGE_ID}`, query: { fields: 'id,name' }, token: PAGE_TOKEN });

		clear(fake());
		const igResult = await testCredential(instagramLoginCredentials(fake(), { baseUrl: `${fake().url}/` }));
		expect(igResult).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().requests[0].url).toMatch(/^\/v23\.0\/me\?/);
	});

	it('an empty Graph API Version falls back to v25.0, as the nodes do', async () => {
		clear(fake());
		const result = await testCredential(metaCredentials(fake(), { graphApiVersion: '' }));
		expect(result).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().requests[0].version).toBe('v25.0');
	});

	it('the nodes use the same base URL handling: trailing slashes on the Base URL are dropped', async () => {
		clear(fake());
		const { items, error } = await runSocialMessaging(metaCredentials(fake(), { baseUrl: `${fake().url}//` }), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			limit: 1,
		});
		expect(error).toBeUndefined();
		expect(items.length).toBe(1);
		expect(fake().requests[0].url).toMatch(/^\/v23\.0\/104812345678901\/conversations\?/);
		assertGraphGet(fake().requests[0], {
			path: `/${PAGE_ID}/conversations`,
			query: { platform: 'messenger', fields: CONVERSATION_FIELDS, limit: '1' },
			token: PAGE_TOKEN,
		});
	});

	it('nothing listening at the Base URL: an Error naming the connection failure', async () => {
		const closed = await startFakeGraph();
		const url = closed.url;
		await closed.close();
		const result = await testCredential(metaCredentials(fake(), { baseUrl: url }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/refused the connection/);
	});
});
