/**
 * A gate every request of one node run passes before it is sent. When the platform signals a rate
 * limit (an error, or usage headers close to the limit) the whole run pauses, not just one request,
 * so parallel senders stop hammering the API together.
 */
import { sleep } from 'n8n-workflow';

export class RateGate {
	private resumeAt = 0;

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
