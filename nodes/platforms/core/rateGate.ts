/**
 * A gate every request of one node run passes before it is sent. Two mechanisms:
 * - lanes pace calls to the platform's documented rate (e.g. Meta: 300 Send API calls/s per Page) with
 *   a sliding one-second window, so a large run stays just under the limit instead of hitting it;
 * - a pause: when the platform signals a rate limit (an error, or usage headers close to the limit)
 *   the whole run waits, not just one request, so parallel senders stop hammering the API together.
 *
 * The platform counts a call when it arrives, which is some time after the gate let it through (building
 * the request, the network) and before its answer is back. Counting a call at the moment it was let
 * through is not enough: the first calls of a run are slow to leave (20 start together), later ones leave
 * at once, so the platform would see more calls within one of its seconds than the gate did. A lane
 * therefore counts a call from the moment it is let through until one window after its answer came back
 * (`finish`). Then, whatever the delays, no window of arrival times at the platform holds more calls than
 * the lane allows: two calls that arrive less than a window apart were either in flight together, or the
 * later one started less than a window after the earlier one's answer.
 */
import { sleep } from 'n8n-workflow';

import { LearnedLimit, type LimitSignal } from './learnedLimit';

/** A class of calls the platform limits together, e.g. text sends, or audio/video sends. */
export interface Lane {
	name: string;
	/** Calls per second; below 1 means one call per `1 / perSecond` seconds. */
	perSecond: number;
	/**
	 * Paced only once the platform has signalled a limit in this run (`RateGate.tighten`): until then the
	 * lane only counts its calls. Where nothing limits the sender (a Page with a higher quota, a proxy, a
	 * sandbox) a run is not slowed to the documented rate; where something does, the first rate-limit
	 * answer or near-limit usage header switches every adaptive lane to its pace for the rest of the run.
	 */
	adaptive?: boolean;
	/**
	 * Learns its limit from the platform's answers (see LearnedLimit) instead of pacing at `perSecond`: not
	 * paced, after a slow start, until the platform signals a limit; then kept near the limit it met.
	 */
	learn?: boolean;
	/**
	 * The usage headers report another quota than this lane's (a Page's, where the lane is one thread of
	 * it): the lane learns from refusals only. Fed the Page's usage, every thread's lane took the Page's
	 * full window for its own and held each person to about one message a second.
	 */
	ignoresUsage?: boolean;
}

/** How many calls of a lane one request counts as (a Graph batch of 50 text messages counts 50). */
export interface Pacing {
	lane: Lane;
	weight: number;
}

const WINDOW_MS = 1000;

/** The most calls of the lane that may start within one window, and that window's length. */
export function laneCapacity(lane: Lane): { capacity: number; windowMs: number } {
	const perSecond = Number.isFinite(lane.perSecond) && lane.perSecond > 0 ? lane.perSecond : 1;
	if (perSecond >= 1) return { capacity: Math.floor(perSecond), windowMs: WINDOW_MS };
	return { capacity: 1, windowMs: Math.ceil(WINDOW_MS / perSecond) };
}

/** The calls of one lane: those in flight, and the answer times of those finished within the last window. */
class SlidingWindow {
	private finished: number[] = [];

	private head = 0;

	private inFlight = 0;

	constructor(
		private readonly fixedCapacity: number,
		private readonly windowMs: number,
		/** For lanes that learn their limit: the limit so far. */
		readonly learned?: LearnedLimit,
		private readonly ignoresUsage = false,
	) {}

	/**
	 * Milliseconds until `weight` more calls fit (0: now), or Infinity when calls still in flight have to
	 * finish first (their window only starts with their answer).
	 */
	waitFor(weight: number, now: number): number {
		while (this.head < this.finished.length && now - this.finished[this.head] >= this.windowMs) this.head++;
		if (this.head > 1024) {
			this.finished = this.finished.slice(this.head);
			this.head = 0;
		}
		const wait = this.waitWithin(this.capacity, weight, now);
		if (wait > 0) this.learned?.noteWait(now);
		return wait;
	}

	private get capacity(): number {
		if (!this.learned) return this.fixedCapacity;
		return this.learned.capacity ?? Infinity;
	}

	private waitWithin(capacity: number, weight: number, now: number): number {
		// Slow start of a lane that has not met its limit yet: a bounded number in flight.
		if (this.learned && this.learned.capacity === undefined) {
			return this.inFlight === 0 || this.inFlight + weight <= this.learned.inFlightCap ? 0 : Infinity;
		}
		const done = this.finished.length - this.head;
		// A batch heavier than the whole capacity goes alone into an empty window.
		const excess = this.inFlight + done + Math.min(weight, capacity) - capacity;
		if (excess <= 0) return 0;
		if (excess > done) return Infinity;
		return this.finished[this.head + excess - 1] + this.windowMs - now;
	}

	start(weight: number): void {
		this.inFlight += weight;
	}

	finish(weight: number, now: number, signal: LimitSignal): void {
		this.inFlight -= weight;
		for (let i = 0; i < weight; i++) this.finished.push(now);
		const heard = this.ignoresUsage ? { refused: signal.refused } : signal;
		this.learned?.answered(weight, heard, now, this.inFlight + this.finished.length - this.head);
	}
}

/**
 * Called once the answer of a call is back (or the call failed): its calls leave the lanes one window
 * later. What the answer said about the limit (a refusal, the usage headers) teaches lanes that learn.
 */
export type FinishCall = (answer?: { refused?: boolean; usagePercent?: number }) => void;

export class RateGate {
	private resumeAt = 0;

	private readonly windows = new Map<string, SlidingWindow>();

	private pauseReason: string | undefined;

	/** The platform signalled a limit: adaptive lanes pace from now on. */
	private tightened = false;

	/** Resolved (and replaced) whenever a call finishes: wakes callers waiting for calls in flight. */
	private finishedSignal: { promise: Promise<void>; resolve: () => void } | undefined;

	constructor(private readonly now: () => number = Date.now) {}

	/**
	 * Holds the caller until the current pause is over, re-checking when the pause is extended meanwhile.
	 * Returns false at once, without waiting, when the pause would end more than `maxWaitMs` from now.
	 */
	async acquire(maxWaitMs: number = Infinity): Promise<boolean> {
		return (await this.pass([], maxWaitMs)) !== undefined;
	}

	/**
	 * Waits until `weight` calls fit into the lane's window (and the run is not paused), then counts them
	 * as calls that finished at once: for callers that do not know when their call ends.
	 */
	async pace(lane: Lane, weight = 1): Promise<void> {
		const finish = await this.pass([{ lane, weight }]);
		finish?.();
	}

	/**
	 * What every request does before it goes out: waits until the run is not paused and every lane has
	 * room for its weight, then counts the call on all its lanes at once, with no await between the last
	 * check and the count. A pause that starts while a caller waits for room holds that caller too.
	 * Returns the function to call when the call's answer is back (or it failed), or undefined, at once and
	 * counting nothing, when a pause would end more than `maxWaitMs` from now.
	 */
	async pass(pacing: readonly Pacing[] = [], maxWaitMs: number = Infinity): Promise<FinishCall | undefined> {
		const deadline = this.now() + Math.max(0, maxWaitMs);
		const lanes = pacing
			.filter(({ weight }) => weight > 0)
			.map(({ lane, weight }) => ({ window: this.windowOf(lane), weight, adaptive: lane.adaptive === true }));
		for (;;) {
			const now = this.now();
			if (this.resumeAt > now && this.resumeAt > deadline) return undefined;
			let wait = this.resumeAt - now;
			for (const { window, weight, adaptive } of lanes) {
				if (adaptive && !this.tightened) continue;
				wait = Math.max(wait, window.waitFor(weight, now));
			}
			if (wait <= 0) {
				for (const { window, weight } of lanes) window.start(weight);
				return this.finisher(lanes);
			}
			if (wait === Infinity) await this.nextFinish();
			else await sleep(wait);
		}
	}

	private finisher(lanes: Array<{ window: SlidingWindow; weight: number }>): FinishCall {
		let finished = lanes.length === 0;
		return (answer = {}) => {
			if (finished) return;
			finished = true;
			const now = this.now();
			for (const { window, weight } of lanes) window.finish(weight, now, { refused: answer.refused ? weight : 0, usagePercent: answer.usagePercent });
			const signal = this.finishedSignal;
			this.finishedSignal = undefined;
			signal?.resolve();
		};
	}

	private async nextFinish(): Promise<void> {
		if (!this.finishedSignal) {
			let resolve = () => {};
			const promise = new Promise<void>((done) => (resolve = done));
			this.finishedSignal = { promise, resolve };
		}
		await this.finishedSignal.promise;
	}

	/**
	 * Calls answered after they were counted as accepted (parts of a batch request) that the platform
	 * refused: lanes that learn lower their limit.
	 */
	refused(pacing: readonly Pacing[]): void {
		const now = this.now();
		for (const { lane, weight } of pacing) {
			if (weight > 0) this.windows.get(lane.name)?.learned?.answered(weight, { refused: weight }, now);
		}
	}

	/** The limit a learning lane has learned so far (undefined: none yet, or not such a lane). */
	learnedLimit(lane: Lane): number | undefined {
		return this.windows.get(lane.name)?.learned?.capacity;
	}

	private windowOf(lane: Lane): SlidingWindow {
		let window = this.windows.get(lane.name);
		if (!window) {
			const { capacity, windowMs } = laneCapacity(lane);
			window = new SlidingWindow(capacity, windowMs, lane.learn ? new LearnedLimit(windowMs, capacity) : undefined, lane.ignoresUsage);
			this.windows.set(lane.name, window);
		}
		return window;
	}

	/** The platform signalled a limit (a rate-limit answer, usage near the quota): adaptive lanes pace from now on. */
	tighten(): void {
		this.tightened = true;
	}

	/** Whether adaptive lanes are pacing (the platform has signalled a limit in this run). */
	get isTightened(): boolean {
		return this.tightened;
	}

	/** Extends the pause to at least `ms` from now; a shorter pause never cuts a longer one. */
	pauseFor(ms: number, reason?: string): void {
		const until = this.now() + ms;
		if (until > this.resumeAt) {
			this.resumeAt = until;
			this.pauseReason = reason;
		}
	}

	get pausedUntil(): number {
		return this.resumeAt;
	}

	/** Why the current (longest) pause was set, as the platform put it. */
	get reason(): string | undefined {
		return this.remainingMs() > 0 ? this.pauseReason : undefined;
	}

	/** How long a caller of `acquire()` would be held right now (0: not paused). */
	remainingMs(): number {
		return Math.max(0, this.resumeAt - this.now());
	}
}
