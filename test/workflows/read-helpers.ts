/**
 * Assertions shared by the read-operation, credential and list-search tests: the exact Graph request the
 * node sent (method, version, path, query, authentication) and a few expected unified shapes.
 */
import { expect } from '@jest/globals';

import type { INodeExecutionData } from 'n8n-workflow';

import { APP_TOKEN_MARKER_HEADER } from '../../credentials/SocialMessagingApi.credentials';
import { APP_SECRET, appSecretProof, type FakeGraph, type RecordedRequest } from '../fakes/graph';

/** What the node asks for on every conversation (spelled out, so a change to the request is noticed). */
export const CONVERSATION_FIELDS = 'id,updated_time,link,message_count,unread_count,participants';
/** What the node asks for on every message. */
export const MESSAGE_FIELDS = 'id,created_time,from,to,message,attachments,sticker,shares,reply_to';

/**
 * Asserts one recorded request exactly: GET, API version v23.0, the path, the whole query (the given
 * parameters plus `appsecret_proof` = hex HMAC-SHA256(app secret, token) and nothing else, so no
 * `access_token` in the URL) and `Authorization: Bearer <token>`; the app-token marker never leaves n8n.
 */
export function assertGraphGet(
	request: RecordedRequest | undefined,
	expected: { path: string; query: Record<string, string>; token: string; appSecret?: string },
): void {
	// expected a request to ${expected.path}
	expect(request).toBeTruthy();
	expect(request!.method).toBe('GET');
	// version of ${request.url}
	expect(request!.version).toBe('v23.0');
	expect(request!.path).toBe(expected.path);
	expect(request!.query).toStrictEqual({
		...expected.query,
		appsecret_proof: appSecretProof(expected.appSecret ?? APP_SECRET, expected.token),
	});
	expect(request!.headers.authorization).toBe(`Bearer ${expected.token}`);
	expect(request!.headers[APP_TOKEN_MARKER_HEADER]).toBeUndefined();
	// status of ${request.url}: ${JSON.stringify(request.response)}
	expect(request!.status).toBe(200);
}

/** The `data` array and `paging` the fake answered to a recorded list request. */
export function pageOf(request: RecordedRequest): { data: Array<Record<string, unknown>>; paging?: { cursors?: { after?: string }; next?: string } } {
	return request.response as { data: Array<Record<string, unknown>>; paging?: { cursors?: { after?: string }; next?: string } };
}

export function jsonOf(items: INodeExecutionData[]): Array<Record<string, unknown>> {
	return items.map((item) => item.json as Record<string, unknown>);
}

/** Every output item is paired with the given input item. */
export function assertPairedWith(items: INodeExecutionData[], inputIndex: number): void {
	for (const item of items) expect(item.pairedItem).toStrictEqual({ item: inputIndex });
}

/** Neither the token nor the proof nor any paging link with a token appears anywhere in the value. */
export function assertNoSecrets(value: unknown, token: string): void {
	const text = JSON.stringify(value);
	// the access token leaked into the output
	expect(text).not.toContain(token);
	// appsecret_proof leaked into the output
	expect(text).not.toContain(appSecretProof(APP_SECRET, token));
	// the app secret leaked into the output
	expect(text).not.toContain(APP_SECRET);
	// a link with access_token leaked into the output
	expect(/access_token/i.test(text)).toBeFalsy();
}

/** A Messenger participant as the Graph API renders it (name and the proxy e-mail). */
export function messengerParticipant(id: string, name: string) {
	return { id, name, email: `${id}@facebook.com` };
}

export function clear(fake: FakeGraph): void {
	fake.clearRequests();
	fake.clearFailures();
}
