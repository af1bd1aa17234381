/** Message > Send fields for what Meta added in 2026: stickers, several images (Instagram), the image grid template (Messenger). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { ImageGridTemplate, OutgoingMessage } from '../../../platforms/types';

type Param = (name: string, fallback?: unknown) => unknown;

export const newMessageFields: INodeProperties[] = [
	{
		displayName: 'Sticker ID',
		name: 'stickerId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 369239263222822',
		description: 'A sticker from Meta\'s Sticker API',
		displayOptions: { show: { messageType: ['sticker'], platform: ['messenger'] } },
	},
	{
		displayName: 'Instagram sends its heart sticker',
		name: 'instagramStickerNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { messageType: ['sticker'], platform: ['instagram'] } },
	},
	{
		displayName: 'Images',
		name: 'imageSources',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 4 },
		placeholder: 'https://example.com/1.jpg\nhttps://example.com/2.jpg',
		description: 'Up to 10 image URLs or attachment IDs, one per line or separated by commas',
		displayOptions: { show: { messageType: ['images'] } },
	},
	{
		displayName: 'Images',
		name: 'imageGrid',
		type: 'fixedCollection',
		placeholder: 'Add Image',
		typeOptions: { multipleValues: true, maxAllowedFields: 6 },
		default: {},
		description: '2 to 6 images',
		displayOptions: { show: { messageType: ['template'], templateType: ['imageGrid'], platform: ['messenger'] } },
		options: [
			{
				displayName: 'Image',
				name: 'image',
				values: [
					{ displayName: 'Image URL or Attachment ID', name: 'image', type: 'string', default: '', placeholder: 'e.g. https://example.com/1.jpg' },
					{ displayName: 'Open URL on Tap', name: 'tapUrl', type: 'string', default: '', placeholder: 'e.g. https://example.com/product/1' },
				],
			},
		],
	},
];

const source = (value: string) => (/^\d+$/.test(value) ? { attachmentId: value } : { url: value });

export function readSticker(param: Param, platform: string): OutgoingMessage['sticker'] {
	return platform === 'instagram' ? {} : { stickerId: String(param('stickerId', '')).trim() };
}

export function readImages(param: Param): NonNullable<OutgoingMessage['images']> {
	return String(param('imageSources', ''))
		.split(/[\n,]/)
		.map((entry) => entry.trim())
		.filter(Boolean)
		.map(source);
}

export function readImageGrid(param: Param): ImageGridTemplate {
	const images = ((param('imageGrid', {}) as IDataObject).image as IDataObject[] | undefined) ?? [];
	return {
		type: 'imageGrid',
		images: images.map((image) => {
			const tapUrl = String(image.tapUrl ?? '').trim();
			return { source: source(String(image.image ?? '').trim()), ...(tapUrl ? { tapUrl } : {}) };
		}),
	};
}
