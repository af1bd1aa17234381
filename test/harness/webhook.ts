/**
 * Runs a webhook trigger node (`webhooks` + `webhookMethods` + `webhook()`) the way an active n8n
 * workflow does, behind a real HTTP server on 127.0.0.1.
 *
 *   startTriggerHarness(options): Promise<TriggerHarness>
 *     options: {
 *       nodeType: 'socialMessagingTrigger' | fullType,  parameters?: INodeParameters,
 *       credentials?: { [credentialTypeName]: data },
 *       staticData?: IDataObject   workflow static data to start from, as exportStaticData() returned it
 *                                  (keys 'node:<node name>'); use it to simulate an n8n restart,
 *       nodeName?: string (default the type's defaults.name), typeVersion?: number,
 *       workflowId?: string (default 'harness-trigger-workflow'), webhookId?: string (default DEFAULT_WEBHOOK_ID);
 *         both stable across instances, like a saved workflow, so a "restarted" harness has the same ids,
 *       port?: number (default 0 = any free port; pass the old harness's `port` to keep the same URLs),
 *       requireActivation?: boolean (default false: webhooks answer at once; true: each webhook answers from
 *                                    the moment activate() reaches it — n8n stores a webhook just before running
 *                                    its checkExists/create, in the order of `description.webhooks` — until
 *                                    deactivate() or a failed activate()),
 *       activationMode?: WorkflowActivateMode (default 'activate'; 'init' is what a restart uses),
 *       testWebhook?: boolean (default false; true: the editor's "Listen for test event" as n8n 2.0's
 *                              TestWebhooks runs it: URLs under /webhook-test/, checkExists/create in mode
 *                              and activation 'manual' on static data that starts empty (options.staticData
 *                              is ignored) and is kept for the delete; webhook() sees it but saves nothing),
 *       runExecutions?: boolean (default true: emitted items are also run through WorkflowExecute in
 *                                'webhook' mode, as n8n starts an execution; see `runs`),
 *       noResponseTimeoutMs?: number (default 2000: how long to wait for a node that returned
 *                                     noWebhookResponse to answer before the harness answers 500),
 *       nodeTypes?, credentialTypes?  as for runWorkflow
 *     }
 *   TriggerHarness = {
 *     url: string                       server origin, e.g. http://127.0.0.1:41234;  port: number
 *     webhookUrl: string                getNodeWebhookUrl('default'): <url>/webhook/<webhookId>/<path>
 *     webhookUrlOf(name: 'default' | 'setup'): string
 *     activate(): Promise<void>         per webhook: webhookMethods[name].checkExists, then create if false
 *                                       (HookContext, mode 'trigger', activation `activationMode`). If one
 *                                       throws, the harness runs `delete` (mode 'internal', activation
 *                                       'update') on the static data saved before activation — as n8n's
 *                                       clear-up does — then rethrows the original error.
 *     deactivate(): Promise<void>       webhookMethods[name].delete (mode 'internal', activation 'update');
 *                                       errors propagate (n8n itself only logs them)
 *     executions: INodeExecutionData[][][]   workflowData of every webhook() call that returned some
 *     runs: IRun[]                      the matching WorkflowExecute runs (runExecutions)
 *     calls: WebhookCall[]              every request: { method, path, webhookName?, status, outcome, error? }
 *                                       outcome: 'execution' | 'noExecution' | 'answeredByNode' | 'nodeError' |
 *                                                'notRegistered' | 'badRequest' | 'unanswered'
 *     cleanupErrors: Error[]            errors of the `delete` clean-up after a failed activate() (n8n logs them)
 *     request(method, path?, { headers?, query?, body? }): Promise<HarnessResponse>
 *                                       path defaults to the path of the webhook with that HTTP method;
 *                                       body: Buffer | string (sent as is) | object (JSON)
 *     exportStaticData(): IDataObject   the persisted workflow static data (JSON copy)
 *     nodeStaticData(): IDataObject     the persisted getWorkflowStaticData('node') object (JSON copy)
 *     close(): Promise<void>
 *   }
 *   HarnessResponse = { status, headers, body: Buffer, text: string, json<T>(): T }
 *
 * Per request, like n8n: a fresh Workflow is built from the persisted static data; the body is read into
 * `req.rawBody` (exact bytes; gzip/deflate undone) and parsed into `req.body` by content type (JSON,
 * urlencoded, text/plain; else `{}`; unparseable JSON → 422); `req.query` is parsed like Express 5's
 * simple parser (node:querystring, so `hub.mode` stays a flat key); then the node's `webhook()` runs in
 * n8n-core's WebhookContext (mode 'webhook') with a response object offering Express's `status`, `send`,
 * `json`, `type`, `set`/`header`, `get`, `sendStatus` plus Node's `setHeader`/`writeHead`/`end`. After it:
 * - it threw → 500 `{ code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' }`
 *   (unless already answered); static data is not saved
 * - `noWebhookResponse: true` → the node answered; the harness adds nothing (n8n would leave an unanswered
 *   request hanging; the harness answers 500 after noResponseTimeoutMs and records outcome 'unanswered')
 * - `workflowData` → recorded as an execution; answered with the description's `responseCode` (default
 *   200) and — n8n 2.0 quirk — the description's `responseData` evaluated with default 'firstEntryJson',
 *   so a trigger declaring no `responseData` answers the text `firstEntryJson` ('noData' → empty body;
 *   only a falsy responseData falls back to `webhookResponse ?? { message: 'Workflow was started' }`)
 * - otherwise → no execution; answered `webhookResponse ?? { message: 'Webhook call received' }` (JSON unless a string)
 * `req.body` stays undefined when nothing was parsed (GET, other content types), as in n8n.
 * Static data is saved if n8n would see it as changed (`__dataChanged`), as n8n does after each call
 * that did not throw.
 * Unlike n8n (which answers `onReceived` before the execution runs), the harness answers after recording
 * and running the execution, so `await harness.request(…)` sees it.
 */
import { Buffer } from 'node:buffer';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import { createGunzip, createInflate } from 'node:zlib';

import { HookContext, WebhookContext, WorkflowExecute, ExecutionLifecycleHooks, parseIncomingMessage } from 'n8n-core';
import {
	NodeHelpers,
	Workflow,
	createDeferredPromise,
	createRunExecutionData,
	jsonParse,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestMethods,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IRun,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WebhookSetupMethodNames,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { buildAdditionalData } from './additionalData';
import { HarnessCredentialsHelper, credentialStoreFor } from './credentials';
import { ensureN8nCore } from './env';
import { CredentialTypeRegistry, NodeTypeRegistry, resolveNodeType, type NodeTypeSource } from './nodeTypes';

export interface TriggerHarnessOptions {
	nodeType: string;
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	staticData?: IDataObject;
	nodeName?: string;
	typeVersion?: number;
	webhookId?: string;
	workflowId?: string;
	port?: number;
	requireActivation?: boolean;
	activationMode?: WorkflowActivateMode;
	testWebhook?: boolean;
	runExecutions?: boolean;
	noResponseTimeoutMs?: number;
	nodeTypes?: Record<string, NodeTypeSource>;
	credentialTypes?: ICredentialType[];
}

export interface WebhookCall {
	method: string;
	path: string;
	webhookName?: string;
	status: number;
	outcome: 'execution' | 'noExecution' | 'answeredByNode' | 'nodeError' | 'notRegistered' | 'badRequest' | 'unanswered';
	error?: Error;
}

export interface HarnessResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	text: string;
	json<T = unknown>(): T;
}

export interface RequestOptions {
	headers?: Record<string, string>;
	query?: Record<string, string | string[]>;
	body?: Buffer | string | object;
}

export interface TriggerHarness {
	url: string;
	port: number;
	webhookUrl: string;
	webhookUrlOf(name: string): string;
	activate(): Promise<void>;
	deactivate(): Promise<void>;
	executions: INodeExecutionData[][][];
	runs: IRun[];
	calls: WebhookCall[];
	cleanupErrors: Error[];
	request(method: string, path?: string, options?: RequestOptions): Promise<HarnessResponse>;
	exportStaticData(): IDataObject;
	nodeStaticData(): IDataObject;
	close(): Promise<void>;
}

interface RegisteredWebhook {
	httpMethod: IHttpRequestMethods;
	path: string;
	description: IWebhookDescription;
}

type HarnessRequest = IncomingMessage & IDataObject & { rawBody: Buffer; body: unknown; query: IDataObject };
/** The Express response methods `expressify` adds (the ones n8n nodes call on `getResponseObject()`). */
interface ExpressResponseMethods {
	status(code: number): HarnessResponseObject;
	set(field: string | Record<string, string>, value?: string | string[]): HarnessResponseObject;
	header(field: string | Record<string, string>, value?: string | string[]): HarnessResponseObject;
	get(field: string): ReturnType<ServerResponse['getHeader']>;
	type(type: string): HarnessResponseObject;
	json(body: unknown): HarnessResponseObject;
	send(body?: unknown): HarnessResponseObject;
	sendStatus(code: number): HarnessResponseObject;
}
type HarnessResponseObject = ServerResponse & ExpressResponseMethods;

function jsonCopy<T>(value: T): T {
	return JSON.parse(JSON.stringify(value ?? {})) as T;
}

async function readRawBody(req: IncomingMessage): Promise<Buffer> {
	let stream: NodeJS.ReadableStream = req;
	const encoding = req.headers['content-encoding'];
	if (encoding === 'gzip') stream = req.pipe(createGunzip());
	else if (encoding === 'deflate') stream = req.pipe(createInflate());
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	return Buffer.concat(chunks);
}

const MIME_SHORTHANDS: Record<string, string> = {
	json: 'application/json',
	text: 'text/plain',
	html: 'text/html',
	xml: 'application/xml',
	bin: 'application/octet-stream',
};

/** Gives a Node ServerResponse the Express methods n8n nodes call on `getResponseObject()`. */
function expressify(res: ServerResponse): HarnessResponseObject {
	const r = res as HarnessResponseObject;
	const withCharset = (type: string) => (/^text\/|json/.test(type) && !type.includes('charset') ? `${type}; charset=utf-8` : type);
	r.status = (code: number) => {
		res.statusCode = code;
		return r;
	};
	r.set = r.header = (field: string | Record<string, string>, value?: string | string[]) => {
		if (typeof field === 'object') for (const [k, v] of Object.entries(field)) res.setHeader(k, v);
		else res.setHeader(field, value ?? '');
		return r;
	};
	r.get = (field: string) => res.getHeader(field);
	r.type = (type: string) => {
		res.setHeader('Content-Type', withCharset(type.includes('/') ? type : (MIME_SHORTHANDS[type] ?? type)));
		return r;
	};
	r.json = (body: unknown) => {
		if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json; charset=utf-8');
		const text = JSON.stringify(body);
		res.setHeader('Content-Length', Buffer.byteLength(text ?? ''));
		res.end(text);
		return r;
	};
	r.send = (body?: unknown) => {
		if (body === undefined || body === null) {
			res.end();
		} else if (Buffer.isBuffer(body)) {
			if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/octet-stream');
			res.setHeader('Content-Length', body.length);
			res.end(body);
		} else if (typeof body === 'string') {
			if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'text/html; charset=utf-8');
			res.setHeader('Content-Length', Buffer.byteLength(body));
			res.end(body);
		} else {
			r.json(body);
		}
		return r;
	};
	r.sendStatus = (code: number) => {
		res.statusCode = code;
		return r.send(http.STATUS_CODES[code] ?? String(code));
	};
	return r;
}

function expressifyRequest(req: IncomingMessage, url: URL, rawBody: Buffer): HarnessRequest {
	const r = req as HarnessRequest;
	parseIncomingMessage(req);
	r.rawBody = rawBody;
	r._body = true;
	r.query = parseQueryString(url.search.slice(1)) as IDataObject;
	r.params = {};
	r.cookies = {};
	r.path = url.pathname;
	r.originalUrl = req.url;
	r.hostname = url.hostname;
	r.protocol = 'http';
	r.secure = false;
	r.ip = req.socket.remoteAddress;
	r.get = r.header = (name: string) => req.headers[name.toLowerCase()];
	// n8n registers its webhook routes before its body-parser middleware: unparsed bodies stay undefined.
	r.body = undefined;
	const contentType = r.contentType as string | undefined;
	const encoding = (r.encoding as BufferEncoding | undefined) ?? 'utf-8';
	if (rawBody.length) {
		if (contentType === 'application/json') {
			r.body = jsonParse(rawBody.toString(encoding));
		} else if (contentType === 'application/x-www-form-urlencoded') {
			r.body = parseQueryString(rawBody.toString(encoding), undefined, undefined, { maxKeys: 1000 });
		} else if (contentType === 'text/plain') {
			r.body = rawBody.toString(encoding);
		}
	}
	return r;
}

/** Stable webhookId (n8n gives every webhook node a UUID when it is added to the canvas). */
export const DEFAULT_WEBHOOK_ID = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

export async function startTriggerHarness(options: TriggerHarnessOptions): Promise<TriggerHarness> {
	ensureN8nCore();
	const type = resolveNodeType(options.nodeType);
	const nodeTypes = new NodeTypeRegistry(options.nodeTypes);
	const nodeType: INodeType = nodeTypes.getByNameAndVersion(type, options.typeVersion);
	if (typeof nodeType.webhook !== 'function' || !nodeType.description.webhooks?.length) {
		throw new Error(`startTriggerHarness: ${type} has no webhook() / webhooks`);
	}
	const typeVersion = options.typeVersion ?? Math.max(...[nodeType.description.version].flat());
	const nodeName = options.nodeName ?? nodeType.description.defaults.name ?? 'Trigger';
	// Stable by default, like a saved workflow: ids feed webhook URLs (and may feed derived secrets).
	const workflowId = options.workflowId ?? 'harness-trigger-workflow';

	const { store: credentialStore, nodeCredentials } = credentialStoreFor(options.credentials);
	const credentialsHelper = new HarnessCredentialsHelper(new CredentialTypeRegistry(options.credentialTypes), credentialStore);

	const nodeJson: INode = {
		id: 'trigger-under-test',
		name: nodeName,
		type,
		typeVersion,
		position: [0, 0],
		parameters: jsonCopy(options.parameters ?? {}),
		credentials: nodeCredentials,
		webhookId: options.webhookId ?? DEFAULT_WEBHOOK_ID,
	};

	// "Database" copy of the workflow's static data; every operation starts from it.
	const isTest = options.testWebhook === true;
	const urlPrefix = isTest ? 'webhook-test' : 'webhook';
	// A test listen starts from empty static data (n8n's TestWebhooks.toWorkflow), never the saved one.
	let persistedStaticData: IDataObject = isTest ? {} : jsonCopy(options.staticData ?? {});
	const makeWorkflow = () =>
		new Workflow({
			id: workflowId,
			name: 'Trigger harness workflow',
			nodes: [jsonCopy(nodeJson)],
			connections: {},
			active: true,
			nodeTypes,
			settings: { executionOrder: 'v1' },
			staticData: jsonCopy(persistedStaticData),
		});
	const saveStaticDataIfChanged = (workflow: Workflow) => {
		if ((workflow.staticData as IDataObject).__dataChanged === true) {
			persistedStaticData = jsonCopy(workflow.staticData as IDataObject);
		}
	};

	// Webhook paths as n8n computes them (WebhookService.getNodeWebhooks).
	const listWebhooks = (workflow: Workflow): RegisteredWebhook[] => {
		const node = workflow.getNode(nodeName)!;
		const list: RegisteredWebhook[] = [];
		for (const description of nodeType.description.webhooks ?? []) {
			if (description.restartWebhook === true) continue;
			let nodePath = String(workflow.expression.getSimpleParameterValue(node, description.path, 'internal', {}) ?? '');
			nodePath = nodePath.replace(/^\//, '').replace(/\/$/, '');
			const isFullPath = workflow.expression.getSimpleParameterValue(node, description.isFullPath, 'internal', {}, undefined, false) as boolean;
			const path = NodeHelpers.getNodeWebhookPath(workflowId, node, nodePath, isFullPath, false);
			const methods = String(workflow.expression.getSimpleParameterValue(node, description.httpMethod, 'internal', {}, undefined, 'GET'));
			for (const method of methods.split(',')) {
				if (method.trim()) list.push({ httpMethod: method.trim() as IHttpRequestMethods, path, description });
			}
		}
		return list;
	};

	const server = http.createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', resolve);
	});
	const port = (server.address() as AddressInfo).port;
	const origin = `http://127.0.0.1:${port}`;

	const additionalDataFor = (): IWorkflowExecuteAdditionalData => buildAdditionalData({ credentialsHelper, baseUrl: origin });
	const webhookData = (workflow: Workflow, webhook: RegisteredWebhook, additionalData: IWorkflowExecuteAdditionalData): IWebhookData => ({
		httpMethod: webhook.httpMethod,
		node: nodeName,
		path: webhook.path,
		webhookDescription: webhook.description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		isTest,
	});

	const executions: INodeExecutionData[][][] = [];
	const runs: IRun[] = [];
	const calls: WebhookCall[] = [];
	const cleanupErrors: Error[] = [];
	// Webhooks n8n would route to this node (keys "METHOD path"); everything when !requireActivation.
	const registered = new Set<string>();
	const keyOf = (w: RegisteredWebhook) => `${w.httpMethod} ${w.path}`;
	const isRegistered = (w: RegisteredWebhook) => options.requireActivation !== true || registered.has(keyOf(w));

	const runWebhookMethod = async (
		method: WebhookSetupMethodNames,
		workflow: Workflow,
		mode: WorkflowExecuteMode,
		activation: WorkflowActivateMode,
		webhook: RegisteredWebhook,
	): Promise<boolean | undefined> => {
		const fn = nodeType.webhookMethods?.[webhook.description.name]?.[method];
		if (fn === undefined) return undefined;
		const additionalData = additionalDataFor();
		const context = new HookContext(workflow, workflow.getNode(nodeName)!, additionalData, mode, activation, webhookData(workflow, webhook, additionalData));
		return (await fn.call(context)) as boolean;
	};

	const runDeleteAll = async () => {
		const workflow = makeWorkflow();
		for (const webhook of listWebhooks(workflow)) await runWebhookMethod('delete', workflow, 'internal', 'update', webhook);
		saveStaticDataIfChanged(workflow);
	};

	const runExecution = async (workflow: Workflow, workflowData: INodeExecutionData[][]) => {
		const executionId = `${workflowId}-execution-${executions.length}`;
		const hooks = new ExecutionLifecycleHooks('webhook', executionId, {
			id: workflowId,
			name: workflow.name,
			nodes: Object.values(workflow.nodes),
			connections: {},
		} as unknown as IWorkflowBase);
		const finished = createDeferredPromise<IRun>();
		hooks.addHandler('workflowExecuteAfter', (run) => finished.resolve(run));
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node: workflow.getNode(nodeName)!, data: { main: workflowData }, source: null }] },
		});
		const workflowExecute = new WorkflowExecute(buildAdditionalData({ credentialsHelper, baseUrl: origin, hooks, executionId }), 'webhook', runExecutionData);
		workflowExecute.processRunExecutionData(workflow).catch(finished.reject);
		runs.push(await finished.promise);
	};

	const handle = async (req: IncomingMessage, rawRes: ServerResponse) => {
		const res = expressify(rawRes);
		const url = new URL(req.url ?? '/', origin);
		const method = (req.method ?? 'GET').toUpperCase();
		const call: WebhookCall = { method, path: url.pathname, status: 0, outcome: 'notRegistered' };
		calls.push(call);
		const finish = () => {
			call.status = rawRes.statusCode;
		};
		rawRes.on('finish', finish);

		const workflow = makeWorkflow();
		const pathWithinWebhooks = url.pathname.startsWith(`/${urlPrefix}/`) ? url.pathname.slice(`/${urlPrefix}/`.length).replace(/\/$/, '') : undefined;
		const webhook = listWebhooks(workflow).find((w) => w.path === pathWithinWebhooks && w.httpMethod === method && isRegistered(w));
		if (!webhook) {
			res.status(404).json({ code: 404, message: `The requested webhook "${method} ${pathWithinWebhooks ?? url.pathname}" is not registered.` });
			return;
		}
		call.webhookName = webhook.description.name;

		let request: HarnessRequest;
		try {
			request = expressifyRequest(req, url, await readRawBody(req));
		} catch (error) {
			call.outcome = 'badRequest';
			call.error = error as Error;
			res.status(422).json({ code: 422, message: 'Failed to parse request body', hint: (error as Error).message });
			return;
		}

		const additionalData = additionalDataFor();
		additionalData.httpRequest = request as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
		additionalData.httpResponse = res as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
		const context = new WebhookContext(workflow, workflow.getNode(nodeName)!, additionalData, 'webhook', webhookData(workflow, webhook, additionalData), [], null);

		let result: IWebhookResponseData;
		try {
			result = await nodeType.webhook!.call(context);
		} catch (error) {
			// n8n answers with an error and does not save static data in this case.
			call.outcome = 'nodeError';
			call.error = error as Error;
			if (!rawRes.headersSent) res.status(500).json({ code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' });
			return;
		}
		// A test webhook's static data is not saved (n8n's setTestStaticData).
		if (!isTest) saveStaticDataIfChanged(workflow);

		if (result.workflowData !== undefined) {
			executions.push(result.workflowData);
			call.outcome = 'execution';
			if (options.runExecutions !== false) {
				try {
					await runExecution(workflow, result.workflowData);
					saveStaticDataIfChanged(workflow);
				} catch (error) {
					call.error = error as Error;
				}
			}
		} else {
			call.outcome = result.noWebhookResponse === true ? 'answeredByNode' : 'noExecution';
		}

		if (result.noWebhookResponse === true) {
			if (!rawRes.writableEnded) {
				const answered = await new Promise<boolean>((resolve) => {
					const timer = setTimeout(() => resolve(false), options.noResponseTimeoutMs ?? 2000);
					rawRes.once('finish', () => {
						clearTimeout(timer);
						resolve(true);
					});
				});
				if (!answered) {
					call.outcome = 'unanswered';
					call.error = new Error('webhook() returned noWebhookResponse: true but never ended the response');
					if (!rawRes.headersSent) res.status(500).json({ message: call.error.message });
					else rawRes.end();
				}
			}
			return;
		}
		if (rawRes.headersSent) return;
		// What n8n 2.0's executeWebhook + WebhookRequestHandler send (responseMode 'onReceived').
		const node = workflow.getNode(nodeName)!;
		const responseCode = workflow.expression.getSimpleParameterValue(node, webhook.description.responseCode as string, 'webhook', {}, undefined, 200) as number;
		res.status(responseCode);
		let body: unknown;
		if (result.workflowData === undefined) {
			body = result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Webhook call received' };
		} else {
			// n8n evaluates the description's `responseData` with the default 'firstEntryJson' and, in
			// onReceived mode, sends any truthy value as the body — so a trigger that declares no
			// `responseData` answers the literal text "firstEntryJson" (n8n 2.0.x behaviour).
			const responseData = workflow.expression.getComplexParameterValue(node, webhook.description.responseData, 'webhook', {}, undefined, 'firstEntryJson');
			if (responseData === 'noData') body = undefined;
			else if (responseData) body = responseData;
			else body = result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Workflow was started' };
		}
		if (typeof body === 'string') res.send(body);
		else res.json(body);
	};

	server.on('request', (req: IncomingMessage, res: ServerResponse) => {
		handle(req, res).catch((error: unknown) => {
			calls.at(-1)!.error = error as Error;
			if (!res.headersSent) {
				res.statusCode = 500;
				res.end(String((error as Error).message));
			} else {
				res.end();
			}
		});
	});

	const webhookUrlOf = (name: string) => {
		const workflow = makeWorkflow();
		const webhook = listWebhooks(workflow).find((w) => w.description.name === name);
		if (!webhook) throw new Error(`The node has no webhook named "${name}"`);
		return `${origin}/${urlPrefix}/${webhook.path}`;
	};

	const request = async (method: string, path?: string, requestOptions: RequestOptions = {}): Promise<HarnessResponse> => {
		const upper = method.toUpperCase();
		let target: URL;
		if (path === undefined) {
			const webhook = listWebhooks(makeWorkflow()).find((w) => w.httpMethod === upper);
			if (!webhook) throw new Error(`The node has no ${upper} webhook; pass a path`);
			target = new URL(`/${urlPrefix}/${webhook.path}`, origin);
		} else {
			target = new URL(path, origin);
		}
		for (const [key, value] of Object.entries(requestOptions.query ?? {})) {
			for (const v of [value].flat()) target.searchParams.append(key, v);
		}
		const headers: Record<string, string> = { ...(requestOptions.headers ?? {}) };
		let body: Buffer | undefined;
		const given = requestOptions.body;
		if (Buffer.isBuffer(given)) body = given;
		else if (typeof given === 'string') body = Buffer.from(given);
		else if (given !== undefined) {
			body = Buffer.from(JSON.stringify(given));
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
		}
		if (body) headers['content-length'] = String(body.length);
		return await new Promise<HarnessResponse>((resolve, reject) => {
			const outgoing = http.request(target, { method: upper, headers, agent: false }, (incoming) => {
				const chunks: Buffer[] = [];
				incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
				incoming.on('error', reject);
				incoming.on('end', () => {
					const buffer = Buffer.concat(chunks);
					const text = buffer.toString('utf8');
					resolve({
						status: incoming.statusCode ?? 0,
						headers: incoming.headers,
						body: buffer,
						text,
						json: <T>() => JSON.parse(text) as T,
					});
				});
			});
			outgoing.on('error', reject);
			outgoing.end(body);
		});
	};

	return {
		url: origin,
		port,
		webhookUrl: webhookUrlOf(nodeType.description.webhooks.some((w) => w.name === 'default') ? 'default' : nodeType.description.webhooks[0].name),
		webhookUrlOf,
		async activate() {
			const workflow = makeWorkflow();
			try {
				for (const webhook of listWebhooks(workflow)) {
					// n8n stores each webhook (so it is routed) just before running its checkExists/create.
					registered.add(keyOf(webhook));
					const mode = isTest ? 'manual' : 'trigger';
					const activation = isTest ? 'manual' : (options.activationMode ?? 'activate');
					const exists = await runWebhookMethod('checkExists', workflow, mode, activation, webhook);
					if (!exists) await runWebhookMethod('create', workflow, mode, activation, webhook);
				}
			} catch (error) {
				try {
					await runDeleteAll();
				} catch (cleanupError) {
					// n8n only logs a failing clean-up; the activation error is what surfaces.
					cleanupErrors.push(cleanupError as Error);
				}
				registered.clear();
				const detail = (error as { detail?: unknown }).detail;
				if (detail) (error as Error).message = String(detail);
				throw error;
			}
			saveStaticDataIfChanged(workflow);
		},
		async deactivate() {
			try {
				await runDeleteAll();
			} finally {
				registered.clear();
			}
		},
		executions,
		runs,
		calls,
		cleanupErrors,
		request,
		exportStaticData: () => jsonCopy(persistedStaticData),
		nodeStaticData: () => jsonCopy((persistedStaticData[`node:${nodeName}`] as IDataObject | undefined) ?? {}),
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
