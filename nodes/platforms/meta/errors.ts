/**
 * Reads Graph API answers: turns `{"error":{message,type,code,error_subcode,fbtrace_id}}` into a
 * PlatformError that says what happened and what to do, and reads the usage headers Meta sends so the
 * transport can slow down before the limit is hit.
 */
import type { IDataObject } from 'n8n-workflow';

import type { PlatformError, RawResponse } from '../core/transport';

interface GraphErrorBody {
	message?: string;
	type?: string;
	/** A number, though some proxies and older endpoints send it as a string. */
	code?: number | string;
	error_subcode?: number | string;
	fbtrace_id?: string;
	error_user_msg?: string;
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const TAG_ABUSE_SUBCODE = 2018338;
/** Code 4 with this subcode: a notification token's frequency is used up — a verdict, not a pause. */
const NOTIFICATION_FREQUENCY_SUBCODE = 2018354;

interface Explanation {
	message: string;
	hint: string;
}

/** Known (code, subcode) pairs from Meta's error reference, most specific first. */
function explain(code: number | string | undefined, subcode: number | string | undefined): Explanation | undefined {
	if (code === 613 && subcode === TAG_ABUSE_SUBCODE) {
		return {
			message: 'Meta blocked this message tag for misuse',
			hint: 'Only use message tags for the purpose they were approved for; send ordinary messages inside the 24-hour window instead.',
		};
	}
	if (subcode === NOTIFICATION_FREQUENCY_SUBCODE) {
		return {
			message: 'This notification token was already used in its current period',
			hint: 'Meta allows one notification message per token and period of its frequency (daily, weekly or monthly). Send the next one after the period, or ask the person again.',
		};
	}
	if (subcode === 2018278 || subcode === 2534022) {
		return {
			message: 'The person is outside the allowed messaging window',
			hint: 'Meta only lets a Page or account message someone within 24 hours of their last message. Outside it, set Messaging Type to "Message Tag" with the HUMAN_AGENT tag (up to 7 days, needs the Human Agent permission) or, on Messenger, use an approved tag or a notification message.',
		};
	}
	if (code === 2018300 || subcode === 2018300) {
		return {
			message: 'Another app controls this conversation',
			hint: 'The thread is owned by another app through the handover protocol. Take thread control first, or let the other app pass it back.',
		};
	}
	if (subcode === 1893063) {
		return {
			message: 'Meta has temporarily restricted the Page from sending messages',
			hint: 'Meta restricts a Page that sent messages people did not want (blocks, reports). Nothing goes out until the restriction ends: check Page Quality / Business Support Home in Meta Business Suite for the reason and the end date, and pause automated sends; retrying does not help.',
		};
	}
	if (subcode === 2018108) {
		return {
			message: 'This person cannot receive messages from the Page right now',
			hint: 'They may have blocked the Page, deactivated their account, or not started a conversation. There is nothing to retry; skip this recipient.',
		};
	}
	if (subcode === 2018001 || subcode === 2534014) {
		return {
			message: 'No user matches the recipient ID',
			hint: 'Use the page-scoped ID (PSID) or Instagram-scoped ID (IGSID) from a conversation or a trigger event of the same Page / account. IDs from another Page, app or a profile URL do not work.',
		};
	}
	if (subcode === 2018008) {
		return {
			message: 'Meta could not download the attachment URL',
			hint: 'The URL must be public, answer quickly (videos within 75 s) and point straight at the file. Upload the file as binary data instead if it is not public.',
		};
	}
	if (subcode === 2018047) {
		return {
			message: 'Meta could not process the uploaded attachment',
			hint: 'Check the file type is supported (image, audio, video, file) and that the file is not corrupt.',
		};
	}
	if (subcode === 2018109) {
		return {
			message: 'The attachment is too large',
			hint: 'Attachments may be at most 25 MB (images fetched from a URL 8 MB). Compress the file or send a link instead.',
		};
	}
	if (code === 190) {
		return {
			message: 'The access token is invalid or has expired',
			hint: 'Generate a new Page access token (or Instagram user token) and update the Social Messaging credential. Long-lived Page tokens from a long-lived user token do not expire.',
		};
	}
	if (code === 200 || code === 10 || subcode === 2534041) {
		return {
			message: 'The token lacks a permission this call needs',
			hint: 'Messenger needs pages_messaging; Instagram needs instagram_manage_messages (or instagram_business_manage_messages with Instagram Login), and "Allow access to messages" turned on in the Instagram app settings. Re-create the token with those permissions.',
		};
	}
	if (code === 551 || subcode === 1545041) {
		return {
			message: 'This person is not available',
			hint: 'The recipient cannot be reached at the moment (for example they restricted messages). Skip them and try again later.',
		};
	}
	if (code === 9000001 || subcode === 9000001) {
		return {
			message: 'The message is no longer available',
			hint: 'Meta only returns the 20 most recent messages of a conversation in detail; older ones answer as deleted.',
		};
	}
	if (code === 100) {
		return {
			message: 'Meta rejected a parameter of the request',
			hint: 'Check the IDs and the fields of the message against the platform limits listed in the node documentation.',
		};
	}
	return undefined;
}

function parseGraphError(body: unknown): GraphErrorBody | undefined {
	if (body && typeof body === 'object' && 'error' in body) {
		const error = (body as { error: unknown }).error;
		if (error && typeof error === 'object') return error as GraphErrorBody;
	}
	return undefined;
}

/** `190` and `"190"` are the same code; anything else is kept as it came. */
function toCode(value: unknown): number | string | undefined {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
	return typeof value === 'string' && value ? value : undefined;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110); milliseconds from now, 0 if absent. */
export function retryAfterMs(value: string | undefined, now: number = Date.now()): number {
	if (value === undefined || value.trim() === '') return 0;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? 0 : Math.max(0, date - now);
}

/** Header names are case-insensitive; Node lower-cases them, other callers may not. */
function header(headers: RawResponse['headers'], name: string): string | undefined {
	const wanted = name.toLowerCase();
	const key = Object.keys(headers ?? {}).find((candidate) => candidate.toLowerCase() === wanted);
	const value = key === undefined ? undefined : headers[key];
	return Array.isArray(value) ? value[0] : value;
}

function parseJsonHeader(value: string | undefined): unknown {
	if (!value) return undefined;
	try {
		return JSON.parse(value);
	} catch {
		return undefined;
	}
}

/** Minutes Meta says it takes to regain access (X-Business-Use-Case-Usage), as milliseconds. */
function regainAccessMs(headers: RawResponse['headers']): number {
	const usage = parseJsonHeader(header(headers, 'x-business-use-case-usage'));
	if (!usage || typeof usage !== 'object') return 0;
	let minutes = 0;
	for (const entries of Object.values(usage as Record<string, unknown>)) {
		if (!Array.isArray(entries)) continue;
		for (const entry of entries as IDataObject[]) {
			minutes = Math.max(minutes, Number(entry.estimated_time_to_regain_access) || 0);
		}
	}
	return minutes * 60_000;
}

/** Highest percentage any usage header reports (X-App-Usage, X-Page-Usage, X-Business-Use-Case-Usage). */
export function highestUsagePercent(headers: RawResponse['headers']): number {
	let highest = 0;
	const consider = (entry: unknown) => {
		if (!entry || typeof entry !== 'object') return;
		for (const key of ['call_count', 'total_cputime', 'total_time']) {
			highest = Math.max(highest, Number((entry as IDataObject)[key]) || 0);
		}
	};
	consider(parseJsonHeader(header(headers, 'x-app-usage')));
	consider(parseJsonHeader(header(headers, 'x-page-usage')));
	const business = parseJsonHeader(header(headers, 'x-business-use-case-usage'));
	if (business && typeof business === 'object') {
		for (const entries of Object.values(business as Record<string, unknown>)) {
			if (Array.isArray(entries)) entries.forEach(consider);
		}
	}
	return highest;
}

export function readGraphError(response: RawResponse): PlatformError | undefined {
	const graphError = parseGraphError(response.body);
	const ok = response.statusCode >= 200 && response.statusCode < 300;
	if (ok && !graphError) return undefined;

	const code = toCode(graphError?.code);
	const subcode = toCode(graphError?.error_subcode);
	const traceId = graphError?.fbtrace_id;
	const httpCode = String(response.statusCode);
	const original = graphError?.message ?? `HTTP ${httpCode}`;
	const reference = [
		code !== undefined ? `code ${code}` : undefined,
		subcode !== undefined ? `subcode ${subcode}` : undefined,
		traceId ? `fbtrace_id ${traceId}` : undefined,
	]
		.filter(Boolean)
		.join(', ');
	const suffix = reference ? ` (Meta says: "${original}"; ${reference})` : ` (Meta says: "${original}")`;
	const base: PlatformError = {
		message: original,
		description: '',
		httpCode,
		code,
		subcode,
		traceId,
		body: graphError ? { error: graphError as IDataObject } : undefined,
	};

	// Tag abuse shares code 613 with the rate limits but is a verdict, not a pause: never retried.
	const rateLimited =
		subcode !== TAG_ABUSE_SUBCODE &&
		subcode !== NOTIFICATION_FREQUENCY_SUBCODE &&
		(response.statusCode === 429 || (typeof code === 'number' && RATE_LIMIT_CODES.has(code)));
	if (rateLimited) {
		return {
			...base,
			message: 'Meta rate limit reached',
			description: `Meta asked to slow down${suffix}.`,
			rateLimited: true,
			retryAfterMs: Math.max(regainAccessMs(response.headers), retryAfterMs(header(response.headers, 'retry-after'))),
		};
	}

	const explanation = explain(code, subcode);
	if (explanation) {
		return { ...base, message: explanation.message, description: `${explanation.hint}${suffix}` };
	}
	return {
		...base,
		description: `The Graph API answered with an error${suffix}.`,
	};
}

/** Pause all calls once Meta reports the quota used up, until it says access is back. */
export function readGraphBackpressure(headers: RawResponse['headers']): number {
	if (highestUsagePercent(headers) < 100) return 0;
	return Math.max(regainAccessMs(headers), 1000);
}
