/**
 * The one way any adapter talks HTTP: authentication through the credential, retries with backoff on
 * rate limits, the shared pause when the platform says "slow down", error mapping to NodeApiError with
 * secrets scrubbed, and the mapping of
 * transport failures. Cursor paging lives in paging.ts.
 */
import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { APP_TOKEN_MARKER_HEADER } from '../../../credentials/SocialMessagingApi.credentials';
import { isDeferredBody, type DeferredBody } from './multipart';
import { RateGate, type Pacing } from './rateGate';
import { credentialRefusalIn } from './inputError';
import { scrubSecrets } from './secrets';
import { SHARED_CREDENTIAL_TYPE, X_OAUTH2_CREDENTIAL_TYPE, credentialTypeOf, type CredentialTypeName } from './credentialType';

/** The shared credential's type name (the node's default); which one a node uses is credentialType.ts's to say. */
export const CREDENTIAL_TYPE = SHARED_CREDENTIAL_TYPE;

export type RequestContext = IExecuteFunctions | IHookFunctions | IWebhookFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the versioned base URL (`/123/messages`), or an absolute URL on the same host. */
	path: string;
	qs?: IDataObject;
	/** JSON, or bytes made when the request goes out (multipart uploads), again for every attempt. */
	body?: IDataObject | IDataObject[] | DeferredBody;
	headers?: Record<string, string>;
	/** Safe to repeat after a network failure or a 5xx (reads). Sends are not: a message must never go out twice. */
	idempotent?: boolean;
	/** Use the app access token instead of the user / Page token (webhook subscriptions). */
	appToken?: boolean;
	/** Skip the version segment of the base URL (Graph batch requests go to the host root). */
	unversioned?: boolean;
	/**
	 * Paces the call to the platform's documented rates: each entry names a lane and how many of its
	 * calls this request counts as (a Graph batch of 50 text messages counts 50 on the send lane).
	 */
	pacing?: Pacing[];
	/**
	 * The answer is a file, not JSON: a success resolves to `DownloadedBytes`, read as a stream and abandoned past
	 * `maxBytes` (never a whole oversized file in memory). Error answers are read as JSON as usual.
	 */
	download?: { maxBytes: number };
}

/** A file the platform answered with (`ApiRequest.download`). */
export interface DownloadedBytes {
	bytes: Buffer;
	/** The answer's Content-Type, without parameters (empty when none). */
	contentType: string;
}

/** The file is larger than the request's `download.maxBytes`: nothing of it is kept. */
export class DownloadTooLarge extends Error {
	constructor(readonly maxBytes: number) {
		super(`The file is larger than ${maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / (1024 * 1024))} MB` : `${maxBytes} bytes`}, the most the node downloads`);
	}
}

export interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** What an adapter's error reader makes of a failed response. */
export interface PlatformError {
	message: string;
	/** What to do about it, shown under the message in n8n. */
	description: string;
	httpCode: string;
	code?: number | string;
	subcode?: number | string;
	traceId?: string;
	/** The platform asked us to slow down; the request was not carried out and may be repeated. */
	rateLimited?: boolean;
	/** When the platform says it is safe to call again. */
	retryAfterMs?: number;
	/** The raw error body, kept for n8n's error details. */
	body?: IDataObject;
	/** A success status with a body that is not JSON: treated like a 5xx. */
	unreadable?: boolean;
}

/** Platform-specific reading of responses; the transport does the rest. */
export interface PlatformProtocol {
	/** `undefined` when the response is a success. */
	readError(response: RawResponse): PlatformError | undefined;
	/** Milliseconds to hold all further calls, read from usage headers before a limit is hit (0: none). */
	readBackpressure?(headers: RawResponse['headers']): number;
	/** Usage headers say the quota is nearly used up: adaptive lanes start pacing (see RateGate.tighten). */
	nearLimit?(headers: RawResponse['headers']): boolean;
	/** The highest quota usage the headers report, in percent (undefined: none reported); lanes that learn use it. */
	usagePercent?(headers: RawResponse['headers']): number | undefined;
}

export interface TransportOptions {
	baseUrl: string;
	protocol: PlatformProtocol;
	/** Longest total time one request may spend waiting for rate limits before it fails. */
	maxRateLimitWaitMs?: number;
	/** Shared by every request of one node run, so a rate limit pauses all of them. */
	gate?: RateGate;
	/** Values that must never appear in an error (tokens, secrets, proofs). */
	secrets?: string[];
	/**
	 * The credential as the caller already read it (`getCredentials`), handed to n8n with every request. Without
	 * it n8n reads the credential from its database and decrypts it again for each request: measured in a real
	 * n8n 2.0.3, that was about a tenth of the node's CPU time per send and a database round trip in every
	 * send's path (see BENCHMARKS.md).
	 */
	credentials?: ICredentialDataDecryptedObject;
	/** Abandon an HTTP request that got no answer within this many ms (default: n8n's own limit). */
	requestTimeoutMs?: number;
	/**
	 * Repeat sends too after a failure that leaves their outcome unknown (timeout, dropped connection, 5xx,
	 * unreadable answer). The user's knowing choice: a message may then arrive twice.
	 */
	retryUnknownOutcome?: boolean;
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 120_000;
const MAX_TRANSIENT_RETRIES = 2;

/** Exponential backoff with full jitter, so parallel senders do not retry in lockstep. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class Transport {
	readonly gate: RateGate;

	/** Longest total time one request may wait for rate limits (adapters that retry parts of a call use it too). */
	readonly maxWaitMs: number;

	private readonly credentialOptions: IAdditionalCredentialOptions | undefined;

	/** The credential type the node chose (its Authentication field). */
	private readonly credentialType: CredentialTypeName;

	constructor(
		private readonly ctx: RequestContext,
		private readonly options: TransportOptions,
	) {
		this.gate = options.gate ?? new RateGate();
		this.maxWaitMs = options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
		this.credentialType = credentialTypeOf(ctx);
		// OAuth2: n8n reads the credential itself (it may have to store a refreshed token).
		if (options.credentials && this.credentialType === SHARED_CREDENTIAL_TYPE) {
			const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
			this.credentialOptions = {
				credentialsDecrypted: {
					id: reference?.id ?? '',
					name: reference?.name ?? '',
					type: CREDENTIAL_TYPE,
					data: { ...options.credentials },
				},
			};
		}
	}

	/** Sends one request and returns the parsed body; throws NodeApiError on failure. */
	async request<T = IDataObject>(request: ApiRequest): Promise<T> {
		// Outside the retry loop: a refused paging link is not a network failure and is never retried.
		const url = this.resolveUrl(request);
		/** Time this request spent held by rate limits (its own and the run's), against maxWaitMs. */
		let waitedMs = 0;
		let rateLimitAttempt = 0;
		let transientAttempt = 0;
		let lastRateLimit: PlatformError | undefined;
		const repeatable = request.idempotent === true || this.options.retryUnknownOutcome === true;

		for (;;) {
			// Pause and pacing in one step: a pause set while this request waits for room in its lanes holds it too.
			const started = Date.now();
			const finish = await this.gate.pass(request.pacing ?? [], this.maxWaitMs - waitedMs);
			waitedMs += Date.now() - started;
			if (!finish) throw this.waitTooLong(lastRateLimit, waitedMs, this.gate.remainingMs());

			// Made for each attempt, before the network's error handling: a file that cannot be read is not a
			// failed connection, and nothing was sent.
			let options: IHttpRequestOptions;
			try {
				options = await this.httpOptions(request, url);
			} catch (error) {
				finish();
				throw new NodeOperationError(this.ctx.getNode(), error as Error, {
					description: 'The file to upload could not be read from n8n\'s binary data, so nothing was sent. Run the node that made the file again.',
				});
			}

			let response: RawResponse;
			try {
				response = await this.send(options, request.download, request.appToken === true);
			} catch (error) {
				finish();
				if (error instanceof DownloadTooLarge) {
					throw new NodeOperationError(this.ctx.getNode(), error.message, { description: 'The file was not downloaded; its URL is kept.' });
				}
				const refusal = credentialRefusalIn(error);
				if (refusal) throw new NodeOperationError(this.ctx.getNode(), refusal.message, { description: refusal.description });
				if (repeatable && transientAttempt < MAX_TRANSIENT_RETRIES && !this.cancelled()) {
					await sleep(backoffDelay(transientAttempt++));
					continue;
				}
				throw this.networkError(error, request, transientAttempt + 1);
			}
			const failure = this.options.protocol.readError(response) ?? unreadable(response, request);
			// The lanes count the call until one window after this answer (see RateGate); lanes that learn their
			// limit learn it from what the answer says.
			finish({ refused: failure?.rateLimited === true, usagePercent: this.options.protocol.usagePercent?.(response.headers) });

			if (this.options.protocol.nearLimit?.(response.headers)) this.gate.tighten();
			const pauseMs = this.options.protocol.readBackpressure?.(response.headers) ?? 0;
			if (pauseMs > 0) this.gate.pauseFor(pauseMs, USAGE_LIMIT_REASON);

			if (!failure) return response.body as T;

			if (failure.rateLimited) {
				// Not carried out, so even a send may be repeated: wait as asked, with backoff, and the whole run with
				// it; from now on the run keeps to the platform's documented pace.
				this.gate.tighten();
				lastRateLimit = failure;
				const delay = Math.max(failure.retryAfterMs ?? 0, backoffDelay(rateLimitAttempt++));
				if (waitedMs + delay > this.maxWaitMs) throw this.waitTooLong(failure, waitedMs, delay);
				this.gate.pauseFor(delay, failure.description);
				continue;
			}

			const transient = Number(failure.httpCode) >= 500 || failure.unreadable === true;
			if (transient && repeatable && transientAttempt < MAX_TRANSIENT_RETRIES && !this.cancelled()) {
				await sleep(backoffDelay(transientAttempt++));
				continue;
			}
			if (transient && !request.idempotent) {
				throw this.outcomeUnknown(this.apiError({ ...failure, description: `${failure.description} ${MAYBE_CARRIED_OUT}` }));
			}
			throw this.apiError(failure);
		}
	}

	private cancelled(): boolean {
		const ctx = this.ctx as Partial<IExecuteFunctions>;
		return typeof ctx.getExecutionCancelSignal === 'function' && ctx.getExecutionCancelSignal()?.aborted === true;
	}

	/** Marks an error after which the request may or may not have been carried out (error.context.outcome). */
	private outcomeUnknown<E extends NodeApiError>(error: E): E {
		error.context = { ...error.context, outcome: 'unknown' };
		return error;
	}

	/** The rate limit wait would go past maxWaitMs: fail now with what the platform said, rather than wait. */
	waitTooLong(failure: PlatformError | undefined, waitedMs: number, moreMs: number): NodeApiError {
		const summary =
			`The node waits at most ${formatDuration(this.maxWaitMs)} in total for rate limits and has waited ${formatDuration(waitedMs)}; ` +
			`the platform asks for about ${formatDuration(moreMs)} more, so the node stopped instead of waiting. ` +
			'Run the workflow again later, or send fewer messages per run.';
		if (failure) return this.apiError({ ...failure, description: `${failure.description} ${summary}` });
		return this.apiError({
			message: 'Rate limit reached',
			description: `${this.gate.reason ?? 'The platform asked to slow down.'} ${summary}`,
			httpCode: '',
			rateLimited: true,
		});
	}

	private async httpOptions(request: ApiRequest, url: string): Promise<IHttpRequestOptions> {
		const headers: Record<string, string> = { ...(request.headers ?? {}) };
		if (request.appToken) headers[APP_TOKEN_MARKER_HEADER] = 'app';
		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			qs: request.qs,
			headers,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (this.options.requestTimeoutMs) options.timeout = this.options.requestTimeoutMs;
		if (request.download) {
			options.encoding = 'stream';
			options.json = false;
		}
		if (isDeferredBody(request.body)) {
			headers['content-type'] = request.body.contentType;
			options.body = await request.body.make();
			options.json = false;
		} else if (request.body !== undefined) {
			options.body = request.body;
		}
		return options;
	}

	private async send(options: IHttpRequestOptions, download?: { maxBytes: number }, appToken = false): Promise<RawResponse> {
		const response = await this.authenticated(options, appToken);
		if (!download) return { ...response, body: parseBody(response.body) };
		const ok = response.statusCode >= 200 && response.statusCode < 300;
		// An error answer is small JSON; read at most 64 KB of it.
		const bytes = ok
			? await readAtMost(response.body, download.maxBytes, Number(headerOf(response.headers, 'content-length')))
			: await readAtMost(response.body, 65_536, NaN, true);
		if (!ok) return { ...response, body: parseBody(bytes) };
		const contentType = String(headerOf(response.headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
		return { ...response, body: { bytes, contentType } satisfies DownloadedBytes };
	}

	/**
	 * The request sent with the node's credential. X OAuth2: app-only calls carry the credential's Bearer Token
	 * (n8n would add the user's); a 401 is asked once more with status errors on, so n8n refreshes the token
	 * and repeats the call (it does not when status errors are ignored). Nothing was carried out on a 401.
	 */
	private async authenticated(options: IHttpRequestOptions, appToken: boolean): Promise<RawResponse> {
		if (this.credentialType !== X_OAUTH2_CREDENTIAL_TYPE) {
			return (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, this.credentialType, options, this.credentialOptions)) as RawResponse;
		}
		if (appToken) {
			const headers = { ...(options.headers ?? {}) };
			delete headers[APP_TOKEN_MARKER_HEADER];
			headers.Authorization = `Bearer ${String(this.options.credentials?.xBearerToken ?? '').trim()}`;
			return (await this.ctx.helpers.httpRequest({ ...options, headers })) as RawResponse;
		}
		const first = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, this.credentialType, options)) as RawResponse;
		if (first.statusCode !== 401) return first;
		try {
			return (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, this.credentialType, { ...options, ignoreHttpStatusErrors: false })) as RawResponse;
		} catch {
			// Still refused after the refresh (or the refresh failed): X's own answer says why.
			return first;
		}
	}

	private resolveUrl(request: ApiRequest): string {
		if (/^https?:\/\//.test(request.path)) {
			const base = new URL(this.options.baseUrl);
			const target = new URL(request.path);
			// Paging links come from the platform; never send the token to any other host.
			if (target.host !== base.host) {
				throw new NodeApiError(this.ctx.getNode(), {} as JsonObject, {
					message: `Refused to follow a link to another host (${target.host})`,
					description: 'The platform returned a paging link outside the configured base URL.',
				});
			}
			return request.path;
		}
		const root = request.unversioned ? new URL(this.options.baseUrl).origin : this.options.baseUrl;
		return `${root}${request.path}`;
	}

	/** The NodeApiError for a platform failure, with secrets masked; for adapters that read per-part results. */
	apiError(failure: PlatformError): NodeApiError {
		const scrub = (text: string) => scrubSecrets(text, this.options.secrets);
		const details: IDataObject = { ...(failure.body ?? {}) };
		const error = new NodeApiError(this.ctx.getNode(), JSON.parse(scrub(JSON.stringify(details))) as JsonObject, {
			message: scrub(failure.message),
			description: scrub(failure.description),
			...(failure.httpCode ? { httpCode: failure.httpCode } : {}),
		});
		// n8n replaces a message that mentions ECONNRESET, ENOENT, … with its own text; keep the platform's.
		error.message = scrub(failure.message);
		error.context = {
			...error.context,
			// Callers that must not wait (the trigger's auto-response) tell a rate limit from other failures.
			rateLimited: failure.rateLimited === true,
			platformErrorCode: failure.code,
			platformErrorSubcode: failure.subcode,
			traceId: failure.traceId,
		};
		return error;
	}

	private networkError(error: unknown, request: ApiRequest, attempts: number): NodeApiError {
		const reason = scrubSecrets(describeNetworkError(error), this.options.secrets);
		const maybeDelivered = !request.idempotent && request.method !== 'GET';
		const message = maybeDelivered
			? 'The connection to the platform failed during the request'
			: 'Could not reach the platform';
		const description = maybeDelivered
			? `${reason}. The request was sent, but no answer came back. ${MAYBE_CARRIED_OUT}`
			: `${reason}. Tried ${attempts} time${attempts === 1 ? '' : 's'}. Check the network connection and the base URL in the credential.`;
		const nodeError = new NodeApiError(this.ctx.getNode(), {} as JsonObject, { message, description });
		// n8n swaps a message naming ECONNRESET & co. for generic advice ("retry immediately"), wrong for a send.
		nodeError.message = message;
		nodeError.context = { ...nodeError.context, timedOut: isTimeout(error) };
		return maybeDelivered ? this.outcomeUnknown(nodeError) : nodeError;
	}
}

const USAGE_LIMIT_REASON =
	'The platform reports that a usage limit is used up (X-App-Usage, X-Page-Usage or X-Business-Use-Case-Usage at 100%).';

export const MAYBE_CARRIED_OUT =
	'It may have been carried out anyway (the message may have been delivered), so it was not repeated, to avoid sending it twice. Check the conversation before running the item again.';

/** The low-level reason (`socket hang up`, `connect ECONNREFUSED …`) rather than n8n's generic advice to retry. */
function describeNetworkError(error: unknown): string {
	const withCode = (low: Error): string => {
		const code = (low as { code?: unknown }).code;
		return typeof code === 'string' && code && !low.message.includes(code) ? `${low.message} (${code})` : low.message;
	};
	const cause = (error as { cause?: unknown } | undefined)?.cause;
	if (cause instanceof Error) return withCode(cause);
	// n8n's NodeApiError keeps the original message in `messages` and replaces `message` with its own text.
	const original = (error as { messages?: unknown } | undefined)?.messages;
	if (Array.isArray(original)) {
		const first = original.find((entry): entry is string => typeof entry === 'string' && entry !== '');
		if (first) return first;
	}
	return error instanceof Error ? withCode(error) : String(error);
}

/** The request was abandoned because no answer came within its timeout. */
function isTimeout(error: unknown): boolean {
	const low = ((error as { cause?: unknown } | undefined)?.cause ?? error) as { code?: unknown; message?: unknown } | undefined;
	if (low?.code === 'ECONNABORTED' || low?.code === 'ETIMEDOUT') return true;
	return /\btimeout\b|timed out/i.test(describeNetworkError(error));
}

function formatDuration(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	if (seconds < 120) return `${seconds} s`;
	return `${Math.round(seconds / 60)} min`;
}

/**
 * A success status whose body is not JSON (cut off mid-way, or a proxy's page): nothing in it says what
 * happened, so it is a failure that may be retried for reads and is an unknown outcome for sends.
 */
function unreadable(response: RawResponse, request: ApiRequest): PlatformError | undefined {
	if (typeof response.body !== 'string') return undefined;
	const start = response.body.slice(0, 40).replace(/\s+/g, ' ');
	return {
		message: 'The platform answered, but the answer could not be read',
		description: `HTTP ${response.statusCode} with a body that is not JSON ("${start}${response.body.length > 40 ? '…' : ''}").${request.idempotent ? ' Run the node again.' : ''}`,
		httpCode: String(response.statusCode),
		unreadable: true,
	};
}

function parseBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	if (body === '') return {};
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

function headerOf(headers: RawResponse['headers'], name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/**
 * The bytes of a streamed answer, stopped (and the stream destroyed) past `maxBytes`: `DownloadTooLarge`.
 * A declared Content-Length past the bound fails before any byte is read; `truncate` keeps the first bytes instead.
 */
async function readAtMost(body: unknown, maxBytes: number, declaredLength: number, truncate = false): Promise<Buffer> {
	const stream = body as (AsyncIterable<Buffer | string> & { destroy?: () => void }) | undefined;
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (!stream || typeof stream[Symbol.asyncIterator] !== 'function') return Buffer.alloc(0);
	if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
		stream.destroy?.();
		throw new DownloadTooLarge(maxBytes);
	}
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const piece = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
		size += piece.length;
		if (size > maxBytes) {
			stream.destroy?.();
			if (truncate) return Buffer.concat([...chunks, piece]).subarray(0, maxBytes);
			throw new DownloadTooLarge(maxBytes);
		}
		chunks.push(piece);
	}
	return Buffer.concat(chunks);
}
