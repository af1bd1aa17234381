/**
 * Credentials the way n8n's CLI handles them, backed by an in-memory store instead of a database.
 *
 *   type CredentialStore = Record<credentialId, { type: string; data: ICredentialDataDecryptedObject; name?: string }>
 *   new HarnessCredentialsHelper(credentialTypes: CredentialTypeRegistry, store: CredentialStore)
 *     extends n8n-workflow's ICredentialsHelper:
 *     - getDecrypted(): looks the credential up by id AND type (unknown → "Credential with ID … does not
 *       exist for type …"), then, unless `raw`, does what n8n's applyDefaultsAndOverwrites does:
 *       fills defaults from the credential type's properties and DROPS fields whose displayOptions hide
 *       them (NodeHelpers.getNodeParameters(…, returnDefaults=true, returnNoneDisplayed=false)), then
 *       resolves `={{ … }}` expressions in the data (with the node's context when the engine gives one).
 *     - authenticate(): function `authenticate` → called as is; generic `authenticate` → every key and
 *       value resolved as an expression with `$credentials`, merged into headers/qs/body/auth.
 *     - preAuthentication(): n8n's expirable-token flow; refreshed data is written back to the store.
 *     - .store is the live map (tests may inspect or change it).
 *   testCredential(data, opts?): Promise<{ status: 'OK' | 'Error'; message: string }>
 *     what n8n's CredentialsTester does for an `ICredentialTestRequest`: applies defaults, builds a temp
 *     No-Op node whose one property has `routing.request = test.request`, runs it through n8n-core's
 *     RoutingNode (so the request is authenticated by the credential type), then maps a thrown HTTP error
 *     with `responseCode` rules (else "<statusText>" / "Received HTTP status code: <code>"), a network
 *     error to its code, and a successful body with `responseSuccessBody` rules; else "Connection successful!".
 */
import {
	Credentials,
	ExecuteContext,
	RoutingNode,
	getAdditionalKeys,
} from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	UserError,
	Workflow,
	createEmptyRunExecutionData,
	isExpression,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentialsExpressionResolveValues,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialTestResult,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { buildAdditionalData } from './additionalData';
import { ensureN8nCore } from './env';
import { CredentialTypeRegistry, NodeTypeRegistry } from './nodeTypes';
import { N8N_NOOP_TYPE } from './testNodes';

export interface StoredCredential {
	type: string;
	data: ICredentialDataDecryptedObject;
	name?: string;
}
export type CredentialStore = Record<string, StoredCredential>;

/**
 * Credentials given by type name, stored under the id `<type>-id` as a saved workflow would reference
 * them: the store for the credentials helper, and the node's `credentials` field pointing into it.
 */
export function credentialStoreFor(credentials: Record<string, ICredentialDataDecryptedObject> = {}): {
	store: CredentialStore;
	nodeCredentials: NonNullable<INode['credentials']>;
} {
	const store: CredentialStore = {};
	const nodeCredentials: NonNullable<INode['credentials']> = {};
	for (const [credentialType, data] of Object.entries(credentials)) {
		const id = `${credentialType}-id`;
		store[id] = { type: credentialType, data, name: `${credentialType} credential` };
		nodeCredentials[credentialType] = { id, name: `${credentialType} credential` };
	}
	return { store, nodeCredentials };
}

const MOCK_NODE: INode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

const MOCK_NODE_TYPES: INodeTypes = {
	getKnownTypes: () => ({}),
	getByName: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as unknown as INodeType,
};

function deepCopy<T>(value: T): T {
	return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		readonly credentialTypes: CredentialTypeRegistry,
		readonly store: CredentialStore = {},
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (authenticate === undefined) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		requestOptions.headers ??= {};
		if (authenticate.type !== 'generic') return requestOptions;

		const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
				const resolvedKey = this.resolveValue(key, credentials, workflow, node);
				const resolvedValue = this.resolveValue(value, credentials, workflow, node);
				target[outerKey] ??= {};
				target[outerKey]![resolvedKey] = resolvedValue;
			}
		}
		return requestOptions;
	}

	private resolveValue(value: string, credentials: ICredentialDataDecryptedObject, workflow?: Workflow, node?: INode): string {
		if (!isExpression(value)) return value;
		if (!workflow || !node) throw new UnexpectedError('Resolving a generic authenticate expression needs the workflow and node');
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? String(resolved) : '';
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirable = credentialType.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (expirable?.name === undefined || typeof credentialType.preAuthentication !== 'function') return undefined;
		const isTestingCredentials = node?.parameters?.temp === '' && node?.type === N8N_NOOP_TYPE;
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isTestingCredentials) return undefined;

		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		const details = node.credentials?.[credentialType.name];
		if (details) {
			// n8n's CredentialsHelper writes back Object.assign(credentials, output); the same merge, on a copy.
			await this.updateCredentials(details, credentialType.name, Object.assign({}, credentials, output));
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	private find(nodeCredentials: INodeCredentialsDetails, type: string): StoredCredential {
		if (!nodeCredentials?.id) {
			throw new UnexpectedError('Found credential with no ID.', {
				extra: { credentialName: nodeCredentials?.name },
				tags: { credentialType: type },
			});
		}
		const entry = this.store[nodeCredentials.id];
		if (!entry || entry.type !== type) {
			throw new UserError(`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`);
		}
		return entry;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const entry = this.find(nodeCredentials, type);
		const credentials = new Credentials({ id: nodeCredentials.id, name: entry.name ?? nodeCredentials.name }, type);
		credentials.setData(deepCopy(entry.data));
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const data = deepCopy(this.find(nodeCredentials, type).data);
		if (raw === true) return data;
		return this.applyDefaultsAndOverwrites(additionalData, data, type, mode, executeData, expressionResolveValues);
	}

	/** n8n's CredentialsHelper.applyDefaultsAndOverwrites, minus the instance-level overwrites. */
	applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		original: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): ICredentialDataDecryptedObject {
		const properties = this.getCredentialsProperties(type);
		let data = NodeHelpers.getNodeParameters(
			properties,
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (original.oauthTokenData !== undefined) data.oauthTokenData = original.oauthTokenData;
		if (data.allowedHttpRequestDomains === undefined && original.allowedHttpRequestDomains !== undefined) {
			data.allowedHttpRequestDomains = original.allowedHttpRequestDomains;
		}
		if (data.allowedDomains === undefined && original.allowedDomains !== undefined) {
			data.allowedDomains = original.allowedDomains;
		}

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { secretsEnabled: true });
		if (expressionResolveValues) {
			try {
				data = expressionResolveValues.workflow.expression.getParameterValue(
					data as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					data,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({ nodes: [MOCK_NODE], connections: {}, active: false, nodeTypes: MOCK_NODE_TYPES });
			data = workflow.expression.getComplexParameterValue(
				MOCK_NODE,
				data as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			) as ICredentialDataDecryptedObject;
		}
		return data;
	}

	async updateCredentials(nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.find(nodeCredentials, type).data = deepCopy(data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.find(nodeCredentials, type).data.oauthTokenData = deepCopy(data.oauthTokenData);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.getByName(type);
		if (credentialType.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialType.properties,
					{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', required: false, default: {} },
				];
			}
			return credentialType.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}

export interface TestCredentialOptions {
	/** Credential type name; default 'socialMessagingApi'. */
	type?: string;
	/** Extra credential types to register (e.g. to test a type defined in a test). */
	credentialTypes?: ICredentialType[];
}

function getPath(value: unknown, keyPath: string): unknown {
	let current: unknown = value;
	for (const key of keyPath.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

export async function testCredential(
	credentialData: ICredentialDataDecryptedObject,
	options: TestCredentialOptions = {},
): Promise<INodeCredentialTestResult> {
	ensureN8nCore();
	const type = options.type ?? 'socialMessagingApi';
	const credentialTypes = new CredentialTypeRegistry(options.credentialTypes);
	const testRequest = credentialTypes.getByName(type).test;
	if (testRequest === undefined) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}

	// n8n tests a saved credential (the editor saves before it tests), so a refresh can be written back.
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, { 'credential-under-test': { type, data: deepCopy(credentialData) } });
	const additionalData = buildAdditionalData({ credentialsHelper });
	let data: ICredentialDataDecryptedObject;
	try {
		data = credentialsHelper.applyDefaultsAndOverwrites(additionalData, deepCopy(credentialData), type, 'internal');
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message) };
	}
	const credentialsDecrypted = { id: 'credential-under-test', name: 'Credential under test', type, data };

	const noOp = new NodeTypeRegistry().getByNameAndVersion(N8N_NOOP_TYPE);
	const nodeTypeCopy: INodeType = {
		description: {
			...noOp.description,
			credentials: [{ name: type, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' },
			],
		},
	};
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeTypeCopy.description.name,
		typeVersion: 1,
		position: [0, 0],
		credentials: { [type]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
	};
	const nodeTypes: INodeTypes = {
		getKnownTypes: () => ({}),
		getByName: () => nodeTypeCopy,
		getByNameAndVersion: () => nodeTypeCopy,
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const runExecutionData = createEmptyRunExecutionData();
	additionalData.currentNodeParameters = node.parameters;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const routingNode = new RoutingNode(context, nodeTypeCopy, credentialsDecrypted);

	let response: Awaited<ReturnType<RoutingNode['runNode']>>;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const error = caught as { cause?: { response?: { status: number; statusText?: string }; code?: string }; message: string };
		if (error.cause?.response) {
			const statusCode = error.cause.response.status;
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return {
					status: 'Error',
					message: error.cause.response.statusText || `Received HTTP status code: ${statusCode}`,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}

	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const body = response?.[0]?.[0]?.json as IDataObject | undefined;
			if (getPath(body, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
