/**
 * Automation disclosure: where law asks a bot to say it is one (e.g. California, Germany), the first
 * automated message of a thread can say so. "First" per person and platform, kept in the workflow's
 * global static data so the Send operation and the trigger's auto-response share it: the disclosure is
 * due when this workflow has not disclosed to the person within `againAfterMs`, and again once a human
 * hands the thread back (a pass_thread_control handover to the app).
 */
import type { IDataObject } from 'n8n-workflow';

import type { MessagingEvent } from '../types';

export const DISCLOSURE_STORE_KEY = 'socialMessagingDisclosures';
export const DISCLOSURE_LIMITS = {
	/** A thread counts as new when the person heard nothing automated from the workflow for this long. */
	againAfterMs: 24 * 3600 * 1000,
	/** People remembered per workflow (about 40 bytes each); the longest-ago are forgotten first. */
	maxEntries: 5000,
} as const;

const keyOf = (platform: string, personId: string) => `${platform}:${personId}`;

function storeOf(staticData: IDataObject): IDataObject {
	return (staticData[DISCLOSURE_STORE_KEY] ??= {}) as IDataObject;
}

export function disclosureDue(staticData: IDataObject, platform: string, personId: string, now: number): boolean {
	const at = Number((staticData[DISCLOSURE_STORE_KEY] as IDataObject | undefined)?.[keyOf(platform, personId)] ?? 0);
	return !at || now - at >= DISCLOSURE_LIMITS.againAfterMs;
}

export function markDisclosed(staticData: IDataObject, platform: string, personId: string, now: number): void {
	const store = storeOf(staticData);
	delete store[keyOf(platform, personId)];
	store[keyOf(platform, personId)] = now;
	const keys = Object.keys(store);
	if (keys.length <= DISCLOSURE_LIMITS.maxEntries) return;
	// Over the bound: entries past their time carry nothing; then, in insertion (= disclosure) order, the oldest go.
	for (const key of keys) if (now - Number(store[key]) >= DISCLOSURE_LIMITS.againAfterMs) delete store[key];
	const left = Object.keys(store);
	for (const key of left.slice(0, Math.max(0, left.length - DISCLOSURE_LIMITS.maxEntries))) delete store[key];
}

/** A human (or another app) passed the thread back to this app: the next automated message discloses again. */
export function forgetDisclosuresOnHandback(staticData: () => IDataObject, events: MessagingEvent[]): void {
	const handbacks = events.filter(
		(event) => event.type === 'handover' && (event as { handover?: { action?: string } }).handover?.action === 'pass_thread_control' && event.sender,
	);
	if (handbacks.length === 0) return;
	const store = staticData()[DISCLOSURE_STORE_KEY] as IDataObject | undefined;
	for (const event of handbacks) if (store) delete store[keyOf(event.platform, (event.sender as { id: string }).id)];
}

/** The text with the disclosure in front, as one message. */
export function withDisclosure(disclosure: string, text: string): string {
	return `${disclosure}\n\n${text}`;
}
