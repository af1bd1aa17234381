/**
 * Notification messages through n8n's engine against the fake Graph API: the opt-in request
 * (`notification_messages` template) sent exactly and checked before any request, the token's details in
 * the trigger's parser, and sends with the token: once per period, and expired / used-up / stopped tokens
 * failing with what to do (never retried).
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { PAGE_ID, USERS } from '../fakes/graph';
import { optIn } from '../fakes/graph/routes/notifications';
import { parseDelivery } from '../../nodes/platforms/meta/webhook';
import { INSTAGRAM_PAGE, MESSENGER, assertItemError, assertNoError, sendOn, sendsExactly } from './message.helpers';
import { useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
	fake().state.now = () => Date.now();
});

const optInRequest = (extra: Record<string, unknown> = {}) => ({
	messageType: 'template',
	templateType: 'notificationOptIn',
	optInTitle: 'Updates on your order',
	optInPayload: 'ORDER_42',
	...extra,
});

describe('Notification opt-in request', () => {
	it('sends the notification_messages template with the defaults', async () => {
		await sendsExactly(fake(), MESSENGER, optInRequest(), {
			attachment: { type: 'template', payload: { template_type: 'notification_messages', title: 'Updates on your order', payload: 'ORDER_42', notification_messages_frequency: 'WEEKLY' } },
		});
	});

	it('image, time zone, button text and re-opt-in when given', async () => {
		await sendsExactly(
			fake(),
			MESSENGER,
			optInRequest({ optInFrequency: 'DAILY', optInDetails: { imageUrl: 'https://example.com/parcel.png', timezone: 'Europe/Berlin', ctaText: 'GET', reoptin: true } }),
			{
				attachment: {
					type: 'template',
					payload: {
						template_type: 'notification_messages',
						title: 'Updates on your order',
						payload: 'ORDER_42',
						notification_messages_frequency: 'DAILY',
						image_url: 'https://example.com/parcel.png',
						notification_messages_timezone: 'Europe/Berlin',
						notification_messages_cta_text: 'GET',
						notification_messages_reoptin: 'ENABLED',
					},
				},
			},
		);
	});

	const refused: Array<[string, Record<string, unknown>, RegExp]> = [
		['a title over 65 characters', { optInTitle: 'x'.repeat(66) }, /opt-in title is 66 characters long; Meta allows 65/],
		['no payload', { optInPayload: '={{ "" }}' }, /has no payload/],
		['a time zone that is not one', { optInDetails: { timezone: 'Berlin' } }, /"Berlin" is not a time zone/],
		['a frequency Meta does not know', { optInFrequency: '={{ "HOURLY" }}' }, /"HOURLY" is not a notification frequency/],
	];
	for (const [what, extra, message] of refused) {
		it(`${what}: fails before any request`, async () => {
			const run = await sendOn(fake(), MESSENGER, optInRequest(extra));
			assertItemError(run.error, 0, message);
			expect(fake().requests.length).toBe(0);
		});
	}

	it('on Instagram (reached through an expression) it fails before any request', async () => {
		const run = await sendOn(fake(), INSTAGRAM_PAGE, optInRequest({ platform: '={{ "instagram" }}' }));
		assertItemError(run.error, 0, /Notification opt-in requests are a Messenger feature/);
		expect(fake().requests.length).toBe(0);
	});
});

describe('The opt-in in the trigger', () => {
	it('token, frequency, expiry, token status and stop status come out of the webhook', () => {
		const expiry = Date.UTC(2027, 5, 1);
		const { events } = parseDelivery({
			object: 'page',
			entry: [
				{
					id: PAGE_ID,
					time: 1,
					messaging: [
						{
							sender: { id: USERS.alice.id },
							recipient: { id: PAGE_ID },
							timestamp: 1,
							optin: {
								type: 'notification_messages',
								payload: 'ORDER_42',
								notification_messages_token: 'NMT-1',
								notification_messages_frequency: 'WEEKLY',
								notification_messages_timezone: 'Europe/Berlin',
								token_expiry_timestamp: expiry,
								user_token_status: 'REFRESHED',
								notification_messages_status: 'STOP_NOTIFICATIONS',
								title: 'Order updates',
							},
						},
					],
				},
			],
		});
		expect(events.length).toBe(1);
		expect(events[0].notificationOptIn).toStrictEqual({
			token: 'NMT-1',
			frequency: 'WEEKLY',
			timezone: 'Europe/Berlin',
			expiresAt: new Date(expiry).toISOString(),
			tokenStatus: 'REFRESHED',
			status: 'STOP_NOTIFICATIONS',
			payload: 'ORDER_42',
			title: 'Order updates',
		});
	});

	it('a checkbox opt-in has no notification details', () => {
		const { events } = parseDelivery({ object: 'page', entry: [{ id: PAGE_ID, time: 1, messaging: [{ recipient: { id: PAGE_ID }, timestamp: 1, optin: { ref: 'box', user_ref: 'u1' } }] }] });
		expect(events[0].notificationOptIn).toBeUndefined();
	});
});

describe('Sending with the token', () => {
	const notify = (token: string, text: string, options: Parameters<typeof sendOn>[3] = {}) =>
		sendOn(fake(), MESSENGER, { recipientType: 'notificationToken', recipientHandle: token, messageType: 'text', text, options: { messagingType: 'UTILITY' } }, options);

	it('once per period: the second message in the same week fails with what to do, without a retry', async () => {
		const { token } = optIn(fake().state, USERS.alice.id, 'WEEKLY');
		assertNoError(await notify(token, 'Your order shipped'));
		expect(fake().requests[0].body).toStrictEqual({ recipient: { notification_messages_token: token }, messaging_type: 'UTILITY', message: { text: 'Your order shipped' } });
		fake().clearRequests();
		const second = await notify(token, 'It is out for delivery');
		expect(second.error).toBeTruthy();
		// a used-up token is not a rate limit: no retry
		expect(fake().requests.length).toBe(1);
		expect(second.error!.message).toBe('This notification token was already used in its current period');
		expect(second.error!.description ?? '').toMatch(/already used in its current period: the next message can go out once the period/);
		expect(second.error!.context?.platformErrorSubcode).toBe(2018354);

		fake().state.now = () => Date.now() + 8 * 24 * 3600_000;
		assertNoError(await notify(token, 'Delivered'));
	});

	it('an expired token says so and how to get a new one', async () => {
		const { token } = optIn(fake().state, USERS.alice.id, 'DAILY', 1000);
		fake().state.now = () => Date.now() + 2000;
		const run = await notify(token, 'Too late');
		expect(run.error).toBeTruthy();
		expect(run.error!.description ?? '').toMatch(/^The notification token has expired\. .*ask again with a Notification Opt-In Request inside the 24-hour window/);
	});

	it('a stopped token says the person turned notifications off; Continue On Fail keeps the other items', async () => {
		const stopped = optIn(fake().state, USERS.alice.id, 'DAILY');
		fake().state.notificationTokenDetails.get(stopped.token)!.stopped = true;
		const fine = optIn(fake().state, USERS.bob.id, 'DAILY');
		const items = [{ json: { token: stopped.token } }, { json: { token: fine.token } }];
		const run = await sendOn(
			fake(),
			MESSENGER,
			{ recipientType: 'notificationToken', recipientHandle: '={{ $json.token }}', messageType: 'text', text: 'Sale!' },
			{ items, continueOnFail: true },
		);
		assertNoError(run);
		expect(String(run.items[0].json.errorDescription)).toMatch(/^The person has stopped notification messages from your Page\./);
		expect(run.items[1].json.recipientId).toBe(USERS.bob.id);
	});

	it('the same hint comes with batch requests', async () => {
		const { token } = optIn(fake().state, USERS.chloe.id, 'MONTHLY');
		fake().state.notificationTokenDetails.get(token)!.lastSentAt = Date.now();
		const items = [{ json: {} }, { json: {} }];
		const run = await sendOn(
			fake(),
			MESSENGER,
			{ recipientType: 'notificationToken', recipientHandle: token, messageType: 'text', text: '={{ "batched " + $itemIndex }}', options: { batchRequests: true } },
			{ items, continueOnFail: true },
		);
		assertNoError(run);
		expect(run.items[0].json.error).toBe('This notification token was already used in its current period');
		expect(run.items[0].json.errorCode).toBe(4);
		expect(String(run.items[0].json.errorDescription)).toMatch(/^This token was already used in its current period/);
		expect(run.items[1].json.error).toBe('This notification token was already used in its current period');
	});
});
