/**
 * Runs one poll of a polling trigger (`polling: true` + `poll()`) the way n8n's ActiveWorkflows does:
 * a fresh Workflow from the saved static data, n8n-core's PollContext (mode 'trigger', or 'manual' for
 * the editor's Fetch Test Event), then the static data saved if the node changed it.
 *
 *   pollOnce({ nodeType?, parameters?, credentials?, staticData?, mode?, activation?, workflowId? })
 *     -> { items: INodeExecutionData[][] | null, staticData: IDataObject (what n8n would have saved) }
 *   Errors of poll() propagate (n8n reports them as a failed poll and keeps the old static data).
 */
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type WorkflowActivateMode,
} from 'n8n-workflow';
import { PollContext } from 'n8n-core';

import { buildAdditionalData } from './additionalData';
import { HarnessCredentialsHelper, credentialStoreFor } from './credentials';
import { ensureN8nCore } from './env';
import { CredentialTypeRegistry, NodeTypeRegistry, resolveNodeType } from './nodeTypes';

export interface PollOptions {
	nodeType?: string;
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The workflow's static data as the previous poll left it (`staticData` of its result). */
	staticData?: IDataObject;
	mode?: 'trigger' | 'manual';
	activation?: WorkflowActivateMode;
	workflowId?: string;
}

export interface PollResult {
	items: INodeExecutionData[][] | null;
	staticData: IDataObject;
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? {})) as T;

export async function pollOnce(options: PollOptions = {}): Promise<PollResult> {
	ensureN8nCore();
	const type = resolveNodeType(options.nodeType ?? 'socialMessagingPollTrigger');
	const nodeTypes = new NodeTypeRegistry();
	const nodeType = nodeTypes.getByNameAndVersion(type);
	if (typeof nodeType.poll !== 'function') throw new Error(`pollOnce: ${type} has no poll()`);
	const { store, nodeCredentials } = credentialStoreFor(options.credentials);
	const credentialsHelper = new HarnessCredentialsHelper(new CredentialTypeRegistry(), store);
	const node: INode = {
		id: 'poll-trigger-under-test',
		name: nodeType.description.defaults.name ?? 'Poll Trigger',
		type,
		typeVersion: Math.max(...[nodeType.description.version].flat()),
		position: [0, 0],
		parameters: copy(options.parameters ?? {}),
		credentials: nodeCredentials,
	};
	const saved = copy(options.staticData ?? {});
	const workflow = new Workflow({
		id: options.workflowId ?? 'harness-poll-workflow',
		name: 'Poll harness workflow',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		settings: { executionOrder: 'v1' },
		staticData: copy(saved),
	});
	const context = new PollContext(workflow, node, buildAdditionalData({ credentialsHelper }), options.mode ?? 'trigger', options.activation ?? 'activate');
	const items = await nodeType.poll.call(context);
	const changed = (workflow.staticData as IDataObject).__dataChanged === true;
	const staticData = changed ? copy(workflow.staticData as IDataObject) : saved;
	delete staticData.__dataChanged;
	return { items, staticData };
}
