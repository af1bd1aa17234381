/**
 * Proves the test harness itself: nodes run through n8n-core's real engine, with the real credential
 * type, real binary data, static data, Continue On Fail, webhooks and the credential tester.
 * Uses the stub nodes of test/harness/testNodes.ts and tiny local HTTP servers.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { APP_TOKEN_MARKER_HEADER } from '../../credentials/SocialMessagingApi.credentials';
import { NodeTypeRegistry, SOCIAL_MESSAGING_TRIGGER_TYPE, SOCIAL_MESSAGING_TYPE } from '../harness/nodeTypes';
import { startTriggerHarness } from '../harness/webhook';
import { runNode, runWorkflow, testCredential, type WorkflowJson } from '../harness/workflow';

interface Recorded {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	body: string;
}

type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>;

/** A local HTTP server that records every request and answers with `handler` (default: echo 200). */
async function startServer(handler?: Handler) {
	const requests: Recorded[] = [];
	const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://x');
			const recorded: Recorded = {
				method: req.method ?? '',
				path: url.pathname,
				query: url.searchParams,
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			};
			requests.push(recorded);
			if (handler) {
				void Promise.resolve(handler(recorded, res)).catch((error: Error) => {
					res.statusCode = 599;
					res.end(error.message);
				});
				return;
			}
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ echoed: recorded.body ? JSON.parse(recorded.body) : null, path: recorded.path }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
	res.statusCode = status;
	res.setHeader('content-type', 'application/json');
	res.end(JSON.stringify(body));
}

const hmacHex = (key: string, data: string | Buffer) => createHmac('sha256', key).update(data).digest('hex');

const metaCredentials = { provider: 'metaGraph', pageId: '1001', accessToken: 'page-token', appId: 'app-1', appSecret: 'app-secret' };

describe('runNode / runWorkflow through n8n-core', () => {
	let server: Awaited<ReturnType<typeof startServer>>;
	before(async () => {
		server = await startServer();
	});
	after(async () => server.close());

	test('httpRequestWithAuthentication applies the real socialMessagingApi credential', async () => {
		server.requests.length = 0;
		const { items, error } = await runNode({
			type: 'test.stubApi',
			parameters: { operation: 'request', url: `${server.url}/v23.0/me/messages` },
			credentials: { socialMessagingApi: metaCredentials },
			items: [{ json: { text: 'first' } }, { json: { text: 'second' } }],
		});

		assert.equal(error, undefined);
		assert.equal(server.requests.length, 2);
		server.requests.forEach((req, i) => {
			assert.equal(req.method, 'POST');
			assert.equal(req.headers.authorization, 'Bearer page-token');
			assert.equal(req.query.get('appsecret_proof'), hmacHex('app-secret', 'page-token'));
			assert.equal(req.query.get('item'), String(i));
		});
		assert.deepEqual(
			server.requests.map((r) => JSON.parse(r.body)),
			[{ text: 'first' }, { text: 'second' }],
		);
		assert.deepEqual(
			items.map((item) => item.json.echoed),
			[{ text: 'first' }, { text: 'second' }],
		);
		assert.deepEqual(
			items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }],
		);
	});

	test('the app-token marker header switches the credential to the app token and is not sent', async () => {
		server.requests.length = 0;
		await runNode({
			type: 'test.stubApi',
			parameters: {
				operation: 'request',
				url: `${server.url}/v23.0/app-1/subscriptions`,
				headers: JSON.stringify({ [APP_TOKEN_MARKER_HEADER]: 'app' }),
			},
			credentials: { socialMessagingApi: metaCredentials },
		});
		const [req] = server.requests;
		assert.equal(req.headers.authorization, 'Bearer app-1|app-secret');
		assert.equal(req.headers[APP_TOKEN_MARKER_HEADER], undefined);
		assert.equal(req.query.get('appsecret_proof'), null);
	});

	test('a generic (declarative) authenticate is resolved with $credentials expressions', async () => {
		server.requests.length = 0;
		const { error } = await runNode({
			type: 'test.stubApi',
			parameters: { credentialType: 'testGenericApi', operation: 'request', url: `${server.url}/generic` },
			credentials: { testGenericApi: { apiKey: 'key-123', tenant: 'acme' } },
		});
		assert.equal(error, undefined);
		const [req] = server.requests;
		assert.equal(req.headers['x-api-key'], 'key-123');
		assert.equal(req.headers['x-static'], 'static-value');
		assert.equal(req.query.get('tenant'), 'ACME');
	});

	test('getCredentials gets defaults, drops fields hidden by displayOptions and resolves expressions', async () => {
		const { items } = await runNode({
			type: 'test.stubApi',
			parameters: { credentialType: 'testGenericApi', operation: 'credentials' },
			credentials: { testGenericApi: { apiKey: '={{ "key-" + (40 + 2) }}', proxyUrl: 'http://hidden-because-useProxy-is-false' } },
		});
		assert.deepEqual(items[0].json, { apiKey: 'key-42', tenant: 'default-tenant', baseUrl: '', useProxy: false });

		const shown = await runNode({
			type: 'test.stubApi',
			parameters: { credentialType: 'testGenericApi', operation: 'credentials' },
			credentials: { testGenericApi: { apiKey: 'k', useProxy: true, proxyUrl: 'http://proxy' } },
		});
		assert.equal(shown.items[0].json.proxyUrl, 'http://proxy');
	});

	test('an unknown credential id fails the node like n8n does', async () => {
		const result = await runWorkflow(
			{
				nodes: [
					{ id: 'a', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{
						id: 'b',
						name: 'Call',
						type: 'test.stubApi',
						typeVersion: 1,
						position: [200, 0],
						parameters: { operation: 'credentials' },
						credentials: { socialMessagingApi: { id: 'missing', name: 'Gone' } },
					},
				],
				connections: { Start: { main: [[{ node: 'Call', type: 'main', index: 0 }]] } },
			},
			{ credentials: { other: { type: 'socialMessagingApi', data: metaCredentials } } },
		);
		assert.equal(result.errorOf('Call')?.message, 'Credential with ID "missing" does not exist for type "socialMessagingApi".');
	});

	test('an API error stops the workflow with the NodeApiError details n8n stores', async () => {
		const failing = await startServer((_req, res) =>
			sendJson(res, 400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } }),
		);
		try {
			const { items, error, result } = await runNode({
				type: 'test.stubApi',
				parameters: { operation: 'request', url: `${failing.url}/v23.0/me/messages` },
				credentials: { socialMessagingApi: metaCredentials },
			});
			assert.deepEqual(items, []);
			assert.ok(error);
			assert.equal(error.name, 'NodeApiError');
			assert.equal(error.httpCode, '400');
			assert.equal(typeof error.message, 'string');
			assert.equal(error.description, 'Invalid OAuth access token.');
			assert.equal(result.status, 'error');
			assert.equal(result.error?.message, error.message);
		} finally {
			await failing.close();
		}
	});

	test('continueOnFail: failing items become error items and the others still run', async () => {
		const items = [{ json: { fail: false } }, { json: { fail: true } }, { json: { fail: false } }];
		const tolerant = await runNode({ type: 'test.stubApi', parameters: { operation: 'fail' }, items, continueOnFail: true });
		assert.equal(tolerant.error, undefined);
		assert.deepEqual(
			tolerant.items.map((i) => i.json),
			[{ ok: 0 }, { error: 'Item 1 asked to fail' }, { ok: 2 }],
		);

		const strict = await runNode({ type: 'test.stubApi', parameters: { operation: 'fail' }, items });
		assert.deepEqual(strict.items, []);
		assert.equal(strict.error?.message, 'Item 1 asked to fail');
		assert.equal(strict.error?.description, 'Set fail to false to let it pass');
		assert.equal(strict.error?.context?.itemIndex, 1);
	});

	test('binary data round-trips through prepareBinaryData / getBinaryDataBuffer in memory', async () => {
		const bytes = randomBytes(4096);
		const { items, error } = await runNode({
			type: 'test.stubApi',
			parameters: { operation: 'echoBinary' },
			items: [{ json: {}, binary: { data: { data: bytes, mimeType: 'image/png', fileName: 'photo.png' } } }],
		});
		assert.equal(error, undefined);
		assert.equal(items[0].json.receivedBytes, 4096);
		const out = items[0].binary?.data;
		assert.ok(out);
		assert.equal(out.id, undefined, 'in-memory mode keeps the data inline');
		assert.equal(out.mimeType, 'image/png');
		assert.equal(out.fileName, 'echo-photo.png');
		assert.ok(Buffer.from(out.data, 'base64').equals(Buffer.concat([bytes, Buffer.from('-echo')])));
	});

	test('static data persists from one run to the next when handed back', async () => {
		const first = await runNode({ type: 'test.stubApi', parameters: { operation: 'countStatic' } });
		assert.equal(first.items[0].json.count, 1);
		const second = await runNode({
			type: 'test.stubApi',
			parameters: { operation: 'countStatic' },
			staticData: first.result.staticData,
		});
		assert.equal(second.items[0].json.count, 2);
		assert.deepEqual(second.result.staticData, { 'node:Stub API': { count: 2 } });
	});

	test('runWorkflow runs exported workflow JSON from its Manual Trigger', async () => {
		const workflow: WorkflowJson = {
			nodes: [
				{ id: 'a', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'b',
					name: 'Items',
					type: 'test.items',
					typeVersion: 1,
					position: [200, 0],
					parameters: { items: JSON.stringify([{ json: { n: 1 } }, { json: { n: 2 } }]) },
				},
				{ id: 'c', name: 'Pass', type: 'test.noOp', typeVersion: 1, position: [400, 0], parameters: {} },
				{ id: 'd', name: 'Unconnected', type: 'test.noOp', typeVersion: 1, position: [400, 200], parameters: {} },
			],
			connections: {
				Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
				Items: { main: [[{ node: 'Pass', type: 'main', index: 0 }]] },
			},
		};
		const result = await runWorkflow(workflow);
		assert.equal(result.status, 'success');
		assert.deepEqual(result.executedNodes, ['Start', 'Items', 'Pass']);
		assert.deepEqual(
			result.outputOf('Pass').map((i) => i.json),
			[{ n: 1 }, { n: 2 }],
		);
		assert.throws(() => result.outputOf('Unconnected'), /did not run/);
	});

	test('timeoutMs cancels a run through the engine abort signal', async () => {
		const started = Date.now();
		const { result } = await runNode({ type: 'test.stubApi', parameters: { operation: 'waitForCancel' }, timeoutMs: 300 });
		assert.ok(Date.now() - started < 5000);
		assert.equal(result.status, 'canceled');
		assert.match(String(result.error?.message), /timed out after 300 ms/);
	});
});

describe('testCredential (n8n CredentialsTester semantics)', () => {
	let graph: Awaited<ReturnType<typeof startServer>>;
	before(async () => {
		graph = await startServer((req, res) => {
			if (req.headers.authorization === 'Bearer good-token') {
				sendJson(res, 200, { id: '1001', name: 'My Page' });
			} else {
				sendJson(res, 400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
			}
		});
	});
	after(async () => graph.close());

	const credentialsFor = (accessToken: string) => ({
		...metaCredentials,
		accessToken,
		useCustomBaseUrl: true,
		baseUrl: `${graph.url}/`,
	});

	test('OK when the test request succeeds, sent with the credential applied', async () => {
		graph.requests.length = 0;
		const result = await testCredential(credentialsFor('good-token'));
		assert.deepEqual(result, { status: 'OK', message: 'Connection successful!' });
		const [req] = graph.requests;
		assert.equal(req.path, '/v23.0/1001');
		assert.equal(req.query.get('fields'), 'id,name');
		assert.equal(req.query.get('appsecret_proof'), hmacHex('app-secret', 'good-token'));
	});

	test('a responseSuccessBody rule turns an error body into its message', async () => {
		const result = await testCredential(credentialsFor('bad-token'));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /access token is invalid or has expired/);
	});

	test('n8n 2.0 quirk: a responseCode rule is never applied, the NodeApiError message is returned', async () => {
		// In n8n-workflow 2.0.1 ExecutionBaseError re-declares `cause`, so the thrown NodeApiError has no
		// `cause.response` and CredentialsTester falls through to `error.message`. n8n 2.0.3 behaves the same.
		const unauthorized = await startServer((_req, res) => sendJson(res, 401, { message: 'nope' }));
		try {
			const result = await testCredential({ apiKey: 'wrong', baseUrl: unauthorized.url }, { type: 'testGenericApi' });
			assert.deepEqual(result, { status: 'Error', message: 'Authorization failed - please check your credentials' });
			assert.equal(unauthorized.requests[0].headers['x-api-key'], 'wrong');
		} finally {
			await unauthorized.close();
		}
	});

	test('an unreachable host is an Error', async () => {
		const closed = await startServer();
		const url = closed.url;
		await closed.close();
		const result = await testCredential({ ...metaCredentials, useCustomBaseUrl: true, baseUrl: url });
		assert.equal(result.status, 'Error');
		assert.ok(result.message.length > 0);
	});
});

describe('node type registry', () => {
	test('loads our nodes from their TypeScript sources under their full type names', () => {
		const registry = new NodeTypeRegistry();
		const action = registry.getByNameAndVersion('socialMessaging');
		const trigger = registry.getByNameAndVersion(SOCIAL_MESSAGING_TRIGGER_TYPE);
		assert.equal(typeof action.execute, 'function');
		assert.equal(typeof trigger.webhook, 'function');
		assert.ok(trigger.description.webhooks?.some((w) => w.name === 'default'));
		assert.ok(registry.has(SOCIAL_MESSAGING_TYPE));
		assert.throws(() => registry.getByName('n8n-nodes-social-messaging.nope'), /Unrecognized node type/);
	});
});

describe('startTriggerHarness', () => {
	/** A platform with a Meta-style subscription API that verifies the callback URL with a challenge. */
	async function startPlatform(options: { failCreate?: boolean } = {}) {
		const subscriptions: Array<{ id: string; url: string }> = [];
		const challenges: Array<{ status: number; contentType?: string; body: string }> = [];
		let nextId = 1;
		const platform = await startServer(async (req, res) => {
			if (req.method === 'GET' && req.path === '/subscriptions') return sendJson(res, 200, subscriptions);
			if (req.method === 'POST' && req.path === '/subscriptions') {
				if (options.failCreate) return sendJson(res, 500, { error: { message: 'platform down' } });
				const { url, verifyToken } = JSON.parse(req.body) as { url: string; verifyToken: string };
				const challenge = `challenge-${nextId}`;
				const check = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=${challenge}`);
				const body = await check.text();
				challenges.push({ status: check.status, contentType: check.headers.get('content-type') ?? undefined, body });
				if (body !== challenge) return sendJson(res, 400, { error: { message: 'callback verification failed' } });
				const sub = { id: `sub-${nextId++}`, url };
				subscriptions.push(sub);
				return sendJson(res, 200, sub);
			}
			if (req.method === 'DELETE' && req.path.startsWith('/subscriptions/')) {
				const id = req.path.split('/').pop();
				const index = subscriptions.findIndex((s) => s.id === id);
				if (index >= 0) subscriptions.splice(index, 1);
				return sendJson(res, 200, { success: true });
			}
			sendJson(res, 404, {});
		});
		return { ...platform, subscriptions, challenges };
	}

	const sign = (body: string) => `sha256=${hmacHex('app-secret', body)}`;

	test('activation, challenge, signed deliveries, dedupe, restart and deactivation', async () => {
		const platform = await startPlatform();
		const options = {
			nodeType: 'test.stubTrigger',
			parameters: { platformUrl: platform.url, verifyToken: 'verify-me' },
			credentials: { socialMessagingApi: metaCredentials },
		};
		const harness = await startTriggerHarness(options);
		let restarted: Awaited<ReturnType<typeof startTriggerHarness>> | undefined;
		try {
			assert.match(harness.webhookUrl, new RegExp(`^${harness.url}/webhook/.+/webhook$`));

			await harness.activate();
			assert.deepEqual(platform.subscriptions, [{ id: 'sub-1', url: harness.webhookUrl }]);
			assert.deepEqual(platform.challenges, [{ status: 200, contentType: 'text/plain; charset=utf-8', body: 'challenge-1' }]);
			assert.equal(platform.requests[0].headers.authorization, 'Bearer page-token');
			assert.deepEqual(harness.nodeStaticData(), { subscriptionId: 'sub-1' });
			assert.equal(harness.executions.length, 0);

			const forbidden = await harness.request('GET', undefined, {
				query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': 'x' },
			});
			assert.equal(forbidden.status, 403);

			const body = JSON.stringify({ entries: [{ id: 'm1', text: 'hi' }] });
			const unsigned = await harness.request('POST', undefined, {
				headers: { 'content-type': 'application/json', 'x-stub-signature': 'sha256=00' },
				body,
			});
			assert.equal(unsigned.status, 401);
			assert.deepEqual(unsigned.json(), { error: 'bad signature' });
			assert.equal(harness.executions.length, 0);

			// The signature is checked over the exact bytes: re-serialising the JSON would break it.
			const spaced = '{ "entries": [ { "id": "m1", "text": "hi" } ] }';
			const delivered = await harness.request('POST', undefined, {
				headers: { 'content-type': 'application/json', 'x-stub-signature': sign(spaced) },
				body: spaced,
			});
			assert.equal(delivered.status, 200);
			// n8n 2.0 answers onReceived triggers without `responseData` with the literal text "firstEntryJson".
			assert.equal(delivered.text, 'firstEntryJson');
			assert.equal(harness.executions.length, 1);
			assert.deepEqual(harness.executions[0][0].map((i) => i.json), [{ id: 'm1', text: 'hi' }]);
			assert.equal(harness.runs[0].status, 'success');

			const duplicate = await harness.request('POST', undefined, {
				headers: { 'content-type': 'application/json', 'x-stub-signature': sign(body) },
				body,
			});
			assert.equal(duplicate.status, 200);
			assert.deepEqual(duplicate.json(), { message: 'Webhook call received' });
			assert.equal(harness.executions.length, 1);
			assert.deepEqual(harness.nodeStaticData(), { subscriptionId: 'sub-1', seen: ['m1'] });

			// "Restart n8n": a new harness on the same port (same URL, same ids) from the exported static data.
			await harness.close();
			restarted = await startTriggerHarness({ ...options, port: harness.port, staticData: harness.exportStaticData() });
			assert.equal(restarted.webhookUrl, harness.webhookUrl);
			const requestsBefore = platform.requests.length;
			await restarted.activate();
			assert.deepEqual(
				platform.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`),
				['GET /subscriptions'],
				'checkExists found the subscription, so create was not called',
			);
			const again = await restarted.request('POST', undefined, {
				headers: { 'content-type': 'application/json', 'x-stub-signature': sign(body) },
				body,
			});
			assert.deepEqual(again.json(), { message: 'Webhook call received' }, 'dedupe state survived the restart');
			assert.equal(restarted.executions.length, 0);

			await restarted.deactivate();
			assert.deepEqual(platform.subscriptions, []);
			assert.equal(platform.requests.at(-1)?.method, 'DELETE');
			assert.equal(platform.requests.at(-1)?.path, '/subscriptions/sub-1');
			assert.deepEqual(restarted.nodeStaticData(), { seen: ['m1'] });
		} finally {
			await harness.close();
			await restarted?.close();
			await platform.close();
		}
	});

	test('checkExists = true skips create', async () => {
		const platform = await startPlatform();
		const harness = await startTriggerHarness({
			nodeType: 'test.stubTrigger',
			parameters: { platformUrl: platform.url, verifyToken: 'verify-me' },
			credentials: { socialMessagingApi: metaCredentials },
		});
		try {
			platform.subscriptions.push({ id: 'existing', url: harness.webhookUrl });
			await harness.activate();
			assert.deepEqual(
				platform.requests.map((r) => r.method),
				['GET'],
			);
			assert.deepEqual(harness.nodeStaticData(), { subscriptionId: 'existing' });
		} finally {
			await harness.close();
			await platform.close();
		}
	});

	test('a failing create rejects activate() and nothing is saved', async () => {
		const platform = await startPlatform({ failCreate: true });
		const harness = await startTriggerHarness({
			nodeType: 'test.stubTrigger',
			parameters: { platformUrl: platform.url, verifyToken: 'verify-me' },
			credentials: { socialMessagingApi: metaCredentials },
			requireActivation: true,
		});
		try {
			await assert.rejects(harness.activate(), (error: IDataObject) => error.httpCode === '500');
			assert.deepEqual(harness.exportStaticData(), {});
			const notRegistered = await harness.request('POST', undefined, { body: {} });
			assert.equal(notRegistered.status, 404);
		} finally {
			await harness.close();
			await platform.close();
		}
	});

	test('with requireActivation the webhook answers only while active', async () => {
		const platform = await startPlatform();
		const harness = await startTriggerHarness({
			nodeType: 'test.stubTrigger',
			parameters: { platformUrl: platform.url, verifyToken: 'verify-me' },
			credentials: { socialMessagingApi: metaCredentials },
			requireActivation: true,
		});
		const challenge = { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': 'c' };
		try {
			assert.equal((await harness.request('GET', undefined, { query: challenge })).status, 404);
			await harness.activate();
			const answered = await harness.request('GET', undefined, { query: challenge });
			assert.equal(answered.status, 200);
			assert.equal(answered.text, 'c');
			await harness.deactivate();
			assert.equal((await harness.request('GET', undefined, { query: challenge })).status, 404);
		} finally {
			await harness.close();
			await platform.close();
		}
	});
});
