/**
 * Graph batch requests: `POST /` with `batch=[{method, relative_url, body}]` (form or JSON).
 * At most 50 items; each runs through the full pipeline (auth, injected failures, rate limits).
 */
import { boolParam, formFields } from '../body';
import { GraphError, paramError } from '../errors';
import type { Call, Env, Method, RecordedRequest, Result } from '../types';
import { isRecord } from '../util';
import { segmentsOf, splitVersion } from './paths';

export const BATCH_MAX = 50;

export async function handleBatch(env: Env, call: Call): Promise<Result> {
	let items = call.params.batch;
	if (typeof items === 'string') {
		try {
			items = JSON.parse(items);
		} catch {
			throw paramError('Param batch must be a JSON array');
		}
	}
	if (!Array.isArray(items) || items.length === 0) throw paramError('Param batch must be a non-empty JSON array');
	if (items.length > BATCH_MAX) throw paramError(`Too many requests in batch message. Maximum batch size is ${BATCH_MAX}`);
	const includeHeaders = boolParam(call.params, 'include_headers') ?? true;
	const out: unknown[] = [];
	for (let index = 0; index < items.length; index++) {
		const item: unknown = items[index];
		const sub = toCall(item, call);
		const record: RecordedRequest = {
			method: sub instanceof Error ? String(isRecord(item) ? item.method : '') : sub.method,
			url: isRecord(item) ? String(item.relative_url ?? '') : '',
			path: sub instanceof Error ? '' : sub.path,
			version: sub instanceof Error ? null : sub.version,
			query: sub instanceof Error ? {} : sub.query,
			headers: {},
			body: isRecord(item) && typeof item.body === 'string' ? formFields(item.body) : undefined,
			rawBody: Buffer.from(isRecord(item) && typeof item.body === 'string' ? item.body : ''),
			at: Date.now(),
			batchIndex: index,
		};
		call.batchLog?.push(record);
		const result: Result | null = sub instanceof Error ? { status: 400, body: sub.toBody() } : await env.execute(sub);
		record.status = result ? result.status : 0;
		record.response = result?.body;
		if (!result) {
			out.push(null); // what Graph answers for items that did not finish
			continue;
		}
		const entry: Record<string, unknown> = { code: result.status };
		if (includeHeaders) {
			const headers = { 'content-type': 'application/json; charset=UTF-8', ...(result.headers ?? {}) };
			entry.headers = Object.entries(headers).map(([name, value]) => ({ name: titleCase(name), value }));
		}
		entry.body = JSON.stringify(result.body);
		out.push(entry);
	}
	return { status: 200, body: out };
}

function toCall(item: unknown, envelope: Call): Call | GraphError {
	if (!isRecord(item) || typeof item.relative_url !== 'string' || item.relative_url === '') {
		return paramError('Each batch item needs a relative_url');
	}
	const method = String(item.method ?? 'GET').toUpperCase();
	if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') return paramError(`Unsupported batch method "${method}"`);
	// The reference documents `body` as a url-encoded string; other shapes are rejected (inferred strictness).
	if (item.body !== undefined && typeof item.body !== 'string') return paramError('Batch item body must be a url-encoded string');
	const url = new URL(item.relative_url.replace(/^\/*/, '/'), 'http://batch.invalid');
	const { version, path } = splitVersion(url.pathname);
	const query: Record<string, string> = {};
	for (const [key, value] of url.searchParams) query[key] = value;
	const params: Record<string, unknown> = { ...query, ...(typeof item.body === 'string' ? formFields(item.body) : {}) };
	// The envelope's token (and proof) stand in for items that carry none.
	const headers: Record<string, string> = {};
	if (params.access_token === undefined) {
		if (envelope.params.access_token !== undefined) params.access_token = envelope.params.access_token;
		else if (envelope.headers.authorization) headers.authorization = envelope.headers.authorization;
		if (params.appsecret_proof === undefined && envelope.params.appsecret_proof !== undefined) params.appsecret_proof = envelope.params.appsecret_proof;
	}
	return {
		method: method as Method,
		path,
		segments: segmentsOf(path),
		version: version ?? envelope.version,
		query,
		params,
		files: [],
		headers,
		inBatch: true,
	};
}

function titleCase(name: string): string {
	return name.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}
