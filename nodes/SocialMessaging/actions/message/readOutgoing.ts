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

function parseJsonArray(value: unknown, field: string): IDataObject[] {
	const parsed = typeof value === 'string' ? jsonParse<unknown>(value, { errorMessage: `${field} is not valid JSON` }) : value;
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

function readReceipt(param: Param): ReceiptTemplate {
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
		timestamp: text(details.timestamp),
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

function readTemplate(param: Param): Template {
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
			return readReceipt(param);
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
	if (messageType === 'template') message.template = readTemplate(param);
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
