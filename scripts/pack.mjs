// Builds the package and packs it as `npm pack` does for a user, into `destination`: the one way the demo
// (start.mjs), the e2e tests (e2e.mjs) and `npm run verify` make the tarball they install or scan.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

import { root } from './ensure-deps.mjs';

/** Runs a command in the project; resolves with its stdout, rejects with the end of its output. */
function run(command, args, logFile) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let output = '';
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			output += chunk;
		});
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			if (logFile) appendFileSync(logFile, output);
			if (code === 0) return resolve(stdout);
			const tail = output.split('\n').slice(-30).join('\n');
			reject(new Error(`${command} ${args.join(' ')} failed (exit ${code})${logFile ? `; see ${logFile}` : ''}:\n${tail}`));
		});
	});
}

/**
 * @param {string} destination folder for the tarball
 * @param {{ logFile?: string }} [options] where the build's and npm's output go (else only into errors)
 * @returns {Promise<{ tarball: string, filename: string, version: string, files: Array<{ path: string }>, entryCount: number, size: number, unpackedSize: number }>}
 */
export async function buildAndPack(destination, { logFile } = {}) {
	await run('npm', ['run', 'build'], logFile);
	// Built already: --ignore-scripts keeps a prepack script from building a second time.
	const stdout = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], logFile);
	const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[')));
	return { ...packed, tarball: join(destination, packed.filename) };
}
