/**
 * Node and credential types that exist only for tests. Registered in every harness registry.
 *
 *   'n8n-nodes-base.manualTrigger'  behaves like n8n's Manual Trigger (emits one empty item)
 *   'n8n-nodes-base.noOp'           behaves like n8n's No Operation node (passes items through); the
 *                                   credential tester copies its description, as n8n's does
 *   'test.items'                    emits the items in its `items` parameter (a JSON string:
 *                                   [{ json, binary?: { [prop]: { data: base64, mimeType?, fileName? } } }]);
 *                                   binary properties go through the real `this.helpers.prepareBinaryData`
 *   'test.noOp'                     passes its input through
 *   'test.stubApi'                  harness self-test node: calls httpRequestWithAuthentication, echoes
 *                                   binary data, fails on demand, counts in static data
 *   'test.stubTrigger'              harness self-test trigger: setup/default webhooks, checkExists/create/
 *                                   delete against a subscription API, challenge, signed deliveries
 *   credential 'testGenericApi'     a credential with a *generic* (declarative) `authenticate`, so the
 *                                   harness's generic branch is exercised too
 *
 * These are deliberately small; they are not models for the real nodes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import {
	NodeOperationError,
	type IAuthenticateGeneric,
	type ICredentialTestRequest,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

export const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';
export const N8N_NOOP_TYPE = 'n8n-nodes-base.noOp';
export const TEST_ITEMS_TYPE = 'test.items';
export const TEST_NOOP_TYPE = 'test.noOp';
export const STUB_API_TYPE = 'test.stubApi';
export const STUB_TRIGGER_TYPE = 'test.stubTrigger';

/** Shape of one entry of `test.items`'s `items` parameter. */
export interface TestItemSpec {
	json: IDataObject;
	binary?: Record<string, { data: string; mimeType?: string; fileName?: string }>;
}

function parseJsonParameter(value: unknown): unknown {
	return typeof value === 'string' ? JSON.parse(value) : value;
}

class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		defaults: { name: "When clicking 'Execute workflow'" },
		inputs: [],
		outputs: ['main'],
		properties: [],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return {
			manualTriggerFunction: async () => {
				this.emit([this.helpers.returnJsonArray([{}])]);
			},
		};
	}
}

class PassThrough implements INodeType {
	constructor(name: string, displayName: string) {
		this.description = {
			displayName,
			name,
			group: ['organization'],
			version: 1,
			description: 'Passes its input through unchanged',
			defaults: { name: displayName },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		};
	}

	description: INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

class TestItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['input'],
		version: 1,
		description: 'Emits the items given in its parameter',
		defaults: { name: 'Test Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{
				displayName: 'Items (JSON)',
				name: 'items',
				type: 'json',
				default: '[]',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const specs = parseJsonParameter(this.getNodeParameter('items', 0)) as TestItemSpec[];
		const out: INodeExecutionData[] = [];
		for (const spec of specs) {
			const item: INodeExecutionData = { json: spec.json ?? {}, pairedItem: { item: 0 } };
			if (spec.binary) {
				item.binary = {};
				for (const [prop, b] of Object.entries(spec.binary)) {
					item.binary[prop] = await this.helpers.prepareBinaryData(
						Buffer.from(b.data, 'base64'),
						b.fileName,
						b.mimeType,
					);
				}
			}
			out.push(item);
		}
		return [out];
	}
}

class TestGenericApi implements ICredentialType {
	name = 'testGenericApi';

	displayName = 'Test Generic API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', default: '' },
		{ displayName: 'Tenant', name: 'tenant', type: 'string', default: 'default-tenant' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Use Proxy', name: 'useProxy', type: 'boolean', default: false },
		{
			displayName: 'Proxy URL',
			name: 'proxyUrl',
			type: 'string',
			default: '',
			displayOptions: { show: { useProxy: [true] } },
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'X-Api-Key': '={{$credentials.apiKey}}', 'X-Static': 'static-value' },
			qs: { tenant: '={{$credentials.tenant.toUpperCase()}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me' },
		rules: [{ type: 'responseCode', properties: { value: 401, message: 'The API key is wrong.' } }],
	};
}

/**
 * Harness self-test node. Operations:
 * - request: `httpRequestWithAuthentication(<credentialType>, { method, url, qs: { item }, body: item.json })`
 * - echoBinary: reads binary property `data` of each item and returns it with `-echo` appended
 * - fail: throws a NodeOperationError for items whose json.fail is true
 * - countStatic: increments getWorkflowStaticData('node').count once per execution
 * - credentials: returns `await this.getCredentials(<credentialType>)` (what the node really receives)
 * - waitForCancel: resolves only when the engine aborts the execution (getExecutionCancelSignal)
 * Every operation honours Continue On Fail the way n8n nodes do.
 */
class StubApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stub API',
		name: 'stubApi',
		group: ['transform'],
		version: 1,
		description: 'Harness self-test node',
		defaults: { name: 'Stub API' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [
			{
				name: 'socialMessagingApi',
				required: true,
				displayOptions: { show: { credentialType: ['socialMessagingApi'] } },
			},
			{
				name: 'testGenericApi',
				required: true,
				displayOptions: { show: { credentialType: ['testGenericApi'] } },
			},
		],
		properties: [
			{
				displayName: 'Credential Type',
				name: 'credentialType',
				type: 'options',
				options: [
					{ name: 'Social Messaging API', value: 'socialMessagingApi' },
					{ name: 'Test Generic API', value: 'testGenericApi' },
				],
				default: 'socialMessagingApi',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				options: [
					{ name: 'Request', value: 'request' },
					{ name: 'Echo Binary', value: 'echoBinary' },
					{ name: 'Fail', value: 'fail' },
					{ name: 'Count Static', value: 'countStatic' },
					{ name: 'Credentials', value: 'credentials' },
					{ name: 'Wait For Cancel', value: 'waitForCancel' },
				],
				default: 'request',
			},
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Method', name: 'method', type: 'string', default: 'POST' },
			{ displayName: 'Headers (JSON)', name: 'headers', type: 'json', default: '{}' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === 'credentials') {
			const credentialType = this.getNodeParameter('credentialType', 0) as string;
			return [[{ json: await this.getCredentials(credentialType), pairedItem: { item: 0 } }]];
		}
		if (operation === 'waitForCancel') {
			const signal = this.getExecutionCancelSignal();
			await new Promise<void>((resolve) => {
				if (!signal || signal.aborted) return resolve();
				signal.addEventListener('abort', () => resolve(), { once: true });
			});
			return [[{ json: { aborted: signal?.aborted === true }, pairedItem: { item: 0 } }]];
		}
		if (operation === 'countStatic') {
			const data = this.getWorkflowStaticData('node');
			data.count = ((data.count as number | undefined) ?? 0) + 1;
			return [[{ json: { count: data.count }, pairedItem: { item: 0 } }]];
		}
		for (let i = 0; i < items.length; i++) {
			try {
				if (operation === 'request') {
					const credentialType = this.getNodeParameter('credentialType', i) as string;
					const response = (await this.helpers.httpRequestWithAuthentication.call(
						this,
						credentialType,
						{
							method: this.getNodeParameter('method', i) as 'POST',
							url: this.getNodeParameter('url', i) as string,
							qs: { item: i },
							headers: parseJsonParameter(this.getNodeParameter('headers', i)) as Record<string, string>,
							body: items[i].json,
							json: true,
						},
					)) as IDataObject;
					out.push(...this.helpers.constructExecutionMetaData([{ json: response }], { itemData: { item: i } }));
				} else if (operation === 'echoBinary') {
					this.helpers.assertBinaryData(i, 'data');
					const buffer = await this.helpers.getBinaryDataBuffer(i, 'data');
					const echoed = Buffer.concat([buffer, Buffer.from('-echo')]);
					const meta = items[i].binary!.data;
					out.push({
						json: { receivedBytes: buffer.length },
						binary: { data: await this.helpers.prepareBinaryData(echoed, `echo-${meta.fileName ?? 'file'}`, meta.mimeType) },
						pairedItem: { item: i },
					});
				} else if (operation === 'fail') {
					if (items[i].json.fail === true) {
						throw new NodeOperationError(this.getNode(), `Item ${i} asked to fail`, {
							itemIndex: i,
							description: 'Set fail to false to let it pass',
						});
					}
					out.push({ json: { ok: i }, pairedItem: { item: i } });
				}
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}

interface StubSubscription {
	id: string;
	url: string;
}

/**
 * Harness self-test trigger, shaped like a Meta-style webhook trigger:
 * - activation: GET `<platformUrl>/subscriptions` (exists if one has our URL, remembering its id),
 *   else POST `<platformUrl>/subscriptions` {url, verifyToken} and remember the returned id
 * - deactivation: DELETE `<platformUrl>/subscriptions/<id>` and forget it
 * - GET (setup): answers `hub.challenge` as text/plain when `hub.mode=subscribe` and the token matches
 * - POST (default): checks `x-stub-signature: sha256=<hmac(appSecret, rawBody)>`, answers 401 itself if wrong;
 *   otherwise emits one item per entry in body.entries that was not seen before (ids in static data)
 */
class StubTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stub Trigger',
		name: 'stubTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Harness self-test trigger',
		defaults: { name: 'Stub Trigger' },
		inputs: [],
		outputs: ['main'],
		credentials: [{ name: 'socialMessagingApi', required: true }],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{ displayName: 'Platform URL', name: 'platformUrl', type: 'string', default: '' },
			{ displayName: 'Verify Token', name: 'verifyToken', type: 'string', default: '' },
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const platformUrl = this.getNodeParameter('platformUrl') as string;
				const url = this.getNodeWebhookUrl('default');
				const subs = (await this.helpers.httpRequestWithAuthentication.call(this, 'socialMessagingApi', {
					method: 'GET',
					url: `${platformUrl}/subscriptions`,
					json: true,
				})) as StubSubscription[];
				const match = subs.find((s) => s.url === url);
				if (!match) return false;
				this.getWorkflowStaticData('node').subscriptionId = match.id;
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const platformUrl = this.getNodeParameter('platformUrl') as string;
				const created = (await this.helpers.httpRequestWithAuthentication.call(this, 'socialMessagingApi', {
					method: 'POST',
					url: `${platformUrl}/subscriptions`,
					body: { url: this.getNodeWebhookUrl('default'), verifyToken: this.getNodeParameter('verifyToken') },
					json: true,
				})) as StubSubscription;
				this.getWorkflowStaticData('node').subscriptionId = created.id;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const platformUrl = this.getNodeParameter('platformUrl') as string;
				const data = this.getWorkflowStaticData('node');
				if (data.subscriptionId === undefined) return true;
				await this.helpers.httpRequestWithAuthentication.call(this, 'socialMessagingApi', {
					method: 'DELETE',
					url: `${platformUrl}/subscriptions/${String(data.subscriptionId)}`,
					json: true,
				});
				delete data.subscriptionId;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject();
		if (this.getWebhookName() === 'setup') {
			const query = this.getQueryData() as Record<string, string>;
			if (query['hub.mode'] === 'subscribe' && query['hub.verify_token'] === this.getNodeParameter('verifyToken')) {
				res.status(200).type('text/plain').send(query['hub.challenge']);
			} else {
				res.status(403).send('Forbidden');
			}
			return { noWebhookResponse: true };
		}

		const credentials = await this.getCredentials('socialMessagingApi');
		const req = this.getRequestObject();
		const expected = `sha256=${createHmac('sha256', String(credentials.appSecret)).update(req.rawBody).digest('hex')}`;
		const given = String(this.getHeaderData()['x-stub-signature'] ?? '');
		if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
			res.status(401).json({ error: 'bad signature' });
			return {};
		}

		const body = this.getBodyData() as { entries?: Array<{ id: string } & IDataObject> };
		const data = this.getWorkflowStaticData('node');
		const seen = (data.seen as string[] | undefined) ?? [];
		const fresh = (body.entries ?? []).filter((e) => !seen.includes(e.id));
		data.seen = [...seen, ...fresh.map((e) => e.id)];
		if (fresh.length === 0) return {};
		return { workflowData: [this.helpers.returnJsonArray(fresh)] };
	}
}

/** Test node types keyed by their full type name, as the registries expect. */
export function testNodeTypes(): Record<string, INodeType> {
	const n8nNoOp = new PassThrough(N8N_NOOP_TYPE, 'No Operation, do nothing');
	n8nNoOp.description.name = N8N_NOOP_TYPE;
	return {
		[MANUAL_TRIGGER_TYPE]: new ManualTrigger(),
		[N8N_NOOP_TYPE]: n8nNoOp,
		[TEST_ITEMS_TYPE]: new TestItems(),
		[TEST_NOOP_TYPE]: new PassThrough('testNoOp', 'Test NoOp'),
		[STUB_API_TYPE]: new StubApi(),
		[STUB_TRIGGER_TYPE]: new StubTrigger(),
	};
}

export function testCredentialTypes(): ICredentialType[] {
	return [new TestGenericApi()];
}
