/**
 * The results of one run, item by item: output with paired items in input order, Continue On Fail
 * (error items on the regular or the error output), and the failure that stops the run otherwise,
 * told with how many items already went out.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { InputError } from '../../platforms/core/inputError';

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

export class ItemResults {
	private readonly results: INodeExecutionData[][];
	private readonly continueOnFail: boolean;
	private readonly toErrorOutput: boolean;
	private firstFailure: { error: NodeError; itemIndex: number } | undefined;
	private succeeded = 0;
	/** Items whose work began (sent, or at least attempted); the rest were never tried. */
	private started = 0;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly itemCount: number,
		/** Writes change something on the platform: a stopped run says how many already did. */
		private readonly writes: boolean,
	) {
		this.results = new Array(itemCount);
		this.continueOnFail = ctx.continueOnFail();
		this.toErrorOutput = ctx.getNode().onError === 'continueErrorOutput';
	}

	markStarted(count = 1) {
		this.started += count;
	}

	succeed(itemIndex: number, output: IDataObject | IDataObject[]) {
		this.results[itemIndex] = this.ctx.helpers.constructExecutionMetaData(this.ctx.helpers.returnJsonArray(output), {
			itemData: { item: itemIndex },
		});
		this.succeeded++;
	}

	fail(itemIndex: number, caught: unknown) {
		const error = toNodeError(this.ctx, caught, itemIndex);
		if (this.continueOnFail) this.results[itemIndex] = [errorItem(error, itemIndex, this.toErrorOutput)];
		else if (!this.firstFailure || itemIndex < this.firstFailure.itemIndex) this.firstFailure = { error, itemIndex };
	}

	/** True once an item failed without Continue On Fail: no new item should start. */
	readonly stopped = () => this.firstFailure !== undefined;

	/** The node's output, or the first failure (by item index) when the run stopped. */
	output(): INodeExecutionData[][] {
		if (this.firstFailure) throw this.describedFailure(this.firstFailure.error, this.firstFailure.itemIndex);
		return [this.results.flat()];
	}

	private describedFailure(error: NodeError, itemIndex: number): NodeError {
		// Parts of one failed batch request share one error object: name the item this error is thrown for.
		error.context = { ...error.context, itemIndex };
		if (this.writes && this.itemCount > 1) {
			// Without this the builder cannot tell which messages already went out.
			const notStarted = this.itemCount - this.started;
			const skipped = notStarted > 0 ? ` The other ${notStarted} were not attempted.` : '';
			error.description = `${error.description ?? ''}\n\n${this.succeeded} of ${this.itemCount} items succeeded before this failure and were not undone.${skipped} Turn on "On Error: Continue" in the node settings to get one result per item and re-run only the failed ones.`.trim();
		}
		return error;
	}
}
