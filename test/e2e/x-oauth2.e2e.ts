/**
 * The X OAuth2 credential inside a real n8n, against the fake X API started in this process: a credential
 * stored as n8n keeps it after "Connect my account" (`oauthTokenData`), the Social Messaging node with
 * Authentication X OAuth2; n8n's own OAuth2 client adds the user token as Bearer (the fake takes it as the
 * account's user context) and every request is valid under X's OpenAPI description.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { ME, X_OAUTH2_TOKEN, X_USERS, startFakeX, xOAuth2CredentialData, type FakeX } from '../fakes/x';
import { connect, nodeOutput, type N8nClient } from './lib/n8n';
import { chain, manualTrigger, socialMessaging, type CredentialRef } from './lib/workflows';
import { EVENT_QUERY, ME_QUERY } from './lib/x';

let n8n: N8nClient;
let fake: FakeX;
let credential: CredentialRef;

beforeAll(async () => {
	fake = await startFakeX({ rateLimits: { dmSend: { limit: 500, windowMs: 900_000 }, dmLookup: { limit: 500, windowMs: 900_000 } } });
	n8n = await connect();
	const created = await n8n.importCredential({ name: 'e2e: X OAuth2 (fake)', type: 'xOAuth2Api', data: xOAuth2CredentialData(fake.url) });
	credential = { id: created.id, name: created.name };
});
afterAll(async () => {
	await fake?.close();
});

async function runX(title: string, parameters: Record<string, unknown>) {
	const workflow = chain(`e2e x oauth2: ${title}`, [manualTrigger(), socialMessaging('Social Messaging', { platform: 'x', authentication: 'xOAuth2', ...parameters }, credential, 'xOAuth2Api')]);
	const stored = await n8n.createWorkflow(workflow);
	fake.clearRequests();
	const execution = await n8n.runWorkflow(stored.id, { timeoutMs: 60_000 });
	const error = execution.data.resultData.error;
	expect([execution.status, error?.message]).toStrictEqual(['success', undefined]);
	expect(fake.violations).toStrictEqual([]);
	for (const request of fake.requests) {
		// the fake refused ${request.method} ${request.path}: ${request.authFailure}
		expect([request.authFailure, request.caller, request.headers.authorization]).toStrictEqual([undefined, 'oauth2', `Bearer ${X_OAUTH2_TOKEN}`]);
	}
	return { items: await nodeOutput(execution, 'Social Messaging'), requests: [...fake.requests] };
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
		expect(fake.state.deliveryCount(X_USERS.bob.id, text)).toBe(1);
	});
});
