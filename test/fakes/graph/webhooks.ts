/**
 * Webhook delivery the way Meta does it: JSON with non-ASCII (and `/`) escaped in the raw bytes,
 * signed with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw bytes)>`
 * (plus the legacy SHA-1 `X-Hub-Signature`). Signature modes let tests prove rejection paths.
 */
import { createHmac } from 'node:crypto';
import { httpRequest } from './http-client';

export type SignatureMode = 'valid' | 'missing' | 'wrong' | 'tampered';

export interface DeliverOptions {
	/** Defaults to the fake's app secret when called through `fake.deliver`. */
	appSecret?: string;
	signature?: SignatureMode;
	/** Escape non-ASCII as `\uXXXX` like Meta (default true). */
	escapeUnicode?: boolean;
	/** Escape `/` as `\/` like Meta (default true). */
	escapeSlashes?: boolean;
	headers?: Record<string, string>;
	timeoutMs?: number;
}

export interface DeliveryResult {
	status: number;
	body: string;
	headers: Record<string, string | string[] | undefined>;
	/** The exact bytes posted. */
	sentBody: Buffer;
	/** The X-Hub-Signature-256 value sent, if any. */
	signature256?: string;
}

/** Serialise like Meta: ASCII-only bytes, `\u00fc` for ü, surrogate pairs for emoji. */
export function metaJson(payload: unknown, opts: { escapeUnicode?: boolean; escapeSlashes?: boolean } = {}): string {
	let text = JSON.stringify(payload);
	if (opts.escapeUnicode ?? true) text = text.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
	if (opts.escapeSlashes ?? true) text = text.replace(/\//g, '\\/');
	return text;
}

export function signature256(secret: string, raw: Buffer | string): string {
	return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

export function signature1(secret: string, raw: Buffer | string): string {
	return `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`;
}

/** Build the bytes and headers of a delivery without sending it. */
export function prepareDelivery(payload: unknown, opts: DeliverOptions & { appSecret: string }): { body: Buffer; headers: Record<string, string> } {
	const original = Buffer.from(metaJson(payload, opts), 'utf8');
	const mode = opts.signature ?? 'valid';
	const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', ...(opts.headers ?? {}) };
	let body: Buffer = original;
	if (mode !== 'missing') {
		const secret = mode === 'wrong' ? `${opts.appSecret}-wrong` : opts.appSecret;
		headers['x-hub-signature-256'] = signature256(secret, original);
		headers['x-hub-signature'] = signature1(secret, original);
	}
	// Tampered: signed over the original bytes, then one byte of content changes in transit.
	if (mode === 'tampered') body = tamper(original);
	return { body, headers };
}

export async function deliverWebhook(url: string, payload: unknown, opts: DeliverOptions & { appSecret: string }): Promise<DeliveryResult> {
	const { body, headers } = prepareDelivery(payload, opts);
	const res = await httpRequest(url, { method: 'POST', headers, body, timeoutMs: opts.timeoutMs ?? 10_000 });
	return { status: res.status, body: res.body.toString('utf8'), headers: res.headers, sentBody: body, signature256: headers['x-hub-signature-256'] };
}

function tamper(raw: Buffer): Buffer {
	const text = raw.toString('utf8');
	const at = text.search(/"(text|mid|payload)":"/);
	if (at < 0) return Buffer.from(text.replace('{', '{ '), 'utf8');
	const insert = text.indexOf(':"', at) + 2;
	return Buffer.from(`${text.slice(0, insert)}X${text.slice(insert)}`, 'utf8');
}
