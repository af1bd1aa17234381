/**
 * Webhook registration. App level (app token): `/{APP_ID}/subscriptions` — Meta calls the callback
 * with a `hub.challenge` before it answers, and keeps ONE callback URL per object.
 * Page / Instagram level: `/{PAGE_ID|IG_ID}/subscribed_apps` with `subscribed_fields`.
 */
import { boolParam, listParam, stringParam } from '../body';
import { GraphError, paramError } from '../errors';
import type { AppSubscription } from '../state';
import type { Call, Env, Result } from '../types';

export const SUBSCRIPTION_OBJECTS = ['page', 'instagram', 'user', 'permissions', 'application', 'whatsapp_business_account'];
// Field names are checked for shape only: Meta's per-object lists change often (inferred leniency).
const FIELD_NAME = /^[a-z][a-z_]*$/;

export async function appSubscriptions(env: Env, call: Call): Promise<Result> {
	const { state } = env;
	if (call.method === 'GET') {
		const data = [...state.appSubscriptions.values()].map((s) => ({
			object: s.object,
			callback_url: s.callbackUrl,
			active: s.active,
			fields: s.fields.map((f) => ({ name: f.name, version: f.version })),
		}));
		return { status: 200, body: { data } };
	}
	if (call.method === 'DELETE') {
		const object = stringParam(call.params, 'object');
		const fields = listParam(call.params, 'fields');
		if (object === undefined) state.appSubscriptions.clear();
		else if (fields && fields.length > 0) {
			const sub = state.appSubscriptions.get(object);
			if (sub) {
				sub.fields = sub.fields.filter((f) => !fields.includes(f.name));
				if (sub.fields.length === 0) state.appSubscriptions.delete(object);
			}
		} else state.appSubscriptions.delete(object);
		return { status: 200, body: { success: true } };
	}
	return { status: 200, body: await subscribe(env, call) };
}

async function subscribe(env: Env, call: Call): Promise<Record<string, unknown>> {
	const { state, options } = env;
	const object = stringParam(call.params, 'object');
	if (!object) throw paramError('The parameter object is required');
	if (!SUBSCRIPTION_OBJECTS.includes(object)) throw paramError(`Param object must be one of {${SUBSCRIPTION_OBJECTS.join(', ')}} - got "${object}"`);
	const existing = state.appSubscriptions.get(object);
	const callbackUrl = stringParam(call.params, 'callback_url') ?? existing?.callbackUrl;
	if (!callbackUrl) throw paramError('The parameter callback_url is required');
	let parsed: URL;
	try {
		parsed = new URL(callbackUrl);
	} catch {
		throw paramError('Param callback_url must be a valid URL');
	}
	if (parsed.protocol !== 'https:' && (options.requireHttpsCallback || parsed.protocol !== 'http:')) {
		throw paramError('Param callback_url must be a valid https URL');
	}
	const fields = listParam(call.params, 'fields') ?? [];
	if (fields.length === 0 && !existing) throw paramError('The parameter fields is required');
	for (const f of fields) if (!FIELD_NAME.test(f)) throw paramError(`Param fields contains an invalid field name "${f}"`);
	const verifyToken = stringParam(call.params, 'verify_token') ?? '';

	// Like Meta: verify the callback before answering; nothing is stored when it fails.
	const attempt = await env.verifyCallback(callbackUrl, verifyToken);
	if (!attempt.ok) {
		const detail = attempt.error
			? `${attempt.error}`
			: attempt.status !== 200
				? `HTTP Status Code = ${attempt.status}; HTTP Message = ${attempt.status === 403 ? 'Forbidden' : 'Error'}`
				: `Response does not match challenge, expected value="${attempt.challenge}", received="${(attempt.body ?? '').slice(0, 100)}"`;
		throw new GraphError(400, { message: `(#2200) Callback verification failed with the following errors: ${detail}`, type: 'OAuthException', code: 2200 });
	}

	const version = call.version ?? options.defaultVersion;
	// One callback per object: a new URL replaces the old one; fields accumulate (inferred, as Meta adds fields).
	const merged = new Map((existing?.fields ?? []).map((f) => [f.name, f]));
	for (const name of fields) merged.set(name, { name, version });
	const subscription: AppSubscription = {
		object,
		callbackUrl,
		verifyToken,
		fields: [...merged.values()],
		includeValues: boolParam(call.params, 'include_values') ?? existing?.includeValues ?? false,
		active: true,
	};
	state.appSubscriptions.set(object, subscription);
	return { success: true };
}

export function subscribedApps(env: Env, call: Call, ownerId: string): Result {
	const { state } = env;
	const apps = state.subscribedApps.get(ownerId) ?? new Map<string, string[]>();
	if (call.method === 'GET') {
		const data = [...apps].map(([id, fields]) => ({ id, name: id === state.app.id ? state.app.name : id, subscribed_fields: fields }));
		return { status: 200, body: { data } };
	}
	if (call.method === 'DELETE') {
		apps.delete(state.app.id);
		state.subscribedApps.set(ownerId, apps);
		return { status: 200, body: { success: true } };
	}
	const fields = listParam(call.params, 'subscribed_fields');
	if (!fields || fields.length === 0) throw paramError('The parameter subscribed_fields is required');
	for (const f of fields) if (!FIELD_NAME.test(f)) throw paramError(`Param subscribed_fields contains an invalid field name "${f}"`);
	apps.set(state.app.id, [...new Set(fields)]);
	state.subscribedApps.set(ownerId, apps);
	return { status: 200, body: { success: true } };
}
