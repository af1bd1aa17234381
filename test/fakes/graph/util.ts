/**
 * Small helpers shared by the fake Graph server: Graph's time format, stable JSON,
 * deterministic id material and parameter decoding.
 */
import { createHash } from 'node:crypto';

/** Graph renders times as `2022-07-12T19:11:07+0000` (no milliseconds, numeric offset). */
export function graphTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** Most entries of sorted times within any window of `windowMs` (the platform's sliding second). */
export function busiestWindow(times: number[], windowMs = 1000): number {
	let most = 0;
	let start = 0;
	for (let end = 0; end < times.length; end++) {
		while (times[end] - times[start] >= windowMs) start++;
		most = Math.max(most, end - start + 1);
	}
	return most;
}

/** Deterministic, opaque-looking token derived from a seed. */
export function digest(seed: string, length: number): string {
	return createHash('sha256').update(seed).digest('base64url').slice(0, length);
}

/** Deterministic digit string of the given length derived from a seed. */
export function digits(seed: string, length: number): string {
	const hex = createHash('sha256').update(seed).digest('hex');
	let out = '';
	for (let i = 0; out.length < length; i += 2) out += (parseInt(hex.slice(i % 64, (i % 64) + 2), 16) % 10).toString();
	return (out[0] === '0' ? '1' : out[0]) + out.slice(1, length);
}

/** JSON with object keys sorted, so equal content gives equal strings (used as delivery keys). */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const key of Object.keys(value as object).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
		return out;
	}
	return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Characters as a person counts them (code points, so an emoji is one). */
export function charCount(text: string): number {
	return Array.from(text).length;
}

export function utf8Bytes(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
