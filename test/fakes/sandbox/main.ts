/**
 * The local platform sandbox: the fake platform servers (Graph now; X and Ayrshare as those providers
 * land) in one process on loopback, plus the control API that makes them send signed webhooks.
 *   tsx test/fakes/sandbox/main.ts
 * Env: SANDBOX_GRAPH_PORT (8088), SANDBOX_CONTROL_PORT (8089), SANDBOX_LATENCY_MS (0),
 *      SANDBOX_RATE_LIMIT (Send API calls/s per Page; off by default).
 */
import { startFakeGraph } from '../graph';
import { startControlServer } from './control';

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
	});
	const control = await startControlServer(graph, controlPort);
	console.log(JSON.stringify({ event: 'sandbox-ready', graphUrl: graph.url, controlUrl: `http://127.0.0.1:${controlPort}` }));
	const stop = (): void => {
		control.close();
		void graph.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
