/** Messenger Profile > Set: one property of the Page's (or Instagram account's) Messenger Profile. */
import { accountTools } from '../account';
import type { Operation } from '../operation';
import { toOutput } from '../output';
import { readProfileToSet, setFields } from './profile.fields';

export const set: Operation = {
	description: setFields,
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const profile = readProfileToSet(ctx, itemIndex, platform.name);
		const response = await accountTools(platform).setMessengerProfile(profile);
		return toOutput({ platform: platform.name, ...profile, success: response.result === 'success' }, false);
	},
};
