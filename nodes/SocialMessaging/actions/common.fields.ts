/** Fields several operations share, and the readers that turn them into unified values. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Recipient } from '../../platforms/types';
import { readId, requireId, type IdField } from './values';

export const conversationLocator: INodeProperties = {
	displayName: 'Conversation',
	name: 'conversationId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The conversation to read',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchConversations', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. t_10161117434308444',
		},
	],
};

export const conversationId: IdField = {
	parameter: 'conversationId',
	label: 'Conversation',
	noun: 'conversation ID',
	source: 'a conversation from the list or its ID (e.g. t_10161117434308444)',
	locator: true,
};

export function readConversationId(ctx: IExecuteFunctions, itemIndex: number): string {
	return readId(ctx, itemIndex, conversationId);
}

/** The Message ID field of Message > Get, React and Unreact. */
export const messageIdField: INodeProperties = {
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. m_JH6o-yS83JoxWmQaLrmgSaHwGtfTgQ',
	description: 'ID of the message (mid), from a conversation or a trigger event',
};

export function readMessageId(ctx: IExecuteFunctions, itemIndex: number): string {
	return readId(ctx, itemIndex, {
		parameter: 'messageId',
		label: 'Message ID',
		noun: 'message ID',
		source: 'the mid of a message, from a conversation or a trigger event (e.g. m_JH6o-yS83JoxWmQaLrmgSaHwGtfTgQ)',
	});
}

export const recipientTypeField: INodeProperties = {
	displayName: 'Send To',
	name: 'recipientType',
	type: 'options',
	default: 'user',
	description: 'How the recipient is identified',
	options: [
		{ name: 'Comment Author (Private Reply)', value: 'comment', description: 'The author of a comment on your post, by comment ID' },
		{ name: 'Notification Token', value: 'notificationToken', description: 'Messenger only: a token from a notification messages opt-in' },
		{ name: 'Post Author (Private Reply)', value: 'post', description: 'Messenger only: the author of a visitor post on your Page, by post ID' },
		{ name: 'User', value: 'user', description: 'A person, by the ID the platform gave them for your Page or account (PSID / IGSID)' },
		{ name: 'User Ref (Checkbox Plugin)', value: 'userRef', description: 'Messenger only: a user_ref from the checkbox plugin or Chat plugin' },
	],
};

export const recipientLocator: INodeProperties = {
	displayName: 'Recipient',
	name: 'recipientId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The person to message, from your recent conversations or by their page-scoped ID',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchRecipients', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 7101149746568522',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'A user ID is a number, e.g. 7101149746568522' },
				},
			],
		},
	],
};

export const recipientHandleField: INodeProperties = {
	displayName: 'Recipient Handle',
	name: 'recipientHandle',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 17900000000000000',
	description: 'The comment ID, post ID, user ref or notification token, matching Send To',
};

/** The recipient fields as they appear on every operation that messages someone. */
export function recipientFields(): INodeProperties[] {
	return [
		recipientTypeField,
		{ ...recipientLocator, displayOptions: { show: { recipientType: ['user'] } } },
		{ ...recipientHandleField, displayOptions: { hide: { recipientType: ['user'] } } },
	];
}

/**
 * Recipients already read in a run (the run's context is the key): a send reads its recipient twice,
 * for its order key and for the message, and the expression behind it is the costliest part of an item
 * (measured 2026-12-07 in a CPU profile of 4,000 sends: about a tenth of the run's CPU). A failed read
 * is not kept, so the send reports it.
 */
const recipientsRead = new WeakMap<IExecuteFunctions, Map<number, Recipient>>();

export function readRecipient(ctx: IExecuteFunctions, itemIndex: number): Recipient {
	let read = recipientsRead.get(ctx);
	if (!read) recipientsRead.set(ctx, (read = new Map()));
	const known = read.get(itemIndex);
	if (known) return known;
	const recipient = readRecipientFields(ctx, itemIndex);
	read.set(itemIndex, recipient);
	return recipient;
}

function readRecipientFields(ctx: IExecuteFunctions, itemIndex: number): Recipient {
	const type = ctx.getNodeParameter('recipientType', itemIndex, 'user') as string;
	// An expression that resolves to nothing for one item must fail that item, not reach the platform.
	if (type === 'user') {
		const id = requireId(ctx.getNodeParameter('recipientId', itemIndex, '', { extractValue: true }), {
			label: 'Recipient',
			noun: 'recipient ID',
			source: 'a PSID or IGSID from a conversation or trigger event',
		});
		return { id };
	}
	const handle = requireId(ctx.getNodeParameter('recipientHandle', itemIndex, ''), {
		label: 'Recipient Handle',
		noun: 'recipient handle',
		source: 'the comment ID, post ID, user ref or notification token that matches Send To',
	});
	switch (type) {
		case 'comment':
			return { commentId: handle };
		case 'post':
			return { postId: handle };
		case 'userRef':
			return { userRef: handle };
		default:
			return { notificationToken: handle };
	}
}

/**
 * The person an item writes to, as an ordering key (see Operation.orderKey): platform and recipient, or
 * undefined when the recipient cannot be read.
 */
export function recipientOrderKey(ctx: IExecuteFunctions, itemIndex: number): string | undefined {
	try {
		const platform = ctx.getNodeParameter('platform', itemIndex, '') as string;
		return `${platform}:${JSON.stringify(readRecipient(ctx, itemIndex))}`;
	} catch {
		return undefined;
	}
}

export function returnAllFields(maxLimit?: number): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1, ...(maxLimit ? { maxValue: maxLimit } : {}) },
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number {
	return ctx.getNodeParameter('returnAll', itemIndex, false) ? Infinity : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
}

export const includeRawOption: INodeProperties = {
	displayName: 'Include Raw Platform Data',
	name: 'includeRaw',
	type: 'boolean',
	default: false,
	description: 'Whether to add the platform\'s own response under "raw", next to the unified fields',
};

export function readIncludeRaw(ctx: IExecuteFunctions, itemIndex: number): boolean {
	return ctx.getNodeParameter('options.includeRaw', itemIndex, false) as boolean;
}

export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options,
	};
}

/** Options of every write operation: how fast and how many at once. */
export const sendingOptions: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description:
			'How many requests run at the same time. 0 uses a default that can reach the platform\'s rate limit (Meta: 100 at a time; with batch requests: 2).',
	},
	{
		displayName: 'Max Sends per Second',
		name: 'sendsPerSecond',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description:
			'0 (recommended): send as fast as Concurrency allows, and slow down to just under the platform\'s limit as soon as it signals one (Meta: 285 of its 300 per second per Page; audio and video always 9 of 10). A number keeps to that pace from the first message, e.g. when several workflows send for the same Page.',
	},
	{
		displayName: 'Request Timeout (Seconds)',
		name: 'requestTimeout',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'Give up on a request that got no answer after this many seconds. 0 uses n8n\'s own limit. A send that timed out may still have been delivered: its item fails with "outcome unknown".',
	},
	{
		displayName: 'Retry When Outcome Is Unknown',
		name: 'retryUnknownOutcome',
		type: 'boolean',
		default: false,
		description:
			'Whether to repeat a request after a timeout, a dropped connection, a 5xx or an unreadable answer, although the platform may have carried it out already. Off (recommended): such an item fails saying its outcome is unknown and is never repeated, so nobody gets a message twice. On: fewer failed items, but a person may get the same message twice.',
	},
];

export const batchRequestsOption: INodeProperties = {
	displayName: 'Use Batch Requests',
	name: 'batchRequests',
	type: 'boolean',
	default: false,
	description:
		'Whether to send up to 50 messages per HTTP request (Meta Graph batch API; Meta Graph API credentials only, Instagram Login sends one by one). Each message still counts toward Meta\'s rate limits and gets its own result or error.',
};
