/**
 * Graph errors through the whole node (n8n's real engine, the fake Graph API): every row of the
 * reference's error table on a Messenger send and on a read, Continue On Fail, the failing item's
 * index, and the "never send twice" rules: a send that may have gone out is never repeated, reads are.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

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

/** Send parameters that take recipient and text from each input item. */
const perItemSend: INodeParameters = {
	platform: 'messenger',
	resource: 'message',
	operation: 'send',
	recipientType: 'user',
	recipientId: { __rl: true, mode: 'id', value: '={{ $json.to }}' },
	messageType: 'text',
	text: '={{ $json.text }}',
};

const getParams = (messageId: string): INodeParameters => ({ platform: 'messenger', resource: 'message', operation: 'get', messageId });

/** The n-th newest message of a seeded conversation (0-19 are readable in detail). */
function messageId(conversation: keyof typeof CONVERSATION_IDS, rank: number): string {
	const record = fake().state.conversations.get(CONVERSATION_IDS[conversation]);
	assert.ok(record, `no seeded conversation ${conversation}`);
	const message = record.messages[rank];
	assert.ok(message, `no message ${rank} in ${conversation}`);
	return message.id;
}

let readable = 0;
/** A new message from Bob, so every test reads its own (and recent, so readable in detail) message. */
const nextReadableId = () => fake().state.receiveMessage(USERS.bob.id, { text: `readable ${++readable}` }).id;

function failed(result: RunNodeResult): NodeErrorInfo {
	assert.ok(result.error, `expected the node to fail; output: ${JSON.stringify(result.items)}`);
	return result.error;
}

/** The Graph error body the fake answered to the last matching call. */
function answeredError(matcher: RequestMatcher): { code: number; error_subcode?: number; fbtrace_id: string; message: string } {
	const call = fake().calls(matcher).at(-1) as RecordedRequest;
	const body = call.response as { error: { code: number; error_subcode?: number; fbtrace_id: string; message: string } };
	assert.ok(body?.error, `the fake answered no error: ${JSON.stringify(call.response)}`);
	return body.error;
}

/** The error keeps what support needs and says what to do. */
function assertMapped(
	error: NodeErrorInfo,
	expected: { message: RegExp; hint: RegExp; status: number; itemIndex?: number },
	answered: { code: number; error_subcode?: number; fbtrace_id: string; message: string },
) {
	assert.equal(error.name, 'NodeApiError');
	assert.match(error.message, expected.message);
	const description = String(error.description);
	assert.match(description, expected.hint);
	assert.ok(description.includes(answered.message), `Meta's own words are kept: ${description}`);
	assert.ok(description.includes(`code ${answered.code}`), description);
	if (answered.error_subcode !== undefined) assert.ok(description.includes(`subcode ${answered.error_subcode}`), description);
	assert.ok(description.includes(`fbtrace_id ${answered.fbtrace_id}`), description);
	assert.equal(error.httpCode, String(expected.status));
	const context = error.context as IDataObject;
	assert.equal(context.platformErrorCode, answered.code);
	assert.equal(context.platformErrorSubcode, answered.error_subcode);
	assert.equal(context.traceId, answered.fbtrace_id);
	assert.equal(context.itemIndex, expected.itemIndex ?? 0);
	const details = (error.errorResponse as { error?: IDataObject } | undefined)?.error;
	assert.equal(details?.fbtrace_id, answered.fbtrace_id, 'the raw error body is in the error details');
	assert.equal(Number(details?.code), answered.code);
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
		test(row.row, async () => {
			const text = `send for ${row.row}`;
			fake().failNext(pageSendWithText(text), row.spec);
			const result = await runSocialMessaging(metaCredentials(fake()), sendParams(text));
			const answered = { ...answeredError(pageSendWithText(text)) };
			answered.code = Number(answered.code);
			assertMapped(failed(result), { message: row.message, hint: row.hint, status: row.spec.status ?? 400 }, answered);
			assert.equal(fake().calls(pageSendWithText(text)).length, 1, 'an error that is not a rate limit is never retried');
			assert.equal(fake().state.deliveryCount(USERS.alice.id, text), 0);
			assert.deepEqual(result.items, []);
		});
	}
});

describe('every row of the error table, on a read (Message > Get)', () => {
	for (const row of ROWS) {
		test(row.row, async () => {
			const id = nextReadableId();
			fake().failNext(getOf(id), row.spec);
			const result = await runSocialMessaging(metaCredentials(fake()), getParams(id));
			const answered = { ...answeredError(getOf(id)) };
			answered.code = Number(answered.code);
			assertMapped(failed(result), { message: row.message, hint: row.hint, status: row.spec.status ?? 400 }, answered);
			assert.equal(fake().calls(getOf(id)).length, 1, 'a 4xx is not retried, even on a read');
		});
	}
});

describe('errors the fake Graph gives on its own (not injected)', () => {
	test('a person who does not receive messages from the Page (10/2018108)', async () => {
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams('Hi Dana', USERS.dana.id));
		const error = failed(result);
		assert.match(error.message, /cannot receive messages/);
		assert.equal((error.context as IDataObject).platformErrorSubcode, 2018108);
	});

	test('a person who is not available (551/1545041)', async () => {
		const result = await runSocialMessaging(metaCredentials(fake()), sendParams('Hi Erik', USERS.erik.id));
		const error = failed(result);
		assert.match(error.message, /not available/);
		assert.equal((error.context as IDataObject).platformErrorCode, 551);
	});

	test('Instagram messaging disabled for the account (200/2534041)', async () => {
		const result = await runSocialMessaging(metaCredentials(fake()), { ...sendParams('Hi Omar', USERS.omar.id), platform: 'instagram' });
		const error = failed(result);
		assert.match(error.message, /lacks a permission/);
		assert.match(String(error.description), /instagram_manage_messages/);
		assert.equal((error.context as IDataObject).platformErrorSubcode, 2534041);
	});

	test('an expired token (190) on a send and on a read points to the credential', async () => {
		const credentials = metaCredentials(fake(), { accessToken: EXPIRED_PAGE_TOKEN });
		for (const parameters of [sendParams('expired'), getParams(nextReadableId())]) {
			const error = failed(await runSocialMessaging(credentials, parameters));
			assert.match(error.message, /access token is invalid or has expired/);
			assert.match(String(error.description), /update the Social Messaging credential/);
			assert.equal((error.context as IDataObject).platformErrorCode, 190);
		}
	});

	test('a message older than the 20 most recent (9000001)', async () => {
		const error = failed(await runSocialMessaging(metaCredentials(fake()), getParams(messageId('bob', 22))));
		assert.match(error.message, /no longer available/);
		assert.match(String(error.description), /20 most recent/);
		assert.equal((error.context as IDataObject).platformErrorSubcode, 9000001);
	});
});

describe('which item failed, and Continue On Fail', () => {
	test('the error names the failing item, and says how many sends went out before', async () => {
		const items = [
			{ json: { to: USERS.alice.id, text: 'index one' } },
			{ json: { to: USERS.dana.id, text: 'index two' } },
			{ json: { to: USERS.bob.id, text: 'index three' } },
		];
		const result = await runSocialMessaging(metaCredentials(fake()), perItemSend, { items });
		const error = failed(result);
		assert.equal((error.context as IDataObject).itemIndex, 1);
		assert.match(error.message, /cannot receive messages/);
		// The three sends run side by side; the first and the third went out and cannot be undone.
		assert.match(String(error.description), /2 of 3 items succeeded before this failure and were not undone/);
		assert.match(String(error.description), /On Error: Continue/);
		assert.equal(fake().state.deliveryCount(USERS.alice.id, 'index one'), 1);
		assert.equal(fake().state.deliveryCount(USERS.bob.id, 'index three'), 1);
	});

	test('a stopped run says exactly how many items were sent and how many never started', async () => {
		// More items than run side by side: the run stops starting new ones after the first failure.
		const texts = Array.from({ length: 30 }, (_, i) => `batch stop ${i}`);
		fake().failNext(pageSendWithText(texts[0]), 'outsideWindow');
		const items = texts.map((text) => ({ json: { to: USERS.chloe.id, text } }));
		// 20 side by side (the option), so 30 items are more than run at once.
		const error = failed(await runSocialMessaging(metaCredentials(fake()), { ...perItemSend, options: { concurrency: 20 } }, { items }));
		assert.equal((error.context as IDataObject).itemIndex, 0);
		const sent = texts.filter((text) => fake().state.deliveryCount(USERS.chloe.id, text) === 1).length;
		const attempted = texts.filter((text) => fake().calls(pageSendWithText(text)).length > 0).length;
		assert.equal(attempted, sent + 1);
		assert.ok(attempted < texts.length, 'new items stop starting after a failure');
		const description = String(error.description);
		assert.match(description, new RegExp(`\\b${sent} of 30 items succeeded before this failure`));
		assert.match(description, new RegExp(`The other ${30 - attempted} were not attempted`));
	});

	test('a single failing send says nothing about other items', async () => {
		fake().failNext(pageSendWithText('lonely'), 'outsideWindow');
		const error = failed(await runSocialMessaging(metaCredentials(fake()), sendParams('lonely')));
		assert.doesNotMatch(String(error.description), /items succeeded/);
	});

	test('a failing read stops the run at that item', async () => {
		const ids = [nextReadableId(), messageId('bob', 23), nextReadableId()];
		const items = ids.map((id) => ({ json: { id } }));
		const result = await runSocialMessaging(metaCredentials(fake()), getParams('={{ $json.id }}'), { items });
		const error = failed(result);
		assert.equal((error.context as IDataObject).itemIndex, 1);
		assert.equal(fake().calls(getOf(ids[2])).length, 0, 'reads run in order and stop at the failure');
	});

	test('sends: the failing item outputs {error, errorDescription, errorCode}, the others still go', async () => {
		const items = [
			{ json: { to: USERS.alice.id, text: 'cof one' } },
			{ json: { to: USERS.dana.id, text: 'cof two' } },
			{ json: { to: USERS.bob.id, text: 'cof three' } },
		];
		const result = await runSocialMessaging(metaCredentials(fake()), perItemSend, { items, continueOnFail: true });
		assert.equal(result.error, undefined);
		assert.equal(result.items.length, 3);
		const [first, second, third] = result.items;
		assert.match(String(first.json.messageId), /^m_/);
		assert.deepEqual(first.pairedItem, { item: 0 });
		assert.deepEqual(Object.keys(second.json).sort(), ['error', 'errorCode', 'errorDescription']);
		assert.match(String(second.json.error), /cannot receive messages/);
		assert.match(String(second.json.errorDescription), /subcode 2018108/);
		assert.equal(second.json.errorCode, 10);
		assert.deepEqual(second.pairedItem, { item: 1 });
		assert.match(String(third.json.messageId), /^m_/);
		assert.deepEqual(third.pairedItem, { item: 2 });
		assert.equal(fake().state.deliveryCount(USERS.alice.id, 'cof one'), 1);
		assert.equal(fake().state.deliveryCount(USERS.bob.id, 'cof three'), 1);
	});

	test('reads: the failing item outputs the error and the next items are still read', async () => {
		const ids = [messageId('bob', 24), nextReadableId(), nextReadableId()];
		const items = ids.map((id) => ({ json: { id } }));
		const result = await runSocialMessaging(metaCredentials(fake()), getParams('={{ $json.id }}'), { items, continueOnFail: true });
		assert.equal(result.items.length, 3);
		assert.match(String(result.items[0].json.error), /no longer available/);
		assert.equal(result.items[0].json.errorCode, 100);
		assert.deepEqual(result.items[0].pairedItem, { item: 0 });
		assert.equal(result.items[1].json.id, ids[1]);
		assert.equal(result.items[2].json.id, ids[2]);
	});
});

describe('a send is never repeated; a read is retried', { concurrency: true }, () => {
	for (const name of ['unknownError', 'serviceUnavailable'] as const) {
		const status = GRAPH_ERRORS[name].status;
		test(`a send answered ${status} is sent once and the error says it may have been delivered`, async () => {
			const text = `send answered ${status}`;
			fake().failNext(pageSendWithText(text), name);
			const error = failed(await runSocialMessaging(metaCredentials(fake()), sendParams(text)));
			assert.equal(fake().calls(pageSendWithText(text)).length, 1);
			assert.equal(error.httpCode, String(status));
			assert.match(String(error.description), /may have been delivered/);
			assert.match(String(error.description), /not repeated/);
			assert.equal(fake().state.deliveryCount(USERS.alice.id, text), 0);
		});
	}

	test('a send delivered and then answered 500 is not sent again', async () => {
		const text = 'delivered then 500';
		fake().failNext(pageSendWithText(text), { ...GRAPH_ERRORS.unknownError, afterProcessing: true });
		const error = failed(await runSocialMessaging(metaCredentials(fake()), sendParams(text)));
		assert.equal(fake().calls(pageSendWithText(text)).length, 1);
		assert.equal(fake().state.deliveryCount(USERS.alice.id, text), 1, 'it did go out, once');
		assert.match(String(error.description), /may have been delivered/);
	});

	test('a send whose connection drops is not sent again', async () => {
		const text = 'hangup before';
		fake().failNext(pageSendWithText(text), { hangup: true });
		const error = failed(await runSocialMessaging(metaCredentials(fake()), sendParams(text)));
		assert.equal(fake().calls(pageSendWithText(text)).length, 1);
		assert.equal(error.message, 'The connection to the platform failed during the request');
		assert.match(String(error.description), /may have been delivered/);
		assert.doesNotMatch(`${error.message} ${String(error.description)}`, /retry the request immediately/);
		assert.equal(fake().state.deliveryCount(USERS.alice.id, text), 0);
	});

	test('a send delivered and then cut off is not sent again', async () => {
		const text = 'hangup after';
		fake().failNext(pageSendWithText(text), { hangup: true, afterProcessing: true });
		const error = failed(await runSocialMessaging(metaCredentials(fake()), sendParams(text)));
		assert.equal(fake().calls(pageSendWithText(text)).length, 1);
		assert.equal(fake().state.deliveryCount(USERS.alice.id, text), 1);
		assert.match(String(error.description), /may have been delivered/);
	});

	test('with Continue On Fail, a cut-off send outputs the warning and is not repeated', async () => {
		const items = [
			{ json: { to: USERS.alice.id, text: 'cof cut off' } },
			{ json: { to: USERS.bob.id, text: 'cof fine' } },
		];
		fake().failNext(pageSendWithText('cof cut off'), { hangup: true, afterProcessing: true });
		const result = await runSocialMessaging(metaCredentials(fake()), perItemSend, { items, continueOnFail: true });
		assert.match(String(result.items[0].json.errorDescription), /may have been delivered/);
		assert.equal(result.items[0].json.errorCode, undefined, 'no platform code for a network failure');
		assert.equal(fake().calls(pageSendWithText('cof cut off')).length, 1);
		assert.equal(fake().state.deliveryCount(USERS.alice.id, 'cof cut off'), 1);
		assert.equal(fake().state.deliveryCount(USERS.bob.id, 'cof fine'), 1);
	});

	test('a sender action answered 503 is not repeated', async () => {
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
		assert.equal(fake().calls(actionOf).length, 1);
		assert.equal(error.httpCode, '503');
	});

	test('an upload answered 500 is not repeated', async () => {
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
		assert.equal(fake().calls(uploadOf).length, 1);
		assert.match(String(error.description), /not repeated/);
	});

	for (const [label, spec] of [
		['500', 'unknownError'],
		['503', 'serviceUnavailable'],
		['a dropped connection', { hangup: true }],
	] as const) {
		test(`a read answered ${label} twice is retried and succeeds`, async () => {
			const id = nextReadableId();
			fake().failNext(getOf(id), spec, 2);
			const result = await runSocialMessaging(metaCredentials(fake()), getParams(id));
			assert.equal(result.error, undefined, result.error?.message);
			assert.equal(fake().calls(getOf(id)).length, 3);
			assert.equal(result.items[0].json.id, id);
		});
	}

	test('a read that keeps losing its connection fails after three attempts', async () => {
		const id = nextReadableId();
		fake().failNext(getOf(id), { hangup: true }, 3);
		const error = failed(await runSocialMessaging(metaCredentials(fake()), getParams(id)));
		assert.equal(fake().calls(getOf(id)).length, 3);
		assert.equal(error.message, 'Could not reach the platform');
		assert.match(String(error.description), /Tried 3 times/);
	});

	test('a list read (Conversation > Get Many) answered 503 is retried', async () => {
		const conversationsOf = (call: MatchedCall) => call.method === 'GET' && call.path === `/${PAGE_ID}/conversations` && call.params.user_id === USERS.bob.id;
		fake().failNext(conversationsOf, 'serviceUnavailable');
		const result = await runSocialMessaging(metaCredentials(fake()), {
			platform: 'messenger',
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
			filters: { userId: USERS.bob.id },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake().calls(conversationsOf).length, 2);
		assert.equal(result.items[0].json.id, CONVERSATION_IDS.bob);
	});
});
