/**
 * Ayrshare's side of a webhook delivery: the `messages` payload and its signature headers (HMAC-SHA256 of
 * the body with the profile's secret; during a secret rotation a second signature under -V2), the
 * delivery id and attempt number that stay / count up across retries of one delivery.
 */
import { createHmac } from 'node:crypto';

export interface DeliverOptions {
	secret: string;
	/** The other secret during a rotation: its signature goes under X-Authorization-Content-SHA256-V2. */
	rotatedSecret?: string;
	encoding?: 'hex' | 'base64';
	deliveryId?: string;
	attempt?: number;
	/** Send these exact signature headers instead (tampering tests). */
	headers?: Record<string, string>;
}

export function sign(body: string, secret: string, encoding: 'hex' | 'base64' = 'hex'): string {
	return createHmac('sha256', secret).update(body).digest(encoding);
}

let signed = 0;

export function signatureHeaders(body: string, options: DeliverOptions): Record<string, string> {
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'x-authorization-timestamp': String(Math.floor(Date.now() / 1000)),
		'x-authorization-content-sha256': sign(body, options.secret, options.encoding),
		// A new delivery unless told otherwise (a retry keeps its delivery id).
		'x-ayrshare-delivery-id': options.deliveryId ?? `delivery-${Date.now().toString(36)}-${(++signed).toString(36)}`,
		'x-ayrshare-attempt': String(options.attempt ?? 1),
	};
	if (options.rotatedSecret) headers['x-authorization-content-sha256-v2'] = sign(body, options.rotatedSecret, options.encoding);
	return { ...headers, ...(options.headers ?? {}) };
}

export interface MessagesPayload {
	subAction: 'messageCreated' | 'messageRead' | 'reactionCreated' | 'messageEdited';
	platform: 'facebook' | 'instagram' | 'twitter';
	senderId: string;
	recipientId: string;
	conversationId: string;
	hookId: string;
	message?: string;
	[key: string]: unknown;
}

/** A `messages` webhook body as the seed shows it. */
export function messagesPayload(fields: MessagesPayload): Record<string, unknown> {
	const type = { messageCreated: 'message', messageRead: 'read', reactionCreated: 'reaction', messageEdited: 'edit' }[fields.subAction];
	return {
		action: 'messages',
		type,
		code: 200,
		created: '2026-12-07T09:30:00Z',
		mediaUrls: [],
		refId: '9abf1426d6ce9122ef11c8932',
		timeStamp: 1796635800,
		title: 'Primary Profile',
		...fields,
	};
}
