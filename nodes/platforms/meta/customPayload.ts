/**
 * Custom payloads: a Send API `message` object given as JSON, for what the node does not model. It is
 * sent as it is, after the checks Meta would otherwise fail it for: its shape (known keys, one kind of
 * content), the text limit, quick replies, metadata, templates' element and button counts, and
 * Instagram's image lists.
 */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { META_LIMITS, validateText } from './outgoing';

type MetaPlatformName = 'messenger' | 'instagram';

/** The keys of a Send API `message` object. */
const MESSAGE_KEYS = ['text', 'attachment', 'attachments', 'quick_replies', 'metadata', 'sticker_id'];
/** Meta: Instagram takes up to 10 images in one message (`attachments`). */
const INSTAGRAM_MAX_IMAGES = 10;
const FIX_SHAPE = 'Give the Send API "message" object, e.g. {"text": "Hi"} or {"attachment": {"type": "template", "payload": {...}}}; recipient, messaging_type and tags come from the node\'s own fields.';

const isObject = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkQuickReplies(value: unknown, platform: MetaPlatformName): void {
	if (!Array.isArray(value)) throw new InputError('quick_replies must be an array', FIX_SHAPE);
	if (value.length > META_LIMITS.maxQuickReplies) {
		throw new InputError(`${value.length} quick replies is too many; the limit is ${META_LIMITS.maxQuickReplies}`, 'Keep the 12 most useful options and add a "More" quick reply.');
	}
	value.forEach((reply, index) => {
		const where = `quick_replies[${index}]`;
		if (!isObject(reply)) throw new InputError(`${where} must be an object`, FIX_SHAPE);
		const type = String(reply.content_type ?? '');
		if (platform === 'instagram' && type !== 'text') {
			throw new InputError(`${where}: Instagram only supports text quick replies`, 'Meta turned off phone number and email quick replies on Instagram (2026-10-05): use text ones.');
		}
		if (type === 'text' && (typeof reply.title !== 'string' || [...reply.title].length > META_LIMITS.quickReplyTitleMaxChars || !reply.payload)) {
			throw new InputError(`${where} needs a title of at most ${META_LIMITS.quickReplyTitleMaxChars} characters and a payload`, 'Fix the quick reply.');
		}
	});
}

function checkTemplate(payload: IDataObject, platform: MetaPlatformName): void {
	const type = String(payload.template_type ?? '');
	if (!type) throw new InputError('The template has no template_type', 'Set attachment.payload.template_type, e.g. "generic" or "button".');
	const elements = payload.elements;
	if (type === 'generic' && (!Array.isArray(elements) || elements.length === 0 || elements.length > META_LIMITS.genericMaxElements)) {
		throw new InputError(`A generic template needs 1 to ${META_LIMITS.genericMaxElements} elements`, 'Send the remaining elements in another message.');
	}
	const buttonLists = [payload.buttons, ...(Array.isArray(elements) ? elements.map((element) => (isObject(element) ? element.buttons : undefined)) : [])];
	for (const buttons of buttonLists) {
		if (Array.isArray(buttons) && buttons.length > META_LIMITS.maxButtons) {
			throw new InputError(`A template has ${buttons.length} buttons in one place; the limit is ${META_LIMITS.maxButtons}`, 'Remove buttons, or spread them over several templates.');
		}
	}
	if (platform === 'instagram' && !['generic', 'button'].includes(type)) {
		throw new InputError(`Instagram does not support the ${type} template`, 'Use a generic or button template on Instagram, or send this one on Messenger.');
	}
}

function checkAttachment(value: unknown, platform: MetaPlatformName, where: string): void {
	if (!isObject(value) || typeof value.type !== 'string' || !value.type) throw new InputError(`${where} needs a type`, FIX_SHAPE);
	if (value.payload !== undefined && !isObject(value.payload)) throw new InputError(`${where}.payload must be an object`, FIX_SHAPE);
	if (value.type === 'template') {
		if (!isObject(value.payload)) throw new InputError(`${where} is a template without a payload`, FIX_SHAPE);
		checkTemplate(value.payload, platform);
	}
}

/** Throws InputError when Meta would reject the object; nothing is sent then. */
export function validateRawMessage(raw: IDataObject, platform: MetaPlatformName): void {
	const unknown = Object.keys(raw).filter((key) => !MESSAGE_KEYS.includes(key));
	if (unknown.length) {
		throw new InputError(`The custom payload has keys the Send API's message object does not know: ${unknown.join(', ')}`, `${FIX_SHAPE} Known keys: ${MESSAGE_KEYS.join(', ')}.`);
	}
	const contents = ['text', 'attachment', 'attachments', 'sticker_id'].filter((key) => raw[key] !== undefined && raw[key] !== '');
	if (contents.length !== 1) {
		throw new InputError(
			contents.length === 0 ? 'The custom payload has no content' : `The custom payload carries ${contents.join(' and ')} at once`,
			'A message carries exactly one of text, attachment, attachments (Instagram) or sticker_id.',
		);
	}
	if (raw.text !== undefined) {
		if (typeof raw.text !== 'string') throw new InputError('text must be a string', FIX_SHAPE);
		validateText(raw.text, platform);
	}
	if (raw.attachment !== undefined) checkAttachment(raw.attachment, platform, 'attachment');
	if (raw.attachments !== undefined) {
		if (platform !== 'instagram') throw new InputError('attachments (several images) is an Instagram feature', 'On Messenger send one attachment per message.');
		const list = raw.attachments;
		if (!Array.isArray(list) || list.length === 0 || list.length > INSTAGRAM_MAX_IMAGES) {
			throw new InputError(`attachments must list 1 to ${INSTAGRAM_MAX_IMAGES} images`, 'Send the remaining images in another message.');
		}
		list.forEach((item, index) => checkAttachment(item, platform, `attachments[${index}]`));
	}
	if (raw.quick_replies !== undefined) checkQuickReplies(raw.quick_replies, platform);
	if (raw.metadata !== undefined && (typeof raw.metadata !== 'string' || [...raw.metadata].length > META_LIMITS.metadataMaxChars)) {
		throw new InputError('metadata must be a string of fewer than 1000 characters', 'Store the data elsewhere and put a short reference in the metadata.');
	}
}
