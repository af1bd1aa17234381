/**
 * LearnedLimit on its own, with the clock passed in (no timers, no timed asserts): the slow start, the
 * first limit from a refusal or from usage headers that rise with the run's calls, the documented rate
 * when usage is high but does not rise, easing on refusals and high usage at most once per window, and
 * probing upward while callers wait and answers are clean.
 */
import { describe, expect, it } from '@jest/globals';

import { LearnedLimit } from '../../nodes/platforms/core/learnedLimit';

const WINDOW = 1000;
const DOCUMENTED = 285;

describe('LearnedLimit', () => {
	it('slow start: 20 in flight at first, one more per clean answer, no limit yet', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		expect(limit.capacity).toBeUndefined();
		expect(limit.inFlightCap).toBe(20);
		for (let i = 0; i < 30; i++) limit.answered(1, {}, i);
		expect(limit.inFlightCap).toBe(50);
		expect(limit.capacity).toBeUndefined();
	});

	it('the first refusal sets the limit to the calls accepted within the last window', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		for (let i = 0; i < 40; i++) limit.answered(1, {}, 100 + i); // 40 accepted at 100-139 ms
		for (let i = 0; i < 60; i++) limit.answered(1, {}, 1200 + i); // 60 more; the first 40 have left the window
		limit.answered(1, { refused: 1 }, 1300);
		expect(limit.capacity).toBe(60);
	});

	it('usage that rises with the calls sizes the limit: 20 calls for 20 points is 100 per window, kept at 95 %', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		limit.answered(1, { usagePercent: 20 }, 0);
		for (let i = 1; i <= 9; i++) limit.answered(1, { usagePercent: 20 + i }, i);
		// a rise of 9 points is too coarse
		expect(limit.capacity).toBeUndefined();
		limit.answered(1, { usagePercent: 30 }, 10);
		expect(limit.capacity).toBe(95);
	});

	it('a first reading of at most 5 % counts as rising from nothing: 10 calls at 10 % is 100 per window', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		for (let i = 1; i <= 9; i++) limit.answered(1, { usagePercent: i }, i);
		expect(limit.capacity).toBeUndefined();
		limit.answered(1, { usagePercent: 10 }, 10);
		expect(limit.capacity).toBe(95);
	});

	it('usage that is high but does not rise over 20 answers starts the lane at the documented rate', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		for (let i = 0; i < 19; i++) limit.answered(1, { usagePercent: 80 }, i);
		expect(limit.capacity).toBeUndefined();
		limit.answered(1, { usagePercent: 80 }, 19);
		expect(limit.capacity).toBe(DOCUMENTED);
	});

	it('answers of a burst in any order: usage at 100 % says the calls counted in the window fill the quota', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		// 20 calls went out together against a quota of 20; the answer read at 100 % comes back first.
		limit.answered(1, { usagePercent: 100 }, 40, 20);
		expect(limit.capacity).toBe(19);
	});

	it('the lowest reading is the base: readings 85, 15, 30 with 3 answers mean 1 call per 15 points', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		limit.answered(1, { usagePercent: 85 }, 0);
		limit.answered(1, { usagePercent: 15 }, 1);
		expect(limit.capacity).toBeUndefined();
		limit.answered(1, { usagePercent: 30 }, 2);
		expect(limit.capacity).toBe(Math.floor((1 * 100 * 0.95) / 15));
	});

	it('low usage that does not rise sets nothing', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		for (let i = 0; i < 100; i++) limit.answered(1, { usagePercent: 30 }, i);
		expect(limit.capacity).toBeUndefined();
	});

	it('a refusal eases the limit by 15 %, once per window however many refusals come', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		for (let i = 0; i < 100; i++) limit.answered(1, {}, i);
		limit.answered(1, { refused: 1 }, 100);
		expect(limit.capacity).toBe(100);
		for (let i = 0; i < 10; i++) limit.answered(1, { refused: 1 }, 200 + i);
		// refusals of calls sent before the change say nothing new
		expect(limit.capacity).toBe(100);
		limit.answered(1, { refused: 1 }, 1100);
		expect(limit.capacity).toBe(85);
	});

	it('usage at 97 % or more eases by 5 %; below 90 % and with callers waiting, the limit probes up 5 % per window', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		for (let i = 0; i < 20; i++) limit.answered(1, { usagePercent: 80 }, i);
		expect(limit.capacity).toBe(285);
		limit.answered(1, { usagePercent: 98 }, 1019);
		expect(limit.capacity).toBe(270);
		// Clean answers but nobody waited for the lane: no reason to probe.
		limit.answered(1, { usagePercent: 50 }, 2500);
		expect(limit.capacity).toBe(270);
		limit.noteWait(2600);
		limit.answered(1, { usagePercent: 50 }, 2700);
		expect(limit.capacity).toBe(283);
		limit.noteWait(3000);
		limit.answered(1, { usagePercent: 50 }, 3100);
		// at most one change per window
		expect(limit.capacity).toBe(283);
		// Usage at 90 % or more within the last window holds the limit where it is.
		limit.noteWait(3800);
		limit.answered(1, { usagePercent: 92 }, 3800);
		limit.answered(1, { usagePercent: 50 }, 3900);
		expect(limit.capacity).toBe(283);
	});

	it('probing never climbs back to a limit that met a refusal', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		for (let i = 0; i < 100; i++) limit.answered(1, {}, i);
		limit.answered(1, { refused: 1 }, 100); // 100 from the first refusal
		limit.answered(1, { refused: 1 }, 1100); // refused at 100: 85, and no more than 99 from now on
		expect(limit.capacity).toBe(85);
		for (let t = 2200; t < 12_000; t += 1100) {
			limit.noteWait(t);
			limit.answered(1, {}, t);
		}
		expect(limit.capacity).toBe(99);
	});

	it('never below one call per window', () => {
		const limit = new LearnedLimit(WINDOW, DOCUMENTED);
		limit.answered(1, { refused: 1 }, 0);
		expect(limit.capacity).toBe(1);
		limit.answered(1, { refused: 1 }, 5000);
		expect(limit.capacity).toBe(1);
	});
});
