/**
 * RateGate on its own, on a mocked clock (node:test mock timers drive both `Date.now()` and the
 * `setTimeout` behind n8n's `sleep`), so every wait is checked to the millisecond and costs no real time:
 * sliding one-second windows per lane, weights, batches heavier than a lane, several lanes per call,
 * calls in flight holding their place until a window after their answer, the run-wide pause, and how
 * pause and pacing work together.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';

import { RateGate, laneCapacity, type FinishCall, type Lane, type Pacing } from '../../nodes/platforms/rateGate';

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

function mockedClock(t: TestContext) {
	t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 });
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
				t.mock.timers.tick(1);
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
	test('up to perSecond calls pass at once; the next one waits exactly until the oldest leaves the window', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 3);
		const first = [clock.call(one(text)), clock.call(one(text)), clock.call(one(text))];
		const fourth = clock.call(one(text));
		await clock.advanceTo(0);
		assert.deepEqual(times(first), [0, 0, 0]);
		assert.equal(fourth.at, undefined, 'a fourth call within the second must wait');
		await clock.advanceTo(999);
		assert.equal(fourth.at, undefined, 'still inside the window at 999 ms');
		await clock.advanceTo(1000);
		assert.equal(fourth.at, 1000);
		assert.equal(fourth.passed, true);
	});

	test('the window slides with the calls: no fresh budget at each full second', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 3);
		await clock.advanceTo(600);
		const early = [clock.call(one(text)), clock.call(one(text)), clock.call(one(text))];
		await clock.advanceTo(700);
		const later = [clock.call(one(text)), clock.call(one(text)), clock.call(one(text)), clock.call(one(text))];
		// A per-second bucket would let `later` through at 1000 ms; the calls at 600 ms fill the window until 1600 ms.
		await clock.advanceTo(1599);
		assert.deepEqual(times(early), [600, 600, 600]);
		assert.deepEqual(times(later), [undefined, undefined, undefined, undefined]);
		await clock.advanceTo(2600);
		assert.deepEqual(times(later), [1600, 1600, 1600, 2600]);
	});

	test('calls of equal weight take their turn in the order they ask', async (t) => {
		const clock = mockedClock(t);
		const slow = lane('slow', 1);
		const calls = [clock.call(one(slow))];
		await clock.advanceTo(10);
		calls.push(clock.call(one(slow)));
		await clock.advanceTo(20);
		calls.push(clock.call(one(slow)));
		await clock.advanceTo(30);
		calls.push(clock.call(one(slow)));
		await clock.advanceTo(3000);
		assert.deepEqual(times(calls), [0, 1000, 2000, 3000]);
	});

	test('a weighted call waits until its whole weight fits, and counts as that many calls', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 5);
		const three = clock.call(one(text, 3));
		await clock.advanceTo(200);
		const single = clock.call(one(text));
		await clock.advanceTo(300);
		// 4 of 5 used: a weight of 2 needs the 3 calls of 0 ms to leave (1 would do, they left together).
		const two = clock.call(one(text, 2));
		await clock.advanceTo(999);
		assert.deepEqual([three.at, single.at, two.at], [0, 200, undefined]);
		await clock.advanceTo(1000);
		assert.equal(two.at, 1000);
		// In the window now: 200 ms (1) and 1000 ms (2). A weight of 3 needs the call of 200 ms gone.
		const another = clock.call(one(text, 3));
		await clock.advanceTo(1199);
		assert.equal(another.at, undefined);
		await clock.advanceTo(1200);
		assert.equal(another.at, 1200);
	});

	test('a batch heavier than the whole lane goes alone into an empty window, and fills it for a full second', async (t) => {
		const clock = mockedClock(t);
		const video = lane('video', 9);
		const single = clock.call(one(video));
		await clock.advanceTo(100);
		// 50 calls can never fit into 9; the gate does not wait forever but for an empty window.
		const batch = clock.call(one(video, 50));
		await clock.advanceTo(999);
		assert.equal(single.at, 0);
		assert.equal(batch.at, undefined, 'the heavy batch shares no window with another call');
		await clock.advanceTo(1000);
		assert.equal(batch.at, 1000);
		// All 50 count: the lane is full until they leave, a whole second later.
		const next = clock.call(one(video));
		await clock.advanceTo(1999);
		assert.equal(next.at, undefined);
		await clock.advanceTo(2000);
		assert.equal(next.at, 2000);
	});

	test('lanes are independent; a call on two lanes waits for the fuller one and counts on both at once', async (t) => {
		const clock = mockedClock(t);
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
		assert.deepEqual(times(videos), [0, 0, undefined]);
		assert.deepEqual(times(texts), [10, 10, 10, undefined], 'send lane: 2 videos + 3 texts = 5');
		// Another lane name is another window, even when full lanes exist.
		const other = clock.call(one(lane('other', 1)));
		await clock.advanceTo(1000);
		assert.equal(other.at, 999, 'a call on another lane passes at once');
		// At 1000 ms the two videos of 0 ms leave both lanes: the waiting video and the waiting text go.
		assert.equal(videos[2].at, 1000);
		assert.equal(texts[3].at, 1000);
	});

	test('below one call per second a lane allows one call per 1 / perSecond seconds', async (t) => {
		const clock = mockedClock(t);
		assert.deepEqual(laneCapacity(lane('half', 0.5)), { capacity: 1, windowMs: 2000 });
		assert.deepEqual(laneCapacity(lane('fractional', 2.5)), { capacity: 2, windowMs: 1000 }, 'rounded down: never above the rate');
		const half = lane('half', 0.5);
		const calls = [clock.call(one(half)), clock.call(one(half)), clock.call(one(half))];
		await clock.advanceTo(4000);
		assert.deepEqual(times(calls), [0, 2000, 4000]);
	});
});

describe('RateGate lanes: a call counts from the moment it is let through until a window after its answer', () => {
	test('a call in flight holds its place; the window starts with its answer', async (t) => {
		const clock = mockedClock(t);
		const slow = lane('slow', 1);
		const first = clock.call(one(slow), { inFlight: true });
		const second = clock.call(one(slow));
		await clock.advanceTo(1300);
		assert.equal(first.at, 0);
		assert.equal(second.at, undefined, 'a second after the first call started, it is still in flight');
		first.finish?.();
		await clock.advanceTo(2299);
		assert.equal(second.at, undefined, 'the platform may have counted the first call as late as 1300 ms');
		await clock.advanceTo(2300);
		assert.equal(second.at, 2300);
	});

	test('slow first calls of a run cannot crowd one second at the platform with the calls after them', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 3);
		// Three calls let through at 0 ms that take 40 ms to arrive and are answered at 50 ms.
		const burst = [0, 1, 2].map(() => clock.call(one(text), { inFlight: true }));
		const next = [0, 1, 2].map(() => clock.call(one(text)));
		await clock.advanceTo(50);
		for (const call of burst) call.finish?.();
		// Counted at their start, `next` would go at 1000 ms and arrive within 1 s of the burst's 40 ms arrival.
		await clock.advanceTo(1049);
		assert.deepEqual(times(next), [undefined, undefined, undefined]);
		await clock.advanceTo(1050);
		assert.deepEqual(times(next), [1050, 1050, 1050]);
	});

	test('a waiter blocked only by calls in flight goes as soon as a finished call\'s window allows', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 2);
		const a = clock.call(one(text), { inFlight: true });
		const b = clock.call(one(text), { inFlight: true });
		const c = clock.call(one(text));
		await clock.advanceTo(100);
		a.finish?.();
		await clock.advanceTo(300);
		b.finish?.();
		await clock.advanceTo(1099);
		assert.equal(c.at, undefined);
		await clock.advanceTo(1100);
		assert.equal(c.at, 1100, 'one window after the earlier answer (100 ms)');
		// Reporting an answer twice changes nothing.
		a.finish?.();
		const d = clock.call(one(text));
		await clock.advanceTo(2100);
		assert.equal(d.at, 1300);
	});

	test('a batch in flight blocks its lane whole, also when it is heavier than the lane', async (t) => {
		const clock = mockedClock(t);
		const video = lane('video', 9);
		const batch = clock.call(one(video, 12), { inFlight: true });
		const single = clock.call(one(video));
		await clock.advanceTo(2000);
		assert.equal(batch.at, 0);
		assert.equal(single.at, undefined);
		batch.finish?.();
		await clock.advanceTo(3000);
		assert.equal(single.at, 3000);
	});
});

describe('RateGate: pause and pacing together', () => {
	test('a pause holds a call that has room in its lane', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 100);
		clock.gate.pauseFor(1500, 'Meta asked to slow down');
		const call = clock.call(one(text));
		await clock.advanceTo(1499);
		assert.equal(call.at, undefined);
		assert.equal(clock.gate.reason, 'Meta asked to slow down');
		await clock.advanceTo(1500);
		assert.equal(call.at, 1500);
		assert.equal(clock.gate.reason, undefined);
	});

	test('a pause that starts while a call waits for room in its lane holds that call too', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 1);
		const first = clock.call(one(text));
		const second = clock.call(one(text)); // room again at 1000 ms
		await clock.advanceTo(500);
		// Another request of the run is rate-limited: nothing may go out for 2 s, also not the paced call.
		clock.gate.pauseFor(2000);
		await clock.advanceTo(2499);
		assert.equal(first.at, 0);
		assert.equal(second.at, undefined, 'went out during the pause');
		await clock.advanceTo(2500);
		assert.equal(second.at, 2500);
	});

	test('calls released by a pause are still paced: no burst above the lane', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 3);
		clock.gate.pauseFor(500);
		const calls = Array.from({ length: 7 }, () => clock.call(one(text)));
		await clock.advanceTo(2500);
		assert.deepEqual(times(calls), [500, 500, 500, 1500, 1500, 1500, 2500]);
	});

	test('a pause extended while a call waits for room holds it until the longer pause ends', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 1);
		clock.call(one(text));
		clock.gate.pauseFor(300);
		const waiting = clock.call(one(text));
		await clock.advanceTo(800);
		clock.gate.pauseFor(700); // until 1500 ms, after the lane has room (1000 ms)
		await clock.advanceTo(1499);
		assert.equal(waiting.at, undefined);
		await clock.advanceTo(1500);
		assert.equal(waiting.at, 1500);
	});

	test('a pause longer than the caller may wait refuses at once and counts nothing on the lanes', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 1);
		clock.gate.pauseFor(60_000);
		const refused = clock.call(one(text), { maxWaitMs: 1000 });
		await clock.advanceTo(0);
		assert.deepEqual(refused, { at: 0, passed: false });
		await clock.advanceTo(60_000);
		// The refused call took no place: the first call after the pause passes at once.
		const after = clock.call(one(text));
		await clock.advanceTo(60_000);
		assert.deepEqual(after, { at: 60_000, passed: true });
	});

	test('a caller that may wait long enough waits for the pause and then for its lane', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 1);
		clock.call(one(text));
		clock.gate.pauseFor(200);
		const call = clock.call(one(text), { maxWaitMs: 5000 });
		await clock.advanceTo(1000);
		assert.deepEqual(call, { at: 1000, passed: true });
	});

	test('acquire is the pause alone; pace is one lane (and honours the pause as well)', async (t) => {
		const clock = mockedClock(t);
		const text = lane('text', 1);
		await clock.gate.pace(text);
		clock.gate.pauseFor(400);
		let acquiredAt: number | undefined;
		let pacedAt: number | undefined;
		void clock.gate.acquire().then(() => (acquiredAt = clock.elapsed()));
		void clock.gate.pace(text).then(() => (pacedAt = clock.elapsed()));
		await clock.advanceTo(1000);
		assert.equal(acquiredAt, 400, 'acquire waits for the pause, not for any lane');
		assert.equal(pacedAt, 1000);
	});
});

describe('RateGate adaptive lanes: paced only once the platform signalled a limit', () => {
	test('before tighten() an adaptive lane lets every call through at once; after it, the lane keeps its pace', async (t) => {
		const clock = mockedClock(t);
		const adaptive: Lane = { name: 'adaptive-text', perSecond: 3, adaptive: true };
		const open = Array.from({ length: 6 }, () => clock.call(one(adaptive)));
		await clock.advanceTo(0);
		assert.deepEqual(times(open), [0, 0, 0, 0, 0, 0], 'unpaced before any signal');
		assert.equal(clock.gate.isTightened, false);

		clock.gate.tighten();
		// The six calls of t=0 are still in the window: the next call waits until they leave it at t=1000,
		// and only three fit per window from then on.
		const paced = Array.from({ length: 4 }, () => clock.call(one(adaptive)));
		await clock.advanceTo(2100);
		assert.deepEqual(times(paced), [1000, 1000, 1000, 2000]);
	});

	test('a non-adaptive lane paces from the first call, whatever tighten() says', async (t) => {
		const clock = mockedClock(t);
		const fixed = lane('fixed-text', 2);
		const calls = Array.from({ length: 3 }, () => clock.call(one(fixed)));
		await clock.advanceTo(1100);
		assert.deepEqual(times(calls), [0, 0, 1000]);
		assert.equal(clock.gate.isTightened, false);
	});
});
