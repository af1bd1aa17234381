/**
 * Send API checks, as documented in the reference ("Send API", "Templates"):
 * text length per platform, quick replies, template and button limits, metadata,
 * messaging types and tags. Where Graph's exact wording is unknown the message says so
 * with "(inferred)"; the code/subcode are what the reference documents.
 */
import { paramError } from './errors';
import { checkOptInTemplate } from './routes/notifications';
import type { Platform } from './state';
import { charCount, isRecord, utf8Bytes } from './util';

export const MESSENGER_TEXT_MAX_CHARS = 2000; // text must have fewer than 2000 characters
export const INSTAGRAM_TEXT_MAX_BYTES = 1000; // at most 1000 UTF-8 bytes
export const QUICK_REPLIES_MAX = 13;
export const QUICK_REPLY_TITLE_MAX = 20;
export const GENERIC_ELEMENTS_MAX = 10;
export const ELEMENT_TITLE_MAX = 80;
export const BUTTONS_MAX = 3;
export const BUTTON_TEXT_MAX = 640;
/** Button titles: 20 characters per Meta's button docs (not in the reference file). */
export const BUTTON_TITLE_MAX = 20;
export const METADATA_MAX = 1000; // under 1000 characters
export const ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;
export const INSTAGRAM_IMAGE_MAX_BYTES = 8 * 1024 * 1024;

export const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG', 'UTILITY'];
export const MESSENGER_TAGS = ['HUMAN_AGENT', 'ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'CUSTOMER_FEEDBACK'];
export const INSTAGRAM_TAGS = ['HUMAN_AGENT'];
export const NOTIFICATION_TYPES = ['REGULAR', 'SILENT_PUSH', 'NO_PUSH'];
export const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact'];
const MEDIA_TYPES = ['image', 'audio', 'video', 'file'];

export function oneOf(name: string, value: unknown, allowed: string[]): string {
	const text = String(value);
	if (!allowed.includes(text.toUpperCase()) && !allowed.includes(text)) {
		throw paramError(`Param ${name} must be one of {${allowed.join(', ')}} - got "${text}"`);
	}
	return allowed.includes(text) ? text : text.toUpperCase();
}

export function checkMessagingType(params: Record<string, unknown>, platform: Platform, retiredTags: string[]): { type?: string; tag?: string } {
	const out: { type?: string; tag?: string } = {};
	if (params.messaging_type !== undefined) out.type = oneOf('messaging_type', params.messaging_type, MESSAGING_TYPES);
	if (params.tag !== undefined) {
		out.tag = oneOf('tag', params.tag, MESSENGER_TAGS);
		if (platform === 'instagram' && !INSTAGRAM_TAGS.includes(out.tag)) {
			throw paramError(`Message tag ${out.tag} is not supported on Instagram; only HUMAN_AGENT is (inferred wording)`);
		}
		if (retiredTags.includes(out.tag)) throw paramError(`Message tag ${out.tag} has been retired (inferred wording)`);
	}
	if (out.type === 'MESSAGE_TAG' && !out.tag) throw paramError('Param tag is required when messaging_type is MESSAGE_TAG (inferred wording)');
	if (out.tag && out.type && out.type !== 'MESSAGE_TAG') throw paramError('Param tag requires messaging_type MESSAGE_TAG (inferred wording)');
	if (params.notification_type !== undefined) oneOf('notification_type', params.notification_type, NOTIFICATION_TYPES);
	return out;
}

/** A media attachment in a message, before it is resolved against uploads or fetched. */
export interface MediaReference {
	type: string;
	url?: string;
	attachmentId?: string;
}

/** Validate `message` and return the media it references (for upload lookup and URL fetch). */
export function checkMessage(message: Record<string, unknown>, platform: Platform): MediaReference[] {
	const media: MediaReference[] = [];
	const text = message.text;
	const attachment = message.attachment;
	const attachments = message.attachments;
	const hasText = text !== undefined && text !== null && text !== '';
	const hasAttachment = attachment !== undefined || attachments !== undefined || message.sticker_id !== undefined;
	if (!hasText && !hasAttachment) throw paramError('Message cannot be empty, must provide valid attachment or text');
	if (hasText && hasAttachment) throw paramError('Only one of message text or attachment may be set (inferred wording)');
	if (message.sticker_id !== undefined) {
		// Sticker API (2026): Messenger sends stickers by id; Instagram has the like_heart attachment instead.
		if (platform !== 'messenger') throw paramError('Param message[sticker_id] is not supported on Instagram (inferred wording)');
		if (attachment !== undefined || attachments !== undefined) throw paramError('Only one of sticker_id or attachment may be set (inferred wording)');
		if (!/^\d+$/.test(String(message.sticker_id))) throw paramError('Param message[sticker_id] must be a sticker id (inferred wording)');
	}
	if (hasText) {
		if (typeof text !== 'string') throw paramError('Param message[text] must be a string');
		if (platform === 'messenger' && charCount(text) >= MESSENGER_TEXT_MAX_CHARS) {
			throw paramError(`Length of param message[text] must be less than ${MESSENGER_TEXT_MAX_CHARS} characters (inferred wording)`);
		}
		if (platform === 'instagram' && utf8Bytes(text) > INSTAGRAM_TEXT_MAX_BYTES) {
			throw paramError(`Length of param message[text] must be at most ${INSTAGRAM_TEXT_MAX_BYTES} bytes (UTF-8) (inferred wording)`);
		}
	}
	if (attachment !== undefined) media.push(...checkAttachment(attachment, platform, 'message[attachment]'));
	if (attachments !== undefined) {
		if (platform !== 'instagram') throw paramError('Param message[attachments] is only supported on Instagram (inferred wording)');
		if (!Array.isArray(attachments) || attachments.length === 0 || attachments.length > 10) {
			throw paramError('Param message[attachments] must be an array of 1 to 10 images (inferred wording)');
		}
		attachments.forEach((a, i) => {
			if (!isRecord(a) || a.type !== 'image') throw paramError(`Param message[attachments][${i}] must be an image attachment (inferred wording)`);
			media.push(...checkAttachment(a, platform, `message[attachments][${i}]`));
		});
	}
	if (message.quick_replies !== undefined) checkQuickReplies(message.quick_replies, platform);
	if (message.metadata !== undefined) {
		if (typeof message.metadata !== 'string') throw paramError('Param message[metadata] must be a string');
		if (charCount(message.metadata) >= METADATA_MAX) {
			throw paramError(`Length of param message[metadata] must be less than ${METADATA_MAX} characters (inferred wording)`);
		}
	}
	return media;
}

function checkAttachment(value: unknown, platform: Platform, where: string): MediaReference[] {
	if (!isRecord(value)) throw paramError(`Param ${where} must be an object`);
	const type = String(value.type ?? '');
	const payload = value.payload;
	if (MEDIA_TYPES.includes(type)) {
		if (!isRecord(payload)) throw paramError(`Param ${where}[payload] must be an object`);
		const hasUrl = typeof payload.url === 'string' && payload.url !== '';
		const hasId = payload.attachment_id !== undefined && payload.attachment_id !== '';
		if (hasUrl === hasId) throw paramError(`Param ${where}[payload] needs exactly one of url or attachment_id (inferred wording)`);
		if (hasUrl) {
			checkUrl(String(payload.url), `${where}[payload][url]`);
			return [{ type, url: String(payload.url) }];
		}
		return [{ type, attachmentId: String(payload.attachment_id) }];
	}
	if (type === 'template') {
		if (!isRecord(payload)) throw paramError(`Param ${where}[payload] must be an object`);
		return checkTemplate(payload, platform);
	}
	if (platform === 'instagram' && type === 'like_heart') return [];
	if (platform === 'instagram' && type.toUpperCase() === 'MEDIA_SHARE') {
		if (!isRecord(payload) || !payload.id) throw paramError(`Param ${where}[payload][id] is required for MEDIA_SHARE (inferred wording)`);
		return [];
	}
	const allowed = platform === 'instagram' ? [...MEDIA_TYPES, 'template', 'like_heart', 'MEDIA_SHARE'] : [...MEDIA_TYPES, 'template'];
	throw paramError(`Param ${where}[type] must be one of {${allowed.join(', ')}} - got "${type}"`);
}

function checkQuickReplies(value: unknown, platform: Platform): void {
	if (!Array.isArray(value)) throw paramError('Param message[quick_replies] must be an array');
	if (value.length > QUICK_REPLIES_MAX) {
		throw paramError(`Param message[quick_replies] must have at most ${QUICK_REPLIES_MAX} elements (inferred wording)`);
	}
	value.forEach((qr, i) => {
		const where = `message[quick_replies][${i}]`;
		if (!isRecord(qr)) throw paramError(`Param ${where} must be an object`);
		const contentType = String(qr.content_type ?? '');
		const allowed = platform === 'instagram' ? ['text'] : ['text', 'user_phone_number', 'user_email'];
		if (!allowed.includes(contentType)) throw paramError(`Param ${where}[content_type] must be one of {${allowed.join(', ')}} - got "${contentType}"`);
		if (contentType === 'text') {
			if (typeof qr.title !== 'string' || qr.title === '') throw paramError(`Param ${where}[title] is required for text quick replies`);
			if (charCount(qr.title) > QUICK_REPLY_TITLE_MAX) {
				throw paramError(`Length of param ${where}[title] must be at most ${QUICK_REPLY_TITLE_MAX} characters (inferred wording)`);
			}
			if (qr.payload === undefined || qr.payload === '') throw paramError(`Param ${where}[payload] is required for text quick replies`);
		}
		if (qr.image_url !== undefined) checkUrl(String(qr.image_url), `${where}[image_url]`);
	});
}

function checkTemplate(payload: Record<string, unknown>, platform: Platform): MediaReference[] {
	const type = String(payload.template_type ?? '');
	const igTemplates = ['generic', 'button'];
	const allTemplates = ['generic', 'button', 'media', 'receipt', 'product', 'notification_messages', 'image_grid'];
	if (!allTemplates.includes(type)) throw paramError(`Param template_type must be one of {${allTemplates.join(', ')}} - got "${type}"`);
	if (platform === 'instagram' && !igTemplates.includes(type)) throw paramError(`Template type ${type} is not supported on Instagram (inferred wording)`);
	if (type === 'generic') {
		const elements = arrayOf(payload.elements, 'elements', 1, GENERIC_ELEMENTS_MAX);
		elements.forEach((el, i) => {
			const where = `elements[${i}]`;
			if (!isRecord(el)) throw paramError(`Param ${where} must be an object`);
			if (typeof el.title !== 'string' || el.title === '') throw paramError(`Param ${where}[title] is required`);
			maxChars(el.title, ELEMENT_TITLE_MAX, `${where}[title]`);
			if (el.subtitle !== undefined) maxChars(String(el.subtitle), ELEMENT_TITLE_MAX, `${where}[subtitle]`);
			if (el.image_url !== undefined) checkUrl(String(el.image_url), `${where}[image_url]`);
			if (el.buttons !== undefined) checkButtons(el.buttons, `${where}[buttons]`, 0, platform);
		});
		return [];
	}
	if (type === 'button') {
		if (typeof payload.text !== 'string' || payload.text === '') throw paramError('Param text is required for the button template');
		maxChars(payload.text, BUTTON_TEXT_MAX, 'text');
		checkButtons(payload.buttons, 'buttons', 1, platform);
		return [];
	}
	if (type === 'media') {
		const [el] = arrayOf(payload.elements, 'elements', 1, 1);
		if (!isRecord(el)) throw paramError('Param elements[0] must be an object');
		const mediaType = oneOf('elements[0][media_type]', el.media_type, ['image', 'video']);
		if (el.buttons !== undefined) checkButtons(el.buttons, 'elements[0][buttons]', 0, platform);
		if (el.attachment_id !== undefined) return [{ type: mediaType, attachmentId: String(el.attachment_id) }];
		if (typeof el.url === 'string') return [];
		throw paramError('Param elements[0] needs attachment_id or url (inferred wording)');
	}
	if (type === 'receipt') {
		for (const key of ['recipient_name', 'order_number', 'currency', 'payment_method']) {
			if (payload[key] === undefined || payload[key] === '') throw paramError(`Param ${key} is required for the receipt template`);
		}
		if (!isRecord(payload.summary) || payload.summary.total_cost === undefined) throw paramError('Param summary[total_cost] is required for the receipt template');
		return [];
	}
	if (type === 'image_grid') {
		// Image grid template (2026-06-30): 2 to 6 images, each with an optional tap action (shape inferred).
		return arrayOf(payload.elements, 'elements', 2, 6).map((el, i) => {
			const where = `elements[${i}]`;
			if (!isRecord(el)) throw paramError(`Param ${where} must be an object`);
			if (el.default_action !== undefined && (!isRecord(el.default_action) || el.default_action.type !== 'web_url')) throw paramError(`Param ${where}[default_action] must be a web_url action`);
			if (isRecord(el.default_action)) checkUrl(String(el.default_action.url ?? ''), `${where}[default_action][url]`);
			if (el.attachment_id !== undefined) return { type: 'image', attachmentId: String(el.attachment_id) };
			if (typeof el.image_url !== 'string') throw paramError(`Param ${where} needs image_url or attachment_id (inferred wording)`);
			checkUrl(el.image_url, `${where}[image_url]`);
			return { type: 'image', url: el.image_url };
		});
	}
	if (type === 'product') {
		arrayOf(payload.elements, 'elements', 1, GENERIC_ELEMENTS_MAX).forEach((el, i) => {
			if (!isRecord(el) || !el.id) throw paramError(`Param elements[${i}][id] is required for the product template`);
		});
		return [];
	}
	checkOptInTemplate(payload);
	return [];
}

function checkButtons(value: unknown, where: string, min: number, platform: Platform): void {
	const buttons = arrayOf(value, where, min, BUTTONS_MAX);
	buttons.forEach((b, i) => {
		const at = `${where}[${i}]`;
		if (!isRecord(b)) throw paramError(`Param ${at} must be an object`);
		const type = String(b.type ?? '');
		const types = platform === 'instagram' ? ['web_url', 'postback'] : ['web_url', 'postback', 'phone_number', 'account_link', 'account_unlink', 'game_play'];
		if (!types.includes(type)) throw paramError(`Param ${at}[type] must be one of {${types.join(', ')}} - got "${type}"`);
		if (type !== 'account_link' && type !== 'account_unlink') {
			if (typeof b.title !== 'string' || b.title === '') throw paramError(`Param ${at}[title] is required`);
			maxChars(b.title, BUTTON_TITLE_MAX, `${at}[title]`);
		}
		if (type === 'web_url') checkUrl(String(b.url ?? ''), `${at}[url]`);
		if (type === 'postback' && (b.payload === undefined || b.payload === '')) throw paramError(`Param ${at}[payload] is required`);
		if (type === 'phone_number' && !/^\+\d{5,}$/.test(String(b.payload ?? ''))) {
			throw paramError(`Param ${at}[payload] must be a phone number starting with + (inferred wording)`);
		}
	});
}

function arrayOf(value: unknown, where: string, min: number, max: number): unknown[] {
	if (!Array.isArray(value)) {
		if (min === 0 && value === undefined) return [];
		throw paramError(`Param ${where} must be an array`);
	}
	if (value.length < min || value.length > max) {
		throw paramError(`Param ${where} must have ${min === max ? max : `${min} to ${max}`} elements, got ${value.length} (inferred wording)`);
	}
	return value;
}

function maxChars(text: string, max: number, where: string): void {
	if (charCount(text) > max) throw paramError(`Length of param ${where} must be at most ${max} characters (inferred wording)`);
}

function checkUrl(url: string, where: string): void {
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw paramError(`Param ${where} must be a valid URL`);
}
