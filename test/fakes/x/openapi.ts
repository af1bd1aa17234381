/**
 * Requests checked against X's own OpenAPI descriptions (contract/x-openapi-<version>.json, extracted from
 * reference/): the operation must exist for the path and method, path parameters match their patterns,
 * every query parameter is one the operation declares and its value fits the schema (comma-separated
 * lists for `explode: false` arrays), and the body has a declared content type and fits its schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { MultipartPart } from '../graph/multipart';
import { BinaryValue, validateSchema, type Schema } from './schema';
import type { SpecVersion } from './contract/extract';

export type { SpecVersion };

interface Parameter {
	name: string;
	in: 'path' | 'query' | 'header';
	required?: boolean;
	schema: Schema;
	explode?: boolean;
}

export interface SpecOperation {
	method: string;
	/** The path template, e.g. `/2/dm_events/{event_id}`. */
	template: string;
	operationId: string;
	parameters: Parameter[];
	body?: { required: boolean; content: { [mime: string]: Schema } };
	/** Security scheme names: `UserToken` (OAuth 1.0a), `OAuth2UserToken`, `BearerToken`. */
	security: string[];
	/** The scopes an OAuth 2.0 user token needs for the operation. */
	oauth2Scopes: string[];
}

/** What the fake knows of a request when it checks it. */
export interface RequestShape {
	method: string;
	path: string;
	/** Decoded query parameters, names may repeat. */
	query: Array<[string, string]>;
	contentType?: string;
	json?: unknown;
	parts?: MultipartPart[];
	/** Raw bytes of a body that is neither JSON nor multipart (length only matters). */
	rawLength: number;
}

export class OpenApiSpec {
	readonly version: string;

	readonly operations: SpecOperation[] = [];

	private readonly doc: { components: { [section: string]: { [name: string]: Schema } }; paths: { [path: string]: { [key: string]: unknown } } };

	constructor(doc: unknown) {
		this.doc = doc as OpenApiSpec['doc'];
		this.version = String((doc as { info: { version: string } }).info.version);
		for (const [template, item] of Object.entries(this.doc.paths)) {
			const shared = ((item.parameters ?? []) as Schema[]).map((p) => this.deref(p) as unknown as Parameter);
			for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
				const op = item[method] as { [key: string]: unknown } | undefined;
				if (!op) continue;
				const own = ((op.parameters ?? []) as Schema[]).map((p) => this.deref(p) as unknown as Parameter);
				const requestBody = op.requestBody as { required?: boolean; content: { [mime: string]: { schema: Schema } } } | undefined;
				this.operations.push({
					method: method.toUpperCase(),
					template,
					operationId: String(op.operationId),
					parameters: [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own],
					body: requestBody && {
						required: requestBody.required === true,
						content: Object.fromEntries(Object.entries(requestBody.content).map(([mime, entry]) => [mime, entry.schema])),
					},
					security: ((op.security ?? []) as Array<{ [name: string]: unknown }>).flatMap((entry) => Object.keys(entry)),
					oauth2Scopes: ((op.security ?? []) as Array<{ OAuth2UserToken?: string[] }>).flatMap((entry) => entry.OAuth2UserToken ?? []),
				});
			}
		}
	}

	resolve = (ref: string): Schema => {
		const [, , section, name] = ref.split('/');
		const target = this.doc.components[section]?.[name];
		if (!target) throw new Error(`OpenAPI ${this.version}: unresolved ${ref}`);
		return target;
	};

	private deref(schema: Schema): Schema {
		return typeof schema.$ref === 'string' ? this.deref(this.resolve(schema.$ref)) : schema;
	}

	/** The operation for a concrete path and method, with its path parameters. */
	find(method: string, path: string): { operation: SpecOperation; pathParams: { [name: string]: string } } | undefined {
		for (const operation of this.operations) {
			if (operation.method !== method.toUpperCase()) continue;
			const names: string[] = [];
			const pattern = operation.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
				names.push(name);
				return '([^/]+)';
			});
			const match = new RegExp(`^${pattern}$`).exec(path);
			if (match) return { operation, pathParams: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])])) };
		}
		return undefined;
	}

	/** Every way the request departs from this description (empty: it is a valid request). */
	check(request: RequestShape): string[] {
		const found = this.find(request.method, request.path);
		if (!found) return [`${request.method} ${request.path}: no such operation`];
		const { operation, pathParams } = found;
		const problems: string[] = [];
		const declared = (where: Parameter['in']) => operation.parameters.filter((p) => p.in === where);
		for (const parameter of declared('path')) {
			problems.push(...validateSchema(parameter.schema, pathParams[parameter.name], this.resolve, `path ${parameter.name}`));
		}
		const seen = new Map<string, string[]>();
		for (const [name, value] of request.query) seen.set(name, [...(seen.get(name) ?? []), value]);
		for (const [name, values] of seen) {
			const parameter = declared('query').find((p) => p.name === name);
			if (!parameter) {
				problems.push(`query ${name}: not a parameter of ${operation.operationId}`);
				continue;
			}
			if (values.length > 1) problems.push(`query ${name}: given ${values.length} times`);
			problems.push(...validateSchema(parameter.schema, this.queryValue(parameter, values[0]), this.resolve, `query ${name}`));
		}
		for (const parameter of declared('query')) if (parameter.required && !seen.has(parameter.name)) problems.push(`query ${parameter.name}: required`);
		problems.push(...this.checkBody(operation, request));
		return problems.map((problem) => `${operation.operationId}: ${problem}`);
	}

	private queryValue(parameter: Parameter, raw: string): unknown {
		const schema = this.deref(parameter.schema);
		if (schema.type === 'array') return raw.split(',').map((entry) => this.scalar(this.deref((schema.items ?? {}) as Schema), entry));
		return this.scalar(schema, raw);
	}

	private scalar(schema: Schema, raw: string): unknown {
		if ((schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
		if (schema.type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
		return raw;
	}

	private checkBody(operation: SpecOperation, request: RequestShape): string[] {
		const hasBody = request.json !== undefined || request.parts !== undefined || request.rawLength > 0;
		if (!operation.body) return hasBody ? ['a body, where the operation takes none'] : [];
		if (!hasBody) return operation.body.required ? ['the body is missing'] : [];
		const mime = (request.contentType ?? '').split(';')[0].trim().toLowerCase();
		const schema = operation.body.content[mime];
		if (!schema) return [`body as ${mime || 'no content type'}; the operation takes ${Object.keys(operation.body.content).join(', ')}`];
		if (mime === 'multipart/form-data') return validateSchema(schema, this.formObject(schema, request.parts ?? []), this.resolve, 'body');
		if (request.json === undefined) return ['the body is not JSON'];
		return validateSchema(schema, request.json, this.resolve, 'body');
	}

	/** Multipart fields as the values the schema describes: files as bytes, text read as the property's type. */
	private formObject(schema: Schema, parts: MultipartPart[]): { [name: string]: unknown } {
		const properties = (this.deref(schema).properties ?? {}) as { [name: string]: Schema };
		const object: { [name: string]: unknown } = {};
		for (const part of parts) {
			if (part.filename !== undefined) object[part.name] = new BinaryValue(part.size);
			else object[part.name] = properties[part.name] ? this.scalar(this.deref(properties[part.name]), part.value ?? '') : part.value;
		}
		return object;
	}
}

const loaded = new Map<SpecVersion, OpenApiSpec>();

export function spec(version: SpecVersion): OpenApiSpec {
	let found = loaded.get(version);
	if (!found) {
		found = new OpenApiSpec(JSON.parse(readFileSync(join(__dirname, 'contract', `x-openapi-${version}.json`), 'utf8')));
		loaded.set(version, found);
	}
	return found;
}

/** The query parameters 2.167 renamed or narrowed (2.159: `sender_id` etc. as fields, `referenced_tweets.id`, `tweet.fields`). */
export const RENAMED_DM_PARAMETERS = ['dm_event.fields', 'expansions', 'tweet.fields'];

/**
 * Checks a request against 2.167; where 2.167 objects only to the renamed DM parameters, 2.159 may accept
 * it instead (the prose docs still use the older names). Anything else must be valid under 2.167.
 */
export function checkRequest(request: RequestShape): { acceptedBy?: SpecVersion; problems: { [version: string]: string[] } } {
	const current = spec('2.167').check(request);
	if (current.length === 0) return { acceptedBy: '2.167', problems: {} };
	const onlyRenamed = current.every((problem) => RENAMED_DM_PARAMETERS.some((name) => problem.includes(`: query ${name}`)));
	const older = onlyRenamed ? spec('2.159').check(request) : [];
	if (onlyRenamed && older.length === 0) return { acceptedBy: '2.159', problems: { '2.167': current } };
	return { problems: onlyRenamed ? { '2.167': current, '2.159': older } : { '2.167': current } };
}
