/**
 * Helpers shared by the Message > Send / Send Action / React and Attachment > Upload workflow tests:
 * the three routes a message can take (Messenger via a Page, Instagram via a Page, Instagram Login),
 * and assertions that pin down the exact request the node sent and the item it returned.
 */
import { expect } from '@jest/globals';

import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { NodeErrorInfo, RunNodeItem, RunNodeResult } from '../harness';
import {
	APP_SECRET,
	IG_ACCOUNT_ID,
	IG_USER_TOKEN,
	PAGE_ID,
	PAGE_TOKEN,
	USERS,
	appSecretProof,
	type FakeGraph,
	type MatchedCall,
	type MultipartPart,
	type RecordedRequest,
} from '../fakes/graph';
import { byId, instagramLoginCredentials, metaCredentials, runSocialMessaging } from './setup';

export interface Route {
	label: string;
	platform: 'messenger' | 'instagram';
	provider: 'metaGraph' | 'instagramLogin';
	credentials(fake: FakeGraph): ICredentialDataDecryptedObject;
	/** The token the credential sends (Authorization: Bearer), and from which appsecret_proof is derived. */
	token: string;
	/** The Graph node in request paths: `/{account}/messages`. */
	account: string;
	/** A person who has a conversation with the account on this platform. */
	user: string;
	/** The conversation of `user` in the fake (for message ids to react / reply to). */
	businessId: string;
	/** Instagram through a Facebook Page tells the upload endpoint which network the media is for. */
	uploadPlatform?: 'instagram';
}

export const MESSENGER: Route = {
	label: 'Messenger (Meta Graph API)',
	platform: 'messenger',
	provider: 'metaGraph',
	credentials: (fake) => metaCredentials(fake),
	token: PAGE_TOKEN,
	account: PAGE_ID,
	user: USERS.alice.id,
	businessId: PAGE_ID,
};

export const INSTAGRAM_PAGE: Route = {
	label: 'Instagram (Meta Graph API)',
	platform: 'instagram',
	provider: 'metaGraph',
	credentials: (fake) => metaCredentials(fake),
	token: PAGE_TOKEN,
	account: PAGE_ID,
	user: USERS.ines.id,
	businessId: IG_ACCOUNT_ID,
	uploadPlatform: 'instagram',
};

export const INSTAGRAM_LOGIN: Route = {
	label: 'Instagram (Instagram Login, /me)',
	platform: 'instagram',
	provider: 'instagramLogin',
	credentials: (fake) => instagramLoginCredentials(fake),
	token: IG_USER_TOKEN,
	account: 'me',
	user: USERS.ines.id,
	businessId: IG_ACCOUNT_ID,
};

export const INSTAGRAM_LOGIN_ID: Route = {
	label: 'Instagram (Instagram Login, account ID)',
	platform: 'instagram',
	provider: 'instagramLogin',
	credentials: (fake) => instagramLoginCredentials(fake, { instagramAccountId: IG_ACCOUNT_ID }),
	token: IG_USER_TOKEN,
	account: IG_ACCOUNT_ID,
	user: USERS.ines.id,
	businessId: IG_ACCOUNT_ID,
};

export const ROUTES: Route[] = [MESSENGER, INSTAGRAM_PAGE, INSTAGRAM_LOGIN, INSTAGRAM_LOGIN_ID];
export const INSTAGRAM_ROUTES: Route[] = [INSTAGRAM_PAGE, INSTAGRAM_LOGIN, INSTAGRAM_LOGIN_ID];

export interface RunOptions {
	items?: RunNodeItem[];
	continueOnFail?: boolean;
}

export interface Run extends RunNodeResult {
	/** Date.now() just before and just after the run, to check `sentAt`. */
	startedAt: number;
	finishedAt: number;
}

/** Runs the node on `route` with platform set; `parameters` win over the defaults given here. */
export async function runOn(fake: FakeGraph, route: Route, parameters: INodeParameters, options: RunOptions = {}): Promise<Run> {
	const startedAt = Date.now();
	const result = await runSocialMessaging(route.credentials(fake), { platform: route.platform, ...parameters }, options);
	return { ...result, startedAt, finishedAt: Date.now() };
}

/** Message > Send to the route's user (override recipientType / recipientId / recipientHandle as needed). */
export async function sendOn(fake: FakeGraph, route: Route, parameters: INodeParameters, options: RunOptions = {}): Promise<Run> {
	return await runOn(
		fake,
		route,
		{ resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(route.user), ...parameters },
		options,
	);
}

/** Fails with the node's error when the run did not succeed. */
export function assertNoError(run: RunNodeResult): void {
	// the node failed: ${run.error?.message} (${run.error?.description ?? ''})
	expect(run.error).toBeUndefined();
}

export const proofFor = (token: string) => appSecretProof(APP_SECRET, token);

/** A matcher for the fake: a send to the Page whose text is `text` (unique per test, so tests cannot disturb each other). */
export const pageSendWithText =
	(text: string) =>
	(call: MatchedCall): boolean =>
		call.method === 'POST' && call.path === `/${PAGE_ID}/messages` && (call.params.message as IDataObject | undefined)?.text === text;

/** The request line, auth and query every call of the route carries. */
export function assertCallBasics(call: RecordedRequest, route: Route, method: string, edge: string): void {
	expect(call.method).toBe(method);
	expect(call.path).toBe(`/${route.account}/${edge}`);
	expect(call.version).toBe('v23.0');
	expect(call.query).toStrictEqual({ appsecret_proof: proofFor(route.token) });
	expect(call.headers.authorization).toBe(`Bearer ${route.token}`);
	// the fake rejected the request: ${JSON.stringify(call.response)}
	expect(call.status).toBe(200);
}

/** A JSON POST to `/{account}/{edge}` with exactly `body`. */
export function assertJsonCall(call: RecordedRequest, route: Route, edge: string, body: IDataObject): void {
	assertCallBasics(call, route, 'POST', edge);
	expect(call.headers['content-type'] ?? '').toMatch(/^application\/json/);
	expect(call.body).toStrictEqual(body);
	// What went over the wire is that JSON, byte for byte once parsed (non-ASCII text is not mangled).
	expect(JSON.parse(call.rawBody.toString('utf8'))).toStrictEqual(body);
}

export interface ExpectedFile {
	type: 'image' | 'audio' | 'video' | 'file';
	bytes: Buffer;
	fileName: string;
	mimeType: string;
}

/** A multipart upload to `/{account}/message_attachments`: `message` JSON, `platform` (Instagram via Page), `filedata` with the bytes. */
export function assertMultipartUpload(call: RecordedRequest, route: Route, file: ExpectedFile): void {
	assertCallBasics(call, route, 'POST', 'message_attachments');
	expect(call.headers['content-type'] ?? '').toMatch(/^multipart\/form-data; boundary=\S+$/);
	const parts = call.body as MultipartPart[];
	expect(parts.map((part) => part.name)).toStrictEqual(route.uploadPlatform ? ['message', 'platform', 'filedata'] : ['message', 'filedata']);
	const [message] = parts;
	expect(message.filename).toBeUndefined();
	expect(JSON.parse(message.value ?? '')).toStrictEqual({ attachment: { type: file.type, payload: { is_reusable: true } } });
	if (route.uploadPlatform) expect(parts[1].value).toBe(route.uploadPlatform);
	const filedata = parts[parts.length - 1];
	expect(filedata.filename).toBe(file.fileName);
	expect(filedata.contentType).toBe(file.mimeType);
	expect(filedata.size).toBe(file.bytes.length);
	// filedata carries other bytes than the binary input
	expect(filedata.data.equals(file.bytes)).toBeTruthy();
}

/** The JSON body of an upload by URL. */
export function urlUploadBody(route: Route, type: string, url: string): IDataObject {
	return {
		message: { attachment: { type, payload: { url, is_reusable: true } } },
		...(route.uploadPlatform ? { platform: route.uploadPlatform } : {}),
	};
}

/** Send API body with the defaults the node always sends. */
export function sendBody(route: Route, message: IDataObject, extra: IDataObject = {}, recipient: IDataObject = { id: route.user }): IDataObject {
	return { recipient, messaging_type: 'RESPONSE', message, ...extra };
}

export function responseOf(call: RecordedRequest): IDataObject {
	// the fake recorded no answer
	expect(call.response && typeof call.response === 'object').toBeTruthy();
	return call.response as IDataObject;
}

/** Checks a Send output item: unified fields taken from the fake's answer, `sentAt` during the run, paired item. */
export function assertSendItem(
	item: INodeExecutionData,
	run: Run,
	expected: { platform: string; call: RecordedRequest; itemIndex: number; recipientId?: string; extra?: IDataObject },
): void {
	const response = responseOf(expected.call);
	expect(typeof response.message_id).toBe('string');
	expect((response.message_id as string).length).toBeGreaterThan(0);
	const { sentAt, ...rest } = item.json;
	const json: IDataObject = { platform: expected.platform, messageId: response.message_id };
	if (expected.recipientId !== undefined) json.recipientId = expected.recipientId;
	expect(rest).toStrictEqual({ ...json, ...(expected.extra ?? {}) });
	assertIsoDuring(sentAt, run);
	expect(item.pairedItem).toStrictEqual({ item: expected.itemIndex });
}

export function assertIsoDuring(value: unknown, run: Run): void {
	expect(typeof value).toBe('string');
	expect(value as string).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
	const at = Date.parse(value as string);
	// ${value as string} is not during the run
	expect(at >= run.startedAt && at <= run.finishedAt).toBeTruthy();
}

/** The run failed on one item with a NodeOperationError that names the problem; nothing else. */
export function assertItemError(error: NodeErrorInfo | undefined, itemIndex: number, message: RegExp): NodeErrorInfo {
	// the node did not fail
	expect(error).toBeTruthy();
	expect(error!.name).toBe('NodeOperationError');
	expect(error!.message).toMatch(message);
	expect(error!.context?.itemIndex).toBe(itemIndex);
	expect(typeof error!.description).toBe('string');
	// the error says nothing about how to fix it
	expect((error!.description as string).length).toBeGreaterThan(0);
	return error!;
}

/** The Continue On Fail output of a failed item. */
export function assertErrorItem(item: INodeExecutionData, itemIndex: number, message: RegExp): void {
	expect(Object.keys(item.json).sort()).toStrictEqual(['error', 'errorDescription']);
	expect(item.json.error as string).toMatch(message);
	expect(typeof item.json.errorDescription).toBe('string');
	expect((item.json.errorDescription as string).length).toBeGreaterThan(0);
	expect(item.pairedItem).toStrictEqual({ item: itemIndex });
}

/**
 * Sends one message that must go out as exactly one Send API call with `message` (+ `extra` top-level
 * fields) and come back as one item. Clear the fake's requests before.
 */
export async function sendsExactly(
	fake: FakeGraph,
	route: Route,
	parameters: INodeParameters,
	message: IDataObject,
	options: { extra?: IDataObject; recipient?: IDataObject; recipientId?: string; outputExtra?: IDataObject } = {},
): Promise<Run> {
	const run = await sendOn(fake, route, parameters);
	assertNoError(run);
	// expected exactly one request
	expect(fake.requests.length).toBe(1);
	const [call] = fake.requests;
	assertJsonCall(call, route, 'messages', sendBody(route, message, options.extra, options.recipient));
	expect(run.items.length).toBe(1);
	assertSendItem(run.items[0], run, {
		platform: route.platform,
		call,
		itemIndex: 0,
		recipientId: 'recipientId' in options ? options.recipientId : route.user,
		extra: options.outputExtra,
	});
	return run;
}

/** Seeds an uploaded attachment in the fake, as Attachment > Upload would leave it. */
export function seedAttachment(fake: FakeGraph, route: Route, type: 'image' | 'audio' | 'video' | 'file'): string {
	const id = fake.state.newAttachmentId();
	fake.state.attachments.set(id, {
		id,
		type,
		platform: route.platform,
		businessId: route.businessId,
		url: `/cdn/uploads/${id}/seeded`,
		mimeType: type === 'image' ? 'image/png' : 'application/octet-stream',
		name: 'seeded',
		size: 1,
		isReusable: true,
		createdTime: fake.state.now(),
	});
	return id;
}

/** A message of the route's user's conversation in the fake (to reply or react to). */
export function messageIdIn(fake: FakeGraph, route: Route, index = 0): string {
	const conversation = fake.state.findConversation(route.businessId, route.user);
	// no seeded conversation
	expect(conversation).toBeTruthy();
	return conversation!.messages[index].id;
}

/** A binary input item. */
export function binaryItem(bytes: Buffer, mimeType: string, fileName: string, property = 'data', json: IDataObject = {}): RunNodeItem {
	return { json, binary: { [property]: { data: bytes, mimeType, fileName } } };
}

/** A Continue On Fail run of [good, bad, good]: three items, the middle one the error item, the others out and paired. */
export function assertGoodBadGood(run: RunNodeResult, message: RegExp): void {
	expect(run.error).toBeUndefined();
	expect(run.items.length).toBe(3);
	assertErrorItem(run.items[1], 1, message);
	for (const index of [0, 2]) {
		// good item ${index} failed: ${String(run.items[index].json.error)}
		expect(run.items[index].json.error).toBeUndefined();
		expect(run.items[index].pairedItem).toStrictEqual({ item: index });
	}
}
