/**
 * The X OAuth2 credential inside a real n8n, against the fake X API started in this process: a credential
 * stored as n8n keeps it after "Connect my account" (`oauthTokenData`), the Social Messaging node with
 * Authentication X OAuth2; n8n's own OAuth2 client adds the user token as Bearer (the fake takes it as the
 * account's user context) and every request is valid under X's OpenAPI description.
 */
import { describe, expect, it } from '@jest/globals';

import { ME, X_OAUTH2_TOKEN, X_USERS, xOAuth2CredentialData } from '../fakes/x';
import { EVENT_QUERY, ME_QUERY, runOnFakeX, useFakeXCredential } from './lib/x';

const ctx = useFakeXCredential('e2e: X OAuth2 (fake)', 'xOAuth2Api', xOAuth2CredentialData);

/** Runs one X operation with Authentication X OAuth2; every request must carry the user token. */
async function runX(title: string, parameters: Record<string, unknown>) {
	const run = await runOnFakeX(ctx(), `oauth2 ${title}`, { authentication: 'xOAuth2', ...parameters });
	for (const request of run.requests) {
		// the fake refused ${request.method} ${request.path}: ${request.authFailure}
		expect([request.authFailure, request.caller, request.headers.authorization]).toStrictEqual([undefined, 'oauth2', `Bearer ${X_OAUTH2_TOKEN}`]);
	}
	return run;
}

describe('X OAuth2 on n8n', () => {
	it('Conversation > Get Many and Message > Send with the OAuth 2.0 user token', async () => {
		const list = await runX('conversation getAll', { resource: 'conversation', operation: 'getAll', returnAll: true });
		expect(list.requests.map((request) => [request.method, request.path, request.query, request.status])).toStrictEqual([
			['GET', '/2/users/me', ME_QUERY, 200],
			['GET', '/2/dm_events', { ...EVENT_QUERY, max_results: '100' }, 200],
		]);
		expect(list.items[0].id).toBe(`${X_USERS.alice.id}-${ME.id}`);

		const text = 'Sent from n8n with OAuth 2.0';
		const send = await runX('message send', { resource: 'message', operation: 'send', xSendTo: 'userId', xRecipientId: X_USERS.bob.id, xText: text });
		expect(send.requests.map((request) => [request.method, request.path, request.json, request.status])).toStrictEqual([
			['POST', `/2/dm_conversations/with/${X_USERS.bob.id}/messages`, { text }, 201],
		]);
		expect(send.items[0].recipientId).toBe(X_USERS.bob.id);
		expect(ctx().fake.state.deliveryCount(X_USERS.bob.id, text)).toBe(1);
	});
});
