/** The Persona field: pick one of the Page's personas from a list, or give its ID. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../../../platforms/core/inputError';
import { asText } from '../values';

export const personaLocator: INodeProperties = {
	displayName: 'Persona',
	name: 'personaId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'One of the Page\'s personas (Persona > Create makes one)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchPersonas', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 2023000000000001',
			validation: [{ type: 'regex', properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'A persona ID is a number, e.g. 2023000000000001' } }],
		},
	],
};

/** A persona ID from a resource locator value or a plain string (older workflows stored the ID as text). */
export function personaIdOf(value: unknown): string | undefined {
	const raw = value && typeof value === 'object' && 'value' in value ? (value as { value: unknown }).value : value;
	const id = asText(raw, 'Persona').trim();
	return id === '' ? undefined : id;
}

export function readPersonaId(ctx: IExecuteFunctions, itemIndex: number): string {
	const id = personaIdOf(ctx.getNodeParameter('personaId', itemIndex, ''));
	if (!id) {
		throw new InputError('No persona for this item', 'Pick a persona from the list or give its ID; if it is an expression, check the field it reads.');
	}
	return id;
}
