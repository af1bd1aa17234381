/**
 * Remembers which events were already emitted, in workflow static data (so it survives restarts and
 * works in queue mode): a SeenSet (seenSet.ts) under `dedupe`, at most about 47 KB. Meta redelivers a
 * failed delivery for about an hour; the window keeps every key 6 hours.
 */
import type { IDataObject } from 'n8n-workflow';

import { SeenSet, hashOfDigestBytes, keyHash, type SeenSetLimits } from './seenSet';

export const DEDUPE_WINDOW_MS = 6 * 60 * 60 * 1000;
export const DEDUPE_MAX_ENTRIES = 10_000;

export const DEDUPE_LIMITS: SeenSetLimits = {
	windowMs: DEDUPE_WINDOW_MS,
	maxEntries: DEDUPE_MAX_ENTRIES,
	bucketSpanMs: 30 * 60 * 1000,
	bucketMaxEntries: 1000,
	// 11,000 keys take about 47,000 characters; the bound only bites if that estimate is ever wrong.
	maxChars: 49_000,
};

/**
 * Returns, per key, whether it is new; records the new ones in `staticData.dedupe`. Static data of the
 * old shape (`seen`: base64url digest -> first-seen ms, up to 0.x) is carried over without losing an
 * entry: those digests are SHA-256 prefixes, so they give the same hashes.
 */
export function markFirstSightings(staticData: IDataObject, keys: string[], now: number): boolean[] {
	const set = new SeenSet(DEDUPE_LIMITS, staticData.dedupe);
	if (staticData.seen !== undefined) {
		migrateLegacy(set, staticData.seen, now);
		delete staticData.seen;
		set.changed = true;
	}
	set.prune(now);
	const fresh = keys.map((key) => {
		const hash = keyHash(key);
		if (set.has(hash)) return false;
		set.add(hash, now);
		return true;
	});
	set.prune(now);
	// Unchanged static data is not written back, so n8n does not save it again.
	if (set.changed) staticData.dedupe = set.toJSON() as unknown as IDataObject;
	return fresh;
}

/** Adds the entries of the old store (digest -> first-seen time) that are still within the window, oldest first. */
function migrateLegacy(set: SeenSet, legacy: unknown, now: number): void {
	if (!legacy || typeof legacy !== 'object') return;
	const entries = Object.entries(legacy as IDataObject)
		.map(([digest, seenAt]) => ({ bytes: Buffer.from(digest, 'base64url'), seenAt: Number(seenAt) }))
		.filter(({ bytes, seenAt }) => bytes.length >= 5 && Number.isFinite(seenAt) && now - seenAt <= DEDUPE_WINDOW_MS)
		.sort((a, b) => a.seenAt - b.seenAt);
	for (const { bytes, seenAt } of entries) set.add(hashOfDigestBytes(bytes), Math.min(seenAt, now));
}

/**
 * How long this process remembers keys it handled: as long as static data keeps them. n8n writes each
 * request's static data back whole, so of two deliveries that overlap the last one to finish wins and the
 * other's keys are lost from static data; this memory still drops their redeliveries for the whole window
 * (until a restart), where it used to forget them after 10 minutes (found by the queue-mode run).
 */
export const PROCESS_MEMORY_MS = DEDUPE_WINDOW_MS;
const PROCESS_MEMORY_MAX_ENTRIES = 50_000;

/**
 * Process-local memory of recently handled keys, with the time they were handled. n8n loads workflow
 * static data when a request arrives and saves it after the node returns, so two deliveries handled at
 * the same time (the trigger answers Meta first and may still be sending auto-responses) do not see each
 * other in static data. This memory closes that window; static data stays the source across restarts.
 * Bounded in age and size; pruned on use, without timers.
 */
export class RecentKeys {
	private readonly entries = new Map<string, number>();

	constructor(
		private readonly maxAgeMs = PROCESS_MEMORY_MS,
		private readonly maxEntries = PROCESS_MEMORY_MAX_ENTRIES,
	) {}

	/** When `key` was handled, if within the memory's age. */
	get(key: string, now: number): number | undefined {
		this.prune(now);
		return this.entries.get(key);
	}

	set(key: string, at: number): void {
		this.entries.delete(key);
		this.entries.set(key, at);
		this.prune(at);
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	/** Records `key` and returns true, unless it was already handled within the memory's age. */
	claim(key: string, now: number): boolean {
		if (this.get(key, now) !== undefined) return false;
		this.set(key, now);
		return true;
	}

	clear(): void {
		this.entries.clear();
	}

	private prune(now: number): void {
		for (const [key, at] of this.entries) {
			if (now - at <= this.maxAgeMs && this.entries.size <= this.maxEntries) break;
			this.entries.delete(key);
		}
	}
}

/** Events emitted and auto-responses sent by this n8n process, keyed per workflow and node. */
export const processMemory = {
	events: new RecentKeys(),
	replies: new RecentKeys(),
};

/** What a restart of n8n does to the process memory (tests use it to prove static data alone suffices). */
export function forgetProcessMemory(): void {
	processMemory.events.clear();
	processMemory.replies.clear();
}
