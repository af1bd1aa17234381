/** The poll trigger's work: new messages since the watermark, as the same unified event items as the webhook trigger's. */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createPlatform, platformLabel } from '../platforms';
import { InputError } from '../platforms/core/inputError';
import { pollSince, type Gap, type Watermark } from '../platforms/core/pollWatermark';
import type { Message, MessagingEvent, PlatformName } from '../platforms/types';

/**
 * At most this many pages per poll: X allows 15 DM lookups per 15 minutes per user, and n8n polls at most
 * once a minute. More new messages than that are read by the next polls (pollWatermark.ts: gaps).
 */
export const MAX_PAGES_PER_POLL = 3;
const PAGE_SIZE = 100;

/** A message as the webhook trigger emits it: `message` from people, `echo` for the account's own. */
export function toEvent(message: Message): MessagingEvent {
	const outbound = message.direction === 'outbound';
	const accountId = (outbound ? message.sender?.id : message.recipient?.id) ?? '';
	const other = outbound ? message.recipient : message.sender;
	const event: MessagingEvent = {
		type: outbound ? 'echo' : 'message',
		platform: message.platform,
		accountId,
		conversationKey: `${accountId}:${other?.id ?? 'unknown'}`,
		attachments: message.attachments,
		timestamp: message.timestamp ?? new Date().toISOString(),
		dedupeKey: `${message.platform}:${message.id}`,
	};
	if (message.sender) event.sender = message.sender;
	if (message.recipient) event.recipient = message.recipient;
	event.messageId = message.id;
	if (message.text !== undefined) event.text = message.text;
	if (message.replyToId) event.replyToId = message.replyToId;
	return event;
}

function itemOf(message: Message, includeRaw: boolean): INodeExecutionData {
	const json = { ...toEvent(message) } as unknown as IDataObject;
	delete json.dedupeKey;
	if (includeRaw && message.raw) json.raw = message.raw;
	return { json };
}

/** One poll: in manual mode (Fetch Test Event) the newest message without moving the watermark. */
export async function pollMessages(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const platformName = ctx.getNodeParameter('platform') as PlatformName;
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const wanted = (message: Message) => message.direction === 'inbound' || (options.includeEchoes === true && message.direction === 'outbound');
	let platform;
	try {
		platform = await createPlatform(ctx, platformName, { maxRateLimitWaitMs: 0 });
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), error as Error, { description: error instanceof InputError ? error.description : undefined });
	}
	const recent = platform.recentMessages?.bind(platform);
	if (!recent) {
		throw new NodeOperationError(ctx.getNode(), `The poll trigger cannot watch ${platformLabel(platformName)} with this credential`, {
			description: 'It polls X direct messages with an X API credential. For Messenger and Instagram use the Social Messaging Trigger (webhook).',
		});
	}
	const page = async (cursor?: string) => await recent({ pageSize: PAGE_SIZE, cursor });
	const staticData = ctx.getWorkflowStaticData('node');
	const includeRaw = options.includeRaw === true;

	if (ctx.getMode() === 'manual') {
		const newest = (await page()).items.find(wanted);
		if (!newest) throw new NodeOperationError(ctx.getNode(), 'No direct message to show yet', { description: 'Send a direct message to the account, then fetch again.' });
		return [[itemOf(newest, includeRaw)]];
	}

	const before = staticData.watermark as Watermark | undefined;
	const result = await pollSince(page, { watermark: before, gaps: staticData.gaps as Gap[] | undefined }, MAX_PAGES_PER_POLL);
	staticData.watermark = result.state.watermark as unknown as IDataObject;
	if (result.state.gaps) staticData.gaps = result.state.gaps as unknown as IDataObject[];
	else delete staticData.gaps;
	if (result.dropped > 0) {
		ctx.logger.warn(`Social Messaging Poll Trigger: gave up reading ${result.dropped} stretch(es) of older messages that X kept refusing; messages there were not emitted.`);
	}
	// First activation: the watermark is set, the backlog stays unless asked for.
	if (!before && options.emitBacklog !== true) return null;
	const items = result.fresh.filter(wanted).map((message) => itemOf(message, includeRaw));
	return items.length > 0 ? [items] : null;
}
