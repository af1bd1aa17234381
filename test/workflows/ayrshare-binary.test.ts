/**
 * Binary files on Ayrshare: its Messaging API takes media URLs only, so the node uploads the item's file
 * to Ayrshare's media storage (`POST /media/upload`, a Base64 data URI) and sends the URL it returns;
 * files over Ayrshare's 30 MB fail before any request, and a failed upload sends nothing.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { PEOPLE, errorList } from '../fakes/ayrshare';
import { byId, runSocialMessaging } from './setup';
import { assertAyrshareCall, assertNoSecrets, ayrshareCredentials, useFakeAyrshare } from './ayrshare.setup';

const fake = useFakeAyrshare();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const withFile = (data: Buffer, mimeType = 'image/png', fileName = 'receipt.png') => [{ json: {}, binary: { data: { data, mimeType, fileName } } }];
const run = async (parameters: IDataObject, items = withFile(PNG)) => await runSocialMessaging(ayrshareCredentials(fake()), parameters as never, { items });
const messengerImage = { platform: 'messenger', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(PEOPLE.facebook.id), messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'data' };

describe('Ayrshare: binary files', () => {
	it('Messenger: the file is uploaded as a data URI, then sent as the URL Ayrshare returned', async () => {
		const result = await run(messengerImage);
		// result.error?.message
		expect(result.error).toBeUndefined();
		expect(fake().requests.length).toBe(2);
		assertAyrshareCall(fake().requests[0], { method: 'POST', path: '/media/upload', body: { file: `data:image/png;base64,${PNG.toString('base64')}`, fileName: 'receipt.png' } });
		const uploaded = (fake().requests[0].response as IDataObject).url as string;
		expect(uploaded).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/files\/[^/?]+\.png$/);
		assertAyrshareCall(fake().requests[1], { method: 'POST', path: '/messages/facebook', body: { recipientId: PEOPLE.facebook.id, mediaUrls: [uploaded] } });
		// The URL serves the same bytes.
		expect(Buffer.from(await (await fetch(uploaded)).arrayBuffer())).toStrictEqual(PNG);
		expect(result.items[0].json.messageId).toBe((fake().requests[1].response as IDataObject).messageId);
		assertNoSecrets(result.items);
	});

	it('X: text and one file; the upload carries no X headers, the send does', async () => {
		const result = await run({ platform: 'x', resource: 'message', operation: 'send', xSendTo: 'conversation', xConversationId: PEOPLE.twitter.conversation, xText: 'Your receipt', mediaSource: 'binary', mediaType: 'image', binaryPropertyName: 'data' });
		// result.error?.message
		expect(result.error).toBeUndefined();
		assertAyrshareCall(fake().requests[0], { method: 'POST', path: '/media/upload', body: { file: `data:image/png;base64,${PNG.toString('base64')}`, fileName: 'receipt.png' } });
		const uploaded = (fake().requests[0].response as IDataObject).url as string;
		assertAyrshareCall(fake().requests[1], { method: 'POST', path: '/messages/twitter', body: { conversationId: PEOPLE.twitter.conversation, message: 'Your receipt', mediaUrls: [uploaded] }, x: true });
	});

	it('a file over 30 MB fails before any request, saying what to do', async () => {
		const result = await run(messengerImage, withFile(Buffer.alloc(30 * 1024 * 1024 + 1), 'image/png', 'huge.png'));
		expect(fake().requests.length).toBe(0);
		expect(result.error?.message).toBe('The file "huge.png" has 30.0 MB; Ayrshare\'s media upload takes at most 30 MB');
		expect(result.error?.description).toMatch(/Media > From URL/);
	});

	it('a refused upload sends nothing: Ayrshare\'s error with its code', async () => {
		fake().failNext('POST /media/upload', { status: 400, body: errorList(101, 'Unsupported media type.') });
		const result = await run(messengerImage);
		expect(fake().requests.map((call) => `${call.method} ${call.path}`)).toStrictEqual(['POST /media/upload']);
		expect(result.error?.message).toBe('Unsupported media type.');
		expect(result.error?.httpCode).toBe('400');
		assertNoSecrets(result.error);
	});
});
