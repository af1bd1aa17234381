/**
 * The real n8n the e2e tests run against. scripts/e2e.mjs installs the packed package into it, starts
 * it with its own user folder, creates the owner and passes its address in the environment; each test
 * file logs in with the REST client of scripts/n8n/instance.mjs (the API the editor uses).
 */
import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..', '..');

/** What scripts/e2e.mjs tells the test processes. */
export const E2E = (() => {
	const url = process.env.E2E_N8N_URL;
	if (!url) {
		throw new Error('test/e2e needs a running n8n: run `npm run test:e2e` (scripts/e2e.mjs starts n8n and sets E2E_N8N_URL)');
	}
	return {
		/** e.g. http://127.0.0.1:40123/ (with the trailing slash) */
		url,
		version: process.env.E2E_N8N_VERSION ?? 'unknown',
		logFile: process.env.E2E_N8N_LOG ?? '',
		/** The packed package scripts/e2e.mjs installed, for tests that start an n8n of their own. */
		tarball: process.env.E2E_TARBALL ?? '',
	};
})();

export interface NodeRun {
	startTime: number;
	executionTime: number;
	executionStatus?: string;
	error?: { message: string; description?: string | null; [key: string]: unknown };
	data?: { main?: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, Record<string, unknown>>; pairedItem?: unknown }> | null> };
}

export interface Execution {
	id: string;
	status: string;
	mode: string;
	finished?: boolean;
	startedAt: string;
	stoppedAt?: string;
	workflowId: string;
	data: { resultData: { runData: Record<string, NodeRun[]>; error?: { message: string; [key: string]: unknown }; lastNodeExecuted?: string } };
}

export interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	workflowId: string;
}

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface Workflow {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface StoredWorkflow extends Workflow {
	id: string;
	versionId: string;
	active: boolean;
}

export interface N8nClient {
	request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
	login(): Promise<unknown>;
	importCredential(credential: { name: string; type: string; data: Record<string, unknown> }): Promise<{ id: string; name: string; type: string }>;
	createWorkflow(workflow: Workflow): Promise<StoredWorkflow>;
	getWorkflow(id: string): Promise<StoredWorkflow>;
	activateWorkflow(id: string, versionId?: string): Promise<unknown>;
	deactivateWorkflow(id: string): Promise<unknown>;
	runWorkflow(id: string, options?: { triggerNode?: string; timeoutMs?: number }): Promise<Execution>;
	listExecutions(workflowId: string, options?: { limit?: number }): Promise<ExecutionSummary[]>;
	getExecution(id: string): Promise<Execution>;
	waitForExecution(id: string, options?: { timeoutMs?: number }): Promise<Execution>;
	waitForNewExecution(workflowId: string, options?: { known?: string[]; timeoutMs?: number }): Promise<Execution>;
}

/** An n8n a test started itself (scripts/n8n/instance.mjs startN8n()), with its REST client. */
export interface OwnN8n extends N8nClient {
	url: string;
	port: number;
	userFolder: string;
	logFile: string;
	log(): string;
	setupOwner(): Promise<unknown>;
	stop(options?: { keep?: boolean }): Promise<void>;
}

interface InstanceModule {
	startN8n(options: { version: string; packages?: string[]; userFolder?: string; port?: number; env?: Record<string, string> }): Promise<OwnN8n>;
	restClient(url: string): N8nClient;
	nodeOutput(execution: Execution, nodeName: string, options?: { run?: number; output?: number }): Array<Record<string, unknown>>;
}

let instanceModule: Promise<InstanceModule> | undefined;

function instance(): Promise<InstanceModule> {
	// By path: under jest, import() of a file becomes require(), which takes no file: URL.
	return (instanceModule ??= import(join(REPO, 'scripts', 'n8n', 'instance.mjs')) as Promise<InstanceModule>);
}

/** A REST client logged in as the owner scripts/e2e.mjs created. */
export async function connect(): Promise<N8nClient> {
	const client = (await instance()).restClient(E2E.url);
	await client.login();
	return client;
}

/**
 * Starts another n8n of the version under test, logging like the one scripts/e2e.mjs started. With
 * `installPackage` the packed package is installed into its user folder first; pass the `userFolder`
 * and `port` of a stopped one to restart it (its webhook URLs stay the same).
 */
export async function startOwnN8n(options: { installPackage: boolean; userFolder?: string; port?: number }): Promise<OwnN8n> {
	// E2E_TARBALL is not set (scripts/e2e.mjs sets it)
	expect(E2E.tarball || !options.installPackage).toBeTruthy();
	return await (await instance()).startN8n({
		version: E2E.version,
		packages: options.installPackage ? [E2E.tarball] : [],
		userFolder: options.userFolder,
		port: options.port,
		env: { N8N_LOG_LEVEL: 'debug', N8N_LOG_FORMAT: 'json' },
	});
}

/** Items (json) the node produced in an execution; fails with the node's own error if it failed. */
export async function nodeOutput(execution: Execution, nodeName: string, output = 0): Promise<Array<Record<string, unknown>>> {
	return (await instance()).nodeOutput(execution, nodeName, { output });
}

/** The node's run (items with binary and pairedItem, timing, error). */
export function nodeRun(execution: Execution, nodeName: string): NodeRun {
	const runs = execution.data?.resultData?.runData?.[nodeName];
	if (!runs?.length) {
		throw new Error(`node "${nodeName}" did not run (ran: ${Object.keys(execution.data?.resultData?.runData ?? {}).join(', ')})`);
	}
	return runs[0];
}

/** n8n's log so far (JSON lines; see lib/n8n-log.mjs). */
export function n8nLog(): string {
	return E2E.logFile ? readFileSync(E2E.logFile, 'utf8') : '';
}

interface LogModule {
	PACKAGE_NAME: string;
	logProblems(text: string, options?: { expected?: RegExp[] }): Array<{ line: number; level: string; message: string; raw: string }>;
	packageLoadEntry(text: string, packageName?: string): { message: string; metadata: Record<string, unknown> } | undefined;
	describeProblems(problems: Array<{ line: number; level: string; raw: string }>, limit?: number): string;
}

export async function logTools(): Promise<LogModule> {
	return (await import(join(__dirname, 'n8n-log.mjs'))) as LogModule;
}
