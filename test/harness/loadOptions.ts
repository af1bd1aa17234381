/**
 * Calls a node's `methods.listSearch` / `methods.loadOptions` the way n8n's editor does, through
 * n8n-core 2.0.2's real `LoadOptionsContext`.
 *
 *   runListSearch(options): Promise<INodeListSearchResult>
 *     options: {
 *       method: string                       e.g. 'searchConversations'
 *       parameters: INodeParameters          the node's current parameters as the editor sends them
 *       credentials?: { [credentialTypeName]: data }   (stored under id `<type>-id`, like runNode)
 *       filter?: string, paginationToken?: string
 *       type?: string                        node type (default 'socialMessaging')
 *       typeVersion?: number                 (default: the type's latest)
 *       path?: string                        path of the parameter the list belongs to, e.g. 'parameters.conversationId' (default 'parameters')
 *     }
 *   runLoadOptions(options): Promise<INodePropertyOptions[]>   same for `methods.loadOptions`.
 *
 * What n8n's DynamicNodeParametersService.getResourceLocatorResults does: a one-node Workflow named
 * 'Temp-Node' with the current parameters and the selected credentials (the Workflow constructor fills the
 * parameter defaults), additionalData with `currentNodeParameters`, and `new LoadOptionsContext(workflow,
 * node, additionalData, path)` as `this` of the method. Requests go through the real
 * `httpRequestWithAuthentication` with the harness credentials helper.
 */
import { LoadOptionsContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeListSearchResult,
	type INodeParameters,
	type INodePropertyOptions,
	type INodeType,
} from 'n8n-workflow';

import { buildAdditionalData } from './additionalData';
import { HarnessCredentialsHelper, credentialStoreFor } from './credentials';
import { ensureN8nCore } from './env';
import { CredentialTypeRegistry, NodeTypeRegistry, resolveNodeType } from './nodeTypes';

export interface LoadOptionsCallOptions {
	method: string;
	parameters: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	filter?: string;
	paginationToken?: string;
	type?: string;
	typeVersion?: number;
	path?: string;
}

function buildContext(options: LoadOptionsCallOptions) {
	ensureN8nCore();
	const type = resolveNodeType(options.type ?? 'socialMessaging');
	const nodeTypes = new NodeTypeRegistry();
	const nodeType = nodeTypes.getByName(type);
	const typeVersion = options.typeVersion ?? ('nodeVersions' in nodeType ? nodeType.currentVersion : Math.max(...[nodeType.description.version].flat()));

	const { store, nodeCredentials } = credentialStoreFor(options.credentials);
	const credentialsHelper = new HarnessCredentialsHelper(new CredentialTypeRegistry(), store);

	// The editor sends its parameters as JSON; give the workflow a private copy like n8n's API layer does.
	const currentNodeParameters = JSON.parse(JSON.stringify(options.parameters)) as INodeParameters;
	const node: INode = {
		parameters: JSON.parse(JSON.stringify(currentNodeParameters)) as INodeParameters,
		id: 'uuid-1234',
		name: 'Temp-Node',
		type,
		typeVersion,
		position: [0, 0],
		credentials: nodeCredentials,
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = buildAdditionalData({ credentialsHelper });
	additionalData.currentNodeParameters = currentNodeParameters;
	const context = new LoadOptionsContext(workflow, workflow.nodes['Temp-Node'], additionalData, options.path ?? 'parameters');
	const versioned: INodeType = nodeTypes.getByNameAndVersion(type, typeVersion);
	return { context, versioned };
}

export async function runListSearch(options: LoadOptionsCallOptions): Promise<INodeListSearchResult> {
	const { context, versioned } = buildContext(options);
	const method = versioned.methods?.listSearch?.[options.method];
	if (typeof method !== 'function') throw new Error(`The node has no listSearch method "${options.method}"`);
	return await method.call(context, options.filter, options.paginationToken);
}

export async function runLoadOptions(options: LoadOptionsCallOptions): Promise<INodePropertyOptions[]> {
	const { context, versioned } = buildContext(options);
	const method = versioned.methods?.loadOptions?.[options.method];
	if (typeof method !== 'function') throw new Error(`The node has no loadOptions method "${options.method}"`);
	return await method.call(context);
}
