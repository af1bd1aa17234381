/**
 * The trigger's POST endpoint under random deliveries (issue 13, fast-check): random bytes, random
 * JSON and mutated real deliveries, each sent unsigned, with a random or wrongly keyed signature,
 * signed and then tampered with, with the old SHA-1 header, or correctly signed. Nothing unsigned or
 * forged starts an execution (401 / 403), webhook() never throws, and correctly signed bodies of any
 * shape are answered 200.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';

import fc from 'fast-check';

import { APP_SECRET, metaJson, signature256, startFakeGraph, type FakeGraph } from '../fakes/graph';
import { jsonPaths, replaceAt, richDelivery } from '../fakes/graph/malformed';
import type { TriggerHarness } from '../harness/webhook';
import { metaCredentials } from './setup';
import { Triggers, until } from './trigger-setup';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

let fake: FakeGraph;
let harness: TriggerHarness;
const triggers = new Triggers();

beforeAll(async () => {
	fake = await startFakeGraph();
	harness = await triggers.start({
		credentials: metaCredentials(fake),
		parameters: { platform: 'messenger', events: ['message', 'quick_reply', 'postback', 'read', 'delivery', 'reaction', 'edit', 'optin', 'referral', 'handover'], options: { includeEchoes: true } },
		requireActivation: false,
	});
});
afterAll(async () => {
	await triggers.closeAll();
	await fake.close();
});

type Mode = 'unsigned' | 'random' | 'otherSecret' | 'tampered' | 'sha1' | 'signed';
const FORGED: Mode[] = ['unsigned', 'random', 'otherSecret', 'tampered', 'sha1'];

let tag = 0;
/** A body: random bytes, random JSON, or a real delivery (unique ids, so no dedupe) with one node replaced. */
const bodies = fc.oneof(
	fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
	fc.jsonValue({ maxDepth: 5 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
	fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([index, value]) => {
		const delivery = richDelivery(`fuzz-${++tag}`, 1714554000000 + tag * 1000);
		const paths = jsonPaths(delivery);
		return Buffer.from(metaJson(replaceAt(delivery, paths[index % paths.length], value)));
	}),
	fc.constant(null).map(() => Buffer.from(metaJson(richDelivery(`fuzz-${++tag}`, 1714554000000 + tag * 1000)))),
);

function headerFor(mode: Mode, body: Buffer, noise: string): { header?: string; sent: Buffer } {
	switch (mode) {
		case 'unsigned':
			return { sent: body };
		case 'random':
			return { header: `sha256=${createHmac('sha256', noise).update('x').digest('hex')}`, sent: body };
		case 'otherSecret':
			return { header: signature256(`${APP_SECRET}${noise}x`, body), sent: body };
		case 'tampered': {
			const sent = body.length ? Buffer.from(body) : Buffer.from(' ');
			if (body.length) sent[noise.length % sent.length] ^= 0x20;
			return { header: signature256(APP_SECRET, body), sent };
		}
		case 'sha1':
			return { header: `sha1=${createHmac('sha1', APP_SECRET).update(body).digest('hex')}`, sent: body };
		case 'signed':
			return { header: signature256(APP_SECRET, body), sent: body };
	}
}

describe('random deliveries to the trigger', () => {
	it(`${RUNS} random deliveries: forged ones never start an execution, none makes webhook() throw`, async () => {
		const tally: Record<string, number> = {};
		await fc.assert(
			fc.asyncProperty(bodies, fc.constantFrom<Mode>(...FORGED, 'signed'), fc.string({ maxLength: 12 }), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), async (body, mode, noise, contentType) => {
				const { header, sent } = headerFor(mode, body, noise);
				const before = harness.executions.length;
				const response = await harness.request('POST', undefined, {
					headers: { 'content-type': contentType, ...(header ? { 'x-hub-signature-256': header } : {}) },
					body: sent,
				});
				await until(() => harness.runs.length >= harness.executions.length, 'the executions to finish');
				const call = harness.calls.at(-1);
				// webhook() threw: ${call?.error?.message}
				expect(call?.outcome).not.toBe('nodeError');
				const started = harness.executions.length - before;
				tally[`${mode} ${response.status}`] = (tally[`${mode} ${response.status}`] ?? 0) + 1;
				if (call?.outcome === 'badRequest') {
					// n8n's own JSON parser refused the body (422) before the trigger saw it: only for bodies that are not JSON.
					expect(contentType).toBe('application/json');
					expect(() => JSON.parse(sent.toString('utf8'))).toThrow();
					expect(started).toBe(0);
				} else if (FORGED.includes(mode)) {
					// a ${mode} delivery started an execution
					expect(started).toBe(0);
					// a ${mode} delivery was answered ${response.status}
					expect([401, 403]).toContain(response.status);
				} else {
					// a signed delivery was answered ${response.status}
					expect(response.status).toBe(200);
				}
			}),
			{ numRuns: RUNS, seed: 1331 },
		);
		// Every mode was really tried.
		for (const mode of [...FORGED, 'signed']) expect(Object.keys(tally).some((key) => key.startsWith(`${mode} `))).toBeTruthy(); // ${mode} was never tried: ${JSON.stringify(tally)}
	});
});
