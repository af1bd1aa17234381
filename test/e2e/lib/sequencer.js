// The order of the e2e files (jest's testSequencer for JEST_SUITE=e2e): the longest first, so that
// with files side by side they do not finish last alone. restart.e2e.ts starts (twice) an n8n of its
// own; trigger-conflict.e2e.ts mostly waits on newer n8n (about 15 s) while n8n retries a trigger
// that fails to activate on purpose; x-poll-trigger.e2e.ts waits up to a quarter of a minute for n8n's
// next scheduled poll (the file took 13 to 28 s on 2 CPUs). The rest by name.
const { basename } = require('node:path');

const START_FIRST = ['restart.e2e.ts', 'trigger-conflict.e2e.ts', 'x-poll-trigger.e2e.ts'];
const rank = (path) => {
	const at = START_FIRST.indexOf(basename(path));
	return at < 0 ? START_FIRST.length : at;
};

module.exports = class E2eSequencer {
	sort(tests) {
		return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
	}

	cacheResults() {}

	allFailedTests(tests) {
		return tests;
	}
};
