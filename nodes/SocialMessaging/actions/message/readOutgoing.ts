/** Reads the Send operation's parameters for one item into a unified OutgoingMessage. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { InputError } from '../../../platforms/inputError';
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

type Param = (name: string, fallback?: unknown) => unknown;

function text(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	const result = String(value).trim();
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
	const type = String(raw.type ?? 'postback');
	const title = String(raw.title ?? '');
	if (type === 'web_url') {
		const ratio = text(pick(raw, 'webviewHeightRatio', 'webview_height_ratio'));
		return {
			type,
			title,
			url: String(raw.url ?? ''),
			...(ratio ? { webviewHeightRatio: ratio as 'compact' | 'tall' | 'full' } : {}),
		};
	}
	if (type === 'phone_number' || type === 'postback') return { type, title, payload: String(raw.payload ?? '') };
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
		title: String(raw.title ?? ''),
		subtitle: text(raw.subtitle),
		imageUrl: text(pick(raw, 'imageUrl', 'image_url')),
		defaultActionUrl: text(pick(raw, 'defaultActionUrl', 'default_action_url') ?? defaultAction?.url),
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
	const raw = text(value);
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
	const hasAddress = ['street1', 'city', 'postalCode', 'state', 'country'].some((key) => text(details[key]));
	return {
		type: 'receipt',
		recipientName: String(param('receiptRecipientName', '')).trim(),
		orderNumber: String(param('receiptOrderNumber', '')).trim(),
		currency: String(param('receiptCurrency', '')).trim().toUpperCase(),
		paymentMethod: String(param('receiptPaymentMethod', '')).trim(),
		orderUrl: text(details.orderUrl),
		timestamp: epochSeconds(details.timestamp, timeZone),
		address: hasAddress
			? {
					street1: String(details.street1 ?? ''),
					street2: text(details.street2),
					city: String(details.city ?? ''),
					postalCode: String(details.postalCode ?? ''),
					state: String(details.state ?? ''),
					country: String(details.country ?? ''),
				}
			: undefined,
		summary: {
			subtotal: number(details.subtotal),
			shippingCost: number(details.shippingCost),
			totalTax: number(details.totalTax),
			totalCost: Number(param('receiptTotalCost', NaN)),
		},
		adjustments: adjustments.map((adjustment) => ({ name: String(adjustment.name ?? ''), amount: Number(adjustment.amount ?? 0) })),
		elements: items.map((item) => ({
			title: String(item.title ?? ''),
			subtitle: text(item.subtitle),
			quantity: number(item.quantity),
			price: Number(item.price ?? 0),
			currency: text(item.currency),
			imageUrl: text(pick(item, 'imageUrl', 'image_url')),
		})),
	};
}

function readTemplate(param: Param, timeZone: string): Template {
	switch (param('templateType', 'generic')) {
		case 'button':
			return {
				type: 'button',
				text: String(param('buttonTemplateText', '')),
				buttons: buttonsFrom(param('templateButtons', {})) ?? [],
			};
		case 'media': {
			const media = String(param('templateMedia', '')).trim();
			return {
				type: 'media',
				mediaType: param('templateMediaType', 'image') as 'image' | 'video',
				source: /^\d+$/.test(media) ? { attachmentId: media } : { url: media },
				buttons: buttonsFrom(param('mediaTemplateButtons', {})),
			};
		}
		case 'receipt':
			return readReceipt(param, timeZone);
		case 'product':
			return {
				type: 'product',
				productIds: String(param('productIds', ''))
					.split(',')
					.map((id) => id.trim())
					.filter(Boolean),
			};
		default:
			return readGeneric(param);
	}
}

function readQuickReplies(param: Param): QuickReply[] | undefined {
	const raw = ((param('quickReplies', {}) as IDataObject).quickReply as IDataObject[] | undefined) ?? [];
	if (raw.length === 0) return undefined;
	return raw.map((reply) => ({
		contentType: (reply.contentType ?? 'text') as QuickReply['contentType'],
		title: text(reply.title),
		payload: text(reply.payload),
		imageUrl: text(reply.imageUrl),
	}));
}

export async function readOutgoing(ctx: IExecuteFunctions, itemIndex: number): Promise<OutgoingMessage> {
	const param: Param = (name, fallback) => ctx.getNodeParameter(name, itemIndex, fallback);
	const options = param('options', {}) as IDataObject;
	const messageType = param('messageType', 'text');

	const message: OutgoingMessage = { recipient: readRecipient(ctx, itemIndex) };
	if (messageType === 'text') message.text = String(param('text', ''));
	if (messageType === 'media') message.media = await readMedia(ctx, itemIndex, options.reusable === true);
	if (messageType === 'template') message.template = readTemplate(param, ctx.getTimezone());
	if (messageType !== 'template') message.quickReplies = readQuickReplies(param);

	const messagingType = text(options.messagingType) as MessagingType | undefined;
	if (messagingType) message.messagingType = messagingType;
	// Adding the Message Tag option is a clear intent: it implies Messaging Type "Message Tag".
	if (messagingType === 'MESSAGE_TAG' || text(options.tag)) message.tag = text(options.tag) ?? 'HUMAN_AGENT';
	if (options.notificationType && options.notificationType !== 'REGULAR') {
		message.notificationType = options.notificationType as OutgoingMessage['notificationType'];
	}
	message.replyToMessageId = text(options.replyToMessageId);
	message.metadata = text(options.metadata);
	message.personaId = text(options.personaId);
	return message;
}
