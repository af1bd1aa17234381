/** The Persona list of resource locators: the Page's personas, newest first. */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { createPlatform } from '../../platforms';
import type { PlatformName } from '../../platforms/types';

const PAGE_SIZE = 50;

export async function searchPersonas(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const platformName = this.getNodeParameter('platform', 'messenger') as PlatformName;
	// Instagram has no personas: an empty list, not an error popup while the editor loads.
	if (platformName !== 'messenger') return { results: [] };
	const platform = await createPlatform(this, platformName);
	if (!platform.account) return { results: [] };
	const page = await platform.account.listPersonas({ pageSize: PAGE_SIZE, cursor: paginationToken });
	const needle = filter?.trim().toLowerCase();
	const results = page.items
		.map((persona) => ({ name: `${persona.name ?? persona.id} (${persona.id})`, value: persona.id, url: persona.profilePictureUrl }))
		.filter((item) => !needle || item.name.toLowerCase().includes(needle));
	return { results, paginationToken: page.nextCursor };
}
