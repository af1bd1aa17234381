/**
 * `startFakeGraph()`: a local HTTP server that behaves like Meta's Graph API for Messenger and
 * Instagram messaging, records every request, and lets tests inject documented failures.
 */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectParams, parseBody, type ParsedBody } from './body';
import { fbtraceId, fromSpec, GraphError, GRAPH_ERRORS, type FailSpec, type GraphErrorName } from './errors';
import { createDefaultState } from './fixtures';
import { httpRequest } from './http-client';
import type { MessagingEvent, WebhookPayload } from './payloads';
import { SlidingWindowLimiter } from './ratelimit';
import { route } from './router';
import { segmentsOf, splitVersion } from './routes/paths';
import type { GraphState } from './state';
import type { Call, Env, Method, RecordedRequest, ResolvedOptions, Result, SendEvent, VerificationAttempt } from './types';
import { sleep } from './util';
import { deliverWebhook, type DeliverOptions, type DeliveryResult } from './webhooks';

export interface FakeGraphOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Artificial delay per HTTP request, ms. */
	latencyMs?: number;
	/** On top of `latencyMs`, a random extra delay of 0 to this many ms per request, so answers overtake each other. */
	latencyJitterMs?: number;
	/** Seeded state; defaults to `createDefaultState()`. */
	state?: GraphState;
	/** Sustained Send API limit per Page / IG account (sliding 1 s window); beyond it answers code 613. */
	rateLimitPerSecond?: number;
	/** Same for the Conversations API reads (conversations, a conversation, its messages, a message; Meta documents 2/s); off by default. */
	conversationsRateLimitPerSecond?: number;
	/** Same for audio and video sends (Meta documents 10/s per Page), on top of the Send API limit; off by default. */
	audioVideoRateLimitPerSecond?: number;
	/** The limiters' clock (ms); default the wall clock. A test that counts calls per second sets it, so a slow machine cannot spread a burst over two windows. */
	limiterClock?: () => number;
	/** `estimated_time_to_regain_access` reported when limited; default: the wait rounded up to whole minutes. */
	regainAccessMinutes?: number;
	/** Reject calls without `appsecret_proof` (the app's "Require app secret" setting). */
	requireAppSecretProof?: boolean;
	/** Enforce the 24-hour window (HUMAN_AGENT: 7 days) from each person's last message; off by default. */
	enforceMessagingWindow?: boolean;
	/** Message tags to treat as retired (answer #100), e.g. the three the reference says may go on 2026-04-27. */
	retiredMessageTags?: string[];
	/** How long the subscription verification GET may take, ms (default 10000). */
	callbackTimeoutMs?: number;
	/** Only accept https callback URLs, as production Meta does (default false so tests can use http://127.0.0.1). */
	requireHttpsCallback?: boolean;
	/** Version written into paging links when the request had none (default v23.0). */
	defaultVersion?: string;
}

/** Which requests a failure applies to. A string is `"/path"` or `"METHOD /path"` (version prefix ignored); a RegExp tests the path. */
/** What a function matcher sees of a call: its method, path, version, parameters, and whether it is a batch part. */
export interface MatchedCall {
	method: string;
	path: string;
	version: string | null;
	params: Record<string, unknown>;
	inBatch: boolean;
}

export type RequestMatcher = string | RegExp | { method?: string; path?: string | RegExp; inBatch?: boolean } | ((call: MatchedCall) => boolean);

export interface UsageHeaders {
	/** X-App-Usage: `{call_count, total_cputime, total_time}` in percent. */
	appUsage?: Record<string, number>;
	/** X-Business-Use-Case-Usage: `{"<id>": [{type, call_count, total_cputime, total_time, estimated_time_to_regain_access}]}`. */
	businessUseCaseUsage?: Record<string, Array<Record<string, unknown>>>;
	/** X-Page-Usage: `{call_count, total_cputime, total_time}`. */
	pageUsage?: Record<string, number>;
}

export interface EmitResult {
	delivered: boolean;
	/** Why nothing was sent (no subscription, field not subscribed, Page not subscribed...). */
	reason?: string;
	result?: DeliveryResult;
}

export interface FakeGraph {
	/** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash, no version). */
	readonly url: string;
	readonly port: number;
	readonly state: GraphState;
	/** Every HTTP request received, oldest first. Batch items are under `batchItems`. */
	readonly requests: RecordedRequest[];
	/** Every callback verification GET made for `POST /{APP_ID}/subscriptions`. */
	readonly verifications: VerificationAttempt[];
	/** `'send'` (SendEvent) for each accepted message; `'request'` (RecordedRequest) when one is answered. */
	readonly events: EventEmitter;
	clearRequests(): void;
	/** Logical API calls: HTTP requests, with batch envelopes replaced by their items. */
	calls(filter?: RequestMatcher): RecordedRequest[];
	failNext(matcher: RequestMatcher, spec: FailSpec | GraphErrorName, times?: number): void;
	clearFailures(): void;
	setUsageHeaders(usage: UsageHeaders): void;
	setLatency(ms: number): void;
	/** POST a webhook body to any URL the way Meta does (signed with APP_SECRET unless told otherwise). */
	deliver(callbackUrl: string, payload: unknown, opts?: DeliverOptions): Promise<DeliveryResult>;
	/** Deliver to the app's registered callback, only if the app and the Page / IG account are subscribed to the event's field. */
	emitWebhook(payload: WebhookPayload, opts?: DeliverOptions): Promise<EmitResult>;
	close(): Promise<void>;
}

const MAX_BODY_BYTES = 40 * 1024 * 1024;

interface PendingFailure {
	matcher: RequestMatcher;
	spec: FailSpec;
	remaining: number;
}

export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
	const fake = new FakeGraphServer(options);
	await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
	return fake;
}

class FakeGraphServer implements FakeGraph {
	url = '';
	port = 0;
	readonly state: GraphState;
	readonly requests: RecordedRequest[] = [];
	readonly verifications: VerificationAttempt[] = [];
	readonly events = new EventEmitter();
	private readonly server: http.Server;
	private readonly options: ResolvedOptions;
	private readonly env: Env;
	private failures: PendingFailure[] = [];
	private usage: UsageHeaders = {};

	constructor(opts: FakeGraphOptions) {
		this.state = opts.state ?? createDefaultState();
		this.options = {
			latencyMs: opts.latencyMs ?? 0,
			latencyJitterMs: opts.latencyJitterMs ?? 0,
			requireAppSecretProof: opts.requireAppSecretProof ?? false,
			rateLimitPerSecond: opts.rateLimitPerSecond,
			conversationsRateLimitPerSecond: opts.conversationsRateLimitPerSecond,
			audioVideoRateLimitPerSecond: opts.audioVideoRateLimitPerSecond,
			regainAccessMinutes: opts.regainAccessMinutes,
			enforceMessagingWindow: opts.enforceMessagingWindow ?? false,
			retiredMessageTags: opts.retiredMessageTags ?? [],
			callbackTimeoutMs: opts.callbackTimeoutMs ?? 10_000,
			requireHttpsCallback: opts.requireHttpsCallback ?? false,
			defaultVersion: opts.defaultVersion ?? 'v23.0',
		};
		// Limiters use the wall clock: they pace real traffic, unlike `state.now` which dates records.
		const clock = opts.limiterClock ?? ((): number => Date.now());
		this.env = {
			state: this.state,
			options: this.options,
			baseUrl: '',
			sendLimiter: opts.rateLimitPerSecond ? new SlidingWindowLimiter(opts.rateLimitPerSecond, clock) : undefined,
			conversationsLimiter: opts.conversationsRateLimitPerSecond ? new SlidingWindowLimiter(opts.conversationsRateLimitPerSecond, clock) : undefined,
			audioVideoLimiter: opts.audioVideoRateLimitPerSecond ? new SlidingWindowLimiter(opts.audioVideoRateLimitPerSecond, clock) : undefined,
			execute: (call) => this.execute(call),
			verifyCallback: (url, token) => this.verifyCallback(url, token),
			onSend: (event: SendEvent) => this.events.emit('send', event),
		};
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error: unknown) => {
				console.error('[fake-graph] unexpected failure', error);
				if (!res.headersSent) res.writeHead(500).end();
			});
		});
		// Long enough that a client busy for seconds (a 25 MB body built on a loaded machine) does not reuse a
		// connection the server has just dropped (ECONNRESET); close() drops every connection anyway.
		this.server.keepAliveTimeout = 60_000;
	}

	listen(port: number, host: string): Promise<void> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => {
				const address = this.server.address() as AddressInfo;
				this.port = address.port;
				this.url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
				this.env.baseUrl = this.url;
				resolve();
			});
		});
	}

	// ---- public API --------------------------------------------------------------------

	clearRequests(): void {
		this.requests.length = 0;
	}

	calls(filter?: RequestMatcher): RecordedRequest[] {
		const flat = this.requests.flatMap((r) => r.batchItems ?? [r]);
		if (!filter) return flat;
		return flat.filter((r) => matches(filter, { method: r.method, path: r.path, version: r.version, params: paramsOfRecord(r), inBatch: r.batchIndex !== undefined }));
	}

	failNext(matcher: RequestMatcher, spec: FailSpec | GraphErrorName, times?: number): void {
		const resolved: FailSpec = typeof spec === 'string' ? GRAPH_ERRORS[spec] : spec;
		this.failures.push({ matcher, spec: resolved, remaining: times ?? resolved.times ?? 1 });
	}

	clearFailures(): void {
		this.failures = [];
	}

	setUsageHeaders(usage: UsageHeaders): void {
		this.usage = { ...usage };
	}

	setLatency(ms: number): void {
		this.options.latencyMs = ms;
	}

	deliver(callbackUrl: string, payload: unknown, opts: DeliverOptions = {}): Promise<DeliveryResult> {
		return deliverWebhook(callbackUrl, payload, { ...opts, appSecret: opts.appSecret ?? this.state.app.secret });
	}

	async emitWebhook(payload: WebhookPayload, opts: DeliverOptions = {}): Promise<EmitResult> {
		const subscription = this.state.appSubscriptions.get(payload.object);
		if (!subscription) return { delivered: false, reason: `the app has no subscription for object "${payload.object}"` };
		if (!subscription.active) return { delivered: false, reason: 'the app subscription is inactive' };
		for (const entry of payload.entry) {
			const events = [...(entry.messaging ?? []), ...(entry.standby ?? [])];
			const standby = (entry.standby ?? []).length > 0;
			for (const event of events) {
				const field = standby && (entry.messaging ?? []).length === 0 ? 'standby' : fieldOf(event, payload.object);
				const appFields = subscription.fields.map((f) => f.name);
				if (!appFields.includes(field) && !(field === 'messaging_referrals' && appFields.includes('messaging_referral'))) {
					return { delivered: false, reason: `the app subscription does not include field "${field}"` };
				}
				if (!this.ownerSubscribed(entry.id, field)) return { delivered: false, reason: `${entry.id} has not subscribed the app to "${field}" (subscribed_apps)` };
			}
		}
		const result = await this.deliver(subscription.callbackUrl, payload, opts);
		return { delivered: true, result };
	}

	close(): Promise<void> {
		return new Promise((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	// ---- request handling --------------------------------------------------------------

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const raw = await readBody(req);
		const target = new URL(req.url ?? '/', 'http://fake.invalid');
		const { version, path } = splitVersion(target.pathname);
		const query: Record<string, string> = {};
		for (const [key, value] of target.searchParams) query[key] = value;
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
		const record: RecordedRequest = {
			method: req.method ?? 'GET',
			url: req.url ?? '/',
			path,
			version,
			query,
			headers,
			body: undefined,
			rawBody: raw.data,
			at: Date.now(),
		};
		this.requests.push(record);
		const delay = this.options.latencyMs + (this.options.latencyJitterMs > 0 ? randomInt(this.options.latencyJitterMs + 1) : 0);
		if (delay > 0) await sleep(delay);

		let result: Result | null;
		if (raw.tooLarge) {
			result = errorResult(fromSpec(GRAPH_ERRORS.attachmentTooLarge));
		} else if (path.startsWith('/cdn/') && record.method === 'GET') {
			result = this.serveBlob(path, res);
			if (!result) {
				record.status = 200;
				this.events.emit('request', record);
				return;
			}
		} else {
			result = await this.fromHttp(record, raw.data, headers['content-type']);
		}
		record.status = result ? result.status : 0;
		record.response = result?.body;
		this.events.emit('request', record);
		if (!result) {
			// Injected hangup: the caller sees a reset connection and no answer.
			req.socket.destroy();
			return;
		}
		const text = JSON.stringify(result.body);
		res.writeHead(result.status, {
			'content-type': 'application/json; charset=UTF-8',
			'content-length': Buffer.byteLength(text),
			'x-fb-trace-id': fbtraceId().slice(0, 11),
			'x-fb-rev': '1000000000',
			'facebook-api-version': version ?? this.options.defaultVersion,
			...(result.headers ?? {}),
		});
		res.end(text);
	}

	private async fromHttp(record: RecordedRequest, raw: Buffer, contentType: string | undefined): Promise<Result | null> {
		let parsed: ParsedBody;
		let collected: ReturnType<typeof collectParams>;
		try {
			parsed = parseBody(raw, contentType);
			record.body = bodyForRecord(parsed);
			collected = collectParams(record.query, parsed);
		} catch (error) {
			return errorResult(error);
		}
		const override = typeof collected.params.method === 'string' ? collected.params.method.toUpperCase() : undefined;
		const method = (override === 'GET' || override === 'POST' || override === 'DELETE' ? override : record.method.toUpperCase()) as Method;
		if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') return errorResult(new GraphError(400, { message: `Unsupported method ${method}`, code: 100 }));
		const call: Call = {
			method,
			path: record.path,
			segments: segmentsOf(record.path),
			version: record.version,
			query: record.query,
			params: collected.params,
			files: collected.files,
			headers: record.headers,
			inBatch: false,
		};
		if (call.segments.length === 0 && call.params.batch !== undefined) {
			call.batchLog = record.batchItems = [];
		}
		return this.execute(call);
	}

	/** The pipeline every logical call goes through: injected failures, routing, usage headers. */
	private async execute(call: Call): Promise<Result | null> {
		const before = this.takeFailure(call, false);
		if (before) return before.hangup ? null : this.withUsage(errorResult(fromSpec(before)));
		let result: Result;
		try {
			result = await route(this.env, call);
		} catch (error) {
			result = errorResult(error);
		}
		if (result.status < 400) {
			const after = this.takeFailure(call, true);
			if (after) return after.hangup ? null : this.withUsage(errorResult(fromSpec(after)));
		}
		return this.withUsage(result);
	}

	private takeFailure(call: Call, afterProcessing: boolean): FailSpec | undefined {
		const info = { method: call.method, path: call.path, version: call.version, params: call.params, inBatch: call.inBatch };
		const index = this.failures.findIndex((f) => !!f.spec.afterProcessing === afterProcessing && matches(f.matcher, info));
		if (index < 0) return undefined;
		const failure = this.failures[index];
		if (--failure.remaining <= 0) this.failures.splice(index, 1);
		return failure.spec;
	}

	private withUsage(result: Result): Result {
		const headers: Record<string, string> = { ...(result.headers ?? {}) };
		if (this.usage.appUsage) headers['x-app-usage'] = JSON.stringify(this.usage.appUsage);
		if (this.usage.pageUsage) headers['x-page-usage'] = JSON.stringify(this.usage.pageUsage);
		if (this.usage.businessUseCaseUsage) {
			const fromLimiter = headers['x-business-use-case-usage'] ? (JSON.parse(headers['x-business-use-case-usage']) as Record<string, unknown>) : {};
			headers['x-business-use-case-usage'] = JSON.stringify({ ...this.usage.businessUseCaseUsage, ...fromLimiter });
		}
		return { ...result, headers };
	}

	private serveBlob(path: string, res: http.ServerResponse): Result | null {
		const blob = this.state.blobs.get(path) ?? this.state.blobs.get(decodeURI(path));
		if (!blob) return { status: 404, body: { error: { message: 'Not found', type: 'CDNError', code: 404, fbtrace_id: fbtraceId() } } };
		res.writeHead(200, { 'content-type': blob.contentType, 'content-length': blob.data.length });
		res.end(blob.data);
		return null;
	}

	private async verifyCallback(url: string, verifyToken: string): Promise<VerificationAttempt> {
		const challenge = String(randomInt(1_000_000_000, 2_147_483_647));
		const target = new URL(url);
		target.searchParams.set('hub.mode', 'subscribe');
		target.searchParams.set('hub.challenge', challenge);
		target.searchParams.set('hub.verify_token', verifyToken);
		const attempt: VerificationAttempt = { url: target.toString(), challenge, verifyToken, ok: false };
		try {
			const res = await httpRequest(target.toString(), { method: 'GET', timeoutMs: this.options.callbackTimeoutMs, headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' } });
			attempt.status = res.status;
			attempt.body = res.body.toString('utf8');
			attempt.ok = res.status === 200 && attempt.body === challenge;
		} catch (error) {
			attempt.error = `curl_errno = 7; curl_error = ${(error as Error).message}`;
		}
		this.verifications.push(attempt);
		return attempt;
	}

	private ownerSubscribed(ownerId: string, field: string): boolean {
		const has = (id: string | undefined): boolean => !!id && (this.state.subscribedApps.get(id)?.get(this.state.app.id) ?? []).includes(field);
		if (has(ownerId)) return true;
		// Instagram with Facebook Login: the linked Page's subscription carries the Instagram account's events.
		const ig = this.state.igAccount(ownerId);
		return !!ig && has(ig.pageId);
	}
}

function errorResult(error: unknown): Result {
	if (error instanceof GraphError) return { status: error.status, body: error.toBody(), headers: error.headers };
	console.error('[fake-graph] internal error', error);
	return { status: 500, body: { error: { message: `Fake Graph internal error: ${(error as Error).message}`, type: 'FakeGraphError', code: 1, fbtrace_id: fbtraceId() } } };
}

function matches(matcher: RequestMatcher, call: { method: string; path: string; version: string | null; params: Record<string, unknown>; inBatch: boolean }): boolean {
	if (typeof matcher === 'function') return matcher(call);
	if (matcher instanceof RegExp) return matcher.test(call.path);
	if (typeof matcher === 'string') {
		const match = /^(?:(GET|POST|DELETE)\s+)?(.*)$/i.exec(matcher.trim());
		const method = match?.[1];
		const path = splitVersion(match?.[2] ?? '').path;
		return (!method || method.toUpperCase() === call.method.toUpperCase()) && path === call.path;
	}
	if (matcher.method && matcher.method.toUpperCase() !== call.method.toUpperCase()) return false;
	if (matcher.inBatch !== undefined && matcher.inBatch !== call.inBatch) return false;
	if (matcher.path instanceof RegExp) return matcher.path.test(call.path);
	if (typeof matcher.path === 'string') return splitVersion(matcher.path).path === call.path;
	return true;
}

function paramsOfRecord(r: RecordedRequest): Record<string, unknown> {
	const body = r.body && typeof r.body === 'object' && !Array.isArray(r.body) ? (r.body as Record<string, unknown>) : {};
	return { ...r.query, ...body };
}

/** Which webhook field an event belongs to (what the app and the Page must subscribe to). */
export function fieldOf(event: MessagingEvent, object: string): string {
	const message = event.message as { is_echo?: boolean } | undefined;
	if (message) return message.is_echo ? 'message_echoes' : 'messages';
	if (event.read) return object === 'instagram' ? 'messaging_seen' : 'message_reads';
	if (event.delivery) return 'message_deliveries';
	if (event.reaction) return 'message_reactions';
	if (event.postback) return 'messaging_postbacks';
	if (event.optin) return 'messaging_optins';
	if (event.referral) return 'messaging_referrals';
	if (event.message_edit) return 'message_edits';
	if (event.pass_thread_control || event.take_thread_control || event.request_thread_control || event.app_roles) return 'messaging_handovers';
	return 'messages';
}

function bodyForRecord(parsed: ParsedBody): unknown {
	switch (parsed.kind) {
		case 'json':
			return parsed.value;
		case 'form':
			return parsed.fields;
		case 'multipart':
			return parsed.parts;
		default:
			return undefined;
	}
}

function readBody(req: http.IncomingMessage): Promise<{ data: Buffer; tooLarge: boolean }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve({ data: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
		req.on('error', reject);
	});
}
