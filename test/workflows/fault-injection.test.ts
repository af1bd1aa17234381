/**
 * Fault injection, the fast run (issue 13; the 2,000-send run is test/reliability/faults.ts): sends and
 * reads through the fault proxy (500s, 502/503 HTML pages, resets before and after the body, answers
 * past the timeout, rate-limit bursts, malformed and truncated JSON). Checked against the fake's
 * delivery log: by default nothing is sent twice, every item's report matches what happened (sent with
 * an id, or "may have been carried out", or failed), and every error says what to do; with Retry When
 * Outcome Is Unknown the reports are still true. Reads return every conversation exactly once or fail.
 */
import { describe, expect, it } from '@jest/globals';

import { DEFAULT_SHARES, runReadCampaign, runSendCampaign } from '../reliability/faultCampaign';

const plan = { shares: DEFAULT_SHARES, seed: 7, burst: 2, slowMs: 1500 };

describe('sends and reads through injected faults', () => {
	it('60 sends, retries of unknown outcomes off: none twice, every report true and clear', async () => {
		const figures = await runSendCampaign({ sends: 60, perRun: 30, plan, timeoutSeconds: 1 });
		expect(figures.duplicates).toBe(0);
		expect(figures.wrongReports).toBe(0);
		expect(figures.unclearErrors).toBe(0);
		expect(figures.deliveredOnce + figures.failedClearly + figures.unknownDelivered + figures.unknownNotDelivered).toBe(60);
		// JSON.stringify(figures)
		expect(figures.deliveredOnce > 0 && figures.unknownDelivered > 0).toBeTruthy();
		const injected = Object.entries(figures.faults).filter(([fault, count]) => fault !== 'ok' && count > 0);
		// only ${injected.length} kinds of fault were injected
		expect(injected.length).toBeGreaterThanOrEqual(8);
	});

	it('30 sends with Retry When Outcome Is Unknown: reports stay true (duplicates are the accepted risk)', async () => {
		const figures = await runSendCampaign({ sends: 30, perRun: 30, plan: { ...plan, seed: 8 }, timeoutSeconds: 1, retryUnknownOutcome: true });
		expect(figures.wrongReports).toBe(0);
		expect(figures.unclearErrors).toBe(0);
		expect(figures.deliveredOnce + figures.duplicates + figures.failedClearly + figures.unknownDelivered + figures.unknownNotDelivered).toBe(30);
	});

	it('5 reads of 45 conversations: each complete and without duplicates, or failed', async () => {
		const figures = await runReadCampaign(5, { ...plan, seed: 9 });
		expect(figures.wrong).toBe(0);
		expect(figures.complete + figures.failed).toBe(5);
		expect(figures.complete).toBeGreaterThan(0);
	});
});
