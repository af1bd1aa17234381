/**
 * Shared set-up for the Social Messaging Trigger tests: starting the trigger behind the webhook harness
 * against a fake Graph server, "restarting" it, and reading what it sent to the fake and what it emitted.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { APP_ID, APP_SECRET, IG_USER_TOKEN, PAGE_TOKEN, appSecretProof, type FakeGraph, type RecordedRequest } from '../fakes/graph';
import { forgetProcessMemory } from '../../nodes/platforms/core/dedupe';
import { startTriggerHarness, type TriggerHarness, type TriggerHarnessOptions } from '../harness/webhook';

export const APP_AUTH = `Bearer ${APP_ID}|${APP_SECRET}`;
export const PAGE_AUTH = `Bearer ${PAGE_TOKEN}`;
export const IG_AUTH = `Bearer ${IG_USER_TOKEN}`;
export const PAGE_PROOF = appSecretProof(APP_SECRET, PAGE_TOKEN);
export const IG_PROOF = appSecretProof(APP_SECRET, IG_USER_TOKEN);

export interface TriggerOptions {
	parameters?: INodeParameters;
	credentials: ICredentialDataDecryptedObject;
	/** The credential's type; default the shared socialMessagingApi. */
	credentialType?: string;
	staticData?: IDataObject;
	port?: number;
	workflowId?: string;
	webhookId?: string;
	requireActivation?: boolean;
	/** The editor's "Listen for test event" (see the harness's testWebhook). */
	testWebhook?: boolean;
}

export function harnessOptions(options: TriggerOptions): TriggerHarnessOptions {
	return {
		nodeType: 'socialMessagingTrigger',
		parameters: options.parameters ?? {},
		credentials: { [options.credentialType ?? 'socialMessagingApi']: options.credentials },
		staticData: options.staticData,
		port: options.port,
		workflowId: options.workflowId,
		webhookId: options.webhookId,
		requireActivation: options.requireActivation ?? true,
		testWebhook: options.testWebhook,
	};
}

/**
 * Starts triggers; every harness started here is closed by `closeAll()`. Each gets its own workflow id
 * unless one is given (like separate saved workflows), since the trigger keeps per-workflow state.
 */
export class Triggers {
	private readonly open = new Map<TriggerHarness, TriggerOptions & { workflowId: string }>();
	private counter = 0;

	async start(options: TriggerOptions): Promise<TriggerHarness> {
		const resolved = { ...options, workflowId: options.workflowId ?? `trigger-test-workflow-${++this.counter}` };
		const harness = await startTriggerHarness(harnessOptions(resolved));
		this.open.set(harness, resolved);
		return harness;
	}

	workflowIdOf(harness: TriggerHarness): string {
		const options = this.open.get(harness);
		if (!options) throw new Error('not a harness of this Triggers');
		return options.workflowId;
	}

	/**
	 * "Restarts n8n": closes the harness, forgets what the process kept in memory, and starts the same
	 * workflow again on the same port from its saved static data (optionally with changed options, or
	 * other static data: `{}` is a workflow whose static data was lost).
	 */
	async restart(harness: TriggerHarness, changes: Partial<TriggerOptions> = {}): Promise<TriggerHarness> {
		const options = this.open.get(harness);
		if (!options) throw new Error('not a harness of this Triggers');
		const staticData = harness.exportStaticData();
		await harness.close();
		this.open.delete(harness);
		forgetProcessMemory();
		return await this.start({ ...options, ...changes, port: harness.port, staticData: changes.staticData ?? staticData });
	}

	/** Waits until every open harness has finished handling its requests. */
	async settleAll(): Promise<void> {
		for (const harness of this.open.keys()) await settled(harness);
	}

	async closeAll(): Promise<void> {
		const harnesses = [...this.open.keys()];
		this.open.clear();
		for (const harness of harnesses) await harness.close();
	}
}

/** Waits until `condition()` holds (the trigger answers Meta before it finishes its own work). */
export async function until(condition: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

/** Waits until the harness recorded `count` executions and ran them. */
export async function executions(harness: TriggerHarness, count: number): Promise<void> {
	await until(() => harness.executions.length >= count && harness.runs.length >= count, `${count} execution(s)`);
}

/** Waits until every request the harness received has been handled to the end. */
export async function settled(harness: TriggerHarness): Promise<void> {
	await until(() => harness.calls.every((call) => call.outcome !== 'notRegistered' || call.webhookName === undefined), 'the webhook calls to finish');
	const failed = harness.calls.find((call) => call.error);
	if (failed) throw new Error(`the harness reported an error for ${failed.method} ${failed.path}: ${failed.error?.stack ?? failed.error?.message}`);
	await until(() => harness.runs.length >= harness.executions.length, 'the executions to finish');
}

/** Delivers like Meta and waits until the trigger has finished with the delivery (it answers first). */
export async function deliverAndSettle(fake: FakeGraph, harness: TriggerHarness, payload: unknown, opts: Parameters<FakeGraph['deliver']>[2] = {}) {
	const result = await fake.deliver(harness.webhookUrl, payload, opts);
	await settled(harness);
	return result;
}

/** A request as the trigger sent it to the fake Graph, reduced to what the tests assert. */
export interface SentRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	body?: unknown;
	auth?: string;
}

export function sent(request: RecordedRequest): SentRequest {
	const result: SentRequest = { method: request.method, path: request.path, query: request.query, auth: request.headers.authorization };
	if (request.body !== undefined) result.body = request.body;
	return result;
}

/** Every request the fake received since the last `clearRequests()`. */
export function sentRequests(fake: FakeGraph): SentRequest[] {
	return fake.requests.map(sent);
}

/** The JSON of the items of execution `index`. */
export function itemsOf(harness: TriggerHarness, index = 0): IDataObject[] {
	const execution = harness.executions[index];
	if (!execution) throw new Error(`no execution #${index} (there are ${harness.executions.length})`);
	return execution[0].map((item) => item.json);
}

/** The Page's (or account's) subscribed fields for the test app, or undefined when not subscribed. */
export function accountFields(fake: FakeGraph, ownerId: string): string[] | undefined {
	return fake.state.subscribedApps.get(ownerId)?.get(APP_ID);
}

/** The app's subscription to a webhook object, as the fake stores it. */
export function appSubscription(fake: FakeGraph, object: string): { callbackUrl: string; fields: string[]; verifyToken: string } | undefined {
	const subscription = fake.state.appSubscriptions.get(object);
	if (!subscription) return undefined;
	return { callbackUrl: subscription.callbackUrl, fields: subscription.fields.map((f) => f.name).sort(), verifyToken: subscription.verifyToken };
}
