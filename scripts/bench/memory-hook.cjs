// Preloaded into n8n by `npm run bench` (NODE_OPTIONS=--require …): on SIGUSR2, n8n's main process runs a
// full garbage collection and writes process.memoryUsage() to $BENCH_MEMORY_FILE, so the benchmark can
// compare the memory n8n retains before and after a run instead of RSS, which only shows what the heap
// has grown to. Other processes started with the same NODE_OPTIONS (the task runner) are left alone.
'use strict';

if (process.env.BENCH_MEMORY_FILE && /(^|\/)n8n$/.test(process.argv[1] ?? '') && process.argv[2] === 'start') {
	const v8 = require('node:v8');
	const vm = require('node:vm');
	const fs = require('node:fs');
	v8.setFlagsFromString('--expose-gc');
	const gc = vm.runInNewContext('gc');
	process.on('SIGUSR2', () => {
		gc();
		gc();
		const file = process.env.BENCH_MEMORY_FILE;
		fs.writeFileSync(`${file}.tmp`, JSON.stringify(process.memoryUsage()));
		fs.renameSync(`${file}.tmp`, file);
	});
}
