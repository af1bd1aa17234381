/** Message > Get Many, Get, Send and Delete on X Direct Messages. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../platforms/core/inputError';
import { collectPages } from '../../../platforms/core/paging';
import type { OutgoingMessage, Recipient } from '../../../platforms/types';
import { includeRawOption, optionsCollection, readIncludeRaw, readLimit, returnAllFields, sendingOptions } from '../common.fields';
import { readMedia } from '../media';
import type { Operation } from '../operation';
import { toOutput } from '../output';
import { asText } from '../values';
import { readRequired, xConversationIdField, xMessageIdField } from './fields';

const getManyFields: INodeProperties[] = [
	{
		displayName: 'By',
		name: 'xMessagesBy',
		type: 'options',
		default: 'conversation',
		options: [
			{ name: 'Conversation ID', value: 'conversation' },
			{ name: 'Participant (One-to-One)', value: 'participant' },
		],
	},
	{ ...xConversationIdField, displayOptions: { show: { xMessagesBy: ['conversation'] } } },
	{
		displayName: 'Participant ID',
		name: 'xParticipantId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2244994945',
		description: 'X user ID of the other person of the one-to-one conversation',
		displayOptions: { show: { xMessagesBy: ['participant'] } },
	},
	...returnAllFields(),
	optionsCollection([includeRawOption]),
];

export const xGetManyMessages: Operation = {
	description: getManyFields,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const byParticipant = ctx.getNodeParameter('xMessagesBy', itemIndex, 'conversation') === 'participant';
		const id = byParticipant
			? readRequired(ctx, itemIndex, 'xParticipantId', 'Participant ID')
			: readRequired(ctx, itemIndex, 'xConversationId', 'Conversation ID');
		const limit = readLimit(ctx, itemIndex);
		const pageSize = Math.min(limit, platform.limits.maxPageSize);
		const messages = await collectPages(
			(cursor) => platform.listMessages(byParticipant ? '' : id, { pageSize, cursor, withUserId: byParticipant ? id : undefined }),
			limit,
		);
		const includeRaw = readIncludeRaw(ctx, itemIndex);
		return messages.map((message) => toOutput(message, includeRaw));
	},
};

export const xGetMessage: Operation = {
	description: [xMessageIdField, optionsCollection([includeRawOption])],
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const id = readRequired(ctx, itemIndex, 'xMessageId', 'Message ID');
		return toOutput(await platform.getMessage(id), readIncludeRaw(ctx, itemIndex));
	},
};

export const xDeleteMessage: Operation = {
	description: [xMessageIdField],
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const id = readRequired(ctx, itemIndex, 'xMessageId', 'Message ID');
		if (!platform.deleteMessage) throw new InputError(`${platform.name} has no message deletion`, 'Delete Message exists on X only.');
		return await platform.deleteMessage(id);
	},
};

const sendFields: INodeProperties[] = [
	{
		displayName: 'Send To',
		name: 'xSendTo',
		type: 'options',
		default: 'userId',
		options: [
			{ name: 'User ID', value: 'userId', description: 'One person, by X user ID' },
			{ name: 'Username', value: 'username', description: 'One person, by @username (looked up first)' },
			{ name: 'Existing Conversation', value: 'conversation', description: 'A one-to-one or group conversation, by its ID' },
			{ name: 'New Group', value: 'group', description: 'Start a group conversation with 2 to 49 people' },
		],
	},
	{
		displayName: 'User ID',
		name: 'xRecipientId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2244994945',
		displayOptions: { show: { xSendTo: ['userId'] } },
	},
	{
		displayName: 'Username',
		name: 'xUsername',
		type: 'string',
		default: '',
		placeholder: 'e.g. @XDevelopers',
		displayOptions: { show: { xSendTo: ['username'] } },
	},
	{ ...xConversationIdField, displayOptions: { show: { xSendTo: ['conversation'] } } },
	{
		displayName: 'Participant IDs',
		name: 'xParticipantIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2244994945, 783214',
		description: 'X user IDs of the 2 to 49 other people, separated by commas',
		displayOptions: { show: { xSendTo: ['group'] } },
	},
	{
		displayName: 'Text',
		name: 'xText',
		type: 'string',
		default: '',
		typeOptions: { rows: 4 },
		description: 'Up to 10,000 characters. May be empty when the message carries media.',
	},
	{
		displayName: 'Media',
		name: 'mediaSource',
		type: 'options',
		default: 'none',
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'From URL', value: 'url' },
			{ name: 'From Binary File', value: 'binary' },
		],
		description: 'One image, GIF or video, uploaded to X before the message goes out',
	},
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		default: 'image',
		options: [
			{ name: 'Image or GIF', value: 'image', description: 'JPEG, PNG, WebP up to 5 MB; GIF up to 15 MB' },
			{ name: 'Video', value: 'video', description: 'MP4 or MOV up to 512 MB, uploaded in chunks' },
		],
		displayOptions: { hide: { mediaSource: ['none'] } },
	},
	{
		displayName: 'Media URL',
		name: 'mediaUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/photo.jpg',
		displayOptions: { show: { mediaSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the input binary field containing the file',
		displayOptions: { show: { mediaSource: ['binary'] } },
	},
	optionsCollection([includeRawOption, ...sendingOptions.filter((option) => option.name === 'sendsPerSecond')]),
];

function readRecipient(ctx: Parameters<Operation['execute']>[0]['ctx'], itemIndex: number): Recipient {
	switch (ctx.getNodeParameter('xSendTo', itemIndex, 'userId')) {
		case 'username':
			return { username: readRequired(ctx, itemIndex, 'xUsername', 'Username') };
		case 'conversation':
			return { conversationId: readRequired(ctx, itemIndex, 'xConversationId', 'Conversation ID') };
		case 'group':
			return {
				participantIds: readRequired(ctx, itemIndex, 'xParticipantIds', 'Participant IDs')
					.split(/[\s,]+/)
					.filter(Boolean),
			};
		default:
			return { id: readRequired(ctx, itemIndex, 'xRecipientId', 'User ID') };
	}
}

export const xSendMessage: Operation = {
	description: sendFields,
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const message: OutgoingMessage = { recipient: readRecipient(ctx, itemIndex) };
		const text = asText(ctx.getNodeParameter('xText', itemIndex, ''), 'Text');
		if (text) message.text = text;
		if (ctx.getNodeParameter('mediaSource', itemIndex, 'none') !== 'none') message.media = await readMedia(ctx, itemIndex, false);
		platform.validateOutgoing(message);
		const result = await platform.send(message);
		const json: IDataObject = { platform: result.platform, messageId: result.messageId, conversationId: result.conversationId, sentAt: result.sentAt };
		if (result.recipientId) json.recipientId = result.recipientId;
		if (readIncludeRaw(ctx, itemIndex)) json.raw = result.raw;
		return json;
	},
};
