/** Follows cursor paging until `limit` items are collected or the platform has no more pages. */
import type { Page } from './types';

export async function collectPages<T>(
	fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
	limit: number = Infinity,
): Promise<T[]> {
	const collected: T[] = [];
	let cursor: string | undefined;
	do {
		const page = await fetchPage(cursor);
		collected.push(...page.items.slice(0, limit - collected.length));
		cursor = page.nextCursor;
	} while (cursor && collected.length < limit);
	return collected;
}
