/**
 * Messenger Profile API: `POST|GET|DELETE /{page|me}/messenger_profile` for the Get Started button,
 * greetings, the persistent menu, ice breakers and whitelisted domains. Meta's limits are checked here
 * before any request. Instagram has only ice breakers (through its Page with `platform=instagram`, or
 * with Instagram Login on graph.instagram.com).
 */
import type { IDataObject } from 'n8n-workflow';

import type { IceBreakerSet, MenuItem, MessengerProfile, MessengerProfileField, MessengerProfileTools, PersistentMenu } from '../accountTypes';
import { InputError } from '../core/inputError';
import { isHttpUrl } from '../core/text';
import type { GraphAccount } from './accountContext';

/** From Meta's Messenger Profile API reference (get started, greeting, persistent menu, ice breakers, domains). */
export const PROFILE_LIMITS = {
	getStartedPayloadMaxChars: 1000,
	greetingMaxChars: 160,
	menuItemsMax: 20,
	menuTitleMaxChars: 30,
	menuPayloadMaxChars: 1000,
	iceBreakersMax: 4,
	iceBreakerQuestionMaxChars: 80,
	iceBreakerPayloadMaxChars: 1000,
	whitelistedDomainsMax: 50,
} as const;

export const MESSENGER_PROFILE_FIELDS: MessengerProfileField[] = ['get_started', 'greeting', 'persistent_menu', 'ice_breakers', 'whitelisted_domains'];
export const INSTAGRAM_PROFILE_FIELDS: MessengerProfileField[] = ['ice_breakers'];

/** What Messenger replaces in a greeting with the person's name. */
const GREETING_TOKENS = ['user_first_name', 'user_last_name', 'user_full_name'];

const chars = (text: string) => [...text].length;

function fieldsOf(account: GraphAccount): MessengerProfileField[] {
	return account.platform === 'instagram' ? INSTAGRAM_PROFILE_FIELDS : MESSENGER_PROFILE_FIELDS;
}

function checkFieldsAllowed(account: GraphAccount, fields: MessengerProfileField[]): void {
	const allowed = fieldsOf(account);
	const refused = fields.filter((field) => !allowed.includes(field));
	if (refused.length) {
		throw new InputError(
			`${refused.join(', ')} ${refused.length === 1 ? 'is' : 'are'} not available on ${account.platform === 'instagram' ? 'Instagram' : 'Messenger'}`,
			account.platform === 'instagram'
				? 'Instagram has ice breakers only; set the Get Started button, greeting, menu and domains on Messenger.'
				: `Use ${allowed.join(', ')}.`,
		);
	}
}

function maxChars(value: string, max: number, what: string, fix: string): void {
	if (chars(value) > max) throw new InputError(`${what} is ${chars(value)} characters long; Meta allows ${max}`, fix);
}

/** Every localised list needs one `default` entry and each locale once; locales look like en_US. */
function checkLocales(locales: string[], what: string): void {
	const seen = new Set<string>();
	for (const locale of locales) {
		if (locale !== 'default' && !/^[a-z]{2}_[A-Z]{2}$/.test(locale)) {
			throw new InputError(`${what}: "${locale}" is not a locale`, 'Use "default" or a locale such as en_US, de_DE or pt_BR.');
		}
		if (seen.has(locale)) throw new InputError(`${what}: the locale "${locale}" appears twice`, 'Give each locale once.');
		seen.add(locale);
	}
	if (locales.length && !seen.has('default')) {
		throw new InputError(`${what} has no "default" locale`, 'Meta shows the "default" entry to everyone whose language has none of its own: add one with the locale "default".');
	}
}

function checkGreetings(profile: MessengerProfile): void {
	const greetings = profile.greetings ?? [];
	if (!greetings.length) throw new InputError('No greeting text', 'Add at least the greeting for the locale "default".');
	checkLocales(greetings.map((g) => g.locale), 'Greeting');
	for (const greeting of greetings) {
		if (!greeting.text.trim()) throw new InputError(`The ${greeting.locale} greeting is empty`, 'Write the text people see before they start the conversation.');
		maxChars(greeting.text, PROFILE_LIMITS.greetingMaxChars, `The ${greeting.locale} greeting`, 'Shorten it; the greeting is a one-line welcome.');
		for (const [, token] of greeting.text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
			if (!GREETING_TOKENS.includes(token)) {
				throw new InputError(
					`The ${greeting.locale} greeting uses {{${token}}}, which Messenger does not fill in`,
					`Messenger replaces {{user_first_name}}, {{user_last_name}} and {{user_full_name}}. Type them in the field as they are (not as an n8n expression).`,
				);
			}
		}
	}
}

function checkMenuItem(item: MenuItem, where: string): void {
	if (!item.title) throw new InputError(`${where} has no title`, 'Give every menu item a title.');
	maxChars(item.title, PROFILE_LIMITS.menuTitleMaxChars, `${where} title`, 'Shorten the title.');
	if (item.type === 'web_url' && !isHttpUrl(item.url)) {
		throw new InputError(`${where}: "${item.url}" is not an http(s) URL`, 'Link items need a full URL such as https://example.com/help.');
	}
	if (item.type === 'postback') {
		if (!item.payload) throw new InputError(`${where} has no payload`, 'Postback items need a payload; it comes back to your trigger when tapped.');
		maxChars(item.payload, PROFILE_LIMITS.menuPayloadMaxChars, `${where} payload`, 'Put a short key in the payload.');
	}
}

function checkMenus(menus: PersistentMenu[]): void {
	if (!menus.length) throw new InputError('No persistent menu', 'Add the menu for the locale "default".');
	checkLocales(menus.map((menu) => menu.locale), 'Persistent menu');
	for (const menu of menus) {
		const where = `Persistent menu (${menu.locale})`;
		if (menu.items.length === 0 && !menu.composerInputDisabled) {
			throw new InputError(`${where} has no items`, 'Add at least one item.');
		}
		if (menu.items.length > PROFILE_LIMITS.menuItemsMax) {
			throw new InputError(`${where} has ${menu.items.length} items; Meta allows ${PROFILE_LIMITS.menuItemsMax}`, 'Keep the most useful ones and link to a help page for the rest.');
		}
		menu.items.forEach((item, index) => checkMenuItem(item, `${where}, item ${index + 1}`));
		if (menu.composerInputDisabled && menu.items.length === 0) {
			throw new InputError(`${where} disables typing but has no items`, 'People could do nothing: add items, or let them type.');
		}
	}
}

function checkIceBreakers(sets: IceBreakerSet[]): void {
	if (!sets.length) throw new InputError('No ice breakers', 'Add up to 4 questions for the locale "default".');
	checkLocales(sets.map((set) => set.locale), 'Ice breakers');
	for (const set of sets) {
		const where = `Ice breakers (${set.locale})`;
		if (set.questions.length === 0 || set.questions.length > PROFILE_LIMITS.iceBreakersMax) {
			throw new InputError(`${where} has ${set.questions.length} questions; Meta allows 1 to ${PROFILE_LIMITS.iceBreakersMax}`, 'Keep the 4 questions people ask most.');
		}
		set.questions.forEach((question, index) => {
			const at = `${where}, question ${index + 1}`;
			if (!question.question.trim()) throw new InputError(`${at} is empty`, 'Write the question people tap to start.');
			maxChars(question.question, PROFILE_LIMITS.iceBreakerQuestionMaxChars, at, 'Shorten the question.');
			if (!question.payload) throw new InputError(`${at} has no payload`, 'Give every question a payload; it comes back to your trigger as a postback.');
			maxChars(question.payload, PROFILE_LIMITS.iceBreakerPayloadMaxChars, `${at} payload`, 'Put a short key in the payload.');
		});
	}
}

function checkDomains(domains: string[]): void {
	if (!domains.length) throw new InputError('No domains', 'List the https:// domains your webviews and plugins open, e.g. https://shop.example.com.');
	if (domains.length > PROFILE_LIMITS.whitelistedDomainsMax) {
		throw new InputError(`${domains.length} domains; Meta allows ${PROFILE_LIMITS.whitelistedDomainsMax}`, 'Remove domains you no longer use.');
	}
	for (const domain of domains) {
		if (!/^https:\/\/[^\s/]+/i.test(domain)) throw new InputError(`"${domain}" is not an https:// domain`, 'Meta only accepts https URLs, e.g. https://shop.example.com.');
	}
}

function buildItem(item: MenuItem): IDataObject {
	return item.type === 'web_url'
		? { type: 'web_url', title: item.title, url: item.url, ...(item.webviewHeightRatio ? { webview_height_ratio: item.webviewHeightRatio } : {}) }
		: { type: 'postback', title: item.title, payload: item.payload };
}

/** The Set body: Meta's property names; checks every property given first. */
export function buildProfileBody(profile: MessengerProfile, account: GraphAccount): IDataObject {
	const body: IDataObject = {};
	const given: MessengerProfileField[] = [];
	if (profile.getStartedPayload !== undefined) {
		given.push('get_started');
		if (!profile.getStartedPayload) throw new InputError('The Get Started button has no payload', 'Set the payload your trigger receives when someone taps Get Started, e.g. GET_STARTED.');
		maxChars(profile.getStartedPayload, PROFILE_LIMITS.getStartedPayloadMaxChars, 'The Get Started payload', 'Put a short key in the payload.');
		body.get_started = { payload: profile.getStartedPayload };
	}
	if (profile.greetings !== undefined) {
		given.push('greeting');
		checkGreetings(profile);
		body.greeting = profile.greetings.map(({ locale, text }) => ({ locale, text }));
	}
	if (profile.persistentMenus !== undefined) {
		given.push('persistent_menu');
		checkMenus(profile.persistentMenus);
		body.persistent_menu = profile.persistentMenus.map((menu) => ({
			locale: menu.locale,
			composer_input_disabled: menu.composerInputDisabled === true,
			call_to_actions: menu.items.map(buildItem),
		}));
	}
	if (profile.iceBreakers !== undefined) {
		given.push('ice_breakers');
		checkIceBreakers(profile.iceBreakers);
		body.ice_breakers = profile.iceBreakers.map((set) => ({
			locale: set.locale,
			call_to_actions: set.questions.map(({ question, payload }) => ({ question, payload })),
		}));
	}
	if (profile.whitelistedDomains !== undefined) {
		given.push('whitelisted_domains');
		checkDomains(profile.whitelistedDomains);
		body.whitelisted_domains = profile.whitelistedDomains;
	}
	if (!given.length) throw new InputError('Nothing to set', 'Choose a property and fill it in.');
	checkFieldsAllowed(account, given);
	return body;
}

function toMenuItem(raw: IDataObject): MenuItem {
	return raw.type === 'web_url'
		? { type: 'web_url', title: String(raw.title ?? ''), url: String(raw.url ?? '') }
		: { type: 'postback', title: String(raw.title ?? ''), payload: String(raw.payload ?? '') };
}

/** Get's answer `{data:[{get_started, greeting, …}]}` in the unified model. */
export function toMessengerProfile(raw: IDataObject): MessengerProfile & { raw: IDataObject } {
	const found = ((raw.data as IDataObject[] | undefined) ?? [])[0] ?? {};
	const out: MessengerProfile & { raw: IDataObject } = { raw };
	if (found.get_started) out.getStartedPayload = String((found.get_started as IDataObject).payload ?? '');
	if (found.greeting) out.greetings = (found.greeting as IDataObject[]).map((g) => ({ locale: String(g.locale), text: String(g.text) }));
	if (found.persistent_menu) {
		out.persistentMenus = (found.persistent_menu as IDataObject[]).map((menu) => ({
			locale: String(menu.locale ?? 'default'),
			composerInputDisabled: menu.composer_input_disabled === true,
			items: ((menu.call_to_actions as IDataObject[] | undefined) ?? []).map(toMenuItem),
		}));
	}
	if (found.ice_breakers) {
		out.iceBreakers = (found.ice_breakers as IDataObject[]).map((set) => ({
			locale: String(set.locale ?? 'default'),
			questions: ((set.call_to_actions as IDataObject[] | undefined) ?? []).map((q) => ({ question: String(q.question ?? ''), payload: String(q.payload ?? '') })),
		}));
	}
	if (found.whitelisted_domains) out.whitelistedDomains = (found.whitelisted_domains as unknown[]).map(String);
	return out;
}

function checkFieldList(account: GraphAccount, fields: MessengerProfileField[]): MessengerProfileField[] {
	const wanted = [...new Set(fields)];
	if (!wanted.length) throw new InputError('No properties chosen', `Pick at least one of ${fieldsOf(account).join(', ')}.`);
	const unknown = wanted.filter((field) => !MESSENGER_PROFILE_FIELDS.includes(field));
	if (unknown.length) throw new InputError(`Unknown profile properties: ${unknown.join(', ')}`, `Use ${fieldsOf(account).join(', ')}.`);
	checkFieldsAllowed(account, wanted);
	return wanted;
}

export function messengerProfileTools(account: GraphAccount): MessengerProfileTools {
	const path = `/${account.node}/messenger_profile`;
	// Instagram through its Facebook Page shares the Page's endpoint and says which network it means.
	const platformParam: IDataObject = account.platform === 'instagram' && account.provider === 'metaGraph' ? { platform: 'instagram' } : {};
	return {
		async setMessengerProfile(profile) {
			const body = buildProfileBody(profile, account);
			return await account.transport.request({ method: 'POST', path, qs: { ...platformParam }, body });
		},
		async getMessengerProfile(fields) {
			const wanted = checkFieldList(account, fields);
			const raw = await account.transport.request({ method: 'GET', path, qs: { fields: wanted.join(','), ...platformParam }, idempotent: true });
			return toMessengerProfile(raw);
		},
		async deleteMessengerProfile(fields) {
			const wanted = checkFieldList(account, fields);
			return await account.transport.request({ method: 'DELETE', path, qs: { ...platformParam }, body: { fields: wanted } });
		},
	};
}
