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
import type { Operation } from './operation';

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

function errorItem(error: NodeError, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.errorDescription = error.description;
	const code = error.context?.platformErrorCode;
	if (code !== undefined) json.errorCode = code as IDataObject[string];
	return { json, pairedItem: { item: itemIndex } };
}

/** The user's Concurrency option, else the platform's default; 1 when the platform cannot be set up (the item then fails with the reason). */
async function sendConcurrency(ctx: IExecuteFunctions, platform: () => Promise<Platform>): Promise<number> {
	const chosen = ctx.getNodeParameter('options.concurrency', 0, 0) as number;
	if (chosen > 0) return Math.floor(chosen);
	try {
		return (await platform()).limits.defaultSendConcurrency;
	} catch {
		return 1;
	}
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

	// One gate per run: a rate limit seen by one item pauses every item of the run.
	const gate = new RateGate();
	const platforms = new Map<string, Promise<Platform>>();
	const platformFor = async (itemIndex: number) => {
		const name = this.getNodeParameter('platform', itemIndex) as PlatformName;
		if (!platforms.has(name)) platforms.set(name, createPlatform(this, name, { gate }));
		return await (platforms.get(name) as Promise<Platform>);
	};

	const continueOnFail = this.continueOnFail();
	const results: INodeExecutionData[][] = new Array(items.length);
	let firstFailure: { error: NodeError; itemIndex: number } | undefined;
	let succeeded = 0;
	let started = 0;

	const runItem = async (itemIndex: number) => {
		started++;
		try {
			const platform = await platformFor(itemIndex);
			const output = await operation.execute({ ctx: this, platform, itemIndex });
			results[itemIndex] = this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(output), {
				itemData: { item: itemIndex },
			});
			succeeded++;
		} catch (caught) {
			const error = toNodeError(this, caught, itemIndex);
			if (continueOnFail) {
				results[itemIndex] = [errorItem(error, itemIndex)];
			} else if (!firstFailure || itemIndex < firstFailure.itemIndex) {
				firstFailure = { error, itemIndex };
			}
		}
	};

	const concurrency = operation.kind === 'write' && items.length > 1 ? await sendConcurrency(this, () => platformFor(0)) : 1;
	await runBounded(items.length, concurrency, runItem, () => firstFailure !== undefined);

	if (firstFailure) {
		const { error } = firstFailure;
		if (operation.kind === 'write' && items.length > 1) {
			// Without this the builder cannot tell which messages already went out.
			const notStarted = items.length - started;
			const skipped = notStarted > 0 ? ` The other ${notStarted} were not attempted.` : '';
			error.description = `${error.description ?? ''}\n\n${succeeded} of ${items.length} items succeeded before this failure and were not undone.${skipped} Turn on "On Error: Continue" in the node settings to get one result per item and re-run only the failed ones.`.trim();
		}
		throw error;
	}
	return [results.flat()];
}
