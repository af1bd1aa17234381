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

export async function sendInBatches(
	input: {
		ctx: OperationInput['ctx'];
		operation: BatchOperation;
		itemCount: number;
		chunkSize: number;
		concurrency: number;
		platformFor: (itemIndex: number) => Promise<Platform>;
	},
	results: ItemResults,
): Promise<void> {
	const { ctx, operation, itemCount, chunkSize, concurrency, platformFor } = input;

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
		const first = chunkIndex * chunkSize;
		const indexes = Array.from({ length: Math.min(chunkSize, itemCount - first) }, (_, i) => first + i);
		results.markStarted(indexes.length);
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
	};

	await runBounded(Math.ceil(itemCount / chunkSize), concurrency, sendChunk, results.stopped);
}
