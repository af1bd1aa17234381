/**
 * What jest's matchers do not cover: the error a promise rejects with, for tests that check several of
 * its properties (message, description, httpCode) one by one.
 */

/** Resolves with what `promise` (or the promise `run` returns) rejected with; fails the test if it resolves. */
export async function rejectionOf<E = Error & { description?: string; httpCode?: string | null }>(promise: Promise<unknown> | (() => Promise<unknown>)): Promise<E> {
	let resolved: unknown;
	try {
		resolved = await (typeof promise === 'function' ? promise() : promise);
	} catch (error) {
		return error as E;
	}
	throw new Error(`expected a rejection, but the promise resolved with ${JSON.stringify(resolved)}`);
}
