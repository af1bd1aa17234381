/**
 * The Social Messaging node's X operations inside a real n8n, against the fake X API started in this
 * process (n8n reaches it through the credential's Custom Base URL): every operation as its own workflow,
 * run over n8n's REST API; each test asserts the items and exactly the requests X received, each one
 * signed with OAuth 1.0a (verified by the fake) and valid under X's OpenAPI description.
 */
import { describe, expect, it } from '@jest/globals';

import { GROUP_ID, ME, X_USERS, parseOAuthHeader, xCredentialData, X_ACCESS_TOKEN, X_API_KEY, type RecordedXRequest } from '../fakes/x';
import type { WorkflowNode } from './lib/n8n';
import { base64ToFile, setFields } from './lib/workflows';
import { EVENT_QUERY, ME_QUERY, runOnFakeX, useFakeXCredential } from './lib/x';

const WITH_ALICE = `${X_USERS.alice.id}-${ME.id}`;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const MP4 = Buffer.concat([Buffer.from('00000018667479706d703432', 'hex'), Buffer.alloc(2048, 9)]);

type XOperationRun = Awaited<ReturnType<typeof runOnFakeX>>;

const ctx = useFakeXCredential('e2e: X API (fake)', 'socialMessagingApi', xCredentialData);

/** Runs one X operation; every request must carry a valid OAuth 1.0a signature of the account. */
async function runX(title: string, parameters: Record<string, unknown>, producers: WorkflowNode[] = []): Promise<XOperationRun> {
	const run = await runOnFakeX(ctx(), title, parameters, producers);
	for (const request of run.requests) {
		// the fake refused the signature of ${request.method} ${request.path}: ${request.authFailure}
		expect(request.authFailure).toBeUndefined();
		const oauth = parseOAuthHeader(request.headers.authorization ?? '')!;
		expect(oauth.oauth_consumer_key).toBe(X_API_KEY);
		expect(oauth.oauth_token).toBe(X_ACCESS_TOKEN);
		expect(oauth.oauth_signature_method).toBe('HMAC-SHA1');
	}
	return run;
}

const line = (request: RecordedXRequest) => ({ method: request.method, path: request.path, query: request.query, json: request.json, status: request.status });

describe('X on n8n', () => {
	it('Conversation > Get Many: derived from GET /2/dm_events', async () => {
		const run = await runX('conversation getAll', { resource: 'conversation', operation: 'getAll', returnAll: true });
		expect(run.requests.map(line)).toStrictEqual([
			{ method: 'GET', path: '/2/users/me', query: ME_QUERY, json: undefined, status: 200 },
			{ method: 'GET', path: '/2/dm_events', query: { ...EVENT_QUERY, max_results: '100' }, json: undefined, status: 200 },
		]);
		expect(run.items.map((item) => item.id)).toStrictEqual([WITH_ALICE, ctx().fake.state.oneToOneId(ME.id, X_USERS.bob.id), GROUP_ID, ctx().fake.state.oneToOneId(ME.id, X_USERS.carol.id)]);
		expect(run.items[0].participants).toStrictEqual([{ id: X_USERS.alice.id, name: X_USERS.alice.name, username: X_USERS.alice.username, profilePictureUrl: X_USERS.alice.profileImageUrl }]);
	});

	it('Conversation > Get and Message > Get Many / Get', async () => {
		const conversation = await runX('conversation get', { resource: 'conversation', operation: 'get', xConversationId: GROUP_ID, xMessageLimit: 5 });
		expect(line(conversation.requests[1])).toStrictEqual({ method: 'GET', path: `/2/dm_conversations/${GROUP_ID}/dm_events`, query: { ...EVENT_QUERY, max_results: '5' }, json: undefined, status: 200 });
		expect(conversation.items[0].messageCount).toBe(2);

		const messages = await runX('message getAll', { resource: 'message', operation: 'getAll', xMessagesBy: 'participant', xParticipantId: X_USERS.alice.id, limit: 2 });
		expect(line(messages.requests[1])).toStrictEqual({ method: 'GET', path: `/2/dm_conversations/with/${X_USERS.alice.id}/dm_events`, query: { ...EVENT_QUERY, max_results: '2', event_types: 'MessageCreate' }, json: undefined, status: 200 });
		expect(messages.items.map((item) => item.text)).toStrictEqual(['Great, ordering now', 'This one, in M']);
		const withImage = messages.items[1];
		expect((withImage.attachments as Array<Record<string, unknown>>)[0].id).toBe('3_1500000000000000001');

		const one = await runX('message get', { resource: 'message', operation: 'get', xMessageId: String(withImage.id) });
		expect(one.items).toStrictEqual([withImage]);
	});

	it('Message > Send to a user ID, an @username and a new group', async () => {
		const byId = await runX('send user id', { resource: 'message', operation: 'send', xSendTo: 'userId', xRecipientId: X_USERS.alice.id, xText: 'Hi from n8n 👋' });
		expect(byId.requests.map(line)).toStrictEqual([{ method: 'POST', path: `/2/dm_conversations/with/${X_USERS.alice.id}/messages`, query: {}, json: { text: 'Hi from n8n 👋' }, status: 201 }]);
		const data = (byId.requests[0].response as { data: Record<string, string> }).data;
		expect({ ...byId.items[0], sentAt: undefined }).toStrictEqual({ platform: 'x', messageId: data.dm_event_id, conversationId: data.dm_conversation_id, sentAt: undefined, recipientId: X_USERS.alice.id });

		const byName = await runX('send username', { resource: 'message', operation: 'send', xSendTo: 'username', xUsername: '@carol_c', xText: 'Hi Carol' });
		expect(byName.requests.map((request) => `${request.method} ${request.path}`)).toStrictEqual(['GET /2/users/by/username/carol_c', `POST /2/dm_conversations/with/${X_USERS.carol.id}/messages`]);

		const group = await runX('send group', { resource: 'message', operation: 'send', xSendTo: 'group', xParticipantIds: `${X_USERS.bob.id},${X_USERS.erin.id}`, xText: 'Welcome both' });
		expect(group.requests[0].json).toStrictEqual({ conversation_type: 'Group', participant_ids: [X_USERS.bob.id, X_USERS.erin.id], message: { text: 'Welcome both' } });
	});

	it('Message > Send with an image from a URL and a video from n8n binary data', async () => {
		const url = ctx().fake.serveFile('e2e/photo.png', PNG, 'image/png');
		const image = await runX('send image url', { resource: 'message', operation: 'send', xRecipientId: X_USERS.bob.id, xText: 'Photo', mediaSource: 'url', mediaType: 'image', mediaUrl: url });
		expect(image.requests.map((request) => `${request.method} ${request.path}`)).toStrictEqual(['POST /2/media/upload', `POST /2/dm_conversations/with/${X_USERS.bob.id}/messages`]);
		expect(image.requests[0].parts?.map((part) => [part.name, part.value ?? part.size])).toStrictEqual([['media_category', 'dm_image'], ['media', PNG.length]]);

		const video = await runX(
			'send video binary',
			{ resource: 'message', operation: 'send', xSendTo: 'conversation', xConversationId: GROUP_ID, mediaSource: 'binary', mediaType: 'video', binaryPropertyName: 'data' },
			[setFields('Video', { video: MP4.toString('base64') }), base64ToFile('To File', { sourceProperty: 'video', binaryPropertyName: 'data', fileName: 'clip.mp4', mimeType: 'video/mp4' })],
		);
		expect(video.requests.map((request) => `${request.method} ${request.path.replace(/^(\/2\/media\/upload\/)\d+/, '$1{id}')}`)).toStrictEqual([
			'POST /2/media/upload/initialize',
			'POST /2/media/upload/{id}/append',
			'POST /2/media/upload/{id}/finalize',
			'GET /2/media/upload',
			'GET /2/media/upload',
			`POST /2/dm_conversations/${GROUP_ID}/messages`,
		]);
		expect(video.requests[0].json).toStrictEqual({ media_category: 'dm_video', media_type: 'video/mp4', total_bytes: MP4.length });
	});

	it('Message > Delete', async () => {
		const own = ctx().fake.state.visibleEvents(ME.id).find((event) => event.senderId === ME.id && event.eventType === 'MessageCreate')!;
		const run = await runX('delete', { resource: 'message', operation: 'delete', xMessageId: own.id });
		expect(run.requests.map(line)).toStrictEqual([{ method: 'DELETE', path: `/2/dm_events/${own.id}`, query: {}, json: undefined, status: 200 }]);
		expect(run.items).toStrictEqual([{ platform: 'x', messageId: own.id, deleted: true }]);
	});
});
