/**
 * How the transport reads X's answers: problem-details bodies (`title`, `detail`, `type`, `status`), the
 * older `errors[]` shape (also on some 429s), and the x-rate-limit-* headers.
 */
import type { IDataObject } from 'n8n-workflow';

import type { PlatformError, PlatformProtocol, RawResponse } from '../core/transport';

const PROBLEMS = 'https://api.x.com/2/problems/';

/** X still answers many problem types on its old host: `https://api.twitter.com/2/problems/…` is the same type. */
function problemType(type: string): string {
	return type.replace(/^https:\/\/api\.twitter\.com\/2\/problems\//, PROBLEMS);
}

function header(headers: RawResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** Epoch seconds of x-rate-limit-reset as milliseconds from now (0 when absent or past). */
export function resetInMs(headers: RawResponse['headers'], now: number = Date.now()): number {
	const reset = Number(header(headers, 'x-rate-limit-reset'));
	return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : 0;
}

function resetTime(headers: RawResponse['headers']): string | undefined {
	const reset = Number(header(headers, 'x-rate-limit-reset'));
	return Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : undefined;
}

/** The hint for what X said, by problem type and text. */
function hintFor(status: number, type: string, text: string): string {
	if (type === `${PROBLEMS}usage-capped`) return 'The app is out of credits or over its cap on X\'s pay-per-use plan. Add credits in the developer portal > Billing.';
	if (type === `${PROBLEMS}client-forbidden`) return 'The app is not attached to a project or its plan has no access to Direct Messages (Free has none). Use pay-per-use credits or a plan with DM access.';
	if (type === `${PROBLEMS}oauth1-permissions` || /permission|scope|dm\.write|dm\.read/i.test(text)) {
		return 'The token lacks the DM permission (OAuth 2.0: the dm.read and dm.write scopes). Set the app\'s permission to "Read and write and Direct message", then regenerate the Access Token and Secret (X OAuth2 credential: reconnect the account, so the token gets the scopes).';
	}
	if (/CrcValidationFailed/i.test(text)) {
		return 'X could not validate the webhook URL with its CRC check: n8n must be reachable from the internet over HTTPS without a port (set WEBHOOK_URL), and the API Key Secret must be the secret of the app the Bearer Token belongs to.';
	}
	if (/UrlValidationFailed/i.test(text)) return 'X does not take this webhook URL: it must be a public HTTPS URL without a port or query (set n8n\'s WEBHOOK_URL).';
	if (/WebhookLimitExceeded/i.test(text)) return 'The app has as many webhooks as its plan allows. Delete unused ones (GET and DELETE /2/webhooks with the Bearer Token), or deactivate another X trigger of this app.';
	if (/duplicate/i.test(text)) return 'X refuses the same text twice in a row to the same conversation. Change the text.';
	if (status === 403 && /direct message|not allowed|not permitted|cannot send|\bdms?\b/i.test(text)) {
		return 'The recipient does not accept Direct Messages from this account (they do not follow it, or closed their DMs), or has blocked it.';
	}
	if (type === `${PROBLEMS}resource-not-found` || status === 404) return 'The user, conversation or message does not exist or this account cannot see it. Check the ID.';
	if (status === 401) {
		return 'X refused the credential: check the API Key, API Key Secret, Access Token and Access Token Secret (all from the same app); with the X OAuth2 credential, its token was revoked or could not be renewed: reconnect the account (Connect my account).';
	}
	if (type === `${PROBLEMS}invalid-request` || status === 400) return 'X did not accept the request as sent.';
	return `X answered HTTP ${status}.`;
}

export function readXError(response: RawResponse): PlatformError | undefined {
	const status = response.statusCode;
	const body = (response.body && typeof response.body === 'object' ? response.body : {}) as IDataObject;
	if (status >= 200 && status < 300) return undefined;
	const errors = Array.isArray(body.errors) ? (body.errors as IDataObject[]) : [];
	const first = errors[0] ?? {};
	const type = problemType(String(body.type ?? first.type ?? ''));
	const text = [body.title, body.detail, first.message, first.detail, first.title].filter((part) => typeof part === 'string' && part).join(': ');
	const code = first.code ?? (type ? type.replace(PROBLEMS, '') : undefined);
	// A usage cap (out of credits) also comes as 429, but waiting for x-rate-limit-reset does not lift it.
	const capped = type === `${PROBLEMS}usage-capped`;
	const rateLimited = !capped && (status === 429 || type === `${PROBLEMS}rate-limit-exceeded` || first.code === 88);
	if (rateLimited) {
		const reset = resetTime(response.headers);
		return {
			message: 'X rate limit reached',
			description: `X allows DM sends and lookups 15 times per 15 minutes per user (sends also 1,440 per 24 hours).${reset ? ` The limit resets at ${reset}.` : ''}`,
			httpCode: '429',
			code: code as string | number | undefined,
			rateLimited: true,
			retryAfterMs: resetInMs(response.headers),
			body,
		};
	}
	return {
		message: text || `X answered HTTP ${status}`,
		description: hintFor(status, type, text),
		httpCode: String(status),
		code: code as string | number | undefined,
		body,
	};
}

export const xProtocol: PlatformProtocol = {
	readError: readXError,
	// The window is nearly used up: adaptive lanes keep to X's per-user pace from now on.
	nearLimit: (headers) => {
		const remaining = header(headers, 'x-rate-limit-remaining');
		return remaining !== undefined && Number(remaining) <= 1;
	},
};
