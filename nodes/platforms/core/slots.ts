/** At most `size` jobs at once; the others wait their turn, in order. */
export class Slots {
	private free: number;

	private readonly waiting: Array<() => void> = [];

	constructor(size: number) {
		this.free = Math.max(1, Math.floor(size));
	}

	async run<T>(job: () => Promise<T>): Promise<T> {
		if (this.free > 0) this.free--;
		else await new Promise<void>((resolve) => this.waiting.push(resolve));
		try {
			return await job();
		} finally {
			// The slot passes straight to the next waiter, so a newcomer cannot take it first.
			const next = this.waiting.shift();
			if (next) next();
			else this.free++;
		}
	}
}
