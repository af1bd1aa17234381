/** Outbound HTTP for the fake (callback verification, webhook delivery), on node:http/https only. */
import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

export function httpRequest(
	url: string,
	opts: { method?: string; headers?: Record<string, string>; body?: Buffer; timeoutMs?: number } = {},
): Promise<HttpResponse> {
	return new Promise((resolve, reject) => {
		const target = new URL(url);
		const lib = target.protocol === 'https:' ? https : http;
		const headers: Record<string, string> = { ...(opts.headers ?? {}) };
		if (opts.body) headers['content-length'] = String(opts.body.length);
		const req = lib.request(
			target,
			// Test callbacks may use self-signed certificates.
			{ method: opts.method ?? 'GET', headers, timeout: opts.timeoutMs ?? 10_000, rejectUnauthorized: false, agent: false },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs ?? 10_000} ms`)));
		req.on('error', reject);
		req.end(opts.body);
	});
}
