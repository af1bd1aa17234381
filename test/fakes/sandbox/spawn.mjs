// Starts the platform sandbox (main.ts) as a child process and waits for its ready line: the one way the
// demo (scripts/start.mjs), the benchmark and the e2e tests start it. Each caller decides where the
// output goes and how the process is stopped. Plain JS, so the .mjs scripts can import it as well.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const READY_TIMEOUT_MS = 30_000;

/**
 * @param {{ env?: Record<string, string>, detached?: boolean, onSpawn?: (child: import('node:child_process').ChildProcess) => void, onOutput?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void }} [options]
 *   env: SANDBOX_* settings (ports default to 0, i.e. free ones); detached: its own process group;
 *   onSpawn: the process as soon as it exists, for callers that stop it when they are interrupted.
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, graphUrl: string, controlUrl: string, ayrshareUrl: string, xUrl: string }>}
 */
export async function spawnSandbox({ env = {}, detached = false, onSpawn = () => {}, onOutput = () => {} } = {}) {
	const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'fakes', 'sandbox', 'main.ts')], {
		cwd: root,
		env: { ...process.env, SANDBOX_GRAPH_PORT: '0', SANDBOX_CONTROL_PORT: '0', SANDBOX_AYRSHARE_PORT: '0', SANDBOX_X_PORT: '0', ...env },
		detached,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	onSpawn(child);
	// Kept until the ready line, for an error message that shows why it did not start.
	let startOutput = '';
	let started = false;
	const ready = new Promise((resolve, reject) => {
		const fail = (reason) => reject(new Error(`the sandbox ${reason}\n${startOutput.slice(-2000)}`));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			fail(`did not start within ${READY_TIMEOUT_MS / 1000} s`);
		}, READY_TIMEOUT_MS);
		child.once('exit', (code) => {
			clearTimeout(timer);
			fail(`exited (code ${code}) before it was ready`);
		});
		for (const stream of ['stdout', 'stderr']) {
			child[stream].on('data', (chunk) => {
				onOutput(chunk, stream);
				if (started) return;
				startOutput += chunk;
				const line = startOutput.split('\n').find((text) => text.includes('"sandbox-ready"'));
				if (stream === 'stdout' && line) {
					started = true;
					clearTimeout(timer);
					resolve(JSON.parse(line));
				}
			});
		}
	});
	const { graphUrl, controlUrl, ayrshareUrl, xUrl } = await ready;
	return { child, graphUrl, controlUrl, ayrshareUrl, xUrl };
}
