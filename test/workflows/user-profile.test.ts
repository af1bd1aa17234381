/**
 * User Profile > Get through n8n's engine against the fake Graph API: the exact `GET /{PSID|IGSID}?fields=`
 * on Messenger and on Instagram through both providers, the unified output, unknown fields refused before
 * any request, and Meta's refusals (a permission not granted, Instagram consent missing) explained per field.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { PAGE_ID, USERS } from '../fakes/graph';
import { assertCall } from './account.helpers';
import { INSTAGRAM_LOGIN, INSTAGRAM_PAGE, MESSENGER, assertErrorItem, assertItemError, assertNoError, runOn, type Route } from './message.helpers';
import { byId, useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
});

afterEach(() => {
	delete fake().state.pages.get(PAGE_ID)?.missingPermissions;
	delete fake().state.users.get(USERS.ines.id)?.profileConsent;
});

const profileOf = (route: Route, parameters: Record<string, unknown>, options: Parameters<typeof runOn>[3] = {}) =>
	runOn(fake(), route, { resource: 'userProfile', operation: 'get', userId: byId(route.user), ...parameters } as never, options);

const picture = (id: string) => `${fake().url}/cdn/profiles/${id}.png`;

describe('User Profile > Get on Messenger', () => {
	it('asks for the default fields and outputs them unified', async () => {
		const run = await profileOf(MESSENGER, {});
		assertNoError(run);
		expect(fake().requests.length).toBe(1);
		assertCall(fake().requests[0], { method: 'GET', path: `/${USERS.alice.id}`, token: MESSENGER.token, query: { fields: 'first_name,last_name,profile_pic' } });
		expect(run.items).toStrictEqual([
			{
				json: { id: USERS.alice.id, platform: 'messenger', firstName: 'Alice', lastName: 'Müller', profilePictureUrl: picture(USERS.alice.id) },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('locale and timezone when asked for (and the raw answer with Include Raw)', async () => {
		const run = await profileOf(MESSENGER, { messengerFields: ['first_name', 'locale', 'timezone'], options: { includeRaw: true } });
		assertNoError(run);
		expect(fake().requests[0].query.fields).toBe('first_name,locale,timezone');
		expect(run.items[0].json).toStrictEqual({
			id: USERS.alice.id,
			platform: 'messenger',
			firstName: 'Alice',
			locale: 'de_DE',
			timezone: 2,
			raw: { first_name: 'Alice', locale: 'de_DE', timezone: 2, id: USERS.alice.id },
		});
	});

	it('a field without its permission: the error names the permission each asked-for field needs', async () => {
		fake().state.pages.get(PAGE_ID)!.missingPermissions = ['pages_user_gender'];
		const run = await profileOf(MESSENGER, { messengerFields: ['first_name', 'gender'] });
		expect(run.error).toBeTruthy();
		expect(run.error!.name).toBe('NodeApiError');
		expect(fake().requests[0].status).toBe(400);
		expect(run.error!.description ?? '').toMatch(/first_name: pages_messaging; gender: pages_user_gender \(approved in App Review\)/);
		expect(run.error!.description ?? '').toMatch(/Ask for the missing permission in App Review, or leave those fields out/);
		expect(run.error!.context?.platformErrorCode).toBe(10);
	});

	it('an Instagram-only field through an expression fails before any request; Continue On Fail keeps the other items', async () => {
		const items = [{ json: { fields: ['username'] } }, { json: { fields: ['first_name'] } }];
		const run = await profileOf(MESSENGER, { messengerFields: '={{ $json.fields }}' }, { items, continueOnFail: true });
		assertNoError(run);
		assertErrorItem(run.items[0], 0, /Messenger profiles have no field "username"/);
		expect(run.items[1].json).toStrictEqual({ id: USERS.alice.id, platform: 'messenger', firstName: 'Alice' });
		expect(fake().requests.length).toBe(1);
	});

	it('an empty user ID fails before any request', async () => {
		const run = await profileOf(MESSENGER, { userId: byId('={{ $json.missing }}') });
		assertItemError(run.error, 0, /No user ID for this item/);
		expect(fake().requests.length).toBe(0);
	});
});

describe('User Profile > Get on Instagram', () => {
	for (const route of [INSTAGRAM_PAGE, INSTAGRAM_LOGIN]) {
		it(`${route.label}: every Instagram field by default`, async () => {
			const run = await profileOf(route, {});
			assertNoError(run);
			assertCall(fake().requests[0], {
				method: 'GET',
				path: `/${USERS.ines.id}`,
				token: route.token,
				query: { fields: 'name,username,profile_pic,follower_count,is_verified_user,is_user_follow_business,is_business_follow_user' },
			});
			expect(run.items[0].json).toStrictEqual({
				id: USERS.ines.id,
				platform: 'instagram',
				name: 'Inés García',
				username: 'ines.garcia',
				profilePictureUrl: picture(USERS.ines.id),
				followerCount: 230,
				isVerifiedUser: false,
				followsAccount: true,
				followedByAccount: false,
			});
		});
	}

	it('no consent yet (code 230): the error says the person must message first, and the permission of each field', async () => {
		fake().state.users.get(USERS.ines.id)!.profileConsent = false;
		const run = await profileOf(INSTAGRAM_LOGIN, { instagramFields: ['username'] });
		expect(run.error).toBeTruthy();
		expect(run.error!.context?.platformErrorCode).toBe(230);
		expect(run.error!.description ?? '').toMatch(/username: instagram_business_manage_messages/);
		expect(run.error!.description ?? '').toMatch(/code 230 means that consent is missing/);
	});
});
