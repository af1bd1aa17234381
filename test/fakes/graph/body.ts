/**
 * Request body parsing and Graph-style parameter access.
 * Graph takes parameters from the query string, a form body, a JSON body or multipart fields alike,
 * and decodes JSON-valued parameters (e.g. `recipient={"id":"…"}` in a form) per parameter.
 */
import { paramError } from './errors';
import { boundaryOf, parseMultipart, type MultipartPart } from './multipart';
import { isRecord } from './util';

export type ParsedBody =
	| { kind: 'none' }
	| { kind: 'json'; value: unknown }
	| { kind: 'form'; fields: Record<string, string> }
	| { kind: 'multipart'; parts: MultipartPart[] };

export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
	if (raw.length === 0) return { kind: 'none' };
	const type = (contentType ?? '').toLowerCase();
	if (type.startsWith('multipart/form-data')) {
		const boundary = boundaryOf(contentType ?? '');
		if (!boundary) throw paramError('Invalid multipart body: no boundary');
		try {
			return { kind: 'multipart', parts: parseMultipart(raw, boundary) };
		} catch (error) {
			throw paramError(`Invalid multipart body: ${(error as Error).message}`);
		}
	}
	const text = raw.toString('utf8');
	const looksJson = /^\s*[[{]/.test(text);
	if (type.includes('json') || (!type && looksJson)) {
		try {
			return { kind: 'json', value: JSON.parse(text) };
		} catch {
			// (inferred) Graph's answer to a body it cannot parse.
			throw paramError('Invalid JSON in request body');
		}
	}
	return { kind: 'form', fields: formFields(text) };
}

export function formFields(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of new URLSearchParams(text)) out[key] = value;
	return out;
}

/** Merge query and body into one parameter bag (body wins), and collect uploaded files. */
export function collectParams(query: Record<string, string>, body: ParsedBody): { params: Record<string, unknown>; files: MultipartPart[] } {
	const params: Record<string, unknown> = { ...query };
	const files: MultipartPart[] = [];
	if (body.kind === 'json') {
		if (!isRecord(body.value)) throw paramError('The request body must be a JSON object');
		Object.assign(params, body.value);
	} else if (body.kind === 'form') {
		Object.assign(params, body.fields);
	} else if (body.kind === 'multipart') {
		for (const part of body.parts) {
			if (part.filename !== undefined) files.push(part);
			else params[part.name] = part.value;
		}
	}
	return { params, files };
}

/** A parameter that Graph expects to be an object: accepts an object or a JSON string of one. */
export function objectParam(params: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
	const value = params[name];
	if (value === undefined || value === null || value === '') return undefined;
	const decoded = typeof value === 'string' ? tryJson(value) : value;
	if (!isRecord(decoded)) throw paramError(`Param ${name} must be a JSON object`);
	return decoded;
}

/** A list parameter: a JSON array, a JSON array string, or a comma list. */
export function listParam(params: Record<string, unknown>, name: string): string[] | undefined {
	const value = params[name];
	if (value === undefined || value === null || value === '') return undefined;
	if (Array.isArray(value)) return value.map(String);
	if (typeof value === 'string') {
		const decoded = value.trim().startsWith('[') ? tryJson(value) : undefined;
		if (Array.isArray(decoded)) return decoded.map(String);
		return value
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
	}
	throw paramError(`Param ${name} must be a list`);
}

export function stringParam(params: Record<string, unknown>, name: string): string | undefined {
	const value = params[name];
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw paramError(`Param ${name} must be a string`);
}

export function boolParam(params: Record<string, unknown>, name: string): boolean | undefined {
	const value = params[name];
	if (value === undefined || value === null || value === '') return undefined;
	if (value === true || value === 'true' || value === '1' || value === 1) return true;
	if (value === false || value === 'false' || value === '0' || value === 0) return false;
	throw paramError(`Param ${name} must be a boolean`);
}

export function intParam(params: Record<string, unknown>, name: string): number | undefined {
	const value = params[name];
	if (value === undefined || value === null || value === '') return undefined;
	const n = typeof value === 'number' ? value : Number(value);
	if (!Number.isInteger(n)) throw paramError(`Param ${name} must be an integer`);
	return n;
}

/** A form value that looks like JSON is decoded; anything else is returned as is. */
export function decodeJsonParam(value: unknown): unknown {
	return typeof value === 'string' && /^\s*[[{]/.test(value) ? tryJson(value) : value;
}

function tryJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}
