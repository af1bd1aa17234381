/** Persona > Get: one persona's name and picture. */
import type { INodeProperties } from 'n8n-workflow';

import { accountTools } from '../account';
import { includeRawOption, optionsCollection, readIncludeRaw } from '../common.fields';
import type { Operation } from '../operation';
import { toOutput } from '../output';
import { personaLocator, readPersonaId } from './persona.fields';

const description: INodeProperties[] = [personaLocator, optionsCollection([includeRawOption])];

export const get: Operation = {
	description,
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const persona = await accountTools(platform).getPersona(readPersonaId(ctx, itemIndex));
		return toOutput({ platform: platform.name, ...persona }, readIncludeRaw(ctx, itemIndex));
	},
};
