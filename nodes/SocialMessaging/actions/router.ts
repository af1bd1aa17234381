/**
 * Runs the chosen operation for every input item: the one loop of the node. It owns error handling
 * (NodeOperationError / NodeApiError with the item index), Continue On Fail, paired items, output order
 * and the bounded concurrency of sends. Operations only describe one item.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { createPlatform } from '../../platforms';
import { InputError } from '../../platforms/inputError';
import { RateGate } from '../../platforms/rateGate';
import type { Platform, PlatformName } from '../../platforms/types';
import * as attachment from './attachment/Attachment.resource';
import { runBounded } from './concurrency';
import * as conversation from './conversation/Conversation.resource';
import * as message from './message/Message.resource';
import type { Operation, PreparedSend } from './operation';

const resources: Record<string, Record<string, Operation>> = {
	conversation: conversation.operations,
	message: message.operations,
	attachment: attachment.operations,
};

type NodeError = NodeApiError | NodeOperationError;

/** Gives every failure the item index and a message that says what to do; never leaks request options. */
function toNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context = { ...error.context, itemIndex };
		return error;
	}
	if (error instanceof InputError) {
		return new NodeOperationError(ctx.getNode(), error.message, { itemIndex, description: error.description });
	}
	if (error instanceof Error) return new NodeOperationError(ctx.getNode(), error, { itemIndex });
	return new NodeApiError(ctx.getNode(), { message: String(error) } as JsonObject, { itemIndex });
}

/**
 * The item of a failed input under "On Error: Continue". With "Continue (using error output)" it is
 * `{ error }` alone, the shape n8n recognises as an error item: n8n moves it to the error output and
 * adds the input item's fields, as for its own nodes. (Any other field, or an `error` property on the
 * item, would keep it on the success output or make n8n drop the input's fields.) With "Continue
 * (using regular output)" it also says how to fix it and carries the platform's error code.
 */
function errorItem(error: NodeError, itemIndex: number, toErrorOutput: boolean): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (!toErrorOutput) {
		if (error.description) json.errorDescription = error.description;
		const code = error.context?.platformErrorCode;
		if (code !== undefined) json.errorCode = code as IDataObject[string];
	}
	return { json, pairedItem: { item: itemIndex } };
}

/** The Sending options of write operations (absent on reads: every value then means "default"). */
interface SendingOptions {
	concurrency: number;
	sendsPerSecond: number;
	batchRequests: boolean;
}

function sendingOptions(ctx: IExecuteFunctions): SendingOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		concurrency: Math.floor(Number(options.concurrency) || 0),
		sendsPerSecond: Number(options.sendsPerSecond) || 0,
		batchRequests: options.batchRequests === true,
	};
}

/** The first item's platform limits, or undefined when it cannot be set up (each item then fails with the reason). */
async function limitsOf(platform: () => Promise<Platform>) {
	try {
		return (await platform()).limits;
	} catch {
		return undefined;
	}
}

/** Requests in flight: the user's choice, else the platform's default; batch requests carry many sends each. */
function inFlight(chosen: number, batched: boolean, limits: Platform['limits'] | undefined): number {
	if (chosen > 0) return chosen;
	if (batched) return 2;
	return limits?.defaultSendConcurrency ?? 1;
}

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resources[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`, {
			description: 'Pick a resource and operation again; this node version does not know this combination.',
		});
	}
	const writes = operation.kind === 'write';
	const sending = writes ? sendingOptions(this) : { concurrency: 1, sendsPerSecond: 0, batchRequests: false };

	// One gate per run: pacing and rate-limit pauses apply to every item of the run together.
	const gate = new RateGate();
	const platforms = new Map<string, Promise<Platform>>();
	const platformFor = async (itemIndex: number) => {
		const name = this.getNodeParameter('platform', itemIndex) as PlatformName;
		if (!platforms.has(name)) platforms.set(name, createPlatform(this, name, { gate, sendsPerSecond: sending.sendsPerSecond }));
		return await (platforms.get(name) as Promise<Platform>);
	};

	const continueOnFail = this.continueOnFail();
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
	const results: INodeExecutionData[][] = new Array(items.length);
	let firstFailure: { error: NodeError; itemIndex: number } | undefined;
	let succeeded = 0;
	let started = 0;

	const succeed = (itemIndex: number, output: IDataObject | IDataObject[]) => {
		results[itemIndex] = this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(output), {
			itemData: { item: itemIndex },
		});
		succeeded++;
	};
	const fail = (itemIndex: number, caught: unknown) => {
		const error = toNodeError(this, caught, itemIndex);
		if (continueOnFail) results[itemIndex] = [errorItem(error, itemIndex, toErrorOutput)];
		else if (!firstFailure || itemIndex < firstFailure.itemIndex) firstFailure = { error, itemIndex };
	};

	const runItem = async (itemIndex: number) => {
		started++;
		try {
			const platform = await platformFor(itemIndex);
			succeed(itemIndex, await operation.execute({ ctx: this, platform, itemIndex }));
		} catch (caught) {
			fail(itemIndex, caught);
		}
	};

	const batch = operation.batch;
	const limits = writes && items.length > 1 ? await limitsOf(() => platformFor(0)) : undefined;
	const chunkSize = limits?.maxBatchSize ?? 1;
	const batched = writes && sending.batchRequests && batch !== undefined && items.length > 1 && chunkSize > 1;
	const concurrency = writes && items.length > 1 ? inFlight(sending.concurrency, batched, limits) : 1;
	const stop = () => firstFailure !== undefined;

	if (batched && batch) {
		const runChunk = async (chunkIndex: number) => {
			const indexes = Array.from({ length: Math.min(chunkSize, items.length - chunkIndex * chunkSize) }, (_, i) => chunkIndex * chunkSize + i);
			started += indexes.length;
			await sendChunk(indexes);
		};
		// Items are grouped by platform (Platform may be an expression), prepared one by one, then sent together.
		const sendChunk = async (indexes: number[]) => {
			const groups = new Map<Platform, Array<{ itemIndex: number; prepared: PreparedSend }>>();
			for (const itemIndex of indexes) {
				try {
					const platform = await platformFor(itemIndex);
					if (!platform.sendBatch) {
						succeed(itemIndex, await operation.execute({ ctx: this, platform, itemIndex }));
						continue;
					}
					const prepared = await batch.prepare({ ctx: this, platform, itemIndex });
					groups.set(platform, [...(groups.get(platform) ?? []), { itemIndex, prepared }]);
				} catch (caught) {
					fail(itemIndex, caught);
				}
			}
			for (const [platform, entries] of groups) {
				const outcomes = await (platform.sendBatch as NonNullable<Platform['sendBatch']>).call(
					platform,
					entries.map((entry) => entry.prepared.message),
				);
				outcomes.forEach((outcome, position) => {
					const { itemIndex, prepared } = entries[position];
					if ('error' in outcome) fail(itemIndex, outcome.error);
					else succeed(itemIndex, batch.output({ ctx: this, platform, itemIndex }, outcome.result, prepared));
				});
			}
		};
		await runBounded(Math.ceil(items.length / chunkSize), concurrency, runChunk, stop);
	} else {
		await runBounded(items.length, concurrency, runItem, stop);
	}

	if (firstFailure) {
		const { error, itemIndex } = firstFailure;
		// Parts of one failed batch request share one error object: name the item this error is thrown for.
		error.context = { ...error.context, itemIndex };
		if (writes && items.length > 1) {
			// Without this the builder cannot tell which messages already went out.
			const notStarted = items.length - started;
			const skipped = notStarted > 0 ? ` The other ${notStarted} were not attempted.` : '';
			error.description = `${error.description ?? ''}\n\n${succeeded} of ${items.length} items succeeded before this failure and were not undone.${skipped} Turn on "On Error: Continue" in the node settings to get one result per item and re-run only the failed ones.`.trim();
		}
		throw error;
	}
	return [results.flat()];
}
