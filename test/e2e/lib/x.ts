/**
 * What the X e2e tests share: the query every DM event lookup sends, a sandbox with its X API credential
 * in n8n, X's own view of the app's webhooks and subscriptions (asked with the app's Bearer Token, as a
 * developer would), and the unified event item of a DM the sandbox delivered or stored.
 */
import { afterAll, beforeAll, expect } from '@jest/globals';

import { ME, X_BEARER_TOKEN, X_USERS, startFakeX, xCredentialData, type FakeX, type RecordedXRequest } from '../../fakes/x';
import { connect, nodeOutput, type N8nClient, type WorkflowNode } from './n8n';
import { startSandbox, type DeliverResult, type Sandbox, type XSandboxRequest } from './sandbox';
import { chain, manualTrigger, socialMessaging, type CredentialRef } from './workflows';

/** What the node asks of the account (GET /2/users/me). */
export const ME_QUERY = { 'user.fields': 'id,name,username,profile_image_url' };

/** What the node asks of every DM event lookup (sender and participants through expansions). */
export const EVENT_QUERY = {
	'dm_event.fields': 'id,text,event_type,created_at,dm_conversation_id,attachments,entities',
	expansions: 'sender_id,participant_ids,attachments.media_keys,referenced_posts',
	'user.fields': 'id,name,username,profile_image_url',
	'media.fields': 'media_key,type,url,preview_image_url',
};

export interface XContext {
	n8n: N8nClient;
	sandbox: Sandbox;
	credential: CredentialRef;
}

/** Starts this file's sandbox and stores its X API credential in n8n; `ctx()` returns them in tests. */
export function useXContext(): () => XContext {
	let context: XContext | undefined;
	beforeAll(async () => {
		const [n8n, sandbox] = await Promise.all([connect(), startSandbox()]);
		const created = await n8n.importCredential({ name: 'Sandbox: X API', type: 'socialMessagingApi', data: xCredentialData(sandbox.xUrl) });
		context = { n8n, sandbox, credential: { id: created.id, name: created.name } };
	});
	afterAll(async () => {
		await context?.sandbox.stop();
	});
	return () => {
		// the X test context is not set up
		expect(context).toBeTruthy();
		return context!;
	};
}

/** A fake X API in this process and one credential for it in n8n (the action node's X e2e files). */
export interface FakeXContext {
	n8n: N8nClient;
	fake: FakeX;
	credential: CredentialRef;
	credentialType: string;
}

/** Starts this file's fake X and stores the credential `data(fake.url)` in n8n; `ctx()` returns them in tests. */
export function useFakeXCredential(name: string, credentialType: string, data: (url: string) => Record<string, unknown>): () => FakeXContext {
	let context: FakeXContext | undefined;
	beforeAll(async () => {
		// Sends and lookups of every test together stay far from a 15-minute window here.
		const fake = await startFakeX({ rateLimits: { dmSend: { limit: 500, windowMs: 900_000 }, dmLookup: { limit: 500, windowMs: 900_000 } } });
		const n8n = await connect();
		const created = await n8n.importCredential({ name, type: credentialType, data: data(fake.url) });
		context = { n8n, fake, credential: { id: created.id, name: created.name }, credentialType };
	});
	afterAll(async () => {
		await context?.fake.close();
	});
	return () => {
		// the fake X context is not set up
		expect(context).toBeTruthy();
		return context!;
	};
}

/**
 * Manual Trigger → (producers) → Social Messaging on Platform X, run over n8n's REST API: the run must
 * succeed and every request be valid under X's OpenAPI description. Returns the node's items and the
 * requests the fake received, for the caller to check their authentication and content.
 */
export async function runOnFakeX(
	{ n8n, fake, credential, credentialType }: FakeXContext,
	title: string,
	parameters: Record<string, unknown>,
	producers: WorkflowNode[] = [],
): Promise<{ items: Array<Record<string, unknown>>; requests: RecordedXRequest[] }> {
	const node = socialMessaging('Social Messaging', { platform: 'x', ...parameters }, credential, credentialType);
	const stored = await n8n.createWorkflow(chain(`e2e x: ${title}`, [manualTrigger(), ...producers, node]));
	fake.clearRequests();
	const execution = await n8n.runWorkflow(stored.id, { timeoutMs: 60_000 });
	const error = execution.data.resultData.error;
	// A failed run shows its error message next to the status.
	expect([execution.status, error?.message]).toStrictEqual(['success', undefined]);
	expect(fake.violations).toStrictEqual([]);
	return { items: await nodeOutput(execution, 'Social Messaging'), requests: [...fake.requests] };
}

/** One request as the fake X API recorded it (no body key for requests without one). */
export const xRequest = (caller: 'user' | 'bearer', method: string, path: string, extra: { query?: Record<string, string>; body?: unknown; status?: number } = {}): XSandboxRequest => ({
	method,
	path,
	query: extra.query ?? {},
	...(extra.body === undefined ? {} : { body: extra.body }),
	status: extra.status ?? 200,
	caller,
});

/** X's answer to the app (Bearer Token) for one of its Activity API listings. */
async function asApp<T>(sandbox: Sandbox, path: string): Promise<T[]> {
	const response = await fetch(`${sandbox.xUrl}${path}`, { headers: { authorization: `Bearer ${X_BEARER_TOKEN}` } });
	expect(response.status).toBe(200);
	return ((await response.json()) as { data: T[] }).data;
}

export const xWebhooks = async (sandbox: Sandbox) => await asApp<{ id: string; url: string; valid: boolean; created_at: string }>(sandbox, '/2/webhooks');

export const xSubscriptions = async (sandbox: Sandbox) =>
	await asApp<{ subscription_id: string; event_type: string; filter: { user_id: string }; tag?: string; webhook_id?: string; created_at: string; updated_at: string }>(sandbox, '/2/activity/subscriptions');

/** A person as the trigger's items name them (the profile the fake seeds for every account). */
export function participant(user: { id: string; name: string; username: string }): Record<string, string> {
	return { id: user.id, name: user.name, username: user.username, profilePictureUrl: `https://pbs.twimg.com/profile_images/${user.id}/avatar_normal.jpg` };
}

type XUserKey = keyof typeof X_USERS;

/** The unified item of a DM from a seeded person to the account, as both triggers emit it. */
export function dmItem(from: XUserKey, text: string, dm: { id: string; createdAt: string }): Record<string, unknown> {
	const sender = X_USERS[from];
	return {
		type: 'message',
		platform: 'x',
		accountId: ME.id,
		conversationKey: `${ME.id}:${sender.id}`,
		attachments: [],
		timestamp: dm.createdAt,
		sender: participant(sender),
		recipient: participant(ME),
		messageId: dm.id,
		text,
	};
}

/** The Activity API body the sandbox posted (X's bytes), and the DM it carried. */
export function sentActivity(result: DeliverResult): { raw: Buffer; dm: Record<string, any> } {
	// the sandbox did not deliver: ${result.reason ?? ''}
	expect(result.result).toBeTruthy();
	const raw = Buffer.from(result.result!.sentBody.data);
	const payload = JSON.parse(raw.toString('utf8')) as { data: { payload: { direct_message_events: Array<Record<string, any>> } } };
	return { raw, dm: payload.data.payload.direct_message_events[0] };
}
