/**
 * The Ayrshare option of the Social Messaging API credential: its `test` (GET /messages/autoresponse)
 * proves the API key, the Profile-Key and that messaging is on for the profile, and says which is wrong;
 * `authenticate` sends the Bearer key, the Profile-Key, and the X app keys on X calls only.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { testCredential } from '../harness';
import { PROFILE_KEY, PROFILE_NO_MESSAGING } from '../fakes/ayrshare';
import { assertAyrshareCall, ayrshareCredentials, useFakeAyrshare } from './ayrshare.setup';

const fake = useFakeAyrshare();

beforeEach(() => fake().clearRequests());

describe('Ayrshare credential test', () => {
	it('a working key and profile: one GET /messages/autoresponse with Bearer and Profile-Key', async () => {
		expect(await testCredential(ayrshareCredentials(fake()))).toStrictEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().requests.length).toBe(1);
		assertAyrshareCall(fake().requests[0], { method: 'GET', path: '/messages/autoresponse', profileKey: PROFILE_KEY });
	});

	it('without a Profile-Key it tests the Primary Profile and sends no Profile-Key header', async () => {
		expect((await testCredential(ayrshareCredentials(fake(), { ayrshareProfileKey: '' }))).status).toBe('OK');
		assertAyrshareCall(fake().requests[0], { method: 'GET', path: '/messages/autoresponse', profileKey: null });
	});

	it('messaging not enabled for the profile says how to enable it', async () => {
		const result = await testCredential(ayrshareCredentials(fake(), { ayrshareProfileKey: PROFILE_NO_MESSAGING }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/messaging is not enabled for this profile/);
	});

	for (const [what, overrides] of [
		['a wrong API key', { ayrshareApiKey: 'not-the-key-000' }],
		['an unknown Profile-Key', { ayrshareProfileKey: 'no-such-profile-000' }],
	] as const) {
		it(`${what} says to check the key and the Profile-Key`, async () => {
			const result = await testCredential(ayrshareCredentials(fake(), overrides));
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/Ayrshare refused the API Key or the Profile-Key/);
			expect(!result.message.includes('not-the-key-000') && !result.message.includes('no-such-profile-000')).toBeTruthy();
		});
	}
});
