/**
 * The Social Messaging Trigger on X beyond messages, against the fake X server: Read and Typing (one X
 * Activity API subscription per event type, same tag, exact checkExists, own-only removal), their
 * deliveries as unified read / typing items, and Download Attachments (each attachment of a dm.received
 * fetched with GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id} into binary data; a failed
 * download keeps the item with the reason). Every request must be valid under X's OpenAPI (useFakeX checks).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { ALICE_IMAGE_BYTES, ALICE_IMAGE_KEY, ME, X_API_KEY, X_USERS, activityPayload, mediaUrl } from '../fakes/x';
import { Triggers, itemsOf, settled } from './trigger-setup';
import { assertNoSecretIn, assertSigned, useFakeX, xCredentials } from './x.helpers';

const fake = useFakeX();
const triggers = new Triggers();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
	fake().state.webhooks.clear();
	fake().state.subscriptions.clear();
	fake().limits.reset();
});
afterEach(async () => await triggers.closeAll());

const { alice } = X_USERS;
const IMAGE_ID = '1500000000000000001';
const subscriptions = () => [...fake().state.subscriptions.values()];

async function activated(parameters: IDataObject = {}) {
	const harness = await triggers.start({ credentials: xCredentials(fake()), parameters: { platform: 'x', events: ['message'], ...parameters } });
	await harness.activate();
	return harness;
}

function sent(): string[] {
	return fake().requests.map((call) => `${call.caller === 'bearer' ? 'app' : 'user'} ${call.method} ${call.path}`);
}

describe('X trigger: Read and Typing subscriptions', () => {
	it('Message, Read and Typing subscribe dm.received, dm.read and dm.indicate_typing, one each with the same tag; deactivation removes the three', async () => {
		const harness = await activated({ events: ['message', 'read', 'typing'] });
		expect(sent().slice(-4)).toStrictEqual(['app GET /2/activity/subscriptions', 'user POST /2/activity/subscriptions', 'user POST /2/activity/subscriptions', 'user POST /2/activity/subscriptions']);
		const creations = fake().calls('POST /2/activity/subscriptions');
		creations.forEach(assertSigned);
		const webhookId = [...fake().state.webhooks.values()][0].id;
		const tag = `n8n workflow ${triggers.workflowIdOf(harness)} (Trigger harness workflow)`;
		expect(creations.map((call) => call.json)).toStrictEqual(
			['dm.received', 'dm.read', 'dm.indicate_typing'].map((type) => ({ event_type: type, filter: { user_id: ME.id }, tag, webhook_id: webhookId })),
		);
		const ids = Object.fromEntries(subscriptions().map((entry) => [entry.eventType, entry.id]));
		expect((harness.nodeStaticData().xActivity as IDataObject).subscriptions).toStrictEqual(ids);

		fake().clearRequests();
		await harness.deactivate();
		expect(sent()).toStrictEqual([
			'app GET /2/activity/subscriptions',
			`app DELETE /2/activity/subscriptions/${ids['dm.received']}`,
			`app DELETE /2/activity/subscriptions/${ids['dm.read']}`,
			`app DELETE /2/activity/subscriptions/${ids['dm.indicate_typing']}`,
			'app GET /2/webhooks',
			`app DELETE /2/webhooks/${webhookId}`,
		]);
		expect(subscriptions()).toStrictEqual([]);
	});

	it('Read alone subscribes dm.read only; checkExists is exact per event type; turning Typing on and Read off changes only those', async () => {
		const first = await activated({ events: ['read'] });
		expect(subscriptions().map((entry) => entry.eventType)).toStrictEqual(['dm.read']);
		const readId = subscriptions()[0].id;

		fake().clearRequests();
		const again = await triggers.restart(first);
		await again.activate();
		expect(sent()).toStrictEqual(['app GET /2/webhooks', 'app GET /2/activity/subscriptions']);

		// Removed on X: checkExists sees it and activation creates just that again.
		fake().state.subscriptions.delete(readId);
		fake().clearRequests();
		const third = await triggers.restart(again);
		await third.activate();
		expect(fake().calls('POST /2/activity/subscriptions').map((call) => (call.json as IDataObject).event_type)).toStrictEqual(['dm.read']);

		const fourth = await triggers.restart(third, { parameters: { platform: 'x', events: ['typing'] } });
		await fourth.activate();
		expect(subscriptions().map((entry) => entry.eventType)).toStrictEqual(['dm.indicate_typing']);
		expect(Object.keys((fourth.nodeStaticData().xActivity as IDataObject).subscriptions as IDataObject)).toStrictEqual(['dm.indicate_typing']);
	});

	it('deactivation leaves another workflow\'s dm.read subscription of the same account', async () => {
		fake().state.webhooks.set('1890000000000000009', { id: '1890000000000000009', url: 'https://other.example.com/webhook', valid: true, createdAt: Date.now(), consumerKey: X_API_KEY });
		fake().state.subscriptions.set('1890000000000000010', { id: '1890000000000000010', eventType: 'dm.read', userId: ME.id, webhookId: '1890000000000000009', consumerKey: X_API_KEY, createdAt: Date.now() });
		const harness = await activated({ events: ['read', 'typing'] });
		expect(subscriptions().length).toBe(3);
		await harness.deactivate();
		expect(subscriptions().map((entry) => entry.id)).toStrictEqual(['1890000000000000010']);
	});
});

describe('X trigger: read and typing deliveries', () => {
	it('a dm.read becomes a read item like Meta\'s (watermark, last message read); the account\'s own read starts nothing', async () => {
		const harness = await activated({ events: ['read'] });
		const lastMine = fake().state.events.find((event) => event.senderId === ME.id)!;
		const [result] = await fake().deliverSignal({ eventType: 'dm.read', from: alice.id, to: ME.id, lastReadEventId: lastMine.id, uuid: 'uuid-read-1' });
		await settled(harness);
		expect(result.status).toBe(200);
		const [item] = itemsOf(harness);
		expect(item).toStrictEqual({
			type: 'read',
			platform: 'x',
			accountId: ME.id,
			conversationKey: `${ME.id}:${alice.id}`,
			attachments: [],
			timestamp: item.timestamp,
			sender: { id: alice.id, name: alice.name, username: alice.username, profilePictureUrl: alice.profileImageUrl },
			recipient: { id: ME.id, name: ME.name, username: ME.username, profilePictureUrl: fake().state.users.get(ME.id)!.profileImageUrl },
			watermark: item.timestamp,
			messageId: lastMine.id,
		});
		expect(Number.isNaN(Date.parse(String(item.timestamp)))).toBe(false);
		// Redelivered: once. The account reading Alice's messages: no event.
		await fake().deliverSignal({ eventType: 'dm.read', from: alice.id, to: ME.id, uuid: 'uuid-read-1' });
		await fake().deliverSignal({ eventType: 'dm.read', from: ME.id, to: alice.id, uuid: 'uuid-read-2' });
		await settled(harness);
		expect(harness.executions.length).toBe(1);
	});

	it('a dm.indicate_typing becomes a typing item; messages are not emitted when only Typing is chosen', async () => {
		const harness = await activated({ events: ['typing'] });
		expect(await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Not subscribed' })).toStrictEqual([]);
		await fake().deliverSignal({ eventType: 'dm.indicate_typing', from: alice.id, to: ME.id, uuid: 'uuid-typing-1' });
		await settled(harness);
		expect(harness.executions.length).toBe(1);
		const [item] = itemsOf(harness);
		expect([item.type, item.conversationKey, (item.sender as IDataObject).id, item.watermark, item.messageId]).toStrictEqual(['typing', `${ME.id}:${alice.id}`, alice.id, undefined, undefined]);
		// A read delivered to this URL anyway (no Read in Trigger On) starts nothing.
		await fake().deliverSignal({ eventType: 'dm.read', from: alice.id, to: ME.id });
		await settled(harness);
		expect(harness.executions.length).toBe(1);
	});
});

const DOWNLOAD = 'GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}';

describe('X trigger: Download Attachments, X\'s description as it is (OAuth 2.0 user tokens only)', () => {
	it('X refusing the OAuth 1.0a download keeps the item and says that X wants an OAuth 2.0 user token', async () => {
		const harness = await activated({ options: { downloadAttachments: true } });
		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'This one', mediaKeys: [ALICE_IMAGE_KEY] });
		await settled(harness);
		const [download] = fake().calls(DOWNLOAD);
		assertSigned(download);
		expect(download.status).toBe(403);
		const [item] = harness.executions[0][0];
		expect(item.binary).toBeUndefined();
		expect((item.json.attachments as IDataObject[])[0].downloadError).toMatch(/only OAuth 2\.0 user tokens \(scope dm\.read\)/);
	});
});

describe('X trigger: Download Attachments (the fake told to take OAuth 1.0a for the download too)', () => {
	const downloadPath = (eventId: string) => `/2/dm_conversations/media/${eventId}/${IMAGE_ID}/media`;
	beforeEach(() => {
		fake().oauth1Also.add(DOWNLOAD);
	});
	afterEach(() => fake().oauth1Also.clear());

	it('puts each attachment of a dm.received on the item as binary data, fetched from X with the user context', async () => {
		const harness = await activated({ options: { downloadAttachments: true } });
		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'This one', mediaKeys: [ALICE_IMAGE_KEY] });
		await settled(harness);
		const event = fake().state.events[0];
		const [download] = fake().calls(DOWNLOAD);
		expect(download.path).toBe(downloadPath(event.id));
		expect(download.query).toStrictEqual({});
		assertSigned(download);
		expect(download.status).toBe(200);
		const [item] = harness.executions[0][0];
		expect(item.json.attachments).toStrictEqual([{ type: 'image', id: IMAGE_ID, url: mediaUrl(event, fake().state.media.get(IMAGE_ID)!), binaryProperty: 'attachment_0' }]);
		expect(Object.keys(item.binary ?? {})).toStrictEqual(['attachment_0']);
		const file = item.binary!.attachment_0;
		expect(Buffer.from(file.data, 'base64')).toStrictEqual(ALICE_IMAGE_BYTES);
		expect([file.mimeType, file.fileName, file.fileExtension]).toStrictEqual(['image/jpeg', 'media.jpg', 'jpg']);
		assertNoSecretIn(harness.calls);
	});

	it('off by default: nothing is downloaded and the item has no binary data', async () => {
		const harness = await activated();
		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'This one', mediaKeys: [ALICE_IMAGE_KEY] });
		await settled(harness);
		expect(fake().calls(DOWNLOAD)).toStrictEqual([]);
		expect(harness.executions[0][0][0].binary).toBeUndefined();
	});

	it('a download X refuses (404 for an unknown media id) keeps the item with the reason; the workflow still starts', async () => {
		const harness = await activated({ options: { downloadAttachments: true } });
		const event = { id: '1800000000000099101', eventType: 'MessageCreate' as const, conversationId: `${alice.id}-${ME.id}`, senderId: alice.id, createdAt: Date.now(), text: 'Gone', mediaKeys: [ALICE_IMAGE_KEY] };
		// The event is not in the conversation on X's side: its media is unknown there.
		await fake().deliver(harness.webhookUrl, activityPayload(fake().state, { eventType: 'dm.received', accountId: ME.id, event, recipientId: ME.id, uuid: 'uuid-404' }));
		await settled(harness);
		const [download] = fake().calls(DOWNLOAD);
		expect([download.path, download.status]).toStrictEqual([downloadPath(event.id), 404]);
		const [item] = harness.executions[0][0];
		expect(item.binary).toBeUndefined();
		const [attachment] = item.json.attachments as IDataObject[];
		expect(attachment.binaryProperty).toBeUndefined();
		expect(attachment.downloadError).toMatch(/Could not find the requested media/);
		expect(item.json.text).toBe('Gone');
	});

	it('a file past the 25 MB bound is not kept; a server error is tried again; no media URL says so', async () => {
		const harness = await activated({ options: { downloadAttachments: true } });
		const media = fake().state.media.get(IMAGE_ID)!;
		const original = media.bytes;
		media.bytes = Buffer.alloc(25 * 1024 * 1024 + 1, 1);
		try {
			await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Big', mediaKeys: [ALICE_IMAGE_KEY] });
			await settled(harness);
		} finally {
			media.bytes = original;
		}
		const big = (harness.executions[0][0][0].json.attachments as IDataObject[])[0];
		expect(big.downloadError).toMatch(/larger than 25 MB/);
		expect(harness.executions[0][0][0].binary).toBeUndefined();

		fake().clearRequests();
		fake().failNext(DOWNLOAD, { status: 503, body: { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 } });
		await fake().deliverDm({ from: alice.id, to: ME.id, text: 'Retry', mediaKeys: [ALICE_IMAGE_KEY] });
		await settled(harness);
		expect(fake().calls(DOWNLOAD).map((call) => call.status)).toStrictEqual([503, 200]);
		expect(Buffer.from(harness.executions[1][0][0].binary!.attachment_0.data, 'base64')).toStrictEqual(ALICE_IMAGE_BYTES);

		const noUrl = { id: '1800000000000099102', eventType: 'MessageCreate' as const, conversationId: `${alice.id}-${ME.id}`, senderId: alice.id, createdAt: Date.now(), text: 'Odd' };
		const payload = activityPayload(fake().state, { eventType: 'dm.received', accountId: ME.id, event: noUrl, recipientId: ME.id, uuid: 'uuid-nourl' }) as { data: { payload: { direct_message_events: Array<{ message_create: { message_data: IDataObject } }> } } };
		payload.data.payload.direct_message_events[0].message_create.message_data.attachment = { type: 'media', media: { id_str: IMAGE_ID, type: 'photo' } };
		await fake().deliver(harness.webhookUrl, payload);
		await settled(harness);
		expect((harness.executions[2][0][0].json.attachments as IDataObject[])[0].downloadError).toMatch(/no media URL/);
	});
});
