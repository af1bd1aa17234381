/** The trigger's fields: platform, events, auto-response and options. */
import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperty } from '../platforms/core/credentialType';
import { platformField } from '../shared/platformField';

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Activating this workflow registers its URL with your Meta app and subscribes the Page or Instagram account (a Meta app has one webhook URL per platform); on X, registers it with the X Activity API and subscribes the account to its direct messages, reads and typing as Trigger On asks (X triggers on Message, Read and Typing); with an Ayrshare credential, as the profile\'s messages webhook (one per profile, for Messenger, Instagram and X).',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	platformField,
	authenticationProperty({ show: { platform: ['x'] } }),
	{
		displayName: 'Trigger On',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: ['message', 'quick_reply', 'postback'],
		description: 'Which events start the workflow',
		displayOptions: { hide: { platform: ['x'] } },
		options: [
			{ name: 'Delivery (Messenger)', value: 'delivery', description: 'Your messages were delivered' },
			{ name: 'Handover', value: 'handover', description: 'Thread control passed between apps, and events while another app controls the thread' },
			{ name: 'Message', value: 'message', description: 'A person sent a text, media or sticker' },
			{ name: 'Message Edit (Messenger)', value: 'edit', description: 'A person edited a message' },
			{ name: 'Opt-In (Messenger)', value: 'optin', description: 'A person opted in, e.g. to notification messages' },
			{ name: 'Postback', value: 'postback', description: 'A person tapped a postback button or the Get Started button' },
			{ name: 'Quick Reply', value: 'quick_reply', description: 'A person tapped a quick reply' },
			{ name: 'Reaction', value: 'reaction', description: 'A person reacted to a message or removed a reaction' },
			{ name: 'Read', value: 'read', description: 'A person read your messages' },
			{ name: 'Referral', value: 'referral', description: 'A person came through an m.me or ig.me link, an ad or a plugin' },
		],
	},
	{
		// X has fewer events, and one Meta has not (typing): its own list under the same name.
		displayName: 'Trigger On',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: ['message'],
		description: 'Which events start the workflow. On an X API credential each one is its own X Activity API subscription.',
		displayOptions: { show: { platform: ['x'] } },
		options: [
			{ name: 'Message', value: 'message', description: 'A person sent a direct message (dm.received)' },
			{ name: 'Read', value: 'read', description: 'A person read your messages (dm.read)' },
			{ name: 'Typing', value: 'typing', description: 'A person is typing a message to you (dm.indicate_typing)' },
		],
	},
	{
		displayName: 'Auto-Respond',
		name: 'autoResponse',
		type: 'boolean',
		default: false,
		description: 'Whether to answer each person automatically, at most once per wait period',
	},
	{
		displayName: 'Auto-Response Text',
		name: 'autoResponseText',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. Thanks for your message! We usually reply within an hour.',
		displayOptions: { show: { autoResponse: [true] } },
	},
	{
		displayName: 'Automation Disclosure',
		name: 'autoResponseDisclosure',
		type: 'string',
		default: '',
		placeholder: 'e.g. You are chatting with an automated assistant.',
		description: 'Put in front of the auto-response at the start of a thread (no automated message from this workflow for 24 hours) and after a human hands the thread back (Trigger On: Handover). Shared with the Social Messaging node\'s Automation Disclosure option.',
		displayOptions: { show: { autoResponse: [true] } },
	},
	{
		displayName: 'Wait Before Responding Again (Seconds)',
		name: 'autoResponseWaitSeconds',
		type: 'number',
		default: 3600,
		typeOptions: { minValue: 0 },
		description: 'The same person gets the auto-response again only after this many seconds',
		displayOptions: { show: { autoResponse: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Download Attachments',
				name: 'downloadAttachments',
				type: 'boolean',
				default: false,
				description: 'Whether to download the files of received X messages as binary data (attachment_0, attachment_1, …; up to 25 MB each). A failed download keeps the item, with the reason on the attachment.',
				displayOptions: { show: { '/platform': ['x'] } },
			},
			{
				displayName: 'Include Echoes',
				name: 'includeEchoes',
				type: 'boolean',
				default: false,
				description: 'Whether to also emit the messages your Page or account sent (echoes)',
			},
			{
				displayName: 'Include Raw Event',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to add the platform\'s original event under "raw"',
			},
			{
				displayName: 'Only Page or Account ID',
				name: 'accountId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 104123456789012',
				description: 'Only emit events for this Page or Instagram account, when one app serves several',
			},
			{
				displayName: 'Replace Existing Webhook',
				name: 'replaceExistingWebhook',
				type: 'boolean',
				default: false,
				description: 'Whether to move the app\'s webhook to this trigger when it points at another URL. The other workflow then stops receiving events.',
			},
		],
	},
];
