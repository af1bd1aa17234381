/**
 * What an operation is: its fields, and a function of one item. The router owns the loop over items,
 * error handling, Continue On Fail, paired items and concurrency, so operations stay short.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OutgoingMessage, Platform, SendResult } from '../../platforms/types';

export interface OperationInput {
	ctx: IExecuteFunctions;
	platform: Platform;
	itemIndex: number;
}

/** A send read from one item, ready for the platform, plus what the output needs besides the result. */
export interface PreparedSend {
	message: OutgoingMessage;
	extra: IDataObject;
}

export interface Operation {
	/** The operation's fields; the resource adds the displayOptions. */
	description: INodeProperties[];
	/**
	 * `write` operations change something on the platform (send, react, upload): they run with bounded
	 * concurrency and are never repeated blindly. `read` operations run one item at a time.
	 */
	kind: 'read' | 'write';
	/** Returns the output for one input item: one object, or several (lists). */
	execute(input: OperationInput): Promise<IDataObject | IDataObject[]>;
	/**
	 * Who the item writes to (one person, one thread), for writes whose order matters to that person:
	 * items with the same key run one after another in input order, others alongside. Undefined when
	 * the item has none or it cannot be read (the item then fails in `execute` with the reason).
	 */
	orderKey?(ctx: IExecuteFunctions, itemIndex: number): string | undefined;
	/** Sends that the platform can also carry in batch requests: the two halves of `execute`. */
	batch?: {
		prepare(input: OperationInput): Promise<PreparedSend>;
		output(input: OperationInput, result: SendResult, prepared: PreparedSend): IDataObject;
	};
}
