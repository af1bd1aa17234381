// Makes `npm start`, `npm test` and `npm run verify` work on a fresh clone: when the development
// dependencies that package.json pins are not installed (no node_modules, or a pin changed since the
// last install), runs `npm ci` first. Plain Node, no dependencies: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Names of pinned development dependencies that are missing or at another version. */
function missingDependencies() {
	const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
	const wanted = { ...pkg.devDependencies };
	return Object.entries(wanted)
		.filter(([name, version]) => {
			try {
				const installed = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
				// Every pin in this package is exact; a range would only be checked for presence.
				return /^\d/.test(version) && installed.version !== version;
			} catch {
				return true;
			}
		})
		.map(([name]) => name);
}

export function ensureDependencies({ log = console.error } = {}) {
	const missing = missingDependencies();
	if (missing.length === 0) return false;
	const shown = missing.length > 4 ? `${missing.slice(0, 4).join(', ')} and ${missing.length - 4} more` : missing.join(', ');
	log(`Installing the development dependencies (npm ci; missing or outdated: ${shown})...`);
	const started = Date.now();
	const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) {
		log('npm ci failed; see above.');
		process.exit(result.status ?? 1);
	}
	log(`Installed in ${Math.round((Date.now() - started) / 1000)} s.`);
	return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureDependencies();
