/**
 * Messenger Profile > Set / Get / Delete through n8n's engine against the fake Graph API: the exact
 * `/{page}/messenger_profile` requests for every property (ice breakers also on Instagram, through its
 * Page with platform=instagram and with Instagram Login), Meta's limits checked before any request, what
 * Meta itself refuses (a menu without Get Started, Get Started deleted under a menu), and Instagram
 * refusing the Messenger-only properties before any request.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { IG_ACCOUNT_ID, PAGE_ID, PAGE_TOKEN } from '../fakes/graph';
import { assertCall } from './account.helpers';
import { INSTAGRAM_LOGIN, INSTAGRAM_PAGE, MESSENGER, assertErrorItem, assertItemError, assertNoError, runOn, type Route } from './message.helpers';
import { useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
	fake().state.messengerProfiles.clear();
});

const profileRun = (route: Route, operation: string, parameters: INodeParameters = {}, options: Parameters<typeof runOn>[3] = {}) =>
	runOn(fake(), route, { resource: 'messengerProfile', operation, ...parameters }, options);

const setOnMessenger = (parameters: INodeParameters, options: Parameters<typeof runOn>[3] = {}) => profileRun(MESSENGER, 'set', parameters, options);

const pageProfile = () => fake().state.messengerProfiles.get(PAGE_ID) ?? {};

function assertProfilePost(body: IDataObject, query: Record<string, string> = {}, route: Route = MESSENGER) {
	// expected exactly one request
	expect(fake().requests.length).toBe(1);
	assertCall(fake().requests[0], { method: 'POST', path: `/${route.account}/messenger_profile`, token: route.token, query, body });
}

describe('Messenger Profile > Set on Messenger', () => {
	it('Get Started button', async () => {
		const run = await setOnMessenger({ profileProperty: 'getStarted', getStartedPayload: 'GET_STARTED' });
		assertNoError(run);
		assertProfilePost({ get_started: { payload: 'GET_STARTED' } });
		expect(run.items).toStrictEqual([{ json: { platform: 'messenger', getStartedPayload: 'GET_STARTED', success: true }, pairedItem: { item: 0 } }]);
		expect(pageProfile().get_started).toStrictEqual({ payload: 'GET_STARTED' });
	});

	it('greetings per locale, with {{user_first_name}} left for Messenger to fill in', async () => {
		const greeting = [
			{ locale: 'default', text: 'Hi {{user_first_name}}, welcome to Acme!' },
			{ locale: 'de_DE', text: 'Hallo {{user_first_name}}, willkommen!' },
		];
		const run = await setOnMessenger({ profileProperty: 'greeting', greetings: { greeting } });
		assertNoError(run);
		assertProfilePost({ greeting });
		expect(pageProfile().greeting).toStrictEqual(greeting);
	});

	it('persistent menu from fields: postback and URL items, typing disabled (after Get Started)', async () => {
		fake().state.messengerProfiles.set(PAGE_ID, { get_started: { payload: 'GET_STARTED' } });
		const run = await setOnMessenger({
			profileProperty: 'persistentMenu',
			composerInputDisabled: true,
			menuItems: { item: [{ type: 'postback', title: 'Talk to an agent', payload: 'AGENT' }, { type: 'web_url', title: 'Shop', url: 'https://example.com/shop' }] },
		});
		assertNoError(run);
		assertProfilePost({
			persistent_menu: [
				{
					locale: 'default',
					composer_input_disabled: true,
					call_to_actions: [
						{ type: 'postback', title: 'Talk to an agent', payload: 'AGENT' },
						{ type: 'web_url', title: 'Shop', url: 'https://example.com/shop' },
					],
				},
			],
		});
	});

	it('persistent menu as JSON with several locales', async () => {
		fake().state.messengerProfiles.set(PAGE_ID, { get_started: { payload: 'GET_STARTED' } });
		const menus = [
			{ locale: 'default', composer_input_disabled: false, call_to_actions: [{ type: 'postback', title: 'Help', payload: 'HELP' }] },
			{ locale: 'de_DE', composer_input_disabled: false, call_to_actions: [{ type: 'postback', title: 'Hilfe', payload: 'HELP' }] },
		];
		const run = await setOnMessenger({ profileProperty: 'persistentMenu', menuInputMode: 'json', persistentMenuJson: JSON.stringify(menus) });
		assertNoError(run);
		assertProfilePost({ persistent_menu: menus });
	});

	it('a menu before the Get Started button: Meta refuses it and the error comes through', async () => {
		const run = await setOnMessenger({ profileProperty: 'persistentMenu', menuItems: { item: [{ type: 'postback', title: 'Help', payload: 'HELP' }] } });
		expect(run.error).toBeTruthy();
		expect(run.error!.name).toBe('NodeApiError');
		expect(run.error!.description ?? '').toMatch(/You must set a Get Started button/);
	});

	it('ice breakers and whitelisted domains', async () => {
		const run = await setOnMessenger({ profileProperty: 'iceBreakers', iceBreakers: { question: [{ question: 'Where is my order?', payload: 'ORDER' }] } });
		assertNoError(run);
		assertProfilePost({ ice_breakers: [{ locale: 'default', call_to_actions: [{ question: 'Where is my order?', payload: 'ORDER' }] }] });
		fake().clearRequests();
		const domains = await setOnMessenger({ profileProperty: 'whitelistedDomains', whitelistedDomains: 'https://shop.example.com, https://help.example.com' });
		assertNoError(domains);
		assertProfilePost({ whitelisted_domains: ['https://shop.example.com', 'https://help.example.com'] });
	});
});

describe('Messenger Profile limits, checked before any request', () => {
	const cases: Array<[string, INodeParameters, RegExp]> = [
		['a greeting over 160 characters', { profileProperty: 'greeting', greetings: { greeting: [{ locale: 'default', text: 'x'.repeat(161) }] } }, /greeting is 161 characters long; Meta allows 160/],
		['greetings without a default locale', { profileProperty: 'greeting', greetings: { greeting: [{ locale: 'de_DE', text: 'Hallo' }] } }, /Greeting has no "default" locale/],
		['a locale that is not one', { profileProperty: 'greeting', greetings: { greeting: [{ locale: 'default', text: 'Hi' }, { locale: 'german', text: 'Hallo' }] } }, /"german" is not a locale/],
		['a placeholder Messenger does not fill in', { profileProperty: 'greeting', greetings: { greeting: [{ locale: 'default', text: 'Hi {{user_city}}' }] } }, /uses \{\{user_city\}\}, which Messenger does not fill in/],
		[
			'21 menu items',
			{ profileProperty: 'persistentMenu', menuInputMode: 'json', persistentMenuJson: JSON.stringify([{ locale: 'default', call_to_actions: Array.from({ length: 21 }, (_, i) => ({ type: 'postback', title: `Item ${i}`, payload: `P${i}` })) }]) },
			/has 21 items; Meta allows 20/,
		],
		['a menu title over 30 characters', { profileProperty: 'persistentMenu', menuItems: { item: [{ type: 'postback', title: 'x'.repeat(31), payload: 'P' }] } }, /title is 31 characters long; Meta allows 30/],
		['a call button in the menu', { profileProperty: 'persistentMenu', menuInputMode: 'json', persistentMenuJson: '[{"locale":"default","call_to_actions":[{"type":"phone_number","title":"Call","payload":"+15551234567"}]}]' }, /is a call button/],
		['an ice breaker question over 80 characters', { profileProperty: 'iceBreakers', iceBreakers: { question: [{ question: `${'x'.repeat(80)}?`, payload: 'Q' }] } }, /question 1 is 81 characters long; Meta allows 80/],
		['no ice breaker questions', { profileProperty: 'iceBreakers', iceBreakers: {} }, /has 0 questions; Meta allows 1 to 4/],
		['a domain without https', { profileProperty: 'whitelistedDomains', whitelistedDomains: 'http://shop.example.com' }, /"http:\/\/shop\.example\.com" is not an https:\/\/ domain/],
		['an empty Get Started payload', { profileProperty: 'getStarted', getStartedPayload: '={{ "" }}' }, /The Get Started button has no payload/],
	];
	for (const [what, parameters, message] of cases) {
		it(what, async () => {
			const run = await setOnMessenger(parameters);
			assertItemError(run.error, 0, message);
			expect(fake().requests.length).toBe(0);
		});
	}

	it('Continue On Fail: the bad item fails, the good one is set', async () => {
		const items = [{ json: { payload: '' } }, { json: { payload: 'START' } }];
		const run = await setOnMessenger({ profileProperty: 'getStarted', getStartedPayload: '={{ $json.payload }}' }, { items, continueOnFail: true });
		assertNoError(run);
		assertErrorItem(run.items[0], 0, /no payload/);
		expect(run.items[1].json.success).toBe(true);
		expect(fake().requests.length).toBe(1);
	});
});

describe('Messenger Profile > Get and Delete', () => {
	it('Get reads the chosen properties and outputs them in the node\'s names', async () => {
		fake().state.messengerProfiles.set(PAGE_ID, {
			get_started: { payload: 'GET_STARTED' },
			greeting: [{ locale: 'default', text: 'Hi!' }],
			persistent_menu: [{ locale: 'default', composer_input_disabled: false, call_to_actions: [{ type: 'web_url', title: 'Shop', url: 'https://example.com/shop' }] }],
		});
		const run = await profileRun(MESSENGER, 'get', { profileFields: ['get_started', 'greeting', 'persistent_menu', 'whitelisted_domains'] });
		assertNoError(run);
		assertCall(fake().requests[0], { method: 'GET', path: `/${PAGE_ID}/messenger_profile`, token: PAGE_TOKEN, query: { fields: 'get_started,greeting,persistent_menu,whitelisted_domains' } });
		expect(run.items[0].json).toStrictEqual({
			platform: 'messenger',
			getStartedPayload: 'GET_STARTED',
			greetings: [{ locale: 'default', text: 'Hi!' }],
			persistentMenus: [{ locale: 'default', composerInputDisabled: false, items: [{ type: 'web_url', title: 'Shop', url: 'https://example.com/shop' }] }],
		});
	});

	it('Delete sends the fields in the body; Get Started under a menu is refused by Meta', async () => {
		fake().state.messengerProfiles.set(PAGE_ID, { get_started: { payload: 'S' }, persistent_menu: [{ locale: 'default', call_to_actions: [] }], greeting: [{ locale: 'default', text: 'Hi' }] });
		const run = await profileRun(MESSENGER, 'delete', { profileFields: ['greeting'] });
		assertNoError(run);
		assertCall(fake().requests[0], { method: 'DELETE', path: `/${PAGE_ID}/messenger_profile`, token: PAGE_TOKEN, body: { fields: ['greeting'] } });
		expect(run.items[0].json).toStrictEqual({ platform: 'messenger', deleted: ['greeting'], success: true });
		expect(pageProfile().greeting).toBeUndefined();

		const refused = await profileRun(MESSENGER, 'delete', { profileFields: ['get_started'] });
		expect(refused.error).toBeTruthy();
		expect(refused.error!.description ?? '').toMatch(/delete the persistent menu before/);
		fake().clearRequests();
		assertNoError(await profileRun(MESSENGER, 'delete', { profileFields: ['persistent_menu', 'get_started'] }));
		expect(fake().requests[0].body).toStrictEqual({ fields: ['persistent_menu', 'get_started'] });
		expect(pageProfile()).toStrictEqual({});
	});
});

describe('Messenger Profile on Instagram: ice breakers only', () => {
	const iceBreakers = { question: [{ question: 'Do you ship abroad?', payload: 'SHIPPING' }] };
	const body = { ice_breakers: [{ locale: 'default', call_to_actions: [{ question: 'Do you ship abroad?', payload: 'SHIPPING' }] }] };

	it('through the Page: platform=instagram, stored for the Instagram account', async () => {
		const run = await profileRun(INSTAGRAM_PAGE, 'set', { iceBreakers });
		assertNoError(run);
		assertProfilePost(body, { platform: 'instagram' }, INSTAGRAM_PAGE);
		expect(fake().state.messengerProfiles.get(IG_ACCOUNT_ID)).toStrictEqual(body);
		fake().clearRequests();
		const read = await profileRun(INSTAGRAM_PAGE, 'get');
		assertNoError(read);
		assertCall(fake().requests[0], { method: 'GET', path: `/${PAGE_ID}/messenger_profile`, token: PAGE_TOKEN, query: { fields: 'ice_breakers', platform: 'instagram' } });
		expect(read.items[0].json).toStrictEqual({ platform: 'instagram', iceBreakers: [{ locale: 'default', questions: [{ question: 'Do you ship abroad?', payload: 'SHIPPING' }] }] });
	});

	it('with Instagram Login: /me/messenger_profile on graph.instagram.com, no platform parameter', async () => {
		const run = await profileRun(INSTAGRAM_LOGIN, 'set', { iceBreakers });
		assertNoError(run);
		assertProfilePost(body, {}, INSTAGRAM_LOGIN);
	});

	it('a Messenger-only property reached through an expression fails before any request', async () => {
		const run = await profileRun(INSTAGRAM_PAGE, 'set', { profileProperty: '={{ "greeting" }}', greetings: { greeting: [{ locale: 'default', text: 'Hi' }] } });
		assertItemError(run.error, 0, /greeting is not available on Instagram/);
		expect(fake().requests.length).toBe(0);
		const get = await profileRun(INSTAGRAM_LOGIN, 'get', { profileFields: '={{ ["persistent_menu"] }}' });
		assertItemError(get.error, 0, /persistent_menu is not available on Instagram/);
		expect(fake().requests.length).toBe(0);
	});
});
