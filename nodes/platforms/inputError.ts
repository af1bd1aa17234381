/**
 * A unified request that breaks a platform's documented limit. Adapters throw it before any request
 * is sent; the node turns it into a NodeOperationError that carries the item index.
 */
export class InputError extends Error {
	constructor(
		message: string,
		/** How to fix it, shown under the message in n8n. */
		readonly description: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}
