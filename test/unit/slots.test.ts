/** Slots: at most `size` jobs at once, waiters served in order, a slot freed by a failing job too. */
import { expect, it } from '@jest/globals';

import { Slots } from '../../nodes/platforms/core/slots';

/** A job that runs until `finish()` is called, recording when it started. */
function controlledJob(started: number[], index: number) {
	let finish: (fail?: boolean) => void = () => {};
	const job = async () => {
		started.push(index);
		await new Promise<void>((resolve, reject) => (finish = (fail) => (fail ? reject(new Error(`job ${index} failed`)) : resolve())));
		return index;
	};
	return { job, finish: (fail?: boolean) => finish(fail) };
}

const settle = async () => await new Promise((resolve) => setImmediate(resolve));

it('two slots: the third job starts only when one of the first two ends, the fourth after that, in order', async () => {
	const slots = new Slots(2);
	const started: number[] = [];
	const jobs = [0, 1, 2, 3].map((index) => controlledJob(started, index));
	// Settled from the start, so the failing job's rejection is handled when it happens.
	const outcomes = Promise.allSettled(jobs.map(({ job }) => slots.run(job)));
	await settle();
	expect(started).toStrictEqual([0, 1]);
	jobs[1].finish();
	await settle();
	expect(started).toStrictEqual([0, 1, 2]);
	jobs[0].finish(true);
	await settle();
	// a failed job frees its slot too
	expect(started).toStrictEqual([0, 1, 2, 3]);
	jobs[2].finish();
	jobs[3].finish();
	expect((await outcomes).map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error).message))).toStrictEqual(['job 0 failed', 1, 2, 3]);
});

it('a freed slot goes to the job that waited, not to one that arrives later', async () => {
	const slots = new Slots(1);
	const started: number[] = [];
	const first = controlledJob(started, 0);
	const waiting = controlledJob(started, 1);
	const late = controlledJob(started, 2);
	const runs = [slots.run(first.job), slots.run(waiting.job)];
	await settle();
	first.finish();
	runs.push(slots.run(late.job));
	await settle();
	expect(started).toStrictEqual([0, 1]);
	waiting.finish();
	await settle();
	late.finish();
	expect(await Promise.all(runs)).toStrictEqual([0, 1, 2]);
});
