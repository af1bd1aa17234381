/**
 * Messenger Profile (`/me/messenger_profile`), Personas (`/me/personas`, `/{PERSONA_ID}`)
 * and User Profile (`GET /{PSID|IGSID}`).
 */
import { decodeJsonParam, listParam, stringParam } from '../body';
import { GraphError, paramError } from '../errors';
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
		if (fields.includes('get_started') && !fields.includes('persistent_menu') && profile.persistent_menu !== undefined) {
			throw paramError('You must delete the persistent menu before deleting the Get Started button (inferred wording)');
		}
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
	checkProfile(updates, profile, isInstagramOwner(env, key));
	Object.assign(profile, updates);
	env.state.messengerProfiles.set(key, profile);
	return { status: 200, body: { result: 'success' } };
}

function isInstagramOwner(env: Env, key: string): boolean {
	return env.state.igAccount(key) !== undefined;
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

/** Meta's Messenger Profile limits (Messenger Profile API reference; not in the reference file). */
const MENU_ITEMS_MAX = 20;
const MENU_TITLE_MAX = 30;
const ICE_BREAKERS_MAX = 4;
const ICE_BREAKER_QUESTION_MAX = 80;
const DOMAINS_MAX = 50;
const PAYLOAD_MAX = 1000;
/** Instagram accounts have ice breakers only. */
const INSTAGRAM_PROPERTIES = ['ice_breakers'];

function checkLocales(entries: unknown[], name: string): void {
	const locales = entries.map((entry) => (isRecord(entry) ? entry.locale : undefined));
	if (!locales.includes('default')) throw paramError(`Param ${name} must contain a default locale (inferred wording)`);
	if (new Set(locales).size !== locales.length) throw paramError(`Param ${name} has duplicate locales (inferred wording)`);
	for (const locale of locales) {
		if (typeof locale !== 'string' || (locale !== 'default' && !/^[a-z]{2}_[A-Z]{2}$/.test(locale))) throw paramError(`Param ${name}[locale] is not a supported locale - got "${String(locale)}"`);
	}
}

function checkProfile(updates: Record<string, unknown>, current: Record<string, unknown>, instagram: boolean): void {
	if (instagram) {
		for (const name of Object.keys(updates)) {
			if (!INSTAGRAM_PROPERTIES.includes(name)) throw paramError(`Param ${name} is not supported for Instagram (inferred wording)`);
		}
	}
	if (updates.get_started !== undefined) {
		if (!isRecord(updates.get_started) || typeof updates.get_started.payload !== 'string' || updates.get_started.payload === '') throw paramError('Param get_started[payload] is required');
		if (charCount(updates.get_started.payload) > PAYLOAD_MAX) throw paramError(`Length of param get_started[payload] must be at most ${PAYLOAD_MAX} (inferred wording)`);
	}
	if (updates.greeting !== undefined) {
		if (!Array.isArray(updates.greeting)) throw paramError('Param greeting must be an array');
		for (const g of updates.greeting) {
			if (!isRecord(g) || typeof g.locale !== 'string' || typeof g.text !== 'string') throw paramError('Param greeting needs locale and text');
			if (charCount(g.text) > GREETING_MAX) throw paramError(`Length of param greeting[text] must be at most ${GREETING_MAX} (inferred wording)`);
		}
		checkLocales(updates.greeting, 'greeting');
	}
	if (updates.persistent_menu !== undefined) {
		if (!Array.isArray(updates.persistent_menu)) throw paramError('Param persistent_menu must be an array');
		if (updates.get_started === undefined && current.get_started === undefined) {
			throw paramError('You must set a Get Started button if you also wish to use persistent menu.');
		}
		checkLocales(updates.persistent_menu, 'persistent_menu');
		for (const menu of updates.persistent_menu as unknown[]) {
			if (!isRecord(menu)) throw paramError('Param persistent_menu must contain objects');
			const items = menu.call_to_actions;
			if (items === undefined && menu.composer_input_disabled !== true) throw paramError('Param persistent_menu[call_to_actions] is required');
			if (items !== undefined && (!Array.isArray(items) || items.length > MENU_ITEMS_MAX)) {
				throw paramError(`Param persistent_menu[call_to_actions] must be an array of at most ${MENU_ITEMS_MAX} items (inferred wording)`);
			}
			for (const item of (items as unknown[] | undefined) ?? []) {
				if (!isRecord(item) || (item.type !== 'postback' && item.type !== 'web_url')) throw paramError('Param call_to_actions[type] must be one of {postback, web_url}');
				if (typeof item.title !== 'string' || item.title === '' || charCount(item.title) > MENU_TITLE_MAX) {
					throw paramError(`Param call_to_actions[title] is required and at most ${MENU_TITLE_MAX} characters (inferred wording)`);
				}
				if (item.type === 'web_url' && (typeof item.url !== 'string' || !/^https?:\/\//.test(item.url))) throw paramError('Param call_to_actions[url] must be a valid URL');
				if (item.type === 'postback' && (typeof item.payload !== 'string' || item.payload === '')) throw paramError('Param call_to_actions[payload] is required');
			}
		}
	}
	if (updates.whitelisted_domains !== undefined) {
		if (!Array.isArray(updates.whitelisted_domains)) throw paramError('Param whitelisted_domains must be an array');
		if (updates.whitelisted_domains.length > DOMAINS_MAX) throw paramError(`Param whitelisted_domains must have at most ${DOMAINS_MAX} domains (inferred wording)`);
		for (const d of updates.whitelisted_domains) {
			if (typeof d !== 'string' || !d.startsWith('https://')) throw paramError(`Param whitelisted_domains must contain https URLs - got "${String(d)}"`);
		}
	}
	if (updates.ice_breakers !== undefined) {
		if (!Array.isArray(updates.ice_breakers)) throw paramError('Param ice_breakers must be an array');
		checkLocales(updates.ice_breakers, 'ice_breakers');
		for (const set of updates.ice_breakers as unknown[]) {
			const questions = isRecord(set) ? set.call_to_actions : undefined;
			if (!Array.isArray(questions) || questions.length === 0 || questions.length > ICE_BREAKERS_MAX) {
				throw paramError(`Param ice_breakers[call_to_actions] must have 1 to ${ICE_BREAKERS_MAX} questions (inferred wording)`);
			}
			for (const q of questions) {
				if (!isRecord(q) || typeof q.question !== 'string' || q.question === '' || charCount(q.question) > ICE_BREAKER_QUESTION_MAX) {
					throw paramError(`Param ice_breakers[question] is required and at most ${ICE_BREAKER_QUESTION_MAX} characters (inferred wording)`);
				}
				if (typeof q.payload !== 'string' || q.payload === '') throw paramError('Param ice_breakers[payload] is required');
			}
		}
	}
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
		if (!/^https?:\/\/\S+$/i.test(picture)) throw paramError('Param profile_picture_url must be a valid URL (inferred wording)');
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
	checkProfileAccess(ctx, user, fields.map((f) => f.name));
	return { status: 200, body: renderUser(ctx, user, fields) };
}

/** Messenger fields that need their own permission (Meta's User Profile API page). */
const FIELD_PERMISSIONS: Record<string, string> = { locale: 'pages_user_locale', timezone: 'pages_user_timezone', gender: 'pages_user_gender' };

function checkProfileAccess(ctx: RenderContext, user: UserRecord, fields: string[]): void {
	if (user.platform === 'instagram') {
		if (user.profileConsent === false) {
			throw new GraphError(400, { message: '(#230) User consent is required to access user profile', type: 'OAuthException', code: 230 });
		}
		return;
	}
	const missing = ctx.state.pages.get(user.businessId)?.missingPermissions ?? [];
	for (const field of fields) {
		const permission = FIELD_PERMISSIONS[field];
		if (permission && missing.includes(permission)) {
			throw new GraphError(400, { message: `(#10) Requires ${permission} permission to access this field (inferred wording)`, type: 'OAuthException', code: 10 });
		}
	}
}
