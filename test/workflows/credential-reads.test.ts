/**
 * The node reads its credential once per run and hands it to n8n with every request, instead of letting
 * n8n read and decrypt it from the database for each of them (in a real n8n that was a database query and
 * a decryption per send; see BENCHMARKS.md). Authentication itself still goes through the credential's
 * `authenticate`: every request carries the token and the appsecret_proof.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { PAGE_TOKEN, USERS } from '../fakes/graph';
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
		test(`60 sends${batchRequests ? ' in batch requests' : ''} read the credential once; every request is authenticated`, async () => {
			fake().clearRequests();
			const recipients = [USERS.alice.id, USERS.bob.id, USERS.chloe.id];
			const items = Array.from({ length: 60 }, (_, i) => ({ json: { to: recipients[i % 3], text: `credential reads ${batchRequests} #${i}` } }));
			const run = await runSocialMessaging(
				metaCredentials(fake()),
				{
					platform: 'messenger',
					resource: 'message',
					operation: 'send',
					recipientType: 'user',
					recipientId: { __rl: true, mode: 'id', value: '={{ $json.to }}' },
					messageType: 'text',
					text: '={{ $json.text }}',
					options: { batchRequests },
				},
				{ items },
			);
			assert.equal(run.error, undefined, run.error?.message);
			assert.equal(run.items.length, 60);
			assert.equal(reads, 1, 'the credential is read once for the run, not once per request');
			const requests = fake().requests;
			assert.equal(requests.length, batchRequests ? 2 : 60);
			for (const request of requests) {
				assert.equal(request.headers.authorization, `Bearer ${PAGE_TOKEN}`);
				assert.equal(request.query.appsecret_proof, proofFor(PAGE_TOKEN));
			}
		});
	}
});
