/**
 * The part of JSON Schema (OpenAPI 3 flavour) that X's descriptions use for requests: $ref, type (with
 * nullable), enum, properties / required / additionalProperties, items and their counts, string length and
 * pattern, number bounds, anyOf / oneOf / allOf, and `format: binary` for uploaded bytes. Returns the
 * problems found, each with the JSON path where it is.
 */
export type Schema = { [key: string]: unknown };

/** Uploaded bytes in a multipart body: a value only a `format: binary` string schema accepts. */
export class BinaryValue {
	constructor(readonly size: number) {}
}

export type RefResolver = (ref: string) => Schema;

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (value instanceof BinaryValue) return 'binary';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value;
}

function typeMatches(expected: string, value: unknown, schema: Schema): boolean {
	const actual = typeOf(value);
	if (actual === 'binary') return expected === 'string' && schema.format === 'binary';
	if (expected === 'number') return actual === 'number' || actual === 'integer';
	return expected === actual;
}

export function validateSchema(schema: Schema, value: unknown, resolve: RefResolver, path = '$'): string[] {
	if (typeof schema.$ref === 'string') return validateSchema(resolve(schema.$ref), value, resolve, path);
	const problems: string[] = [];
	if (value === null && schema.nullable === true) return problems;
	if (typeof schema.type === 'string' && !typeMatches(schema.type, value, schema)) {
		return [`${path}: expected ${schema.type}${schema.format ? ` (${String(schema.format)})` : ''}, got ${typeOf(value)}`];
	}
	if (value instanceof BinaryValue && schema.type === undefined && !schema.anyOf && !schema.oneOf) {
		return [`${path}: uploaded bytes where the description wants a value`];
	}
	if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
		problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
	}
	if (typeof value === 'string') {
		if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) problems.push(`${path}: shorter than ${schema.minLength}`);
		if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) problems.push(`${path}: longer than ${schema.maxLength}`);
		if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) problems.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
		if (schema.format === 'byte' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) problems.push(`${path}: not base64`);
	}
	if (typeof value === 'number') {
		if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: ${value} is below ${schema.minimum}`);
		if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: ${value} is above ${schema.maximum}`);
	}
	if (Array.isArray(value)) {
		if (typeof schema.minItems === 'number' && value.length < schema.minItems) problems.push(`${path}: fewer than ${schema.minItems} items`);
		if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) problems.push(`${path}: more than ${schema.maxItems} items`);
		if (schema.uniqueItems === true && new Set(value.map((entry) => JSON.stringify(entry))).size !== value.length) problems.push(`${path}: items repeat`);
		if (schema.items && typeof schema.items === 'object') {
			value.forEach((entry, index) => problems.push(...validateSchema(schema.items as Schema, entry, resolve, `${path}[${index}]`)));
		}
	}
	if (typeOf(value) === 'object') {
		const object = value as { [key: string]: unknown };
		const properties = (schema.properties ?? {}) as { [key: string]: Schema };
		for (const name of (schema.required ?? []) as string[]) if (!(name in object)) problems.push(`${path}: missing required ${name}`);
		for (const [name, entry] of Object.entries(object)) {
			if (properties[name]) problems.push(...validateSchema(properties[name], entry, resolve, `${path}.${name}`));
			else if (schema.additionalProperties === false) problems.push(`${path}: unknown property ${name}`);
			else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
				problems.push(...validateSchema(schema.additionalProperties as Schema, entry, resolve, `${path}.${name}`));
			}
		}
	}
	for (const part of (schema.allOf ?? []) as Schema[]) problems.push(...validateSchema(part, value, resolve, path));
	if (Array.isArray(schema.anyOf)) {
		const results = (schema.anyOf as Schema[]).map((part) => validateSchema(part, value, resolve, path));
		if (!results.some((result) => result.length === 0)) problems.push(`${path}: matches none of anyOf (${results.map((r) => r.join('; ')).join(' | ')})`);
	}
	if (Array.isArray(schema.oneOf)) {
		const passing = (schema.oneOf as Schema[]).filter((part) => validateSchema(part, value, resolve, path).length === 0).length;
		if (passing !== 1) problems.push(`${path}: matches ${passing} of oneOf, not exactly one`);
	}
	return problems;
}
