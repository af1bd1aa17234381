/**
 * Checks on text every provider shares: what counts as a URL, what shows as nothing, and text that
 * cannot be encoded. A value that fails them fails its item before any request.
 */
import { InputError } from './inputError';

/** A full http(s) URL with a host and no spaces. */
export function isHttpUrl(value: string): boolean {
	return /^https?:\/\/[^\s/?#]+\S*$/i.test(value);
}

/** Characters that take no room on screen: spaces, line breaks and the zero-width marks (ZWSP, ZWNJ, ZWJ, word joiner, BOM). */
const INVISIBLE = /[\s\u200B-\u200D\u2060\uFEFF]/gu;

/** Text of only spaces, line breaks or zero-width marks shows as nothing: it counts as empty wherever text is required. */
export function hasVisibleText(text: string | undefined): text is string {
	return text !== undefined && text.replace(INVISIBLE, '') !== '';
}

/**
 * The 1-based position of the first half of an emoji (an unpaired UTF-16 surrogate) in `text`, or 0.
 * Such text has no UTF-8 form: JSON carries it as an escape the platform rejects or shows as �.
 */
export function brokenCharacterAt(text: string): number {
	const match = /\p{Cs}/u.exec(text);
	return match ? [...text.slice(0, match.index)].length + 1 : 0;
}

/** Fails on text with half an emoji (see brokenCharacterAt), naming the field and the position. */
export function requireWholeCharacters(text: string | undefined, what: string): void {
	const at = text ? brokenCharacterAt(text) : 0;
	if (at) {
		throw new InputError(
			`${what} has a broken character at position ${at} (half of an emoji or other character)`,
			"The text was probably cut in the middle of an emoji, e.g. by slicing it to a length. Cut it at whole characters ([...text].slice(0, n).join('')) or remove the character.",
		);
	}
}
