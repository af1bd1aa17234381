/** The sending side of a call: a Facebook Page, or an Instagram account (Instagram Login or via its Page). */
import type { IgAccountRecord, PageRecord, Platform } from '../state';

export type Business = { kind: 'page'; page: PageRecord } | { kind: 'ig'; ig: IgAccountRecord };

export function businessId(business: Business): string {
	return business.kind === 'page' ? business.page.id : business.ig.id;
}

/** The business id that owns conversations of a platform (a Page owns its linked IG account's threads). */
export function ownerFor(business: Business, platform: Platform): string | undefined {
	if (business.kind === 'ig') return platform === 'instagram' ? business.ig.id : undefined;
	return platform === 'messenger' ? business.page.id : business.page.igAccountId;
}

export function defaultPlatform(business: Business): Platform {
	return business.kind === 'ig' ? 'instagram' : 'messenger';
}
