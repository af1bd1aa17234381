/**
 * Download Attachments: the files of each received message as n8n binary data (`attachment_0`, …), fetched
 * by the provider (X: `GET /2/dm_conversations/media/…`) after the platform got its answer. A failed
 * download keeps the item: the attachment gets `downloadError` instead of `binaryProperty`.
 */
import type { IBinaryKeyData, IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { WebhookEndpoint } from '../platforms/provider';
import type { MessagingEvent } from '../platforms/types';

export async function attachFiles(ctx: IWebhookFunctions, endpoint: WebhookEndpoint, events: MessagingEvent[], items: INodeExecutionData[]): Promise<void> {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const download = endpoint.downloadAttachments?.bind(endpoint);
	if (options.downloadAttachments !== true || !download) return;
	for (const [index, event] of events.entries()) {
		if (event.type !== 'message' || event.attachments.length === 0) continue;
		const results = await download(event);
		const binary: IBinaryKeyData = {};
		const attachments = (items[index].json.attachments as IDataObject[]).map((attachment) => ({ ...attachment }));
		for (const [position, result] of results.entries()) {
			const attachment = attachments[position];
			if (!attachment) continue;
			if ('error' in result) {
				attachment.downloadError = result.error;
				continue;
			}
			const property = `attachment_${position}`;
			try {
				binary[property] = await ctx.helpers.prepareBinaryData(result.data, result.fileName, result.mimeType);
				attachment.binaryProperty = property;
			} catch (error) {
				attachment.downloadError = `n8n could not store the file: ${(error as Error).message}`;
			}
		}
		items[index].json.attachments = attachments;
		if (Object.keys(binary).length > 0) items[index].binary = binary;
	}
}
