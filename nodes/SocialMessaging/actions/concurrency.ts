/**
 * Runs `count` jobs with at most `limit` in flight, in index order of start. Once `stop()` is true no
 * new job starts; jobs already running finish (a send in flight cannot be recalled).
 */
export async function runBounded(
	count: number,
	limit: number,
	job: (index: number) => Promise<void>,
	stop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count && !stop()) {
			const index = next++;
			await job(index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker);
	await Promise.all(workers);
}
