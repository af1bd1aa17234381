/**
 * Sliding one-second window per key (a Page or Instagram account), for the optional sustained
 * send limit used by benchmarks. Rejected calls do not enter the window.
 */
export class SlidingWindowLimiter {
	private readonly hits = new Map<string, number[]>();

	constructor(
		readonly limitPerWindow: number,
		private readonly now: () => number,
		readonly windowMs = 1000,
	) {}

	/** Take a slot, or say how long until one frees up. */
	tryAcquire(key: string): { ok: true; used: number } | { ok: false; used: number; retryInMs: number } {
		const now = this.now();
		const list = this.prune(key, now);
		if (list.length >= this.limitPerWindow) return { ok: false, used: list.length, retryInMs: list[0] + this.windowMs - now };
		list.push(now);
		return { ok: true, used: list.length };
	}

	/** Share of the window in use, in percent (what the usage headers report). */
	usagePercent(key: string): number {
		return Math.min(100, Math.round((this.prune(key, this.now()).length / this.limitPerWindow) * 100));
	}

	private prune(key: string, now: number): number[] {
		let list = this.hits.get(key);
		if (!list) this.hits.set(key, (list = []));
		while (list.length > 0 && list[0] <= now - this.windowMs) list.shift();
		return list;
	}
}
