/**
 * Runs workflows in-process through n8n-core's real engine (WorkflowExecute), the way n8n's "Execute
 * workflow" button does: mode 'manual', starting from the Manual Trigger, with real node contexts, so
 * `this.helpers.httpRequestWithAuthentication`, `prepareBinaryData`, `getBinaryDataBuffer`,
 * `getWorkflowStaticData`, `continueOnFail`, `constructExecutionMetaData`, … are n8n's own.
 *
 *   runWorkflow(workflowJson, options?): Promise<WorkflowRunResult>
 *     workflowJson: { nodes, connections, id?, name?, settings?, pinData?, staticData? }  (n8n export format;
 *       credentials referenced by id as in exports: node.credentials[type] = { id, name }; node types may
 *       use the aliases 'socialMessaging' / 'socialMessagingTrigger'; settings default { executionOrder: 'v1' })
 *     options: {
 *       credentials?: { [credentialId]: { type, data, name? } },
 *       nodeTypes?: { [fullType]: INodeType | IVersionedNodeType | () => … },   // extra / overriding types
 *       credentialTypes?: ICredentialType[],                                    // extra credential types
 *       timeoutMs?: number (default 90000; on expiry the run is cancelled like n8n's timeout),
 *       staticData?: IDataObject (workflow static data to start from; default workflowJson.staticData),
 *       mode?: WorkflowExecuteMode (default 'manual'),
 *     }
 *     Throws (before running) if the workflow has parameter issues, naming them; n8n refuses to run then too.
 *   WorkflowRunResult = {
 *     run: IRun, status: ExecutionStatus,
 *     outputOf(nodeName, outputIndex = 0, runIndex = last): INodeExecutionData[]  (throws if the node never ran),
 *     errorOf(nodeName, runIndex = last): NodeErrorInfo | undefined   (the error n8n stored for the node),
 *     error: NodeErrorInfo | undefined   (run.data.resultData.error: the error that stopped the workflow),
 *     executedNodes: string[] (order of nodeExecuteAfter), staticData: IDataObject (after the run, JSON),
 *     credentials: CredentialStore (live; shows token refreshes),
 *   }
 *   NodeErrorInfo: what n8n keeps of a thrown error — `{ ...error, message, stack }`, so own fields such
 *     as `description`, `httpCode`, `context` (itemIndex, …), `node`, `level`, `name`, `messages` survive but
 *     the prototype does not (no `instanceof`).
 *
 *   runNode(options): Promise<RunNodeResult>   builds Manual Trigger → test.items → the node and runs it.
 *     options: {
 *       type: 'socialMessaging' | fullType (an action node), parameters: INodeParameters,
 *       credentials?: { [credentialTypeName]: data }  (stored under id `<type>-id`),
 *       items?: Array<{ json, binary?: { [prop]: { data: Buffer | base64 string, mimeType?, fileName? } } }> (default one empty item),
 *       continueOnFail?: boolean (sets onError 'continueRegularOutput'), onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput',
 *       typeVersion?: number (default: the type's latest), nodeName?: string (default: description.defaults.name),
 *       + staticData, timeoutMs, nodeTypes, credentialTypes as for runWorkflow
 *     }
 *   RunNodeResult = { items: INodeExecutionData[] (output 0, [] if the node failed), outputs: INodeExecutionData[][],
 *                     error?: NodeErrorInfo (the node's error; if it never finished, the workflow's error),
 *                     nodeName: string, result: WorkflowRunResult }
 *
 *   testCredential is re-exported from ./credentials.
 */
import { randomUUID } from 'node:crypto';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	createDeferredPromise,
	type ExecutionStatus,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IPinData,
	type IRun,
	type IWorkflowBase,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { buildAdditionalData } from './additionalData';
import { HarnessCredentialsHelper, credentialStoreFor, type CredentialStore } from './credentials';
import { ensureN8nCore } from './env';
import { CredentialTypeRegistry, NodeTypeRegistry, resolveNodeType, type NodeTypeSource } from './nodeTypes';
import { MANUAL_TRIGGER_TYPE, TEST_ITEMS_TYPE, type TestItemSpec } from './testNodes';

export { testCredential, type CredentialStore } from './credentials';

export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
	staticData?: IDataObject;
}

export interface RunWorkflowOptions {
	credentials?: CredentialStore;
	nodeTypes?: Record<string, NodeTypeSource>;
	credentialTypes?: ICredentialType[];
	timeoutMs?: number;
	staticData?: IDataObject;
	mode?: WorkflowExecuteMode;
}

/** The error as n8n stores it in run data: own enumerable fields of the thrown error, plus message and stack. */
export type NodeErrorInfo = IDataObject & {
	message: string;
	description?: string | null;
	httpCode?: string | null;
	context?: IDataObject;
	name?: string;
	stack?: string;
};

export interface WorkflowRunResult {
	run: IRun;
	status: ExecutionStatus;
	outputOf(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	errorOf(nodeName: string, runIndex?: number): NodeErrorInfo | undefined;
	error: NodeErrorInfo | undefined;
	executedNodes: string[];
	staticData: IDataObject;
	credentials: CredentialStore;
}

// A bound against a hung run, not an expectation: 700 paced sends under coverage on a loaded 2-CPU machine took
// over 30 s. Below jest's 120 s test timeout, so a hung run ends with the harness's own message.
const DEFAULT_TIMEOUT_MS = 90_000;
let executionCounter = 0;

function jsonCopy<T>(value: T): T {
	return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export async function runWorkflow(workflowJson: WorkflowJson, options: RunWorkflowOptions = {}): Promise<WorkflowRunResult> {
	ensureN8nCore();
	const mode = options.mode ?? 'manual';
	const nodeTypes = new NodeTypeRegistry(options.nodeTypes);
	const credentialStore: CredentialStore = options.credentials ?? {};
	const credentialsHelper = new HarnessCredentialsHelper(new CredentialTypeRegistry(options.credentialTypes), credentialStore);

	// n8n normalises node parameters when it builds the Workflow; give it a private copy.
	const nodes = jsonCopy(workflowJson.nodes).map((node) => ({
		...node,
		id: node.id ?? randomUUID(),
		type: resolveNodeType(node.type),
	}));
	const workflow = new Workflow({
		id: workflowJson.id ?? 'harness-workflow',
		name: workflowJson.name ?? 'Harness workflow',
		nodes,
		connections: jsonCopy(workflowJson.connections),
		active: false,
		nodeTypes,
		settings: workflowJson.settings ?? { executionOrder: 'v1' },
		staticData: jsonCopy(options.staticData ?? workflowJson.staticData ?? {}),
		pinData: workflowJson.pinData,
	});

	const executionId = `harness-execution-${++executionCounter}`;
	const workflowData = {
		id: workflow.id,
		name: workflow.name,
		active: false,
		isArchived: false,
		nodes,
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executedNodes: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executedNodes.push(nodeName);
	});
	const finished = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => finished.resolve(fullRunData));

	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const additionalData = buildAdditionalData({ credentialsHelper, hooks, executionId });
	const workflowExecute = new WorkflowExecute(additionalData, mode);

	const startNode = workflow.getStartNode();
	if (startNode === undefined) throw new Error('runWorkflow: the workflow has no node to start from');
	const issues = workflowExecute.checkReadyForExecution(workflow, {
		startNode: startNode.name,
		pinDataNodeNames: Object.keys(workflowJson.pinData ?? {}),
	});
	if (issues !== null) {
		throw new Error(`runWorkflow: n8n would refuse to run this workflow, it has issues: ${JSON.stringify(issues)}`);
	}

	const execution = workflowExecute.run(workflow, startNode, undefined, workflowJson.pinData);
	execution.catch(finished.reject);
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		execution.cancel();
	}, timeoutMs);
	let run: IRun;
	try {
		run = await finished.promise;
	} finally {
		clearTimeout(timer);
	}
	if (timedOut) {
		run.data.resultData.error ??= {
			message: `Execution timed out after ${timeoutMs} ms (harness timeoutMs)`,
		} as unknown as NonNullable<IRun['data']['resultData']['error']>;
	}

	const runData = run.data.resultData.runData;
	const lastRun = (nodeName: string, runIndex?: number) => {
		const tasks = runData[nodeName];
		if (!tasks?.length) return undefined;
		return tasks[runIndex ?? tasks.length - 1];
	};
	const describeFailure = () => {
		const errors = Object.entries(runData)
			.map(([name, tasks]) => [name, tasks.at(-1)?.error?.message] as const)
			.filter(([, message]) => message !== undefined)
			.map(([name, message]) => `${name}: ${message}`);
		const workflowError = run.data.resultData.error?.message;
		return [workflowError && `workflow: ${workflowError}`, ...errors].filter(Boolean).join('; ') || 'no error recorded';
	};

	return {
		run,
		status: timedOut ? 'canceled' : run.status,
		outputOf(nodeName, outputIndex = 0, runIndex) {
			const task = lastRun(nodeName, runIndex);
			if (!task) {
				throw new Error(`Node "${nodeName}" did not run (ran: ${executedNodes.join(', ') || 'none'}; ${describeFailure()})`);
			}
			return task.data?.main?.[outputIndex] ?? [];
		},
		errorOf(nodeName, runIndex) {
			return lastRun(nodeName, runIndex)?.error as NodeErrorInfo | undefined;
		},
		error: run.data.resultData.error as NodeErrorInfo | undefined,
		executedNodes,
		staticData: jsonCopy(workflow.staticData as IDataObject),
		credentials: credentialStore,
	};
}

export interface RunNodeItem {
	json: IDataObject;
	binary?: Record<string, { data: Buffer | string; mimeType?: string; fileName?: string }>;
}

export interface RunNodeOptions extends Omit<RunWorkflowOptions, 'credentials' | 'mode'> {
	type: string;
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	items?: RunNodeItem[];
	continueOnFail?: boolean;
	onError?: INode['onError'];
	typeVersion?: number;
	nodeName?: string;
}

export interface RunNodeResult {
	items: INodeExecutionData[];
	outputs: INodeExecutionData[][];
	error?: NodeErrorInfo;
	nodeName: string;
	result: WorkflowRunResult;
}

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const type = resolveNodeType(options.type);
	const registry = new NodeTypeRegistry(options.nodeTypes);
	const nodeType = registry.getByName(type);
	const description = 'nodeVersions' in nodeType ? nodeType.nodeVersions[nodeType.currentVersion].description : nodeType.description;
	const versions = 'nodeVersions' in nodeType ? [nodeType.currentVersion] : [description.version].flat();
	const typeVersion = options.typeVersion ?? ('nodeVersions' in nodeType ? nodeType.currentVersion : (description.defaultVersion ?? Math.max(...versions)));
	const nodeName = options.nodeName ?? description.defaults.name ?? 'Node under test';

	const { store: credentials, nodeCredentials } = credentialStoreFor(options.credentials);

	const itemSpecs: TestItemSpec[] = (options.items ?? [{ json: {} }]).map((item) => ({
		json: item.json,
		binary: item.binary
			? Object.fromEntries(
					Object.entries(item.binary).map(([prop, b]) => [
						prop,
						{
							data: Buffer.isBuffer(b.data) ? b.data.toString('base64') : b.data,
							mimeType: b.mimeType,
							fileName: b.fileName,
						},
					]),
				)
			: undefined,
	}));

	const onError = options.onError ?? (options.continueOnFail ? 'continueRegularOutput' : undefined);
	const trigger = "When clicking 'Execute workflow'";
	const input = 'Test Items';
	const workflowJson: WorkflowJson = {
		nodes: [
			{ id: 'trigger', name: trigger, type: MANUAL_TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'items',
				name: input,
				type: TEST_ITEMS_TYPE,
				typeVersion: 1,
				position: [200, 0],
				parameters: { items: JSON.stringify(itemSpecs) },
			},
			{
				id: 'under-test',
				name: nodeName,
				type,
				typeVersion,
				position: [400, 0],
				parameters: options.parameters ?? {},
				credentials: nodeCredentials,
				...(onError ? { onError } : {}),
			},
		],
		connections: {
			[trigger]: { main: [[{ node: input, type: 'main', index: 0 }]] },
			[input]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] },
		},
	};

	const result = await runWorkflow(workflowJson, { ...options, credentials });
	const task = result.run.data.resultData.runData[nodeName]?.at(-1);
	const outputs = (task?.data?.main ?? []).map((output) => output ?? []);
	// A node that never finished (e.g. the run timed out) has no task: report the workflow's error.
	const error = task
		? result.errorOf(nodeName)
		: (result.error ?? ({ message: `"${nodeName}" did not run` } as NodeErrorInfo));
	return { items: outputs[0] ?? [], outputs, error, nodeName, result };
}
