/**
 * The trigger's auto-response: one reply per person per cooldown, sent through the platform adapter
 * and recorded in static data so a restart does not reset the cooldown. Only people's own messages,
 * quick replies and postbacks get one; echoes, reads, deliveries and the account's own messages never.
 */
import type { IDataObject } from 'n8n-workflow';

import type { MessagingEvent, Platform } from '../platforms/types';

export interface AutoResponseSettings {
	text: string;
	waitSeconds: number;
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
 */
export async function autoRespond(
	events: MessagingEvent[],
	settings: AutoResponseSettings,
	lastReplies: IDataObject,
	platformFor: (event: MessagingEvent) => Promise<Platform>,
	options: { now?: () => number; memory?: ReplyMemory } = {},
): Promise<Map<number, AutoResponseOutcome>> {
	const now = options.now ?? Date.now;
	const memory = options.memory;
	const outcomes = new Map<number, AutoResponseOutcome>();
	const waitMs = Math.max(0, settings.waitSeconds) * 1000;
	// Entries past their cooldown carry no information; dropping them keeps static data small.
	for (const [key, at] of Object.entries(lastReplies)) {
		if (now() - Number(at) >= waitMs) delete lastReplies[key];
	}
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
		memory?.set(key, now());
		try {
			const platform = await platformFor(event);
			const result = await platform.send({
				recipient: { id: (event.sender as { id: string }).id },
				text: settings.text,
				messagingType: 'RESPONSE',
			});
			const at = now();
			lastReplies[key] = at;
			memory?.set(key, at);
			outcomes.set(index, { status: 'sent', messageId: result.messageId, sentAt: result.sentAt });
		} catch (error) {
			memory?.delete(key);
			const description = (error as { description?: string }).description;
			const message = error instanceof Error ? error.message : String(error);
			outcomes.set(index, { status: 'failed', reason: description ? `${message}: ${description}` : message });
		}
	}
	return outcomes;
}
