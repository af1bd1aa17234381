/** Fields the thread control operations share, and the reader that turns them into a request. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ThreadControlRequest } from '../../../platforms/accountTypes';
import { readUserId } from '../user.fields';
import { asText } from '../values';

export const metadataField: INodeProperties = {
	displayName: 'Metadata',
	name: 'handoverMetadata',
	type: 'string',
	default: '',
	placeholder: 'e.g. {"reason":"refund","orderId":"42"}',
	description: 'Up to 1000 characters the other app receives in its handover webhook',
};

export function readThreadControl(ctx: IExecuteFunctions, itemIndex: number): ThreadControlRequest {
	return {
		userId: readUserId(ctx, itemIndex),
		targetAppId: asText(ctx.getNodeParameter('targetAppId', itemIndex, ''), 'Target App ID'),
		metadata: asText(ctx.getNodeParameter('handoverMetadata', itemIndex, ''), 'Metadata'),
	};
}
