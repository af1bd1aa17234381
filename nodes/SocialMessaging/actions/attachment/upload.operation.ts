/** Attachment > Upload: stores media with the platform once and returns an ID to send it many times. */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { includeRawOption, optionsCollection, readIncludeRaw, sendingOptions } from '../common.fields';
import { mediaFields, readMedia } from '../media';

const description: INodeProperties[] = [
	...mediaFields({ savedAttachments: false }),
	optionsCollection([includeRawOption, ...sendingOptions]),
];

export const upload: Operation = {
	description,
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const media = await readMedia(ctx, itemIndex, true);
		const result = await platform.uploadAttachment(media);
		return {
			platform: result.platform,
			attachmentId: result.attachmentId,
			type: result.type,
			...(readIncludeRaw(ctx, itemIndex) ? { raw: result.raw } : {}),
		};
	},
};
