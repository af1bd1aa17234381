/**
 * The environment an n8n started by the tests inherits (scripts/n8n/instance.mjs): the shell's n8n
 * settings stay out, and so does jest's NODE_ENV=test, with which n8n exits at start-up without a word
 * (restart.e2e.ts starts its own n8n from inside a jest worker).
 */
import { afterEach, expect, it } from '@jest/globals';

// @ts-expect-error: plain JS module shared with scripts/, without type declarations
import { inheritedEnv, startN8n } from '../../scripts/n8n/instance.mjs';

const saved = { ...process.env };
afterEach(() => {
	for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
	Object.assign(process.env, saved);
});

it("jest's NODE_ENV and the shell's n8n settings are not handed to n8n; the rest is", () => {
	Object.assign(process.env, { NODE_ENV: 'test', N8N_PORT: '1', DB_TYPE: 'postgresdb', EXECUTIONS_MODE: 'queue', WEBHOOK_URL: 'http://x/', KEEP_ME: 'yes' });
	const env = inheritedEnv() as Record<string, string>;
	expect(['NODE_ENV', 'N8N_PORT', 'DB_TYPE', 'EXECUTIONS_MODE', 'WEBHOOK_URL'].filter((key) => key in env)).toStrictEqual([]);
	expect(env.KEEP_ME).toBe('yes');
	expect(env.PATH).toBe(process.env.PATH);
});

it('starts only the n8n commands it knows (start, worker, webhook), refusing others before anything runs', async () => {
	await expect(startN8n({ version: '2.41.1', command: 'execute' })).rejects.toThrow('unknown n8n command "execute"');
});
