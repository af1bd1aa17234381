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

/**
 * The credential cannot authenticate any request (e.g. an expired token it could not renew), found while
 * n8n prepared the request, so nothing was sent. n8n wraps it in a NodeApiError that keeps only its
 * message, so the refusals of this process are remembered by message (a few, the latest).
 */
const recentRefusals = new Map<string, CredentialRefusal>();

export class CredentialRefusal extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'CredentialRefusal';
		recentRefusals.delete(message);
		recentRefusals.set(message, this);
		if (recentRefusals.size > 20) recentRefusals.delete(recentRefusals.keys().next().value as string);
	}
}

export function credentialRefusalIn(error: unknown): CredentialRefusal | undefined {
	if (error instanceof CredentialRefusal) return error;
	return recentRefusals.get(String((error as Error | undefined)?.message ?? ''));
}
