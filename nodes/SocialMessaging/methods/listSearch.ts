/** Resource locator lists: recent conversations, and the people in them as recipients. */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { createPlatform } from '../../platforms';
import type { Conversation, Platform, PlatformName } from '../../platforms/types';

const PAGE_SIZE = 50;
/**
 * With a search text, further pages are read until something matches, at most this many per call
 * (the Conversations API allows about 2 calls/s per Page). The editor asks for more with the token.
 */
const MAX_PAGES_PER_SEARCH = 4;

/** Graph's conversation `link` is relative to facebook.com; the editor opens `url` in a new tab. */
function conversationUrl(conversation: Conversation): string | undefined {
	const link = conversation.link;
	if (!link) return undefined;
	if (/^https?:\/\//.test(link)) return link;
	if (link.startsWith('/') && conversation.platform === 'messenger') return `https://www.facebook.com${link}`;
	return undefined;
}

function participantLabel(conversation: Conversation, excludeIds: Set<string>): string {
	const others = conversation.participants.filter((p) => !excludeIds.has(p.id));
	return others.map((p) => p.name ?? p.username ?? p.id).join(', ') || conversation.id;
}

function matches(filter: string | undefined, ...values: Array<string | undefined>): boolean {
	if (!filter) return true;
	const needle = filter.trim().toLowerCase();
	return values.some((value) => value?.toLowerCase().includes(needle));
}

/**
 * Reads conversation pages from `paginationToken` on and turns them into list items; with a filter it
 * keeps reading (up to MAX_PAGES_PER_SEARCH pages) until at least one item matches.
 */
async function searchPages(
	ctx: ILoadOptionsFunctions,
	filter: string | undefined,
	paginationToken: string | undefined,
	toItems: (conversations: Conversation[], own: Set<string>) => INodeListSearchItems[],
): Promise<INodeListSearchResult> {
	const platformName = ctx.getNodeParameter('platform', 'messenger') as PlatformName;
	const platform: Platform = await createPlatform(ctx, platformName);
	const ownId = await platform.ownId();
	// The account itself is a participant of every conversation; lists show the other people.
	const own = new Set(ownId ? [ownId] : []);
	const results: INodeListSearchItems[] = [];
	let cursor = paginationToken;
	let pages = 0;
	do {
		const page = await platform.listConversations({ pageSize: PAGE_SIZE, cursor });
		results.push(...toItems(page.items, own).filter((item) => matches(filter, item.name, String(item.value))));
		cursor = page.nextCursor;
		pages++;
	} while (filter?.trim() && results.length === 0 && cursor && pages < MAX_PAGES_PER_SEARCH);
	return { results, paginationToken: cursor };
}

export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchPages(this, filter, paginationToken, (conversations, own) =>
		conversations.map((conversation) => {
			const item: INodeListSearchItems = {
				name: `${participantLabel(conversation, own)}${conversation.updatedAt ? ` (${conversation.updatedAt.slice(0, 10)})` : ''}`,
				value: conversation.id,
			};
			const url = conversationUrl(conversation);
			if (url) item.url = url;
			return item;
		}),
	);
}

export async function searchRecipients(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const seen = new Set<string>();
	return await searchPages(this, filter, paginationToken, (conversations, own) => {
		const items: INodeListSearchItems[] = [];
		for (const conversation of conversations) {
			for (const participant of conversation.participants) {
				if (own.has(participant.id) || seen.has(participant.id)) continue;
				seen.add(participant.id);
				const label = participant.name ?? participant.username ?? participant.id;
				// The name carries the id and the username, so the search text can match either.
				const suffix = participant.username && participant.username !== label ? `@${participant.username}, ` : '';
				items.push({ name: `${label} (${suffix}${participant.id})`, value: participant.id });
			}
		}
		return items;
	});
}
