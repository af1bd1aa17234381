/**
 * The limit of a lane that learns it (Lane.learn): how many calls may be counted in the lane's window,
 * learned from the answers instead of taken from the documentation (a Page's real Send API limit can be
 * well below Meta's 300/s, or above it).
 *
 * - Until the platform signals a limit the lane is not paced, but it starts with few calls in flight and
 *   lets one more go per answer (a slow start, doubling per round trip), so the calls already sent when
 *   the first signal comes back stay few.
 * - The first signal sets the limit: a refusal says the calls answered within the last window are what
 *   got through; usage headers that rise from p0 % to p % while d more calls were answered say the
 *   quota is d × 100 / (p - p0) per window (p0 the lowest reading; one of at most 5 % counts as 0); usage
 *   at 100 % says the calls counted in the window fill it. Usage that is high (60 %) but does not rise
 *   with the run's calls over 20 answers (another quota, or other senders) starts the lane at its
 *   documented rate (`perSecond`).
 * - Then, once per window at most: a refusal lowers the limit by 15 %, a usage header at 97 % or more by
 *   5 % (before 100 %, where the platform stops taking calls); a window in which callers had to wait for
 *   the lane, with no refusal and usage below 90 %, raises it by 5 % (probing: the limit may have been
 *   set low, and the lane's own counting, a window after each answer, is on the safe side), but never
 *   back up to a limit that met a refusal or 97 %.
 */

/** What one answer said about the limit. */
export interface LimitSignal {
	/** How many of the answered calls the platform refused for a rate limit. */
	refused?: number;
	/** The highest quota usage the answer's headers reported, in percent. */
	usagePercent?: number;
}

const INITIAL_IN_FLIGHT = 20;
/** Usage must rise by this much (whole percent) before it sizes the limit: smaller steps are too coarse. */
const MIN_USAGE_RISE = 10;
/** Usage from which a lane without an estimate keeps to its documented rate, once this many readings did not rise. */
const NEAR_LIMIT_USAGE = 60;
const STEADY_READINGS = 20;
const FIRST_LIMIT_HEADROOM = 0.95;
const PROBE_BELOW_USAGE = 90;
const EASE_FROM_USAGE = 97;
const REFUSAL_FACTOR = 0.85;
const EASE_FACTOR = 0.95;
const PROBE_FACTOR = 1.05;

export class LearnedLimit {
	/** Calls per window once the platform signalled a limit; undefined until then. */
	capacity: number | undefined;

	/** Slow start: the most calls in flight while no limit is known. */
	inFlightCap = INITIAL_IN_FLIGHT;

	/** Answer times of accepted calls within the last window (for the first estimate). */
	private accepted: number[] = [];

	/** Calls accepted since the run began, and the first usage reading with the count it was read at. */
	private acceptedTotal = 0;

	private baseUsage: { percent: number; accepted: number } | undefined;

	private usageReadings = 0;

	private lastChange = -Infinity;

	private lastCut = -Infinity;

	/** Probing stays below a limit that met a refusal (or usage at 97 %). */
	private ceiling = Infinity;

	/** When a caller last had to wait for this lane's limit. */
	private waitedAt = -Infinity;

	/** Usage of the current window was high enough that probing would overshoot. */
	private highUsageAt = -Infinity;

	constructor(
		private readonly windowMs: number,
		/** The documented calls per window, where usage says the quota is near but not how large it is. */
		private readonly documented: number,
	) {}

	/** A caller had to wait for the lane: the limit is what holds the run back, probing may help. */
	noteWait(now: number): void {
		this.waitedAt = now;
	}

	/** `inWindow`: the calls the lane counts right now (in flight, and answered within the last window). */
	answered(weight: number, signal: LimitSignal, now: number, inWindow = 0): void {
		const refused = Math.min(weight, Math.max(0, signal.refused ?? 0));
		for (let i = 0; i < weight - refused; i++) this.accepted.push(now);
		this.acceptedTotal += weight - refused;
		while (this.accepted.length > 0 && now - this.accepted[0] >= this.windowMs) this.accepted.shift();
		const usage = signal.usagePercent ?? 0;
		if (usage >= PROBE_BELOW_USAGE) this.highUsageAt = now;

		if (this.capacity === undefined) {
			if (refused > 0 || usage >= 100) this.lastCut = now;
			if (refused > 0) return this.set(Math.max(1, this.accepted.length), now);
			// The quota is full: every call counted in the lane's window (in flight or answered) fits into it.
			if (usage >= 100) return this.set(inWindow * FIRST_LIMIT_HEADROOM, now);
			if (usage > 0) {
				this.usageReadings++;
				// The lowest reading is the base (answers of calls sent together come back in any order); one of
				// at most 5 % is taken to start from nothing: the run's own calls are most of it.
				const base = usage <= MIN_USAGE_RISE / 2 ? { percent: 0, accepted: 0 } : { percent: usage, accepted: this.acceptedTotal };
				if (!this.baseUsage || base.percent < this.baseUsage.percent) this.baseUsage = base;
			}
			const rise = usage - (this.baseUsage?.percent ?? usage);
			if (this.baseUsage && rise >= MIN_USAGE_RISE) {
				return this.set(((this.acceptedTotal - this.baseUsage.accepted) * 100 * FIRST_LIMIT_HEADROOM) / rise, now);
			}
			if (usage >= NEAR_LIMIT_USAGE && this.usageReadings >= STEADY_READINGS) return this.set(this.documented, now);
			this.inFlightCap += weight;
			return;
		}
		// A refusal right after a raise says the raise was too much; refusals within a window after a cut come
		// from calls sent before it and say nothing new.
		if (refused > 0 || usage >= EASE_FROM_USAGE) {
			if (now - this.lastCut < this.windowMs) return;
			this.ceiling = Math.max(1, this.capacity - 1);
			this.set(this.capacity * (refused > 0 ? REFUSAL_FACTOR : EASE_FACTOR), now);
			this.lastCut = now;
		} else if (
			now - this.lastChange >= this.windowMs &&
			now - this.waitedAt < this.windowMs &&
			now - this.highUsageAt >= this.windowMs &&
			this.capacity < this.ceiling
		) {
			this.set(Math.min(this.ceiling, Math.max(this.capacity + 1, this.capacity * PROBE_FACTOR)), now);
		}
	}

	private set(capacity: number, now: number): void {
		this.capacity = Math.max(1, Math.floor(capacity));
		this.lastChange = now;
	}
}
