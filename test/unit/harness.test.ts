/**
 * Proves the test harness itself: nodes run through n8n-core's real engine, with the real credential
 * type, real binary data, static data, Continue On Fail, webhooks and the credential tester.
 * Uses the stub nodes of test/harness/testNodes.ts and tiny local HTTP servers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { APP_TOKEN_MARKER_HEADER } from '../../credentials/SocialMessagingApi.credentials';
import { NodeTypeRegistry, SOCIAL_MESSAGING_TRIGGER_TYPE, SOCIAL_MESSAGING_TYPE } from '../harness/nodeTypes';
import { startTriggerHarness } from '../harness/webhook';
import { runNode, runWorkflow, testCredential, type WorkflowJson } from '../harness/workflow';
import { rejectionOf } from '../harness/expect';

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
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(async () => server.close());

	it('httpRequestWithAuthentication applies the real socialMessagingApi credential', async () => {
		server.requests.length = 0;
		const { items, error } = await runNode({
			type: 'test.stubApi',
			parameters: { operation: 'request', url: `${server.url}/v23.0/me/messages` },
			credentials: { socialMessagingApi: metaCredentials },
			items: [{ json: { text: 'first' } }, { json: { text: 'second' } }],
		});

		expect(error).toBeUndefined();
		expect(server.requests.length).toBe(2);
		server.requests.forEach((req, i) => {
			expect(req.method).toBe('POST');
			expect(req.headers.authorization).toBe('Bearer page-token');
			expect(req.query.get('appsecret_proof')).toBe(hmacHex('app-secret', 'page-token'));
			expect(req.query.get('item')).toBe(String(i));
		});
		expect(server.requests.map((r) => JSON.parse(r.body))).toStrictEqual([{ text: 'first' }, { text: 'second' }]);
		expect(items.map((item) => item.json.echoed)).toStrictEqual([{ text: 'first' }, { text: 'second' }]);
		expect(items.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }]);
	});

	it('the app-token marker header switches the credential to the app token and is not sent', async () => {
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
		expect(req.headers.authorization).toBe('Bearer app-1|app-secret');
		expect(req.headers[APP_TOKEN_MARKER_HEADER]).toBeUndefined();
		expect(req.query.get('appsecret_proof')).toBeNull();
	});

	it('a generic (declarative) authenticate is resolved with $credentials expressions', async () => {
		server.requests.length = 0;
		const { error } = await runNode({
			type: 'test.stubApi',
			parameters: { credentialType: 'testGenericApi', operation: 'request', url: `${server.url}/generic` },
			credentials: { testGenericApi: { apiKey: 'key-123', tenant: 'acme' } },
		});
		expect(error).toBeUndefined();
		const [req] = server.requests;
		expect(req.headers['x-api-key']).toBe('key-123');
		expect(req.headers['x-static']).toBe('static-value');
		expect(req.query.get('tenant')).toBe('ACME');
	});

	it('getCredentials gets defaults, drops fields hidden by displayOptions and resolves expressions', async () => {
		const { items } = await runNode({
			type: 'test.stubApi',
			parameters: { credentialType: 'testGenericApi', operation: 'credentials' },
			credentials: { testGenericApi: { apiKey: '={{ "key-" + (40 + 2) }}', proxyUrl: 'http://hidden-because-useProxy-is-false' } },
		});
		expect(items[0].json).toStrictEqual({ apiKey: 'key-42', tenant: 'default-tenant', baseUrl: '', useProxy: false });

		const shown = await runNode({
			type: 'test.stubApi',
			parameters: { credentialType: 'testGenericApi', operation: 'credentials' },
			credentials: { testGenericApi: { apiKey: 'k', useProxy: true, proxyUrl: 'http://proxy' } },
		});
		expect(shown.items[0].json.proxyUrl).toBe('http://proxy');
	});

	it('an unknown credential id fails the node like n8n does', async () => {
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
		expect(result.errorOf('Call')?.message).toBe('Credential with ID "missing" does not exist for type "socialMessagingApi".');
	});

	it('an API error stops the workflow with the NodeApiError details n8n stores', async () => {
		const failing = await startServer((_req, res) =>
			sendJson(res, 400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } }),
		);
		try {
			const { items, error, result } = await runNode({
				type: 'test.stubApi',
				parameters: { operation: 'request', url: `${failing.url}/v23.0/me/messages` },
				credentials: { socialMessagingApi: metaCredentials },
			});
			expect(items).toStrictEqual([]);
			expect(error).toBeTruthy();
			expect(error!.name).toBe('NodeApiError');
			expect(error!.httpCode).toBe('400');
			expect(typeof error!.message).toBe('string');
			expect(error!.description).toBe('Invalid OAuth access token.');
			expect(result.status).toBe('error');
			expect(result.error?.message).toBe(error!.message);
		} finally {
			await failing.close();
		}
	});

	it('continueOnFail: failing items become error items and the others still run', async () => {
		const items = [{ json: { fail: false } }, { json: { fail: true } }, { json: { fail: false } }];
		const tolerant = await runNode({ type: 'test.stubApi', parameters: { operation: 'fail' }, items, continueOnFail: true });
		expect(tolerant.error).toBeUndefined();
		expect(tolerant.items.map((i) => i.json)).toStrictEqual([{ ok: 0 }, { error: 'Item 1 asked to fail' }, { ok: 2 }]);

		const strict = await runNode({ type: 'test.stubApi', parameters: { operation: 'fail' }, items });
		expect(strict.items).toStrictEqual([]);
		expect(strict.error?.message).toBe('Item 1 asked to fail');
		expect(strict.error?.description).toBe('Set fail to false to let it pass');
		expect(strict.error?.context?.itemIndex).toBe(1);
	});

	it('binary data round-trips through prepareBinaryData / getBinaryDataBuffer in memory', async () => {
		const bytes = randomBytes(4096);
		const { items, error } = await runNode({
			type: 'test.stubApi',
			parameters: { operation: 'echoBinary' },
			items: [{ json: {}, binary: { data: { data: bytes, mimeType: 'image/png', fileName: 'photo.png' } } }],
		});
		expect(error).toBeUndefined();
		expect(items[0].json.receivedBytes).toBe(4096);
		const out = items[0].binary?.data;
		expect(out).toBeTruthy();
		// in-memory mode keeps the data inline
		expect(out!.id).toBeUndefined();
		expect(out!.mimeType).toBe('image/png');
		expect(out!.fileName).toBe('echo-photo.png');
		expect(Buffer.from(out!.data, 'base64').equals(Buffer.concat([bytes, Buffer.from('-echo')]))).toBeTruthy();
	});

	it('static data persists from one run to the next when handed back', async () => {
		const first = await runNode({ type: 'test.stubApi', parameters: { operation: 'countStatic' } });
		expect(first.items[0].json.count).toBe(1);
		const second = await runNode({
			type: 'test.stubApi',
			parameters: { operation: 'countStatic' },
			staticData: first.result.staticData,
		});
		expect(second.items[0].json.count).toBe(2);
		expect(second.result.staticData).toStrictEqual({ 'node:Stub API': { count: 2 } });
	});

	it('runWorkflow runs exported workflow JSON from its Manual Trigger', async () => {
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
		expect(result.status).toBe('success');
		expect(result.executedNodes).toStrictEqual(['Start', 'Items', 'Pass']);
		expect(result.outputOf('Pass').map((i) => i.json)).toStrictEqual([{ n: 1 }, { n: 2 }]);
		expect(() => result.outputOf('Unconnected')).toThrow(/did not run/);
	});

	it('timeoutMs cancels a run through the engine abort signal', async () => {
		const started = Date.now();
		const { result } = await runNode({ type: 'test.stubApi', parameters: { operation: 'waitForCancel' }, timeoutMs: 300 });
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.status).toBe('canceled');
		expect(String(result.error?.message)).toMatch(/timed out after 300 ms/);
	});
});

describe('testCredential (n8n CredentialsTester semantics)', () => {
	let graph: Awaited<ReturnType<typeof startServer>>;
	beforeAll(async () => {
		graph = await startServer((req, res) => {
			if (req.headers.authorization === 'Bearer good-token') {
				sendJson(res, 200, { id: '1001', name: 'My Page' });
			} else {
				sendJson(res, 400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
			}
		});
	});
	afterAll(async () => graph.close());

	const credentialsFor = (accessToken: string) => ({
		...metaCredentials,
		accessToken,
		useCustomBaseUrl: true,
		baseUrl: `${graph.url}/`,
	});

	it('OK when the test request succeeds, sent with the credential applied', async () => {
		graph.requests.length = 0;
		const result = await testCredential(credentialsFor('good-token'));
		expect(result).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		const [req] = graph.requests;
		expect(req.path).toBe('/v25.0/1001'); // the credential's default version
		expect(req.query.get('fields')).toBe('id,name');
		expect(req.query.get('appsecret_proof')).toBe(hmacHex('app-secret', 'good-token'));
	});

	it('a responseSuccessBody rule turns an error body into its message', async () => {
		const result = await testCredential(credentialsFor('bad-token'));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/access token is invalid or has expired/);
	});

	it('n8n 2.0 quirk: a responseCode rule is never applied, the NodeApiError message is returned', async () => {
		// In n8n-workflow 2.0.1 ExecutionBaseError re-declares `cause`, so the thrown NodeApiError has no
		// `cause.response` and CredentialsTester falls through to `error.message`. n8n 2.0.3 behaves the same.
		const unauthorized = await startServer((_req, res) => sendJson(res, 401, { message: 'nope' }));
		try {
			const result = await testCredential({ apiKey: 'wrong', baseUrl: unauthorized.url }, { type: 'testGenericApi' });
			expect(result).toStrictEqual({ status: 'Error', message: 'Authorization failed - please check your credentials' });
			expect(unauthorized.requests[0].headers['x-api-key']).toBe('wrong');
		} finally {
			await unauthorized.close();
		}
	});

	it('an unreachable host is an Error', async () => {
		const closed = await startServer();
		const url = closed.url;
		await closed.close();
		const result = await testCredential({ ...metaCredentials, useCustomBaseUrl: true, baseUrl: url });
		expect(result.status).toBe('Error');
		expect(result.message.length).toBeGreaterThan(0);
	});
});

describe('node type registry', () => {
	it('loads our nodes from their TypeScript sources under their full type names', () => {
		const registry = new NodeTypeRegistry();
		const action = registry.getByNameAndVersion('socialMessaging');
		const trigger = registry.getByNameAndVersion(SOCIAL_MESSAGING_TRIGGER_TYPE);
		expect(typeof action.execute).toBe('function');
		expect(typeof trigger.webhook).toBe('function');
		expect(trigger.description.webhooks?.some((w) => w.name === 'default')).toBeTruthy();
		expect(registry.has(SOCIAL_MESSAGING_TYPE)).toBeTruthy();
		expect(() => registry.getByName('n8n-nodes-social-messaging.nope')).toThrow(/Unrecognized node type/);
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

	it('activation, challenge, signed deliveries, dedupe, restart and deactivation', async () => {
		const platform = await startPlatform();
		const options = {
			nodeType: 'test.stubTrigger',
			parameters: { platformUrl: platform.url, verifyToken: 'verify-me' },
			credentials: { socialMessagingApi: metaCredentials },
		};
		const harness = await startTriggerHarness(options);
		let restarted: Awaited<ReturnType<typeof startTriggerHarness>> | undefined;
		try {
			expect(harness.webhookUrl).toMatch(new RegExp(`^${harness.url}/webhook/.+/webhook$`));

			await harness.activate();
			expect(platform.subscriptions).toStrictEqual([{ id: 'sub-1', url: harness.webhookUrl }]);
			expect(platform.challenges).toStrictEqual([{ status: 200, contentType: 'text/plain; charset=utf-8', body: 'challenge-1' }]);
			expect(platform.requests[0].headers.authorization).toBe('Bearer page-token');
			expect(harness.nodeStaticData()).toStrictEqual({ subscriptionId: 'sub-1' });
			expect(harness.executions.length).toBe(0);

			const forbidden = await harness.request('GET', undefined, {
				query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': 'x' },
			});
			expect(forbidden.status).toBe(403);

			const body = JSON.stringify({ entries: [{ id: 'm1', text: 'hi' }] });
			const unsigned = await harness.request('POST', undefined, {
				headers: { 'content-type': 'application/json', 'x-stub-signature': 'sha256=00' },
				body,
			});
			expect(unsigned.status).toBe(401);
			expect(unsigned.json()).toStrictEqual({ error: 'bad signature' });
			expect(harness.executions.length).toBe(0);

			// The signature is checked over the exact bytes: re-serialising the JSON would break it.
			const spaced = '{ "entries": [ { "id": "m1", "text": "hi" } ] }';
			const delivered = await harness.request('POST', undefined, {
				headers: { 'content-type': 'application/json', 'x-stub-signature': sign(spaced) },
				body: spaced,
			});
			expect(delivered.status).toBe(200);
			// n8n 2.0 answers onReceived triggers without `responseData` with the literal text "firstEntryJson".
			expect(delivered.text).toBe('firstEntryJson');
			expect(harness.executions.length).toBe(1);
			expect(harness.executions[0][0].map((i) => i.json)).toStrictEqual([{ id: 'm1', text: 'hi' }]);
			expect(harness.runs[0].status).toBe('success');

			const duplicate = await harness.request('POST', undefined, {
				headers: { 'content-type': 'application/json', 'x-stub-signature': sign(body) },
				body,
			});
			expect(duplicate.status).toBe(200);
			expect(duplicate.json()).toStrictEqual({ message: 'Webhook call received' });
			expect(harness.executions.length).toBe(1);
			expect(harness.nodeStaticData()).toStrictEqual({ subscriptionId: 'sub-1', seen: ['m1'] });

			// "Restart n8n": a new harness on the same port (same URL, same ids) from the exported static data.
			await harness.close();
			restarted = await startTriggerHarness({ ...options, port: harness.port, staticData: harness.exportStaticData() });
			expect(restarted.webhookUrl).toBe(harness.webhookUrl);
			const requestsBefore = platform.requests.length;
			await restarted.activate();
			// checkExists found the subscription, so create was not called
			expect(platform.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`)).toStrictEqual(['GET /subscriptions']);
			const again = await restarted.request('POST', undefined, {
				headers: { 'content-type': 'application/json', 'x-stub-signature': sign(body) },
				body,
			});
			// dedupe state survived the restart
			expect(again.json()).toStrictEqual({ message: 'Webhook call received' });
			expect(restarted.executions.length).toBe(0);

			await restarted.deactivate();
			expect(platform.subscriptions).toStrictEqual([]);
			expect(platform.requests.at(-1)?.method).toBe('DELETE');
			expect(platform.requests.at(-1)?.path).toBe('/subscriptions/sub-1');
			expect(restarted.nodeStaticData()).toStrictEqual({ seen: ['m1'] });
		} finally {
			await harness.close();
			await restarted?.close();
			await platform.close();
		}
	});

	it('checkExists = true skips create', async () => {
		const platform = await startPlatform();
		const harness = await startTriggerHarness({
			nodeType: 'test.stubTrigger',
			parameters: { platformUrl: platform.url, verifyToken: 'verify-me' },
			credentials: { socialMessagingApi: metaCredentials },
		});
		try {
			platform.subscriptions.push({ id: 'existing', url: harness.webhookUrl });
			await harness.activate();
			expect(platform.requests.map((r) => r.method)).toStrictEqual(['GET']);
			expect(harness.nodeStaticData()).toStrictEqual({ subscriptionId: 'existing' });
		} finally {
			await harness.close();
			await platform.close();
		}
	});

	it('a failing create rejects activate() and nothing is saved', async () => {
		const platform = await startPlatform({ failCreate: true });
		const harness = await startTriggerHarness({
			nodeType: 'test.stubTrigger',
			parameters: { platformUrl: platform.url, verifyToken: 'verify-me' },
			credentials: { socialMessagingApi: metaCredentials },
			requireActivation: true,
		});
		try {
			await rejectionOf<IDataObject>(harness.activate()).then((error: IDataObject) => expect(error.httpCode === '500').toBe(true));
			expect(harness.exportStaticData()).toStrictEqual({});
			const notRegistered = await harness.request('POST', undefined, { body: {} });
			expect(notRegistered.status).toBe(404);
		} finally {
			await harness.close();
			await platform.close();
		}
	});

	it('with requireActivation the webhook answers only while active', async () => {
		const platform = await startPlatform();
		const harness = await startTriggerHarness({
			nodeType: 'test.stubTrigger',
			parameters: { platformUrl: platform.url, verifyToken: 'verify-me' },
			credentials: { socialMessagingApi: metaCredentials },
			requireActivation: true,
		});
		const challenge = { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': 'c' };
		try {
			expect((await harness.request('GET', undefined, { query: challenge })).status).toBe(404);
			await harness.activate();
			const answered = await harness.request('GET', undefined, { query: challenge });
			expect(answered.status).toBe(200);
			expect(answered.text).toBe('c');
			await harness.deactivate();
			expect((await harness.request('GET', undefined, { query: challenge })).status).toBe(404);
		} finally {
			await harness.close();
			await platform.close();
		}
	});
});
