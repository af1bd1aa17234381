/**
 * RateGate on its own, on a mocked clock (node:test mock timers drive both `Date.now()` and the
 * `setTimeout` behind n8n's `sleep`), so every wait is checked to the millisecond and costs no real time:
 * sliding one-second windows per lane, weights, batches heavier than a lane, several lanes per call,
 * calls in flight holding their place until a window after their answer, the run-wide pause, and how
 * pause and pacing work together.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';

import { RateGate, laneCapacity, type FinishCall, type Lane, type Pacing } from '../../nodes/platforms/core/rateGate';

afterEach(() => {
	jest.useRealTimers();
});

const T0 = 1_700_000_000_000;

interface Tracked {
	/** Milliseconds after T0 at which the call was let through; undefined while it waits. */
	at: number | undefined;
	passed: boolean | undefined;
	/** For calls kept in flight: reports their answer. */
	finish?: FinishCall;
}

/** Lets resolved promises run their continuations (setImmediate is not mocked). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function mockedClock() {
	jest.useFakeTimers({ now: T0, doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval'] });
	const gate = new RateGate(() => Date.now());
	const elapsed = () => Date.now() - T0;
	return {
		gate,
		elapsed,
		/**
		 * Starts a call now and records when it is let through. The call is answered the moment it is let
		 * through, unless `inFlight`: then it stays in flight until `finish()`.
		 */
		call(pacing: Pacing[], options: { maxWaitMs?: number; inFlight?: boolean } = {}): Tracked {
			const tracked: Tracked = { at: undefined, passed: undefined };
			void gate.pass(pacing, options.maxWaitMs).then((finish) => {
				tracked.at = elapsed();
				tracked.passed = finish !== undefined;
				if (options.inFlight) tracked.finish = finish;
				else finish?.();
			});
			return tracked;
		},
		/** Moves the clock to `ms` after T0 one millisecond at a time, letting every due wait finish. */
		async advanceTo(ms: number): Promise<void> {
			await settle();
			while (elapsed() < ms) {
				jest.advanceTimersByTime(1);
				await settle();
			}
		},
	};
}

const lane = (name: string, perSecond: number): Lane => ({ name, perSecond });
const one = (l: Lane, weight = 1): Pacing[] => [{ lane: l, weight }];

/** When each call was let through (ms after T0). */
const times = (calls: Tracked[]) => calls.map((c) => c.at);

describe('RateGate lanes: a sliding one-second window per lane', () => {
	it('up to perSecond calls pass at once; the next one waits exactly until the oldest leaves the window', async () => {
		const clock = mockedClock();
		const text = lane('text', 3);
		const first = [clock.call(one(text)), clock.call(one(text)), clock.call(one(text))];
		const fourth = clock.call(one(text));
		await clock.advanceTo(0);
		expect(times(first)).toStrictEqual([0, 0, 0]);
		// a fourth call within the second must wait
		expect(fourth.at).toBeUndefined();
		await clock.advanceTo(999);
		// still inside the window at 999 ms
		expect(fourth.at).toBeUndefined();
		await clock.advanceTo(1000);
		expect(fourth.at).toBe(1000);
		expect(fourth.passed).toBe(true);
	});

	it('the window slides with the calls: no fresh budget at each full second', async () => {
		const clock = mockedClock();
		const text = lane('text', 3);
		await clock.advanceTo(600);
		const early = [clock.call(one(text)), clock.call(one(text)), clock.call(one(text))];
		await clock.advanceTo(700);
		const later = [clock.call(one(text)), clock.call(one(text)), clock.call(one(text)), clock.call(one(text))];
		// A per-second bucket would let `later` through at 1000 ms; the calls at 600 ms fill the window until 1600 ms.
		await clock.advanceTo(1599);
		expect(times(early)).toStrictEqual([600, 600, 600]);
		expect(times(later)).toStrictEqual([undefined, undefined, undefined, undefined]);
		await clock.advanceTo(2600);
		expect(times(later)).toStrictEqual([1600, 1600, 1600, 2600]);
	});

	it('calls of equal weight take their turn in the order they ask', async () => {
		const clock = mockedClock();
		const slow = lane('slow', 1);
		const calls = [clock.call(one(slow))];
		await clock.advanceTo(10);
		calls.push(clock.call(one(slow)));
		await clock.advanceTo(20);
		calls.push(clock.call(one(slow)));
		await clock.advanceTo(30);
		calls.push(clock.call(one(slow)));
		await clock.advanceTo(3000);
		expect(times(calls)).toStrictEqual([0, 1000, 2000, 3000]);
	});

	it('a weighted call waits until its whole weight fits, and counts as that many calls', async () => {
		const clock = mockedClock();
		const text = lane('text', 5);
		const three = clock.call(one(text, 3));
		await clock.advanceTo(200);
		const single = clock.call(one(text));
		await clock.advanceTo(300);
		// 4 of 5 used: a weight of 2 needs the 3 calls of 0 ms to leave (1 would do, they left together).
		const two = clock.call(one(text, 2));
		await clock.advanceTo(999);
		expect([three.at, single.at, two.at]).toStrictEqual([0, 200, undefined]);
		await clock.advanceTo(1000);
		expect(two.at).toBe(1000);
		// In the window now: 200 ms (1) and 1000 ms (2). A weight of 3 needs the call of 200 ms gone.
		const another = clock.call(one(text, 3));
		await clock.advanceTo(1199);
		expect(another.at).toBeUndefined();
		await clock.advanceTo(1200);
		expect(another.at).toBe(1200);
	});

	it('a batch heavier than the whole lane goes alone into an empty window, and fills it for a full second', async () => {
		const clock = mockedClock();
		const video = lane('video', 9);
		const single = clock.call(one(video));
		await clock.advanceTo(100);
		// 50 calls can never fit into 9; the gate does not wait forever but for an empty window.
		const batch = clock.call(one(video, 50));
		await clock.advanceTo(999);
		expect(single.at).toBe(0);
		// the heavy batch shares no window with another call
		expect(batch.at).toBeUndefined();
		await clock.advanceTo(1000);
		expect(batch.at).toBe(1000);
		// All 50 count: the lane is full until they leave, a whole second later.
		const next = clock.call(one(video));
		await clock.advanceTo(1999);
		expect(next.at).toBeUndefined();
		await clock.advanceTo(2000);
		expect(next.at).toBe(2000);
	});

	it('lanes are independent; a call on two lanes waits for the fuller one and counts on both at once', async () => {
		const clock = mockedClock();
		const send = lane('send', 5);
		const video = lane('video', 2);
		const both = (): Pacing[] => [
			{ lane: send, weight: 1 },
			{ lane: video, weight: 1 },
		];
		const videos = [clock.call(both()), clock.call(both()), clock.call(both())];
		await clock.advanceTo(10);
		// The third video waits for the video lane; it has not taken a place on the send lane meanwhile.
		const texts = [clock.call(one(send)), clock.call(one(send)), clock.call(one(send)), clock.call(one(send))];
		await clock.advanceTo(999);
		expect(times(videos)).toStrictEqual([0, 0, undefined]);
		// send lane: 2 videos + 3 texts = 5
		expect(times(texts)).toStrictEqual([10, 10, 10, undefined]);
		// Another lane name is another window, even when full lanes exist.
		const other = clock.call(one(lane('other', 1)));
		await clock.advanceTo(1000);
		// a call on another lane passes at once
		expect(other.at).toBe(999);
		// At 1000 ms the two videos of 0 ms leave both lanes: the waiting video and the waiting text go.
		expect(videos[2].at).toBe(1000);
		expect(texts[3].at).toBe(1000);
	});

	it('below one call per second a lane allows one call per 1 / perSecond seconds', async () => {
		const clock = mockedClock();
		expect(laneCapacity(lane('half', 0.5))).toStrictEqual({ capacity: 1, windowMs: 2000 });
		// rounded down: never above the rate
		expect(laneCapacity(lane('fractional', 2.5))).toStrictEqual({ capacity: 2, windowMs: 1000 });
		const half = lane('half', 0.5);
		const calls = [clock.call(one(half)), clock.call(one(half)), clock.call(one(half))];
		await clock.advanceTo(4000);
		expect(times(calls)).toStrictEqual([0, 2000, 4000]);
	});
});

describe('RateGate lanes: a call counts from the moment it is let through until a window after its answer', () => {
	it('a call in flight holds its place; the window starts with its answer', async () => {
		const clock = mockedClock();
		const slow = lane('slow', 1);
		const first = clock.call(one(slow), { inFlight: true });
		const second = clock.call(one(slow));
		await clock.advanceTo(1300);
		expect(first.at).toBe(0);
		// a second after the first call started, it is still in flight
		expect(second.at).toBeUndefined();
		first.finish?.();
		await clock.advanceTo(2299);
		// the platform may have counted the first call as late as 1300 ms
		expect(second.at).toBeUndefined();
		await clock.advanceTo(2300);
		expect(second.at).toBe(2300);
	});

	it('slow first calls of a run cannot crowd one second at the platform with the calls after them', async () => {
		const clock = mockedClock();
		const text = lane('text', 3);
		// Three calls let through at 0 ms that take 40 ms to arrive and are answered at 50 ms.
		const burst = [0, 1, 2].map(() => clock.call(one(text), { inFlight: true }));
		const next = [0, 1, 2].map(() => clock.call(one(text)));
		await clock.advanceTo(50);
		for (const call of burst) call.finish?.();
		// Counted at their start, `next` would go at 1000 ms and arrive within 1 s of the burst's 40 ms arrival.
		await clock.advanceTo(1049);
		expect(times(next)).toStrictEqual([undefined, undefined, undefined]);
		await clock.advanceTo(1050);
		expect(times(next)).toStrictEqual([1050, 1050, 1050]);
	});

	it('a waiter blocked only by calls in flight goes as soon as a finished call\'s window allows', async () => {
		const clock = mockedClock();
		const text = lane('text', 2);
		const a = clock.call(one(text), { inFlight: true });
		const b = clock.call(one(text), { inFlight: true });
		const c = clock.call(one(text));
		await clock.advanceTo(100);
		a.finish?.();
		await clock.advanceTo(300);
		b.finish?.();
		await clock.advanceTo(1099);
		expect(c.at).toBeUndefined();
		await clock.advanceTo(1100);
		// one window after the earlier answer (100 ms)
		expect(c.at).toBe(1100);
		// Reporting an answer twice changes nothing.
		a.finish?.();
		const d = clock.call(one(text));
		await clock.advanceTo(2100);
		expect(d.at).toBe(1300);
	});

	it('a batch in flight blocks its lane whole, also when it is heavier than the lane', async () => {
		const clock = mockedClock();
		const video = lane('video', 9);
		const batch = clock.call(one(video, 12), { inFlight: true });
		const single = clock.call(one(video));
		await clock.advanceTo(2000);
		expect(batch.at).toBe(0);
		expect(single.at).toBeUndefined();
		batch.finish?.();
		await clock.advanceTo(3000);
		expect(single.at).toBe(3000);
	});
});

describe('RateGate: pause and pacing together', () => {
	it('a pause holds a call that has room in its lane', async () => {
		const clock = mockedClock();
		const text = lane('text', 100);
		clock.gate.pauseFor(1500, 'Meta asked to slow down');
		const call = clock.call(one(text));
		await clock.advanceTo(1499);
		expect(call.at).toBeUndefined();
		expect(clock.gate.reason).toBe('Meta asked to slow down');
		await clock.advanceTo(1500);
		expect(call.at).toBe(1500);
		expect(clock.gate.reason).toBeUndefined();
	});

	it('a pause that starts while a call waits for room in its lane holds that call too', async () => {
		const clock = mockedClock();
		const text = lane('text', 1);
		const first = clock.call(one(text));
		const second = clock.call(one(text)); // room again at 1000 ms
		await clock.advanceTo(500);
		// Another request of the run is rate-limited: nothing may go out for 2 s, also not the paced call.
		clock.gate.pauseFor(2000);
		await clock.advanceTo(2499);
		expect(first.at).toBe(0);
		// went out during the pause
		expect(second.at).toBeUndefined();
		await clock.advanceTo(2500);
		expect(second.at).toBe(2500);
	});

	it('calls released by a pause are still paced: no burst above the lane', async () => {
		const clock = mockedClock();
		const text = lane('text', 3);
		clock.gate.pauseFor(500);
		const calls = Array.from({ length: 7 }, () => clock.call(one(text)));
		await clock.advanceTo(2500);
		expect(times(calls)).toStrictEqual([500, 500, 500, 1500, 1500, 1500, 2500]);
	});

	it('a pause extended while a call waits for room holds it until the longer pause ends', async () => {
		const clock = mockedClock();
		const text = lane('text', 1);
		clock.call(one(text));
		clock.gate.pauseFor(300);
		const waiting = clock.call(one(text));
		await clock.advanceTo(800);
		clock.gate.pauseFor(700); // until 1500 ms, after the lane has room (1000 ms)
		await clock.advanceTo(1499);
		expect(waiting.at).toBeUndefined();
		await clock.advanceTo(1500);
		expect(waiting.at).toBe(1500);
	});

	it('a pause longer than the caller may wait refuses at once and counts nothing on the lanes', async () => {
		const clock = mockedClock();
		const text = lane('text', 1);
		clock.gate.pauseFor(60_000);
		const refused = clock.call(one(text), { maxWaitMs: 1000 });
		await clock.advanceTo(0);
		expect(refused).toStrictEqual({ at: 0, passed: false });
		await clock.advanceTo(60_000);
		// The refused call took no place: the first call after the pause passes at once.
		const after = clock.call(one(text));
		await clock.advanceTo(60_000);
		expect(after).toStrictEqual({ at: 60_000, passed: true });
	});

	it('a caller that may wait long enough waits for the pause and then for its lane', async () => {
		const clock = mockedClock();
		const text = lane('text', 1);
		clock.call(one(text));
		clock.gate.pauseFor(200);
		const call = clock.call(one(text), { maxWaitMs: 5000 });
		await clock.advanceTo(1000);
		expect(call).toStrictEqual({ at: 1000, passed: true });
	});

	it('acquire is the pause alone; pace is one lane (and honours the pause as well)', async () => {
		const clock = mockedClock();
		const text = lane('text', 1);
		await clock.gate.pace(text);
		clock.gate.pauseFor(400);
		let acquiredAt: number | undefined;
		let pacedAt: number | undefined;
		void clock.gate.acquire().then(() => (acquiredAt = clock.elapsed()));
		void clock.gate.pace(text).then(() => (pacedAt = clock.elapsed()));
		await clock.advanceTo(1000);
		// acquire waits for the pause, not for any lane
		expect(acquiredAt).toBe(400);
		expect(pacedAt).toBe(1000);
	});
});

describe('RateGate adaptive lanes: paced only once the platform signalled a limit', () => {
	it('before tighten() an adaptive lane lets every call through at once; after it, the lane keeps its pace', async () => {
		const clock = mockedClock();
		const adaptive: Lane = { name: 'adaptive-text', perSecond: 3, adaptive: true };
		const open = Array.from({ length: 6 }, () => clock.call(one(adaptive)));
		await clock.advanceTo(0);
		// unpaced before any signal
		expect(times(open)).toStrictEqual([0, 0, 0, 0, 0, 0]);
		expect(clock.gate.isTightened).toBe(false);

		clock.gate.tighten();
		// The six calls of t=0 are still in the window: the next call waits until they leave it at t=1000,
		// and only three fit per window from then on.
		const paced = Array.from({ length: 4 }, () => clock.call(one(adaptive)));
		await clock.advanceTo(2100);
		expect(times(paced)).toStrictEqual([1000, 1000, 1000, 2000]);
	});

	it('a non-adaptive lane paces from the first call, whatever tighten() says', async () => {
		const clock = mockedClock();
		const fixed = lane('fixed-text', 2);
		const calls = Array.from({ length: 3 }, () => clock.call(one(fixed)));
		await clock.advanceTo(1100);
		expect(times(calls)).toStrictEqual([0, 0, 1000]);
		expect(clock.gate.isTightened).toBe(false);
	});
});

describe('RateGate lanes that learn, fed the answers of the calls they counted', () => {
	const page: Lane = { name: 'page', perSecond: 285, learn: true };
	const thread: Lane = { name: 'thread', perSecond: 1, learn: true, ignoresUsage: true };
	const both: Pacing[] = [...one(page), ...one(thread)];

	it('usage headers at 100 % size the Page lane, not a thread lane that ignores usage (the quota is the Page\'s)', async () => {
		let now = T0;
		const gate = new RateGate(() => now);
		const finish = (await gate.pass(both)) as FinishCall;
		now += 40;
		finish({ usagePercent: 100 });
		expect(gate.learnedLimit(page)).toBe(1);
		expect(gate.learnedLimit(thread)).toBeUndefined();
	});

	it('a refusal still teaches the thread lane its limit', async () => {
		let now = T0;
		const gate = new RateGate(() => now);
		const accepted = (await gate.pass(both)) as FinishCall;
		now += 40;
		accepted();
		const refused = (await gate.pass(both)) as FinishCall;
		now += 40;
		refused({ refused: true });
		expect(gate.learnedLimit(thread)).toBe(1);
	});
});
