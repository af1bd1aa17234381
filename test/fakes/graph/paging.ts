/**
 * Graph cursor paging over a list sorted newest first.
 * Cursors are opaque base64 of (time, id), so a page boundary survives inserts and deletes
 * elsewhere in the list (items that move past a cursor are skipped, as on Graph).
 */
import { paramError } from './errors';

export interface CursorKey {
	t: number;
	id: string;
}

export interface PageSlice<T> {
	items: T[];
	before?: string;
	after?: string;
	hasNext: boolean;
	hasPrevious: boolean;
}

export function encodeCursor(key: CursorKey): string {
	return Buffer.from(`${key.t}:${key.id}`).toString('base64url');
}

export function decodeCursor(cursor: string, name: string): CursorKey {
	const text = Buffer.from(cursor, 'base64url').toString('utf8');
	const match = /^(-?\d+):(.+)$/.exec(text);
	// (inferred) wording; Graph rejects cursors it did not issue with a #100 error.
	if (!match) throw paramError(`Invalid cursor for param ${name}`);
	return { t: Number(match[1]), id: match[2] };
}

/** Order used everywhere: newer first, then higher id first. Negative when a comes first. */
export function compareNewestFirst(a: CursorKey, b: CursorKey): number {
	if (a.t !== b.t) return b.t - a.t;
	return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function pageOf<T>(
	sorted: T[],
	keyOf: (item: T) => CursorKey,
	opts: { limit: number; after?: string; before?: string },
): PageSlice<T> {
	let start = 0;
	let end = sorted.length;
	if (opts.after) {
		const cursor = decodeCursor(opts.after, 'after');
		start = firstIndex(sorted, (item) => compareNewestFirst(keyOf(item), cursor) > 0);
		end = Math.min(sorted.length, start + opts.limit);
	} else if (opts.before) {
		const cursor = decodeCursor(opts.before, 'before');
		end = firstIndex(sorted, (item) => compareNewestFirst(keyOf(item), cursor) >= 0);
		start = Math.max(0, end - opts.limit);
	} else {
		end = Math.min(sorted.length, opts.limit);
	}
	const items = sorted.slice(start, end);
	const slice: PageSlice<T> = { items, hasNext: end < sorted.length, hasPrevious: start > 0 };
	if (items.length > 0) {
		slice.before = encodeCursor(keyOf(items[0]));
		slice.after = encodeCursor(keyOf(items[items.length - 1]));
	}
	return slice;
}

function firstIndex<T>(items: T[], predicate: (item: T) => boolean): number {
	const index = items.findIndex(predicate);
	return index < 0 ? items.length : index;
}

/** Build Graph's `paging` object with absolute `next`/`previous` links on the fake's own host. */
export function pagingObject(
	slice: PageSlice<unknown>,
	link: { baseUrl: string; version: string; path: string; query: Record<string, string> },
): Record<string, unknown> | undefined {
	if (!slice.before || !slice.after) return undefined;
	const paging: Record<string, unknown> = { cursors: { before: slice.before, after: slice.after } };
	const url = (extra: Record<string, string>): string => {
		const query = { ...link.query };
		delete query.after;
		delete query.before;
		const qs = new URLSearchParams({ ...query, ...extra }).toString();
		return `${link.baseUrl}/${link.version}${link.path}?${qs}`;
	};
	if (slice.hasPrevious) paging.previous = url({ before: slice.before });
	if (slice.hasNext) paging.next = url({ after: slice.after });
	return paging;
}

/** `limit` as Graph reads it: default 25; (inferred) capped at 100 rather than rejected. */
export function readLimit(raw: unknown, fallback = 25): number {
	if (raw === undefined || raw === null || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1) throw paramError('Param limit must be a positive integer');
	return Math.min(n, 100);
}
