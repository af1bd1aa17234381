/**
 * Fault injection figures (issue 13): `node --import tsx test/reliability/faults.ts [--sends 2000] [--reads 100]`.
 * Sends through the fault proxy with Retry When Outcome Is Unknown off (the default) and on, then reads;
 * prints one JSON object with the figures. Exits 1 when a send was duplicated with retries off, a report
 * was wrong, an error said nothing about what to do, or a read came back incomplete or doubled.
 */
import { DEFAULT_SHARES, runReadCampaign, runSendCampaign } from './faultCampaign';

const arg = (name: string, fallback: number) => {
	const at = process.argv.indexOf(`--${name}`);
	return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const sends = arg('sends', 2000);
const reads = arg('reads', 100);
const plan = { shares: DEFAULT_SHARES, seed: 2026, burst: 2, slowMs: 1500 };
const campaign = { sends, perRun: 100, plan, timeoutSeconds: 1 };

async function main(): Promise<number> {
	const safe = await runSendCampaign(campaign);
	const retrying = await runSendCampaign({ ...campaign, retryUnknownOutcome: true });
	const readFigures = await runReadCampaign(reads, { shares: DEFAULT_SHARES, seed: 2027, burst: 2, slowMs: 1500 });
	const figures = { date: new Date().toISOString(), node: process.version, sendsDefault: safe, sendsWithRetryUnknownOutcome: retrying, reads: readFigures };
	console.log(JSON.stringify(figures, null, 2));
	return safe.duplicates + safe.wrongReports + safe.unclearErrors + retrying.wrongReports + retrying.unclearErrors + readFigures.wrong;
}

main().then(
	(bad) => process.exit(bad === 0 ? 0 : 1),
	(error: unknown) => {
		console.error(error);
		process.exit(2);
	},
);
