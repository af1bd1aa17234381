#!/usr/bin/env node
// `npm test`: type-checks the tests (tsc -p tsconfig.test.json), then runs every *.test.ts under
// test/unit and test/workflows with jest (jest.config.js), with coverage of nodes/ and credentials/
// held to the thresholds in jest.config.js. Everything runs offline against the local fake platform
// servers in test/fakes. On a fresh clone it runs `npm ci` first.
//
//   npm test                                   # everything, with coverage
//   npm test -- test/workflows/foo.test.ts     # some files only (no coverage, so no thresholds)
//
// Ends with one line "N passed, N failed" (", N skipped" when some were), read from jest's JSON
// results; a test file that fails to load counts as one failure. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDependencies, root } from './ensure-deps.mjs';
import { closingLine, jestResults } from './jest-results.mjs';

const only = process.argv.slice(2);

function run(command, args) {
	const result = spawnSync(command, args, { stdio: 'inherit', cwd: root });
	return result.status ?? 1;
}

ensureDependencies();
const typeCheck = run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']);
if (typeCheck !== 0) process.exit(typeCheck);

const outDir = mkdtempSync(join(tmpdir(), 'jest-results-'));
const outputFile = join(outDir, 'results.json');
const jestArgs = ['node_modules/jest/bin/jest.js', '--json', `--outputFile=${outputFile}`];
// Coverage (and its thresholds) only for the whole suite: a few files cover a few lines.
if (only.length === 0) jestArgs.push('--coverage');
else jestArgs.push('--runTestsByPath', ...only);
const status = run(process.execPath, jestArgs);

let results;
try {
	results = jestResults(JSON.parse(readFileSync(outputFile, 'utf8')));
} catch (error) {
	console.error(`jest wrote no results (${error.message})`);
	process.exit(status || 1);
} finally {
	rmSync(outDir, { recursive: true, force: true });
}
if (results.total === 0) console.error('No tests ran.');
if (status !== 0 && results.failed === 0) console.error('jest failed although every test passed: see above (coverage below its threshold?)');
console.log(closingLine(results));
process.exit(status !== 0 || results.failed > 0 || results.total === 0 ? status || 1 : 0);
