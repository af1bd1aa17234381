/**
 * The local platform sandbox as its own process (`tsx test/fakes/sandbox/main.ts`, the one `npm start`
 * runs), on free loopback ports. Each e2e file starts its own, so the seeded conversations are the same
 * at the start of every file and files can run side by side; n8n reaches it through the credential's
 * Custom Base URL. The tests only use the sandbox's HTTP surfaces: the fake Graph and X APIs (what n8n talks
 * to) and the control API (deliveries and the record of what the platforms received).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

import { REPO } from './n8n';

/** A request as GET /requests reports it (multipart parts without their bytes). */
export interface SandboxRequest {
	method: string;
	path: string;
	version: string | null;
	query: Record<string, string>;
	body?: unknown;
	status?: number;
	at: number;
}

export interface DeliverRequest {
	platform?: 'messenger' | 'instagram' | 'x';
	event?: 'message' | 'quick_reply' | 'postback';
	from?: string;
	text?: string;
	payload?: string;
	title?: string;
	signature?: 'valid' | 'wrong' | 'missing' | 'tampered';
}

/** A person writes through the sandbox's fake Ayrshare (its auto-response, signature and retries). */
export interface AyrshareDeliverRequest {
	provider: 'ayrshare';
	platform?: 'messenger' | 'instagram' | 'x';
	from?: string;
	text?: string;
	signature?: 'valid' | 'wrong' | 'missing' | 'tampered';
}

export interface AyrshareDeliverResult extends DeliverResult {
	acknowledged: boolean;
	attempts: Array<{ attempt: number; status?: number; acknowledged: boolean; error?: string }>;
	/** The auto-response Ayrshare itself sent back, if it did. */
	autoResponse?: { recipientId: string; text: string };
}

/** A request the fake Ayrshare received (no headers; webhook secrets hidden). */
export interface AyrshareRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	body?: unknown;
	status?: number;
}

export interface DeliverResult {
	delivered: boolean;
	reason?: string;
	/** `signature256`: Meta's X-Hub-Signature-256; `signature`: X's x-twitter-webhooks-signature. */
	result?: { status: number; body: string; sentBody: { type: 'Buffer'; data: number[] }; signature256?: string; signature?: string };
	/** X only: the DM as X stored it (listed by GET /2/dm_events whether or not a webhook heard of it). */
	dmEvent?: { id: string; conversationId: string; createdAt: string };
}

/** A request the sandbox's fake X API received; `caller`: OAuth 1.0a user context or the app's Bearer Token. */
export interface XSandboxRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	body?: unknown;
	status?: number;
	caller?: 'user' | 'bearer';
}

export interface AppSubscription {
	object: string;
	callbackUrl: string;
	verifyToken: string;
	fields: Array<{ name: string; version: string }>;
	includeValues: boolean;
	active: boolean;
}

export interface SandboxStatus {
	graphUrl: string;
	appSubscriptions: AppSubscription[];
	/** Page / Instagram account id -> app id -> subscribed fields. */
	subscribedApps: Record<string, Record<string, string[]>>;
	/** Ayrshare profile title -> its messages webhook URL. */
	ayrshareWebhooks: Record<string, string>;
	/** The fake X API's webhooks, with how many activity subscriptions deliver to each. */
	xWebhooks: Array<{ id: string; url: string; valid: boolean; subscriptions: number }>;
	requests: number;
	deliveries: number;
}

export interface Delivery {
	recipient: string;
	key: string;
	content: { message?: Record<string, unknown>; [key: string]: unknown };
	count: number;
	mids: string[];
}

export interface Sandbox {
	graphUrl: string;
	controlUrl: string;
	/** The fake Ayrshare's base URL (with /api), for an Ayrshare credential's Custom Base URL. */
	ayrshareUrl: string;
	/** The fake X API's base URL, for an X API credential's Custom Base URL. */
	xUrl: string;
	/** Requests the fake X API received after the first `since`; `xMark()` gives the count so far. */
	xRequests(since?: number): Promise<XSandboxRequest[]>;
	xMark(): Promise<number>;
	deliverAyrshare(request: Omit<AyrshareDeliverRequest, 'provider'>): Promise<AyrshareDeliverResult>;
	/** Requests the fake Ayrshare received after the first `since`; `ayrshareMark()` gives the count so far. */
	ayrshareRequests(since?: number): Promise<AyrshareRequest[]>;
	ayrshareMark(): Promise<number>;
	status(): Promise<SandboxStatus>;
	deliver(request: DeliverRequest): Promise<DeliverResult>;
	/** Requests the platform received after the first `since`. */
	requests(since?: number): Promise<SandboxRequest[]>;
	/** How many requests the platform has received so far: pass it to requests() later. */
	mark(): Promise<number>;
	deliveries(): Promise<{ deliveries: Delivery[]; duplicates: Delivery[] }>;
	/** GET on the fake Graph host itself, e.g. an uploaded file under /cdn/uploads/…. */
	fetchGraph(path: string): Promise<Response>;
	stop(): Promise<void>;
}

/** A request as the tests compare it: what the platform received, without its arrival time. */
export type Recorded = Omit<SandboxRequest, 'at'>;

/** The requests the platform received after `since` (see `mark()`), without their arrival times. */
export async function requestsSince(sandbox: Sandbox, since: number): Promise<Recorded[]> {
	return (await sandbox.requests(since)).map(({ at: _at, ...rest }) => rest);
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

/** test/fakes/sandbox/spawn.mjs, the one way every caller starts the sandbox process. */
interface SpawnModule {
	spawnSandbox(options: { onSpawn?: (child: ChildProcess) => void }): Promise<{ child: ChildProcess; graphUrl: string; controlUrl: string; ayrshareUrl: string; xUrl: string }>;
}

export async function startSandbox(): Promise<Sandbox> {
	const { spawnSandbox } = (await import(join(REPO, 'test', 'fakes', 'sandbox', 'spawn.mjs'))) as SpawnModule;
	const ready = await spawnSandbox({ onSpawn: (spawned) => running.add(spawned) });
	const { child } = ready;

	async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${ready.controlUrl}${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`sandbox ${method} ${path} -> ${response.status}: ${text}`);
		return JSON.parse(text) as T;
	}

	return {
		graphUrl: ready.graphUrl,
		controlUrl: ready.controlUrl,
		ayrshareUrl: ready.ayrshareUrl,
		xUrl: ready.xUrl,
		xRequests: async (since = 0) => (await control<{ requests: Array<XSandboxRequest & { at: number }> }>('GET', `/requests?since=${since}&platform=x`)).requests.map(({ at: _at, ...rest }) => rest),
		xMark: async () => (await control<{ total: number }>('GET', '/requests?since=1000000000&platform=x')).total,
		deliverAyrshare: async (request) => await control<AyrshareDeliverResult>('POST', '/deliver', { ...request, provider: 'ayrshare' }),
		ayrshareRequests: async (since = 0) => (await control<{ requests: AyrshareRequest[] }>('GET', `/requests?since=${since}&provider=ayrshare`)).requests,
		ayrshareMark: async () => (await control<{ total: number }>('GET', '/requests?since=1000000000&provider=ayrshare')).total,
		status: async () => await control<SandboxStatus>('GET', '/status'),
		deliver: async (request) => await control<DeliverResult>('POST', '/deliver', request),
		requests: async (since = 0) => (await control<{ requests: SandboxRequest[] }>('GET', `/requests?since=${since}`)).requests,
		mark: async () => (await control<{ total: number }>('GET', '/requests?since=1000000000')).total,
		deliveries: async () => await control('GET', '/deliveries'),
		fetchGraph: async (path) => await fetch(`${ready.graphUrl}${path}`),
		async stop() {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				await once(child, 'exit');
			}
			running.delete(child);
		},
	};
}
