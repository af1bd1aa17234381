/**
 * What the credential puts on the wire never shows a secret (issue 13): for random recognisable
 * secrets, Meta's appsecret_proof and X's OAuth 1.0a header carry neither the app secret nor the
 * consumer / token secret (raw, percent-encoded or base64), and the Meta app secret travels only
 * inside the app token of app-level calls, never in a query string.
 */
import { describe, expect, it } from '@jest/globals';

import fc from 'fast-check';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { APP_TOKEN_MARKER_HEADER, SocialMessagingApi } from '../../credentials/SocialMessagingApi.credentials';
import { oauth1Header, percentEncode } from '../../nodes/platforms/x/oauth1';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
/** A secret that is easy to spot: a fixed marker around random text. */
const secret = (marker: string) => fc.string({ minLength: 8, maxLength: 40, unit: 'grapheme-ascii' }).map((body) => `${marker}${body}${marker}`);

/** Every spelling of `value` that could appear in a header or URL. */
const spellings = (value: string) => [value, percentEncode(value), encodeURIComponent(value), Buffer.from(value).toString('base64')];

function assertAbsent(text: string, value: string, what: string): void {
	// The label goes with the text, so a failure says which secret appeared.
	for (const spelling of spellings(value)) expect({ what, text }).not.toEqual({ what, text: expect.stringContaining(spelling) });
}

describe('Meta: Authorization header and appsecret_proof', () => {
	const credential = new SocialMessagingApi();
	it('user / Page calls: the token in the header, an HMAC proof in the query, the app secret nowhere', async () => {
		await fc.assert(
			fc.asyncProperty(secret('APPSECRET'), secret('PAGETOKEN'), async (appSecret, accessToken) => {
				const out = await credential.authenticate({ provider: 'metaGraph', appId: '1234', appSecret, accessToken }, { url: 'https://graph.facebook.com/v25.0/me/messages', method: 'POST', qs: { fields: 'id' } } as IHttpRequestOptions);
				const proof = String(out.qs?.appsecret_proof);
				expect(proof).toMatch(/^[0-9a-f]{64}$/);
				assertAbsent(proof, appSecret, 'the app secret');
				assertAbsent(proof, accessToken, 'the token');
				assertAbsent(JSON.stringify({ qs: out.qs, headers: out.headers, url: out.url }), appSecret, 'the app secret');
			}),
			{ numRuns: RUNS, seed: 1341 },
		);
	});

	it('app-level calls: the app token in the header only (no proof, nothing in the query)', async () => {
		await fc.assert(
			fc.asyncProperty(secret('APPSECRET'), async (appSecret) => {
				const out = await credential.authenticate(
					{ provider: 'metaGraph', appId: '1234', appSecret, accessToken: 'EAAtoken' },
					{ url: 'https://graph.facebook.com/v25.0/1234/subscriptions', method: 'POST', headers: { [APP_TOKEN_MARKER_HEADER]: 'app' } } as IHttpRequestOptions,
				);
				expect((out.headers as Record<string, string>).Authorization).toBe(`Bearer 1234|${appSecret}`);
				expect((out.headers as Record<string, string>)[APP_TOKEN_MARKER_HEADER]).toBeUndefined();
				assertAbsent(JSON.stringify({ qs: out.qs ?? {}, url: out.url }), appSecret, 'the app secret');
			}),
			{ numRuns: RUNS, seed: 1342 },
		);
	});
});

describe('X: OAuth 1.0a header', () => {
	it('carries the consumer key, token and an HMAC-SHA1 signature, never either secret', () => {
		fc.assert(
			fc.property(secret('CONSUMERSECRET'), secret('TOKENSECRET'), fc.string({ maxLength: 30 }), (consumerSecret, tokenSecret, text) => {
				const header = oauth1Header({
					method: 'POST',
					url: `https://api.x.com/2/dm_conversations/with/42/messages?text=${encodeURIComponent(text)}`,
					params: [['text', text]],
					keys: { consumerKey: 'ck-public', consumerSecret, token: '42-tokenpublic', tokenSecret },
				});
				expect(header).toMatch(/^OAuth oauth_consumer_key="ck-public", .*oauth_signature="[A-Za-z0-9%]+"$/);
				assertAbsent(header, consumerSecret, 'the consumer secret');
				assertAbsent(header, tokenSecret, 'the token secret');
				assertAbsent(header, `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`, 'the signing key');
			}),
			{ numRuns: RUNS, seed: 1343 },
		);
	});
});
