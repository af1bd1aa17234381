/**
 * Graph errors through the whole node (n8n's real engine, the fake Graph API): every row of the
 * reference's error table on a Messenger send and on a read, Continue On Fail, the failing item's
 * index, and the "never send twice" rules: a send that may have gone out is never repeated, reads are.
 */
import { describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	CONVERSATION_IDS,
	EXPIRED_PAGE_TOKEN,
	GRAPH_ERRORS,
	PAGE_ID,
	USERS,
	type FailSpec,
	type GraphErrorName,
	type MatchedCall,
	type RecordedRequest,
	type RequestMatcher,
} from '../fakes/graph';
import { perItemSend } from '../fixtures/sendParameters';
import type { NodeErrorInfo, RunNodeResult } from '../harness';
import { pageSendWithText } from './message.helpers';
import { byId, metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

const fake = useFakeGraph();

const getOf =
	(id: string) =>
	(call: MatchedCall): boolean =>
		call.method === 'GET' && decodeURIComponent(call.path) === `/${id}`;

function sendParams(text: string, recipient: string = USERS.alice.id): INodeParameters {
	return {
		platform: 'messenger',
		resource: 'message',
		operation: 'send',
		recipientType: 'user',
		recipientId: byId(recipient),
		messageType: 'text',
		text,
	};
}


const getParams = (messageId: string): INodeParameters => ({ platform: 'messenger', resource: 'message', operation: 'get', messageId });

/** The n-th newest message of a seeded conversation (0-19 are readable in detail). */
function messageId(conversation: keyof typeof CONVERSATION_IDS, rank: number): string {
	const record = fake().state.conversations.get(CONVERSATION_IDS[conversation]);
	// no seeded conversation ${conversation}
	expect(record).toBeTruthy();
	const message = record!.messages[rank];
	// no message ${rank} in ${conversation}
	expect(message).toBeTruthy();
	return message.id;
}

let readable = 0;
/** A new message from Bob, so every test reads its own (and recent, so readable in detail) message. */
const nextReadableId = () => fake().state.receiveMessage(USERS.bob.id, { text: `readable ${++readable}` }).id;

function failed(result: RunNodeResult): NodeErrorInfo {
	// expected the node to fail; output: ${JSON.stringify(result.items)}
	expect(result.error).toBeTruthy();
	return result.error!;
}

/** The Graph error body the fake answered to the last matching call. */
function answeredError(matcher: RequestMatcher): { code: number; error_subcode?: number; fbtrace_id: string; message: string } {
	const call = fake().calls(matcher).at(-1) as RecordedRequest;
	const body = call.response as { error: { code: number; error_subcode?: number; fbtrace_id: string; message: string } };
	// the fake answered no error: ${JSON.stringify(call.response)}
	expect(body?.error).toBeTruthy();
	return body.error;
}

/** The error keeps what support needs and says what to do. */
function assertMapped(
	error: NodeErrorInfo,
	expected: { message: RegExp; hint: RegExp; status: number; itemIndex?: number },
	answered: { code: number; error_subcode?: number; fbtrace_id: string; message: string },
) {
	expect(error.name).toBe('NodeApiError');
	expect(error.message).toMatch(expected.message);
	const description = String(error.description);
	expect(description).toMatch(expected.hint);
	// Meta's own words are kept: ${description}
	expect(description).toContain(answered.message);
	// description
	expect(description).toContain(`code ${answered.code}`);
	if (answered.error_subcode !== undefined) expect(description).toContain(`subcode ${answered.error_subcode}`); // description
	// description
	expect(description).toContain(`fbtrace_id ${answered.fbtrace_id}`);
	expect(error.httpCode).toBe(String(expected.status));
	const context = error.context as IDataObject;
	expect(context.platformErrorCode).toBe(answered.code);
	expect(context.platformErrorSubcode).toBe(answered.error_subcode);
	expect(context.traceId).toBe(answered.fbtrace_id);
	expect(context.itemIndex).toBe(expected.itemIndex ?? 0);
	const details = (error.errorResponse as { error?: IDataObject } | undefined)?.error;
	// the raw error body is in the error details
	expect(details?.fbtrace_id).toBe(answered.fbtrace_id);
	expect(Number(details?.code)).toBe(answered.code);
}

interface Row {
	row: string;
	spec: FailSpec;
	message: RegExp;
	hint: RegExp;
}

const named = (name: GraphErrorName): FailSpec => GRAPH_ERRORS[name];

const ROWS: Row[] = [
	{ row: '10/2018278 outside window', spec: named('outsideWindow'), message: /outside the allowed messaging window/, hint: /Message Tag.*HUMAN_AGENT/ },
	{ row: '10/2534022 outside window (Instagram)', spec: named('outsideWindowInstagram'), message: /outside the allowed messaging window/, hint: /HUMAN_AGENT/ },
	{ row: '190 invalid token', spec: named('invalidToken'), message: /access token is invalid or has expired/, hint: /update the Social Messaging credential/ },
	{ row: '190/463 expired token', spec: named('expiredToken'), message: /access token is invalid or has expired/, hint: /Generate a new .*token.*credential/ },
	{ row: '200 permission', spec: named('permissionDenied'), message: /lacks a permission/, hint: /pages_messaging/ },
	{ row: '200/2534041 Instagram access disabled', spec: named('instagramAccessDisabled'), message: /lacks a permission/, hint: /Allow access to messages/ },
	{ row: '551/1545041 person unavailable', spec: named('personUnavailable'), message: /person is not available/, hint: /Skip them/ },
	{ row: '10/2018108 cannot receive', spec: named('cannotReceive'), message: /cannot receive messages/, hint: /skip this recipient/ },
	{ row: '100/2018001 no matching user', spec: named('noMatchingUser'), message: /No user matches the recipient ID/, hint: /PSID/ },
	{ row: '100/2534014 no matching user (Instagram)', spec: named('noMatchingUserInstagram'), message: /No user matches the recipient ID/, hint: /IGSID/ },
	{ row: '100/2018008 URL fetch failed', spec: named('urlFetchFailed'), message: /could not download the attachment URL/, hint: /public/ },
	{ row: '100/2018047 upload failed', spec: named('uploadFailed'), message: /could not process the uploaded attachment/, hint: /file type/ },
	{ row: '100/2018109 attachment too large', spec: named('attachmentTooLarge'), message: /attachment is too large/, hint: /25 MB/ },
	{ row: '10/2018300 handover', spec: named('threadControlledByAnotherApp'), message: /Another app controls this conversation/, hint: /handover/ },
	{
		row: '2018300 as the code',
		spec: { status: 400, error: { message: '(#2018300) Thread owned by another app', type: 'OAuthException', code: 2018300 } },
		message: /Another app controls this conversation/,
		hint: /thread control/,
	},
	{ row: '613/2018338 tag abuse', spec: named('tagAbuse'), message: /message tag for misuse/, hint: /message tags/ },
	{ row: '100/9000001 message deleted', spec: named('messageDeleted'), message: /no longer available/, hint: /20 most recent/ },
	{
		row: '9000001 as the code',
		spec: { status: 400, error: { message: 'This message has been deleted', type: 'OAuthException', code: 9000001 } },
		message: /no longer available/,
		hint: /20 most recent/,
	},
	{
		row: '190 with the code as a string',
		spec: { status: 400, error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: '190' as unknown as number } },
		message: /access token is invalid or has expired/,
		hint: /credential/,
	},
];

describe('every row of the error table, on a Messenger send', () => {
	for (const row of ROWS) {
		it(row.row, async () => {
			const text = `send for ${row.row}`;
			fake().failNext(pageSendWithText(text), row.spec);
			const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
			const answered = { ...answeredError(pageSendWithText(text)) };
			answered.code = Number(answered.code);
			assertMapped(failed(result), { message: row.message, hint: row.hint, status: row.spec.status ?? 400 }, answered);
			// an error that is not a rate limit is never retried
			expect(fake().calls(pageSendWithText(text)).length).toBe(1);
			expect(fake().state.deliveryCount(USERS.alice.id, text)).toBe(0);
			expect(result.items).toStrictEqual([]);
		});
	}
});

describe('every row of the error table, on a read (Message > Get)', () => {
	for (const row of ROWS) {
		it(row.row, async () => {
			const id = nextReadableId();
			fake().failNext(getOf(id), row.spec);
			const result = await runSocialMessaging(metaCredentials(fake()), getParams(id));
			const answered = { ...answeredError(getOf(id)) };
			answered.code = Number(answered.code);
			assertMapped(failed(result), { message: row.message, hint: row.hint, status: row.spec.status ?? 400 }, answered);
			// a 4xx is not retried, even on a read
			expect(fake().calls(getOf(id)).length).toBe(1);
		});
	}
});

describe('errors the fake Graph gives on its own (not injected)', () => {
	it('a person who does not receive messages from the Page (10/2018108)', async () => {
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams('Hi Dana', USERS.dana.id));
		const error = failed(result);
		expect(error.message).toMatch(/cannot receive messages/);
		expect((error.context as IDataObject).platformErrorSubcode).toBe(2018108);
	});

	it('a person who is not available (551/1545041)', async () => {
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams('Hi Erik', USERS.erik.id));
		const error = failed(result);
		expect(error.message).toMatch(/not available/);
		expect((error.context as IDataObject).platformErrorCode).toBe(551);
	});

	it('Instagram messaging disabled for the account (200/2534041)', async () => {
		const result = await runSocialMessaging(metaCredentials(fake()), { ...sendParams('Hi Omar', USERS.omar.id), platform: 'instagram' });
		const error = failed(result);
		expect(error.message).toMatch(/lacks a permission/);
		expect(String(error.description)).toMatch(/instagram_manage_messages/);
		expect((error.context as IDataObject).platformErrorSubcode).toBe(2534041);
	});

	it('an expired token (190) on a send and on a read points to the credential', async () => {
		const credentials = metaCredentials(fake(), { accessToken: EXPIRED_PAGE_TOKEN });
		for (const parameters of [sendParams('expired'), getParams(nextReadableId())]) {
			const error = failed(await runSocialMessaging(credentials, parameters));
			expect(error.message).toMatch(/access token is invalid or has expired/);
			expect(String(error.description)).toMatch(/update the Social Messaging credential/);
			expect((error.context as IDataObject).platformErrorCode).toBe(190);
		}
	});

	it('a message older than the 20 most recent (9000001)', async () => {
		const error = failed(await runSocialMessaging(metaCredentials(fake()), getParams(messageId('bob', 22))));
		expect(error.message).toMatch(/no longer available/);
		expect(String(error.description)).toMatch(/20 most recent/);
		expect((error.context as IDataObject).platformErrorSubcode).toBe(9000001);
	});
});

describe('which item failed, and Continue On Fail', () => {
	it('the error names the failing item, and says how many sends went out before', async () => {
		const items = [
			{ json: { to: USERS.alice.id, text: 'index one' } },
			{ json: { to: USERS.dana.id, text: 'index two' } },
			{ json: { to: USERS.bob.id, text: 'index three' } },
		];
		const result = await runSocialMessaging(metaCredentials(fake()), perItemSend(), { items });
		const error = failed(result);
		expect((error.context as IDataObject).itemIndex).toBe(1);
		expect(error.message).toMatch(/cannot receive messages/);
		// The three sends run side by side; the first and the third went out and cannot be undone.
		expect(String(error.description)).toMatch(/2 of 3 items succeeded before this failure and were not undone/);
		expect(String(error.description)).toMatch(/On Error: Continue/);
		expect(fake().state.deliveryCount(USERS.alice.id, 'index one')).toBe(1);
		expect(fake().state.deliveryCount(USERS.bob.id, 'index three')).toBe(1);
	});

	it('a stopped run says exactly how many items were sent and how many never started', async () => {
		// More items than run side by side: the run stops starting new ones after the first failure.
		const texts = Array.from({ length: 30 }, (_, i) => `batch stop ${i}`);
		fake().failNext(pageSendWithText(texts[0]), 'outsideWindow');
		const items = texts.map((text) => ({ json: { to: USERS.chloe.id, text } }));
		// 20 side by side (the option), so 30 items are more than run at once.
		const error = failed(await runSocialMessaging(metaCredentials(fake()), perItemSend({ concurrency: 20 }), { items }));
		expect((error.context as IDataObject).itemIndex).toBe(0);
		const sent = texts.filter((text) => fake().state.deliveryCount(USERS.chloe.id, text) === 1).length;
		const attempted = texts.filter((text) => fake().calls(pageSendWithText(text)).length > 0).length;
		expect(attempted).toBe(sent + 1);
		// new items stop starting after a failure
		expect(attempted).toBeLessThan(texts.length);
		const description = String(error.description);
		expect(description).toMatch(new RegExp(`\\b${sent} of 30 items succeeded before this failure`));
		expect(description).toMatch(new RegExp(`The other ${30 - attempted} were not attempted`));
	});

	it('a single failing send says nothing about other items', async () => {
		fake().failNext(pageSendWithText('lonely'), 'outsideWindow');
		const error = failed(await runSocialMessaging(metaCredentials(fake()), sendParams('lonely')));
		expect(String(error.description)).not.toMatch(/items succeeded/);
	});

	it('a failing read stops the run at that item', async () => {
		const ids = [nextReadableId(), messageId('bob', 23), nextReadableId()];
		const items = ids.map((id) => ({ json: { id } }));
		const result = await runSocialMessaging(metaCredentials(fake()), getParams('={{ $json.id }}'), { items });
		const error = failed(result);
		expect((error.context as IDataObject).itemIndex).toBe(1);
		// reads run in order and stop at the failure
		expect(fake().calls(getOf(ids[2])).length).toBe(0);
	});

	it('sends: the failing item outputs {error, errorDescription, errorCode}, the others still go', async () => {
		const items = [
			{ json: { to: USERS.alice.id, text: 'cof one' } },
			{ json: { to: USERS.dana.id, text: 'cof two' } },
			{ json: { to: USERS.bob.id, text: 'cof three' } },
		];
		const result = await runSocialMessaging(metaCredentials(fake()), perItemSend(), { items, continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items.length).toBe(3);
		const [first, second, third] = result.items;
		expect(String(first.json.messageId)).toMatch(/^m_/);
		expect(first.pairedItem).toStrictEqual({ item: 0 });
		expect(Object.keys(second.json).sort()).toStrictEqual(['error', 'errorCode', 'errorDescription']);
		expect(String(second.json.error)).toMatch(/cannot receive messages/);
		expect(String(second.json.errorDescription)).toMatch(/subcode 2018108/);
		expect(second.json.errorCode).toBe(10);
		expect(second.pairedItem).toStrictEqual({ item: 1 });
		expect(String(third.json.messageId)).toMatch(/^m_/);
		expect(third.pairedItem).toStrictEqual({ item: 2 });
		expect(fake().state.deliveryCount(USERS.alice.id, 'cof one')).toBe(1);
		expect(fake().state.deliveryCount(USERS.bob.id, 'cof three')).toBe(1);
	});

	it('reads: the failing item outputs the error and the next items are still read', async () => {
		const ids = [messageId('bob', 24), nextReadableId(), nextReadableId()];
		const items = ids.map((id) => ({ json: { id } }));
		const result = await runSocialMessaging(metaCredentials(fake()), getParams('={{ $json.id }}'), { items, continueOnFail: true });
		expect(result.items.length).toBe(3);
		expect(String(result.items[0].json.error)).toMatch(/no longer available/);
		expect(result.items[0].json.errorCode).toBe(100);
		expect(result.items[0].pairedItem).toStrictEqual({ item: 0 });
		expect(result.items[1].json.id).toBe(ids[1]);
		expect(result.items[2].json.id).toBe(ids[2]);
	});
});

describe('a send is never repeated; a read is retried', () => {
	for (const name of ['unknownError', 'serviceUnavailable'] as const) {
		const status = GRAPH_ERRORS[name].status;
		it(`a send answered ${status} is sent once and the error says it may have been delivered`, async () => {
			const text = `send answered ${status}`;
			fake().failNext(pageSendWithText(text), name);
			const error = failed(await runSocialMessaging(metaCredentials(fake()), sendParams(text)));
			expect(fake().calls(pageSendWithText(text)).length).toBe(1);
			expect(error.httpCode).toBe(String(status));
			expect(String(error.description)).toMatch(/may have been delivered/);
			expect(String(error.description)).toMatch(/not repeated/);
			expect(fake().state.deliveryCount(USERS.alice.id, text)).toBe(0);
		});
	}

	it('a send delivered and then answered 500 is not sent again', async () => {
		const text = 'delivered then 500';
		fake().failNext(pageSendWithText(text), { ...GRAPH_ERRORS.unknownError, afterProcessing: true });
		const error = failed(await runSocialMessaging(metaCredentials(fake()), sendParams(text)));
		expect(fake().calls(pageSendWithText(text)).length).toBe(1);
		// it did go out, once
		expect(fake().state.deliveryCount(USERS.alice.id, text)).toBe(1);
		expect(String(error.description)).toMatch(/may have been delivered/);
	});

	it('a send whose connection drops is not sent again', async () => {
		const text = 'hangup before';
		fake().failNext(pageSendWithText(text), { hangup: true });
		const error = failed(await runSocialMessaging(metaCredentials(fake()), sendParams(text)));
		expect(fake().calls(pageSendWithText(text)).length).toBe(1);
		expect(error.message).toBe('The connection to the platform failed during the request');
		expect(String(error.description)).toMatch(/may have been delivered/);
		expect(`${error.message} ${String(error.description)}`).not.toMatch(/retry the request immediately/);
		expect(fake().state.deliveryCount(USERS.alice.id, text)).toBe(0);
	});

	it('a send delivered and then cut off is not sent again', async () => {
		const text = 'hangup after';
		fake().failNext(pageSendWithText(text), { hangup: true, afterProcessing: true });
		const error = failed(await runSocialMessaging(metaCredentials(fake()), sendParams(text)));
		expect(fake().calls(pageSendWithText(text)).length).toBe(1);
		expect(fake().state.deliveryCount(USERS.alice.id, text)).toBe(1);
		expect(String(error.description)).toMatch(/may have been delivered/);
	});

	it('with Continue On Fail, a cut-off send outputs the warning and is not repeated', async () => {
		const items = [
			{ json: { to: USERS.alice.id, text: 'cof cut off' } },
			{ json: { to: USERS.bob.id, text: 'cof fine' } },
		];
		fake().failNext(pageSendWithText('cof cut off'), { hangup: true, afterProcessing: true });
		const result = await runSocialMessaging(metaCredentials(fake()), perItemSend(), { items, continueOnFail: true });
		expect(String(result.items[0].json.errorDescription)).toMatch(/may have been delivered/);
		// no platform code for a network failure
		expect(result.items[0].json.errorCode).toBeUndefined();
		expect(fake().calls(pageSendWithText('cof cut off')).length).toBe(1);
		expect(fake().state.deliveryCount(USERS.alice.id, 'cof cut off')).toBe(1);
		expect(fake().state.deliveryCount(USERS.bob.id, 'cof fine')).toBe(1);
	});

	it('a sender action answered 503 is not repeated', async () => {
		const actionOf = (call: MatchedCall) =>
			call.method === 'POST' && call.path === `/${PAGE_ID}/messages` && call.params.sender_action === 'typing_on' && (call.params.recipient as IDataObject)?.id === USERS.chloe.id;
		fake().failNext(actionOf, 'serviceUnavailable');
		const error = failed(
			await runSocialMessaging(metaCredentials(fake()), {
				platform: 'messenger',
				resource: 'message',
				operation: 'sendAction',
				recipientType: 'user',
				recipientId: byId(USERS.chloe.id),
				senderAction: 'typing_on',
			}),
		);
		expect(fake().calls(actionOf).length).toBe(1);
		expect(error.httpCode).toBe('503');
	});

	it('an upload answered 500 is not repeated', async () => {
		const url = 'https://example.com/never-twice.jpg';
		const uploadOf = (call: MatchedCall) => call.method === 'POST' && call.path === `/${PAGE_ID}/message_attachments` && JSON.stringify(call.params).includes(url);
		fake().failNext(uploadOf, 'unknownError');
		const error = failed(
			await runSocialMessaging(metaCredentials(fake()), {
				platform: 'messenger',
				resource: 'attachment',
				operation: 'upload',
				mediaType: 'image',
				mediaSource: 'url',
				mediaUrl: url,
			}),
		);
		expect(fake().calls(uploadOf).length).toBe(1);
		expect(String(error.description)).toMatch(/not repeated/);
	});

	for (const [label, spec] of [
		['500', 'unknownError'],
		['503', 'serviceUnavailable'],
		['a dropped connection', { hangup: true }],
	] as const) {
		it(`a read answered ${label} twice is retried and succeeds`, async () => {
			const id = nextReadableId();
			fake().failNext(getOf(id), spec, 2);
			const result = await runSocialMessaging(metaCredentials(fake()), getParams(id));
			// result.error?.message
			expect(result.error).toBeUndefined();
			expect(fake().calls(getOf(id)).length).toBe(3);
			expect(result.items[0].json.id).toBe(id);
		});
	}

	it('a read that keeps losing its connection fails after three attempts', async () => {
		const id = nextReadableId();
		fake().failNext(getOf(id), { hangup: true }, 3);
		const error = failed(await runSocialMessaging(metaCredentials(fake()), getParams(id)));
		expect(fake().calls(getOf(id)).length).toBe(3);
		expect(error.message).toBe('Could not reach the platform');
		expect(String(error.description)).toMatch(/Tried 3 times/);
	});

	it('a list read (Conversation > Get Many) answered 503 is retried', async () => {
		const conversationsOf = (call: MatchedCall) => call.method === 'GET' && call.path === `/${PAGE_ID}/conversations` && call.params.user_id === USERS.bob.id;
		fake().failNext(conversationsOf, 'serviceUnavailable');
		const result = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
			filters: { userId: USERS.bob.id },
		});
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(fake().calls(conversationsOf).length).toBe(2);
		expect(result.items[0].json.id).toBe(CONVERSATION_IDS.bob);
	});
});
