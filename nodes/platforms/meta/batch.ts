/**
 * Graph batch requests: up to 50 calls in one HTTP request to the host root, each answered on its own
 * (`{code, body}`, or null when Meta gave up on it). Parts refused for a rate limit were not carried
 * out and are sent again in the next batch; every other outcome is final, so nothing goes out twice.
 */
import type { IDataObject } from 'n8n-workflow';

import { laneCapacity, type Lane, type Pacing } from '../core/rateGate';
import { MAYBE_CARRIED_OUT, backoffDelay, type PlatformError, type Transport } from '../core/transport';
import { readGraphError } from './errors';

export const MAX_BATCH_SIZE = 50;

/**
 * Messages per batch request for a send lane of `lane`'s pace: the largest size up to MAX_BATCH_SIZE whose
 * whole batches fill the lane's second. A batch counts all its parts at once, so at the default 285/s
 * batches of 50 fit only 5 times into a second (250) and leave 35 unused, while 6 batches of 47 use 282.
 * Measured in a real n8n against a sandbox limited to 300/s: 5,000 sends took 1.21× the minimum in
 * batches of 50 (see BENCHMARKS.md).
 */
export function batchSizeFor(lane: Lane): number {
	const { capacity } = laneCapacity(lane);
	if (capacity <= MAX_BATCH_SIZE) return Math.max(1, capacity);
	return Math.floor(capacity / Math.ceil(capacity / MAX_BATCH_SIZE));
}

export interface BatchCall {
	method: 'POST' | 'GET' | 'DELETE';
	/** Path with its version and no leading slash, e.g. `v23.0/104812345678901/messages`. */
	relativeUrl: string;
	body?: IDataObject;
	/** Lanes this call counts on. */
	lanes: Lane[];
}

export type BatchPartOutcome = { body: IDataObject } | { error: Error };

/** Graph wants each part's body as a url-encoded string; object values travel as JSON. */
export function encodeBatchBody(body: IDataObject): string {
	return Object.entries(body)
		.filter(([, value]) => value !== undefined)
		.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value))}`)
		.join('&');
}

function parsePartBody(body: unknown): unknown {
	if (typeof body !== 'string') return body ?? {};
	try {
		return JSON.parse(body);
	} catch {
		return { raw: body };
	}
}

function pacingOf(calls: BatchCall[]): Pacing[] {
	const weights = new Map<string, Pacing>();
	for (const call of calls) {
		for (const lane of call.lanes) {
			const entry = weights.get(lane.name) ?? { lane, weight: 0 };
			entry.weight++;
			weights.set(lane.name, entry);
		}
	}
	return [...weights.values()];
}

/**
 * Splits calls, in order, into batches of at most MAX_BATCH_SIZE whose calls fit into one window of
 * every lane they count on: a batch goes out at one instant, so 50 videos in one batch would be 50
 * audio/video sends within a second where Meta allows 10, whatever the pacing between batches.
 */
export function splitIntoBatches<T>(entries: T[], lanesOf: (entry: T) => Lane[]): T[][] {
	const batches: T[][] = [];
	let current: T[] = [];
	let weights = new Map<string, number>();
	for (const entry of entries) {
		const lanes = lanesOf(entry);
		const full =
			current.length >= MAX_BATCH_SIZE ||
			lanes.some((lane) => (weights.get(lane.name) ?? 0) + 1 > laneCapacity(lane).capacity);
		if (full && current.length > 0) {
			batches.push(current);
			current = [];
			weights = new Map();
		}
		current.push(entry);
		for (const lane of lanes) weights.set(lane.name, (weights.get(lane.name) ?? 0) + 1);
	}
	if (current.length > 0) batches.push(current);
	return batches;
}

/**
 * Runs the calls (at most MAX_BATCH_SIZE) and returns one outcome per call, in order. Never throws for
 * a failed request: a failure of a whole batch request (network, 5xx) becomes the outcome of the parts
 * it carried (they may or may not have run), while parts already answered by an earlier round keep
 * their own outcome.
 */
export async function runBatch(transport: Transport, calls: BatchCall[]): Promise<BatchPartOutcome[]> {
	const outcomes: BatchPartOutcome[] = new Array(calls.length);
	let pending = calls.map((call, index) => ({ call, index }));
	let attempt = 0;
	let waitedMs = 0;

	while (pending.length > 0) {
		const parts = pending.map(({ call }) => ({
			method: call.method,
			relative_url: call.relativeUrl,
			...(call.body ? { body: encodeBatchBody(call.body) } : {}),
		}));
		let answers: unknown;
		try {
			answers = await transport.request<unknown>({
				method: 'POST',
				path: '/',
				unversioned: true,
				body: { batch: parts, include_headers: false },
				pacing: pacingOf(pending.map(({ call }) => call)),
			});
		} catch (error) {
			// The whole request failed (network, 5xx, a rate limit waited out too long): only its own parts fail.
			for (const { index } of pending) outcomes[index] = { error: error as Error };
			break;
		}
		const list = Array.isArray(answers) ? (answers as Array<IDataObject | null>) : [];

		const retry: typeof pending = [];
		let rateLimit: PlatformError | undefined;
		pending.forEach((entry, position) => {
			const answer = list[position];
			if (!answer) {
				outcomes[entry.index] = {
					error: transport.apiError({
						message: 'Meta did not finish this part of the batch request',
						description: `Meta answers unfinished parts of a batch with null, for example after a timeout. ${MAYBE_CARRIED_OUT}`,
						httpCode: '',
					}),
				};
				return;
			}
			const body = parsePartBody(answer.body);
			const failure = readGraphError({ statusCode: Number(answer.code ?? 200), headers: {}, body });
			if (!failure) outcomes[entry.index] = { body: (body ?? {}) as IDataObject };
			else if (failure.rateLimited) {
				retry.push(entry);
				if (!rateLimit || (failure.retryAfterMs ?? 0) > (rateLimit.retryAfterMs ?? 0)) rateLimit = failure;
			} else outcomes[entry.index] = { error: transport.apiError(failure) };
		});

		pending = retry;
		if (pending.length === 0 || !rateLimit) break;
		const delay = Math.max(rateLimit.retryAfterMs ?? 0, backoffDelay(attempt++));
		if (waitedMs + delay > transport.maxWaitMs) {
			const error = transport.waitTooLong(rateLimit, waitedMs, delay);
			for (const { index } of pending) outcomes[index] = { error };
			break;
		}
		waitedMs += delay;
		transport.gate.refused(pacingOf(pending.map(({ call }) => call)));
		transport.gate.tighten();
		transport.gate.pauseFor(delay, rateLimit.description);
	}
	return outcomes;
}
