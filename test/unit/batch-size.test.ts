/**
 * Messages per Graph batch request: whole batches must fill the send lane's second, because a batch counts
 * all its parts at once (at 285/s, batches of 50 fit 5 times: 250; batches of 47 fit 6 times: 282).
 */
import { describe, expect, it } from '@jest/globals';

import { batchSizeFor, MAX_BATCH_SIZE } from '../../nodes/platforms/meta/batch';
import { laneCapacity } from '../../nodes/platforms/core/rateGate';

const lane = (perSecond: number) => ({ name: 'meta-send', perSecond });

describe('batchSizeFor', () => {
	it('the default pace (285/s) gets batches of 47: 6 of them use 282 of 285', () => {
		expect(batchSizeFor(lane(285))).toBe(47);
	});

	it('paces that are multiples of 50 keep Graph\'s maximum of 50', () => {
		expect(batchSizeFor(lane(300))).toBe(MAX_BATCH_SIZE);
		expect(batchSizeFor(lane(100))).toBe(MAX_BATCH_SIZE);
		expect(batchSizeFor(lane(50))).toBe(MAX_BATCH_SIZE);
	});

	it('a pace below 50 per second is one batch per second; below 1 per second, one message per batch', () => {
		expect(batchSizeFor(lane(30))).toBe(30);
		expect(batchSizeFor(lane(9))).toBe(9);
		expect(batchSizeFor(lane(0.5))).toBe(1);
	});

	it('whole batches always fill at least 5/6 of any pace and never exceed 50', () => {
		for (let perSecond = 1; perSecond <= 2000; perSecond++) {
			const size = batchSizeFor(lane(perSecond));
			const { capacity } = laneCapacity(lane(perSecond));
			// ${perSecond}/s: ${size}
			expect(size >= 1 && size <= MAX_BATCH_SIZE).toBeTruthy();
			const used = Math.floor(capacity / size) * size;
			// ${perSecond}/s: batches of ${size} use ${used}
			expect(used <= capacity && used >= (5 / 6) * capacity).toBeTruthy();
		}
	});
});
