/**
 * Runs `count` jobs with at most `limit` in flight, starting them in index order. Jobs that share a key
 * (messages to one person) run one after another in index order, each starting only once the one before
 * it has finished; jobs of other keys run alongside. Once `stop()` is true no new job starts; jobs
 * already running finish (a send in flight cannot be recalled).
 */
export async function runBounded(
	count: number,
	limit: number,
	job: (index: number) => Promise<void>,
	stop: () => boolean = () => false,
	keyOf: (index: number) => string | undefined = () => undefined,
): Promise<void> {
	let next = 0;
	/** Keys with a job running: the later jobs of that key, waiting their turn in index order. */
	const queued = new Map<string, number[]>();

	/** The next job that may start now; a job whose key is busy is queued behind it instead. */
	const take = (): { index: number; key: string | undefined } | undefined => {
		while (next < count) {
			const index = next++;
			const key = keyOf(index);
			if (key === undefined) return { index, key };
			const waiting = queued.get(key);
			if (!waiting) {
				queued.set(key, []);
				return { index, key };
			}
			waiting.push(index);
		}
		return undefined;
	};

	const worker = async () => {
		while (!stop()) {
			const taken = take();
			if (!taken) return;
			await job(taken.index);
			if (taken.key === undefined) continue;
			// The worker that ran a key's job runs its next one: the slot stays with that person's messages.
			const waiting = queued.get(taken.key) as number[];
			while (waiting.length > 0 && !stop()) await job(waiting.shift() as number);
			queued.delete(taken.key);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker);
	await Promise.all(workers);
}
