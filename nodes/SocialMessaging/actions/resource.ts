/** Builds a resource's fields: the Operation picker, then each operation's fields shown only for it. */
import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Operation } from './operation';

export function resourceFields(
	resource: string,
	picker: INodeProperties,
	operations: Record<string, Operation>,
): INodeProperties[] {
	const fields = Object.entries(operations).flatMap(([name, operation]) =>
		updateDisplayOptions({ show: { resource: [resource], operation: [name] } }, operation.description),
	);
	return [{ ...picker, displayOptions: { show: { resource: [resource] } } }, ...fields];
}
