/** Fields of Messenger Profile > Set / Get / Delete, and the readers that turn them into the unified model. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import type { MenuItem, MessengerProfile, MessengerProfileField, PersistentMenu } from '../../../platforms/accountTypes';
import { InputError } from '../../../platforms/core/inputError';
import { toButton } from '../message/readOutgoing';

const onMessenger = { platform: ['messenger'] };
const onInstagram = { platform: ['instagram'] };
const showSet = (property: string) => ({ show: { profileProperty: [property] } });

const localeField = (name: string, property: string): INodeProperties => ({
	displayName: 'Locale',
	name,
	type: 'string',
	default: 'default',
	placeholder: 'e.g. default or de_DE',
	description: '"default" for everyone, or a locale such as de_DE for people whose Facebook language it is. Set "default" first.',
	displayOptions: showSet(property),
});

/** Which property Set changes: Messenger has five, Instagram only ice breakers. */
export const setFields: INodeProperties[] = [
	{
		displayName: 'Property',
		name: 'profileProperty',
		type: 'options',
		default: 'getStarted',
		displayOptions: { show: onMessenger },
		options: [
			{ name: 'Get Started Button', value: 'getStarted', description: 'The button a person taps to start; its payload comes back as a postback' },
			{ name: 'Greeting', value: 'greeting', description: 'The welcome text shown before the conversation starts' },
			{ name: 'Ice Breakers', value: 'iceBreakers', description: 'Up to 4 questions a person can tap to start' },
			{ name: 'Persistent Menu', value: 'persistentMenu', description: 'The menu next to the composer' },
			{ name: 'Whitelisted Domains', value: 'whitelistedDomains', description: 'Domains webviews and plugins may open' },
		],
	},
	{
		displayName: 'Property',
		name: 'profileProperty',
		type: 'options',
		default: 'iceBreakers',
		displayOptions: { show: onInstagram },
		options: [{ name: 'Ice Breakers', value: 'iceBreakers', description: 'Up to 4 questions a person can tap to start' }],
	},
	{
		displayName: 'Payload',
		name: 'getStartedPayload',
		type: 'string',
		default: 'GET_STARTED',
		required: true,
		description: 'Sent to your trigger as a postback when someone taps Get Started (at most 1000 characters)',
		displayOptions: showSet('getStarted'),
	},
	{
		displayName: 'Greetings',
		name: 'greetings',
		type: 'fixedCollection',
		placeholder: 'Add Greeting',
		typeOptions: { multipleValues: true },
		default: { greeting: [{ locale: 'default', text: 'Hi {{user_first_name}}, welcome!' }] },
		description: 'One text per locale, at most 160 characters. {{user_first_name}}, {{user_last_name}} and {{user_full_name}} are filled in by Messenger: type them as they are, not as an expression.',
		displayOptions: showSet('greeting'),
		options: [
			{
				displayName: 'Greeting',
				name: 'greeting',
				values: [
					{ displayName: 'Locale', name: 'locale', type: 'string', default: 'default', placeholder: 'e.g. default or de_DE' },
					{ displayName: 'Text', name: 'text', type: 'string', default: '', placeholder: 'e.g. Hi {{user_first_name}}, how can we help?' },
				],
			},
		],
	},
	{
		displayName: 'Define Menu',
		name: 'menuInputMode',
		type: 'options',
		default: 'fields',
		options: [
			{ name: 'Using Fields Below', value: 'fields', description: 'One locale' },
			{ name: 'Using JSON', value: 'json', description: 'Meta\'s persistent_menu array, several locales at once' },
		],
		displayOptions: showSet('persistentMenu'),
	},
	{ ...localeField('menuLocale', 'persistentMenu'), displayOptions: { show: { profileProperty: ['persistentMenu'], menuInputMode: ['fields'] } } },
	{
		displayName: 'Disable Typing',
		name: 'composerInputDisabled',
		type: 'boolean',
		default: false,
		description: 'Whether people can only use the menu and buttons, not type (composer_input_disabled)',
		displayOptions: { show: { profileProperty: ['persistentMenu'], menuInputMode: ['fields'] } },
	},
	{
		displayName: 'Menu Items',
		name: 'menuItems',
		type: 'fixedCollection',
		placeholder: 'Add Item',
		typeOptions: { multipleValues: true, maxAllowedFields: 20 },
		default: {},
		description: 'Up to 20 items; titles at most 30 characters. Meta needs the Get Started button set first.',
		displayOptions: { show: { profileProperty: ['persistentMenu'], menuInputMode: ['fields'] } },
		options: [
			{
				displayName: 'Item',
				name: 'item',
				values: [
					{
						displayName: 'Action',
						name: 'type',
						type: 'options',
						default: 'postback',
						options: [
							{ name: 'Send a Postback', value: 'postback' },
							{ name: 'Open a URL', value: 'web_url' },
						],
					},
					{ displayName: 'Title', name: 'title', type: 'string', default: '' },
					{ displayName: 'Payload', name: 'payload', type: 'string', default: '', displayOptions: { show: { type: ['postback'] } } },
					{ displayName: 'URL', name: 'url', type: 'string', default: '', placeholder: 'e.g. https://example.com/help', displayOptions: { show: { type: ['web_url'] } } },
				],
			},
		],
	},
	{
		displayName: 'Persistent Menu (JSON)',
		name: 'persistentMenuJson',
		type: 'json',
		default:
			'[\n  {\n    "locale": "default",\n    "composer_input_disabled": false,\n    "call_to_actions": [\n      { "type": "postback", "title": "Talk to an agent", "payload": "AGENT" },\n      { "type": "web_url", "title": "Shop now", "url": "https://example.com/shop" }\n    ]\n  }\n]',
		description: 'An array of menus with locale, composer_input_disabled and call_to_actions (postback and web_url items)',
		displayOptions: { show: { profileProperty: ['persistentMenu'], menuInputMode: ['json'] } },
	},
	localeField('iceBreakerLocale', 'iceBreakers'),
	{
		displayName: 'Questions',
		name: 'iceBreakers',
		type: 'fixedCollection',
		placeholder: 'Add Question',
		typeOptions: { multipleValues: true, maxAllowedFields: 4 },
		default: {},
		description: 'Up to 4 questions (at most 80 characters each); a tap sends the payload to your trigger as a postback',
		displayOptions: showSet('iceBreakers'),
		options: [
			{
				displayName: 'Question',
				name: 'question',
				values: [
					{ displayName: 'Question', name: 'question', type: 'string', default: '', placeholder: 'e.g. Where is my order?' },
					{ displayName: 'Payload', name: 'payload', type: 'string', default: '', placeholder: 'e.g. ORDER_STATUS' },
				],
			},
		],
	},
	{
		displayName: 'Domains',
		name: 'whitelistedDomains',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://shop.example.com, https://help.example.com',
		description: 'Comma-separated https:// domains, at most 50',
		displayOptions: showSet('whitelistedDomains'),
	},
];

/** The properties Get and Delete work on. */
export function propertyListFields(verb: string): INodeProperties[] {
	return [
		{
			displayName: 'Properties',
			name: 'profileFields',
			type: 'multiOptions',
			default: ['get_started', 'greeting', 'persistent_menu', 'ice_breakers', 'whitelisted_domains'],
			description: `The properties to ${verb}`,
			displayOptions: { show: onMessenger },
			options: [
				{ name: 'Get Started Button', value: 'get_started' },
				{ name: 'Greeting', value: 'greeting' },
				{ name: 'Ice Breakers', value: 'ice_breakers' },
				{ name: 'Persistent Menu', value: 'persistent_menu' },
				{ name: 'Whitelisted Domains', value: 'whitelisted_domains' },
			],
		},
		{
			displayName: 'Properties',
			name: 'profileFields',
			type: 'multiOptions',
			default: ['ice_breakers'],
			description: `The properties to ${verb} (Instagram has ice breakers only)`,
			displayOptions: { show: onInstagram },
			options: [{ name: 'Ice Breakers', value: 'ice_breakers' }],
		},
	];
}

export function readProfileFields(ctx: IExecuteFunctions, itemIndex: number, platform: string): MessengerProfileField[] {
	const fallback = platform === 'instagram' ? ['ice_breakers'] : ['get_started', 'greeting', 'persistent_menu', 'ice_breakers', 'whitelisted_domains'];
	const value = ctx.getNodeParameter('profileFields', itemIndex, fallback) as unknown;
	const list = Array.isArray(value) ? value : String(value ?? '').split(',');
	return list.map((field) => String(field).trim()).filter(Boolean) as MessengerProfileField[];
}

function collectionEntries(value: unknown, key: string): IDataObject[] {
	return (((value as IDataObject | undefined)?.[key] as IDataObject[] | undefined) ?? []);
}

function toMenuItem(raw: IDataObject, where: string): MenuItem {
	const button = toButton(raw);
	if (button.type === 'phone_number') throw new InputError(`${where} is a call button`, 'Persistent menu items open a URL or send a postback.');
	return button;
}

function parseMenusJson(value: unknown): PersistentMenu[] {
	let parsed: unknown = value;
	let syntaxError: string | undefined;
	if (typeof value === 'string') {
		try {
			parsed = jsonParse<unknown>(value);
		} catch (error) {
			syntaxError = error instanceof Error ? error.message : String(error);
		}
	}
	if (syntaxError !== undefined) {
		throw new InputError(`Persistent Menu (JSON) is not valid JSON: ${syntaxError}`, 'Check quotes, commas and brackets; the field holds an array such as [{"locale": "default", "call_to_actions": [...]}].');
	}
	if (!Array.isArray(parsed)) throw new InputError('Persistent Menu (JSON) must be an array', 'Wrap the menus in [ ], one per locale.');
	return (parsed as IDataObject[]).map((menu, index) => ({
		locale: String(menu.locale ?? 'default'),
		composerInputDisabled: (menu.composer_input_disabled ?? menu.composerInputDisabled) === true,
		items: (((menu.call_to_actions ?? menu.items) as IDataObject[] | undefined) ?? []).map((item, position) =>
			toMenuItem(item, `Menu ${index + 1}, item ${position + 1}`),
		),
	}));
}

export function readProfileToSet(ctx: IExecuteFunctions, itemIndex: number, platform: string): MessengerProfile {
	const param = (name: string, fallback?: unknown) => ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	const property = String(param('profileProperty', platform === 'instagram' ? 'iceBreakers' : 'getStarted'));
	const text = (value: unknown) => String(value ?? '').trim();
	switch (property) {
		case 'getStarted':
			return { getStartedPayload: text(param('getStartedPayload', '')) };
		case 'greeting':
			return {
				greetings: collectionEntries(param('greetings', {}), 'greeting').map((entry) => ({ locale: text(entry.locale) || 'default', text: String(entry.text ?? '') })),
			};
		case 'persistentMenu':
			if (param('menuInputMode', 'fields') === 'json') return { persistentMenus: parseMenusJson(param('persistentMenuJson', '[]')) };
			return {
				persistentMenus: [
					{
						locale: text(param('menuLocale', 'default')) || 'default',
						composerInputDisabled: param('composerInputDisabled', false) === true,
						items: collectionEntries(param('menuItems', {}), 'item').map((item, index) => toMenuItem(item, `Item ${index + 1}`)),
					},
				],
			};
		case 'iceBreakers':
			return {
				iceBreakers: [
					{
						locale: text(param('iceBreakerLocale', 'default')) || 'default',
						questions: collectionEntries(param('iceBreakers', {}), 'question').map((entry) => ({ question: String(entry.question ?? ''), payload: text(entry.payload) })),
					},
				],
			};
		case 'whitelistedDomains':
			return { whitelistedDomains: String(param('whitelistedDomains', '')).split(',').map((domain) => domain.trim()).filter(Boolean) };
		default:
			throw new InputError(`Unknown property "${property}"`, 'Use getStarted, greeting, persistentMenu, iceBreakers or whitelistedDomains.');
	}
}
