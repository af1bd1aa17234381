/**
 * nodes/platforms/seenSet.ts (issue 14, item 4): the compact set of seen keys in static data. No false
 * negatives within the window, bounded in count and in bytes, expiry by bucket, the stated false-positive
 * rate, a lossless round trip through JSON, and stored data it did not write read as empty rather than
 * trusted.
 */
import { describe, expect, it } from '@jest/globals';

import { DEDUPE_LIMITS } from '../../nodes/platforms/core/dedupe';
import { HASH_BITS, SeenSet, keyHash, type SeenSetLimits } from '../../nodes/platforms/core/seenSet';

const NOW = 1_714_554_000_000;
const MINUTE = 60_000;
const reload = (set: SeenSet, limits: SeenSetLimits = DEDUPE_LIMITS) => new SeenSet(limits, JSON.parse(JSON.stringify(set)));
const jsonLength = (set: SeenSet) => JSON.stringify(set).length;

describe('SeenSet', () => {
	it('no false negatives: every key added within the window is found, also after a reload', () => {
		let set = new SeenSet(DEDUPE_LIMITS);
		// 9,000 keys over 6 hours, with a reload every 100 keys as between deliveries.
		const keys = Array.from({ length: 9000 }, (_, index) => `mid:m_${index}`);
		const step = DEDUPE_LIMITS.windowMs / keys.length;
		keys.forEach((key, index) => {
			set.add(keyHash(key), NOW + index * step);
			if (index % 100 === 99) {
				set.prune(NOW + index * step);
				set = reload(set);
			}
		});
		set.prune(NOW + DEDUPE_LIMITS.windowMs);
		const missed = keys.filter((key) => !set.has(keyHash(key)));
		expect(missed).toStrictEqual([]);
		expect(set.size).toBe(keys.length);
	});

	it('expiry: a bucket goes once its newest key is older than the window', () => {
		const set = new SeenSet(DEDUPE_LIMITS);
		set.add(keyHash('a'), NOW);
		set.add(keyHash('b'), NOW + 10 * MINUTE);
		set.add(keyHash('c'), NOW + 40 * MINUTE); // past the 30-minute span: a new bucket
		set.prune(NOW + 10 * MINUTE + DEDUPE_LIMITS.windowMs);
		// a is kept while its bucket holds a newer key
		expect(['a', 'b', 'c'].map((key) => set.has(keyHash(key)))).toStrictEqual([true, true, true]);
		set.prune(NOW + 10 * MINUTE + DEDUPE_LIMITS.windowMs + 1);
		expect(['a', 'b', 'c'].map((key) => set.has(keyHash(key)))).toStrictEqual([false, false, true]);
		set.prune(NOW + 40 * MINUTE + DEDUPE_LIMITS.windowMs + 1);
		expect(set.size).toBe(0);
		expect(set.toJSON().buckets).toStrictEqual([]);
	});

	it('bounded in count: at most maxEntries + one bucket, and always the newest maxEntries', () => {
		const set = new SeenSet(DEDUPE_LIMITS);
		const total = 25_000;
		for (let index = 0; index < total; index++) {
			set.add(keyHash(`mid:${index}`), NOW + index);
			if (index % 10 !== 9) continue;
			set.prune(NOW + index);
			expect(set.size).toBeLessThanOrEqual(DEDUPE_LIMITS.maxEntries + DEDUPE_LIMITS.bucketMaxEntries);
		}
		expect(set.size).toBeGreaterThanOrEqual(DEDUPE_LIMITS.maxEntries);
		for (let index = total - DEDUPE_LIMITS.maxEntries; index < total; index++) expect(set.has(keyHash(`mid:${index}`))).toBeTruthy(); // mid:${index}
	});

	it('bounded in bytes: 10,000 keys in under 50 KB of JSON; the character bound holds whatever the limits', () => {
		const set = new SeenSet(DEDUPE_LIMITS);
		for (let index = 0; index < 10_000; index++) set.add(keyHash(`mid:m_${index}_${'x'.repeat(60)}`), NOW + index * 1000);
		set.prune(NOW + 10_000 * 1000);
		expect(set.size).toBe(10_000);
		// ${jsonLength(set)} characters
		expect(jsonLength(set)).toBeLessThanOrEqual(50_000);

		// A tighter character bound than the count bound would allow: old buckets go to meet it.
		const tight: SeenSetLimits = { ...DEDUPE_LIMITS, maxChars: 12_000 };
		const small = new SeenSet(tight);
		for (let index = 0; index < 10_000; index++) {
			small.add(keyHash(`mid:${index}`), NOW + index);
			small.prune(NOW + index);
			// ${jsonLength(small)} characters at ${index}
			expect(jsonLength(small)).toBeLessThanOrEqual(12_000);
		}
		expect(small.has(keyHash('mid:9999'))).toBeTruthy();
	});

	it(`false positives: about (keys held) / 2^${HASH_BITS} per lookup, none in 300,000 lookups of new keys`, () => {
		const set = new SeenSet(DEDUPE_LIMITS);
		for (let index = 0; index < 11_000; index++) set.add(keyHash(`seen:${index}`), NOW);
		const expected = (300_000 * set.size) / 2 ** HASH_BITS;
		// expected ${expected}
		expect(expected).toBeLessThan(0.2);
		let falsePositives = 0;
		for (let index = 0; index < 300_000; index++) if (set.has(keyHash(`new:${index}`))) falsePositives++;
		expect(falsePositives).toBe(0);
	});

	it('a hash already held is not added twice; the JSON round trip is lossless', () => {
		const set = new SeenSet(DEDUPE_LIMITS);
		for (const key of ['a', 'b', 'a', 'c', 'b']) set.add(keyHash(key), NOW);
		expect(set.size).toBe(3);
		const copy = reload(set);
		expect(copy.toJSON()).toStrictEqual(set.toJSON());
		expect(['a', 'b', 'c', 'd'].map((key) => copy.has(keyHash(key)))).toStrictEqual([true, true, true, false]);
		// Extreme hashes encode and decode as well.
		const edges = new SeenSet(DEDUPE_LIMITS);
		for (const hash of [0, 1, 2 ** HASH_BITS - 1, 2 ** 33]) edges.add(hash, NOW);
		expect([0, 1, 2 ** HASH_BITS - 1, 2 ** 33, 2].map((hash) => reload(edges).has(hash))).toStrictEqual([true, true, true, true, false]);
	});

	it('stored data it did not write is read as empty, never trusted or thrown on', () => {
		const good = new SeenSet(DEDUPE_LIMITS);
		good.add(keyHash('kept'), NOW);
		const [bucket] = good.toJSON().buckets;
		for (const stored of [null, 42, 'x', [], {}, { hashBits: 32, buckets: [bucket] }, { hashBits: HASH_BITS, buckets: 'x' }]) {
			// JSON.stringify(stored)
			expect(new SeenSet(DEDUPE_LIMITS, stored).size).toBe(0);
		}
		const broken = [null, 'x', { ...bucket, count: -1 }, { ...bucket, k: 99 }, { ...bucket, count: 500 }, { ...bucket, data: 5 }, { ...bucket, start: 'soon' }];
		const mixed = new SeenSet(DEDUPE_LIMITS, { hashBits: HASH_BITS, buckets: [...broken, bucket] });
		// only the intact bucket is read
		expect(mixed.size).toBe(1);
		expect(mixed.has(keyHash('kept'))).toBeTruthy();
	});
});
