/**
 * What the trigger tests share: a sandbox with a Meta Graph API and an Instagram Login credential in
 * n8n, trigger workflows, signed deliveries, and the requests Meta sees for webhook registrations.
 */
import { afterAll, beforeAll, expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';

import { APP_ID, APP_SECRET, appSecretProof, instagramLoginCredentialData, metaGraphCredentialData } from './fixtures';
import { E2E, connect, nodeOutput, type Execution, type N8nClient, type StoredWorkflow } from './n8n';
import { startSandbox, type DeliverRequest, type DeliverResult, type Recorded, type Sandbox } from './sandbox';

export { requestsSince, type Recorded } from './sandbox';
import { chain, noOp, socialMessagingTrigger, type CredentialRef } from './workflows';


/** App-level calls carry the app access token ("App ID|App Secret"), so no appsecret_proof. */
export const app = (method: string, query: Record<string, string> = {}, body?: unknown): Recorded => ({
	method,
	path: `/${APP_ID}/subscriptions`,
	version: 'v23.0',
	query,
	...(body === undefined ? {} : { body }),
	status: 200,
});

/** Page / account calls carry that token and its proof. */
export const account = (token: string, method: string, node: string, query: Record<string, string> = {}): Recorded => ({
	method,
	path: `/${node}/subscribed_apps`,
	version: 'v23.0',
	query: { ...query, appsecret_proof: appSecretProof(APP_SECRET, token) },
	status: 200,
});

const productionUrl = (webhookId: string) => `${E2E.url}webhook/${webhookId}/webhook`;

export interface TriggerContext {
	n8n: N8nClient;
	sandbox: Sandbox;
	metaGraph: CredentialRef;
	instagramLogin: CredentialRef;
}

/** Starts this file's sandbox and stores both credentials in n8n; `ctx()` returns them in tests. */
export function useTriggerContext(): () => TriggerContext {
	let context: TriggerContext | undefined;
	beforeAll(async () => {
		const [n8n, sandbox] = await Promise.all([connect(), startSandbox()]);
		const metaGraph = await n8n.importCredential({
			name: 'Sandbox: Meta Graph API',
			type: 'socialMessagingApi',
			data: metaGraphCredentialData(sandbox.graphUrl),
		});
		const instagramLogin = await n8n.importCredential({
			name: 'Sandbox: Instagram Login',
			type: 'socialMessagingApi',
			data: instagramLoginCredentialData(sandbox.graphUrl),
		});
		context = { n8n, sandbox, metaGraph, instagramLogin };
	});
	afterAll(async () => {
		await context?.sandbox.stop();
	});
	return () => {
		// the trigger test context is not set up
		expect(context).toBeTruthy();
		return context!;
	};
}

/** Social Messaging Trigger "Inbox" → No Operation "Received", with a webhook id of its own. */
export async function createTriggerWorkflow(n8n: N8nClient, name: string, parameters: Record<string, unknown>, credential: CredentialRef, webhookId = randomUUID()) {
	const trigger = socialMessagingTrigger('Inbox', parameters, credential, webhookId);
	const workflow = await n8n.createWorkflow(chain(name, [trigger, noOp('Received')]));
	return { workflow, url: productionUrl(webhookId) };
}

export interface MetaPayload {
	object: string;
	entry: Array<{ id: string; messaging: Array<Record<string, any>> }>;
}

/** What the sandbox posted: the raw bytes as Meta sends them (non-ASCII escaped), parsed. */
function sentPayload(result: DeliverResult): MetaPayload {
	// the sandbox did not deliver: ${result.reason ?? ''}
	expect(result.result).toBeTruthy();
	const raw = Buffer.from(result.result!.sentBody.data).toString('utf8');
	// Meta escapes non-ASCII characters
	expect(raw).not.toMatch(/[^\x00-\x7f]/);
	return JSON.parse(raw) as MetaPayload;
}

/** A correctly signed delivery to the app's registered callback, acknowledged by the trigger. */
export async function deliverSigned(sandbox: Sandbox, request: DeliverRequest): Promise<MetaPayload> {
	const result = await sandbox.deliver(request);
	// result.reason
	expect(result.delivered).toBe(true);
	// result.result?.body
	expect(result.result?.status).toBe(200);
	expect(result.result?.body).toBe('EVENT_RECEIVED');
	return sentPayload(result);
}

/**
 * The fields the app receives for a Page or account, asked of the platform itself the way Meta
 * answers it (GET /{id}/subscribed_apps with that id's token); undefined when the app is not subscribed.
 */
export async function subscribedFields(sandbox: Sandbox, node: string, token: string): Promise<string[] | undefined> {
	const response = await fetch(`${sandbox.graphUrl}/v23.0/${node}/subscribed_apps`, { headers: { authorization: `Bearer ${token}` } });
	expect(response.status).toBe(200);
	const { data } = (await response.json()) as { data: Array<{ id?: string; subscribed_fields: string[] }> };
	return data.find((entry) => entry.id === undefined || entry.id === APP_ID)?.subscribed_fields;
}

export async function executionsOf(n8n: N8nClient, workflow: StoredWorkflow): Promise<string[]> {
	return (await n8n.listExecutions(workflow.id)).map((execution) => String(execution.id));
}

/** The trigger's items of a finished production (webhook) execution. */
export async function triggerItems(execution: Execution): Promise<Array<Record<string, unknown>>> {
	expect(execution.status).toBe('success');
	expect(execution.mode).toBe('webhook');
	return await nodeOutput(execution, 'Inbox');
}
