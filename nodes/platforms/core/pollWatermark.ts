/**
 * The poll trigger's memory of what it has seen: the time of the newest message and the ids of the
 * messages at that time (two may share a second). A poll pages newest first until it reaches the
 * watermark, so each message newer than it is returned once, oldest first. When a poll runs out of pages
 * first (a flood between two polls), the rest is a gap — where paging stopped and down to which
 * watermark — that the next polls read with the pages they have left, so nothing is skipped unless a gap
 * keeps failing. Provider-neutral: any `recentMessages` pages (newest first, ISO timestamps, opaque cursors) do.
 */
import type { Message, Page } from '../types';

export interface Watermark {
	/** ISO 8601 time of the newest message seen. */
	at: string;
	/** Ids of the messages seen at exactly `at`. */
	ids: string[];
}

/** Messages not read yet: from `cursor` (older and older) down to `until`. */
export interface Gap {
	cursor: string;
	until: Watermark;
	/**
	 * The oldest message read so far above the gap: only older ones count, so a cursor that counts
	 * positions (new messages on top shift it) never brings a message twice.
	 */
	from: Watermark;
	/** Polls whose reading of the gap failed; dropped after MAX_GAP_FAILURES. */
	failures?: number;
}

export interface PollState {
	watermark?: Watermark;
	gaps?: Gap[];
}

export interface PollResult {
	/** Messages not returned before, oldest first (on the first poll: the first page's). */
	fresh: Message[];
	/** What the next poll starts from. */
	state: Required<Pick<PollState, 'watermark'>> & PollState;
	/** Gaps left for later polls (each is read as pages allow). */
	pending: number;
	/** Gaps given up on (their cursor kept failing): messages there were not read. */
	dropped: number;
}

const MAX_GAPS = 10;
const MAX_GAP_FAILURES = 3;

/** Before any message: an account with nothing to see yet gets every message from now on. */
const BEGINNING: Watermark = { at: new Date(0).toISOString(), ids: [] };

const timeOf = (message: Message) => (message.timestamp ? Date.parse(message.timestamp) : Number.NaN);

function isNewer(message: Message, watermark: Watermark): boolean {
	const at = timeOf(message);
	const mark = Date.parse(watermark.at);
	return at > mark || (at === mark && !watermark.ids.includes(message.id));
}

/** Strictly older than the mark: before its time, or at its time and not one of its messages. */
function isOlder(message: Message, mark: Watermark): boolean {
	const at = timeOf(message);
	const time = Date.parse(mark.at);
	return at < time || (at === time && !mark.ids.includes(message.id));
}

/** The oldest time among the messages and the ids at it (merged with `previous` at the same time). */
function oldestMarkOf(messages: Message[], previous: Watermark): Watermark {
	const timed = messages.filter((message) => Number.isFinite(timeOf(message)));
	if (timed.length === 0) return previous;
	const oldest = Math.min(...timed.map(timeOf));
	const ids = timed.filter((message) => timeOf(message) === oldest).map((message) => message.id);
	const keep = Date.parse(previous.at) === oldest ? previous.ids : [];
	return { at: new Date(oldest).toISOString(), ids: [...new Set([...keep, ...ids])] };
}

function watermarkOf(messages: Message[], previous: Watermark | undefined): Watermark {
	const timed = messages.filter((message) => Number.isFinite(timeOf(message)));
	if (timed.length === 0) return previous ?? BEGINNING;
	const newest = Math.max(...timed.map(timeOf));
	if (previous && Date.parse(previous.at) > newest) return previous;
	const ids = timed.filter((message) => timeOf(message) === newest).map((message) => message.id);
	const keep = previous && Date.parse(previous.at) === newest ? previous.ids : [];
	return { at: new Date(newest).toISOString(), ids: [...new Set([...keep, ...ids])] };
}

type Pager = (cursor?: string) => Promise<Page<Message>>;

/**
 * Reads from `cursor` down to `until` (only messages older than `from`, when given) with at most `budget`
 * pages; the cursor where it stopped, if it did.
 */
async function readDown(page: Pager, cursor: string | undefined, until: Watermark, budget: number, into: Message[], from?: Watermark): Promise<{ used: number; stoppedAt?: string }> {
	let next = cursor;
	for (let used = 1; ; used++) {
		const answer = await page(next);
		const newer = answer.items.filter((message) => isNewer(message, until));
		into.push(...(from ? newer.filter((message) => isOlder(message, from)) : newer));
		if (newer.length < answer.items.length || !answer.nextCursor) return { used };
		if (used >= budget) return { used, stoppedAt: answer.nextCursor };
		next = answer.nextCursor;
	}
}

export async function pollSince(page: Pager, state: PollState, maxPages: number): Promise<PollResult> {
	const before = state.watermark;
	const top: Message[] = [];
	if (!before) {
		// First poll: the first page is all there is to see.
		top.push(...(await page()).items.filter((message) => Number.isFinite(timeOf(message))));
		return { fresh: oldestFirst(top), state: { watermark: watermarkOf(top, undefined) }, pending: 0, dropped: 0 };
	}
	const { used, stoppedAt } = await readDown(page, undefined, before, maxPages, top);
	const gaps: Gap[] = [...(stoppedAt ? [{ cursor: stoppedAt, until: before, from: oldestMarkOf(top, BEGINNING) }] : []), ...(state.gaps ?? [])];
	const older: Message[] = [];
	let budget = maxPages - used;
	let dropped = 0;
	const left: Gap[] = [];
	for (const gap of gaps) {
		if (budget <= 0 || gap.cursor === stoppedAt) {
			left.push(gap);
			continue;
		}
		try {
			const read: Message[] = [];
			const { used: pages, stoppedAt: stopped } = await readDown(page, gap.cursor, gap.until, budget, read, gap.from);
			older.push(...read);
			budget -= pages;
			if (stopped) left.push({ cursor: stopped, until: gap.until, from: oldestMarkOf(read, gap.from) });
		} catch {
			// A cursor X no longer takes, or a limit: tried again next poll, given up after a few.
			budget = 0;
			const failures = (gap.failures ?? 0) + 1;
			if (failures < MAX_GAP_FAILURES) left.push({ ...gap, failures });
			else dropped++;
		}
	}
	dropped += Math.max(0, left.length - MAX_GAPS);
	const seen = new Set<string>();
	const fresh = oldestFirst([...top, ...older]).filter((message) => !seen.has(message.id) && seen.add(message.id));
	const next: PollResult['state'] = { watermark: watermarkOf(top, before) };
	if (left.length > 0) next.gaps = left.slice(0, MAX_GAPS);
	return { fresh, state: next, pending: next.gaps?.length ?? 0, dropped };
}

function oldestFirst(messages: Message[]): Message[] {
	return [...messages].sort((a, b) => timeOf(a) - timeOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
