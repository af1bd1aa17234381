#!/usr/bin/env node
// `npm test`: type-checks the tests, then runs every *.test.ts under test/unit and test/workflows with
// Node's test runner (files in parallel, each in its own process). Everything runs offline against the
// local fake platform servers in test/fakes. On a fresh clone it runs `npm ci` first.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDependencies } from './ensure-deps.mjs';

const roots = ['test/unit', 'test/workflows'];
const only = process.argv.slice(2);

function testFiles(dir) {
	let entries;
	try {
		entries = readdirSync(dir);
	} catch {
		return [];
	}
	return entries.flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return testFiles(path);
		return name.endsWith('.test.ts') ? [path] : [];
	});
}

function run(command, args) {
	const result = spawnSync(command, args, { stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

const files = (only.length ? only : roots.flatMap(testFiles)).sort();
if (files.length === 0) {
	console.error('No test files found.');
	process.exit(1);
}
ensureDependencies();
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']);
run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files]);
