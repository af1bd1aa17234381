/**
 * A fault-injecting HTTP proxy in front of a fake platform server. For each request it draws a fault
 * from a seeded generator (so a run reproduces) and either answers without passing the request on
 * (the platform never saw it) or passes it on and spoils the answer (the platform carried it out):
 * 500 JSON errors, 502 / 503 HTML pages, connection resets before and after the body went through,
 * answers slower than the client's timeout, bursts of rate-limit errors, malformed and truncated JSON.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAULTS = [
	'ok',
	'error500', // answered 500 (Graph JSON, is_transient) without passing the request on
	'html502', // a load balancer's 502 HTML page, request not passed on
	'resetBefore', // connection reset as soon as the request line arrives, before the body is read
	'rateLimit', // code 613 without passing on; starts a burst
	'error500After', // carried out, then answered 500
	'html503After', // carried out, then a 503 HTML page
	'resetAfter', // carried out, then the connection reset instead of the answer
	'slowAfter', // carried out, the answer held past the client's timeout
	'malformedAfter', // carried out, answered 200 with a body that is not JSON
	'truncatedAfter', // carried out, answered 200 with the JSON cut in half
] as const;
export type Fault = (typeof FAULTS)[number];

/** Faults after which the platform has carried the request out. */
export const CARRIED_OUT: ReadonlySet<Fault> = new Set(['ok', 'error500After', 'html503After', 'resetAfter', 'slowAfter', 'malformedAfter', 'truncatedAfter']);

export interface FaultPlan {
	/** Relative weights; faults left out never happen. */
	shares: Partial<Record<Fault, number>>;
	seed: number;
	/** A rate-limit error is followed by this many more (default 2). */
	burst?: number;
	/** How long slowAfter holds the answer, ms (make it longer than the client's timeout). */
	slowMs?: number;
	/** Which requests may get a fault (default: all); the others pass through untouched. */
	applies?: (method: string, path: string) => boolean;
}

export interface FaultProxy {
	url: string;
	/** How often each fault was injected. */
	counts: Record<Fault, number>;
	close(): Promise<void>;
}

/** mulberry32: a small seeded generator, so the same seed gives the same faults. */
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const html = (status: number) =>
	`<!DOCTYPE html><html><head><title>${status}</title></head><body><h1>${status === 502 ? 'Bad Gateway' : 'Service Unavailable'}</h1><p>Please try again later.</p></body></html>`;
const graphError = (message: string, code: number, extra: Record<string, unknown> = {}) =>
	JSON.stringify({ error: { message, type: 'OAuthException', code, fbtrace_id: 'FaultProxyTrace', ...extra } });

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

interface Upstream {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

function forward(target: URL, req: http.IncomingMessage, body: Buffer): Promise<Upstream> {
	return new Promise((resolve, reject) => {
		const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
		delete headers['transfer-encoding'];
		const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false }, (res) => {
			readBody(res).then((data) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data }), reject);
		});
		upstream.on('error', reject);
		upstream.end(body);
	});
}

function answer(res: http.ServerResponse, status: number, contentType: string, body: string | Buffer): void {
	if (res.destroyed) return;
	res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
	res.end(body);
}

export async function startFaultProxy(targetUrl: string, plan: FaultPlan): Promise<FaultProxy> {
	const target = new URL(targetUrl);
	const random = seeded(plan.seed);
	const entries = FAULTS.map((fault) => [fault, plan.shares[fault] ?? 0] as const).filter(([, weight]) => weight > 0);
	const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
	const counts = Object.fromEntries(FAULTS.map((fault) => [fault, 0])) as Record<Fault, number>;
	let burstLeft = 0;
	const timers = new Set<NodeJS.Timeout>();

	const draw = (): Fault => {
		if (burstLeft > 0) {
			burstLeft--;
			return 'rateLimit';
		}
		let roll = random() * total;
		for (const [fault, weight] of entries) {
			roll -= weight;
			if (roll < 0) {
				if (fault === 'rateLimit') burstLeft = plan.burst ?? 2;
				return fault;
			}
		}
		return 'ok';
	};

	const server = http.createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://proxy').pathname;
		const fault = !plan.applies || plan.applies(req.method ?? 'GET', path) ? draw() : 'ok';
		counts[fault]++;
		if (fault === 'resetBefore') {
			req.socket.destroy();
			return;
		}
		void (async () => {
			const body = await readBody(req);
			if (fault === 'error500') return answer(res, 500, 'application/json', graphError('An unexpected error has occurred. Please retry your request later.', 2, { is_transient: true }));
			if (fault === 'html502') return answer(res, 502, 'text/html', html(502));
			if (fault === 'rateLimit') return answer(res, 400, 'application/json', graphError('(#613) Calls to this api have exceeded the rate limit.', 613));
			let upstream: Upstream;
			try {
				upstream = await forward(target, req, body);
			} catch {
				req.socket.destroy();
				return;
			}
			const relay = () => {
				if (res.destroyed) return;
				const headers = { ...upstream.headers, 'content-length': String(upstream.body.length) };
				delete headers['transfer-encoding'];
				delete headers.connection;
				res.writeHead(upstream.status, headers);
				res.end(upstream.body);
			};
			switch (fault) {
				case 'ok':
					return relay();
				case 'error500After':
					return answer(res, 500, 'application/json', graphError('An unknown error has occurred.', 1, { is_transient: true }));
				case 'html503After':
					return answer(res, 503, 'text/html', html(503));
				case 'resetAfter':
					req.socket.destroy();
					return;
				case 'slowAfter': {
					const timer = setTimeout(() => {
						timers.delete(timer);
						relay();
					}, plan.slowMs ?? 5000);
					timers.add(timer);
					return;
				}
				case 'malformedAfter':
					return answer(res, 200, 'application/json; charset=UTF-8', '<html><body>upstream error</body></html>');
				case 'truncatedAfter':
					return answer(res, 200, 'application/json; charset=UTF-8', upstream.body.subarray(0, Math.max(1, Math.floor(upstream.body.length / 2))));
			}
		})();
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		counts,
		close: async () => {
			for (const timer of timers) clearTimeout(timer);
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
