/**
 * The local platform sandbox: the fake platform servers (Graph, Ayrshare and X) in one process on
 * loopback, plus the control API that makes them send signed webhooks.
 *   tsx test/fakes/sandbox/main.ts
 * Env: SANDBOX_GRAPH_PORT (8088), SANDBOX_CONTROL_PORT (8089), SANDBOX_AYRSHARE_PORT (8090), SANDBOX_X_PORT (8091),
 *      SANDBOX_LATENCY_MS (0), SANDBOX_AYRSHARE_RETRY_MS (1000,2000: the waits before Ayrshare's 2nd and 3rd attempt
 *      of an unacknowledged delivery; Ayrshare's own 5 s and 30 s would keep `sandbox:deliver` waiting),
 *      SANDBOX_RATE_LIMIT (Send API calls/s per Page; off by default),
 *      SANDBOX_SEED (`default`, or `large` for generated people and conversations, e.g. for benchmarks),
 *      SANDBOX_CONVERSATIONS (100) and SANDBOX_MESSAGES_PER_CONVERSATION (30) for the large seed.
 * Port 0 picks a free port; the ready line names the ports actually used.
 */
import type { AddressInfo } from 'node:net';

import { startFakeAyrshare } from '../ayrshare';
import { createDefaultState, createLargeState, startFakeGraph } from '../graph';
import { startFakeX } from '../x';
import { startControlServer } from './control';

function seedState() {
	const seed = process.env.SANDBOX_SEED ?? 'default';
	if (seed === 'default') return createDefaultState();
	if (seed === 'large') {
		const count = (name: string) => {
			const value = Number(process.env[name]);
			return Number.isInteger(value) && value >= 0 ? value : undefined;
		};
		return createLargeState({
			conversations: count('SANDBOX_CONVERSATIONS'),
			messagesPerConversation: count('SANDBOX_MESSAGES_PER_CONVERSATION'),
		});
	}
	throw new Error(`SANDBOX_SEED must be "default" or "large", not "${seed}"`);
}

async function main(): Promise<void> {
	const graphPort = Number(process.env.SANDBOX_GRAPH_PORT ?? 8088);
	const controlPort = Number(process.env.SANDBOX_CONTROL_PORT ?? 8089);
	const rate = Number(process.env.SANDBOX_RATE_LIMIT ?? 0);
	const graph = await startFakeGraph({
		port: graphPort,
		latencyMs: Number(process.env.SANDBOX_LATENCY_MS ?? 0) || 0,
		rateLimitPerSecond: rate > 0 ? rate : undefined,
		// The sandbox limits per second; Meta's "minutes to regain access" would stall a local demo.
		regainAccessMinutes: 0,
		state: seedState(),
	});
	const retryDelaysMs = (process.env.SANDBOX_AYRSHARE_RETRY_MS ?? '1000,2000').split(',').filter(Boolean).map(Number);
	if (retryDelaysMs.some((ms) => !Number.isInteger(ms) || ms < 0)) throw new Error('SANDBOX_AYRSHARE_RETRY_MS must be milliseconds separated by commas, e.g. 1000,2000');
	const ayrshare = await startFakeAyrshare({ port: Number(process.env.SANDBOX_AYRSHARE_PORT ?? 8090), retryDelaysMs });
	// X's documented per-user windows (15 sends and 15 lookups per 15 minutes) would stall a local demo.
	const roomy = { limit: 10_000, windowMs: 15 * 60_000 };
	const x = await startFakeX({
		port: Number(process.env.SANDBOX_X_PORT ?? 8091),
		latencyMs: Number(process.env.SANDBOX_LATENCY_MS ?? 0) || 0,
		rateLimits: { dmSend: roomy, dmLookup: roomy },
	});
	const control = await startControlServer(graph, controlPort, '127.0.0.1', { ayrshare, x });
	const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
	console.log(JSON.stringify({ event: 'sandbox-ready', graphUrl: graph.url, controlUrl, ayrshareUrl: ayrshare.url, xUrl: x.url }));
	const stop = (): void => {
		control.close();
		void Promise.all([graph.close(), ayrshare.close(), x.close()]).then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
