/** Persona > Create: a named agent with its own picture that messages can be sent as (Messenger). */
import type { INodeProperties } from 'n8n-workflow';

import { accountTools } from '../account';
import { includeRawOption, optionsCollection, readIncludeRaw } from '../common.fields';
import type { Operation } from '../operation';
import { toOutput } from '../output';
import { asText } from '../values';

const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'personaName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Anna from Support',
		description: 'Shown above the messages sent as this persona',
	},
	{
		displayName: 'Profile Picture URL',
		name: 'profilePictureUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/team/anna.png',
		description: 'A public image URL; Meta downloads the picture from it',
	},
	optionsCollection([includeRawOption]),
];

export const create: Operation = {
	description,
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const persona = await accountTools(platform).createPersona({
			name: asText(ctx.getNodeParameter('personaName', itemIndex, ''), 'Name'),
			profilePictureUrl: asText(ctx.getNodeParameter('profilePictureUrl', itemIndex, ''), 'Profile Picture URL'),
		});
		return toOutput({ platform: platform.name, ...persona }, readIncludeRaw(ctx, itemIndex));
	},
};
