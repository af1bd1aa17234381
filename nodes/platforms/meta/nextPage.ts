/**
 * Paging past Meta's caps (13 quick replies, 10 generic cards), the seed's `next`: the first page goes out
 * with a "next page" quick reply, the other pages are kept in workflow static data, and the trigger
 * answers a tap on that quick reply with the following page. The tap's payload names the stored pages and
 * the page, signed with a key derived from the app secret and bound to the person it was sent to: nobody
 * can ask for another person's pages, or for pages that were never sent to them.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import type { NextPageAnswer } from '../provider';
import type { GenericElement, OutgoingMessage, QuickReply } from '../types';
import { META_LIMITS } from './outgoing';

export const NEXT_PAGE_LIMITS = {
	/** Pages per message: 10 pages hold 100 cards or 121 quick replies. */
	maxPages: 10,
	/** How long a tap still gets its page. */
	keepMs: 7 * 24 * 3600 * 1000,
	/** Static data is saved with every execution: the stored pages stay under this (JSON bytes). */
	maxStoredBytes: 256 * 1024,
	maxEntries: 500,
} as const;

/** Key of the pages in the workflow's global static data (shared by the Send node and the trigger). */
export const NEXT_PAGE_STORE_KEY = 'socialMessagingNextPages';
const PREFIX = 'SM_NEXT_PAGE';

/** What is kept of a message past the caps: everything the later pages need, none of the recipient. */
interface StoredPages {
	at: number;
	kind: 'quickReplies' | 'cards';
	label: string;
	text?: string;
	imageAspectRatio?: 'horizontal' | 'square';
	personaId?: string;
	/** Pages 2, 3, …: quick replies or cards. */
	pages: Array<QuickReply[] | GenericElement[]>;
}

/** The key that signs next-page payloads: derived from the app secret, never the secret itself. */
export function nextPageKey(appSecret: string): string | undefined {
	return appSecret ? createHmac('sha256', appSecret).update('social-messaging next page v1').digest('base64url') : undefined;
}

function signature(key: string, platform: string, recipientId: string, ref: string, page: number): string {
	return createHmac('sha256', key).update(`${platform}:${recipientId}:${ref}:${page}`).digest('base64url').slice(0, 22);
}

function tapPayload(key: string, platform: string, recipientId: string, ref: string, page: number): string {
	return `${PREFIX}:${ref}:${page}:${signature(key, platform, recipientId, ref, page)}`;
}

export function isNextPageTap(event: { type: string; payload?: string }): boolean {
	return event.type === 'quick_reply' && typeof event.payload === 'string' && event.payload.startsWith(`${PREFIX}:`);
}

function chunks<T>(list: T[], firstSize: number, size: number, lastSize: number): T[][] {
	const pages: T[][] = [];
	let rest = list;
	for (let page = 0; rest.length; page++) {
		const room = rest.length <= lastSize ? lastSize : page === 0 ? firstSize : size;
		pages.push(rest.slice(0, room));
		rest = rest.slice(room);
	}
	return pages;
}

function nextReply(label: string, payload: string): QuickReply {
	return { contentType: 'text', title: label, payload };
}

/** Page `index` (0-based) of stored pages as a message to `recipientId`, with its own next-page reply. */
function pageMessage(entry: Pick<StoredPages, 'kind' | 'text' | 'imageAspectRatio' | 'personaId'>, items: Array<QuickReply | GenericElement>, more?: QuickReply): OutgoingMessage {
	const base = { recipient: { id: '' }, personaId: entry.personaId };
	if (entry.kind === 'quickReplies') return { ...base, text: entry.text, quickReplies: [...(items as QuickReply[]), ...(more ? [more] : [])] };
	return {
		...base,
		template: { type: 'generic', elements: items as GenericElement[], imageAspectRatio: entry.imageAspectRatio },
		...(more ? { quickReplies: [more] } : {}),
	};
}

function checkLabel(label: string): void {
	if (!label.trim()) throw new InputError('The next page label is empty', 'Set Next Page Label (e.g. "More"), or remove the option.');
	if ([...label].length > META_LIMITS.quickReplyTitleMaxChars) {
		throw new InputError(`Next Page Label "${label}" is longer than ${META_LIMITS.quickReplyTitleMaxChars} characters`, 'It is a quick reply title: shorten it.');
	}
}

/**
 * Splits a message past the caps into pages. Within the caps: `undefined` (send it as it is). Checks
 * every page with `validate` before anything is stored or sent.
 */
export function splitIntoPages(
	message: OutgoingMessage,
	options: { label: string; platform: string; key: string | undefined; validate: (page: OutgoingMessage) => void },
): { first: OutgoingMessage; store: (staticData: IDataObject, now: number) => void } | undefined {
	const replies = message.quickReplies ?? [];
	const cards = message.template?.type === 'generic' ? message.template.elements : [];
	const kind = replies.length > META_LIMITS.maxQuickReplies ? 'quickReplies' : cards.length > META_LIMITS.genericMaxElements ? 'cards' : undefined;
	if (!kind) return undefined;
	const what = kind === 'cards' ? `${cards.length} cards` : `${replies.length} quick replies`;
	if (!('id' in message.recipient)) {
		throw new InputError(`${what} need a recipient ID to page`, 'The later pages go to the person who taps the next page button: send to their PSID or IGSID (the trigger\'s sender.id), or send at most 13 quick replies or 10 cards.');
	}
	if (!options.key) {
		throw new InputError(`${what} need the credential's App Secret to page`, 'The next page button is signed with a key derived from the App Secret, so nobody can read another person\'s pages: fill in App Secret in the credential (the trigger needs it too).');
	}
	if (kind === 'cards' && message.quickReplies?.length) {
		throw new InputError('Cards past 10 cannot carry quick replies of their own', 'Each page carries the next page button as its quick reply: remove the other quick replies, or send at most 10 cards.');
	}
	const label = options.label;
	checkLabel(label);
	const cap = kind === 'cards' ? META_LIMITS.genericMaxElements : META_LIMITS.maxQuickReplies;
	// Every page but the last keeps a place for the next-page reply (quick replies share the 13 with it).
	const items: Array<QuickReply | GenericElement> = kind === 'cards' ? cards : replies;
	const full = kind === 'cards' ? cap : cap - 1;
	const pages = chunks(items, full, full, cap);
	if (pages.length > NEXT_PAGE_LIMITS.maxPages) {
		throw new InputError(`${what} make ${pages.length} pages; at most ${NEXT_PAGE_LIMITS.maxPages} are kept`, `Send at most ${full * (NEXT_PAGE_LIMITS.maxPages - 1) + cap} ${kind === 'cards' ? 'cards' : 'quick replies'}, e.g. the most relevant ones, and link to the full list.`);
	}
	const entry: Omit<StoredPages, 'at' | 'pages'> = {
		kind,
		label,
		...(message.text !== undefined ? { text: message.text } : {}),
		...(message.template?.type === 'generic' && message.template.imageAspectRatio ? { imageAspectRatio: message.template.imageAspectRatio } : {}),
		...(message.personaId ? { personaId: message.personaId } : {}),
	};
	// Content-addressed: sending the same list to many people stores it once.
	const ref = createHash('sha256').update(JSON.stringify({ ...entry, pages })).digest('base64url').slice(0, 16);
	const recipientId = message.recipient.id;
	const more = (page: number) => (page < pages.length - 1 ? nextReply(label, tapPayload(options.key as string, options.platform, recipientId, ref, page + 1)) : undefined);
	pages.forEach((page, index) => options.validate({ ...message, ...pageMessage(entry, page, more(index)), recipient: message.recipient }));
	const firstPage = pageMessage(entry, pages[0], more(0));
	const first: OutgoingMessage = { ...message, quickReplies: firstPage.quickReplies, ...(firstPage.template ? { template: firstPage.template } : {}) };
	return {
		first,
		store(staticData, now) {
			const store = (staticData[NEXT_PAGE_STORE_KEY] ??= {}) as IDataObject;
			delete store[ref];
			store[ref] = { ...entry, at: now, pages: pages.slice(1) } as unknown as IDataObject;
			prune(store, now);
		},
	};
}

/** Drops pages past their time, then the oldest, until the store is within its bounds. */
function prune(store: IDataObject, now: number): void {
	const entries = Object.entries(store)
		.map(([ref, value]) => ({ ref, at: Number((value as IDataObject)?.at ?? 0), bytes: JSON.stringify(value).length + ref.length }))
		.sort((a, b) => b.at - a.at);
	let bytes = 0;
	entries.forEach((entry, index) => {
		bytes += entry.bytes;
		const keep = now - entry.at < NEXT_PAGE_LIMITS.keepMs && index < NEXT_PAGE_LIMITS.maxEntries && (index === 0 || bytes <= NEXT_PAGE_LIMITS.maxStoredBytes);
		if (!keep) delete store[entry.ref];
	});
}

/**
 * The page a tap asks for, as a message to the person who tapped, or why there is none. `key` undefined:
 * the credential has no App Secret (then the trigger refuses unsigned deliveries anyway).
 */
export function pageForTap(
	tap: { payload?: string; sender?: { id: string } },
	staticData: IDataObject,
	options: { key: string | undefined; platform: string; now: number },
): NextPageAnswer {
	const [, ref = '', pageText = '', given = ''] = String(tap.payload).split(':');
	const page = Number(pageText);
	const senderId = tap.sender?.id ?? '';
	const expected = options.key && Number.isInteger(page) && page > 0 ? signature(options.key, options.platform, senderId, ref, page) : '';
	if (!expected || given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
		return { status: 'refused', reason: 'The next page payload is not signed for this person (made up, or tapped by someone it was not sent to), so no page was sent.' };
	}
	const entry = (staticData[NEXT_PAGE_STORE_KEY] as IDataObject | undefined)?.[ref] as StoredPages | undefined;
	const items = entry?.pages?.[page - 1];
	if (!entry || !items || options.now - Number(entry.at) >= NEXT_PAGE_LIMITS.keepMs) {
		return {
			status: 'expired',
			reason: `The pages of this list are no longer stored (kept ${NEXT_PAGE_LIMITS.keepMs / 86400000} days, at most ${NEXT_PAGE_LIMITS.maxStoredBytes / 1024} KB per workflow, and only for production executions of the workflow that sent them). Send the list again.`,
		};
	}
	const total = entry.pages.length + 1;
	const more = page + 1 < total ? nextReply(entry.label, tapPayload(options.key as string, options.platform, senderId, ref, page + 1)) : undefined;
	const message = { ...pageMessage(entry, items, more), recipient: { id: senderId }, messagingType: 'RESPONSE' as const };
	return { message, page: page + 1, pages: total };
}
