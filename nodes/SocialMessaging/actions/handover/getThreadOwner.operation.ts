/** Handover > Get Thread Owner: the app that controls a conversation now. */
import { accountTools } from '../account';
import { includeRawOption, optionsCollection, readIncludeRaw } from '../common.fields';
import type { Operation } from '../operation';
import { readUserId, userLocator } from '../user.fields';

export const getThreadOwner: Operation = {
	description: [userLocator, optionsCollection([includeRawOption])],
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const userId = readUserId(ctx, itemIndex);
		const owner = await accountTools(platform).getThreadOwner(userId);
		return {
			platform: platform.name,
			userId,
			threadOwnerAppId: owner.appId ?? null,
			...(readIncludeRaw(ctx, itemIndex) ? { raw: owner.raw } : {}),
		};
	},
};
