/**
 * Secret hygiene: runs every kind of operation, success and failure (Graph errors of each kind, a
 * platform that echoes the token back, network failures, Continue On Fail, credential tests) and greps
 * everything the node and n8n produced for the access token, the app secret, the appsecret_proof and
 * the app token `APP_ID|APP_SECRET`: output items, errors (message, description, context, details,
 * stack), the whole run data, and everything written to stdout / stderr (n8n logs at debug level here).
 */
// n8n's logger is silent in tests unless this is set before the first run; here its output is checked too.
process.env.N8N_LOG_LEVEL = 'debug';

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';

import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import {
	APP_ACCESS_TOKEN,
	APP_SECRET,
	CONVERSATION_IDS,
	EXPIRED_PAGE_TOKEN,
	GRAPH_ERRORS,
	IG_USER_TOKEN,
	OTHER_PAGE_ID,
	PAGE_ID,
	PAGE_TOKEN,
	TINY_PNG,
	USERS,
	appSecretProof,
	type FailSpec,
	type GraphErrorName,
	type MatchedCall,
} from '../fakes/graph';
import { testCredential, type RunNodeResult } from '../harness';
import { pageSendWithText } from './message.helpers';
import { byId, instagramLoginCredentials, metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

const fake = useFakeGraph();

const SECRETS: Record<string, string> = {
	'Page access token': PAGE_TOKEN,
	'expired Page token': EXPIRED_PAGE_TOKEN,
	'Instagram user token': IG_USER_TOKEN,
	'app secret': APP_SECRET,
	'app token (APP_ID|APP_SECRET)': APP_ACCESS_TOKEN,
	'appsecret_proof of the Page token': appSecretProof(APP_SECRET, PAGE_TOKEN),
	'appsecret_proof of the expired token': appSecretProof(APP_SECRET, EXPIRED_PAGE_TOKEN),
	'appsecret_proof of the Instagram token': appSecretProof(APP_SECRET, IG_USER_TOKEN),
};

/** What a careless platform might answer: every secret, bare and inside a URL. */
const ECHO =
	`token ${PAGE_TOKEN} proof ${SECRETS['appsecret_proof of the Page token']} app ${APP_ACCESS_TOKEN} secret ${APP_SECRET} ` +
	`url https://graph.facebook.com/v23.0/${PAGE_ID}/messages?access_token=${PAGE_TOKEN}&appsecret_proof=${SECRETS['appsecret_proof of the Page token']}`;

/** Everything produced, labelled by scenario. */
const produced: Array<{ scenario: string; text: string }> = [];
const consoleOutput: string[] = [];

function record(scenario: string, result: RunNodeResult) {
	const { run, staticData, executedNodes, status } = result.result;
	const error = result.error;
	produced.push({
		scenario,
		text: JSON.stringify({
			items: result.items,
			outputs: result.outputs,
			error,
			// Own fields of the error as n8n keeps them, spelled out in case JSON skipped any.
			errorParts: error ? [error.message, error.description, error.stack, error.context, error.errorResponse, error.messages] : [],
			run,
			staticData,
			executedNodes,
			status,
		}),
	});
}

async function run(
	scenario: string,
	credentials: ICredentialDataDecryptedObject,
	parameters: INodeParameters,
	options: Parameters<typeof runSocialMessaging>[2] = {},
): Promise<RunNodeResult> {
	const result = await runSocialMessaging(credentials, parameters, options);
	record(scenario, result);
	return result;
}


const send = (text: string, recipient: string = USERS.alice.id, platform = 'messenger'): INodeParameters => ({
	platform,
	resource: 'message',
	operation: 'send',
	recipientType: 'user',
	recipientId: byId(recipient),
	messageType: 'text',
	text,
	options: { includeRaw: true },
});

const get = (messageId: string): INodeParameters => ({ platform: 'messenger', resource: 'message', operation: 'get', messageId, options: { includeRaw: true } });

/** A spec from the error table whose message (and user message) echo every secret. */
function echoing(name: GraphErrorName): FailSpec {
	const spec = GRAPH_ERRORS[name] as FailSpec;
	const error = spec.error ?? { message: 'failure', code: 1 };
	return { ...spec, error: { ...error, message: `${error.message} ${ECHO}`, error_user_msg: ECHO } };
}

/** Intercepts stdout and stderr for the whole file: n8n's log lines are kept back, the rest passes through. */
const LOG_LINE = /^\d{2}:\d{2}:\d{2}\.\d{3}\s/;
const stripAnsi = (text: string) => text.replace(new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g'), '');
let restore: (() => void) | undefined;

before(() => {
	const streams = [process.stdout, process.stderr] as const;
	const originals = streams.map((stream) => stream.write.bind(stream));
	streams.forEach((stream, i) => {
		stream.write = ((chunk: unknown, ...rest: unknown[]) => {
			const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
			consoleOutput.push(text);
			if (LOG_LINE.test(stripAnsi(text))) {
				const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
				callback?.();
				return true;
			}
			return (originals[i] as (...args: unknown[]) => boolean)(chunk, ...rest);
		}) as typeof stream.write;
	});
	restore = () => streams.forEach((stream, i) => (stream.write = originals[i] as typeof stream.write));
});

after(() => restore?.());

/** A port nothing listens on, for network failures. */
async function closedPort(): Promise<string> {
	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}`;
}

describe('every kind of run', () => {
	test('the secrets are really in play: the node sends the token and the proof', async () => {
		const result = await run('send text', metaCredentials(fake()), send('secrets: plain send'));
		assert.equal(result.error, undefined, result.error?.message);
		const call = fake().calls(pageSendWithText('secrets: plain send'))[0];
		assert.equal(call.query.appsecret_proof, SECRETS['appsecret_proof of the Page token']);
		assert.equal(call.headers.authorization, `Bearer ${PAGE_TOKEN}`);
	});

	test('sends, media, uploads, sender actions, reactions', async () => {
		const credentials = metaCredentials(fake());
		const binary = { data: { data: TINY_PNG, mimeType: 'image/png', fileName: 'tiny.png' } };
		const results = [
			await run('send media from binary', credentials, { ...send(''), messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'data' }, { items: [{ json: {}, binary }] }),
			await run('send media from URL', credentials, { ...send(''), messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: 'https://example.com/a.png' }),
			await run('upload from URL', credentials, { platform: 'messenger', resource: 'attachment', operation: 'upload', mediaType: 'image', mediaSource: 'url', mediaUrl: 'https://example.com/b.png', options: { includeRaw: true } }),
			await run('upload binary', credentials, { platform: 'messenger', resource: 'attachment', operation: 'upload', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'data' }, { items: [{ json: {}, binary }] }),
			await run('sender action', credentials, { platform: 'messenger', resource: 'message', operation: 'sendAction', recipientType: 'user', recipientId: byId(USERS.alice.id), senderAction: 'typing_on' }),
		];
		const newest = fake().state.conversations.get(CONVERSATION_IDS.alice)?.messages[0].id as string;
		results.push(
			await run('react', credentials, { platform: 'messenger', resource: 'message', operation: 'react', recipientType: 'user', recipientId: byId(USERS.alice.id), messageId: newest, reaction: 'love' }),
		);
		for (const result of results) assert.equal(result.error, undefined, result.error?.message);
	});

	test('reads: conversations, one conversation with messages, messages, one message', async () => {
		const credentials = metaCredentials(fake());
		const newest = fake().state.conversations.get(CONVERSATION_IDS.bob)?.messages[0].id as string;
		const results = [
			await run('list conversations', credentials, { platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true, options: { includeRaw: true } }),
			await run('one conversation', credentials, { platform: 'messenger', resource: 'conversation', operation: 'get', conversationId: byId(CONVERSATION_IDS.bob), messageLimit: 5, options: { includeRaw: true } }),
			await run('list messages', credentials, { platform: 'messenger', resource: 'message', operation: 'getAll', conversationId: byId(CONVERSATION_IDS.bob), limit: 10, options: { includeRaw: true } }),
			await run('one message', credentials, get(newest)),
			await run('Instagram conversations', credentials, { platform: 'instagram', resource: 'conversation', operation: 'getAll', returnAll: true }),
		];
		for (const result of results) {
			assert.equal(result.error, undefined, result.error?.message);
			assert.ok(result.items.length > 0);
		}
	});

	test('Instagram Login: reads and a send', async () => {
		const credentials = instagramLoginCredentials(fake());
		const results = [
			await run('IG login: conversations', credentials, { platform: 'instagram', resource: 'conversation', operation: 'getAll', returnAll: true }),
			await run('IG login: send', credentials, send('secrets: instagram login', USERS.ines.id, 'instagram')),
		];
		for (const result of results) assert.equal(result.error, undefined, result.error?.message);
	});

	test('Graph errors of each kind, echoing every secret, on sends and reads', async () => {
		const credentials = metaCredentials(fake());
		const names: GraphErrorName[] = [
			'outsideWindow',
			'invalidToken',
			'expiredToken',
			'permissionDenied',
			'instagramAccessDisabled',
			'personUnavailable',
			'cannotReceive',
			'noMatchingUser',
			'urlFetchFailed',
			'threadControlledByAnotherApp',
			'tagAbuse',
			'messageDeleted',
			'unknownError',
			'serviceUnavailable',
		];
		for (const name of names) {
			const text = `secrets: ${name}`;
			fake().failNext(pageSendWithText(text), echoing(name));
			const result = await run(`send failing with ${name}`, credentials, send(text));
			assert.ok(result.error, `${name} should fail the send`);
			const answered = JSON.stringify(fake().calls(pageSendWithText(text)).at(-1)?.response);
			assert.ok(answered.includes(PAGE_TOKEN), 'the fake did echo the token, so the scrubbing is what keeps it out');
			assert.match(`${result.error.message} ${result.error.description}`, /\*\*\*/, 'the echoed secret was masked, not dropped with the message');

			const id = fake().state.receiveMessage(USERS.bob.id, { text: `read ${name}` }).id;
			fake().failNext((call: MatchedCall) => call.method === 'GET' && decodeURIComponent(call.path) === `/${id}`, echoing(name), 3);
			const read = await run(`read failing with ${name}`, credentials, get(id));
			assert.ok(read.error, `${name} should fail the read`);
		}
	});

	test('rate limits echoing the secrets: retried, and beyond the bound', async () => {
		const credentials = metaCredentials(fake());
		fake().failNext(pageSendWithText('secrets: rate limited'), { ...echoing('pageRateLimit') });
		const retried = await run('rate limited then sent', credentials, send('secrets: rate limited'));
		assert.equal(retried.error, undefined);
		fake().failNext(pageSendWithText('secrets: too long'), { ...echoing('tooManyRequests'), headers: { 'retry-after': '3600' } });
		const tooLong = await run('rate limited beyond the bound', credentials, send('secrets: too long'));
		assert.match(String(tooLong.error?.description), /\*\*\*/);
	});

	test('a token echoed in a response header or an unexpected body field', async () => {
		const credentials = metaCredentials(fake());
		fake().failNext(pageSendWithText('secrets: odd fields'), {
			status: 400,
			headers: { 'x-debug-token': PAGE_TOKEN, 'www-authenticate': `Bearer ${PAGE_TOKEN}` },
			error: { message: 'odd', code: 1, type: 'OAuthException', error_user_title: ECHO, error_data: ECHO } as unknown as FailSpec['error'],
		} as FailSpec);
		const result = await run('odd fields', credentials, send('secrets: odd fields'));
		assert.ok(result.error);
	});

	test('dropped connections and network failures, on sends and reads', async () => {
		const credentials = metaCredentials(fake());
		fake().failNext(pageSendWithText('secrets: hangup'), { hangup: true });
		assert.ok((await run('send hangup', credentials, send('secrets: hangup'))).error);
		fake().failNext(pageSendWithText('secrets: hangup after'), { hangup: true, afterProcessing: true });
		assert.ok((await run('send hangup after delivery', credentials, send('secrets: hangup after'))).error);

		const offline = metaCredentials(fake(), { baseUrl: await closedPort() });
		const refusedSend = await run('send, nothing listening', offline, send('secrets: offline'));
		assert.match(String(refusedSend.error?.description), /ECONNREFUSED/);
		const refusedRead = await run('read, nothing listening', offline, { platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true });
		assert.equal(refusedRead.error?.message, 'Could not reach the platform');
	});

	test('Continue On Fail outputs', async () => {
		const credentials = metaCredentials(fake());
		fake().failNext(pageSendWithText('secrets: cof fail'), echoing('outsideWindow'));
		fake().failNext(pageSendWithText('secrets: cof 500'), echoing('unknownError'));
		const result = await run(
			'continue on fail',
			credentials,
			{ ...send('={{ $json.text }}'), recipientId: byId(USERS.alice.id) },
			{ items: [{ json: { text: 'secrets: cof fail' } }, { json: { text: 'secrets: cof 500' } }, { json: { text: 'secrets: cof ok' } }], continueOnFail: true },
		);
		assert.equal(result.items.length, 3);
		assert.match(String(result.items[0].json.errorDescription), /\*\*\*/);
		assert.match(String(result.items[1].json.errorDescription), /\*\*\*/);
		assert.match(String(result.items[2].json.messageId), /^m_/);
	});

	test('an expired token and a wrong Page', async () => {
		const expired = await run('expired token', metaCredentials(fake(), { accessToken: EXPIRED_PAGE_TOKEN }), send('secrets: expired'));
		assert.match(String(expired.error?.message), /access token is invalid or has expired/);
		const wrongPage = await run('wrong page', metaCredentials(fake(), { pageId: OTHER_PAGE_ID }), send('secrets: wrong page'));
		assert.ok(wrongPage.error);
	});

	test('credential tests that pass and fail', async () => {
		const outcomes = [
			['credential test: ok', await testCredential(metaCredentials(fake()))],
			['credential test: expired token', await testCredential(metaCredentials(fake(), { accessToken: EXPIRED_PAGE_TOKEN }))],
			['credential test: wrong Page', await testCredential(metaCredentials(fake(), { pageId: OTHER_PAGE_ID }))],
			['credential test: Instagram Login', await testCredential(instagramLoginCredentials(fake()))],
			['credential test: offline', await testCredential(metaCredentials(fake(), { baseUrl: await closedPort() }))],
		] as const;
		fake().failNext((call: MatchedCall) => call.method === 'GET' && call.path === `/${PAGE_ID}`, { status: 500, error: { message: ECHO, code: 1, type: 'OAuthException' } });
		const echoed = await testCredential(metaCredentials(fake()));
		for (const [scenario, outcome] of [...outcomes, ['credential test: platform echoes the token', echoed] as const]) {
			produced.push({ scenario, text: JSON.stringify(outcome) });
		}
		assert.equal(outcomes[0][1].status, 'OK');
		assert.equal(outcomes[1][1].status, 'Error');
		assert.equal(outcomes[4][1].status, 'Error');
		assert.equal(echoed.status, 'Error');
	});
});

describe('nothing produced contains a secret', () => {
	test('every scenario ran', () => {
		assert.ok(produced.length >= 40, `only ${produced.length} scenarios recorded`);
	});

	test('output items, errors and run data', () => {
		const leaks: string[] = [];
		for (const { scenario, text } of produced) {
			for (const [label, secret] of Object.entries(SECRETS)) {
				if (text.includes(secret)) leaks.push(`${scenario}: ${label}`);
			}
		}
		assert.deepEqual(leaks, []);
	});

	test('console output and n8n\'s logs', () => {
		const text = consoleOutput.join('');
		assert.match(stripAnsi(text), /Workflow execution finished with error/, 'n8n\'s debug log was captured');
		const leaks = Object.entries(SECRETS)
			.filter(([, secret]) => text.includes(secret))
			.map(([label]) => label);
		assert.deepEqual(leaks, []);
	});
});
