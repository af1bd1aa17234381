/**
 * A gate every request of one node run passes before it is sent. Two mechanisms:
 * - lanes pace calls to the platform's documented rate (e.g. Meta: 300 Send API calls/s per Page) with
 *   a sliding one-second window, so a large run stays just under the limit instead of hitting it;
 * - a pause: when the platform signals a rate limit (an error, or usage headers close to the limit)
 *   the whole run waits, not just one request, so parallel senders stop hammering the API together.
 */
import { sleep } from 'n8n-workflow';

/** A class of calls the platform limits together, e.g. text sends, or audio/video sends. */
export interface Lane {
	name: string;
	perSecond: number;
}

const WINDOW_MS = 1000;

/** Start times of the calls of one lane within the last second, oldest first. */
class SlidingWindow {
	private times: number[] = [];

	private head = 0;

	constructor(private readonly capacity: number) {}

	/** Milliseconds until `weight` more calls fit in the window (0: now). */
	waitFor(weight: number, now: number): number {
		while (this.head < this.times.length && now - this.times[this.head] >= WINDOW_MS) this.head++;
		if (this.head > 1024) {
			this.times = this.times.slice(this.head);
			this.head = 0;
		}
		const inWindow = this.times.length - this.head;
		// A batch heavier than the whole capacity goes alone into an empty window.
		const excess = inWindow + Math.min(weight, this.capacity) - this.capacity;
		if (excess <= 0) return 0;
		return this.times[this.head + excess - 1] + WINDOW_MS - now;
	}

	record(weight: number, now: number): void {
		for (let i = 0; i < weight; i++) this.times.push(now);
	}
}

export class RateGate {
	private resumeAt = 0;

	private readonly windows = new Map<string, SlidingWindow>();

	private pauseReason: string | undefined;

	constructor(private readonly now: () => number = Date.now) {}

	/**
	 * Holds the caller until the current pause is over, re-checking when the pause is extended meanwhile.
	 * Returns false at once, without waiting, when the pause would end more than `maxWaitMs` from now.
	 */
	async acquire(maxWaitMs: number = Infinity): Promise<boolean> {
		const deadline = this.now() + Math.max(0, maxWaitMs);
		for (let wait = this.resumeAt - this.now(); wait > 0; wait = this.resumeAt - this.now()) {
			if (this.resumeAt > deadline) return false;
			await sleep(wait);
		}
		return true;
	}

	/**
	 * Waits until `weight` calls fit into the lane's window, then counts them. Callers take their turn
	 * in the order they ask; the window check and the record happen without an await in between.
	 */
	async pace(lane: Lane, weight = 1): Promise<void> {
		let window = this.windows.get(lane.name);
		if (!window) {
			window = new SlidingWindow(Math.max(1, Math.floor(lane.perSecond)));
			this.windows.set(lane.name, window);
		}
		for (let wait = window.waitFor(weight, this.now()); wait > 0; wait = window.waitFor(weight, this.now())) {
			await sleep(wait);
		}
		window.record(weight, this.now());
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
