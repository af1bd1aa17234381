/**
 * Pure builders for Meta's Send API and Attachment Upload API, and the documented limits they enforce
 * before anything is sent. No HTTP here: the client sends what these functions build.
 */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { hasVisibleText, isHttpUrl, requireWholeCharacters } from '../core/text';
import { validateRawMessage } from './customPayload';
import { buildImageGridPayload, buildNewContent, validateImageGrid, validateNewContent } from './newMessages';
import { buildOptInPayload, validateOptInTemplate } from './notificationOptIn';
import type {
	Button,
	GenericElement,
	MediaSource,
	OutgoingMedia,
	OutgoingMessage,
	QuickReply,
	Recipient,
	Template,
} from '../types';

type MetaPlatformName = 'messenger' | 'instagram';

const MB = 1024 * 1024;

export const META_LIMITS = {
	/** Messenger: "fewer than 2000 characters". */
	messengerTextMaxChars: 1999,
	/** Instagram counts UTF-8 bytes, not characters: an emoji uses 4 of the 1000. */
	instagramTextMaxBytes: 1000,
	maxQuickReplies: 13,
	quickReplyTitleMaxChars: 20,
	quickReplyPayloadMaxChars: 1000,
	genericMaxElements: 10,
	elementTextMaxChars: 80,
	maxButtons: 3,
	buttonTitleMaxChars: 20,
	buttonTemplateTextMaxChars: 640,
	productMaxElements: 10,
	receiptMaxElements: 100,
	metadataMaxChars: 999,
	maxAttachmentBytes: 25 * MB,
	instagramImageMaxBytes: 8 * MB,
} as const;

export const MESSENGER_TAGS = [
	'HUMAN_AGENT',
	'ACCOUNT_UPDATE',
	'CONFIRMED_EVENT_UPDATE',
	'POST_PURCHASE_UPDATE',
	'CUSTOMER_FEEDBACK',
];
export const INSTAGRAM_TAGS = ['HUMAN_AGENT'];

const MESSAGING_TYPES: string[] = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG', 'UTILITY'];

/** File types Instagram accepts per attachment type (Meta's Instagram messaging reference). */
const INSTAGRAM_MIME_TYPES: Record<string, string[]> = {
	image: ['image/png', 'image/jpeg', 'image/jpg'],
	audio: ['audio/aac', 'audio/mp4', 'audio/x-m4a', 'audio/m4a', 'audio/wav', 'audio/x-wav', 'audio/wave'],
	video: ['video/mp4', 'video/ogg', 'video/x-msvideo', 'video/avi', 'video/quicktime', 'video/webm'],
	file: ['application/pdf'],
};

const hasText = hasVisibleText;

function characters(text: string): number {
	return [...text].length;
}

function formatBytes(bytes: number): string {
	return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${bytes} bytes`;
}

function platformLabel(platform: MetaPlatformName): string {
	return platform === 'instagram' ? 'Instagram' : 'Messenger';
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** An optional URL field: empty, or a full http(s) URL. */
function validateOptionalUrl(url: string | undefined, what: string): void {
	if (url && !isHttpUrl(url.trim())) {
		throw new InputError(`${what} "${url}" is not an http(s) URL`, 'Give a full public URL such as https://example.com/picture.png, or leave it empty.');
	}
}

export function validateText(text: string, platform: MetaPlatformName): void {
	requireWholeCharacters(text, 'Text');
	if (platform === 'instagram') {
		const bytes = Buffer.byteLength(text, 'utf8');
		if (bytes > META_LIMITS.instagramTextMaxBytes) {
			throw new InputError(
				`Text is too long for Instagram: ${bytes} bytes, the limit is ${META_LIMITS.instagramTextMaxBytes} bytes`,
				'Instagram counts UTF-8 bytes (emoji and accented letters take 2-4 bytes each). Shorten the text or split it over several messages.',
			);
		}
		return;
	}
	const length = characters(text);
	if (length > META_LIMITS.messengerTextMaxChars) {
		throw new InputError(
			`Text is too long for Messenger: ${length} characters, it must be fewer than 2000`,
			'Shorten the text or split it over several messages.',
		);
	}
}

function validateButtons(buttons: Button[] | undefined, where: string, platform: MetaPlatformName, min = 0): void {
	const count = buttons?.length ?? 0;
	if (count < min || count > META_LIMITS.maxButtons) {
		throw new InputError(
			`${where} has ${count} buttons; it needs ${min === 0 ? 'at most' : `${min} to`} ${META_LIMITS.maxButtons}`,
			'Remove buttons, or spread them over several templates.',
		);
	}
	for (const [index, button] of (buttons ?? []).entries()) {
		const label = `${where}, button ${index + 1}`;
		if (!hasText(button.title)) throw new InputError(`${label} has no title`, 'Give every button a title.');
		if (characters(button.title) > META_LIMITS.buttonTitleMaxChars) {
			throw new InputError(
				`${label}: title "${button.title}" is longer than ${META_LIMITS.buttonTitleMaxChars} characters`,
				'Shorten the button title.',
			);
		}
		if (button.type === 'web_url' && !isHttpUrl(button.url)) {
			throw new InputError(`${label}: "${button.url}" is not an http(s) URL`, 'URL buttons need a full URL such as https://example.com/order/42.');
		}
		if (button.type === 'phone_number' && platform === 'instagram') {
			// Instagram's generic and button templates only document URL and postback buttons.
			throw new InputError(`${label}: Instagram does not support call buttons`, 'Instagram templates take only "Open a URL" and "Send a Postback" buttons; link to a contact page instead, or send this template on Messenger.');
		}
		if (button.type === 'phone_number' && !/^\+\d{6,15}$/.test(button.payload.replace(/[\s()-]/g, ''))) {
			throw new InputError(
				`${label}: "${button.payload}" is not a phone number in international format`,
				'Call buttons need a number that starts with + and the country code, e.g. +15551234567.',
			);
		}
		if (button.type === 'postback' && !hasText(button.payload)) {
			throw new InputError(`${label} has no payload`, 'Postback buttons need a payload; it comes back to your trigger when the person taps the button.');
		}
	}
}

function validateElementText(value: string | undefined, what: string): void {
	if (value && characters(value) > META_LIMITS.elementTextMaxChars) {
		throw new InputError(
			`${what} is ${characters(value)} characters long; the limit is ${META_LIMITS.elementTextMaxChars}`,
			'Shorten it; Messenger and Instagram cut nothing for you, they reject the message.',
		);
	}
}

function validateGenericElements(elements: GenericElement[], platform: MetaPlatformName): void {
	if (elements.length === 0 || elements.length > META_LIMITS.genericMaxElements) {
		throw new InputError(
			`A generic template needs 1 to ${META_LIMITS.genericMaxElements} elements; this one has ${elements.length}`,
			'Cards past 10 are paged by the Send operation (a "More" quick reply, answered by the trigger); give at least one card.',
		);
	}
	elements.forEach((element, index) => {
		const where = `Element ${index + 1}`;
		if (!hasText(element.title)) throw new InputError(`${where} has no title`, 'Every generic template element needs a title.');
		validateElementText(element.title, `${where} title`);
		validateElementText(element.subtitle, `${where} subtitle`);
		validateOptionalUrl(element.imageUrl, `${where} image URL`);
		validateOptionalUrl(element.defaultActionUrl, `${where} default action URL`);
		validateButtons(element.buttons, where, platform);
	});
}

function validateTemplate(template: Template, platform: MetaPlatformName): void {
	if (platform === 'instagram' && (template.type === 'receipt' || template.type === 'media')) {
		throw new InputError(
			`Instagram does not support the ${template.type} template`,
			'Use a generic or button template on Instagram, or send this template on Messenger.',
		);
	}
	switch (template.type) {
		case 'generic':
			validateGenericElements(template.elements, platform);
			return;
		case 'button':
			if (!hasText(template.text)) throw new InputError('The button template has no text', 'Add the text shown above the buttons (spaces and line breaks alone do not count).');
			if (characters(template.text) > META_LIMITS.buttonTemplateTextMaxChars) {
				throw new InputError(
					`Button template text is ${characters(template.text)} characters long; the limit is ${META_LIMITS.buttonTemplateTextMaxChars}`,
					'Shorten the text, or send the long part as a text message first.',
				);
			}
			validateButtons(template.buttons, 'The button template', platform, 1);
			return;
		case 'media': {
			const source = 'url' in template.source ? template.source.url : template.source.attachmentId;
			if (!hasText(source)) {
				throw new InputError(
					'No media URL or attachment ID for the media template',
					'Media URL or Attachment ID is empty; give a Facebook URL of the image or video, or an attachment ID from Attachment > Upload. If it is an expression, check that every item has the field it reads.',
				);
			}
			validateButtons(template.buttons, 'The media template', platform);
			return;
		}
		case 'product':
			if (template.productIds.length === 0 || template.productIds.length > META_LIMITS.productMaxElements) {
				throw new InputError(
					`A product template needs 1 to ${META_LIMITS.productMaxElements} product IDs; this one has ${template.productIds.length}`,
					'List the catalog product IDs to show, at most 10 per message.',
				);
			}
			return;
		case 'notificationOptIn':
			validateOptInTemplate(template, platform);
			return;
		case 'imageGrid':
			validateImageGrid(template, platform);
			return;
		case 'receipt': {
			const missing = (
				[
					['Recipient Name', template.recipientName],
					['Order Number', template.orderNumber],
					['Currency', template.currency],
					['Payment Method', template.paymentMethod],
				] as const
			)
				.filter(([, value]) => !hasText(value))
				.map(([name]) => name);
			if (missing.length) {
				throw new InputError(`The receipt template is missing: ${missing.join(', ')}`, 'Fill these fields; Meta requires them on every receipt.');
			}
			if (!Number.isFinite(template.summary.totalCost)) {
				throw new InputError('The receipt template has no total cost', 'Set Summary > Total Cost to a number, e.g. 56.14.');
			}
			if (!/^[A-Z]{3}$/.test(template.currency)) {
				throw new InputError(`"${template.currency}" is not a currency code`, 'Use a three-letter ISO 4217 code such as USD or EUR.');
			}
			if ((template.elements?.length ?? 0) > META_LIMITS.receiptMaxElements) {
				throw new InputError(`A receipt may list at most ${META_LIMITS.receiptMaxElements} items`, 'Group items or link to the full order.');
			}
			// Meta's receipt template reference marks each item's title (its name) as required.
			template.elements?.forEach((element, index) => {
				if (!hasText(element.title)) throw new InputError(`Receipt item ${index + 1} has no name`, 'Give every item of the receipt an Item Name (title).');
			});
			return;
		}
	}
}

function validateQuickReplies(quickReplies: QuickReply[], platform: MetaPlatformName): void {
	if (quickReplies.length > META_LIMITS.maxQuickReplies) {
		throw new InputError(
			`${quickReplies.length} quick replies is too many; the limit is ${META_LIMITS.maxQuickReplies}`,
			'The Send operation pages quick replies past 13 (a "More" quick reply, answered by the trigger); elsewhere keep at most 13.',
		);
	}
	quickReplies.forEach((reply, index) => {
		const where = `Quick reply ${index + 1}`;
		if (platform === 'instagram' && reply.contentType !== 'text') {
			throw new InputError(`${where}: Instagram only supports text quick replies`, 'Meta turned off phone number and email quick replies on Instagram on 2026-10-05: remove them, or ask in the text and let the person type it.');
		}
		if (reply.contentType !== 'text') return;
		if (!hasText(reply.title)) throw new InputError(`${where} has no title`, 'Text quick replies need a title (the button label).');
		requireWholeCharacters(reply.title, `${where} title`);
		validateOptionalUrl(reply.imageUrl, `${where} image URL`);
		if (characters(reply.title) > META_LIMITS.quickReplyTitleMaxChars) {
			throw new InputError(
				`${where}: title "${reply.title}" is ${characters(reply.title)} characters long; the limit is ${META_LIMITS.quickReplyTitleMaxChars}`,
				'Shorten the title; put longer explanations in the message text.',
			);
		}
		if (!hasText(reply.payload)) throw new InputError(`${where} has no payload`, 'Text quick replies need a payload; it comes back to your trigger when tapped.');
		if (characters(reply.payload) > META_LIMITS.quickReplyPayloadMaxChars) {
			throw new InputError(`${where}: payload is longer than ${META_LIMITS.quickReplyPayloadMaxChars} characters`, 'Store the data elsewhere and put a short key in the payload.');
		}
	});
}

export function validateMediaFile(media: OutgoingMedia, platform: MetaPlatformName): void {
	if (!('file' in media.source)) return;
	const { size, mimeType, fileName } = media.source.file;
	const name = fileName ? `"${fileName}"` : 'The file';
	if (size > META_LIMITS.maxAttachmentBytes) {
		throw new InputError(
			`${name} is ${formatBytes(size)}; attachments may be at most 25 MB`,
			'Compress the file, or host it and send a link.',
		);
	}
	if (platform !== 'instagram') return;
	const allowed = INSTAGRAM_MIME_TYPES[media.type];
	if (allowed && mimeType && !allowed.includes(mimeType.toLowerCase())) {
		throw new InputError(
			`Instagram does not accept ${mimeType} as ${media.type === 'image' ? 'an' : 'a'} ${media.type}`,
			`Instagram accepts ${allowed.join(', ')} for ${media.type} attachments. Convert the file or pick another Media Type.`,
		);
	}
	if (media.type === 'image' && size > META_LIMITS.instagramImageMaxBytes) {
		throw new InputError(`${name} is ${formatBytes(size)}; Instagram images may be at most 8 MB`, 'Resize or compress the image.');
	}
}

export function validateOutgoing(message: OutgoingMessage, platform: MetaPlatformName): void {
	const contents = [hasText(message.text), !!message.media, !!message.template, !!message.rawMessage, !!message.sticker, !!message.images].filter(Boolean).length;
	if (contents === 0) {
		throw new InputError('The message is empty', 'Set the text (spaces and line breaks alone do not count), a media attachment or a template.');
	}
	if (contents > 1) {
		throw new InputError(
			'A message can carry text, media or a template, not several at once',
			'Send them as separate messages (add a second Social Messaging node).',
		);
	}
	if (message.rawMessage) validateRawMessage(message.rawMessage, platform);
	validateNewContent(message, platform);
	if (message.text) validateText(message.text, platform);
	if (message.media) validateMediaFile(message.media, platform);
	if (message.template) validateTemplate(message.template, platform);
	if (message.quickReplies?.length) {
		// Meta takes quick replies with any message; the node adds them to generic templates only (the next page button).
		if (message.template && message.template.type !== 'generic') {
			throw new InputError('Quick replies cannot be added to this template', 'Use the template\'s buttons, or send the quick replies with a text message.');
		}
		validateQuickReplies(message.quickReplies, platform);
	}
	if (message.metadata && characters(message.metadata) > META_LIMITS.metadataMaxChars) {
		throw new InputError('Metadata must be fewer than 1000 characters', 'Store the data elsewhere and put a short reference in the metadata.');
	}
	if (message.messagingType && !MESSAGING_TYPES.includes(message.messagingType)) {
		throw new InputError(
			`"${String(message.messagingType)}" is not a Messaging Type`,
			`Set Messaging Type to one of ${MESSAGING_TYPES.join(', ')} (RESPONSE for a reply within 24 hours).`,
		);
	}
	if (message.messagingType === 'MESSAGE_TAG' || message.tag) {
		const allowed = platform === 'instagram' ? INSTAGRAM_TAGS : MESSENGER_TAGS;
		if (!message.tag || !allowed.includes(message.tag)) {
			throw new InputError(
				`"${message.tag ?? ''}" is not a message tag ${platformLabel(platform)} accepts`,
				`${platformLabel(platform)} accepts ${allowed.join(', ')}. Outside the 24-hour window on Instagram only HUMAN_AGENT works.`,
			);
		}
	}
	if (platform === 'instagram') {
		const recipientKind = Object.keys(message.recipient)[0];
		if (!['id', 'commentId'].includes(recipientKind)) {
			throw new InputError('Instagram only accepts a user ID or a comment ID as recipient', 'Use the IGSID from a conversation or trigger event, or a comment ID for a private reply.');
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------

export function buildRecipient(recipient: Recipient): IDataObject {
	if ('id' in recipient) {
		// PSIDs and IGSIDs are digits only; anything else is a mapping mistake Meta would answer with "no matching user".
		if (!/^\d+$/.test(recipient.id)) {
			throw new InputError(
				`Recipient "${recipient.id}" is not a PSID or IGSID`,
				'Recipient needs the digits-only ID Meta gives a person for your Page or account (sender.id in a trigger event, or a conversation\'s participant). Usernames, names and profile links do not work.',
			);
		}
		return { id: recipient.id };
	}
	if ('userRef' in recipient) return { user_ref: recipient.userRef };
	if ('commentId' in recipient) return { comment_id: recipient.commentId };
	if ('postId' in recipient) return { post_id: recipient.postId };
	if ('notificationToken' in recipient) return { notification_messages_token: recipient.notificationToken };
	throw new InputError(
		'Messenger and Instagram send to a person\'s ID only, not to a username, conversation ID or group',
		'Set the recipient to the person\'s PSID or IGSID (from the trigger\'s sender.id).',
	);
}

function buildButton(button: Button): IDataObject {
	switch (button.type) {
		case 'web_url':
			return {
				type: 'web_url',
				title: button.title,
				url: button.url,
				...(button.webviewHeightRatio ? { webview_height_ratio: button.webviewHeightRatio } : {}),
			};
		case 'postback':
			return { type: 'postback', title: button.title, payload: button.payload };
		case 'phone_number':
			// Validation allows "+1 (555) 123-4567"; Meta wants "+" and digits only.
			return { type: 'phone_number', title: button.title, payload: button.payload.replace(/[\s()-]/g, '') };
	}
}

function withoutEmpty(object: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)));
}

function mediaPayload(source: MediaSource | { url: string } | { attachmentId: string }, reusable?: boolean): IDataObject {
	if ('attachmentId' in source) return { attachment_id: source.attachmentId };
	if ('url' in source) return withoutEmpty({ url: source.url, is_reusable: reusable ? true : undefined });
	throw new InputError('The file must be uploaded before it is sent', 'This is a bug in the node; please report it.');
}

function epochSeconds(timestamp: string | undefined): string | undefined {
	if (!timestamp) return undefined;
	if (/^\d+$/.test(timestamp)) return timestamp;
	const ms = Date.parse(timestamp);
	return Number.isNaN(ms) ? undefined : String(Math.floor(ms / 1000));
}

export function buildTemplatePayload(template: Template): IDataObject {
	switch (template.type) {
		case 'generic':
			return withoutEmpty({
				template_type: 'generic',
				image_aspect_ratio: template.imageAspectRatio,
				elements: template.elements.map((element) =>
					withoutEmpty({
						title: element.title,
						subtitle: element.subtitle,
						image_url: element.imageUrl,
						default_action: element.defaultActionUrl ? { type: 'web_url', url: element.defaultActionUrl } : undefined,
						buttons: element.buttons?.map(buildButton),
					}),
				),
			});
		case 'button':
			return { template_type: 'button', text: template.text, buttons: template.buttons.map(buildButton) };
		case 'media':
			return {
				template_type: 'media',
				elements: [
					withoutEmpty({
						media_type: template.mediaType,
						...mediaPayload(template.source),
						buttons: template.buttons?.map(buildButton),
					}),
				],
			};
		case 'product':
			return { template_type: 'product', elements: template.productIds.map((id) => ({ id })) };
		case 'notificationOptIn':
			return buildOptInPayload(template);
		case 'imageGrid':
			return buildImageGridPayload(template);
		case 'receipt':
			return withoutEmpty({
				template_type: 'receipt',
				recipient_name: template.recipientName,
				order_number: template.orderNumber,
				currency: template.currency,
				payment_method: template.paymentMethod,
				order_url: template.orderUrl,
				timestamp: epochSeconds(template.timestamp),
				address: template.address
					? withoutEmpty({
							street_1: template.address.street1,
							street_2: template.address.street2,
							city: template.address.city,
							postal_code: template.address.postalCode,
							state: template.address.state,
							country: template.address.country,
						})
					: undefined,
				summary: withoutEmpty({
					subtotal: template.summary.subtotal,
					shipping_cost: template.summary.shippingCost,
					total_tax: template.summary.totalTax,
					total_cost: template.summary.totalCost,
				}),
				adjustments: template.adjustments,
				elements: template.elements?.map((element) =>
					withoutEmpty({
						title: element.title,
						subtitle: element.subtitle,
						quantity: element.quantity,
						price: element.price,
						currency: element.currency,
						image_url: element.imageUrl,
					}),
				),
			});
	}
}

function buildQuickReply(reply: QuickReply): IDataObject {
	if (reply.contentType !== 'text') return { content_type: reply.contentType };
	return withoutEmpty({ content_type: 'text', title: reply.title, payload: reply.payload, image_url: reply.imageUrl });
}

/** Body of `POST /{page-or-account}/messages`. File media must already be replaced by an attachment id. */
export function buildSendBody(message: OutgoingMessage): IDataObject {
	const content: IDataObject = { ...(message.rawMessage ?? {}), ...buildNewContent(message) };
	if (message.text) content.text = message.text;
	if (message.media) {
		content.attachment = { type: message.media.type, payload: mediaPayload(message.media.source, message.media.reusable) };
	}
	if (message.template) content.attachment = { type: 'template', payload: buildTemplatePayload(message.template) };
	if (message.quickReplies?.length) content.quick_replies = message.quickReplies.map(buildQuickReply);
	if (message.metadata) content.metadata = message.metadata;

	const messagingType = message.tag ? 'MESSAGE_TAG' : (message.messagingType ?? 'RESPONSE');
	return withoutEmpty({
		recipient: buildRecipient(message.recipient),
		messaging_type: messagingType,
		tag: message.tag,
		message: content,
		notification_type: message.notificationType,
		persona_id: message.personaId,
		reply_to: message.replyToMessageId ? { mid: message.replyToMessageId } : undefined,
	});
}

/** JSON body of `POST /{page}/message_attachments` for media given by URL. */
export function buildUploadFromUrlBody(media: OutgoingMedia & { source: { url: string } }, forInstagram: boolean): IDataObject {
	return withoutEmpty({
		message: { attachment: { type: media.type, payload: { url: media.source.url, is_reusable: true } } },
		platform: forInstagram ? 'instagram' : undefined,
	});
}

/** The `message` field of a multipart upload; the bytes travel in the `filedata` part. */
export function buildUploadFileMessage(media: OutgoingMedia): string {
	return JSON.stringify({ attachment: { type: media.type, payload: { is_reusable: true } } });
}
