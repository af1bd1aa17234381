/**
 * Remembers which events were already emitted, in workflow static data (so it survives restarts and
 * works in queue mode). Bounded in time and size: platforms redeliver within about an hour.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

export const DEDUPE_WINDOW_MS = 6 * 60 * 60 * 1000;
export const DEDUPE_MAX_ENTRIES = 10_000;

/** Short stable digest so long message ids do not bloat static data. */
function digest(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

/**
 * Returns, per key, whether it is new; records the new ones. `store` is a plain object in static data
 * mapping digest -> first-seen time; insertion order is age order, which pruning relies on.
 */
export function markFirstSightings(store: IDataObject, keys: string[], now: number): boolean[] {
	for (const [key, seenAt] of Object.entries(store)) {
		if (now - Number(seenAt) <= DEDUPE_WINDOW_MS) break;
		delete store[key];
	}
	const fresh = keys.map((key) => {
		const id = digest(key);
		if (store[id] !== undefined) return false;
		store[id] = now;
		return true;
	});
	const overflow = Object.keys(store).length - DEDUPE_MAX_ENTRIES;
	if (overflow > 0) {
		for (const key of Object.keys(store).slice(0, overflow)) delete store[key];
	}
	return fresh;
}

/** How long this process remembers keys handled by deliveries whose static data may not be saved yet. */
export const PROCESS_MEMORY_MS = 10 * 60 * 1000;
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
