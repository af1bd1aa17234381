/**
 * A gate every request of one node run passes before it is sent. When the platform signals a rate
 * limit (an error, or usage headers close to the limit) the whole run pauses, not just one request,
 * so parallel senders stop hammering the API together.
 */
import { sleep } from 'n8n-workflow';

export class RateGate {
	private resumeAt = 0;

	constructor(private readonly now: () => number = Date.now) {}

	/** Holds every caller until the current pause is over. */
	async acquire(): Promise<void> {
		for (let wait = this.resumeAt - this.now(); wait > 0; wait = this.resumeAt - this.now()) {
			await sleep(wait);
		}
	}

	/** Extends the pause to at least `ms` from now; a shorter pause never cuts a longer one. */
	pauseFor(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, this.now() + ms);
	}

	get pausedUntil(): number {
		return this.resumeAt;
	}
}
