/**
 * CLI: start the fake X API with the default seed and print its URL and the keys of the seeded app.
 *   tsx test/fakes/x/main.ts [port]          Env: FAKE_X_PORT, FAKE_X_HOST, FAKE_X_LATENCY_MS
 */
import { ME, X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET, X_API_KEY, X_API_KEY_SECRET, X_BEARER_TOKEN } from './fixtures';
import { startFakeX } from './server';

async function main(): Promise<void> {
	const port = Number(process.argv[2] ?? process.env.FAKE_X_PORT ?? 0);
	const fake = await startFakeX({
		port: Number.isInteger(port) && port >= 0 ? port : 0,
		host: process.env.FAKE_X_HOST ?? '127.0.0.1',
		latencyMs: Number(process.env.FAKE_X_LATENCY_MS ?? 0) || 0,
	});
	console.log(`Fake X API listening on ${fake.url}`);
	console.log(JSON.stringify({ url: fake.url, apiKey: X_API_KEY, apiKeySecret: X_API_KEY_SECRET, accessToken: X_ACCESS_TOKEN, accessTokenSecret: X_ACCESS_TOKEN_SECRET, bearerToken: X_BEARER_TOKEN, userId: ME.id }));
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
