/**
 * The "Use Batch Requests" path of a send: items go in chunks of the platform's batch size, each chunk
 * prepared item by item and sent as one batch request per platform, and every part's result or error
 * comes back to its own input item. A platform without batch requests (no `sendBatch`, or no
 * `limits.maxBatchSize` on this host) sends the chunk's items one by one.
 */
import type { Operation, OperationInput, PreparedSend } from './operation';
import type { ItemResults } from './itemResults';
import type { Platform } from '../../platforms/types';
import { runBounded } from './concurrency';

export type BatchOperation = Operation & { batch: NonNullable<Operation['batch']> };

export const canBatch = (operation: Operation): operation is BatchOperation => operation.batch !== undefined;

/**
 * Items in chunks of at most `chunkSize`, no two items of one key (one person) in the same chunk: Meta
 * runs the parts of a batch request in parallel, so two messages to one person in one batch could arrive
 * in either order. An item goes into the first chunk with room after the chunk of its key's previous item;
 * `after[c]` are the earlier chunks chunk `c` must wait for (those holding its people's earlier messages).
 */
export function planChunks(
	itemCount: number,
	chunkSize: number,
	keyOf: (itemIndex: number) => string | undefined,
): { chunks: number[][]; after: number[][] } {
	const chunks: number[][] = [];
	const after: Array<Set<number>> = [];
	const lastChunkOf = new Map<string, number>();
	let firstOpen = 0;
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		const key = keyOf(itemIndex);
		const previous = key === undefined ? undefined : lastChunkOf.get(key);
		let target = Math.max(firstOpen, previous === undefined ? 0 : previous + 1);
		while ((chunks[target]?.length ?? 0) >= chunkSize) target++;
		for (let c = chunks.length; c <= target; c++) {
			chunks.push([]);
			after.push(new Set());
		}
		chunks[target].push(itemIndex);
		if (previous !== undefined) after[target].add(previous);
		if (key !== undefined) lastChunkOf.set(key, target);
		while ((chunks[firstOpen]?.length ?? 0) >= chunkSize) firstOpen++;
	}
	return { chunks, after: after.map((set) => [...set]) };
}

export async function sendInBatches(
	input: {
		ctx: OperationInput['ctx'];
		operation: BatchOperation;
		itemCount: number;
		chunkSize: number;
		concurrency: number;
		platformFor: (itemIndex: number) => Promise<Platform>;
		keyOf?: (itemIndex: number) => string | undefined;
	},
	results: ItemResults,
): Promise<void> {
	const { ctx, operation, itemCount, chunkSize, concurrency, platformFor } = input;
	const { chunks, after } = planChunks(itemCount, chunkSize, input.keyOf ?? (() => undefined));
	const done = chunks.map(() => {
		let resolve = () => {};
		const promise = new Promise<void>((settle) => (resolve = settle));
		return { promise, resolve };
	});

	// Platform may be an expression: a chunk's items are grouped by the platform they go to.
	const prepareChunk = async (indexes: number[]) => {
		const groups = new Map<Platform, Array<{ itemIndex: number; prepared: PreparedSend }>>();
		for (const itemIndex of indexes) {
			try {
				const platform = await platformFor(itemIndex);
				if (!platform.sendBatch || !platform.limits.maxBatchSize) {
					results.succeed(itemIndex, await operation.execute({ ctx, platform, itemIndex }));
					continue;
				}
				const prepared = await operation.batch.prepare({ ctx, platform, itemIndex });
				groups.set(platform, [...(groups.get(platform) ?? []), { itemIndex, prepared }]);
			} catch (caught) {
				results.fail(itemIndex, caught);
			}
		}
		return groups;
	};

	const sendChunk = async (chunkIndex: number) => {
		// Chunks start in order, so the ones waited for are already running: no chunk waits on a later one.
		await Promise.all(after[chunkIndex].map(async (earlier) => await done[earlier].promise));
		const indexes = chunks[chunkIndex];
		results.markStarted(indexes.length);
		try {
			for (const [platform, entries] of await prepareChunk(indexes)) {
				const sendBatch = platform.sendBatch as NonNullable<Platform['sendBatch']>;
				const outcomes = await sendBatch.call(
					platform,
					entries.map((entry) => entry.prepared.message),
				);
				outcomes.forEach((outcome, position) => {
					const { itemIndex, prepared } = entries[position];
					if ('error' in outcome) results.fail(itemIndex, outcome.error);
					else results.succeed(itemIndex, operation.batch.output({ ctx, platform, itemIndex }, outcome.result, prepared));
				});
			}
		} finally {
			done[chunkIndex].resolve();
		}
	};

	await runBounded(chunks.length, concurrency, sendChunk, results.stopped);
}
