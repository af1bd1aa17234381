/**
 * `startFakeX()`: a local HTTP server that behaves like X API v2 for Direct Messages. Every request is
 * recorded, checked against X's OpenAPI description (a request neither 2.167 nor 2.159 accepts is answered
 * 400 and listed in `violations`), authenticated (OAuth 1.0a signature recomputed, or the app's Bearer
 * Token where X's description allows it), rate-limited per user with X's headers, and routed through a
 * table other modules extend with `addRoutes`.
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { boundaryOf, parseMultipart, type MultipartPart } from '../graph/multipart';
import { deliverDm, deliverSignal, postDelivery, runCrc, type ActivityDeliveryResult, type DeliveryOptions, type DmDelivery, type SignalDelivery } from './activity';
import { Authenticator, type Caller } from './auth';
import { failureFrom, invalidRequest, problem, PROBLEMS, X_FAILURES, XError, type FailSpec, type XFailureName } from './errors';
import { X_OAUTH2_CLIENT_ID, X_OAUTH2_CLIENT_SECRET, X_OAUTH2_REFRESH_TOKEN, X_OAUTH2_TOKEN, createDefaultState } from './fixtures';
import { OAUTH2_TOKEN_PATH, answerTokenRequest, type RefreshTokens } from './oauth2';
import { checkRequest, spec, type SpecVersion } from './openapi';
import { RateLimits, type LimitGroup, type WindowSpec } from './ratelimit';
import { ACTIVITY_ROUTES } from './routes/activity';
import { DM_ROUTES } from './routes/dm';
import { DM_MEDIA_ROUTES } from './routes/dmMedia';
import { MEDIA_ROUTES } from './routes/media';
import type { RouteOptions, RouteResult, XRoute } from './routes/types';
import { USER_ROUTES } from './routes/users';
import type { XState } from './state';

export interface FakeXOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	host?: string;
	latencyMs?: number;
	state?: XState;
	/** Replace documented windows, e.g. `{ dmSend: { limit: 2, windowMs: 1500 } }`. */
	rateLimits?: Partial<Record<LimitGroup, WindowSpec>>;
	/** Which 429 body X answers when a window is used up (both occur): problem details (default) or `errors[{code: 88}]`. */
	rateLimitShape?: 'problem' | 'legacy';
	/** States a video goes through after FINALIZE, one per STATUS call (default pending, in_progress, succeeded). */
	videoProcessing?: RouteOptions['videoProcessing'];
	/** `check_after_secs` answered while processing (default 1). */
	checkAfterSecs?: number;
	/** Seconds until `x-rate-limit-reset` on injected 429s (default 1). */
	injectedResetSecs?: number;
	/** Extra routes (checked before the built-in ones). */
	routes?: XRoute[];
	/**
	 * Operations (`GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}`) that also take OAuth 1.0a user
	 * context though X's description lists only OAuth 2.0 user tokens for them: an assumption a test makes on
	 * purpose, never the default. Also `fake.oauth1Also`, changeable while running.
	 */
	oauth1Also?: string[];
}

export interface RecordedXRequest {
	method: string;
	/** Path and query as sent. */
	url: string;
	path: string;
	/** Decoded query (last value wins); `queryPairs` keeps repeats. */
	query: Record<string, string>;
	queryPairs: Array<[string, string]>;
	/** Lower-cased header names. */
	headers: Record<string, string>;
	contentType?: string;
	json?: unknown;
	parts?: MultipartPart[];
	form?: Array<[string, string]>;
	rawBody: Buffer;
	at: number;
	/** Who the fake took the caller for; `authFailure` says why it refused. */
	caller?: 'user' | 'oauth2' | 'bearer';
	userId?: string;
	authFailure?: string;
	/** Which description accepted the request (2.159 only for the renamed DM fields). */
	acceptedBy?: SpecVersion;
	status?: number;
	response?: unknown;
	responseHeaders?: Record<string, string>;
}

export interface ContractViolation {
	method: string;
	url: string;
	problems: Record<string, string[]>;
}

/** `"POST /2/dm_conversations/with/{participant_id}/messages"`, a concrete path, a RegExp on the path, or a function. */
export type XMatcher = string | RegExp | ((request: RecordedXRequest) => boolean);

export interface FakeX {
	readonly url: string;
	readonly port: number;
	readonly state: XState;
	/** Every request received, oldest first. */
	readonly requests: RecordedXRequest[];
	/** Requests X's description does not accept; tests assert this stays empty. */
	readonly violations: ContractViolation[];
	/** GETs of files put up with `serveFile` (not X API calls). */
	readonly downloads: RecordedXRequest[];
	readonly limits: RateLimits;
	/** `'request'` (RecordedXRequest) after each answer; `'dm'` (DmEventRecord) for each DM created. */
	readonly events: EventEmitter;
	calls(matcher?: XMatcher): RecordedXRequest[];
	clearRequests(): void;
	failNext(matcher: XMatcher, spec: FailSpec | XFailureName, times?: number): void;
	clearFailures(): void;
	addRoutes(routes: XRoute[]): void;
	/** See `FakeXOptions.oauth1Also`. */
	readonly oauth1Also: Set<string>;
	/** OAuth 2.0 refresh token -> the access token it renews (`POST /2/oauth2/token`, oauth2.ts). */
	readonly refreshTokens: Map<string, string>;
	/** Puts a file on the fake's "public web" (`/cdn/…`, outside X's API) and returns its URL, for media by URL. */
	serveFile(name: string, bytes: Buffer, contentType: string): string;
	setLatency(ms: number): void;
	/** Posts an Activity API payload to `url` signed like X (default: with the seeded app's consumer secret). */
	deliver(url: string, payload: unknown, options?: DeliveryOptions): Promise<ActivityDeliveryResult>;
	/** A new DM, delivered as `dm.received` / `dm.sent` to every matching subscription's webhook. */
	deliverDm(dm: DmDelivery, options?: DeliveryOptions): Promise<ActivityDeliveryResult[]>;
	/** A `dm.read` / `dm.indicate_typing` by `from` in the conversation with `to`, to both people's subscriptions of that type. */
	deliverSignal(signal: SignalDelivery, options?: DeliveryOptions): Promise<ActivityDeliveryResult[]>;
	/** X's periodic CRC re-check of a registered webhook; marks it invalid when the answer is wrong. */
	crc(webhookId: string): Promise<boolean>;
	close(): Promise<void>;
}

interface PendingFailure {
	matcher: XMatcher;
	spec: FailSpec | XFailureName;
	remaining: number;
}

const MAX_BODY_BYTES = 600 * 1024 * 1024;

function templateRegex(template: string): RegExp {
	return new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
}

export function matchesRequest(matcher: XMatcher, request: Pick<RecordedXRequest, 'method' | 'path'> & Partial<RecordedXRequest>): boolean {
	if (typeof matcher === 'function') return matcher(request as RecordedXRequest);
	if (matcher instanceof RegExp) return matcher.test(request.path);
	const match = /^(?:(GET|POST|PUT|DELETE)\s+)?(\S+)$/i.exec(matcher.trim());
	if (!match) return false;
	return (!match[1] || match[1].toUpperCase() === request.method) && templateRegex(match[2]).test(request.path);
}

export async function startFakeX(options: FakeXOptions = {}): Promise<FakeX> {
	const fake = new FakeXServer(options);
	await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
	return fake;
}

class FakeXServer implements FakeX {
	url = '';

	port = 0;

	readonly state: XState;

	readonly requests: RecordedXRequest[] = [];

	readonly violations: ContractViolation[] = [];

	readonly downloads: RecordedXRequest[] = [];

	readonly limits: RateLimits;

	readonly events = new EventEmitter();

	private routes: Array<XRoute & { regex: RegExp }> = [];

	readonly oauth1Also: Set<string>;

	/** OAuth 2.0 refresh tokens (oauth2.ts), seeded with the X OAuth2 credential's. */
	readonly refreshTokens: RefreshTokens = new Map([[X_OAUTH2_REFRESH_TOKEN, X_OAUTH2_TOKEN]]);

	private failures: PendingFailure[] = [];

	private readonly auth: Authenticator;

	private readonly server: http.Server;

	private latencyMs: number;

	private readonly files = new Map<string, { bytes: Buffer; contentType: string }>();

	private readonly routeOptions: RouteOptions;

	constructor(private readonly options: FakeXOptions) {
		this.state = options.state ?? createDefaultState();
		this.limits = new RateLimits(options.rateLimits);
		this.auth = new Authenticator(this.state);
		this.latencyMs = options.latencyMs ?? 0;
		this.routeOptions = { videoProcessing: options.videoProcessing ?? ['pending', 'in_progress', 'succeeded'], checkAfterSecs: options.checkAfterSecs ?? 1 };
		this.addRoutes([...USER_ROUTES, ...DM_ROUTES, ...DM_MEDIA_ROUTES, ...MEDIA_ROUTES, ...ACTIVITY_ROUTES]);
		if (options.routes) this.addRoutes(options.routes);
		this.oauth1Also = new Set(options.oauth1Also ?? []);
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error: unknown) => {
				console.error('[fake-x] internal error', error);
				if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
				res.end('{}');
			});
		});
	}

	listen(port: number, host: string): Promise<void> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => {
				const address = this.server.address() as AddressInfo;
				this.port = address.port;
				this.url = `http://${host}:${address.port}`;
				resolve();
			});
		});
	}

	addRoutes(routes: XRoute[]): void {
		this.routes = [...routes.map((route) => ({ ...route, regex: templateRegex(route.path) })), ...this.routes];
	}

	calls(matcher?: XMatcher): RecordedXRequest[] {
		return matcher === undefined ? [...this.requests] : this.requests.filter((request) => matchesRequest(matcher, request));
	}

	clearRequests(): void {
		this.requests.length = 0;
		this.violations.length = 0;
		this.downloads.length = 0;
	}

	failNext(matcher: XMatcher, failSpec: FailSpec | XFailureName, times = 1): void {
		this.failures.push({ matcher, spec: failSpec, remaining: times });
	}

	clearFailures(): void {
		this.failures = [];
	}

	serveFile(name: string, bytes: Buffer, contentType: string): string {
		const path = `/cdn/${name.replace(/^\/+/, '')}`;
		this.files.set(path, { bytes, contentType });
		return `${this.url}${path}`;
	}

	setLatency(ms: number): void {
		this.latencyMs = ms;
	}

	deliver(url: string, payload: unknown, options: DeliveryOptions = {}): Promise<ActivityDeliveryResult> {
		const secret = options.consumerSecret ?? [...this.state.apps.values()][0]?.consumerSecret ?? '';
		return postDelivery(url, payload, secret, options);
	}

	deliverDm(dm: DmDelivery, options: DeliveryOptions = {}): Promise<ActivityDeliveryResult[]> {
		return deliverDm(this.state, dm, options);
	}

	deliverSignal(signal: SignalDelivery, options: DeliveryOptions = {}): Promise<ActivityDeliveryResult[]> {
		return deliverSignal(this.state, signal, options);
	}

	async crc(webhookId: string): Promise<boolean> {
		const webhook = this.state.webhooks.get(webhookId);
		if (!webhook) throw new Error(`no webhook ${webhookId}`);
		webhook.valid = (await runCrc(this.state, webhook)).valid;
		return webhook.valid;
	}

	close(): Promise<void> {
		return new Promise((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	private takeFailure(record: RecordedXRequest, afterProcessing: boolean): FailSpec | XFailureName | undefined {
		const index = this.failures.findIndex((failure) => {
			const after = typeof failure.spec === 'object' && failure.spec.afterProcessing === true;
			return after === afterProcessing && matchesRequest(failure.matcher, record);
		});
		if (index < 0) return undefined;
		const failure = this.failures[index];
		if (--failure.remaining <= 0) this.failures.splice(index, 1);
		return failure.spec;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const raw = await readBody(req);
		const target = new URL(req.url ?? '/', 'http://fake.invalid');
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
		const queryPairs = [...target.searchParams] as Array<[string, string]>;
		const record: RecordedXRequest = {
			method: (req.method ?? 'GET').toUpperCase(),
			url: req.url ?? '/',
			path: target.pathname,
			query: Object.fromEntries(queryPairs),
			queryPairs,
			headers,
			contentType: headers['content-type'],
			rawBody: raw,
			at: Date.now(),
		};
		const file = record.method === 'GET' ? this.files.get(record.path) : undefined;
		if (record.path.startsWith('/cdn/')) {
			// Not X's API: the web a media URL points to. Recorded apart, so API assertions do not see it.
			this.downloads.push(record);
			res.writeHead(file ? 200 : 404, { 'content-type': file?.contentType ?? 'text/plain' });
			res.end(file?.bytes ?? 'not found');
			return;
		}
		this.requests.push(record);
		if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

		const result: RouteResult | null =
			record.method === 'POST' && record.path === OAUTH2_TOKEN_PATH
				? answerTokenRequest(this.state, { clientId: X_OAUTH2_CLIENT_ID, clientSecret: X_OAUTH2_CLIENT_SECRET }, this.refreshTokens, headers.authorization, raw)
				: await this.answer(record, `http://${headers.host ?? '127.0.0.1'}${target.pathname}`);
		record.status = result ? result.status : 0;
		record.response = result?.body;
		record.responseHeaders = result?.headers;
		this.events.emit('request', record);
		if (!result) {
			req.socket.destroy();
			return;
		}
		// Files (media downloads) go out as their bytes, with the route's content type.
		const body = Buffer.isBuffer(result.body) ? result.body : result.body === undefined ? '' : JSON.stringify(result.body);
		const isProblem = result.status >= 400 && !!result.body && typeof result.body === 'object' && 'type' in result.body;
		res.writeHead(result.status, {
			'content-type': Buffer.isBuffer(result.body) ? 'application/octet-stream' : isProblem ? 'application/problem+json' : 'application/json; charset=utf-8',
			'content-length': Buffer.byteLength(body),
			...(result.headers ?? {}),
		});
		res.end(body);
	}

	/** The pipeline: body, contract, route, injected failures, auth, plan, permission, rate limit, handler. */
	private async answer(record: RecordedXRequest, baseUri: string): Promise<RouteResult | null> {
		try {
			this.parseBody(record);
		} catch (error) {
			return fromError(error);
		}
		const verdict = checkRequest({
			method: record.method,
			path: record.path,
			query: record.queryPairs,
			contentType: record.contentType,
			json: record.json,
			parts: record.parts,
			rawLength: record.json === undefined && record.parts === undefined ? record.rawBody.length : 0,
		});
		record.acceptedBy = verdict.acceptedBy;
		if (!verdict.acceptedBy) {
			this.violations.push({ method: record.method, url: record.url, problems: verdict.problems });
			const first = Object.values(verdict.problems)[0]?.[0] ?? 'invalid request';
			return fromError(invalidRequest([{ parameter: 'request', value: `${record.method} ${record.path}`, message: first }]));
		}
		const route = this.routes.find((candidate) => candidate.method === record.method && candidate.regex.test(record.path));
		if (!route) return fromError(problem(404, 'Not Found Error', `The fake X server does not serve ${record.method} ${record.path}.`, `${PROBLEMS}resource-not-found`));

		const injected = this.takeFailure(record, false);
		if (injected) return this.injected(injected);

		const caller = this.auth.identify(record.headers.authorization, { method: record.method, baseUri, params: [...record.queryPairs, ...(record.form ?? [])] });
		if (caller.kind === 'none' || caller.kind === 'invalid') {
			record.authFailure = caller.kind === 'none' ? 'no Authorization header' : caller.reason;
			return fromError(X_FAILURES.unauthorized());
		}
		record.caller = caller.kind === 'user' && caller.token.oauth2 ? 'oauth2' : caller.kind;
		const refused = this.refuse(route, record, caller);
		if (refused) return fromError(refused);

		const who = caller.kind === 'user' ? caller.token.userId : `app:${caller.app.consumerKey}`;
		const limit = route.limit ? this.limits.hit(route.limit, who) : { allowed: true, headers: {} };
		const extraHeaders: Record<string, string> = { ...limit.headers };
		if (caller.kind === 'user') extraHeaders['x-access-level'] = caller.token.access;
		if (!limit.allowed) {
			const error = this.options.rateLimitShape === 'legacy' ? X_FAILURES.rateLimitLegacy() : X_FAILURES.rateLimitProblem();
			return { status: 429, body: error.body, headers: extraHeaders };
		}
		if (caller.app.credits !== undefined) caller.app.credits -= 1;

		let result: RouteResult;
		try {
			const pathParams = Object.fromEntries(Object.entries(spec('2.167').find(record.method, record.path)?.pathParams ?? paramsOf(route.path, record.path)));
			result = await route.handle({
				state: this.state,
				baseUrl: this.url,
				caller,
				userId: caller.kind === 'user' ? caller.token.userId : undefined,
				params: pathParams,
				query: record.query,
				json: record.json,
				parts: record.parts,
				options: this.routeOptions,
				events: this.events,
			});
		} catch (error) {
			result = fromError(error);
		}
		if (result.status < 400) {
			const after = this.takeFailure(record, true);
			if (after) return this.injected(after);
		}
		return { ...result, headers: { ...extraHeaders, ...(result.headers ?? {}) } };
	}

	/** What X answers before a route runs: auth the endpoint does not take, no plan, no credits, no DM permission. */
	private refuse(route: XRoute, record: RecordedXRequest, caller: Caller): XError | undefined {
		const described = spec('2.167').find(record.method, record.path) ?? spec('2.159').find(record.method, record.path);
		const security = described ? described.operation.security : [];
		const oauth1 = security.includes('UserToken') || (described !== undefined && this.oauth1Also.has(`${described.operation.method.toUpperCase()} ${described.operation.template}`));
		const allowed = described
			? [...(oauth1 ? ['user'] : []), ...(security.includes('OAuth2UserToken') ? ['oauth2'] : []), ...(security.includes('BearerToken') ? ['bearer'] : [])]
			: (route.auth ?? ['user']).flatMap((who) => (who === 'user' ? ['user', 'oauth2'] : [who]));
		const kind = caller.kind === 'user' && caller.token.oauth2 ? 'oauth2' : caller.kind;
		if (!allowed.includes(kind)) {
			const given = { bearer: 'OAuth 2.0 Application-Only', oauth2: 'OAuth 2.0 User Context', user: 'OAuth 1.0a User Context' }[kind];
			return problem(403, 'Unsupported Authentication', `Authenticating with ${given} is forbidden for this endpoint.`, `${PROBLEMS}unsupported-authentication`);
		}
		const scopes = caller.kind === 'user' ? (caller.token.oauth2?.scopes ?? []) : [];
		const missingScopes = kind === 'oauth2' && described ? described.operation.oauth2Scopes.filter((scope) => !scopes.includes(scope)) : [];
		if (missingScopes.length > 0) {
			return problem(403, 'Forbidden', `Missing scope(s) for this endpoint: ${missingScopes.join(', ')}. (inferred wording)`, 'about:blank');
		}
		if (!caller.app.enrolled) return X_FAILURES.clientForbidden();
		if (caller.app.credits !== undefined && caller.app.credits <= 0) return X_FAILURES.usageCapped();
		if (caller.kind === 'user') {
			record.userId = caller.token.userId;
			const access = caller.token.access;
			if ((route.needsDm && access !== 'read-write-directmessages') || (route.needsWrite && access === 'read')) return X_FAILURES.oauth1Permissions();
		}
		return undefined;
	}

	private injected(failSpec: FailSpec | XFailureName): RouteResult | null {
		const error = failureFrom(failSpec);
		if (!error) return null;
		const headers = { ...error.headers };
		if (error.status === 429 && !headers['x-rate-limit-reset']) {
			Object.assign(headers, {
				'x-rate-limit-limit': '15',
				'x-rate-limit-remaining': '0',
				'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + (this.options.injectedResetSecs ?? 1)),
			});
		}
		return { status: error.status, body: error.body, headers };
	}

	private parseBody(record: RecordedXRequest): void {
		if (record.rawBody.length === 0) return;
		const type = (record.contentType ?? '').toLowerCase();
		if (type.startsWith('multipart/form-data')) {
			const boundary = boundaryOf(record.contentType ?? '');
			if (!boundary) throw invalidRequest([{ parameter: 'body', value: type, message: 'multipart body without boundary' }]);
			try {
				record.parts = parseMultipart(record.rawBody, boundary);
			} catch (error) {
				throw invalidRequest([{ parameter: 'body', value: '', message: `malformed multipart body: ${(error as Error).message}` }]);
			}
		} else if (type.includes('json')) {
			try {
				record.json = JSON.parse(record.rawBody.toString('utf8'));
			} catch {
				throw invalidRequest([{ parameter: 'body', value: '', message: 'The request body is not valid JSON.' }]);
			}
		} else if (type.startsWith('application/x-www-form-urlencoded')) {
			record.form = [...new URLSearchParams(record.rawBody.toString('utf8'))] as Array<[string, string]>;
		}
	}
}

function paramsOf(template: string, path: string): Record<string, string> {
	const names = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
	const values = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`).exec(path)?.slice(1) ?? [];
	return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(values[index] ?? '')]));
}

function fromError(error: unknown): RouteResult {
	if (error instanceof XError) return { status: error.status, body: error.body, headers: error.headers };
	console.error('[fake-x] internal error', error);
	return { status: 500, body: X_FAILURES.internalError().body };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}
