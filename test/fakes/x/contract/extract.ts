/**
 * Extracts from X's OpenAPI descriptions (2.167 and 2.159, in `reference/`) the operations the fake X server
 * serves, with every component they reference, and without prose (descriptions, examples), so the fake
 * validates requests against X's own description without carrying two 800 KB files.
 *   npx tsx test/fakes/x/contract/extract.ts <reference dir>      rewrites x-openapi-<version>.json here
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The parts of API v2 a DM integration touches: users, DMs, media upload, webhooks and activity. */
export const SERVED_PATHS = [/^\/2\/users\/me$/, /^\/2\/users\/by\/username\/\{username\}$/, /^\/2\/dm_/, /^\/2\/media\/upload/, /^\/2\/webhooks/, /^\/2\/activity\//, /^\/2\/account_activity\//];

export const SOURCES = { '2.167': 'x-api-v2-openapi.json', '2.159': 'x-api-v2-openapi-2.159.json' } as const;
export type SpecVersion = keyof typeof SOURCES;

const PROSE = new Set(['description', 'example', 'examples', 'summary', 'externalDocs', 'x-twitter-streaming', 'tags']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Drops prose keys, except where a key is a name (properties, path items, responses). */
function withoutProse(value: Json, namesHere = false): Json {
	if (Array.isArray(value)) return value.map((entry) => withoutProse(entry));
	if (!value || typeof value !== 'object') return value;
	const out: { [key: string]: Json } = {};
	for (const [key, entry] of Object.entries(value)) {
		if (!namesHere && PROSE.has(key)) continue;
		out[key] = withoutProse(entry, key === 'properties' || key === 'mapping');
	}
	return out;
}

function refsIn(value: Json, into: Set<string>): void {
	if (Array.isArray(value)) value.forEach((entry) => refsIn(entry, into));
	else if (value && typeof value === 'object') {
		for (const [key, entry] of Object.entries(value)) {
			if (key === '$ref' && typeof entry === 'string') into.add(entry);
			else refsIn(entry, into);
		}
	}
}

export function extract(spec: { [key: string]: Json }): { [key: string]: Json } {
	const paths: { [key: string]: Json } = {};
	for (const [path, item] of Object.entries(spec.paths as { [key: string]: Json })) {
		if (SERVED_PATHS.some((pattern) => pattern.test(path))) paths[path] = withoutProse(item, true);
	}
	const components: { [section: string]: { [name: string]: Json } } = {};
	const pending = new Set<string>();
	refsIn(paths, pending);
	const done = new Set<string>();
	while (pending.size > 0) {
		const [ref] = pending;
		pending.delete(ref);
		if (done.has(ref)) continue;
		done.add(ref);
		const [, , section, name] = ref.split('/');
		const target = ((spec.components as { [key: string]: { [key: string]: Json } })[section] ?? {})[name];
		if (target === undefined) throw new Error(`unresolved ${ref}`);
		const clean = withoutProse(target);
		(components[section] ??= {})[name] = clean;
		refsIn(clean, pending);
	}
	const sorted = (object: { [key: string]: Json }) => Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : 1)));
	const securitySchemes = withoutProse((spec.components as { [key: string]: Json }).securitySchemes) as { [key: string]: Json };
	for (const scheme of Object.values(securitySchemes)) delete (scheme as { flows?: Json }).flows;
	return {
		openapi: spec.openapi,
		info: { title: (spec.info as { title: Json }).title, version: (spec.info as { version: Json }).version },
		paths: sorted(paths),
		components: { ...Object.fromEntries(Object.entries(components).sort().map(([section, entries]) => [section, sorted(entries)])), securitySchemes },
	};
}

export function extractFrom(referenceDir: string, version: SpecVersion): { [key: string]: Json } {
	return extract(JSON.parse(readFileSync(join(referenceDir, SOURCES[version]), 'utf8')) as { [key: string]: Json });
}

/** Where reference/ is, when it is next to the checkout (X_REFERENCE_DIR, or ../shared/reference). */
export function referenceDirectory(): string | undefined {
	const root = resolve(__dirname, '../../../..');
	const candidates = [process.env.X_REFERENCE_DIR, join(root, '../shared/reference'), join(root, '../../shared/reference')];
	return candidates.find((candidate): candidate is string => !!candidate && existsSync(join(candidate, SOURCES['2.167'])));
}

if (require.main === module) {
	const dir = process.argv[2] ?? referenceDirectory();
	if (!dir) throw new Error('usage: extract.ts <reference dir>');
	for (const version of Object.keys(SOURCES) as SpecVersion[]) {
		const out = join(__dirname, `x-openapi-${version}.json`);
		writeFileSync(out, `${JSON.stringify(extractFrom(dir, version), null, '\t')}\n`);
		console.log(`wrote ${out}`);
	}
}
