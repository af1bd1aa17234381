/**
 * Message > Send on X through n8n's real engine against the fake X API: to a user ID, an @username, an
 * existing conversation and a new group; text limits; one image, GIF or video from a URL or from n8n
 * binary data (simple upload, or chunked with STATUS polling); validation before any request and Continue
 * On Fail. Each test checks the exact requests and the items.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { GROUP_ID, ME, X_USERS, startFakeX, type RecordedXRequest } from '../fakes/x';
import { assertCall, assertNoError, assertNoSecretIn, assertSigned, runX, useFakeX, xCredentials, type XRun } from './x.helpers';

const fake = useFakeX({ rateLimits: { dmSend: { limit: 1000, windowMs: 900_000 } }, checkAfterSecs: 1 });
beforeEach(() => fake().clearRequests());

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(64, 1)]);
/** A little over 4 MB: two segments of the chunked upload. */
const MP4 = Buffer.concat([Buffer.from('00000018667479706d703432', 'hex'), Buffer.alloc(4 * 1024 * 1024 + 500, 9)]);

const sendPath = (userId: string) => `/2/dm_conversations/with/${userId}/messages`;

/** The Send item: ids from X's 201, sentAt during the run, the recipient when it was one person. */
function assertSent(run: XRun, call: RecordedXRequest, itemIndex = 0, recipientId?: string): void {
	const data = (call.response as { data: IDataObject }).data;
	expect(call.status).toBe(201);
	const { sentAt, ...rest } = run.items[itemIndex].json;
	const expected: IDataObject = { platform: 'x', messageId: data.dm_event_id, conversationId: data.dm_conversation_id };
	if (recipientId) expected.recipientId = recipientId;
	expect(rest).toStrictEqual(expected);
	const at = Date.parse(String(sentAt));
	expect(at >= run.startedAt && at <= run.finishedAt).toBeTruthy();
	expect(run.items[itemIndex].pairedItem).toStrictEqual({ item: itemIndex });
}

function assertItemError(run: XRun, pattern: RegExp): void {
	// the node did not fail
	expect(run.error).toBeTruthy();
	expect(run.error!.name).toBe('NodeOperationError');
	expect(run.error!.message).toMatch(pattern);
	// the error does not say how to fix it
	expect(String(run.error!.description ?? '').length).toBeGreaterThan(0);
	expect((run.error!.context as { itemIndex?: number }).itemIndex).toBe(0);
	assertNoSecretIn(run.error);
}

describe('Send: recipients', () => {
	it('to a user ID: one POST /2/dm_conversations/with/{id}/messages', async () => {
		const text = 'Grüße 👋🏽 — your order shipped';
		const run = await runX(fake(), { resource: 'message', operation: 'send', xSendTo: 'userId', xRecipientId: X_USERS.alice.id, xText: text });
		assertNoError(run);
		expect(fake().requests.length).toBe(1);
		assertCall(fake().requests[0], 'POST', sendPath(X_USERS.alice.id), {}, { text });
		assertSent(run, fake().requests[0], 0, X_USERS.alice.id);
		expect(run.items[0].json.conversationId).toBe(`${X_USERS.alice.id}-${ME.id}`);
		expect(fake().state.deliveryCount(X_USERS.alice.id, text)).toBe(1);
	});

	it('to an @username: looked up with GET /2/users/by/username/{username} first', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'send', xSendTo: 'username', xUsername: '@Bob_Builds', xText: 'Hi Bob' });
		assertNoError(run);
		expect(fake().requests.length).toBe(2);
		assertCall(fake().requests[0], 'GET', '/2/users/by/username/Bob_Builds');
		assertCall(fake().requests[1], 'POST', sendPath(X_USERS.bob.id), {}, { text: 'Hi Bob' });
		assertSent(run, fake().requests[1], 0, X_USERS.bob.id);
	});

	it('a username X does not know sends nothing and says so', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'send', xSendTo: 'username', xUsername: 'nobody_here', xText: 'Hi' });
		assertItemError(run, /X has no user @nobody_here/);
		expect(fake().calls('POST /2/dm_conversations/with/{participant_id}/messages').length).toBe(0);
	});

	it('one username looked up once for several items', async () => {
		const run = await runX(
			fake(),
			{ resource: 'message', operation: 'send', xSendTo: 'username', xUsername: 'carol_c', xText: '={{ $json.text }}' },
			{ items: [{ json: { text: 'One' } }, { json: { text: 'Two' } }] },
		);
		assertNoError(run);
		expect(fake().calls('GET /2/users/by/username/{username}').length).toBe(1);
		expect(fake().calls('POST /2/dm_conversations/with/{participant_id}/messages').map((call) => call.json)).toStrictEqual([{ text: 'One' }, { text: 'Two' }]);
	});

	it('into an existing conversation: POST /2/dm_conversations/{id}/messages', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'send', xSendTo: 'conversation', xConversationId: GROUP_ID, xText: 'Launch is tomorrow' });
		assertNoError(run);
		assertCall(fake().requests[0], 'POST', `/2/dm_conversations/${GROUP_ID}/messages`, {}, { text: 'Launch is tomorrow' });
		assertSent(run, fake().requests[0]);
		expect(run.items[0].json.conversationId).toBe(GROUP_ID);
	});

	it('a new group: POST /2/dm_conversations with the participants and the message', async () => {
		const ids = [X_USERS.alice.id, X_USERS.carol.id, X_USERS.erin.id];
		const run = await runX(fake(), { resource: 'message', operation: 'send', xSendTo: 'group', xParticipantIds: ` ${ids[0]}, ${ids[1]}\n${ids[2]} `, xText: 'Meet the team' });
		assertNoError(run);
		assertCall(fake().requests[0], 'POST', '/2/dm_conversations', {}, { conversation_type: 'Group', participant_ids: ids, message: { text: 'Meet the team' } });
		assertSent(run, fake().requests[0]);
		const group = fake().state.conversations.get(String(run.items[0].json.conversationId));
		expect(group?.participantIds).toStrictEqual([ME.id, ...ids]);
	});
});

describe('Send: validation before any request', () => {
	const cases: Array<[string, IDataObject, RegExp]> = [
		['text over 10,000 characters', { xRecipientId: X_USERS.alice.id, xText: '😀'.repeat(10_001) }, /10001 characters; X allows at most 10000/],
		['no text and no media', { xRecipientId: X_USERS.alice.id, xText: '' }, /no text and no media/],
		['only blank text', { xRecipientId: X_USERS.alice.id, xText: ' \n ' }, /no text and no media/],
		['a user ID that is not X\'s', { xRecipientId: '@alice', xText: 'Hi' }, /Recipient ID "@alice" is not an X ID/],
		['an empty user ID', { xRecipientId: '', xText: 'Hi' }, /User ID is empty/],
		['a bad username', { xSendTo: 'username', xUsername: 'no spaces please', xText: 'Hi' }, /is not an X username/],
		['a group of one', { xSendTo: 'group', xParticipantIds: X_USERS.alice.id, xText: 'Hi' }, /2 to 49 other people; this one has 1/],
		['a group of 50', { xSendTo: 'group', xParticipantIds: Array.from({ length: 50 }, (_, i) => String(1000 + i)).join(','), xText: 'Hi' }, /this one has 50/],
		['a participant twice', { xSendTo: 'group', xParticipantIds: `${X_USERS.alice.id},${X_USERS.alice.id}`, xText: 'Hi' }, /listed twice/],
		['a malformed conversation ID', { xSendTo: 'conversation', xConversationId: 'abc', xText: 'Hi' }, /not an X conversation ID/],
		['a media URL that is not http(s)', { xRecipientId: X_USERS.alice.id, mediaSource: 'url', mediaUrl: 'ftp://example.com/a.png' }, /is not an http\(s\) URL/],
	];
	for (const [label, parameters, pattern] of cases) {
		it(label, async () => {
			const run = await runX(fake(), { resource: 'message', operation: 'send', xSendTo: 'userId', ...parameters });
			assertItemError(run, pattern);
			expect(fake().requests).toStrictEqual([]);
		});
	}

	it('exactly 10,000 characters (code points) go out', async () => {
		const text = `${'😀'.repeat(5_000)}${'a'.repeat(5_000)}`;
		const run = await runX(fake(), { resource: 'message', operation: 'send', xRecipientId: X_USERS.carol.id, xText: text });
		assertNoError(run);
		expect(fake().requests[0].json).toStrictEqual({ text });
	});

	it('a binary file of a type X does not take for DMs fails before any request', async () => {
		const run = await runX(
			fake(),
			{ resource: 'message', operation: 'send', xRecipientId: X_USERS.alice.id, mediaSource: 'binary', mediaType: 'image', binaryPropertyName: 'data' },
			{ items: [{ json: {}, binary: { data: { data: Buffer.from('%PDF-1.7'), mimeType: 'application/pdf', fileName: 'a.pdf' } } }] },
		);
		assertItemError(run, /X does not take "application\/pdf" as an image/);
		expect(fake().requests).toStrictEqual([]);
	});

	it('Continue On Fail: the bad item becomes an error item, the others are sent', async () => {
		const run = await runX(
			fake(),
			{ resource: 'message', operation: 'send', xRecipientId: '={{ $json.to }}', xText: '={{ $json.text }}' },
			{ items: [{ json: { to: X_USERS.alice.id, text: 'First' } }, { json: { to: 'nobody', text: 'Second' } }, { json: { to: X_USERS.bob.id, text: 'Third' } }], continueOnFail: true },
		);
		assertNoError(run);
		const sends = fake().calls('POST /2/dm_conversations/with/{participant_id}/messages');
		expect(sends.map((call) => call.json)).toStrictEqual([{ text: 'First' }, { text: 'Third' }]);
		assertSent(run, sends[0], 0, X_USERS.alice.id);
		expect(Object.keys(run.items[1].json).sort()).toStrictEqual(['error', 'errorDescription']);
		expect(String(run.items[1].json.error)).toMatch(/Recipient ID "nobody" is not an X ID/);
		expect(run.items[1].pairedItem).toStrictEqual({ item: 1 });
		assertSent(run, sends[1], 2, X_USERS.bob.id);
	});
});

/** The simple upload: multipart with media_category and the file, signed without the body. */
function assertSimpleUpload(call: RecordedXRequest, category: string, bytes: Buffer, mimeType: string, fileName: string): string {
	expect(`${call.method} ${call.path}`).toBe('POST /2/media/upload');
	expect(call.contentType ?? '').toMatch(/^multipart\/form-data; boundary=/);
	expect(call.parts?.map((part) => [part.name, part.value ?? part.filename, part.contentType])).toStrictEqual([['media_category', category, undefined], ['media', fileName, mimeType]]);
	expect(call.parts?.[1].data.equals(bytes)).toBeTruthy();
	expect(call.status).toBe(200);
	return String((call.response as { data: IDataObject }).data.id);
}

describe('Send: media', () => {
	it('image from a URL: downloaded, uploaded as dm_image, attached by media_id', async () => {
		const url = fake().serveFile('catalog/spring.png', PNG, 'image/png');
		const run = await runX(fake(), { resource: 'message', operation: 'send', xRecipientId: X_USERS.alice.id, xText: 'This one?', mediaSource: 'url', mediaType: 'image', mediaUrl: url });
		assertNoError(run);
		expect(fake().downloads.map((call) => call.path)).toStrictEqual(['/cdn/catalog/spring.png']);
		// the credential must not go to the media host
		expect(fake().downloads[0].headers.authorization).toBeUndefined();
		const [upload, send] = fake().requests;
		expect(fake().requests.length).toBe(2);
		const mediaId = assertSimpleUpload(upload, 'dm_image', PNG, 'image/png', 'spring.png');
		assertCall(send, 'POST', sendPath(X_USERS.alice.id), {}, { text: 'This one?', attachments: [{ media_id: mediaId }] });
		assertSent(run, send, 0, X_USERS.alice.id);
		expect(fake().state.events[0].mediaKeys).toStrictEqual([fake().state.media.get(mediaId)?.mediaKey]);
	});

	it('GIF from n8n binary data: dm_gif, no text needed', async () => {
		const run = await runX(
			fake(),
			{ resource: 'message', operation: 'send', xRecipientId: X_USERS.bob.id, mediaSource: 'binary', mediaType: 'image', binaryPropertyName: 'clip' },
			{ items: [{ json: {}, binary: { clip: { data: GIF, mimeType: 'image/gif', fileName: 'party.gif' } } }] },
		);
		assertNoError(run);
		const mediaId = assertSimpleUpload(fake().requests[0], 'dm_gif', GIF, 'image/gif', 'party.gif');
		assertCall(fake().requests[1], 'POST', sendPath(X_USERS.bob.id), {}, { attachments: [{ media_id: mediaId }] });
	});

	it('video from n8n binary data: initialize, two 4 MB segments, finalize, STATUS until succeeded, then the send', async () => {
		const run = await runX(
			fake(),
			{ resource: 'message', operation: 'send', xSendTo: 'conversation', xConversationId: GROUP_ID, xText: 'Teaser', mediaSource: 'binary', mediaType: 'video', binaryPropertyName: 'data' },
			{ items: [{ json: {}, binary: { data: { data: MP4, mimeType: 'video/mp4', fileName: 'teaser.mp4' } } }], timeoutMs: 60_000 },
		);
		assertNoError(run);
		const calls = fake().requests;
		expect(calls.map((call) => `${call.method} ${call.path.replace(/^(\/2\/media\/upload\/)\d+/, '$1{id}')}`)).toStrictEqual([
			'POST /2/media/upload/initialize',
			'POST /2/media/upload/{id}/append',
			'POST /2/media/upload/{id}/append',
			'POST /2/media/upload/{id}/finalize',
			'GET /2/media/upload',
			'GET /2/media/upload',
			`POST /2/dm_conversations/${GROUP_ID}/messages`,
		]);
		assertCall(calls[0], 'POST', '/2/media/upload/initialize', {}, { media_category: 'dm_video', media_type: 'video/mp4', total_bytes: MP4.length });
		const id = String((calls[0].response as { data: IDataObject }).data.id);
		const segments = calls.slice(1, 3).map((call) => {
			assertSigned(call);
			expect(call.parts?.map((part) => part.name)).toStrictEqual(['segment_index', 'media']);
			return [call.parts?.[0].value, call.parts?.[1].data] as const;
		});
		expect(segments.map(([index]) => index)).toStrictEqual(['0', '1']);
		expect(Buffer.concat(segments.map(([, data]) => data!)).equals(MP4)).toBeTruthy();
		assertCall(calls[3], 'POST', `/2/media/upload/${id}/finalize`);
		assertCall(calls[4], 'GET', '/2/media/upload', { command: 'STATUS', media_id: id });
		// STATUS before check_after_secs
		expect(calls[4].at - calls[3].at).toBeGreaterThanOrEqual(950);
		assertCall(calls[6], 'POST', `/2/dm_conversations/${GROUP_ID}/messages`, {}, { text: 'Teaser', attachments: [{ media_id: id }] });
		assertSent(run, calls[6]);
	});

	it('a video X fails to process: the error says so and nothing is sent', async () => {
		const failing = await startFakeX({ videoProcessing: ['pending', 'failed'] });
		try {
			const run = await runX(
				failing,
				{ resource: 'message', operation: 'send', xRecipientId: X_USERS.alice.id, mediaSource: 'binary', mediaType: 'video' },
				{ items: [{ json: {}, binary: { data: { data: MP4.subarray(0, 1000), mimeType: 'video/mp4', fileName: 'bad.mp4' } } }], credentials: xCredentials(failing) },
			);
			expect(run.error).toBeTruthy();
			expect(run.error!.message).toMatch(/X could not process the video: Unsupported video format/);
			expect(String(run.error!.description)).toMatch(/Nothing was sent/);
			expect(failing.calls('POST /2/dm_conversations/with/{participant_id}/messages').length).toBe(0);
			expect(failing.violations).toStrictEqual([]);
		} finally {
			await failing.close();
		}
	});

	it('a media URL that answers 404: nothing is uploaded or sent', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'send', xRecipientId: X_USERS.alice.id, xText: 'x', mediaSource: 'url', mediaType: 'image', mediaUrl: `${fake().url}/cdn/missing.png` });
		assertItemError(run, /The media URL answered HTTP 404/);
		expect(fake().requests).toStrictEqual([]);
	});
});

describe('operations X does not have', () => {
	for (const [resource, operation, pattern] of [
		['message', 'sendAction', /X Direct Messages have no "sendAction" operation on messages/],
		['message', 'react', /X Direct Messages have no "react" operation on messages/],
		['attachment', 'upload', /X Direct Messages have no "upload" operation on attachments/],
	] as const) {
		it(`${resource} > ${operation} with Platform X by an expression fails before any request and names the platforms that have it`, async () => {
			const filled = { recipientId: { __rl: true, mode: 'id', value: X_USERS.alice.id }, messageId: '1800000000000000001', reaction: 'love' };
			const run = await runX(fake(), { platform: '={{ $json.platform }}', resource, operation, ...filled }, { items: [{ json: { platform: 'x' } }] });
			expect(run.error).toBeTruthy();
			expect(run.error!.message).toMatch(pattern);
			expect(String(run.error!.description)).toMatch(/It exists on Messenger, Instagram/);
			expect(fake().requests).toStrictEqual([]);
		});
	}

	it('a Meta message type (quick replies) on X is refused before any request', async () => {
		const run = await runX(fake(), { resource: 'message', operation: 'send', xRecipientId: X_USERS.alice.id, xText: 'Hi', messageType: 'quickReplies' });
		// X's Send has no Message Type field: the parameter is ignored and the text goes out as a DM.
		assertNoError(run);
		expect(fake().requests[0].json).toStrictEqual({ text: 'Hi' });
	});
});
