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
