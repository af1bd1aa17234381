/** Resource locator lists: recent conversations, and the people in them as recipients. */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { createPlatform } from '../../platforms';
import type { Conversation, PlatformName } from '../../platforms/types';

const PAGE_SIZE = 50;

async function conversationPage(
	ctx: ILoadOptionsFunctions,
	paginationToken?: string,
): Promise<{ conversations: Conversation[]; paginationToken?: string; own: Set<string> }> {
	const platformName = ctx.getNodeParameter('platform', 'messenger') as PlatformName;
	const platform = await createPlatform(ctx, platformName);
	const [page, ownId] = await Promise.all([
		platform.listConversations({ pageSize: PAGE_SIZE, cursor: paginationToken }),
		platform.ownId(),
	]);
	// The account itself is a participant of every conversation; lists show the other people.
	return { conversations: page.items, paginationToken: page.nextCursor, own: new Set(ownId ? [ownId] : []) };
}

function participantLabel(conversation: Conversation, excludeIds: Set<string>): string {
	const others = conversation.participants.filter((p) => !excludeIds.has(p.id));
	return others.map((p) => p.name ?? p.username ?? p.id).join(', ') || conversation.id;
}

function matches(filter: string | undefined, ...values: Array<string | undefined>): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return values.some((value) => value?.toLowerCase().includes(needle));
}

export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await conversationPage(this, paginationToken);
	const { own } = page;
	const results: INodeListSearchItems[] = page.conversations
		.map((conversation) => ({
			name: `${participantLabel(conversation, own)}${conversation.updatedAt ? ` (${conversation.updatedAt.slice(0, 10)})` : ''}`,
			value: conversation.id,
			url: conversation.link,
		}))
		.filter((item) => matches(filter, item.name, item.value));
	return { results, paginationToken: page.paginationToken };
}

export async function searchRecipients(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await conversationPage(this, paginationToken);
	const { own } = page;
	const seen = new Set<string>();
	const results: INodeListSearchItems[] = [];
	for (const conversation of page.conversations) {
		for (const participant of conversation.participants) {
			if (own.has(participant.id) || seen.has(participant.id)) continue;
			seen.add(participant.id);
			const label = participant.name ?? participant.username ?? participant.id;
			if (matches(filter, label, participant.id, participant.username)) {
				results.push({ name: `${label} (${participant.id})`, value: participant.id });
			}
		}
	}
	return { results, paginationToken: page.paginationToken };
}
