/**
 * Shared set-up of the X workflow tests: one fake X server per test file, the X API credential pointed at
 * it, runs of the Social Messaging node on Platform X, and the checks every X test makes of a request:
 * X's description accepted it, it carried a valid OAuth 1.0a signature of the seeded app and account,
 * and no secret went over the wire in the clear.
 */
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';

import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode, type RunNodeItem, type RunNodeResult } from '../harness';
import {
	ME,
	X_ACCESS_TOKEN,
	X_ACCESS_TOKEN_SECRET,
	X_API_KEY,
	X_API_KEY_SECRET,
	X_BEARER_TOKEN,
	parseOAuthHeader,
	startFakeX,
	xCredentialData,
	type FakeX,
	type FakeXOptions,
	type DmEventRecord,
	type RecordedXRequest,
} from '../fakes/x';

export const X_SECRETS = [X_API_KEY_SECRET, X_ACCESS_TOKEN_SECRET, X_BEARER_TOKEN];

/** Starts one fake X for the calling test file; after each test, no request may have broken X's description. */
export function useFakeX(options: FakeXOptions = {}): () => FakeX {
	let fake: FakeX | undefined;
	beforeAll(async () => {
		fake = await startFakeX(options);
	});
	afterAll(async () => {
		await fake?.close();
	});
	afterEach(() => {
		// a request the node sent is not valid under X's OpenAPI description
		expect(fake?.violations).toStrictEqual([]);
	});
	return () => {
		if (!fake) throw new Error('fake X not started');
		return fake;
	};
}

export function xCredentials(fake: FakeX, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return xCredentialData(fake.url, overrides) as ICredentialDataDecryptedObject;
}

export interface XRun extends RunNodeResult {
	startedAt: number;
	finishedAt: number;
}

/** Runs the Social Messaging node once on Platform X. */
export async function runX(
	fake: FakeX,
	parameters: INodeParameters,
	options: { items?: RunNodeItem[]; continueOnFail?: boolean; credentials?: ICredentialDataDecryptedObject; credentialType?: string; timeoutMs?: number } = {},
): Promise<XRun> {
	const startedAt = Date.now();
	const result = await runNode({
		type: 'socialMessaging',
		parameters: { platform: 'x', ...parameters },
		credentials: { [options.credentialType ?? 'socialMessagingApi']: options.credentials ?? xCredentials(fake) },
		items: options.items,
		continueOnFail: options.continueOnFail,
		timeoutMs: options.timeoutMs,
	});
	return { ...result, startedAt, finishedAt: Date.now() };
}

export function assertNoError(run: RunNodeResult): void {
	// the node failed: ${run.error?.message} ${String(run.error?.description ?? '')}
	expect(run.error).toBeUndefined();
}

/** The request was signed for the seeded app and account, the fake verified the signature, and no secret is in it. */
export function assertSigned(call: RecordedXRequest): void {
	// the fake refused the signature: ${call.authFailure}
	expect(call.authFailure).toBeUndefined();
	expect(call.caller).toBe('user');
	const oauth = parseOAuthHeader(call.headers.authorization ?? '');
	// no OAuth Authorization header
	expect(oauth).toBeTruthy();
	expect(Object.keys(oauth!).sort()).toStrictEqual(['oauth_consumer_key', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp', 'oauth_token', 'oauth_version']);
	expect(oauth!.oauth_consumer_key).toBe(X_API_KEY);
	expect(oauth!.oauth_token).toBe(X_ACCESS_TOKEN);
	expect(oauth!.oauth_signature_method).toBe('HMAC-SHA1');
	expect(oauth!.oauth_version).toBe('1.0');
	expect(oauth!.oauth_nonce).toMatch(/^[0-9a-f]{32}$/);
	expect(Math.abs(Number(oauth!.oauth_timestamp) - Date.now() / 1000)).toBeLessThan(120);
	const wire = `${call.url} ${JSON.stringify(call.headers)} ${call.rawBody.toString('latin1')}`;
	for (const secret of X_SECRETS) expect(wire).not.toContain(secret); // a secret went over the wire
}

/** One call: method, path, exact query, exact JSON body (or none), signed. */
export function assertCall(call: RecordedXRequest, method: string, path: string, query: Record<string, string> = {}, json?: unknown): void {
	expect(`${call.method} ${call.path}`).toBe(`${method} ${path}`);
	expect(call.query).toStrictEqual(query);
	// a query parameter was sent twice
	expect(call.queryPairs.length).toBe(Object.keys(query).length);
	if (json === undefined) expect(call.rawBody.length).toBe(0); // a body where none belongs
	else expect(call.json).toStrictEqual(json);
	assertSigned(call);
}

/** The node's look-up of its own account (once per run, before the first DM event lookup). */
export const ME_QUERY: Record<string, string> = { 'user.fields': 'id,name,username,profile_image_url' };

/** What the node asks of every DM event lookup (sender and participants through expansions: 2.167). */
export const EVENT_QUERY: Record<string, string> = {
	'dm_event.fields': 'id,text,event_type,created_at,dm_conversation_id,attachments,entities',
	expansions: 'sender_id,participant_ids,attachments.media_keys,referenced_posts',
	'user.fields': 'id,name,username,profile_image_url',
	'media.fields': 'media_key,type,url,preview_image_url',
};

/** No secret in anything the run produced (items, errors). */
export function assertNoSecretIn(value: unknown): void {
	const text = JSON.stringify(value);
	for (const secret of X_SECRETS) expect(text).not.toContain(secret); // a secret is in the output or error
}

export function jsonOf(run: RunNodeResult): IDataObject[] {
	return run.items.map((item) => item.json);
}

/** The unified message the node should make of a seeded event, derived here from the fake's state. */
export function expectedMessage(fake: FakeX, event: DmEventRecord): IDataObject {
	const person = (id: string): IDataObject => {
		const user = fake.state.users.get(id)!;
		return { id, name: user.name, username: user.username, profilePictureUrl: user.profileImageUrl };
	};
	const conversation = fake.state.conversations.get(event.conversationId)!;
	const message: IDataObject = {
		id: event.id,
		platform: 'x',
		attachments: (event.mediaKeys ?? []).map((key) => {
			const media = fake.state.mediaByKey(key)!;
			const id = media.id;
			return media.category === 'dm_image'
				? { type: 'image', id: key, url: `https://ton.x.com/i/ton/data/dm/${id}/${id}/media.jpg` }
				: { type: 'video', id: key, url: `https://pbs.twimg.com/dm_video_preview/${id}/img/preview.jpg` };
		}),
		conversationId: event.conversationId,
		sender: person(event.senderId),
		direction: event.senderId === ME.id ? 'outbound' : 'inbound',
	};
	if (conversation.kind === 'one-to-one') message.recipient = person(conversation.participantIds.find((id) => id !== event.senderId)!);
	else if (event.senderId !== ME.id) message.recipient = person(ME.id);
	message.text = event.text;
	message.timestamp = new Date(event.createdAt).toISOString();
	if (event.referencedPostIds?.length) message.replyToId = event.referencedPostIds[0];
	return message;
}

/** The conversation's events as the fake holds them, newest first. */
export function eventsOf(fake: FakeX, conversationId: string, types: string[] = ['MessageCreate']): DmEventRecord[] {
	return fake.state.visibleEvents(ME.id).filter((event) => event.conversationId === conversationId && types.includes(event.eventType));
}

/** Adds `count` messages to a conversation, alternating senders, so listings span several pages. */
export function addMessages(fake: FakeX, conversationId: string, count: number, prefix = 'Message'): void {
	const conversation = fake.state.conversations.get(conversationId)!;
	for (let i = 0; i < count; i++) {
		fake.state.addEvent({ eventType: 'MessageCreate', conversationId, senderId: conversation.participantIds[i % conversation.participantIds.length], text: `${prefix} ${i + 1}` });
	}
}
