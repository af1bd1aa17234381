/**
 * The one way any adapter talks HTTP: authentication through the credential, retries with backoff on
 * rate limits, the shared pause when the platform says "slow down", error mapping to NodeApiError with
 * secrets scrubbed, and the mapping of
 * transport failures. Cursor paging lives in paging.ts.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { APP_TOKEN_MARKER_HEADER } from '../../credentials/SocialMessagingApi.credentials';
import { RateGate } from './rateGate';
import { scrubSecrets } from './secrets';

export const CREDENTIAL_TYPE = 'socialMessagingApi';

export type RequestContext = IExecuteFunctions | IHookFunctions | IWebhookFunctions | ILoadOptionsFunctions;

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the versioned base URL (`/123/messages`), or an absolute URL on the same host. */
	path: string;
	qs?: IDataObject;
	/** JSON object, or raw bytes with `headers['content-type']` set (multipart uploads). */
	body?: IDataObject | IDataObject[] | Buffer;
	headers?: Record<string, string>;
	/** Safe to repeat after a network failure or a 5xx (reads). Sends are not: a message must never go out twice. */
	idempotent?: boolean;
	/** Use the app access token instead of the user / Page token (webhook subscriptions). */
	appToken?: boolean;
	/** Skip the version segment of the base URL (Graph batch requests go to the host root). */
	unversioned?: boolean;
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
}

/** Platform-specific reading of responses; the transport does the rest. */
export interface PlatformProtocol {
	/** `undefined` when the response is a success. */
	readError(response: RawResponse): PlatformError | undefined;
	/** Milliseconds to hold all further calls, read from usage headers before a limit is hit (0: none). */
	readBackpressure?(headers: RawResponse['headers']): number;
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

	private readonly maxWaitMs: number;

	constructor(
		private readonly ctx: RequestContext,
		private readonly options: TransportOptions,
	) {
		this.gate = options.gate ?? new RateGate();
		this.maxWaitMs = options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
	}

	/** Sends one request and returns the parsed body; throws NodeApiError on failure. */
	async request<T = IDataObject>(request: ApiRequest): Promise<T> {
		let waitedMs = 0;
		let rateLimitAttempt = 0;
		let transientAttempt = 0;

		for (;;) {
			await this.gate.acquire();
			let response: RawResponse;
			try {
				response = await this.send(request);
			} catch (error) {
				if (request.idempotent && transientAttempt < MAX_TRANSIENT_RETRIES) {
					await sleep(backoffDelay(transientAttempt++));
					continue;
				}
				throw this.networkError(error, request);
			}

			const pauseMs = this.options.protocol.readBackpressure?.(response.headers) ?? 0;
			if (pauseMs > 0) this.gate.pauseFor(pauseMs);

			const failure = this.options.protocol.readError(response);
			if (!failure) return response.body as T;

			if (failure.rateLimited) {
				const delay = Math.max(failure.retryAfterMs ?? 0, backoffDelay(rateLimitAttempt++));
				if (waitedMs + delay <= this.maxWaitMs) {
					waitedMs += delay;
					this.gate.pauseFor(delay);
					continue;
				}
				throw this.apiError({
					...failure,
					description: `${failure.description} Waited ${Math.round(waitedMs / 1000)} s in total; the platform asks for about ${Math.ceil(delay / 1000)} s more. Run the workflow again later, or send fewer messages per run.`,
				});
			}

			const transient = Number(failure.httpCode) >= 500;
			if (transient && request.idempotent && transientAttempt < MAX_TRANSIENT_RETRIES) {
				await sleep(backoffDelay(transientAttempt++));
				continue;
			}
			throw this.apiError(failure);
		}
	}

	private async send(request: ApiRequest): Promise<RawResponse> {
		const headers: Record<string, string> = { ...(request.headers ?? {}) };
		if (request.appToken) headers[APP_TOKEN_MARKER_HEADER] = 'app';
		const isRawBody = Buffer.isBuffer(request.body);
		const options: IHttpRequestOptions = {
			method: request.method,
			url: this.resolveUrl(request),
			qs: request.qs,
			headers,
			body: request.body as IHttpRequestOptions['body'],
			json: !isRawBody,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (request.body === undefined) delete options.body;
		const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
			this.ctx,
			CREDENTIAL_TYPE,
			options,
		)) as RawResponse;
		return { ...response, body: parseBody(response.body) };
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

	private apiError(failure: PlatformError): NodeApiError {
		const scrub = (text: string) => scrubSecrets(text, this.options.secrets);
		const details: IDataObject = { ...(failure.body ?? {}) };
		const error = new NodeApiError(this.ctx.getNode(), JSON.parse(scrub(JSON.stringify(details))) as JsonObject, {
			message: scrub(failure.message),
			description: scrub(failure.description),
			httpCode: failure.httpCode,
		});
		error.context = {
			...error.context,
			platformErrorCode: failure.code,
			platformErrorSubcode: failure.subcode,
			traceId: failure.traceId,
		};
		return error;
	}

	private networkError(error: unknown, request: ApiRequest): NodeApiError {
		const reason = error instanceof Error ? error.message : String(error);
		const maybeDelivered = !request.idempotent && request.method !== 'GET';
		return new NodeApiError(this.ctx.getNode(), {} as JsonObject, {
			message: `Could not reach the platform: ${scrubSecrets(reason, this.options.secrets)}`,
			description: maybeDelivered
				? 'The connection failed while the request was under way, so it may or may not have been carried out. It was not repeated, to avoid sending a message twice; check the conversation before running the item again.'
				: 'Check the network connection and the base URL in the credential.',
		});
	}
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
