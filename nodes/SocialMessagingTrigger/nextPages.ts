/**
 * Taps on the next page quick reply of a message past the caps: the trigger sends the following page
 * itself, with no wiring in the workflow. A tap answered with its page is not emitted; one that got no
 * page (made up, expired, or the send failed) is emitted as a quick reply with `nextPage` saying why,
 * when the trigger listens for quick replies.
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { createPlatform } from '../platforms';
import type { WebhookEndpoint } from '../platforms/provider';
import type { MessagingEvent, Platform, PlatformName } from '../platforms/types';
import { AUTO_RESPONSE_LIMITS } from './autoResponse';

export type NextPageOutcome =
	| { status: 'sent'; page: number; pages: number; messageId?: string }
	| { status: 'expired' | 'refused' | 'failed'; reason: string };

export async function answerNextPageTaps(
	ctx: IWebhookFunctions,
	endpoint: WebhookEndpoint,
	events: MessagingEvent[],
	platformName: PlatformName,
): Promise<{ events: MessagingEvent[]; outcomes: Map<MessagingEvent, NextPageOutcome> }> {
	const outcomes = new Map<MessagingEvent, NextPageOutcome>();
	const taps = endpoint.nextPages;
	if (!taps || !events.some((event) => taps.isTap(event))) return { events, outcomes };
	const store = ctx.getWorkflowStaticData('global');
	// Like the auto-response: inside the webhook, so never a rate-limit wait, and a deadline per page.
	let platform: Promise<Platform> | undefined;
	const platformOnce = async () =>
		await (platform ??= createPlatform(ctx, platformName, { maxRateLimitWaitMs: 0, requestTimeoutMs: AUTO_RESPONSE_LIMITS.replyTimeoutMs }));
	for (const event of events.filter((candidate) => taps.isTap(candidate))) {
		const answer = taps.pageFor(event, store, Date.now());
		if (!('message' in answer)) {
			outcomes.set(event, answer);
			continue;
		}
		try {
			const result = await (await platformOnce()).send(answer.message);
			outcomes.set(event, { status: 'sent', page: answer.page, pages: answer.pages, messageId: result.messageId });
		} catch (error) {
			const description = (error as { description?: string }).description;
			outcomes.set(event, { status: 'failed', reason: [(error as Error).message, description].filter(Boolean).join(': ') });
		}
	}
	const wantsQuickReplies = (ctx.getNodeParameter('events', []) as string[]).includes('quick_reply');
	const kept = events.filter((event) => !taps.isTap(event) || (outcomes.get(event)?.status !== 'sent' && wantsQuickReplies));
	return { events: kept, outcomes };
}

/** The item field that says what became of a tap. */
export function nextPageField(outcome: NextPageOutcome | undefined): IDataObject {
	return outcome ? { nextPage: outcome as unknown as IDataObject } : {};
}
