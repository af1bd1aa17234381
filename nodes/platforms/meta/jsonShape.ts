/**
 * Reading JSON whose shape is not guaranteed (webhook bodies are signed by Meta, not checked by it):
 * each reader answers the value when it has the expected kind and undefined otherwise, so a parser
 * built on them never throws and never turns an object into "[object Object]".
 */
import type { IDataObject } from 'n8n-workflow';

/** A plain JSON object (not null, not an array). */
export function asObject(value: unknown): IDataObject | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;
}

/** The elements of a list; anything else is an empty list. */
export function asList(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

/** The objects of a list, skipping every element that is not one. */
export function objectsOf(value: unknown): IDataObject[] {
	return asList(value)
		.map(asObject)
		.filter((entry): entry is IDataObject => entry !== undefined);
}

export function asText(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

/** An id: a non-empty string, or a finite number (Graph ids are sometimes sent as numbers). */
export function asId(value: unknown): string | undefined {
	if (typeof value === 'string') return value === '' ? undefined : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** A scalar as text (payloads, refs): strings, finite numbers and booleans. */
export function asScalar(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
	return undefined;
}

/** A time in epoch milliseconds as ISO 8601, if it is one. */
export function asIsoTime(value: unknown): string | undefined {
	const ms = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || ms > 8.64e15) return undefined;
	return new Date(ms).toISOString();
}
