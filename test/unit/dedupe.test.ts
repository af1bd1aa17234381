/**
 * nodes/platforms/dedupe.ts: the bounded first-sighting store kept in workflow static data (its set is
 * tested in seen-set.test.ts), the migration of the old store, and the process memory that covers
 * deliveries whose static data is not saved yet.
 */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import {
	DEDUPE_MAX_ENTRIES,
	DEDUPE_WINDOW_MS,
	PROCESS_MEMORY_MS,
	RecentKeys,
	forgetProcessMemory,
	markFirstSightings,
	processMemory,
} from '../../nodes/platforms/core/dedupe';

const NOW = 1_714_554_000_000;

/** What n8n does to static data between executions and across restarts. */
const reload = (store: IDataObject): IDataObject => JSON.parse(JSON.stringify(store)) as IDataObject;

/** How many keys the store holds. */
const held = (staticData: IDataObject): number =>
	((staticData.dedupe as { buckets: Array<{ count: number }> } | undefined)?.buckets ?? []).reduce((sum, bucket) => sum + bucket.count, 0);

/** The digests the 0.x store kept: base64url of the SHA-256, first 16 characters. */
const legacyDigest = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 16);

describe('markFirstSightings', () => {
	it('new keys are fresh once; repeats within one call and across calls are not', () => {
		const store: IDataObject = {};
		expect(markFirstSightings(store, ['mid:a', 'mid:b', 'mid:a'], NOW)).toStrictEqual([true, true, false]);
		expect(markFirstSightings(store, ['mid:b', 'mid:c'], NOW + 1)).toStrictEqual([false, true]);
		expect(markFirstSightings(store, [], NOW + 2)).toStrictEqual([]);
		expect(held(store)).toBe(3);
	});

	it('keys are kept as a compact hash set under "dedupe", never as the ids themselves', () => {
		const store: IDataObject = {};
		const mid = `mid:m_${'x'.repeat(200)}`;
		markFirstSightings(store, [mid], NOW);
		expect(Object.keys(store)).toStrictEqual(['dedupe']);
		const json = JSON.stringify(store);
		expect(json).not.toContain('xxxx');
		// ${json.length} characters for one key
		expect(json.length).toBeLessThan(150);
	});

	it('survives a reload of static data (restart)', () => {
		let store: IDataObject = {};
		markFirstSightings(store, ['mid:a', 'mid:b'], NOW);
		store = reload(store);
		expect(markFirstSightings(store, ['mid:a', 'mid:b', 'mid:c'], NOW + 1000)).toStrictEqual([false, false, true]);
	});

	it('a delivery with nothing new leaves static data untouched (n8n saves nothing)', () => {
		const store: IDataObject = {};
		markFirstSightings(store, ['mid:a'], NOW);
		const dedupe = store.dedupe;
		markFirstSightings(store, ['mid:a'], NOW + 1000);
		markFirstSightings(store, [], NOW + 2000);
		// the same object: not rewritten
		expect(store.dedupe).toBe(dedupe);
	});

	it('entries older than the window are forgotten', () => {
		const store: IDataObject = {};
		markFirstSightings(store, ['mid:old'], NOW);
		markFirstSightings(store, ['mid:newer'], NOW + DEDUPE_WINDOW_MS / 2);
		// Still inside the window: remembered.
		expect(markFirstSightings(store, ['mid:old'], NOW + DEDUPE_WINDOW_MS)).toStrictEqual([false]);
		// Past it: the old key is gone (and counts as new again), the newer one stays.
		expect(markFirstSightings(store, ['mid:old', 'mid:newer'], NOW + DEDUPE_WINDOW_MS + 1)).toStrictEqual([true, false]);
		expect(held(store)).toBe(2);
	});

	it('the newest DEDUPE_MAX_ENTRIES are always remembered; the oldest go first, a bucket at a time', () => {
		const store: IDataObject = {};
		const keys = Array.from({ length: DEDUPE_MAX_ENTRIES + 1500 }, (_, index) => `mid:${index}`);
		// Deliveries of 10 events each.
		for (let index = 0; index < keys.length; index += 10) markFirstSightings(store, keys.slice(index, index + 10), NOW + index);
		// ${held(store)} held
		expect(held(store) >= DEDUPE_MAX_ENTRIES && held(store) <= DEDUPE_MAX_ENTRIES + 1000).toBeTruthy();
		const check = reload(store);
		const newest = keys.slice(-DEDUPE_MAX_ENTRIES);
		expect(markFirstSightings(check, newest, NOW + keys.length)).toStrictEqual(newest.map(() => false));
		expect(markFirstSightings(reload(store), ['mid:0', 'mid:1'], NOW + keys.length)).toStrictEqual([true, true]);
	});

	it('static data of the old shape is carried over without losing an entry, and the old store goes', () => {
		const keys = Array.from({ length: 3000 }, (_, index) => `mid:legacy-${index}`);
		// Insertion order is age order in the old store; the oldest is past the window already.
		const seen: IDataObject = { [legacyDigest('mid:expired')]: NOW - DEDUPE_WINDOW_MS - 1 };
		keys.forEach((key, index) => (seen[legacyDigest(key)] = NOW - DEDUPE_WINDOW_MS + index * 1000));
		const store: IDataObject = reload({ seen, autoResponses: { 'p:u': NOW } });

		expect(markFirstSightings(store, [...keys, 'mid:expired', 'mid:new'], NOW)).toStrictEqual([...keys.map(() => false), true, true]);
		expect(store.seen).toBeUndefined();
		// other static data is left alone
		expect(store.autoResponses).toStrictEqual({ 'p:u': NOW });
		expect(held(store)).toBe(keys.length + 2);
		// And still after a restart; the migrated keys expire with their own first-seen times.
		expect(markFirstSightings(reload(store), keys.slice(0, 5), NOW + 1000)).toStrictEqual([false, false, false, false, false]);
		// The newest was first seen 2,999 s after the window's start, so it is kept until 2,999 s from now.
		expect(markFirstSightings(reload(store), keys.slice(-1), NOW + 2_999_000)).toStrictEqual([false]);
		// The oldest sits in the first bucket (full at 1,000 keys: 0 to 999), which expires with its newest key.
		expect(markFirstSightings(reload(store), keys.slice(0, 1), NOW + 999_000)).toStrictEqual([false]);
		expect(markFirstSightings(reload(store), keys.slice(0, 1), NOW + 1_000_000)).toStrictEqual([true]);
	});

	it('the 6-hour window and 10,000 entries the README promises', () => {
		expect(DEDUPE_WINDOW_MS).toBe(6 * 60 * 60 * 1000);
		expect(DEDUPE_MAX_ENTRIES).toBe(10_000);
	});
});

describe('RecentKeys (process memory)', () => {
	it('claim once, then not again while remembered', () => {
		const memory = new RecentKeys();
		expect(memory.claim('a', NOW)).toBe(true);
		expect(memory.claim('a', NOW + 1)).toBe(false);
		expect(memory.get('a', NOW + 1)).toBe(NOW);
		expect(memory.claim('b', NOW + 1)).toBe(true);
	});

	it('forgets keys older than its age, without timers', () => {
		const memory = new RecentKeys(1000);
		memory.set('a', NOW);
		memory.set('b', NOW + 500);
		expect(memory.get('a', NOW + 1000)).toBe(NOW);
		expect(memory.get('a', NOW + 1001)).toBeUndefined();
		expect(memory.get('b', NOW + 1001)).toBe(NOW + 500);
		expect(memory.claim('a', NOW + 1002)).toBe(true);
	});

	it('the process remembers an event as long as static data would (an overlapping delivery may have lost it there)', () => {
		forgetProcessMemory();
		expect(processMemory.events.claim('workflow/node/event', NOW)).toBe(true);
		// Meta redelivers for about an hour: still dropped after two hours, and up to the window's end.
		expect(processMemory.events.claim('workflow/node/event', NOW + 2 * 60 * 60 * 1000)).toBe(false);
		expect(processMemory.events.claim('workflow/node/event', NOW + DEDUPE_WINDOW_MS)).toBe(false);
		expect(processMemory.events.claim('workflow/node/event', NOW + DEDUPE_WINDOW_MS + 1)).toBe(true);
		forgetProcessMemory();
	});

	it('bounded in size: the oldest go first', () => {
		const memory = new RecentKeys(PROCESS_MEMORY_MS, 3);
		for (const [index, key] of ['a', 'b', 'c', 'd'].entries()) memory.set(key, NOW + index);
		expect(memory.get('a', NOW + 4)).toBeUndefined();
		expect(['b', 'c', 'd'].map((key) => memory.get(key, NOW + 4))).toStrictEqual([NOW + 1, NOW + 2, NOW + 3]);
	});

	it('set refreshes a key, delete and clear forget', () => {
		const memory = new RecentKeys(1000, 2);
		memory.set('a', NOW);
		memory.set('b', NOW + 1);
		memory.set('a', NOW + 2);
		memory.set('c', NOW + 3);
		// b was the oldest after a was refreshed
		expect(memory.get('b', NOW + 3)).toBeUndefined();
		expect(memory.get('a', NOW + 3)).toBe(NOW + 2);
		memory.delete('a');
		expect(memory.get('a', NOW + 3)).toBeUndefined();
		memory.clear();
		expect(memory.get('c', NOW + 3)).toBeUndefined();
	});

	it('forgetProcessMemory clears what a restart would', () => {
		processMemory.events.set('wf:node:mid:x', NOW);
		processMemory.replies.set('wf:node:page:user', NOW);
		forgetProcessMemory();
		expect(processMemory.events.get('wf:node:mid:x', NOW)).toBeUndefined();
		expect(processMemory.replies.get('wf:node:page:user', NOW)).toBeUndefined();
	});
});
