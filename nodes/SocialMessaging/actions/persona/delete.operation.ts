/** Persona > Delete: removes a persona; messages already sent as it keep its name. */
import { accountTools } from '../account';
import type { Operation } from '../operation';
import { personaLocator, readPersonaId } from './persona.fields';

export const deletePersona: Operation = {
	description: [personaLocator],
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const id = readPersonaId(ctx, itemIndex);
		const response = await accountTools(platform).deletePersona(id);
		return { platform: platform.name, id, deleted: response.success === true || response.success === 'true' };
	},
};
