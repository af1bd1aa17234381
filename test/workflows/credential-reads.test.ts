/**
 * The node reads its credential once per run and hands it to n8n with every request, instead of letting
 * n8n read and decrypt it from the database for each of them (in a real n8n that was a database query and
 * a decryption per send; see BENCHMARKS.md). Authentication itself still goes through the credential's
 * `authenticate`: every request carries the token and the appsecret_proof.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { PAGE_TOKEN, USERS } from '../fakes/graph';
import { perItemSend } from '../fixtures/sendParameters';
import { HarnessCredentialsHelper } from '../harness';
import { proofFor } from './message.helpers';
import { metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

describe('credential reads', () => {
	const fake = useFakeGraph();
	const original = HarnessCredentialsHelper.prototype.getDecrypted;
	let reads = 0;

	beforeEach(() => {
		reads = 0;
		HarnessCredentialsHelper.prototype.getDecrypted = async function (this: HarnessCredentialsHelper, ...args) {
			reads++;
			return await original.apply(this, args);
		};
	});
	afterEach(() => {
		HarnessCredentialsHelper.prototype.getDecrypted = original;
	});

	for (const batchRequests of [false, true]) {
		it(`60 sends${batchRequests ? ' in batch requests' : ''} read the credential once; every request is authenticated`, async () => {
			fake().clearRequests();
			const recipients = [USERS.alice.id, USERS.bob.id, USERS.chloe.id];
			const items = Array.from({ length: 60 }, (_, i) => ({ json: { to: recipients[i % 3], text: `credential reads ${batchRequests} #${i}` } }));
			const run = await runSocialMessaging(
				metaCredentials(fake()),
				perItemSend({ batchRequests }),
				{ items },
			);
			// run.error?.message
			expect(run.error).toBeUndefined();
			expect(run.items.length).toBe(60);
			// the credential is read once for the run, not once per request
			expect(reads).toBe(1);
			const requests = fake().requests;
			// A batch holds no person twice (their messages stay in order): 60 sends to 3 people make 20 batches.
			expect(requests.length).toBe(batchRequests ? 20 : 60);
			for (const request of requests) {
				expect(request.headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
				expect(request.query.appsecret_proof).toBe(proofFor(PAGE_TOKEN));
			}
		});
	}
});
