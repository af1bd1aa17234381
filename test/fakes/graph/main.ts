/**
 * CLI: start the fake Graph API with the default seed and print its URL and fixture identities.
 *   tsx test/fakes/graph/main.ts [port]
 * Env: FAKE_GRAPH_PORT, FAKE_GRAPH_HOST, FAKE_GRAPH_LATENCY_MS, FAKE_GRAPH_RATE_LIMIT (send calls/s per Page).
 */
import { APP_ID, APP_SECRET, IG_ACCOUNT_ID, IG_USER_TOKEN, PAGE_ID, PAGE_TOKEN } from './fixtures';
import { startFakeGraph } from './server';

async function main(): Promise<void> {
	const port = Number(process.argv[2] ?? process.env.FAKE_GRAPH_PORT ?? 0);
	const rate = Number(process.env.FAKE_GRAPH_RATE_LIMIT ?? 0);
	const fake = await startFakeGraph({
		port: Number.isInteger(port) && port >= 0 ? port : 0,
		host: process.env.FAKE_GRAPH_HOST ?? '127.0.0.1',
		latencyMs: Number(process.env.FAKE_GRAPH_LATENCY_MS ?? 0) || 0,
		rateLimitPerSecond: rate > 0 ? rate : undefined,
	});
	console.log(`Fake Graph API listening on ${fake.url}`);
	console.log(JSON.stringify({ url: fake.url, appId: APP_ID, appSecret: APP_SECRET, pageId: PAGE_ID, pageToken: PAGE_TOKEN, igAccountId: IG_ACCOUNT_ID, igUserToken: IG_USER_TOKEN }));
	const stop = (): void => {
		void fake.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
