/**
 * Runs the chosen operation for every input item: the one loop of the node. It picks the platform per
 * item, the run's rate gate, and how sends go out (bounded concurrency, or batch requests in
 * batchSend.ts); ItemResults keeps the output order, paired items and Continue On Fail. Operations only
 * describe one item.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createPlatform } from '../../platforms';
import { RateGate } from '../../platforms/core/rateGate';
import type { Platform, PlatformName } from '../../platforms/types';
import { operationFor } from './x/route';
import * as attachment from './attachment/Attachment.resource';
import * as autoResponse from './autoResponse/AutoResponse.resource';
import { canBatch, sendInBatches } from './batchSend';
import { runBounded } from './concurrency';
import * as conversation from './conversation/Conversation.resource';
import { ItemResults } from './itemResults';
import * as handover from './handover/Handover.resource';
import * as message from './message/Message.resource';
import * as messengerProfile from './messengerProfile/MessengerProfile.resource';
import * as persona from './persona/Persona.resource';
import * as userProfile from './userProfile/UserProfile.resource';
import type { Operation } from './operation';

const resources: Record<string, Record<string, Operation>> = {
	conversation: conversation.operations,
	message: message.operations,
	attachment: attachment.operations,
	persona: persona.operations,
	userProfile: userProfile.operations,
	handover: handover.operations,
	messengerProfile: messengerProfile.operations,
};

/** The Sending options of write operations (absent on reads: every value then means "default"). */
interface SendingOptions {
	concurrency: number;
	sendsPerSecond: number;
	batchRequests: boolean;
	requestTimeoutMs?: number;
	retryUnknownOutcome?: boolean;
}

function sendingOptions(ctx: IExecuteFunctions): SendingOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		concurrency: Math.floor(Number(options.concurrency) || 0),
		sendsPerSecond: Number(options.sendsPerSecond) || 0,
		batchRequests: options.batchRequests === true,
		requestTimeoutMs: Number(options.requestTimeout) > 0 ? Math.round(Number(options.requestTimeout) * 1000) : undefined,
		retryUnknownOutcome: options.retryUnknownOutcome === true,
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
	// Auto-Response is the same on every platform; the others have X's own operations on X.
	const operation =
		resource === 'autoResponse' ? (autoResponse.operations as Record<string, Operation>)[operationName] : operationFor(this, resources, resource, operationName);
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
		if (!platforms.has(name)) platforms.set(name, createPlatform(this, name, {
					gate,
					sendsPerSecond: sending.sendsPerSecond,
					requestTimeoutMs: sending.requestTimeoutMs,
					retryUnknownOutcome: sending.retryUnknownOutcome,
				}));
		return await (platforms.get(name) as Promise<Platform>);
	};

	const results = new ItemResults(this, items.length, writes);
	const several = writes && items.length > 1;
	const limits = several ? await limitsOf(() => platformFor(0)) : undefined;
	const chunkSize = limits?.maxBatchSize ?? 1;
	const batched = several && sending.batchRequests && canBatch(operation) && chunkSize > 1;
	const concurrency = several ? inFlight(sending.concurrency, batched, limits) : 1;

	// Messages to one person keep their input order: they run one after another, other people's alongside.
	const keyOf = several && operation.orderKey ? (itemIndex: number) => operation.orderKey?.(this, itemIndex) : () => undefined;

	if (batched && canBatch(operation)) {
		await sendInBatches({ ctx: this, operation, itemCount: items.length, chunkSize, concurrency, platformFor, keyOf }, results);
	} else {
		const runItem = async (itemIndex: number) => {
			results.markStarted();
			try {
				const platform = await platformFor(itemIndex);
				results.succeed(itemIndex, await operation.execute({ ctx: this, platform, itemIndex }));
			} catch (caught) {
				results.fail(itemIndex, caught);
			}
		};
		await runBounded(items.length, concurrency, runItem, results.stopped, keyOf);
	}
	return results.output();
}
