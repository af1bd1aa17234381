/**
 * Messenger Profile (`/me/messenger_profile`), Personas (`/me/personas`, `/{PERSONA_ID}`)
 * and User Profile (`GET /{PSID|IGSID}`).
 */
import { decodeJsonParam, listParam, stringParam } from '../body';
import { paramError } from '../errors';
import { selectFields } from '../fields';
import { pageOf, pagingObject, readLimit } from '../paging';
import { IG_USER_FIELDS, MESSENGER_USER_FIELDS, PERSONA_FIELDS, renderPersona, renderUser, type RenderContext } from '../render';
import type { PersonaRecord, UserRecord } from '../state';
import type { Call, Env, Result } from '../types';
import { charCount, isRecord } from '../util';
import { requestedFields } from './conversations';
import { businessId, type Business } from './business';

export const PROFILE_PROPERTIES = [
	'get_started',
	'greeting',
	'persistent_menu',
	'ice_breakers',
	'whitelisted_domains',
	'account_linking_url',
	'commands',
	'title',
	'description',
] as const;

/** Greeting text limit, from Meta's Messenger Profile docs (not in the reference file). */
const GREETING_MAX = 160;

export function messengerProfile(env: Env, call: Call, business: Business): Result {
	const key = profileOwner(call, business);
	const profile = env.state.messengerProfiles.get(key) ?? {};
	if (call.method === 'GET') {
		const fields = listParam(call.params, 'fields');
		if (!fields || fields.length === 0) throw paramError('The parameter fields is required');
		for (const f of fields) if (!(PROFILE_PROPERTIES as readonly string[]).includes(f)) throw unknownProperty(f);
		const found: Record<string, unknown> = {};
		for (const f of fields) if (profile[f] !== undefined) found[f] = profile[f];
		return { status: 200, body: { data: Object.keys(found).length ? [found] : [] } };
	}
	if (call.method === 'DELETE') {
		const fields = listParam(call.params, 'fields');
		if (!fields || fields.length === 0) throw paramError('The parameter fields is required');
		for (const f of fields) if (!(PROFILE_PROPERTIES as readonly string[]).includes(f)) throw unknownProperty(f);
		for (const f of fields) delete profile[f];
		env.state.messengerProfiles.set(key, profile);
		return { status: 200, body: { result: 'success' } };
	}
	const updates: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(call.params)) {
		if (name === 'access_token' || name === 'appsecret_proof' || name === 'platform' || name === 'method') continue;
		if (!(PROFILE_PROPERTIES as readonly string[]).includes(name)) throw unknownProperty(name);
		updates[name] = decodeJsonParam(value);
	}
	if (Object.keys(updates).length === 0) throw paramError(`Requires one of the params: ${PROFILE_PROPERTIES.join(',')}`);
	checkProfile(updates, profile);
	Object.assign(profile, updates);
	env.state.messengerProfiles.set(key, profile);
	return { status: 200, body: { result: 'success' } };
}

function profileOwner(call: Call, business: Business): string {
	if (business.kind === 'ig') return business.ig.id;
	const platform = stringParam(call.params, 'platform');
	if (platform?.toLowerCase() === 'instagram') {
		if (!business.page.igAccountId) throw paramError('This Page has no linked Instagram account (inferred wording)');
		return business.page.igAccountId;
	}
	return business.page.id;
}

function unknownProperty(name: string): Error {
	return paramError(`Param fields[${name}] must be one of {${PROFILE_PROPERTIES.map((p) => p.toUpperCase()).join(', ')}} - got "${name}"`);
}

function checkProfile(updates: Record<string, unknown>, current: Record<string, unknown>): void {
	if (updates.get_started !== undefined && (!isRecord(updates.get_started) || typeof updates.get_started.payload !== 'string')) {
		throw paramError('Param get_started[payload] is required');
	}
	if (updates.greeting !== undefined) {
		if (!Array.isArray(updates.greeting)) throw paramError('Param greeting must be an array');
		for (const g of updates.greeting) {
			if (!isRecord(g) || typeof g.locale !== 'string' || typeof g.text !== 'string') throw paramError('Param greeting needs locale and text');
			if (charCount(g.text) > GREETING_MAX) throw paramError(`Length of param greeting[text] must be at most ${GREETING_MAX} (inferred wording)`);
		}
	}
	if (updates.persistent_menu !== undefined) {
		if (!Array.isArray(updates.persistent_menu)) throw paramError('Param persistent_menu must be an array');
		if (updates.get_started === undefined && current.get_started === undefined) {
			throw paramError('You must set a Get Started button if you also wish to use persistent menu.');
		}
	}
	if (updates.whitelisted_domains !== undefined) {
		if (!Array.isArray(updates.whitelisted_domains)) throw paramError('Param whitelisted_domains must be an array');
		for (const d of updates.whitelisted_domains) {
			if (typeof d !== 'string' || !d.startsWith('https://')) throw paramError(`Param whitelisted_domains must contain https URLs - got "${String(d)}"`);
		}
	}
	if (updates.ice_breakers !== undefined && !Array.isArray(updates.ice_breakers)) throw paramError('Param ice_breakers must be an array');
}

// ---- personas ---------------------------------------------------------------------------

export function personasEdge(env: Env, call: Call, business: Business, ctx: RenderContext): Result {
	if (business.kind !== 'page') throw paramError('Personas are only available for Messenger (inferred wording)');
	const { state } = env;
	if (call.method === 'POST') {
		const name = stringParam(call.params, 'name');
		const picture = stringParam(call.params, 'profile_picture_url');
		if (!name) throw paramError('The parameter name is required');
		if (!picture) throw paramError('The parameter profile_picture_url is required');
		const persona: PersonaRecord = { id: state.newPersonaId(), pageId: business.page.id, name, profilePictureUrl: picture, createdTime: state.now() };
		state.personas.set(persona.id, persona);
		return { status: 200, body: { id: persona.id } };
	}
	const fields = selectFields(requestedFields(call), ['id', 'name', 'profile_picture_url'], PERSONA_FIELDS, 'Persona');
	const list = [...state.personas.values()]
		.filter((p) => p.pageId === businessId(business))
		.sort((a, b) => b.createdTime - a.createdTime || (a.id < b.id ? 1 : -1));
	const limit = readLimit(call.params.limit);
	const slice = pageOf(list, (p) => ({ t: p.createdTime, id: p.id }), { limit, after: stringParam(call.params, 'after'), before: stringParam(call.params, 'before') });
	const body: Record<string, unknown> = { data: slice.items.map((p) => renderPersona(p, fields)) };
	const paging = pagingObject(slice, { baseUrl: ctx.baseUrl, version: ctx.version, path: call.path, query: { ...ctx.linkQuery, limit: String(limit) } });
	if (paging) body.paging = paging;
	return { status: 200, body };
}

export function personaNode(env: Env, call: Call, persona: PersonaRecord): Result {
	if (call.method === 'DELETE') {
		env.state.personas.delete(persona.id);
		return { status: 200, body: { success: true } };
	}
	const fields = selectFields(requestedFields(call), ['id', 'name', 'profile_picture_url'], PERSONA_FIELDS, 'Persona');
	return { status: 200, body: renderPersona(persona, fields) };
}

// ---- user profile -----------------------------------------------------------------------

export function userProfile(call: Call, user: UserRecord, ctx: RenderContext): Result {
	const messenger = user.platform === 'messenger';
	const fields = selectFields(
		requestedFields(call),
		messenger ? ['first_name', 'last_name', 'profile_pic'] : ['name', 'username', 'profile_pic'],
		messenger ? MESSENGER_USER_FIELDS : IG_USER_FIELDS,
		messenger ? 'User' : 'InstagramUser',
	);
	return { status: 200, body: renderUser(ctx, user, fields) };
}
