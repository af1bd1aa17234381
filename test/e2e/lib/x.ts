/**
 * What the X e2e tests share: the query every DM event lookup sends, a sandbox with its X API credential
 * in n8n, X's own view of the app's webhooks and subscriptions (asked with the app's Bearer Token, as a
 * developer would), and the unified event item of a DM the sandbox delivered or stored.
 */
import { afterAll, beforeAll, expect } from '@jest/globals';

import { ME, X_BEARER_TOKEN, X_USERS, xCredentialData } from '../../fakes/x';
import { connect, type N8nClient } from './n8n';
import { startSandbox, type DeliverResult, type Sandbox, type XSandboxRequest } from './sandbox';
import type { CredentialRef } from './workflows';

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
