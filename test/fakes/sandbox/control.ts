/**
 * The sandbox's control API (a second loopback port, so the fake platform's own surface stays as the
 * platform documents it). Lets a person or a test make the platform do what a real user would: send a
 * message, tap a quick reply or a button, or forge a delivery; and read what the platform saw.
 *
 *   GET  /status                 subscriptions, subscribed accounts, Ayrshare and X webhooks, delivery and request counts
 *   POST /deliver                { platform?, event?, from?, text?, payload?, title?, signature? } -> webhook result
 *                                { provider: 'ayrshare', platform?: messenger|instagram|x, from?, text?, signature? }:
 *                                through the fake Ayrshare (its auto-response, signature and retries);
 *                                platform x without a provider: a DM to the X account, as X's Activity API delivers it
 *                                (also without a subscription: X keeps it for GET /2/dm_events; `dmEvent` names it)
 *   GET  /deliveries             messages the platform delivered, per recipient (exactly-once checks)
 *   GET  /requests?since=N       requests the platform received after index N (method, path, query, body);
 *                                &provider=ayrshare: the ones the fake Ayrshare received; &platform=x: the fake X API's
 *                                (with `caller`: user for OAuth 1.0a user context, bearer for the app's Bearer Token)
 *   GET  /stats                  counts for benchmarks: HTTP requests and logical calls (batch parts
 *                                counted one by one) by status and Graph error code, the busiest second
 *                                of accepted sends, first and last arrival
 *   POST /reset                  forget recorded requests and deliveries
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import {
	IG_ACCOUNT_ID,
	PAGE_ID,
	USERS,
	busiestWindow,
	messageEvent,
	postbackEvent,
	quickReplyEvent,
	webhookPayload,
	type FakeGraph,
	type RecordedRequest,
	type SignatureMode,
} from '../graph';
import type { FakeAyrshare } from '../ayrshare';
import { ayrshareRequests, ayrshareWebhooks, deliverAyrshare, type AyrshareDeliverRequest } from './ayrshareControl';
import { ME, X_USERS, type FakeX } from '../x';

type UserKey = keyof typeof USERS;

export interface DeliverRequest {
	platform?: 'messenger' | 'instagram' | 'x';
	event?: 'message' | 'quick_reply' | 'postback';
	/** A fixture user key (alice, bob, ines, kenji, …) or a raw id. */
	from?: string;
	text?: string;
	payload?: string;
	title?: string;
	signature?: SignatureMode;
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			try {
				resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
			} catch (error) {
				reject(error);
			}
		});
		request.on('error', reject);
	});
}

function send(response: ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body, null, 2));
}

/** A DM from a seeded X user (alice, bob, carol, … or an id) to the account, as X's Activity API delivers it. */
async function deliverX(x: FakeX | undefined, request: DeliverRequest) {
	if (!x) return { delivered: false, reason: 'this sandbox does not serve X' };
	const users = X_USERS as Record<string, { id: string }>;
	const from = request.from && request.from in users ? users[request.from].id : (request.from ?? X_USERS.alice.id);
	const results = await x.deliverDm({ from, to: ME.id, text: request.text ?? 'Hi! Do you ship to Berlin?' }, { signature: request.signature ?? 'valid' });
	// X keeps the DM whether or not a webhook hears of it: GET /2/dm_events lists it (the poll trigger's way).
	const event = x.state.events[0];
	const dmEvent = { id: event.id, conversationId: event.conversationId, createdAt: new Date(event.createdAt).toISOString() };
	if (results.length === 0) return { delivered: false, reason: 'no X Activity API subscription of the account has a webhook', dmEvent };
	return { delivered: true, result: results[0], dmEvent };
}

async function deliver(graph: FakeGraph, request: DeliverRequest) {
	const platform = request.platform === 'instagram' ? 'instagram' : 'messenger';
	const fallbackUser: UserKey = platform === 'instagram' ? 'ines' : 'alice';
	const from = request.from && request.from in USERS ? USERS[request.from as UserKey].id : (request.from ?? USERS[fallbackUser].id);
	const to = platform === 'instagram' ? IG_ACCOUNT_ID : PAGE_ID;
	const base = { from, to, platform, timestamp: Date.now() } as const;
	const event =
		request.event === 'postback'
			? postbackEvent({ ...base, title: request.title ?? 'Get Started', payload: request.payload ?? 'GET_STARTED' })
			: request.event === 'quick_reply'
				? quickReplyEvent({ ...base, text: request.text ?? request.payload ?? 'Pricing', payload: request.payload ?? 'PRICING' })
				: messageEvent({ ...base, text: request.text ?? 'Hi! Do you ship to Berlin?' });
	const payload = webhookPayload(platform === 'instagram' ? 'instagram' : 'page', to, [event]);
	return await graph.emitWebhook(payload, { signature: request.signature ?? 'valid' });
}

function errorCodeOf(record: RecordedRequest): number | undefined {
	const error = (record.response as { error?: { code?: unknown } } | undefined)?.error;
	return typeof error?.code === 'number' ? error.code : undefined;
}

function countBy<T>(list: T[], key: (entry: T) => string | undefined): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const entry of list) {
		const name = key(entry);
		if (name !== undefined) counts[name] = (counts[name] ?? 0) + 1;
	}
	return counts;
}

/** `/` for batch requests, else the path with its ids replaced: `/{id}/messages`. */
function edgeOf(path: string): string {
	const segments = path.split('/').filter(Boolean);
	if (segments.length === 0) return '/';
	return `/{id}${segments.length > 1 ? `/${segments.slice(1).join('/')}` : ''}`;
}

/** What the platform saw since the last reset, counted (the raw log can be large). */
function stats(graph: FakeGraph) {
	const requests = graph.requests;
	const calls = graph.calls();
	const sends = calls.filter((call) => call.method === 'POST' && /\/messages$/.test(call.path));
	const accepted = sends.filter((call) => call.status === 200).map((call) => call.at).sort((a, b) => a - b);
	return {
		httpRequests: requests.length,
		httpByStatus: countBy(requests, (r) => String(r.status ?? 'pending')),
		httpByEdge: countBy(requests, (r) => `${r.method} ${edgeOf(r.path)}`),
		calls: calls.length,
		callsByStatus: countBy(calls, (c) => String(c.status ?? 'pending')),
		callsByErrorCode: countBy(calls, (c) => (errorCodeOf(c) === undefined ? undefined : String(errorCodeOf(c)))),
		sends: sends.length,
		acceptedSends: accepted.length,
		busiestSecondOfAcceptedSends: busiestWindow(accepted),
		firstAt: requests.reduce<number | null>((first, r) => (first === null || r.at < first ? r.at : first), null),
		lastAt: requests.reduce<number | null>((last, r) => (last === null || r.at > last ? r.at : last), null),
	};
}

/** The other fake platforms the sandbox serves next to the Graph API. */
export interface SandboxPlatforms {
	ayrshare?: FakeAyrshare;
	x?: FakeX;
}

export function startControlServer(graph: FakeGraph, port: number, host = '127.0.0.1', { ayrshare, x }: SandboxPlatforms = {}): Promise<Server> {
	const ayrshareOf = (): FakeAyrshare => {
		if (!ayrshare) throw new Error('this sandbox runs no fake Ayrshare');
		return ayrshare;
	};
	const server = createServer((request, response) => {
		void (async () => {
			const url = new URL(request.url ?? '/', `http://${host}`);
			try {
				if (request.method === 'GET' && url.pathname === '/status') {
					return send(response, 200, {
						graphUrl: graph.url,
						appSubscriptions: [...graph.state.appSubscriptions.values()],
						// Page / account id -> app id -> fields (the state keeps nested Maps, which JSON would print as {}).
						subscribedApps: Object.fromEntries([...graph.state.subscribedApps].map(([owner, apps]) => [owner, Object.fromEntries(apps)])),
						ayrshareWebhooks: ayrshare ? ayrshareWebhooks(ayrshare) : {},
						// The fake X's Activity API webhooks (every app's) and how many subscriptions deliver to each.
						xWebhooks: x ? [...x.state.webhooks.values()].map(({ id, url, valid }) => ({ id, url, valid, subscriptions: [...x.state.subscriptions.values()].filter((s) => s.webhookId === id).length })) : [],
						requests: graph.requests.length,
						deliveries: graph.state.deliveries().length,
					});
				}
				if (request.method === 'POST' && url.pathname === '/deliver') {
					const body = await readJson(request);
					if (body.provider === 'ayrshare') return send(response, 200, await deliverAyrshare(ayrshareOf(), body as unknown as AyrshareDeliverRequest));
					return send(response, 200, body.platform === 'x' ? await deliverX(x, body as DeliverRequest) : await deliver(graph, body as DeliverRequest));
				}
				if (request.method === 'GET' && url.pathname === '/deliveries') {
					return send(response, 200, { deliveries: graph.state.deliveries(), duplicates: graph.state.duplicateDeliveries() });
				}
				if (request.method === 'GET' && url.pathname === '/requests') {
					const since = Number(url.searchParams.get('since') ?? 0);
					if (url.searchParams.get('provider') === 'ayrshare') return send(response, 200, ayrshareRequests(ayrshareOf(), since));
					if (url.searchParams.get('platform') === 'x') {
						const all = x?.requests ?? [];
						const requests = all.slice(since).map(({ method, path, query, json, status, caller, at }) => ({ method, path, query, body: json, status, caller, at }));
						return send(response, 200, { total: all.length, requests });
					}
					const requests = graph.requests.slice(since).map(({ method, path, version, query, body, status, at }) => ({
						method,
						path,
						version,
						query,
						body: Array.isArray(body) ? body.map((part) => ({ ...part, data: undefined })) : body,
						status,
						at,
					}));
					return send(response, 200, { total: graph.requests.length, requests });
				}
				if (request.method === 'GET' && url.pathname === '/stats') {
					return send(response, 200, stats(graph));
				}
				if (request.method === 'POST' && url.pathname === '/reset') {
					graph.clearRequests();
					graph.state.resetDeliveries();
					ayrshare?.clearRequests();
					return send(response, 200, { ok: true });
				}
				send(response, 404, { error: `No sandbox route ${request.method} ${url.pathname}` });
			} catch (error) {
				send(response, 500, { error: error instanceof Error ? error.message : String(error) });
			}
		})();
	});
	return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
