// Redis and PostgreSQL for n8n's queue mode (scripts/reliability/queue-mode.mjs): Debian's packages,
// installed with apt-get when missing, each started on a free loopback port with its data in a new temp
// folder, nothing persisted, and removed again by stop().
//
//   const redis = await startRedis();      // { port, stop() }
//   const postgres = await startPostgres(); // { port, database, user, stop() }

import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { freePorts, killGroup } from '../n8n/instance.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Installs a Debian package unless `present()` already holds (root only; otherwise says what to run). */
function ensurePackage(name, present) {
	if (present()) return;
	if (process.getuid?.() !== 0) throw new Error(`${name} is not installed: run \`sudo apt-get install -y ${name}\``);
	console.error(`installing ${name} (apt-get) ...`);
	execFileSync('apt-get', ['install', '-y', '--no-install-recommends', name], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	if (!present()) throw new Error(`${name} is still missing after apt-get install`);
}

const onPath = (command) => {
	try {
		execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
};

/** The newest /usr/lib/postgresql/<version>/bin with initdb, or undefined. */
function postgresBin() {
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return undefined;
	const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
	return versions[0] && join(base, versions[0], 'bin');
}

/**
 * Runs `cleanUp` (synchronous) when this process exits or is interrupted: a daemon left running would
 * hold its port and temp folder. On a signal, the process still ends as the signal wants.
 */
function onExitOrSignal(cleanUp) {
	process.on('exit', cleanUp);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.once(signal, () => {
			cleanUp();
			if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
		});
	}
}

/** Waits until a TCP answer to `probe` contains `expected`. */
async function waitForAnswer(port, probe, expected, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const answer = await new Promise((resolve) => {
			const socket = connect(port, '127.0.0.1');
			let text = '';
			socket.setTimeout(1000, () => socket.destroy());
			socket.on('connect', () => socket.write(probe));
			socket.on('data', (chunk) => {
				text += chunk;
				socket.end();
			});
			socket.on('close', () => resolve(text));
			socket.on('error', () => resolve(''));
		});
		if (answer.includes(expected)) return;
		await sleep(200);
	}
	throw new Error(`nothing answered on port ${port} within ${timeoutMs} ms`);
}

export async function startRedis() {
	ensurePackage('redis-server', () => onPath('redis-server'));
	const [port] = await freePorts(1);
	const dir = mkdtempSync(join(tmpdir(), 'queue-redis-'));
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], {
		detached: true,
		stdio: 'ignore',
	});
	const exited = new Promise((done) => child.on('exit', done));
	onExitOrSignal(() => {
		killGroup(child.pid, 'SIGKILL');
		rmSync(dir, { recursive: true, force: true });
	});
	await waitForAnswer(port, 'PING\r\n', '+PONG', 20_000);
	return {
		port,
		async stop() {
			killGroup(child.pid, 'SIGTERM');
			await Promise.race([exited, sleep(5000)]);
			killGroup(child.pid, 'SIGKILL');
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/**
 * A throwaway cluster: initdb (as the postgres user when run as root: PostgreSQL refuses root), trust
 * authentication on loopback only, fsync off, one database for n8n.
 */
export async function startPostgres({ database = 'n8n' } = {}) {
	ensurePackage('postgresql', () => Boolean(postgresBin()));
	const bin = postgresBin();
	const [port] = await freePorts(1);
	const dir = mkdtempSync(join(tmpdir(), 'queue-postgres-'));
	const asRoot = process.getuid?.() === 0;
	const user = asRoot ? 'postgres' : userInfo().username;
	if (asRoot) {
		const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
		const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
		chownSync(dir, Number(ids), Number(gid));
	}
	const run = (tool, args) =>
		execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
	const data = join(dir, 'data');
	run('initdb', ['-D', data, '-U', user, '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
	const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
	run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
	const stopNow = () => {
		if (!existsSync(data)) return;
		try {
			run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
		} catch {
			// already stopped
		}
		rmSync(dir, { recursive: true, force: true });
	};
	const stop = async () => stopNow();
	onExitOrSignal(stopNow);
	run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', user, database]);
	return {
		port,
		database,
		user,
		/** Runs one SQL statement with psql; returns its rows as arrays of strings (unaligned, tab-separated). */
		query(sql) {
			const out = run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-At', '-F', '\t', '-c', sql]).toString();
			return out.split('\n').filter(Boolean).map((line) => line.split('\t'));
		},
		stop,
	};
}
