/**
 * nodes/platforms/dedupe.ts: the bounded first-sighting store kept in workflow static data, and the
 * process memory that covers deliveries whose static data is not saved yet.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import {
	DEDUPE_MAX_ENTRIES,
	DEDUPE_WINDOW_MS,
	PROCESS_MEMORY_MS,
	RecentKeys,
	forgetProcessMemory,
	markFirstSightings,
	processMemory,
} from '../../nodes/platforms/dedupe';

const NOW = 1_714_554_000_000;

/** What n8n does to static data between executions and across restarts. */
const reload = (store: IDataObject): IDataObject => JSON.parse(JSON.stringify(store)) as IDataObject;

describe('markFirstSightings', () => {
	test('new keys are fresh once; repeats within one call and across calls are not', () => {
		const store: IDataObject = {};
		assert.deepEqual(markFirstSightings(store, ['mid:a', 'mid:b', 'mid:a'], NOW), [true, true, false]);
		assert.deepEqual(markFirstSightings(store, ['mid:b', 'mid:c'], NOW + 1), [false, true]);
		assert.deepEqual(markFirstSightings(store, [], NOW + 2), []);
		assert.equal(Object.keys(store).length, 3);
	});

	test('keys are stored as short digests with the first-seen time, not as the ids themselves', () => {
		const store: IDataObject = {};
		const mid = `mid:m_${'x'.repeat(200)}`;
		markFirstSightings(store, [mid], NOW);
		const [[key, seenAt]] = Object.entries(store);
		assert.match(key, /^[A-Za-z0-9_-]{16}$/);
		assert.equal(seenAt, NOW);
		assert.ok(!JSON.stringify(store).includes('xxxx'));
	});

	test('survives a reload of static data (restart)', () => {
		let store: IDataObject = {};
		markFirstSightings(store, ['mid:a', 'mid:b'], NOW);
		store = reload(store);
		assert.deepEqual(markFirstSightings(store, ['mid:a', 'mid:b', 'mid:c'], NOW + 1000), [false, false, true]);
	});

	test('entries older than the window are forgotten', () => {
		const store: IDataObject = {};
		markFirstSightings(store, ['mid:old'], NOW);
		markFirstSightings(store, ['mid:newer'], NOW + DEDUPE_WINDOW_MS / 2);
		// Still inside the window: remembered.
		assert.deepEqual(markFirstSightings(store, ['mid:old'], NOW + DEDUPE_WINDOW_MS), [false]);
		// Past it: the old key is gone (and counts as new again), the newer one stays.
		assert.deepEqual(markFirstSightings(store, ['mid:old', 'mid:newer'], NOW + DEDUPE_WINDOW_MS + 1), [true, false]);
		assert.equal(Object.keys(store).length, 2);
	});

	test('at most DEDUPE_MAX_ENTRIES entries; the oldest go first', () => {
		const store: IDataObject = {};
		const keys = Array.from({ length: DEDUPE_MAX_ENTRIES }, (_, index) => `mid:${index}`);
		markFirstSightings(store, keys, NOW);
		assert.equal(Object.keys(store).length, DEDUPE_MAX_ENTRIES);
		markFirstSightings(store, ['mid:extra-1', 'mid:extra-2'], NOW + 1);
		assert.equal(Object.keys(store).length, DEDUPE_MAX_ENTRIES);
		// mid:0 and mid:1 were dropped, mid:2 and the new ones are remembered.
		const check = reload(store);
		assert.deepEqual(markFirstSightings(check, ['mid:2', 'mid:extra-1', 'mid:extra-2'], NOW + 2), [false, false, false]);
		assert.deepEqual(markFirstSightings(reload(store), ['mid:0', 'mid:1'], NOW + 2), [true, true]);
	});

	test('the 6-hour window and 10,000 entries the README promises', () => {
		assert.equal(DEDUPE_WINDOW_MS, 6 * 60 * 60 * 1000);
		assert.equal(DEDUPE_MAX_ENTRIES, 10_000);
	});
});

describe('RecentKeys (process memory)', () => {
	test('claim once, then not again while remembered', () => {
		const memory = new RecentKeys();
		assert.equal(memory.claim('a', NOW), true);
		assert.equal(memory.claim('a', NOW + 1), false);
		assert.equal(memory.get('a', NOW + 1), NOW);
		assert.equal(memory.claim('b', NOW + 1), true);
	});

	test('forgets keys older than its age, without timers', () => {
		const memory = new RecentKeys(1000);
		memory.set('a', NOW);
		memory.set('b', NOW + 500);
		assert.equal(memory.get('a', NOW + 1000), NOW);
		assert.equal(memory.get('a', NOW + 1001), undefined);
		assert.equal(memory.get('b', NOW + 1001), NOW + 500);
		assert.equal(memory.claim('a', NOW + 1002), true);
	});

	test('bounded in size: the oldest go first', () => {
		const memory = new RecentKeys(PROCESS_MEMORY_MS, 3);
		for (const [index, key] of ['a', 'b', 'c', 'd'].entries()) memory.set(key, NOW + index);
		assert.equal(memory.get('a', NOW + 4), undefined);
		assert.deepEqual(
			['b', 'c', 'd'].map((key) => memory.get(key, NOW + 4)),
			[NOW + 1, NOW + 2, NOW + 3],
		);
	});

	test('set refreshes a key, delete and clear forget', () => {
		const memory = new RecentKeys(1000, 2);
		memory.set('a', NOW);
		memory.set('b', NOW + 1);
		memory.set('a', NOW + 2);
		memory.set('c', NOW + 3);
		assert.equal(memory.get('b', NOW + 3), undefined, 'b was the oldest after a was refreshed');
		assert.equal(memory.get('a', NOW + 3), NOW + 2);
		memory.delete('a');
		assert.equal(memory.get('a', NOW + 3), undefined);
		memory.clear();
		assert.equal(memory.get('c', NOW + 3), undefined);
	});

	test('forgetProcessMemory clears what a restart would', () => {
		processMemory.events.set('wf:node:mid:x', NOW);
		processMemory.replies.set('wf:node:page:user', NOW);
		forgetProcessMemory();
		assert.equal(processMemory.events.get('wf:node:mid:x', NOW), undefined);
		assert.equal(processMemory.replies.get('wf:node:page:user', NOW), undefined);
	});
});
