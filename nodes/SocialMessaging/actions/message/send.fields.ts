/** The fields of Message > Send: content type, text, media, templates, quick replies and options. */
import type { INodeProperties } from 'n8n-workflow';

import { personaLocator } from '../persona/persona.fields';
import { customPayloadFields } from './customPayload.fields';
import { newMessageFields } from './newMessages.fields';
import { notificationOptInFields } from './notificationOptIn.fields';
import { batchRequestsOption, includeRawOption, optionsCollection, recipientFields, sendingOptions } from '../common.fields';
import { mediaFields } from '../media';

const messengerOnly = { show: { platform: ['messenger'] } };

export function buttonsField(name: string, displayName = 'Buttons'): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		placeholder: 'Add Button',
		typeOptions: { multipleValues: true, maxAllowedFields: 3 },
		default: {},
		description: 'Up to 3 buttons',
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Action',
						name: 'type',
						type: 'options',
						default: 'postback',
						description: 'What a tap on the button does',
						options: [
							{ name: 'Call a Phone Number (Messenger)', value: 'phone_number' },
							{ name: 'Open a URL', value: 'web_url' },
							{ name: 'Send a Postback', value: 'postback', description: 'Sends the payload back to your trigger' },
						],
					},
					{
						displayName: 'Label',
						name: 'title',
						type: 'string',
						default: '',
						description: 'Text on the button, at most 20 characters',
					},
					{
						displayName: 'Payload',
						name: 'payload',
						type: 'string',
						default: '',
						placeholder: 'e.g. BOOK_DEMO',
						description: 'Data sent back to your trigger when tapped',
						displayOptions: { show: { type: ['postback'] } },
					},
					{
						displayName: 'Phone Number',
						name: 'payload',
						type: 'string',
						default: '',
						placeholder: 'e.g. +15551234567',
						displayOptions: { show: { type: ['phone_number'] } },
					},
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://example.com/order/42',
						displayOptions: { show: { type: ['web_url'] } },
					},
					{
						displayName: 'Webview Height',
						name: 'webviewHeightRatio',
						type: 'options',
						default: 'full',
						options: [
							{ name: 'Compact', value: 'compact' },
							{ name: 'Full', value: 'full' },
							{ name: 'Tall', value: 'tall' },
						],
						displayOptions: { show: { type: ['web_url'] } },
					},
				],
			},
		],
	};
}

const textFields: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 4 },
		description: 'Messenger: fewer than 2000 characters. Instagram: at most 1000 bytes.',
		displayOptions: { show: { messageType: ['text'] } },
	},
];

const genericTemplateFields: INodeProperties[] = [
	{
		displayName: 'Define Elements',
		name: 'elementsInputMode',
		type: 'options',
		default: 'fields',
		options: [
			{ name: 'Using Fields Below', value: 'fields' },
			{ name: 'Using JSON', value: 'json', description: 'An array of elements, e.g. mapped from a product list' },
		],
		displayOptions: { show: { messageType: ['template'], templateType: ['generic'] } },
	},
	{
		displayName: 'Elements',
		name: 'elements',
		type: 'fixedCollection',
		placeholder: 'Add Element',
		typeOptions: { multipleValues: true, maxAllowedFields: 10 },
		default: {},
		description: 'Up to 10 cards shown as a carousel',
		displayOptions: { show: { messageType: ['template'], templateType: ['generic'], elementsInputMode: ['fields'] } },
		options: [
			{
				displayName: 'Element',
				name: 'element',
				values: [
					{ displayName: 'Title', name: 'title', type: 'string', default: '', description: 'At most 80 characters' },
					{ displayName: 'Subtitle', name: 'subtitle', type: 'string', default: '', description: 'At most 80 characters' },
					{ displayName: 'Image URL', name: 'imageUrl', type: 'string', default: '' },
					{
						displayName: 'Default Action URL',
						name: 'defaultActionUrl',
						type: 'string',
						default: '',
						description: 'Page opened when the card itself is tapped',
					},
					buttonsField('buttons'),
				],
			},
		],
	},
	{
		displayName: 'Elements (JSON)',
		name: 'elementsJson',
		type: 'json',
		default: '[\n  {\n    "title": "Spring collection",\n    "subtitle": "New arrivals",\n    "image_url": "https://example.com/spring.jpg",\n    "buttons": [{ "type": "postback", "title": "Show me", "payload": "SPRING" }]\n  }\n]',
		description: 'Array of elements with title, subtitle, image URL (image_url or imageUrl), default action URL and buttons (type, title, and URL or payload)',
		displayOptions: { show: { messageType: ['template'], templateType: ['generic'], elementsInputMode: ['json'] } },
	},
	{
		displayName: 'Image Aspect Ratio',
		name: 'imageAspectRatio',
		type: 'options',
		default: 'horizontal',
		options: [
			{ name: 'Horizontal (1.91:1)', value: 'horizontal' },
			{ name: 'Square (1:1)', value: 'square' },
		],
		displayOptions: { show: { messageType: ['template'], templateType: ['generic'] } },
	},
];

const buttonTemplateFields: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'buttonTemplateText',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 3 },
		description: 'Text shown above the buttons, at most 640 characters',
		displayOptions: { show: { messageType: ['template'], templateType: ['button'] } },
	},
	{
		...buttonsField('templateButtons'),
		description: '1 to 3 buttons',
		displayOptions: { show: { messageType: ['template'], templateType: ['button'] } },
	},
];

const mediaTemplateFields: INodeProperties[] = [
	{
		displayName: 'Media Type',
		name: 'templateMediaType',
		type: 'options',
		default: 'image',
		options: [
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
		displayOptions: { show: { messageType: ['template'], templateType: ['media'] } },
	},
	{
		displayName: 'Media URL or Attachment ID',
		name: 'templateMedia',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://www.facebook.com/yourpage/videos/123 or 1601472827243653',
		description: 'A Facebook URL of the image or video, or an attachment ID from Attachment > Upload (digits only)',
		displayOptions: { show: { messageType: ['template'], templateType: ['media'] } },
	},
	{
		...buttonsField('mediaTemplateButtons'),
		displayOptions: { show: { messageType: ['template'], templateType: ['media'] } },
	},
];

const showReceipt = { show: { messageType: ['template'], templateType: ['receipt'] } };

const receiptTemplateFields: INodeProperties[] = [
	{ displayName: 'Recipient Name', name: 'receiptRecipientName', type: 'string', default: '', required: true, displayOptions: showReceipt },
	{ displayName: 'Order Number', name: 'receiptOrderNumber', type: 'string', default: '', required: true, placeholder: 'e.g. 12345678902', displayOptions: showReceipt },
	{ displayName: 'Currency', name: 'receiptCurrency', type: 'string', default: 'USD', required: true, placeholder: 'e.g. USD', description: 'Three-letter ISO 4217 code', displayOptions: showReceipt },
	{ displayName: 'Payment Method', name: 'receiptPaymentMethod', type: 'string', default: '', required: true, placeholder: 'e.g. Visa 2345', displayOptions: showReceipt },
	{ displayName: 'Total Cost', name: 'receiptTotalCost', type: 'number', default: 0, required: true, typeOptions: { numberPrecision: 2 }, displayOptions: showReceipt },
	{
		displayName: 'Define Items',
		name: 'receiptItemsInputMode',
		type: 'options',
		default: 'fields',
		options: [
			{ name: 'Using Fields Below', value: 'fields' },
			{ name: 'Using JSON', value: 'json', description: 'An array of items, e.g. mapped from an order' },
		],
		displayOptions: showReceipt,
	},
	{
		displayName: 'Items',
		name: 'receiptItems',
		type: 'fixedCollection',
		placeholder: 'Add Item',
		typeOptions: { multipleValues: true },
		default: {},
		displayOptions: { show: { ...showReceipt.show, receiptItemsInputMode: ['fields'] } },
		options: [
			{
				displayName: 'Item',
				name: 'item',
				values: [
					{ displayName: 'Currency', name: 'currency', type: 'string', default: '', placeholder: 'e.g. USD', description: 'Leave empty to use the receipt currency' },
					{ displayName: 'Description', name: 'subtitle', type: 'string', default: '', placeholder: 'e.g. 100% cotton, size M' },
					{ displayName: 'Image URL', name: 'imageUrl', type: 'string', default: '' },
					{ displayName: 'Item Name', name: 'title', type: 'string', default: '', placeholder: 'e.g. Classic T-Shirt' },
					{ displayName: 'Price', name: 'price', type: 'number', default: 0, typeOptions: { numberPrecision: 2 } },
					{ displayName: 'Quantity', name: 'quantity', type: 'number', default: 1 },
				],
			},
		],
	},
	{
		displayName: 'Items (JSON)',
		name: 'receiptItemsJson',
		type: 'json',
		default: '[\n  { "title": "Classic T-Shirt", "quantity": 2, "price": 25, "currency": "USD" }\n]',
		description: 'Array of items with title, subtitle, quantity, price, currency and image_url (or imageUrl)',
		displayOptions: { show: { ...showReceipt.show, receiptItemsInputMode: ['json'] } },
	},
	{
		displayName: 'Receipt Details',
		name: 'receiptDetails',
		type: 'collection',
		placeholder: 'Add detail',
		default: {},
		displayOptions: showReceipt,
		options: [
			{ displayName: 'City', name: 'city', type: 'string', default: '' },
			{ displayName: 'Country', name: 'country', type: 'string', default: '', placeholder: 'e.g. US' },
			{ displayName: 'Order URL', name: 'orderUrl', type: 'string', default: '' },
			{ displayName: 'Postal Code', name: 'postalCode', type: 'string', default: '' },
			{ displayName: 'Shipping Cost', name: 'shippingCost', type: 'number', default: 0, typeOptions: { numberPrecision: 2 } },
			{ displayName: 'State', name: 'state', type: 'string', default: '' },
			{ displayName: 'Street 1', name: 'street1', type: 'string', default: '' },
			{ displayName: 'Street 2', name: 'street2', type: 'string', default: '' },
			{ displayName: 'Subtotal', name: 'subtotal', type: 'number', default: 0, typeOptions: { numberPrecision: 2 } },
			{
				displayName: 'Timestamp',
				name: 'timestamp',
				type: 'dateTime',
				default: '',
				description: 'When the order was placed',
			},
			{ displayName: 'Total Tax', name: 'totalTax', type: 'number', default: 0, typeOptions: { numberPrecision: 2 } },
		],
	},
	{
		displayName: 'Adjustments',
		name: 'receiptAdjustments',
		type: 'fixedCollection',
		placeholder: 'Add Adjustment',
		typeOptions: { multipleValues: true },
		default: {},
		description: 'Discounts or credits shown on the receipt',
		displayOptions: showReceipt,
		options: [
			{
				displayName: 'Adjustment',
				name: 'adjustment',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. New customer discount' },
					{ displayName: 'Amount', name: 'amount', type: 'number', default: 0, typeOptions: { numberPrecision: 2 } },
				],
			},
		],
	},
];

const productTemplateFields: INodeProperties[] = [
	{
		displayName: 'Product IDs',
		name: 'productIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 4340000000000000, 4340000000000001',
		description: 'Comma-separated catalog product IDs, at most 10',
		displayOptions: { show: { messageType: ['template'], templateType: ['product'] } },
	},
];

/** The label of the quick reply that asks for the next page (node side; Meta knows no such thing). */
export const DEFAULT_NEXT_PAGE_LABEL = 'More';

const quickRepliesInputFields: INodeProperties[] = [
	{
		displayName: 'Define Quick Replies',
		name: 'quickRepliesInputMode',
		type: 'options',
		default: 'fields',
		displayOptions: { show: { messageType: ['text', 'media'] } },
		options: [
			{ name: 'Using Fields Below', value: 'fields' },
			{ name: 'Using JSON', value: 'json', description: 'An array of quick replies, e.g. mapped from a product list' },
		],
	},
	{
		displayName: 'Quick Replies (JSON)',
		name: 'quickRepliesJson',
		type: 'json',
		default: '[]',
		description: 'E.g. [{"title": "Basic", "payload": "PLAN_BASIC"}]. Past 13 they are paged behind a next page quick reply.',
		displayOptions: { show: { messageType: ['text', 'media'], quickRepliesInputMode: ['json'] } },
	},
];

const quickRepliesField: INodeProperties = {
	displayName: 'Quick Replies',
	name: 'quickReplies',
	type: 'fixedCollection',
	placeholder: 'Add Quick Reply',
	typeOptions: { multipleValues: true },
	default: {},
	description: 'Buttons shown above the composer; a tap sends the payload back to your trigger. Past 13 they are paged behind a next page quick reply that the trigger answers.',
	displayOptions: { show: { messageType: ['text', 'media'], quickRepliesInputMode: ['fields'] } },
	options: [
		{
			displayName: 'Quick Reply',
			name: 'quickReply',
			values: [
				{
					displayName: 'Type',
					name: 'contentType',
					type: 'options',
					default: 'text',
					options: [
						{ name: 'Text', value: 'text' },
						{ name: 'Ask for Email (Messenger)', value: 'user_email' },
						{ name: 'Ask for Phone Number (Messenger)', value: 'user_phone_number' },
					],
				},
				{
					displayName: 'Title',
					name: 'title',
					type: 'string',
					default: '',
					description: 'Button label, at most 20 characters',
					displayOptions: { show: { contentType: ['text'] } },
				},
				{
					displayName: 'Payload',
					name: 'payload',
					type: 'string',
					default: '',
					placeholder: 'e.g. PRICING',
					displayOptions: { show: { contentType: ['text'] } },
				},
				{
					displayName: 'Image URL',
					name: 'imageUrl',
					type: 'string',
					default: '',
					description: 'Small icon shown next to the title (Messenger)',
					displayOptions: { show: { contentType: ['text'] } },
				},
			],
		},
	],
};

const sendOptions = optionsCollection([
	{
		displayName: 'Messaging Type',
		name: 'messagingType',
		type: 'options',
		default: 'RESPONSE',
		description: 'Why the message is sent; outside the 24-hour window choose Message Tag',
		options: [
			{ name: 'Response', value: 'RESPONSE', description: 'A reply within 24 hours of the person\'s last message' },
			{ name: 'Update', value: 'UPDATE', description: 'A proactive message within the 24-hour window' },
			{ name: 'Message Tag', value: 'MESSAGE_TAG', description: 'Outside the 24-hour window, with an approved tag' },
			{ name: 'Utility', value: 'UTILITY', description: 'Messenger utility message (for example order updates)' },
		],
	},
	{
		displayName: 'Message Tag',
		name: 'tag',
		type: 'options',
		default: 'HUMAN_AGENT',
		description: 'Needed with Messaging Type "Message Tag". HUMAN_AGENT allows replies up to 7 days after the person\'s last message.',
		options: [
			{ name: 'Account Update (Messenger)', value: 'ACCOUNT_UPDATE' },
			{ name: 'Confirmed Event Update (Messenger)', value: 'CONFIRMED_EVENT_UPDATE' },
			{ name: 'Customer Feedback (Messenger)', value: 'CUSTOMER_FEEDBACK' },
			{ name: 'Human Agent', value: 'HUMAN_AGENT' },
			{ name: 'Post Purchase Update (Messenger)', value: 'POST_PURCHASE_UPDATE' },
		],
	},
	{
		displayName: 'Notification Type',
		name: 'notificationType',
		type: 'options',
		default: 'REGULAR',
		description: 'Messenger only: how the phone notifies the person',
		options: [
			{ name: 'Regular (Sound or Vibration)', value: 'REGULAR' },
			{ name: 'Silent Push (On-Screen Only)', value: 'SILENT_PUSH' },
			{ name: 'No Push', value: 'NO_PUSH' },
		],
	},
	{
		displayName: 'Reply To Message ID',
		name: 'replyToMessageId',
		type: 'string',
		default: '',
		placeholder: 'e.g. m_JH6o-yS83JoxWmQaLrmgSaHwGtfTgQ',
		description: 'Quote this message in the reply',
	},
	{
		displayName: 'Metadata',
		name: 'metadata',
		type: 'string',
		default: '',
		description: 'Up to 999 characters that come back with the echo of this message, e.g. to mark messages your workflow sent',
	},
	{ ...personaLocator, displayName: 'Persona', required: false, description: 'Messenger only: send as this persona (a named agent with its own picture)' },
	{
		displayName: 'Save Media for Reuse',
		name: 'reusable',
		type: 'boolean',
		default: false,
		description: 'Whether Meta should keep the media (sent by URL or as a file) for 90 days; it is uploaded first and the output carries its attachment ID',
	},
	{
		displayName: 'Automation Disclosure',
		name: 'automationDisclosure',
		type: 'string',
		default: '',
		placeholder: 'e.g. You are chatting with an automated assistant.',
		description: 'Where law asks a bot to say it is one (e.g. California, Germany): sent as a text message before this one when the person has had no automated message from this workflow for 24 hours, or after a human handed the thread back. The trigger\'s auto-response shares the record.',
	},
	{
		displayName: 'Next Page Label',
		name: 'nextPageLabel',
		type: 'string',
		default: DEFAULT_NEXT_PAGE_LABEL,
		description: 'Title of the quick reply that shows the next page when there are more than 13 quick replies or 10 cards (at most 20 characters). The Social Messaging Trigger of this workflow sends the page when it is tapped.',
	},
	includeRawOption,
	batchRequestsOption,
	...sendingOptions,
]);

export const sendFields: INodeProperties[] = [
	...recipientFields(),
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		default: 'text',
		options: [
			{ name: 'Custom Payload (JSON)', value: 'custom', description: 'A Send API message object, for what the node has no fields for' },
			{ name: 'Media', value: 'media', description: 'An image, audio, video or file' },
			{ name: 'Several Images (Instagram)', value: 'images', description: 'Up to 10 images in one message' },
			{ name: 'Sticker', value: 'sticker', description: 'Messenger: a sticker by ID; Instagram: the heart sticker' },
			{ name: 'Template', value: 'template', description: 'Cards, buttons, a receipt or products' },
			{ name: 'Text', value: 'text' },
		],
	},
	...textFields,
	...customPayloadFields,
	...newMessageFields,
	...mediaFields({ savedAttachments: true, show: { messageType: ['media'] } }),
	{
		displayName: 'Template Type',
		name: 'templateType',
		type: 'options',
		default: 'generic',
		displayOptions: { show: { messageType: ['template'] } },
		options: [
			{ name: 'Button', value: 'button', description: 'Text with up to 3 buttons' },
			{ name: 'Generic', value: 'generic', description: 'Up to 10 cards with image, title, subtitle and buttons' },
			{ name: 'Image Grid (Messenger)', value: 'imageGrid', description: '2 to 6 images, each may open a URL' },
			{ name: 'Media (Messenger)', value: 'media', description: 'An image or video with buttons' },
			{ name: 'Notification Opt-In Request (Messenger)', value: 'notificationOptIn', description: 'Ask for permission to send notification messages later' },
			{ name: 'Product', value: 'product', description: 'Products from your catalog' },
			{ name: 'Receipt (Messenger)', value: 'receipt', description: 'An order confirmation' },
		],
	},
	...genericTemplateFields,
	...buttonTemplateFields,
	...mediaTemplateFields.map((field) => ({ ...field, displayOptions: { show: { ...field.displayOptions?.show, ...messengerOnly.show } } })),
	...receiptTemplateFields.map((field) => ({ ...field, displayOptions: { show: { ...field.displayOptions?.show, ...messengerOnly.show } } })),
	...productTemplateFields,
	...notificationOptInFields,
	...quickRepliesInputFields,
	quickRepliesField,
	sendOptions,
];
