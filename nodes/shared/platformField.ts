/** The Platform field both nodes start with; the credential's provider decides how it is reached. */
import type { INodeProperties } from 'n8n-workflow';

export const platformField: INodeProperties = {
	displayName: 'Platform',
	name: 'platform',
	type: 'options',
	default: 'messenger',
	description: 'Where the messages are. The credential\'s provider decides how they are reached (X needs an X API or Ayrshare credential).',
	options: [
		{ name: 'Facebook Messenger', value: 'messenger' },
		{ name: 'Instagram', value: 'instagram' },
		{ name: 'X', value: 'x' },
	],
};
