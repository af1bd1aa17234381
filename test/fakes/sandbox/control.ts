/**
 * The sandbox's control API (a second loopback port, so the fake platform's own surface stays as the
 * platform documents it). Lets a person or a test make the platform do what a real user would: send a
 * message, tap a quick reply or a button, or forge a delivery; and read what the platform saw.
 *
 *   GET  /status                 subscriptions, subscribed accounts, delivery and request counts
 *   POST /deliver                { platform?, event?, from?, text?, payload?, title?, signature? } -> webhook result
 *   GET  /deliveries             messages the platform delivered, per recipient (exactly-once checks)
 *   GET  /requests?since=N       requests the platform received after index N (method, path, query, body)
 *   POST /reset                  forget recorded requests and deliveries
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import {
	IG_ACCOUNT_ID,
	PAGE_ID,
	USERS,
	messageEvent,
	postbackEvent,
	quickReplyEvent,
	webhookPayload,
	type FakeGraph,
	type SignatureMode,
} from '../graph';

type UserKey = keyof typeof USERS;

export interface DeliverRequest {
	platform?: 'messenger' | 'instagram';
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

export async function deliver(graph: FakeGraph, request: DeliverRequest) {
	const platform = request.platform ?? 'messenger';
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

export function startControlServer(graph: FakeGraph, port: number, host = '127.0.0.1'): Promise<Server> {
	const server = createServer((request, response) => {
		void (async () => {
			const url = new URL(request.url ?? '/', `http://${host}`);
			try {
				if (request.method === 'GET' && url.pathname === '/status') {
					return send(response, 200, {
						graphUrl: graph.url,
						appSubscriptions: [...graph.state.appSubscriptions.values()],
						subscribedApps: Object.fromEntries(graph.state.subscribedApps),
						requests: graph.requests.length,
						deliveries: graph.state.deliveries().length,
					});
				}
				if (request.method === 'POST' && url.pathname === '/deliver') {
					return send(response, 200, await deliver(graph, (await readJson(request)) as DeliverRequest));
				}
				if (request.method === 'GET' && url.pathname === '/deliveries') {
					return send(response, 200, { deliveries: graph.state.deliveries(), duplicates: graph.state.duplicateDeliveries() });
				}
				if (request.method === 'GET' && url.pathname === '/requests') {
					const since = Number(url.searchParams.get('since') ?? 0);
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
				if (request.method === 'POST' && url.pathname === '/reset') {
					graph.clearRequests();
					graph.state.resetDeliveries();
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
