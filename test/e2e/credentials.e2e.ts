/**
 * The Social Messaging API credential's Test button inside n8n (POST /rest/credentials/test, what the
 * editor calls): n8n runs the credential's test request against the platform and applies its rules.
 * Both providers pass; an expired token and a wrong App Secret get the credential's own explanations.
 * (One file tests every credential, one after the other: n8n's credential tester keeps the request it
 * is running in a shared table, so two tests of the same credential type at the same moment can fail
 * with "Node not found" whatever the credential.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { APP_ID, APP_SECRET, EXPIRED_PAGE_TOKEN, IG_ACCOUNT_ID, IG_USER_TOKEN, PAGE_ID, PAGE_TOKEN, appSecretProof } from './lib/fixtures';
import { E2E, connect, type N8nClient } from './lib/n8n';
import { requestsSince, startSandbox, type Recorded, type Sandbox } from './lib/sandbox';

let n8n: N8nClient;
let sandbox: Sandbox;

beforeAll(async () => {
	[n8n, sandbox] = await Promise.all([connect(), startSandbox()]);
});

afterAll(async () => {
	await sandbox?.stop();
});


/** Stores the credential, presses Test, and returns n8n's verdict and what the platform received. */
async function testCredential(name: string, data: Record<string, unknown>): Promise<{ result: { status: string; message: string }; requests: Recorded[] }> {
	const full = { graphApiVersion: 'v23.0', useCustomBaseUrl: true, baseUrl: sandbox.graphUrl, ...data };
	const stored = await n8n.importCredential({ name, type: 'socialMessagingApi', data: full });
	const since = await sandbox.mark();
	const result = await n8n.request<{ status: string; message: string }>('POST', '/rest/credentials/test', {
		credentials: { id: stored.id, name, type: 'socialMessagingApi', data: full },
	});
	return { result, requests: await requestsSince(sandbox, since) };
}

const graphGet = (path: string, fields: string, token: string, appSecret: string, status = 200): Recorded => ({
	method: 'GET',
	path,
	version: 'v23.0',
	query: { fields, appsecret_proof: appSecretProof(appSecret, token) },
	status,
});

const metaGraph = { provider: 'metaGraph', pageId: PAGE_ID, accessToken: PAGE_TOKEN, instagramAccountId: IG_ACCOUNT_ID, appId: APP_ID, appSecret: APP_SECRET };

describe(`the credential's Test button in n8n ${E2E.version}`, () => {
	it('Meta Graph API: the Page token reads the Page', async () => {
		const { result, requests } = await testCredential('Test: Meta Graph API', metaGraph);
		expect(result).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		expect(requests).toStrictEqual([graphGet(`/${PAGE_ID}`, 'id,name', PAGE_TOKEN, APP_SECRET)]);
	});

	it('Instagram Login: the Instagram user token reads its own account', async () => {
		const { result, requests } = await testCredential('Test: Instagram Login', {
			provider: 'instagramLogin',
			accessToken: IG_USER_TOKEN,
			instagramAccountId: '',
			appId: APP_ID,
			appSecret: APP_SECRET,
		});
		expect(result).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		// n8n runs the credential's preAuthentication before the test request: a token of unknown expiry
		// is renewed first, and the account is read with the renewed token.
		expect(requests.length).toBe(2);
		const [refresh, read] = requests;
		expect(refresh).toStrictEqual({
			method: 'GET',
			path: '/refresh_access_token',
			version: null,
			query: { grant_type: 'ig_refresh_token', access_token: IG_USER_TOKEN },
			status: 200,
		});
		expect({ ...read, query: { fields: read.query.fields } }).toStrictEqual({ method: 'GET', path: '/me', version: 'v23.0', query: { fields: 'id,username' }, status: 200 });
		expect(Object.keys(read.query).sort()).toStrictEqual(['appsecret_proof', 'fields']);
		expect(read.query.appsecret_proof).not.toBe(appSecretProof(APP_SECRET, IG_USER_TOKEN));
	});

	it('an expired token is explained', async () => {
		const { result, requests } = await testCredential('Test: expired token', { ...metaGraph, accessToken: EXPIRED_PAGE_TOKEN });
		expect(result).toStrictEqual({
			status: 'Error',
			message: 'The access token is invalid or has expired. Generate a new token (a long-lived Page token for Meta Graph API) and paste it here.',
		});
		expect(requests).toStrictEqual([graphGet(`/${PAGE_ID}`, 'id,name', EXPIRED_PAGE_TOKEN, APP_SECRET, 400)]);
	});

	it('an App Secret of another app is explained', async () => {
		const wrongSecret = '0123456789abcdef0123456789abcdef';
		const { result, requests } = await testCredential('Test: wrong App Secret', { ...metaGraph, appSecret: wrongSecret });
		expect(result).toStrictEqual({
			status: 'Error',
			message:
				'The App Secret does not match the app that issued the access token (Meta rejected appsecret_proof). Copy the App Secret of that app from App settings > Basic, or clear the field if the app does not require it.',
		});
		expect(requests).toStrictEqual([graphGet(`/${PAGE_ID}`, 'id,name', PAGE_TOKEN, wrongSecret, 400)]);
	});
});
