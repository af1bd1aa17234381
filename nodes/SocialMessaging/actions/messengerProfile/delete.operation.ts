/** Messenger Profile > Delete: removes properties (Meta needs the persistent menu gone before Get Started). */
import { accountTools } from '../account';
import type { Operation } from '../operation';
import { propertyListFields, readProfileFields } from './profile.fields';

export const deleteProfile: Operation = {
	description: propertyListFields('delete'),
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const fields = readProfileFields(ctx, itemIndex, platform.name);
		const response = await accountTools(platform).deleteMessengerProfile(fields);
		return { platform: platform.name, deleted: fields, success: response.result === 'success' };
	},
};
