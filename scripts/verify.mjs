#!/usr/bin/env node
// `npm run verify`: what n8n checks before it lists a community package, run on what npm would publish.
//
// 1. Builds and packs the package (`npm pack`) and unpacks the tarball into a temp folder.
// 2. The tarball holds only what n8n loads: package.json, README.md, LICENSE.md, the compiled
//    nodes and credentials (dist/**/*.js, compiled from a source that still exists), their codex
//    files (*.node.json) and icons (every `file:` icon the code names is there). No tests, no source
//    maps, no type declarations: n8n requires the files package.json names and nothing imports this
//    package as a library, and the maps point at TypeScript sources that are not in the tarball.
// 3. package.json has no runtime dependencies, and n8n-workflow as its only peer dependency.
// 4. @n8n/scan-community-package's analyzePackage on the unpacked tarball (`**/*.js` and package.json,
//    as the scanner does for a published tarball) and on the sources (its SOURCE_FILE_PATTERNS, as it
//    does for the provenance-attested checkout). The scanner fails on errors; this also fails on
//    warnings, so the result is zero findings. Inline eslint-disable comments count for nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ensureDependencies, root } from './ensure-deps.mjs';
import { buildAndPack } from './pack.mjs';

const started = Date.now();
const problems = [];
const fail = (message) => problems.push(message);
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout ?? ''}${result.stderr ?? ''}`);
	}
	return result.stdout;
}

function listFiles(dir, base = dir) {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path).split(sep).join('/')];
	});
}

function checkTarballContents(packageDir) {
	const files = listFiles(packageDir);
	const allowed = [
		/^package\.json$/,
		/^README\.md$/,
		/^LICENSE\.md$/,
		// package.json's `main` (npm always packs it): an empty module for tools that expect an entry point.
		/^index\.js$/,
		/^dist\/(nodes|credentials)\/.+\.js$/,
		/^dist\/nodes\/.+\.node\.json$/,
		/^dist\/(icons|nodes|credentials)\/.+\.svg$/,
	];
	for (const file of files) {
		if (!allowed.some((pattern) => pattern.test(file))) fail(`the tarball should not contain ${file}`);
	}
	// Compiled files whose source is gone (a stale dist/) must not ship.
	for (const file of files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
		const source = join(root, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		if (!existsSync(source)) fail(`${file} has no source (${relative(root, source)}); delete dist/ and build again`);
	}
	const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
	for (const entry of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])]) {
		if (!existsSync(join(packageDir, entry))) fail(`package.json names ${entry}, which is not in the tarball`);
	}
	// n8n resolves `file:` icons relative to the compiled node or credential file.
	let icons = 0;
	for (const file of files.filter((f) => f.endsWith('.js'))) {
		const code = readFileSync(join(packageDir, file), 'utf8');
		for (const [, icon] of code.matchAll(/['"]file:([^'"]+)['"]/g)) {
			icons++;
			const target = resolve(packageDir, dirname(file), icon);
			if (!existsSync(target)) fail(`${file} names the icon file:${icon}, which is not in the tarball`);
		}
	}
	if (icons === 0) fail('no node or credential names an icon file');
	return { files, pkg, icons };
}

function checkManifest(pkg) {
	for (const field of ['dependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies']) {
		const value = pkg[field];
		if (value && (Array.isArray(value) ? value.length : Object.keys(value).length)) {
			fail(`package.json has ${field} (${JSON.stringify(value)}); community nodes must have no runtime dependencies`);
		}
	}
	const peers = Object.keys(pkg.peerDependencies ?? {});
	if (peers.join() !== 'n8n-workflow') fail(`peerDependencies should be exactly n8n-workflow, not [${peers.join(', ')}]`);
	if (!pkg.keywords?.includes('n8n-community-node-package')) fail('keywords lack n8n-community-node-package');
}

/** The scanner's verdict plus the warnings it does not fail on, with its own configuration. */
async function scan(scanner, dir, patterns, label) {
	const t = Date.now();
	const verdict = await scanner.analyzePackage(dir, patterns);
	const { ESLint } = await import('eslint');
	const { default: glob } = await import('fast-glob');
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((n, r) => n + r.errorCount, 0);
	const warnings = results.reduce((n, r) => n + r.warningCount, 0);
	console.log(`- scanner on ${label}: ${files.length} files, ${errors} errors, ${warnings} warnings (${seconds(t)})`);
	if (!verdict.passed || errors || warnings) {
		const formatter = await eslint.loadFormatter('stylish');
		fail(`the scanner found problems in ${label}: ${verdict.message ?? ''}\n${verdict.details ?? (await formatter.format(results))}`);
	}
}

async function main() {
	ensureDependencies();
	const work = mkdtempSync(join(tmpdir(), 'social-messaging-verify-'));
	try {
		let t = Date.now();
		const packed = await buildAndPack(work);
		const { tarball } = packed;
		const packageDir = join(work, 'package');
		run('tar', ['-xzf', tarball, '-C', work]);
		console.log(`- built and packed ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked (${seconds(t)})`);

		const { files, pkg, icons } = checkTarballContents(packageDir);
		checkManifest(pkg);
		const js = files.filter((f) => f.endsWith('.js')).length;
		console.log(`- tarball contents: ${js} compiled files, ${icons} icon references, no maps, declarations or tests${problems.length ? ' (problems below)' : ''}`);

		t = Date.now();
		const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
		await scan(scanner, packageDir, ['**/*.js', 'package.json'], 'the unpacked tarball');
		await scan(scanner, root, scanner.SOURCE_FILE_PATTERNS, 'the sources');
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	if (problems.length) {
		console.error(`\nnpm run verify: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		process.exit(1);
	}
	console.log(`npm run verify: no findings (${seconds(started)}).`);
}

main().catch((error) => {
	console.error(error.stack ?? error.message);
	process.exit(1);
});
