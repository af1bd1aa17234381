/**
 * Builds a resource's fields: the Operation picker, then each operation's fields shown only for it. These
 * are the Messenger and Instagram operations: X has its own pickers and fields (x/X.resources.ts).
 */
import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Operation } from './operation';

const NOT_ON_X = { platform: ['x'] };

export function resourceFields(
	resource: string,
	picker: INodeProperties,
	operations: Record<string, Operation>,
	/** The same resource on every platform (Auto-Response): shown on X too. */
	everywhere = false,
): INodeProperties[] {
	const hide = everywhere ? {} : { hide: NOT_ON_X };
	const fields = Object.entries(operations).flatMap(([name, operation]) =>
		updateDisplayOptions({ show: { resource: [resource], operation: [name] }, ...hide }, operation.description),
	);
	return [{ ...picker, displayOptions: { show: { resource: [resource] }, ...hide } }, ...fields];
}
