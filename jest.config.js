// Jest for every test: `npm test` (scripts/run-tests.mjs) runs test/unit and test/workflows,
// `npm run test:e2e` (scripts/e2e.mjs) runs test/e2e against a real n8n with JEST_SUITE=e2e.
// TypeScript goes through @swc/jest (no type check here: run-tests.mjs runs tsc first); the .mjs
// helpers shared with scripts/ are compiled to CommonJS the same way.
const e2e = process.env.JEST_SUITE === 'e2e';

const ESM_ONLY = ['p-retry', 'is-network-error'];

/** @swc/jest options: CommonJS out (import.meta.url and import() included), class names kept for error names. */
const swc = (syntax) => ({
	jsc: { parser: { syntax }, target: 'es2023', keepClassNames: true },
	module: { type: 'commonjs' },
});

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	rootDir: __dirname,
	roots: ['<rootDir>/test'],
	...(e2e ? { testSequencer: '<rootDir>/test/e2e/lib/sequencer.js' } : {}),
	// Offline suite: 3 workers whatever the CPU count. On 2 CPUs jest's default (CPUs - 1) is one worker,
	// i.e. everything in band, and these tests mostly wait on the local fake servers and timers: measured
	// 2026-12-07, test/workflows took about 700 s in band and 130 s with 3 workers. scripts/e2e.mjs sets
	// its own --maxWorkers.
	...(e2e ? {} : { maxWorkers: 3 }),
	testMatch: e2e ? ['<rootDir>/test/e2e/**/*.e2e.ts'] : ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/workflows/**/*.test.ts'],
	moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
	transform: {
		'^.+\\.ts$': ['@swc/jest', swc('typescript')],
		'^.+\\.m?js$': ['@swc/jest', swc('ecmascript')],
	},
	// Packages that ship only ES modules, required by n8n-core: compiled to CommonJS like the tests.
	transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
	// Code in jest's vm context looks up globals such as Math through the context's interceptors, some
	// 100 times slower than outside it; handed to every module (node_modules too) as parameters, they are
	// plain variables. Not Date or the timers: fake timers replace those after modules load.
	sandboxInjectedGlobals: ['Math', 'JSON', 'Object', 'Array', 'Number', 'String', 'Boolean', 'Symbol', 'Reflect', 'Error', 'TypeError', 'RangeError', 'RegExp', 'Map', 'Set', 'WeakMap', 'Uint8Array', 'ArrayBuffer', 'parseInt', 'parseFloat', 'isNaN', 'encodeURIComponent', 'decodeURIComponent'],
	// node:test had no time limit; these are generous bounds, not expectations.
	testTimeout: e2e ? 300_000 : 120_000,
	coverageProvider: 'v8',
	collectCoverageFrom: ['<rootDir>/nodes/**/*.ts', '<rootDir>/credentials/**/*.ts'],
	coverageReporters: ['text-summary'],
	// Measured 2026-12-07 over test/unit + test/workflows (v8 coverage), after the X, Ayrshare and reliability
	// merges: branches 87.4 % (lines above 91 %).
	coverageThreshold: { global: { lines: 91, branches: 87 } },
};
