/**
 * Messages per Graph batch request: whole batches must fill the send lane's second, because a batch counts
 * all its parts at once (at 285/s, batches of 50 fit 5 times: 250; batches of 47 fit 6 times: 282).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { batchSizeFor, MAX_BATCH_SIZE } from '../../nodes/platforms/meta/batch';
import { laneCapacity } from '../../nodes/platforms/rateGate';

const lane = (perSecond: number) => ({ name: 'meta-send', perSecond });

describe('batchSizeFor', () => {
	test('the default pace (285/s) gets batches of 47: 6 of them use 282 of 285', () => {
		assert.equal(batchSizeFor(lane(285)), 47);
	});

	test('paces that are multiples of 50 keep Graph\'s maximum of 50', () => {
		assert.equal(batchSizeFor(lane(300)), MAX_BATCH_SIZE);
		assert.equal(batchSizeFor(lane(100)), MAX_BATCH_SIZE);
		assert.equal(batchSizeFor(lane(50)), MAX_BATCH_SIZE);
	});

	test('a pace below 50 per second is one batch per second; below 1 per second, one message per batch', () => {
		assert.equal(batchSizeFor(lane(30)), 30);
		assert.equal(batchSizeFor(lane(9)), 9);
		assert.equal(batchSizeFor(lane(0.5)), 1);
	});

	test('whole batches always fill at least 5/6 of any pace and never exceed 50', () => {
		for (let perSecond = 1; perSecond <= 2000; perSecond++) {
			const size = batchSizeFor(lane(perSecond));
			const { capacity } = laneCapacity(lane(perSecond));
			assert.ok(size >= 1 && size <= MAX_BATCH_SIZE, `${perSecond}/s: ${size}`);
			const used = Math.floor(capacity / size) * size;
			assert.ok(used <= capacity && used >= (5 / 6) * capacity, `${perSecond}/s: batches of ${size} use ${used}`);
		}
	});
});
