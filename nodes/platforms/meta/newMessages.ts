/**
 * What Meta added to the Send API in 2026, checked and built here: the image grid template (Messenger,
 * 2-6 images), stickers (Messenger `sticker_id`, Instagram's heart) and several images in one Instagram
 * message. Meta's payload shapes for the image grid and `sticker_id` are inferred from its changelog.
 */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { isHttpUrl as isUrl } from '../core/text';
import type { ImageGridTemplate, OutgoingMessage } from '../types';

type MetaPlatformName = 'messenger' | 'instagram';

export const IMAGE_GRID_MIN = 2;
export const IMAGE_GRID_MAX = 6;
export const INSTAGRAM_IMAGES_MAX = 10;


export function validateImageGrid(template: ImageGridTemplate, platform: MetaPlatformName): void {
	if (platform !== 'messenger') throw new InputError('The image grid template is a Messenger feature', 'On Instagram send the images as "Several Images" instead.');
	const count = template.images.length;
	if (count < IMAGE_GRID_MIN || count > IMAGE_GRID_MAX) {
		throw new InputError(`An image grid needs ${IMAGE_GRID_MIN} to ${IMAGE_GRID_MAX} images; this one has ${count}`, 'Add or remove images, or send a generic template (up to 10 cards) instead.');
	}
	template.images.forEach((image, index) => {
		if ('url' in image.source && !isUrl(image.source.url)) {
			throw new InputError(`Image ${index + 1}: "${image.source.url}" is neither an http(s) URL nor an attachment ID`, 'Give a public image URL or an attachment ID from Attachment > Upload (digits only).');
		}
		if (image.tapUrl && !isUrl(image.tapUrl)) throw new InputError(`Image ${index + 1}: the tap URL "${image.tapUrl}" is not an http(s) URL`, 'Give a full URL such as https://example.com/product/1, or leave it empty.');
	});
}

export function buildImageGridPayload(template: ImageGridTemplate): IDataObject {
	return {
		template_type: 'image_grid',
		elements: template.images.map((image) => ({
			...('url' in image.source ? { image_url: image.source.url } : { attachment_id: image.source.attachmentId }),
			...(image.tapUrl ? { default_action: { type: 'web_url', url: image.tapUrl } } : {}),
		})),
	};
}

export function validateNewContent(message: OutgoingMessage, platform: MetaPlatformName): void {
	if (message.sticker && platform === 'messenger' && !/^\d+$/.test(message.sticker.stickerId ?? '')) {
		throw new InputError(`"${message.sticker.stickerId ?? ''}" is not a sticker ID`, 'Give the numeric ID of a sticker from Meta\'s Sticker API, e.g. 369239263222822.');
	}
	if (message.images) {
		if (platform !== 'instagram') throw new InputError('Several images in one message is an Instagram feature', 'On Messenger send one image per message, or an image grid template.');
		if (message.images.length === 0 || message.images.length > INSTAGRAM_IMAGES_MAX) {
			throw new InputError(`Instagram takes 1 to ${INSTAGRAM_IMAGES_MAX} images in one message; this one has ${message.images.length}`, 'Send the remaining images in another message.');
		}
		message.images.forEach((image, index) => {
			if ('url' in image && !isUrl(image.url)) {
				throw new InputError(`Image ${index + 1}: "${image.url}" is neither an http(s) URL nor an attachment ID`, 'Give public image URLs or attachment IDs (digits only), one per line or separated by commas.');
			}
		});
	}
}

/** The `message` content of a sticker or several images. */
export function buildNewContent(message: OutgoingMessage): IDataObject {
	if (message.sticker) return message.sticker.stickerId ? { sticker_id: message.sticker.stickerId } : { attachment: { type: 'like_heart' } };
	if (message.images) {
		return { attachments: message.images.map((image) => ({ type: 'image', payload: 'url' in image ? { url: image.url } : { attachment_id: image.attachmentId } })) };
	}
	return {};
}
