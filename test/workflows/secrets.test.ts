/**
 * Secret hygiene: runs every kind of operation, success and failure (Graph errors of each kind, a
 * platform that echoes the token back, network failures, Continue On Fail, credential tests) and greps
 * everything the node and n8n produced for the access token, the app secret, the appsecret_proof and
 * the app token `APP_ID|APP_SECRET`: output items, errors (message, description, context, details,
 * stack), the whole run data, and everything written to stdout / stderr (n8n logs at debug level here).
 */
// n8n's logger is silent in tests unless this is set before the first run; here its output is checked too.
process.env.N8N_LOG_LEVEL = 'debug';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
	APP_ID,
	USERS,
	appSecretProof,
	messageEvent,
	type FailSpec,
	type GraphErrorName,
	type MatchedCall,
} from '../fakes/graph';
import { testCredential, type RunNodeResult, type TriggerHarness } from '../harness';
import { pageSendWithText } from './message.helpers';
import { byId, instagramLoginCredentials, metaCredentials, runSocialMessaging, useFakeGraph } from './setup';
import { Triggers, until } from './trigger-setup';

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

beforeAll(() => {
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
	// n8n's Console log transport (winston) writes to console._stdout / console._stderr, which Node's
	// console points at process.stdout / stderr; jest's console has neither or streams of its own (in a worker).
	const jestConsole = console as unknown as { _stdout?: NodeJS.WriteStream; _stderr?: NodeJS.WriteStream };
	const consoleStreams = { _stdout: jestConsole._stdout, _stderr: jestConsole._stderr };
	jestConsole._stdout = process.stdout;
	jestConsole._stderr = process.stderr;
	restore = () => {
		streams.forEach((stream, i) => (stream.write = originals[i] as typeof stream.write));
		Object.assign(jestConsole, consoleStreams);
	};
});

afterAll(() => restore?.());

/** A port nothing listens on, for network failures. */
async function closedPort(): Promise<string> {
	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}`;
}

describe('every kind of run', () => {
	it('the secrets are really in play: the node sends the token and the proof', async () => {
		const result = await run('send text', metaCredentials(fake()), send('secrets: plain send'));
		// result.error?.message
		expect(result.error).toBeUndefined();
		const call = fake().calls(pageSendWithText('secrets: plain send'))[0];
		expect(call.query.appsecret_proof).toBe(SECRETS['appsecret_proof of the Page token']);
		expect(call.headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
	});

	it('sends, media, uploads, sender actions, reactions', async () => {
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
		for (const result of results) expect(result.error).toBeUndefined(); // result.error?.message
	});

	it('reads: conversations, one conversation with messages, messages, one message', async () => {
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
			// result.error?.message
			expect(result.error).toBeUndefined();
			expect(result.items.length).toBeGreaterThan(0);
		}
	});

	it('Instagram Login: reads and a send', async () => {
		const credentials = instagramLoginCredentials(fake());
		const results = [
			await run('IG login: conversations', credentials, { platform: 'instagram', resource: 'conversation', operation: 'getAll', returnAll: true }),
			await run('IG login: send', credentials, send('secrets: instagram login', USERS.ines.id, 'instagram')),
		];
		for (const result of results) expect(result.error).toBeUndefined(); // result.error?.message
	});

	it('Graph errors of each kind, echoing every secret, on sends and reads', async () => {
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
			// ${name} should fail the send
			expect(result.error).toBeTruthy();
			const answered = JSON.stringify(fake().calls(pageSendWithText(text)).at(-1)?.response);
			// the fake did echo the token, so the scrubbing is what keeps it out
			expect(answered).toContain(PAGE_TOKEN);
			// the echoed secret was masked, not dropped with the message
			expect(`${result.error!.message} ${result.error!.description}`).toMatch(/\*\*\*/);

			const id = fake().state.receiveMessage(USERS.bob.id, { text: `read ${name}` }).id;
			fake().failNext((call: MatchedCall) => call.method === 'GET' && decodeURIComponent(call.path) === `/${id}`, echoing(name), 3);
			const read = await run(`read failing with ${name}`, credentials, get(id));
			// ${name} should fail the read
			expect(read.error).toBeTruthy();
		}
	});

	it('rate limits echoing the secrets: retried, and beyond the bound', async () => {
		const credentials = metaCredentials(fake());
		fake().failNext(pageSendWithText('secrets: rate limited'), { ...echoing('pageRateLimit') });
		const retried = await run('rate limited then sent', credentials, send('secrets: rate limited'));
		expect(retried.error).toBeUndefined();
		fake().failNext(pageSendWithText('secrets: too long'), { ...echoing('tooManyRequests'), headers: { 'retry-after': '3600' } });
		const tooLong = await run('rate limited beyond the bound', credentials, send('secrets: too long'));
		expect(String(tooLong.error?.description)).toMatch(/\*\*\*/);
	});

	it('a token echoed in a response header or an unexpected body field', async () => {
		const credentials = metaCredentials(fake());
		fake().failNext(pageSendWithText('secrets: odd fields'), {
			status: 400,
			headers: { 'x-debug-token': PAGE_TOKEN, 'www-authenticate': `Bearer ${PAGE_TOKEN}` },
			error: { message: 'odd', code: 1, type: 'OAuthException', error_user_title: ECHO, error_data: ECHO } as unknown as FailSpec['error'],
		} as FailSpec);
		const result = await run('odd fields', credentials, send('secrets: odd fields'));
		expect(result.error).toBeTruthy();
	});

	it('dropped connections and network failures, on sends and reads', async () => {
		const credentials = metaCredentials(fake());
		fake().failNext(pageSendWithText('secrets: hangup'), { hangup: true });
		expect((await run('send hangup', credentials, send('secrets: hangup'))).error).toBeTruthy();
		fake().failNext(pageSendWithText('secrets: hangup after'), { hangup: true, afterProcessing: true });
		expect((await run('send hangup after delivery', credentials, send('secrets: hangup after'))).error).toBeTruthy();

		const offline = metaCredentials(fake(), { baseUrl: await closedPort() });
		const refusedSend = await run('send, nothing listening', offline, send('secrets: offline'));
		expect(String(refusedSend.error?.description)).toMatch(/ECONNREFUSED/);
		const refusedRead = await run('read, nothing listening', offline, { platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true });
		expect(refusedRead.error?.message).toBe('Could not reach the platform');
	});

	it('Continue On Fail outputs', async () => {
		const credentials = metaCredentials(fake());
		fake().failNext(pageSendWithText('secrets: cof fail'), echoing('outsideWindow'));
		fake().failNext(pageSendWithText('secrets: cof 500'), echoing('unknownError'));
		const result = await run(
			'continue on fail',
			credentials,
			{ ...send('={{ $json.text }}'), recipientId: byId(USERS.alice.id) },
			{ items: [{ json: { text: 'secrets: cof fail' } }, { json: { text: 'secrets: cof 500' } }, { json: { text: 'secrets: cof ok' } }], continueOnFail: true },
		);
		expect(result.items.length).toBe(3);
		expect(String(result.items[0].json.errorDescription)).toMatch(/\*\*\*/);
		expect(String(result.items[1].json.errorDescription)).toMatch(/\*\*\*/);
		expect(String(result.items[2].json.messageId)).toMatch(/^m_/);
	});

	it('an expired token and a wrong Page', async () => {
		const expired = await run('expired token', metaCredentials(fake(), { accessToken: EXPIRED_PAGE_TOKEN }), send('secrets: expired'));
		expect(String(expired.error?.message)).toMatch(/access token is invalid or has expired/);
		const wrongPage = await run('wrong page', metaCredentials(fake(), { pageId: OTHER_PAGE_ID }), send('secrets: wrong page'));
		expect(wrongPage.error).toBeTruthy();
	});

	it('credential tests that pass and fail', async () => {
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
		expect(outcomes[0][1].status).toBe('OK');
		expect(outcomes[1][1].status).toBe('Error');
		expect(outcomes[4][1].status).toBe('Error');
		expect(echoed.status).toBe('Error');
	});
});

/** Everything a trigger run left: its executions and runs, the answers it gave, the calls' errors, its static data. */
function recordTrigger(scenario: string, harness: TriggerHarness, extra: unknown[] = []) {
	produced.push({
		scenario,
		text: JSON.stringify({
			executions: harness.executions,
			runs: harness.runs,
			calls: harness.calls.map((call) => ({ ...call, error: call.error && [call.error.message, (call.error as { description?: unknown }).description, call.error.stack] })),
			cleanupErrors: harness.cleanupErrors.map((error) => [error.message, (error as { description?: unknown }).description, error.stack]),
			staticData: harness.exportStaticData(),
			extra,
		}),
	});
}

const errorParts = (error: unknown) => {
	const e = error as Error & { description?: unknown; context?: unknown };
	return [e.message, e.description, e.stack, e.context];
};

describe('trigger runs', () => {
	const triggers = new Triggers();
	afterAll(async () => await triggers.closeAll());
	const T0 = 1714554000000;
	const delivery = (text: string, n: number) => ({
		object: 'page',
		entry: [{ id: PAGE_ID, time: T0 + n, messaging: [messageEvent({ from: USERS.alice.id, to: PAGE_ID, text, timestamp: T0 + n, mid: `m_secret_${n}` })] }],
	});

	it('activation, signed deliveries with an auto-response that Meta refuses echoing every secret, forged deliveries, deactivation', async () => {
		const harness = await triggers.start({
			credentials: metaCredentials(fake()),
			parameters: { platform: 'messenger', autoResponse: true, autoResponseText: 'secrets: auto', options: { includeRaw: true } },
		});
		await harness.activate();
		// The app subscription really used the app token (APP_ID|APP_SECRET) and Page calls the Page token and its proof.
		expect(fake().calls().some((call) => call.path === `/${APP_ID}/subscriptions` && call.headers.authorization === `Bearer ${APP_ACCESS_TOKEN}`)).toBeTruthy();
		fake().failNext((call: MatchedCall) => call.path === `/${PAGE_ID}/messages`, echoing('outsideWindow'));
		const first = await fake().deliver(harness.webhookUrl, delivery("secrets: trigger", 1));
		expect(first.status).toBe(200);
		await until(() => harness.executions.length === 1 && harness.runs.length === 1, 'the execution');
		expect(JSON.stringify(harness.executions[0])).toMatch(/\*\*\*|failed/);
		const forged = [
			await fake().deliver(harness.webhookUrl, delivery('forged', 2), { signature: 'missing' }),
			await fake().deliver(harness.webhookUrl, delivery('forged', 3), { signature: 'wrong' }),
		];
		await harness.deactivate();
		recordTrigger('trigger: activation, deliveries, refused auto-response, deactivation', harness, forged);
	});

	it('activation refused by Meta with an answer that echoes every secret', async () => {
		const harness = await triggers.start({ credentials: metaCredentials(fake()), parameters: { platform: 'messenger' } });
		fake().failNext((call: MatchedCall) => call.path === `/${APP_ID}/subscriptions` && call.method === 'POST', { status: 400, error: { message: ECHO, code: 100, type: 'OAuthException', error_user_msg: ECHO } });
		let failure: unknown;
		await harness.activate().catch((error: unknown) => (failure = error));
		// activation did not fail
		expect(failure).toBeTruthy();
		produced.push({ scenario: 'trigger: refused activation', text: JSON.stringify(errorParts(failure)) });
		recordTrigger('trigger: refused activation (harness)', harness);
	});
});

describe('nothing produced contains a secret', () => {
	it('every scenario ran', () => {
		// only ${produced.length} scenarios recorded
		expect(produced.length).toBeGreaterThanOrEqual(40);
	});

	it('output items, errors and run data', () => {
		const leaks: string[] = [];
		for (const { scenario, text } of produced) {
			for (const [label, secret] of Object.entries(SECRETS)) {
				if (text.includes(secret)) leaks.push(`${scenario}: ${label}`);
			}
		}
		expect(leaks).toStrictEqual([]);
	});

	it('console output and n8n\'s logs', () => {
		const text = consoleOutput.join('');
		// n8n's debug log was captured
		expect(stripAnsi(text)).toMatch(/Workflow execution finished with error/);
		const leaks = Object.entries(SECRETS)
			.filter(([, secret]) => text.includes(secret))
			.map(([label]) => label);
		expect(leaks).toStrictEqual([]);
	});
});
