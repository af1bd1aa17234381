// Counts from jest's --json results, for the closing line of `npm test` and of each e2e version:
// "N passed, N failed" (", N skipped" when some were), the line CI reads.

/** Passed, failed (a test file that failed to load counts as one) and skipped tests; names of the failures. */
export function jestResults(json) {
	const loadFailures = json.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0);
	const failedTests = json.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status === 'failed').map((test) => test.fullName));
	const failed = json.numFailedTests + loadFailures.length;
	return {
		passed: json.numPassedTests,
		failed,
		skipped: json.numPendingTests + json.numTodoTests,
		total: json.numPassedTests + failed,
		failures: [...loadFailures.map((file) => `${file.name}: ${String(file.message).split('\n').find((line) => line.trim()) ?? 'failed to run'}`), ...failedTests],
	};
}

export function closingLine({ passed, failed, skipped }) {
	return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
