/**
 * How parameter values become text and IDs. A field filled by an expression can resolve to anything:
 * undefined or null when the item lacks the field, an object or a list when the expression points one
 * level too high. Written out with String() those become "undefined" or "[object Object]" and reach the
 * platform as an ID or a message; here they fail their item before any request, naming the field.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../../platforms/core/inputError';

/** A short picture of a value for an error message (the start of it, never a whole input item). */
function describeValue(value: unknown): string {
	if (value === undefined) return 'undefined';
	if (value === null) return 'null';
	if (typeof value === 'string') return value === '' ? 'empty' : 'only spaces or line breaks';
	let json: string;
	try {
		json = typeof value === 'object' ? (JSON.stringify(value) ?? String(value)) : String(value);
	} catch {
		json = Object.prototype.toString.call(value);
	}
	if (json.length > 60) json = `${json.slice(0, 57)}...`;
	const kind = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
	return `${kind} (${json})`;
}

/**
 * A field's value as text: strings as they are, numbers written out, undefined and null as no text.
 * Anything else (an object, a list, true/false) is a mapping mistake and fails the item.
 */
export function asText(value: unknown, field: string): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') return String(value);
	throw new InputError(
		`${field} is ${describeValue(value)}, not text`,
		`Map the value itself rather than the object or list that holds it, e.g. {{ $json.id }} instead of {{ $json }}.`,
	);
}

/** An ID field: what it is called in the editor, in a sentence, and how to fill it. */
export interface IdField {
	/** The parameter name, e.g. `messageId`. */
	parameter: string;
	/** The field's label in the editor, e.g. "Message ID". */
	label: string;
	/** The ID in a sentence, e.g. "message ID" ("No message ID for this item"). */
	noun: string;
	/** Where the ID comes from, e.g. "the mid from a conversation or a trigger event". */
	source: string;
	/** A resource locator (From List / By ID): read its value. */
	locator?: boolean;
}

/** An ID past 2^53 that an expression made a number has already lost its last digits: it names someone else. */
export function refuseInexactNumber(value: unknown, label: string, source = 'the ID'): void {
	if (typeof value === 'number' && !Number.isSafeInteger(value)) {
		throw new InputError(
			`${label} is the number ${String(value)}, too large to be an exact ID`,
			`${label} needs ${source} as text: numbers above 9007199254740991 lose their last digits. Map the ID as it came (a string), e.g. {{ $json.id }} without Number() or math.`,
		);
	}
}

/** The ID in `value`, trimmed; fails the item when it is empty or not an ID at all. */
export function requireId(value: unknown, field: Omit<IdField, 'parameter' | 'locator'>): string {
	if (typeof value === 'boolean' || (typeof value === 'object' && value !== null)) {
		throw new InputError(
			`${field.label} is ${describeValue(value)}, not an ID`,
			`${field.label} needs ${field.source}. Map the ID itself, e.g. {{ $json.id }} rather than the whole object.`,
		);
	}
	refuseInexactNumber(value, field.label, field.source);
	const id = asText(value, field.label).trim();
	if (!id) {
		throw new InputError(
			`No ${field.noun} for this item`,
			`${field.label} is ${describeValue(value)}; it needs ${field.source}. If it is an expression, check that every item has the field it reads.`,
		);
	}
	return id;
}

export function readId(ctx: IExecuteFunctions, itemIndex: number, field: IdField): string {
	const value = ctx.getNodeParameter(field.parameter, itemIndex, '', field.locator ? { extractValue: true } : {});
	return requireId(value, field);
}
