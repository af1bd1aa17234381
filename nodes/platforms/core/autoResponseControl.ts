/**
 * The auto-response control channel for providers without a server-side auto-response (Meta, X): the
 * action node sends a signed request to the trigger's own production webhook, and the trigger keeps the
 * setting in its workflow static data, which n8n saves to the database after the webhook call, so it
 * holds across workflows, restarts and queue mode. The signature is HMAC-SHA256 over `timestamp.body`
 * with a key derived from the app secret both credentials share; requests older than 5 minutes are refused.
 */
import { createHmac, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

export const CONTROL_HEADER = 'x-social-messaging-control';
const MAX_AGE_SECONDS = 300;

/** What the action node set; it wins over the trigger's own Auto-Respond fields until changed again. */
export interface ControlledAutoResponse {
	active: boolean;
	message?: string;
	waitSeconds?: number;
	setAt: string;
}

export type ControlRequest =
	| { operation: 'get' }
	| { operation: 'set'; active: boolean; message?: string; waitSeconds?: number }
	| { operation: 'turnOff' };

function keyOf(secret: string): Buffer {
	// A key of its own: the app secret itself never signs anything but what the platform defines.
	return createHmac('sha256', secret).update('social-messaging auto-response control').digest();
}

export function signControl(secret: string, body: string, nowSeconds: number = Math.floor(Date.now() / 1000)): string {
	const mac = createHmac('sha256', keyOf(secret)).update(`${nowSeconds}.${body}`).digest('hex');
	return `t=${nowSeconds},v1=${mac}`;
}

/** Whether the header signs the body with this secret and is recent; constant time on the MAC. */
export function verifyControl(secret: string, body: Buffer, header: unknown, nowSeconds: number = Math.floor(Date.now() / 1000)): boolean {
	if (typeof header !== 'string') return false;
	const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header.trim());
	if (!match) return false;
	const timestamp = Number(match[1]);
	if (Math.abs(nowSeconds - timestamp) > MAX_AGE_SECONDS) return false;
	const expected = createHmac('sha256', keyOf(secret)).update(`${timestamp}.`).update(body).digest();
	return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

export function readControlRequest(body: unknown): ControlRequest | undefined {
	const request = (body && typeof body === 'object' ? body : {}) as IDataObject;
	if (request.operation === 'get' || request.operation === 'turnOff') return { operation: request.operation };
	if (request.operation !== 'set' || typeof request.active !== 'boolean') return undefined;
	const set: ControlRequest = { operation: 'set', active: request.active };
	if (typeof request.message === 'string' && request.message.trim()) set.message = request.message;
	if (Number.isInteger(request.waitSeconds) && (request.waitSeconds as number) >= 0) set.waitSeconds = request.waitSeconds as number;
	return set;
}

/** Applies a control request to the trigger's static data; returns what is stored now (undefined: nothing). */
export function applyControl(staticData: IDataObject, request: ControlRequest, now: Date = new Date()): ControlledAutoResponse | undefined {
	const stored = staticData.autoResponseControl as ControlledAutoResponse | undefined;
	if (request.operation === 'get') return stored;
	const next: ControlledAutoResponse =
		request.operation === 'turnOff'
			? { ...(stored ?? {}), active: false, setAt: now.toISOString() }
			: { active: request.active, ...(stored?.message ? { message: stored.message } : {}), ...(stored?.waitSeconds !== undefined ? { waitSeconds: stored.waitSeconds } : {}), setAt: now.toISOString() };
	if (request.operation === 'set') {
		if (request.message) next.message = request.message;
		if (request.waitSeconds !== undefined) next.waitSeconds = request.waitSeconds;
	}
	staticData.autoResponseControl = next as unknown as IDataObject;
	return next;
}

/** The trigger's own fields. */
export interface FieldSettings {
	active: boolean;
	message: string;
	waitSeconds: number;
}

/** What is in force: the action node's setting where it gave one, else the trigger's fields. */
export function effectiveAutoResponse(fields: FieldSettings, controlled: ControlledAutoResponse | undefined): FieldSettings & { source: 'trigger fields' | 'action node' } {
	if (!controlled) return { ...fields, source: 'trigger fields' };
	return {
		active: controlled.active,
		message: controlled.message ?? fields.message,
		waitSeconds: controlled.waitSeconds ?? fields.waitSeconds,
		source: 'action node',
	};
}
