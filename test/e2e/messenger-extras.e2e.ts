/**
 * The issue 12 extras that only a real n8n can show, against the sandbox. Instagram Login token refresh:
 * n8n's own CredentialsHelper runs the credential's preAuthentication, renews a token of unknown expiry
 * with refresh_access_token and saves it in its database, so the next execution sends with the new token
 * and refreshes nothing. (Paging past the caps runs in examples.e2e.ts: the lead funnel's 20 plans, the
 * second page sent by the active trigger; Personas, User Profile, Handover, Messenger Profile and the
 * notification opt-in in account-tools.e2e.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { APP_SECRET, USERS, appSecretProof, instagramLoginCredentialData } from './lib/fixtures';
import { E2E, connect, nodeOutput, type N8nClient } from './lib/n8n';
import { requestsSince, startSandbox, type Sandbox } from './lib/sandbox';
import { byId, chain, manualTrigger, socialMessaging, type CredentialRef } from './lib/workflows';

describe(`Messenger and Instagram extras in n8n ${E2E.version}`, () => {
	let n8n: N8nClient;
	let sandbox: Sandbox;

	beforeAll(async () => {
		[n8n, sandbox] = await Promise.all([connect(), startSandbox()]);
	});

	afterAll(async () => {
		await sandbox?.stop();
	});

	it('Instagram Login: a pasted token is renewed once and saved; the next execution uses it without a refresh', async () => {
		// As a user pastes it: no expiry known yet.
		const created = await n8n.importCredential({
			name: 'Sandbox: Instagram Login, pasted token',
			type: 'socialMessagingApi',
			data: { ...instagramLoginCredentialData(sandbox.graphUrl), tokenExpiresAt: '', tokenExpiresFor: '' },
		});
		const credential: CredentialRef = { id: created.id, name: created.name };
		const parameters = { platform: 'instagram', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(USERS.ines.id), messageType: 'text', text: 'Hi from n8n' };
		const stored = await n8n.createWorkflow(chain('e2e extras: Instagram Login refresh', [manualTrigger(), socialMessaging('Social Messaging', parameters, credential)]));

		const since = await sandbox.mark();
		const first = await n8n.runWorkflow(stored.id);
		// JSON.stringify(first.data.resultData.error ?? {})
		expect(first.status).toBe('success');
		const requests = await requestsSince(sandbox, since);
		// JSON.stringify(requests)
		expect(requests.length).toBe(2);
		const [refresh, sent] = requests;
		expect(refresh.method).toBe('GET');
		expect(refresh.path).toBe('/refresh_access_token');
		expect(refresh.version).toBeNull();
		expect(refresh.query.grant_type).toBe('ig_refresh_token');
		expect(refresh.status).toBe(200);
		const renewed = String((refresh as { response?: { access_token?: string } }).response?.access_token ?? '');
		expect(sent.method).toBe('POST');
		expect(sent.path).toBe('/me/messages');
		expect(sent.body).toStrictEqual({ recipient: { id: USERS.ines.id }, messaging_type: 'RESPONSE', message: { text: 'Hi from n8n' } });
		const newProof = sent.query.appsecret_proof;
		// sent with the renewed token, not the pasted one
		expect(newProof).not.toBe(appSecretProof(APP_SECRET, String(refresh.query.access_token)));
		if (renewed) expect(newProof).toBe(appSecretProof(APP_SECRET, renewed));
		expect((await nodeOutput(first, 'Social Messaging')).length).toBe(1);

		const again = await sandbox.mark();
		const second = await n8n.runWorkflow(stored.id);
		// JSON.stringify(second.data.resultData.error ?? {})
		expect(second.status).toBe('success');
		const later = await requestsSince(sandbox, again);
		// no second refresh: n8n saved the token and its expiry
		expect(later.map((request) => `${request.method} ${request.path}`)).toStrictEqual(['POST /me/messages']);
		expect(later[0].query.appsecret_proof).toBe(newProof);
	});
});
