/**
 * Instagram Login tokens that do not die after 60 days: the credential's preAuthentication (n8n's
 * expirable-credential flow) renews the long-lived token with graph.instagram.com's refresh_access_token
 * when its expiry is unknown or less than 30 days away, saves the new token and its expiry to the
 * credential, and every later request uses it. Exact requests against the fake Graph.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { EXPIRED_IG_USER_TOKEN, IG_ACCOUNT_ID, IG_USER_TOKEN, USERS, appSecretProof, APP_SECRET } from '../fakes/graph';
import { testCredential } from '../harness';
import { TOKEN_REFRESH, tokenExpiry } from '../../nodes/platforms/meta/tokenRefresh';
import { byId, instagramLoginCredentials, metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

const fake = useFakeGraph();
const DAY = 86400000;
const STORE_ID = 'socialMessagingApi-id';

beforeEach(() => {
	fake().clearRequests();
});

/** Instagram Login credentials as pasted: the token's expiry is not known yet. */
const pasted = (overrides: ICredentialDataDecryptedObject = {}) => instagramLoginCredentials(fake(), { tokenExpiresAt: '', tokenExpiresFor: '', ...overrides });

const sendParameters = { platform: 'instagram', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(USERS.ines.id), messageType: 'text', text: 'Hi' };

async function send(credentials: ICredentialDataDecryptedObject, items = 1) {
	const run = await runSocialMessaging(credentials, sendParameters, { items: Array.from({ length: items }, () => ({ json: {} })) });
	// run.error?.message
	expect(run.error).toBeUndefined();
	return { run, saved: run.result.credentials[STORE_ID].data };
}

const refreshCalls = () => fake().requests.filter((request) => request.path === '/refresh_access_token');
const sendCalls = () => fake().requests.filter((request) => request.path === '/me/messages');

/** Credentials whose current token is known to expire `days` from now (as a previous refresh saved it). */
function datedCredentials(token: string, days: number, saved: IDataObject): ICredentialDataDecryptedObject {
	return { ...pasted(), accessToken: token, tokenExpiresAt: new Date(Date.now() + days * DAY).toISOString(), tokenExpiresFor: String(saved.tokenExpiresFor) };
}

describe('Instagram Login token refresh', () => {
	it('a pasted token is renewed before the first request; the send and the saved credential use the new one', async () => {
		const before = Date.now();
		const { saved } = await send(pasted());
		const [refresh] = refreshCalls();
		expect(refresh.method).toBe('GET');
		// refresh_access_token has no version in its path
		expect(refresh.version).toBeNull();
		expect(refresh.query).toStrictEqual({ grant_type: 'ig_refresh_token', access_token: IG_USER_TOKEN });
		const fresh = (refresh.response as IDataObject).access_token as string;
		expect(Object.keys(refresh.response as IDataObject).sort()).toStrictEqual(['access_token', 'expires_in', 'token_type']);
		expect(fresh).not.toBe(IG_USER_TOKEN);

		const [message] = sendCalls();
		expect(message.headers.authorization).toBe(`Bearer ${fresh}`);
		expect(message.query.appsecret_proof).toBe(appSecretProof(APP_SECRET, fresh));
		expect(fake().requests.map((request) => request.path)).toStrictEqual(['/refresh_access_token', '/me/messages']);

		expect(saved.accessToken).toBe(fresh);
		// the expirable field stays empty, so n8n keeps asking
		expect(saved.tokenRefresh).toBe('');
		const expiry = tokenExpiry(saved as ICredentialDataDecryptedObject) as Date;
		// expires ${expiry.toISOString()}
		expect(Math.abs(expiry.getTime() - (before + 60 * DAY))).toBeLessThan(60000);
	});

	it('a token with more than 30 days left is not refreshed; one with fewer is', async () => {
		const { saved } = await send(pasted());
		const fresh = saved.accessToken as string;
		fake().clearRequests();

		await send(datedCredentials(fresh, 31, saved));
		expect(refreshCalls().length).toBe(0);
		expect(sendCalls()[0].headers.authorization).toBe(`Bearer ${fresh}`);

		fake().clearRequests();
		// 31 days on (Meta refreshes only tokens at least a day old).
		(fake().state.tokens.get(fresh) as { issuedAt: number }).issuedAt -= 31 * DAY;
		const { saved: renewed } = await send(datedCredentials(fresh, 29, saved));
		expect(refreshCalls().length).toBe(1);
		expect(refreshCalls()[0].query).toStrictEqual({ grant_type: 'ig_refresh_token', access_token: fresh });
		expect(renewed.accessToken).not.toBe(fresh);
		expect((tokenExpiry(renewed as ICredentialDataDecryptedObject) as Date).getTime() - Date.now()).toBeGreaterThan(TOKEN_REFRESH.whenLeftMs);
	});

	it('a token pasted in place of a dated one is renewed (the saved expiry belongs to the old token)', async () => {
		const { saved } = await send(pasted());
		fake().clearRequests();
		await send({ ...saved, accessToken: IG_USER_TOKEN });
		expect(refreshCalls()[0].query).toStrictEqual({ grant_type: 'ig_refresh_token', access_token: IG_USER_TOKEN });
	});

	it('a run of many sends makes one refresh call', async () => {
		await send(pasted(), 20);
		expect(refreshCalls().length).toBe(1);
		expect(sendCalls().length).toBe(20);
	});

	it('a token younger than 24 hours (Meta refuses to refresh it) is kept and dated 59 days ahead', async () => {
		const young = 'IGAAfakeYOUNGtokenZAeW91bmc';
		fake().state.tokens.set(young, { kind: 'ig', token: young, igId: IG_ACCOUNT_ID, issuedAt: Date.now() - 3600000 });
		const { saved } = await send(pasted({ accessToken: young }));
		expect(refreshCalls().length).toBe(1);
		expect((refreshCalls()[0].response as { error: { code: number } }).error.code).toBe(100);
		expect(sendCalls()[0].headers.authorization).toBe(`Bearer ${young}`);
		expect(saved.accessToken).toBe(young);
		const left = (tokenExpiry(saved as ICredentialDataDecryptedObject) as Date).getTime() - Date.now();
		expect(Math.abs(left - TOKEN_REFRESH.youngTokenLeftMs)).toBeLessThan(60000);

		fake().clearRequests();
		await send(saved as ICredentialDataDecryptedObject);
		// dated now: no refresh until 30 days are left
		expect(refreshCalls().length).toBe(0);
	});

	it('an expired token fails the item with what to do; no message is sent', async () => {
		const run = await runSocialMessaging(pasted({ accessToken: EXPIRED_IG_USER_TOKEN }), sendParameters);
		expect(run.error).toBeTruthy();
		expect(run.error!.name).toBe('NodeOperationError');
		expect(run.error!.message).toBe('The Instagram Login access token has expired or was revoked, so it cannot be renewed: generate a new long-lived token and paste it into the credential');
		expect(String(run.error!.description)).toMatch(/^Generate a new long-lived token .* Nothing was sent\.$/);
		expect(sendCalls().length).toBe(0);
		// the token is not in the error
		expect(JSON.stringify(run.error).includes(EXPIRED_IG_USER_TOKEN)).toBe(false);
	});

	it('Meta Graph API credentials never call refresh_access_token', async () => {
		const run = await runSocialMessaging(metaCredentials(fake()), { ...sendParameters, platform: 'messenger', recipientId: byId(USERS.alice.id) });
		expect(run.error).toBeUndefined();
		expect(refreshCalls().length).toBe(0);
		expect(run.result.credentials[STORE_ID].data.tokenRefresh).toBeUndefined();
	});

	it('the credential test renews a due token first and fails on an expired one with what to do', async () => {
		const ok = await testCredential(pasted());
		// ok.message
		expect(ok.status).toBe('OK');
		expect(refreshCalls().length).toBe(1);
		const [, check] = fake().requests;
		expect(check.path).toBe('/me');
		// the test runs with the renewed token
		expect(check.headers.authorization).toBe(`Bearer ${(refreshCalls()[0].response as IDataObject).access_token as string}`);
		const failed = await testCredential(pasted({ accessToken: EXPIRED_IG_USER_TOKEN }));
		expect(failed.status).toBe('Error');
		expect(failed.message).toMatch(/has expired or was revoked, so it cannot be renewed: generate a new long-lived token/);
	});
});
