/**
 * How the transport reads Ayrshare's answers: `{status: "error", errors: [...]}` and the flat
 * `{status: "error", code, message}` (also on HTTP 200), the x-ratelimit-max / -count headers, and the
 * one retry a 429 gets: about 1,000 answers of 429 in 24 hours suspend the profile, so a run never insists.
 */
import type { IDataObject } from 'n8n-workflow';

import type { PlatformError, PlatformProtocol, RawResponse } from '../core/transport';

/** Without a Retry-After header: a fifth of Ayrshare's 5-minute window. */
const DEFAULT_RETRY_AFTER_MS = 60_000;

const MESSAGING_OFF = new Set([361, 362]);
const RELINK = new Set([156, 161, 272]);

function header(headers: RawResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

function retryAfterMs(headers: RawResponse['headers']): number {
	const seconds = Number(header(headers, 'retry-after'));
	return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_RETRY_AFTER_MS;
}

function hintFor(status: number, code: number | undefined, text: string): string {
	if ((code !== undefined && MESSAGING_OFF.has(code)) || /messaging (is )?not (enabled|active)/i.test(text)) {
		return 'Messaging is not enabled for this Ayrshare profile. In the Ayrshare dashboard open User Profiles and tick "Enable Messaging" (a Business plan, or the add-on on Premium), then relink Facebook, Instagram and X.';
	}
	if ((code !== undefined && RELINK.has(code)) || /relink|re-link|unlink|not linked|authoriz/i.test(text)) {
		return 'The social account is not linked to Ayrshare or its authorisation expired. Relink it in the Ayrshare dashboard (Social Accounts), then run the node again.';
	}
	if (status === 401) return 'Ayrshare refused the API Key. Copy it again from the Ayrshare dashboard > API Key.';
	if (status === 403) return 'Ayrshare refused the call: the Profile-Key is not a profile of this account, the profile is suspended, or the plan has no messaging.';
	if (status === 404) return 'Ayrshare found no such conversation, recipient or profile. Check the ID and the Profile-Key.';
	if (status >= 500) return 'Ayrshare had an internal problem. Try again in a moment.';
	return `Ayrshare answered HTTP ${status} and did not carry the request out.`;
}

function readCode(value: unknown): number | undefined {
	const code = Number(value);
	return value !== undefined && value !== null && value !== '' && Number.isFinite(code) ? code : undefined;
}

/** A fresh reader per platform: it remembers the one 429 retry of the run. */
export function ayrshareProtocol(): PlatformProtocol {
	let retried429 = false;
	return {
		readError(response: RawResponse): PlatformError | undefined {
			const status = response.statusCode;
			const body = (response.body && typeof response.body === 'object' && !Array.isArray(response.body) ? response.body : {}) as IDataObject;
			const failed = status < 200 || status >= 300 || body.status === 'error';
			if (!failed) return undefined;
			const first = (Array.isArray(body.errors) ? (body.errors[0] as IDataObject | undefined) : undefined) ?? body;
			const code = readCode(first.code);
			const text = [first.message, first.details].filter((part) => typeof part === 'string' && part).join(': ');
			const httpCode = String(status >= 200 && status < 300 ? 400 : status);
			if (status === 429) {
				const description =
					`Ayrshare allows a set number of calls per profile per 5 minutes (x-ratelimit-max${header(response.headers, 'x-ratelimit-max') ? `: ${header(response.headers, 'x-ratelimit-max')}` : ''}); ` +
					'about 1,000 answers of 429 in 24 hours suspend the profile.';
				if (retried429) {
					return { message: 'Ayrshare rate limit reached again', description: `${description} The node retried once and stopped, to protect the profile. Run the workflow again in 5 minutes.`, httpCode: '429', code, body };
				}
				retried429 = true;
				return { message: 'Ayrshare rate limit reached', description, httpCode: '429', code, rateLimited: true, retryAfterMs: retryAfterMs(response.headers), body };
			}
			return { message: text || `Ayrshare answered HTTP ${status}`, description: hintFor(status, code, text), httpCode, code, body };
		},
		// The window is nearly used: adaptive lanes keep to Ayrshare's pace from now on.
		nearLimit(headers) {
			const max = Number(header(headers, 'x-ratelimit-max'));
			const count = Number(header(headers, 'x-ratelimit-count'));
			return Number.isFinite(max) && Number.isFinite(count) && max > 0 && count >= max - 1;
		},
	};
}
