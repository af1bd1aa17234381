/**
 * The trigger's auto-response: one reply per person per cooldown, sent through the platform adapter
 * and recorded in static data so a restart does not reset the cooldown. Only people's own messages,
 * quick replies and postbacks get one; echoes, reads, deliveries and the account's own messages never.
 * The replies are sent inside webhook(), before n8n starts the execution, so their time is bounded
 * (AUTO_RESPONSE_LIMITS) and they never wait for a rate limit: a reply that cannot go at once fails.
 */
import type { IDataObject } from 'n8n-workflow';

import type { MessagingEvent, Platform } from '../platforms/types';
import { withDisclosure } from '../platforms/core/disclosure';
import { metaMessage } from '../platforms/meta/metaSays';

/**
 * How long the replies may hold up the execution. No reply starts after `budgetMs` from the first one,
 * and one that Meta has not answered after `replyTimeoutMs` is abandoned, so a delivery's execution
 * starts at most budget + timeout (5 s) late, usually after one Send API call.
 */
export const AUTO_RESPONSE_LIMITS = { replyTimeoutMs: 2500, budgetMs: 2500 };

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;
const FROM_THE_WORKFLOW = 'To answer now, send the reply from the workflow with the Social Messaging node (Message > Send), which waits for rate limits.';

/** Whose API answered the reply, for the reasons below. */
const apiOf = (event: MessagingEvent) => (event.platform === 'x' ? 'X' : 'Meta');

const failureReasons = {
	rateLimited: (api: string, said: string) =>
		`${api} rate-limited the auto-response (${said}). The trigger does not wait for rate limits inside the webhook, so that the workflow starts at once; the person gets the auto-response with their next message once the limit has passed. ${FROM_THE_WORKFLOW}`,
	rateLimitedBefore: (api: string) =>
		`Not sent: ${api} rate-limited an earlier auto-response of this delivery, and the trigger does not wait for rate limits inside the webhook, so that the workflow starts at once. ${FROM_THE_WORKFLOW}`,
	timedOut: (api: string, timeoutMs: number) =>
		`${api} did not answer the auto-response within ${seconds(timeoutMs)}, so the trigger stopped waiting for it, to start the workflow at once. The reply may have been delivered anyway; it is not counted for the wait, so check the conversation before sending it again.`,
	outOfTime: (budgetMs: number) =>
		`Not sent: the auto-responses of this delivery used up their ${seconds(budgetMs)} inside the webhook (the trigger starts the workflow at once rather than wait). ${FROM_THE_WORKFLOW}`,
};

export interface AutoResponseSettings {
	text: string;
	waitSeconds: number;
	/** Automation disclosure put in front of the text when due for the person (core/disclosure.ts). */
	disclosure?: { text: string; due(event: MessagingEvent): boolean; done(event: MessagingEvent): void };
}

export type AutoResponseOutcome =
	| { status: 'sent'; messageId?: string; sentAt: string }
	| { status: 'skipped'; reason: string; nextAllowedAt?: string }
	| { status: 'failed'; reason: string };

const ANSWERABLE = new Set(['message', 'quick_reply', 'postback']);

export function isAnswerable(event: MessagingEvent): boolean {
	return ANSWERABLE.has(event.type) && !event.standby && !!event.sender && event.sender.id !== event.accountId;
}

/** Process-local record of replies (see RecentKeys): `get`, `set` and `delete` by conversation key. */
export interface ReplyMemory {
	get(key: string, now: number): number | undefined;
	set(key: string, at: number): void;
	delete(key: string): void;
}

/**
 * Sends the auto-response where due and returns the outcome per event index (answerable events only).
 * `lastReplies` lives in static data: conversation key -> epoch ms of the last auto-response. `memory`
 * also holds replies of deliveries handled at the same time, whose static data is not saved yet; a
 * conversation is claimed there before the reply is sent, so a concurrent delivery skips it.
 * `platformFor` must give a platform that never waits for rate limits and abandons a request after
 * `limits.replyTimeoutMs`; once Meta rate-limits one reply, the others of the delivery are not tried.
 */
export async function autoRespond(
	events: MessagingEvent[],
	settings: AutoResponseSettings,
	lastReplies: IDataObject,
	platformFor: (event: MessagingEvent) => Promise<Platform>,
	options: { now?: () => number; memory?: ReplyMemory; limits?: typeof AUTO_RESPONSE_LIMITS } = {},
): Promise<Map<number, AutoResponseOutcome>> {
	const now = options.now ?? Date.now;
	const memory = options.memory;
	const limits = options.limits ?? AUTO_RESPONSE_LIMITS;
	const outcomes = new Map<number, AutoResponseOutcome>();
	const waitMs = Math.max(0, settings.waitSeconds) * 1000;
	// Entries past their cooldown carry no information; dropping them keeps static data small.
	for (const [key, at] of Object.entries(lastReplies)) {
		if (now() - Number(at) >= waitMs) delete lastReplies[key];
	}
	const startedAt = now();
	let rateLimited = false;
	for (const [index, event] of events.entries()) {
		if (!isAnswerable(event)) continue;
		const key = event.conversationKey;
		const last = Math.max(Number(lastReplies[key] ?? 0), memory?.get(key, now()) ?? 0);
		if (last && now() - last < waitMs) {
			outcomes.set(index, {
				status: 'skipped',
				reason: 'cooldown',
				nextAllowedAt: new Date(last + waitMs).toISOString(),
			});
			continue;
		}
		if (rateLimited) {
			outcomes.set(index, { status: 'failed', reason: failureReasons.rateLimitedBefore(apiOf(event)) });
			continue;
		}
		if (now() - startedAt >= limits.budgetMs) {
			outcomes.set(index, { status: 'failed', reason: failureReasons.outOfTime(limits.budgetMs) });
			continue;
		}
		memory?.set(key, now());
		try {
			const platform = await platformFor(event);
			const disclose = settings.disclosure?.due(event) === true;
			const result = await platform.send({
				recipient: { id: (event.sender as { id: string }).id },
				text: disclose ? withDisclosure((settings.disclosure as { text: string }).text, settings.text) : settings.text,
				messagingType: 'RESPONSE',
			});
			if (disclose) settings.disclosure?.done(event);
			const at = now();
			lastReplies[key] = at;
			memory?.set(key, at);
			outcomes.set(index, { status: 'sent', messageId: result.messageId, sentAt: result.sentAt });
		} catch (error) {
			memory?.delete(key);
			const context = (error as { context?: IDataObject }).context;
			if (context?.rateLimited === true) rateLimited = true;
			outcomes.set(index, { status: 'failed', reason: failureReason(error, limits, apiOf(event)) });
		}
	}
	return outcomes;
}

function failureReason(error: unknown, limits: typeof AUTO_RESPONSE_LIMITS, api: string): string {
	const context = (error as { context?: IDataObject }).context;
	const message = error instanceof Error ? error.message : String(error);
	if (context?.rateLimited === true) return failureReasons.rateLimited(api, metaMessage(error) ?? message);
	if (context?.timedOut === true) return failureReasons.timedOut(api, limits.replyTimeoutMs);
	const description = (error as { description?: string }).description;
	return description ? `${message}: ${description}` : message;
}
