/**
 * X's per-user rate limits: fixed windows per endpoint group and user, reported on every answer with
 * x-rate-limit-limit / -remaining / -reset (epoch seconds); DM sends also have a 24-hour window
 * (x-user-limit-24hour-*, header names as X uses them on posts: inferred for DMs).
 */
export interface WindowSpec {
	limit: number;
	windowMs: number;
}

/** The documented limits (reference: "Rate limits and errors", "Plans and limits in 2026"). */
export const DEFAULT_LIMITS = {
	dmLookup: { limit: 15, windowMs: 15 * 60_000 },
	dmSend: { limit: 15, windowMs: 15 * 60_000 },
	dmSendDaily: { limit: 1440, windowMs: 24 * 3600_000 },
	dmDelete: { limit: 300, windowMs: 15 * 60_000 },
	/** (inferred from X's users endpoints' limits) */
	usersMe: { limit: 75, windowMs: 15 * 60_000 },
	usersByUsername: { limit: 900, windowMs: 15 * 60_000 },
	/** (inferred: the reference gives no media upload limit) */
	media: { limit: 500, windowMs: 15 * 60_000 },
	/** Webhook and subscription management (the trigger's routes use it). */
	webhooks: { limit: 50, windowMs: 15 * 60_000 },
} satisfies Record<string, WindowSpec>;

export type LimitGroup = keyof typeof DEFAULT_LIMITS;

interface Window {
	startedAt: number;
	used: number;
}

export interface LimitVerdict {
	allowed: boolean;
	headers: Record<string, string>;
}

export class RateLimits {
	private readonly windows = new Map<string, Window>();

	readonly specs: Record<LimitGroup, WindowSpec>;

	constructor(overrides: Partial<Record<LimitGroup, WindowSpec>> = {}) {
		this.specs = { ...DEFAULT_LIMITS, ...overrides };
	}

	private take(key: string, spec: WindowSpec, now: number): { allowed: boolean; remaining: number; reset: number } {
		let window = this.windows.get(key);
		if (!window || now >= window.startedAt + spec.windowMs) {
			window = { startedAt: now, used: 0 };
			this.windows.set(key, window);
		}
		const allowed = window.used < spec.limit;
		if (allowed) window.used += 1;
		return { allowed, remaining: Math.max(0, spec.limit - window.used), reset: Math.ceil((window.startedAt + spec.windowMs) / 1000) };
	}

	/** Counts one call of `group` for `who` and says whether it may go through. */
	hit(group: LimitGroup, who: string, now = Date.now()): LimitVerdict {
		const spec = this.specs[group];
		const main = this.take(`${group} ${who}`, spec, now);
		const headers: Record<string, string> = {
			'x-rate-limit-limit': String(spec.limit),
			'x-rate-limit-remaining': String(main.remaining),
			'x-rate-limit-reset': String(main.reset),
		};
		let allowed = main.allowed;
		if (group === 'dmSend' && allowed) {
			const daily = this.take(`dmSendDaily ${who}`, this.specs.dmSendDaily, now);
			headers['x-user-limit-24hour-limit'] = String(this.specs.dmSendDaily.limit);
			headers['x-user-limit-24hour-remaining'] = String(daily.remaining);
			headers['x-user-limit-24hour-reset'] = String(daily.reset);
			allowed = daily.allowed;
		}
		return { allowed, headers };
	}

	reset(): void {
		this.windows.clear();
	}
}
