/**
 * Which operation module runs: X has its own (the first item's Platform decides, as it decides what the
 * editor shows). An operation X lacks, reached by an expression, fails before any request and says which
 * platforms have it.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { platformsWith } from '../../../platforms';
import type { Capabilities } from '../../../platforms/types';
import type { Operation } from '../operation';
import { xOperations } from './X.resources';

/** The capability a Messenger / Instagram operation needs, where X has no counterpart. */
const NEEDS: Record<string, keyof Capabilities> = {
	'message.sendAction': 'senderActions',
	'message.react': 'reactions',
	'message.unreact': 'reactions',
	'attachment.upload': 'reusableUploads',
};

export function operationFor(
	ctx: IExecuteFunctions,
	others: Record<string, Record<string, Operation>>,
	resource: string,
	operation: string,
): Operation | undefined {
	if (ctx.getNodeParameter('platform', 0, 'messenger') !== 'x') return others[resource]?.[operation];
	const onX = xOperations[resource]?.[operation];
	if (onX) return onX;
	const capability = NEEDS[`${resource}.${operation}`];
	if (capability) {
		throw new NodeOperationError(ctx.getNode(), `X Direct Messages have no "${operation}" operation on ${resource}s`, {
			description: `It exists on ${platformsWith(capability).join(', ')}. Change the node's Platform, or pick an X operation.`,
		});
	}
	return undefined;
}
