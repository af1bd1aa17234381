/** What Meta itself said in a failed Graph call, quoted for error texts that replace the generic one. */
import type { IDataObject } from 'n8n-workflow';

/** Meta's own message (`error.message` of the Graph answer), or undefined when there is none. */
export function metaMessage(error: unknown): string | undefined {
	const body = (error as { errorResponse?: IDataObject }).errorResponse;
	const fromBody = (body?.error as IDataObject | undefined)?.message;
	const messages = (error as { messages?: unknown }).messages;
	const said = typeof fromBody === 'string' && fromBody ? fromBody : Array.isArray(messages) ? messages.find((m) => typeof m === 'string' && m) : undefined;
	return said ? String(said) : undefined;
}

/** ` (Meta says: "…")`, or nothing. */
export function metaSays(error: unknown): string {
	const said = metaMessage(error);
	return said ? ` (Meta says: "${said}")` : '';
}
