/** User Profile > Get: a person's profile by PSID (Messenger) or IGSID (Instagram). */
import type { INodeProperties } from 'n8n-workflow';

import { accountTools } from '../account';
import { includeRawOption, optionsCollection, readIncludeRaw } from '../common.fields';
import type { Operation } from '../operation';
import { toOutput } from '../output';
import { readUserId, userLocator } from '../user.fields';

const MESSENGER_DEFAULT = ['first_name', 'last_name', 'profile_pic'];
const INSTAGRAM_DEFAULT = ['name', 'username', 'profile_pic', 'follower_count', 'is_verified_user', 'is_user_follow_business', 'is_business_follow_user'];

const description: INodeProperties[] = [
	userLocator,
	{
		displayName: 'Fields',
		name: 'messengerFields',
		type: 'multiOptions',
		default: ['first_name', 'last_name', 'profile_pic'],
		description: 'Locale, timezone and gender each need their own permission from App Review',
		displayOptions: { show: { platform: ['messenger'] } },
		options: [
			{ name: 'First Name', value: 'first_name' },
			{ name: 'Gender (Needs Pages_user_gender)', value: 'gender' },
			{ name: 'Last Name', value: 'last_name' },
			{ name: 'Locale (Needs Pages_user_locale)', value: 'locale' },
			{ name: 'Profile Picture', value: 'profile_pic' },
			{ name: 'Timezone (Needs Pages_user_timezone)', value: 'timezone' },
		],
	},
	{
		displayName: 'Fields',
		name: 'instagramFields',
		type: 'multiOptions',
		default: ['name', 'username', 'profile_pic', 'follower_count', 'is_verified_user', 'is_user_follow_business', 'is_business_follow_user'],
		description: 'Instagram shares a profile once the person has messaged your account',
		displayOptions: { show: { platform: ['instagram'] } },
		options: [
			{ name: 'Follower Count', value: 'follower_count' },
			{ name: 'Follows You', value: 'is_user_follow_business' },
			{ name: 'Is Verified', value: 'is_verified_user' },
			{ name: 'Name', value: 'name' },
			{ name: 'Profile Picture', value: 'profile_pic' },
			{ name: 'Username', value: 'username' },
			{ name: 'You Follow Them', value: 'is_business_follow_user' },
		],
	},
	optionsCollection([includeRawOption]),
];

export const get: Operation = {
	description,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const userId = readUserId(ctx, itemIndex);
		const messenger = platform.name === 'messenger';
		const fields = ctx.getNodeParameter(messenger ? 'messengerFields' : 'instagramFields', itemIndex, messenger ? MESSENGER_DEFAULT : INSTAGRAM_DEFAULT) as string[];
		const profile = await accountTools(platform).getUserProfile(userId, Array.isArray(fields) ? fields : String(fields).split(','));
		return toOutput(profile, readIncludeRaw(ctx, itemIndex));
	},
};
