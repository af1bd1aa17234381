/**
 * Meta's own Postman collections for Messenger and Instagram (reference/meta-postman/) as contract
 * fixtures: each documented request (method, host, path template, query, JSON body) and its example
 * responses. `meta-postman.json` next to this file is `extractCollections()` of the two collections,
 * without their prose, so the tests run from the repository alone; a test re-extracts it from the
 * originals whenever they are at hand (META_POSTMAN_DIR, or the shared reference folder beside the repo).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface DocumentedResponse {
	status: number;
	body: unknown;
	/** The content type and usage headers of a saved response (lower-case names). */
	headers?: Record<string, string>;
	/** `example`: a saved response of the collection; `description`: the JSON the request's description shows as its response. */
	from: 'example' | 'description';
}

export interface DocumentedRequest {
	collection: 'messenger' | 'instagram';
	folder: string;
	name: string;
	method: string;
	host: string;
	/** Path segments after the version; placeholders as `{page-id}`, `{ig-user-id}`, … */
	path: string[];
	/** Query parameters other than the access token. */
	query: Record<string, string>;
	/** The JSON body, placeholders left as Meta wrote them (`{{page-scoped-id}}`, `<PATH_TO_ASSET>`). */
	body?: unknown;
	responses: DocumentedResponse[];
}

export const COLLECTION_FILES = {
	messenger: 'messenger-platform-api.postman_collection.json',
	instagram: 'instagram-platform-api.postman_collection.json',
} as const;

/** Postman variable names for the same thing differ between the two collections. */
const PLACEHOLDERS: Record<string, string> = {
	version: 'version',
	api_version: 'version',
	'api-version': 'version',
	'page-id': 'page-id',
	page_id: 'page-id',
	ig_account_id: 'ig-user-id',
	ig_user_id: 'ig-user-id',
	ig_container_id: 'ig-container-id',
};

function segment(raw: string): string {
	const variable = /^\{\{(.+)\}\}$/.exec(raw);
	if (!variable) return raw;
	return `{${PLACEHOLDERS[variable[1]] ?? variable[1]}}`;
}

/** Response headers the node reads (usage) or that say what the body is. */
const KEPT_HEADERS = ['content-type', 'x-app-usage', 'x-business-use-case-usage', 'x-page-usage'];

/** JSON with the `// comment` tails some of Meta's examples carry. */
function parseLooseJson(text: string): unknown {
	return JSON.parse(text.replace(/\/\/[^\n"]*$/gm, ''));
}

/** The JSON block a description shows under its "Response" heading, if any. */
function responseInDescription(description: string): unknown {
	const at = description.lastIndexOf('Response');
	if (at < 0) return undefined;
	const block = /```\s*json\s*\n([\s\S]*?)```/.exec(description.slice(at));
	if (!block) return undefined;
	try {
		return parseLooseJson(block[1]);
	} catch {
		return undefined;
	}
}

interface PostmanItem {
	name: string;
	item?: PostmanItem[];
	request?: {
		method: string;
		url: { host: string[]; path: string[]; query?: Array<{ key: string; value: string }> };
		body?: { mode?: string; raw?: string };
		description?: string;
	};
	response?: Array<{ code: number; body?: string; header?: Array<{ key: string; value: string }> }>;
}

function extractOne(collection: DocumentedRequest['collection'], postman: { item: PostmanItem[] }): DocumentedRequest[] {
	const out: DocumentedRequest[] = [];
	const walk = (items: PostmanItem[], folder: string) => {
		for (const item of items) {
			if (item.item) {
				walk(item.item, item.name);
				continue;
			}
			const request = item.request;
			if (!request) continue;
			const [, ...path] = request.url.path.map(segment);
			const query = Object.fromEntries((request.url.query ?? []).filter((q) => q.key !== 'access_token').map((q) => [q.key, q.value]));
			const responses: DocumentedResponse[] = (item.response ?? [])
				.filter((response) => response.body)
				.map((response) => {
					const headers = Object.fromEntries(
						(response.header ?? []).map((h) => [h.key.toLowerCase(), h.value]).filter(([name]) => KEPT_HEADERS.includes(name)),
					);
					return {
						status: response.code,
						body: parseLooseJson(response.body as string),
						...(Object.keys(headers).length ? { headers } : {}),
						from: 'example' as const,
					};
				});
			if (responses.length === 0 && request.description) {
				const body = responseInDescription(request.description);
				if (body !== undefined) responses.push({ status: 200, body, from: 'description' });
			}
			out.push({
				collection,
				folder,
				name: item.name,
				method: request.method,
				host: request.url.host.join('.'),
				path,
				query,
				...(request.body?.mode === 'raw' && request.body.raw?.trim() ? { body: JSON.parse(request.body.raw) } : {}),
				responses,
			});
		}
	};
	walk(postman.item, '');
	return out;
}

/** Both collections' requests and example responses, without their prose. */
export function extractCollections(directory: string): DocumentedRequest[] {
	return (Object.entries(COLLECTION_FILES) as Array<[DocumentedRequest['collection'], string]>).flatMap(([collection, file]) =>
		extractOne(collection, JSON.parse(readFileSync(join(directory, file), 'utf8')) as { item: PostmanItem[] }),
	);
}

export const EXTRACT_FILE = join(__dirname, 'meta-postman.json');

/** The committed extract. */
export function documentedRequests(): DocumentedRequest[] {
	return (JSON.parse(readFileSync(EXTRACT_FILE, 'utf8')) as { requests: DocumentedRequest[] }).requests;
}

const REPO_ROOT = resolve(__dirname, '../../../..');

/** Where the original collections and the reference are, if this checkout has them nearby. */
export function referenceDirectory(): string | undefined {
	const candidates = [
		process.env.META_REFERENCE_DIR,
		join(REPO_ROOT, '../shared/reference'),
		join(REPO_ROOT, '../../shared/reference'),
	].filter((candidate): candidate is string => !!candidate);
	return candidates.find((candidate) => existsSync(join(candidate, 'meta-postman', COLLECTION_FILES.messenger)));
}

// `npx tsx test/fakes/graph/contract/collections.ts [reference dir]` rewrites the extract.
if (require.main === module) {
	const directory = process.argv[2] ?? referenceDirectory();
	if (!directory) throw new Error('Give the reference directory (the one holding meta-postman/)');
	const requests = extractCollections(join(directory, 'meta-postman'));
	const json = {
		source: "Extracted from Meta's Postman collections (reference/meta-postman/) by collections.ts: requests and example responses only.",
		requests,
	};
	require('node:fs').writeFileSync(EXTRACT_FILE, `${JSON.stringify(json, null, '\t')}\n`);
	console.log(`${requests.length} documented requests written to ${dirname(EXTRACT_FILE)}/meta-postman.json`);
}
