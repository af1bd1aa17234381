/**
 * The fake Ayrshare's outgoing side: it POSTs a `messages` webhook to the URL a profile registered, signed
 * with the profile's secret (during a secret rotation with both secrets: the old one under
 * X-Authorization-Content-SHA256, the new one under -V2), and retries a delivery the receiver did not
 * acknowledge (no 2xx within the answer timeout, or no answer at all) with the same delivery id and
 * hookId and a counting X-Ayrshare-Attempt, as the reference documents Ayrshare's retries.
 */
import type { Profile } from './state';
import { signatureHeaders } from './webhooks';

export type AyrshareSignatureMode = 'valid' | 'wrong' | 'missing' | 'tampered';

export interface WebhookDeliveryOptions {
	/** The profile whose webhook receives it: '' (default) is the Primary Profile. */
	profileKey?: string;
	/** Stays the same across the retries of this delivery. Default: a new one. */
	deliveryId?: string;
	encoding?: 'hex' | 'base64';
	/** valid (default); the others are forged deliveries. */
	signature?: AyrshareSignatureMode;
	/**
	 * The first N answers are lost on the way back (the receiver got the request, Ayrshare never saw its
	 * answer), so Ayrshare delivers the same event again.
	 */
	loseAnswers?: number;
}

export interface DeliveryAttempt {
	attempt: number;
	/** The receiver's HTTP status; undefined when there was no answer (or it was lost). */
	status?: number;
	body?: string;
	acknowledged: boolean;
	error?: string;
}

export interface WebhookDelivery {
	deliveryId: string;
	url?: string;
	/** Whether some attempt got a 2xx answer back. */
	acknowledged: boolean;
	/** Why nothing was sent, when nothing was. */
	reason?: string;
	/** The exact body sent (the same bytes on every attempt). */
	body: string;
	/** The signature headers of the first attempt. */
	headers: Record<string, string>;
	attempts: DeliveryAttempt[];
}

export interface DeliveryTimings {
	/** The waits before the 2nd, 3rd, … attempt (Ayrshare: 2 retries after 5 s and 30 s). */
	retryDelaysMs: number[];
	/** How long an attempt waits for the answer (Ayrshare: 10 s). */
	answerTimeoutMs: number;
}

/** The secrets a delivery is signed with now: during a rotation's overlap both, else the current one. */
export function signingSecrets(profile: Profile, now = Date.now()): { secret: string; rotatedSecret?: string } | undefined {
	const current = profile.webhook?.secret;
	if (!current) return undefined;
	const previous = profile.previousSecret;
	if (previous && previous.until > now) return { secret: previous.secret, rotatedSecret: current };
	return { secret: current };
}

let deliveries = 0;
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

function forged(body: string, headers: Record<string, string>, mode: AyrshareSignatureMode): { body: string; headers: Record<string, string> } {
	if (mode === 'missing') {
		const { 'x-authorization-content-sha256': _a, 'x-authorization-content-sha256-v2': _b, ...rest } = headers;
		return { body, headers: rest };
	}
	if (mode === 'wrong') return { body, headers: { ...signatureHeaders(body, { secret: 'not-the-webhook-secret' }), 'x-ayrshare-delivery-id': headers['x-ayrshare-delivery-id'] } };
	// tampered: signed, then changed on the way (still JSON)
	if (mode === 'tampered') return { body: body.replace(/}$/, ' }'), headers };
	return { body, headers };
}

async function attemptOnce(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<Omit<DeliveryAttempt, 'attempt'>> {
	try {
		const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
		const text = await response.text();
		return { status: response.status, body: text, acknowledged: response.status >= 200 && response.status < 300 };
	} catch (error) {
		return { acknowledged: false, error: error instanceof Error ? error.name : String(error) };
	}
}

/** One delivery to the profile's webhook, with Ayrshare's retries; resolves after the last attempt. */
export async function deliverWebhook(profile: Profile, payload: unknown, options: WebhookDeliveryOptions, timings: DeliveryTimings): Promise<WebhookDelivery> {
	const deliveryId = options.deliveryId ?? `dlv-${Date.now().toString(36)}-${(++deliveries).toString(36)}`;
	const text = JSON.stringify(payload);
	const secrets = signingSecrets(profile);
	const url = profile.webhook?.url;
	if (!url || !secrets) return { deliveryId, acknowledged: false, reason: 'the profile has no messages webhook with a secret', body: text, headers: {}, attempts: [] };
	const attempts: DeliveryAttempt[] = [];
	let first: Record<string, string> = {};
	let lose = options.loseAnswers ?? 0;
	for (let attempt = 1; attempt <= timings.retryDelaysMs.length + 1; attempt++) {
		if (attempt > 1) await sleep(timings.retryDelaysMs[attempt - 2]);
		const signed = signatureHeaders(text, { ...secrets, encoding: options.encoding, deliveryId, attempt });
		const { body, headers } = forged(text, signed, options.signature ?? 'valid');
		if (attempt === 1) first = headers;
		const result = await attemptOnce(url, body, headers, timings.answerTimeoutMs);
		if (lose > 0 && result.status !== undefined) {
			lose--;
			attempts.push({ attempt, acknowledged: false, error: 'answer lost' });
			continue;
		}
		attempts.push({ attempt, ...result });
		if (result.acknowledged) break;
	}
	return { deliveryId, url, acknowledged: attempts.some((entry) => entry.acknowledged), body: text, headers: first, attempts };
}
