/** Follows cursor paging until `limit` items are collected or the platform has no more pages. */
import type { Page } from '../types';

/**
 * @param fetchPage gets the previous page's cursor (undefined first). Callers keep the page size
 *   constant: platforms may filter items out of a page, and fewer, fuller requests matter more than
 *   the few extra items of the last page (Meta allows 2 Conversations API calls per second).
 */
export async function collectPages<T>(
	fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
	limit: number = Infinity,
): Promise<T[]> {
	const collected: T[] = [];
	const seenCursors = new Set<string>();
	let cursor: string | undefined;
	do {
		const page = await fetchPage(cursor);
		collected.push(...page.items.slice(0, limit - collected.length));
		cursor = page.nextCursor;
		// A cursor seen before would page forever; the platform has nothing new behind it.
		if (cursor !== undefined && seenCursors.has(cursor)) break;
		if (cursor !== undefined) seenCursors.add(cursor);
	} while (cursor && collected.length < limit);
	return collected;
}
