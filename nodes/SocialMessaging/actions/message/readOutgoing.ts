/** Reads the Send operation's parameters for one item into a unified OutgoingMessage. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { InputError } from '../../../platforms/core/inputError';
import type {
	Button,
	GenericElement,
	MessagingType,
	OutgoingMessage,
	QuickReply,
	ReceiptTemplate,
	Template,
} from '../../../platforms/types';
import { readRecipient } from '../common.fields';
import { readMedia } from '../media';
import { personaIdOf } from '../persona/persona.fields';
import { asText } from '../values';
import { readCustomPayload } from './customPayload.fields';
import { readImageGrid, readImages, readSticker } from './newMessages.fields';
import { readNotificationOptIn } from './notificationOptIn.fields';

type Param = (name: string, fallback?: unknown) => unknown;

/** An optional text field: trimmed, or undefined when empty. */
function text(value: unknown, field: string): string | undefined {
	const result = asText(value, field).trim();
	return result === '' ? undefined : result;
}

function number(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const result = Number(value);
	return Number.isFinite(result) ? result : undefined;
}

/** Accepts both the node's camelCase keys and Meta's snake_case keys, so JSON copied from Meta's docs works. */
function pick(source: IDataObject, ...keys: string[]): unknown {
	for (const key of keys) if (source[key] !== undefined && source[key] !== '') return source[key];
	return undefined;
}

export function toButton(raw: IDataObject): Button {
	const type = raw.type === undefined || raw.type === null ? 'postback' : asText(raw.type, 'Button type');
	const title = asText(raw.title, 'Button title');
	if (type === 'web_url') {
		const ratio = text(pick(raw, 'webviewHeightRatio', 'webview_height_ratio'), 'Button webview height');
		return {
			type,
			title,
			url: asText(raw.url, 'Button URL').trim(),
			...(ratio ? { webviewHeightRatio: ratio as 'compact' | 'tall' | 'full' } : {}),
		};
	}
	if (type === 'phone_number' || type === 'postback') return { type, title, payload: asText(raw.payload, 'Button payload') };
	throw new InputError(`Unknown button type "${type}"`, 'Use web_url, postback or phone_number.');
}

function buttonsFrom(collection: unknown): Button[] | undefined {
	const raw = (collection as IDataObject | undefined)?.button;
	if (!Array.isArray(raw)) return Array.isArray(collection) ? (collection as IDataObject[]).map(toButton) : undefined;
	return (raw as IDataObject[]).map(toButton);
}

export function toGenericElement(raw: IDataObject): GenericElement {
	const defaultAction = raw.default_action as IDataObject | undefined;
	return {
		title: asText(raw.title, 'Element title'),
		subtitle: text(raw.subtitle, 'Element subtitle'),
		imageUrl: text(pick(raw, 'imageUrl', 'image_url'), 'Element image URL'),
		defaultActionUrl: text(pick(raw, 'defaultActionUrl', 'default_action_url') ?? defaultAction?.url, 'Element default action URL'),
		buttons: buttonsFrom(raw.buttons),
	};
}

/** Offset of `timeZone` from UTC at `instant`, in ms (e.g. +7200000 for Berlin in summer). */
function zoneOffsetMs(instant: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(instant));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
	return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The receipt's order time as epoch seconds (Meta's format). Accepts epoch seconds or milliseconds, and
 * dates; a date without a UTC offset (what n8n's date picker stores) is read in the workflow's time zone.
 */
function epochSeconds(value: unknown, timeZone: string): string | undefined {
	if (value instanceof Date) return String(Math.floor(value.getTime() / 1000));
	// Dates from expressions such as {{ $now }} (Luxon) write themselves out as ISO 8601.
	const written = typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
	const raw = text(written, 'Receipt Details > Timestamp');
	if (!raw) return undefined;
	if (/^\d+$/.test(raw)) return raw.length > 11 ? String(Math.floor(Number(raw) / 1000)) : raw;
	const floating = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.test(raw);
	if (!floating) {
		const ms = Date.parse(raw);
		if (Number.isNaN(ms)) {
			throw new InputError(`Receipt timestamp "${raw}" is not a date`, 'Pick a date, or give an ISO 8601 date such as 2024-05-01T09:00:00Z or epoch seconds.');
		}
		return String(Math.floor(ms / 1000));
	}
	const asUtc = Date.parse(`${raw.replace(' ', 'T')}${raw.length === 10 ? 'T00:00:00' : ''}Z`);
	let ms = asUtc - zoneOffsetMs(asUtc, timeZone);
	// Around a DST change the offset at the result can differ from the first guess.
	ms = asUtc - zoneOffsetMs(ms, timeZone);
	return String(Math.floor(ms / 1000));
}

function parseJsonArray(value: unknown, field: string): IDataObject[] {
	let parsed = value;
	let syntaxError: string | undefined;
	if (typeof value === 'string') {
		try {
			parsed = jsonParse<unknown>(value);
		} catch (error) {
			syntaxError = error instanceof Error ? error.message : String(error);
		}
	}
	if (syntaxError !== undefined) {
		throw new InputError(
			`${field} is not valid JSON: ${syntaxError}`,
			'Check quotes, commas and brackets; the field must hold a JSON array such as [{"title": "…"}]. To map it from a previous node, use an expression like {{ JSON.stringify($json.items) }}.',
		);
	}
	if (!Array.isArray(parsed)) {
		throw new InputError(`${field} must be a JSON array`, 'Wrap the objects in [ ], e.g. [{"title": "…"}].');
	}
	return parsed as IDataObject[];
}

function readGeneric(param: Param): Template {
	const elementsRaw =
		param('elementsInputMode', 'fields') === 'json'
			? parseJsonArray(param('elementsJson', '[]'), 'Elements (JSON)')
			: (((param('elements', {}) as IDataObject).element as IDataObject[] | undefined) ?? []);
	return {
		type: 'generic',
		elements: elementsRaw.map(toGenericElement),
		imageAspectRatio: param('imageAspectRatio', 'horizontal') as 'horizontal' | 'square',
	};
}

function readReceipt(param: Param, timeZone: string): ReceiptTemplate {
	const details = param('receiptDetails', {}) as IDataObject;
	const items =
		param('receiptItemsInputMode', 'fields') === 'json'
			? parseJsonArray(param('receiptItemsJson', '[]'), 'Items (JSON)')
			: (((param('receiptItems', {}) as IDataObject).item as IDataObject[] | undefined) ?? []);
	const adjustments = ((param('receiptAdjustments', {}) as IDataObject).adjustment as IDataObject[] | undefined) ?? [];
	const detail = (key: string, label: string) => asText(details[key], `Receipt Details > ${label}`).trim();
	const address = {
		street1: detail('street1', 'Street 1'),
		street2: detail('street2', 'Street 2') || undefined,
		city: detail('city', 'City'),
		postalCode: detail('postalCode', 'Postal Code'),
		state: detail('state', 'State'),
		country: detail('country', 'Country'),
	};
	const hasAddress = [address.street1, address.city, address.postalCode, address.state, address.country].some(Boolean);
	return {
		type: 'receipt',
		recipientName: asText(param('receiptRecipientName', ''), 'Recipient Name').trim(),
		orderNumber: asText(param('receiptOrderNumber', ''), 'Order Number').trim(),
		currency: asText(param('receiptCurrency', ''), 'Currency').trim().toUpperCase(),
		paymentMethod: asText(param('receiptPaymentMethod', ''), 'Payment Method').trim(),
		orderUrl: detail('orderUrl', 'Order URL') || undefined,
		timestamp: epochSeconds(details.timestamp, timeZone),
		address: hasAddress ? address : undefined,
		summary: {
			subtotal: number(details.subtotal),
			shippingCost: number(details.shippingCost),
			totalTax: number(details.totalTax),
			totalCost: Number(param('receiptTotalCost', NaN)),
		},
		adjustments: adjustments.map((adjustment) => ({ name: asText(adjustment.name, 'Adjustment name'), amount: Number(adjustment.amount ?? 0) })),
		elements: items.map((item) => ({
			title: asText(item.title, 'Item name'),
			subtitle: text(item.subtitle, 'Item description'),
			quantity: number(item.quantity),
			price: Number(item.price ?? 0),
			currency: text(item.currency, 'Item currency'),
			imageUrl: text(pick(item, 'imageUrl', 'image_url'), 'Item image URL'),
		})),
	};
}

function readTemplate(param: Param, timeZone: string): Template {
	switch (param('templateType', 'generic')) {
		case 'button':
			return {
				type: 'button',
				text: asText(param('buttonTemplateText', ''), 'Text'),
				buttons: buttonsFrom(param('templateButtons', {})) ?? [],
			};
		case 'media': {
			const media = asText(param('templateMedia', ''), 'Media URL or Attachment ID').trim();
			return {
				type: 'media',
				mediaType: param('templateMediaType', 'image') as 'image' | 'video',
				source: /^\d+$/.test(media) ? { attachmentId: media } : { url: media },
				buttons: buttonsFrom(param('mediaTemplateButtons', {})),
			};
		}
		case 'receipt':
			return readReceipt(param, timeZone);
		case 'notificationOptIn':
			return readNotificationOptIn(param);
		case 'imageGrid':
			return readImageGrid(param);
		case 'product':
			return {
				type: 'product',
				productIds: productIdList(param('productIds', ''))
					.map((id) => id.trim())
					.filter(Boolean),
			};
		default:
			return readGeneric(param);
	}
}

/** Comma-separated IDs, or a list of them from an expression. */
function productIdList(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map((id) => asText(id, 'Product IDs')) : asText(value, 'Product IDs').split(',');
	return parts.map((id) => id.trim()).filter(Boolean);
}

function readQuickReplies(param: Param): QuickReply[] | undefined {
	const raw =
		param('quickRepliesInputMode', 'fields') === 'json'
			? parseJsonArray(param('quickRepliesJson', '[]'), 'Quick Replies (JSON)')
			: (((param('quickReplies', {}) as IDataObject).quickReply as IDataObject[] | undefined) ?? []);
	if (raw.length === 0) return undefined;
	return raw.map((reply) => ({
		contentType: (pick(reply, 'contentType', 'content_type') ?? 'text') as QuickReply['contentType'],
		title: text(reply.title, 'Quick reply title'),
		payload: text(reply.payload, 'Quick reply payload'),
		imageUrl: text(pick(reply, 'imageUrl', 'image_url'), 'Quick reply image URL'),
	}));
}

export async function readOutgoing(ctx: IExecuteFunctions, itemIndex: number): Promise<OutgoingMessage> {
	const param: Param = (name, fallback) => ctx.getNodeParameter(name, itemIndex, fallback);
	const options = param('options', {}) as IDataObject;
	const messageType = param('messageType', 'text');

	const message: OutgoingMessage = { recipient: readRecipient(ctx, itemIndex) };
	if (messageType === 'text') message.text = asText(param('text', ''), 'Text');
	if (messageType === 'media') message.media = await readMedia(ctx, itemIndex, options.reusable === true);
	if (messageType === 'template') message.template = readTemplate(param, ctx.getTimezone());
	if (messageType === 'custom') message.rawMessage = readCustomPayload(param('customPayload', '{}'));
	if (messageType === 'sticker') message.sticker = readSticker(param, String(param('platform', 'messenger')));
	if (messageType === 'images') message.images = readImages(param);
	if (messageType === 'text' || messageType === 'media') message.quickReplies = readQuickReplies(param);

	const messagingType = text(options.messagingType, 'Messaging Type') as MessagingType | undefined;
	if (messagingType) message.messagingType = messagingType;
	const tag = text(options.tag, 'Message Tag');
	// Adding the Message Tag option is a clear intent: it implies Messaging Type "Message Tag".
	if (messagingType === 'MESSAGE_TAG' || tag) message.tag = tag ?? 'HUMAN_AGENT';
	if (options.notificationType && options.notificationType !== 'REGULAR') {
		message.notificationType = options.notificationType as OutgoingMessage['notificationType'];
	}
	message.replyToMessageId = text(options.replyToMessageId, 'Reply To Message ID');
	message.metadata = text(options.metadata, 'Metadata');
	message.personaId = personaIdOf(options.personaId);
	return message;
}
