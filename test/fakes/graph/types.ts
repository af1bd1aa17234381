/** Shapes shared by the router, the route modules and the server. */
import type { MultipartPart } from './multipart';
import type { SlidingWindowLimiter } from './ratelimit';
import type { GraphState, MessageRecord } from './state';

export type Method = 'GET' | 'POST' | 'DELETE';

/** One logical Graph call: a plain HTTP request or one item of a batch. */
export interface Call {
	method: Method;
	/** Path without the version prefix, e.g. `/me/messages`. */
	path: string;
	segments: string[];
	/** `v23.0`, or null when the path carried no version. */
	version: string | null;
	query: Record<string, string>;
	/** Query and body parameters merged (body wins). */
	params: Record<string, unknown>;
	files: MultipartPart[];
	headers: Record<string, string>;
	inBatch: boolean;
	/** Set on a batch envelope: where the batch handler records its items. */
	batchLog?: RecordedRequest[];
}

/** Every request the fake received, as the node sent it. */
export interface RecordedRequest {
	method: string;
	/** Path and query as sent (for batch items: the `relative_url`). */
	url: string;
	/** Path without the `/vNN.0` prefix. */
	path: string;
	version: string | null;
	query: Record<string, string>;
	/** Lower-cased header names. */
	headers: Record<string, string>;
	/** Parsed JSON, form fields (`Record<string,string>`), multipart parts, or undefined when empty. */
	body: unknown;
	rawBody: Buffer;
	at: number;
	/** HTTP status answered (0 when the connection was dropped on purpose). */
	status?: number;
	/** The JSON answered. */
	response?: unknown;
	/** For a batch envelope: its items, each recorded like a request. */
	batchItems?: RecordedRequest[];
	/** For a batch item: its position in the batch. */
	batchIndex?: number;
}

export interface Result {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export interface VerificationAttempt {
	url: string;
	challenge: string;
	verifyToken: string;
	status?: number;
	body?: string;
	error?: string;
	ok: boolean;
}

/** Emitted on `fake.events` as `'send'` for every accepted message. */
export interface SendEvent {
	businessId: string;
	recipient: string;
	message: MessageRecord | undefined;
	body: Record<string, unknown>;
}

export interface ResolvedOptions {
	latencyMs: number;
	latencyJitterMs: number;
	requireAppSecretProof: boolean;
	rateLimitPerSecond?: number;
	conversationsRateLimitPerSecond?: number;
	audioVideoRateLimitPerSecond?: number;
	regainAccessMinutes?: number;
	enforceMessagingWindow: boolean;
	retiredMessageTags: string[];
	callbackTimeoutMs: number;
	requireHttpsCallback: boolean;
	defaultVersion: string;
}

export interface Env {
	state: GraphState;
	options: ResolvedOptions;
	baseUrl: string;
	sendLimiter?: SlidingWindowLimiter;
	conversationsLimiter?: SlidingWindowLimiter;
	audioVideoLimiter?: SlidingWindowLimiter;
	/** Run a nested call through the full pipeline (failure injection, auth, routing); null = dropped. */
	execute(call: Call): Promise<Result | null>;
	verifyCallback(url: string, verifyToken: string): Promise<VerificationAttempt>;
	onSend(event: SendEvent): void;
}
