/**
 * The poll trigger's memory of what it has seen: the time of the newest message and the ids of the
 * messages at that time (two may share a second). A poll pages newest first until it reaches the
 * watermark, so each message newer than it is returned once, oldest first. Provider-neutral: any
 * `recentMessages` pages (newest first, with ISO timestamps) do.
 */
import type { Message, Page } from '../types';

export interface Watermark {
	/** ISO 8601 time of the newest message seen. */
	at: string;
	/** Ids of the messages seen at exactly `at`. */
	ids: string[];
}

export interface PollResult {
	/** Messages newer than the watermark, oldest first (on the first poll: the first page's). */
	fresh: Message[];
	/** The watermark after this poll (unchanged when nothing newer came). */
	watermark: Watermark;
	/** Paging stopped at `maxPages` before the watermark was reached: older new messages were not read. */
	truncated: boolean;
}

const timeOf = (message: Message) => (message.timestamp ? Date.parse(message.timestamp) : Number.NaN);

function isNewer(message: Message, watermark: Watermark): boolean {
	const at = timeOf(message);
	const mark = Date.parse(watermark.at);
	return at > mark || (at === mark && !watermark.ids.includes(message.id));
}

/** Before any message: an account with nothing to see yet gets every message from now on. */
const BEGINNING: Watermark = { at: new Date(0).toISOString(), ids: [] };

function watermarkOf(messages: Message[], previous: Watermark | undefined): Watermark {
	const timed = messages.filter((message) => Number.isFinite(timeOf(message)));
	if (timed.length === 0) return previous ?? BEGINNING;
	const newest = Math.max(...timed.map(timeOf));
	if (previous && Date.parse(previous.at) > newest) return previous;
	const ids = timed.filter((message) => timeOf(message) === newest).map((message) => message.id);
	const keep = previous && Date.parse(previous.at) === newest ? previous.ids : [];
	return { at: new Date(newest).toISOString(), ids: [...new Set([...keep, ...ids])] };
}

export async function pollSince(
	page: (cursor?: string) => Promise<Page<Message>>,
	watermark: Watermark | undefined,
	maxPages: number,
): Promise<PollResult> {
	const fresh: Message[] = [];
	let cursor: string | undefined;
	for (let pages = 1; ; pages++) {
		const answer = await page(cursor);
		// Without a watermark (first poll) the first page is all there is to see.
		const newer = watermark ? answer.items.filter((message) => isNewer(message, watermark)) : answer.items.filter((message) => Number.isFinite(timeOf(message)));
		fresh.push(...newer);
		const reached = !watermark || newer.length < answer.items.length;
		if (reached || !answer.nextCursor) break;
		if (pages >= maxPages) {
			return { fresh: oldestFirst(fresh), watermark: watermarkOf(fresh, watermark), truncated: true };
		}
		cursor = answer.nextCursor;
	}
	return { fresh: oldestFirst(fresh), watermark: watermarkOf(fresh, watermark), truncated: false };
}

function oldestFirst(messages: Message[]): Message[] {
	return [...messages].sort((a, b) => timeOf(a) - timeOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
