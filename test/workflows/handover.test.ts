/**
 * Handover > Pass / Take / Request Thread Control and Get Thread Owner through n8n's engine against the
 * fake Graph API: the exact requests on Messenger and on Instagram through its Page, the default target
 * (the Page inbox), what the fake then refuses (a send while another app owns the thread), validation
 * before any request, and Instagram Login refused before any request.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { APP_ID, PAGE_ID, PAGE_TOKEN, USERS } from '../fakes/graph';
import { assertCall } from './account.helpers';
import { INSTAGRAM_LOGIN, INSTAGRAM_PAGE, MESSENGER, assertErrorItem, assertItemError, assertNoError, runOn, sendOn, type Route } from './message.helpers';
import { byId, useFakeGraph } from './setup';

const PAGE_INBOX = '263902037430900';
const fake = useFakeGraph();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
	fake().state.threadOwners.clear();
	fake().state.threadControlRequests.length = 0;
});

const handover = (route: Route, operation: string, parameters: Record<string, unknown> = {}, options: Parameters<typeof runOn>[3] = {}) =>
	runOn(fake(), route, { resource: 'handover', operation, userId: byId(route.user), ...parameters } as never, options);

for (const route of [MESSENGER, INSTAGRAM_PAGE]) {
	describe(`Handover on ${route.label}`, () => {
		it('Pass Thread Control hands the conversation to the Page inbox by default, with metadata', async () => {
			const run = await handover(route, 'passThreadControl', { handoverMetadata: 'refund question' });
			assertNoError(run);
			expect(fake().requests.length).toBe(1);
			assertCall(fake().requests[0], {
				method: 'POST',
				path: `/${PAGE_ID}/pass_thread_control`,
				token: PAGE_TOKEN,
				body: { recipient: { id: route.user }, target_app_id: PAGE_INBOX, metadata: 'refund question' },
			});
			expect(run.items).toStrictEqual([{ json: { platform: route.platform, userId: route.user, targetAppId: PAGE_INBOX, success: true }, pairedItem: { item: 0 } }]);
			expect(fake().state.threadOwners.get(route.user)).toBe(PAGE_INBOX);
		});

		it('while the inbox owns the thread a send is refused with the handover explanation; Take Thread Control gives it back', async () => {
			fake().state.threadOwners.set(route.user, PAGE_INBOX);
			const refused = await sendOn(fake(), route, { messageType: 'text', text: 'bot reply' });
			expect(refused.error).toBeTruthy();
			expect(refused.error!.message).toBe('Another app controls this conversation');
			expect(refused.error!.description ?? '').toMatch(/Take thread control first/);

			fake().clearRequests();
			const owner = await handover(route, 'getThreadOwner');
			assertNoError(owner);
			assertCall(fake().requests[0], { method: 'GET', path: `/${PAGE_ID}/thread_owner`, token: PAGE_TOKEN, query: { recipient: route.user } });
			expect(owner.items[0].json).toStrictEqual({ platform: route.platform, userId: route.user, threadOwnerAppId: PAGE_INBOX });

			fake().clearRequests();
			const taken = await handover(route, 'takeThreadControl', { handoverMetadata: 'bot is back' });
			assertNoError(taken);
			assertCall(fake().requests[0], { method: 'POST', path: `/${PAGE_ID}/take_thread_control`, token: PAGE_TOKEN, body: { recipient: { id: route.user }, metadata: 'bot is back' } });
			expect(taken.items[0].json).toStrictEqual({ platform: route.platform, userId: route.user, success: true });
			expect(fake().state.threadOwners.get(route.user)).toBe(APP_ID);
			assertNoError(await sendOn(fake(), route, { messageType: 'text', text: 'bot reply again' }));
		});

		it('Request Thread Control asks the owner to pass it back', async () => {
			fake().state.threadOwners.set(route.user, PAGE_INBOX);
			const run = await handover(route, 'requestThreadControl');
			assertNoError(run);
			assertCall(fake().requests[0], { method: 'POST', path: `/${PAGE_ID}/request_thread_control`, token: PAGE_TOKEN, body: { recipient: { id: route.user } } });
			expect(fake().state.threadControlRequests).toStrictEqual([{ userId: route.user, appId: APP_ID, metadata: undefined }]);
		});
	});
}

describe('Handover validation', () => {
	it('a target that is not an app ID, an empty one, or metadata over 1000 characters fail before any request; the others go out', async () => {
		const items = [{ json: { target: 'inbox' } }, { json: { target: '' } }, { json: { target: PAGE_INBOX, metadata: 'x'.repeat(1001) } }, { json: { target: PAGE_INBOX } }];
		const run = await handover(MESSENGER, 'passThreadControl', { targetAppId: '={{ $json.target }}', handoverMetadata: '={{ $json.metadata ?? "" }}' }, { items, continueOnFail: true });
		assertNoError(run);
		assertErrorItem(run.items[0], 0, /Target app "inbox" is not an app ID/);
		assertErrorItem(run.items[1], 1, /No target app to pass the conversation to/);
		assertErrorItem(run.items[2], 2, /Metadata is 1001 characters long; Meta allows 1000/);
		expect(run.items[3].json.success).toBe(true);
		expect(fake().requests.length).toBe(1);
	});

	it('passing a thread the app does not own answers the handover error', async () => {
		fake().state.threadOwners.set(USERS.alice.id, PAGE_INBOX);
		const run = await handover(MESSENGER, 'passThreadControl');
		expect(run.error).toBeTruthy();
		expect(run.error!.context?.platformErrorSubcode).toBe(2018300);
		expect(run.error!.message).toBe('Another app controls this conversation');
	});

	for (const operation of ['passThreadControl', 'takeThreadControl', 'requestThreadControl', 'getThreadOwner']) {
		it(`${operation} with Instagram Login fails before any request and names the provider to use`, async () => {
			const run = await handover(INSTAGRAM_LOGIN, operation);
			assertItemError(run.error, 0, /Handover is not available with Instagram Login/);
			expect(run.error?.description ?? '').toMatch(/Meta Graph API credential/);
			expect(fake().requests.length).toBe(0);
		});
	}
});
