/**
 * The Graph API version: v25.0 when the credential names none (Meta's v23.0 expires 2027-10-08), and the
 * credential's choice otherwise, for node requests and the credential test alike.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { USERS } from '../fakes/graph';
import { assertNoError } from './message.helpers';
import { byId, metaCredentials, runSocialMessaging, useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => fake().clearRequests());

const send = (graphApiVersion: string | undefined) => {
	const credentials = metaCredentials(fake());
	if (graphApiVersion === undefined) delete (credentials as Record<string, unknown>).graphApiVersion;
	else credentials.graphApiVersion = graphApiVersion;
	return runSocialMessaging(credentials, { platform: 'messenger', resource: 'message', operation: 'send', recipientId: byId(USERS.alice.id), messageType: 'text', text: 'version check' });
};

describe('Graph API version', () => {
	for (const [label, value] of [['absent', undefined], ['empty', '']] as const) {
		it(`${label} in the credential: requests go to v25.0`, async () => {
			assertNoError(await send(value));
			expect(fake().requests[0].version).toBe('v25.0');
		});
	}

	it('a version the credential names is used as it is, e.g. the newer v26.0', async () => {
		assertNoError(await send('v26.0'));
		expect(fake().requests[0].version).toBe('v26.0');
	});
});
