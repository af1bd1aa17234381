/**
 * Assertions shared by the read-operation, credential and list-search tests: the exact Graph request the
 * node sent (method, version, path, query, authentication) and a few expected unified shapes.
 */
import assert from 'node:assert/strict';

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
	assert.ok(request, `expected a request to ${expected.path}`);
	assert.equal(request.method, 'GET');
	assert.equal(request.version, 'v23.0', `version of ${request.url}`);
	assert.equal(request.path, expected.path);
	assert.deepEqual(request.query, {
		...expected.query,
		appsecret_proof: appSecretProof(expected.appSecret ?? APP_SECRET, expected.token),
	});
	assert.equal(request.headers.authorization, `Bearer ${expected.token}`);
	assert.equal(request.headers[APP_TOKEN_MARKER_HEADER], undefined);
	assert.equal(request.status, 200, `status of ${request.url}: ${JSON.stringify(request.response)}`);
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
	for (const item of items) assert.deepEqual(item.pairedItem, { item: inputIndex });
}

/** Neither the token nor the proof nor any paging link with a token appears anywhere in the value. */
export function assertNoSecrets(value: unknown, token: string): void {
	const text = JSON.stringify(value);
	assert.ok(!text.includes(token), 'the access token leaked into the output');
	assert.ok(!text.includes(appSecretProof(APP_SECRET, token)), 'appsecret_proof leaked into the output');
	assert.ok(!text.includes(APP_SECRET), 'the app secret leaked into the output');
	assert.ok(!/access_token/i.test(text), 'a link with access_token leaked into the output');
}

/** A Messenger participant as the Graph API renders it (name and the proxy e-mail). */
export function messengerParticipant(id: string, name: string) {
	return { id, name, email: `${id}@facebook.com` };
}

export function clear(fake: FakeGraph): void {
	fake.clearRequests();
	fake.clearFailures();
}
