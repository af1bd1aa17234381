/**
 * The X API credential's test (what n8n's credential tester runs): GET /2/users/me, signed with OAuth 1.0a
 * through the credential's own `authenticate`, against the fake X API; and the explanation n8n shows for
 * each way it fails: bad keys or revoked token, no DM permission, no DM access on the plan, out of credits,
 * rate limit.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { X_NO_DM_TOKEN, X_NO_DM_TOKEN_SECRET, X_UNENROLLED_API_KEY, X_UNENROLLED_API_KEY_SECRET, X_UNENROLLED_TOKEN, X_UNENROLLED_TOKEN_SECRET } from '../fakes/x';
import { testCredential } from '../harness';
import { assertCall, assertNoSecretIn, useFakeX, xCredentials } from './x.helpers';

const fake = useFakeX();
beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
});

describe('X API credential test', () => {
	it('valid keys and token: OK after one signed GET /2/users/me', async () => {
		expect(await testCredential(xCredentials(fake()))).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().requests.length).toBe(1);
		assertCall(fake().requests[0], 'GET', '/2/users/me');
	});

	it('the trailing slash of a Custom Base URL is dropped', async () => {
		expect((await testCredential(xCredentials(fake(), { baseUrl: `${fake().url}/` }))).status).toBe('OK');
		expect(fake().requests[0].path).toBe('/2/users/me');
	});

	it('a token without the DM permission passes: X answers /2/users/me at every access level (the first DM call explains)', async () => {
		const noDm = xCredentials(fake(), { xAccessToken: X_NO_DM_TOKEN, xAccessTokenSecret: X_NO_DM_TOKEN_SECRET });
		expect(await testCredential(noDm)).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().requests[0].responseHeaders?.['x-access-level']).toBe('read-write');
	});

	const failures: Array<[string, () => Record<string, unknown> | void, RegExp]> = [
		['a wrong API Key Secret (X\'s 401)', () => ({ xApiKeySecret: 'not-the-consumer-secret' }), /^X refused the keys \(401 Unauthorized\): check the API Key, API Key Secret, Access Token and Access Token Secret.*not revoked/],
		['a revoked or expired Access Token', () => {
			fake().state.tokens.get(String(xCredentials(fake()).xAccessToken))!.revoked = true;
		}, /^X refused the keys \(401 Unauthorized\).*the token was not revoked/],
		['an app whose plan has no access (client-forbidden)', () => ({ xApiKey: X_UNENROLLED_API_KEY, xApiKeySecret: X_UNENROLLED_API_KEY_SECRET, xAccessToken: X_UNENROLLED_TOKEN, xAccessTokenSecret: X_UNENROLLED_TOKEN_SECRET }), /client-forbidden.*Direct messages need pay-per-use credits/],
		['out of credits (usage-capped)', () => {
			fake().state.apps.get(String(xCredentials(fake()).xApiKey))!.credits = 0;
		}, /out of credits or over its plan's cap \(usage-capped\)/],
		['a token without the DM permission, when X says so (oauth1-permissions)', () => {
			fake().failNext('GET /2/users/me', 'oauth1Permissions');
		}, /"Read and write and Direct message".*regenerate the Access Token and Secret/],
		['the older errors[] shape for an invalid token (code 89)', () => {
			fake().failNext('GET /2/users/me', { status: 401, body: { errors: [{ code: 89, message: 'Invalid or expired token.' }] } });
		}, /The Access Token is invalid, expired or revoked/],
		['a rate limit', () => {
			fake().failNext('GET /2/users/me', 'rateLimitProblem');
		}, /X rate-limited the test call; the credentials may be fine/],
	];
	for (const [label, arrange, message] of failures) {
		it(label, async () => {
			const token = fake().state.tokens.get(String(xCredentials(fake()).xAccessToken))!;
			const app = fake().state.apps.get(String(xCredentials(fake()).xApiKey))!;
			try {
				const overrides = arrange() ?? {};
				const result = await testCredential(xCredentials(fake(), overrides as Record<string, string>));
				expect(result.status).toBe('Error');
				expect(result.message).toMatch(message);
				assertNoSecretIn(result);
				expect(fake().requests.length).toBe(1);
				expect(fake().requests[0].path).toBe('/2/users/me');
			} finally {
				token.revoked = false;
				app.credits = undefined;
			}
		});
	}
});
