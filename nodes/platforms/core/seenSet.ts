/**
 * A compact set of recently seen keys, sized for workflow static data (which n8n rewrites to its
 * database after every delivery). Each key is kept as the first HASH_BITS bits of its SHA-256, in time
 * buckets; a bucket stores its hashes sorted, as Rice-coded gaps in base64, about 26 bits per key
 * instead of the 32 bytes of a JSON entry. Expiry drops whole buckets whose newest key is older than
 * the window. A key is never forgotten within the window while the set holds at most `maxEntries`
 * newer keys; the price of the short hashes is a false positive (a new key taken for a seen one) with
 * probability (keys held) / 2^HASH_BITS per lookup: at most 6.4e-7 with 11,000 keys held.
 */
import { createHash } from 'crypto';

/** Bits of the SHA-256 of a key that the set keeps. */
export const HASH_BITS = 34;
const HASH_SPACE = 2 ** HASH_BITS;

export interface SeenSetLimits {
	/** Keys are remembered at least this long (unless more than maxEntries newer ones arrive). */
	windowMs: number;
	/** Keys always remembered within the window: the newest this many. */
	maxEntries: number;
	/** A bucket takes new keys for at most this long... */
	bucketSpanMs: number;
	/** ...and at most this many; so the set holds at most maxEntries + bucketMaxEntries keys. */
	bucketMaxEntries: number;
	/** Upper bound of the set's JSON in characters (a safety net: the count bound keeps it below). */
	maxChars: number;
}

/** One bucket as stored in static data. */
export interface StoredBucket {
	/** Epoch ms of its first and its newest key. */
	start: number;
	end: number;
	count: number;
	/** Rice parameter: the low bits of each gap written as they are. */
	k: number;
	/** The Rice-coded gaps between the sorted hashes, base64. */
	data: string;
}

export interface StoredSeenSet {
	hashBits: number;
	buckets: StoredBucket[];
}

/** The first HASH_BITS bits of the SHA-256 of `key`, as a number. */
export function keyHash(key: string): number {
	return hashOfDigestBytes(createHash('sha256').update(key).digest());
}

/** The same number from the first bytes of a SHA-256 digest (also the old dedupe store's digests). */
export function hashOfDigestBytes(bytes: Uint8Array): number {
	let value = 0;
	for (let bit = 0; bit < HASH_BITS; bit++) value = value * 2 + ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
	return value;
}

interface Bucket {
	start: number;
	end: number;
	/** Sorted, unique. Never changed in place (decoded arrays are shared through the cache). */
	values: readonly number[];
	/** Its stored form and that form's JSON length, while `values` has not changed since. */
	stored?: StoredBucket;
	chars?: number;
}

export class SeenSet {
	private buckets: Bucket[];

	/** Whether add or prune changed anything since it was read (nothing to save otherwise). */
	changed = false;

	constructor(
		private readonly limits: SeenSetLimits,
		stored?: unknown,
	) {
		this.buckets = readStored(stored);
	}

	has(hash: number): boolean {
		return this.buckets.some((bucket) => indexOf(bucket.values, hash) >= 0);
	}

	/** Adds `hash` (seen at `at`, not older than anything added before) unless it is there already. */
	add(hash: number, at: number): void {
		if (this.has(hash)) return;
		let newest = this.buckets.at(-1);
		if (!newest || at - newest.start >= this.limits.bucketSpanMs || newest.values.length >= this.limits.bucketMaxEntries) {
			newest = { start: at, end: at, values: [] };
			this.buckets.push(newest);
		}
		const values = newest.values.slice();
		values.splice(insertionPoint(values, hash), 0, hash);
		newest.values = values;
		newest.end = Math.max(newest.end, at);
		newest.stored = undefined;
		newest.chars = undefined;
		this.changed = true;
	}

	get size(): number {
		return this.buckets.reduce((sum, bucket) => sum + bucket.values.length, 0);
	}

	/** Drops buckets past the window, then the oldest while the rest still hold maxEntries keys or the JSON is too big. */
	prune(now: number): void {
		const { windowMs, maxEntries, maxChars } = this.limits;
		const before = this.buckets.length;
		this.buckets = this.buckets.filter((bucket) => now - bucket.end <= windowMs && bucket.values.length > 0);
		let size = this.size;
		while (this.buckets.length > 1 && size - this.buckets[0].values.length >= maxEntries) {
			size -= this.buckets[0].values.length;
			this.buckets.shift();
		}
		while (this.buckets.length > 1 && this.jsonLength() > maxChars) this.buckets.shift();
		if (this.buckets.length !== before) this.changed = true;
	}

	/** `JSON.stringify(this).length`, from the buckets' cached lengths. */
	jsonLength(): number {
		const frame = JSON.stringify({ hashBits: HASH_BITS, buckets: [] }).length;
		const buckets = this.buckets.reduce((sum, bucket) => sum + (bucket.chars ??= storedLength(storeBucket(bucket))), 0);
		return frame + buckets + Math.max(0, this.buckets.length - 1);
	}

	toJSON(): StoredSeenSet {
		return { hashBits: HASH_BITS, buckets: this.buckets.map(storeBucket) };
	}
}

function storeBucket(bucket: Bucket): StoredBucket {
	bucket.stored ??= { start: bucket.start, end: bucket.end, count: bucket.values.length, ...encode(bucket.values) };
	return bucket.stored;
}

/** JSON length of a stored bucket; its base64 data needs no escaping, so it is counted without copying it. */
function storedLength(stored: StoredBucket): number {
	return JSON.stringify({ ...stored, data: '' }).length + stored.data.length;
}

function readStored(stored: unknown): Bucket[] {
	const set = stored as Partial<StoredSeenSet> | undefined;
	// Hashes of another width cannot be compared; such a set (a future version's) starts over.
	if (!set || set.hashBits !== HASH_BITS || !Array.isArray(set.buckets)) return [];
	const buckets: Bucket[] = [];
	for (const entry of set.buckets) {
		const values = decodeCached(entry);
		if (values) buckets.push({ start: entry.start, end: entry.end, values, stored: entry });
	}
	return buckets.sort((a, b) => a.start - b.start);
}

function indexOf(values: readonly number[], hash: number): number {
	const at = insertionPoint(values, hash);
	return values[at] === hash ? at : -1;
}

/** The first index whose value is not below `hash` (binary search). */
function insertionPoint(values: readonly number[], hash: number): number {
	let low = 0;
	let high = values.length;
	while (low < high) {
		const middle = (low + high) >> 1;
		if (values[middle] < hash) low = middle + 1;
		else high = middle;
	}
	return low;
}

/** Gaps between sorted unique values, minus one (the first from -1), so they start at 0. */
function gapsOf(values: readonly number[]): number[] {
	return values.map((value, index) => value - (index === 0 ? -1 : values[index - 1]) - 1);
}

/** Bits that Rice parameter `k` needs for `gaps`: a unary quotient, a stop bit and k low bits each. */
function riceBits(gaps: number[], k: number): number {
	const divisor = 2 ** k;
	return gaps.reduce((sum, gap) => sum + Math.floor(gap / divisor) + 1 + k, 0);
}

function encode(values: readonly number[]): { k: number; data: string } {
	const gaps = gapsOf(values);
	// Near log2 of the mean gap; of the three around it, the shortest.
	const guess = Math.max(0, Math.round(Math.log2((Math.LN2 * HASH_SPACE) / Math.max(1, values.length))));
	let k = guess;
	let bits = riceBits(gaps, guess);
	for (const candidate of [guess - 1, guess + 1]) {
		if (candidate < 0 || candidate >= HASH_BITS) continue;
		const length = riceBits(gaps, candidate);
		if (length < bits) [k, bits] = [candidate, length];
	}
	const bytes = new Uint8Array(Math.ceil(bits / 8));
	let position = 0;
	const write = (bit: number) => {
		if (bit) bytes[position >> 3] |= 0x80 >> (position & 7);
		position++;
	};
	/** The low `count` bits of `value`, highest first (integer shifts below 2^24, the rest by division). */
	const writeBits = (value: number, count: number) => {
		if (count > 24) {
			const high = Math.floor(value / 2 ** 24);
			writeBits(high, count - 24);
			value -= high * 2 ** 24;
			count = 24;
		}
		for (let bit = count - 1; bit >= 0; bit--) write((value >>> bit) & 1);
	};
	const divisor = 2 ** k;
	for (const gap of gaps) {
		const quotient = Math.floor(gap / divisor);
		for (let i = 0; i < quotient; i++) write(1);
		write(0);
		writeBits(gap - quotient * divisor, k);
	}
	return { k, data: Buffer.from(bytes).toString('base64') };
}

/** The sorted values of a stored bucket, or undefined when it is not one this code wrote. */
function decode(stored: StoredBucket): number[] | undefined {
	const { count, k, data } = stored;
	if (!Number.isInteger(count) || count < 0 || !Number.isInteger(k) || k < 0 || k >= HASH_BITS || typeof data !== 'string') return undefined;
	if (!Number.isFinite(stored.start) || !Number.isFinite(stored.end)) return undefined;
	const bytes = Buffer.from(data, 'base64');
	const totalBits = bytes.length * 8;
	let position = 0;
	const read = () => (bytes[position >> 3] >> (7 - (position++ & 7))) & 1;
	const values: number[] = [];
	let previous = -1;
	for (let index = 0; index < count; index++) {
		let quotient = 0;
		for (;;) {
			if (position >= totalBits) return undefined;
			if (read() === 0) break;
			quotient++;
		}
		if (position + k > totalBits) return undefined;
		let remainder = 0;
		for (let bit = 0; bit < k; bit++) remainder = remainder * 2 + read();
		previous += quotient * 2 ** k + remainder + 1;
		if (previous >= HASH_SPACE) return undefined;
		values.push(previous);
	}
	return values;
}

/**
 * Decoded buckets by their data: a closed bucket never changes, so each delivery of a busy trigger
 * decodes only the newest one. A cache only; static data stays the source.
 */
const decoded = new Map<string, { count: number; k: number; values: number[] }>();
const DECODED_CACHE_SIZE = 64;

function decodeCached(stored: StoredBucket): number[] | undefined {
	if (!stored || typeof stored !== 'object') return undefined;
	const hit = typeof stored.data === 'string' ? decoded.get(stored.data) : undefined;
	if (hit && hit.count === stored.count && hit.k === stored.k && Number.isFinite(stored.start) && Number.isFinite(stored.end)) return hit.values;
	const values = decode(stored);
	if (!values) return undefined;
	decoded.set(stored.data, { count: stored.count, k: stored.k, values });
	if (decoded.size > DECODED_CACHE_SIZE) decoded.delete(decoded.keys().next().value as string);
	return values;
}
