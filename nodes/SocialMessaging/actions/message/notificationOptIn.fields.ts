/** Message > Send, Template "Notification Opt-In Request (Messenger)": its fields and reader. */
import type { INodeProperties } from 'n8n-workflow';

import type { NotificationOptInTemplate } from '../../../platforms/types';

const show = { show: { messageType: ['template'], templateType: ['notificationOptIn'], platform: ['messenger'] } };

export const notificationOptInFields: INodeProperties[] = [
	{
		displayName: 'Title',
		name: 'optInTitle',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Updates on your order',
		description: 'What the person will be notified about, at most 65 characters',
		displayOptions: show,
	},
	{
		displayName: 'Payload',
		name: 'optInPayload',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. ORDER_42',
		description: 'Comes back with the opt-in in your trigger, next to the token (e.g. the order it is about)',
		displayOptions: show,
	},
	{
		displayName: 'Frequency',
		name: 'optInFrequency',
		type: 'options',
		default: 'WEEKLY',
		description: 'At most one notification per token and period',
		options: [
			{ name: 'Daily', value: 'DAILY' },
			{ name: 'Weekly', value: 'WEEKLY' },
			{ name: 'Monthly', value: 'MONTHLY' },
		],
		displayOptions: show,
	},
	{
		displayName: 'Opt-In Details',
		name: 'optInDetails',
		type: 'collection',
		placeholder: 'Add detail',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Ask Again When Expired',
				name: 'reoptin',
				type: 'boolean',
				default: true,
				description: 'Whether Messenger asks the person to opt in again when the token expires',
			},
			{
				displayName: 'Button Text',
				name: 'ctaText',
				type: 'options',
				default: 'ALLOW',
				options: [
					{ name: 'Allow Messages', value: 'ALLOW' },
					{ name: 'Get Messages', value: 'GET' },
					{ name: 'Get Updates', value: 'FREQUENCY' },
					{ name: 'Opt In to Messages', value: 'OPT_IN' },
					{ name: 'Sign Up for Messages', value: 'SIGN_UP' },
				],
			},
			{ displayName: 'Image URL', name: 'imageUrl', type: 'string', default: '', placeholder: 'e.g. https://example.com/parcel.png' },
			{
				displayName: 'Time Zone',
				name: 'timezone',
				type: 'string',
				default: '',
				placeholder: 'e.g. Europe/Berlin',
				description: 'The time zone the frequency counts in (IANA name); empty: the person\'s',
			},
		],
	},
];

type Param = (name: string, fallback?: unknown) => unknown;

export function readNotificationOptIn(param: Param): NotificationOptInTemplate {
	const details = (param('optInDetails', {}) ?? {}) as Record<string, unknown>;
	const text = (value: unknown) => (value === undefined || value === null ? '' : String(value).trim());
	const template: NotificationOptInTemplate = {
		type: 'notificationOptIn',
		title: text(param('optInTitle', '')),
		payload: text(param('optInPayload', '')),
		frequency: text(param('optInFrequency', 'WEEKLY')).toUpperCase(),
	};
	if (text(details.imageUrl)) template.imageUrl = text(details.imageUrl);
	if (text(details.timezone)) template.timezone = text(details.timezone);
	if (text(details.ctaText)) template.ctaText = text(details.ctaText);
	if (details.reoptin !== undefined) template.reoptin = details.reoptin === true;
	return template;
}
