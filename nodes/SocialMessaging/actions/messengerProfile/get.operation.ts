/** Messenger Profile > Get: the properties that are set, in the node's names. */
import { accountTools } from '../account';
import { includeRawOption, optionsCollection, readIncludeRaw } from '../common.fields';
import type { Operation } from '../operation';
import { toOutput } from '../output';
import { propertyListFields, readProfileFields } from './profile.fields';

export const get: Operation = {
	description: [...propertyListFields('read'), optionsCollection([includeRawOption])],
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const profile = await accountTools(platform).getMessengerProfile(readProfileFields(ctx, itemIndex, platform.name));
		return toOutput({ platform: platform.name, ...profile }, readIncludeRaw(ctx, itemIndex));
	},
};
