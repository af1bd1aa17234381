/**
 * Attachment > Upload through n8n's real engine against the fake Graph API: by URL (JSON body) and from
 * a binary property (multipart), on Messenger and on Instagram through both providers. Output
 * `{platform, attachmentId, type}`; the ID then works in Message > Send.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { isDeepStrictEqual } from 'node:util';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { RunNodeItem } from '../harness';
import { TINY_PNG } from '../fakes/graph';
import {
	INSTAGRAM_LOGIN,
	INSTAGRAM_LOGIN_ID,
	INSTAGRAM_PAGE,
	MESSENGER,
	ROUTES,
	assertErrorItem,
	assertItemError,
	assertJsonCall,
	assertMultipartUpload,
	assertNoError,
	assertSendItem,
	binaryItem,
	responseOf,
	runOn,
	sendBody,
	sendOn,
	urlUploadBody,
	type ExpectedFile,
	type Route,
	type Run,
} from './message.helpers';
import { useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => fake().clearRequests());

const MB = 1024 * 1024;

async function upload(route: Route, parameters: INodeParameters, items?: RunNodeItem[], continueOnFail = false): Promise<Run> {
	return await runOn(fake(), route, { resource: 'attachment', operation: 'upload', ...parameters }, { items, continueOnFail });
}

const byUrl = (mediaType: string, mediaUrl: string): INodeParameters => ({ mediaType, mediaSource: 'url', mediaUrl });
const fromBinary = (mediaType: string, binaryPropertyName = 'data'): INodeParameters => ({ mediaType, mediaSource: 'binary', binaryPropertyName });

/** Exactly one upload call; the single output item carries the fake's attachment id. */
function assertUploaded(run: Run, route: Route, type: string, extra: IDataObject = {}): string {
	assertNoError(run);
	expect(fake().requests.length).toBe(1);
	const attachmentId = responseOf(fake().requests[0]).attachment_id as string;
	expect(attachmentId).toMatch(/^\d+$/);
	expect(run.items).toStrictEqual([{ json: { platform: route.platform, attachmentId, type, ...extra }, pairedItem: { item: 0 } }]);
	return attachmentId;
}

describe('Upload by URL', () => {
	for (const type of ['image', 'audio', 'video', 'file']) {
		it(`Messenger: ${type}`, async () => {
			const url = `https://cdn.example.com/media/${type}-sample`;
			const run = await upload(MESSENGER, byUrl(type, url));
			assertJsonCall(fake().requests[0], MESSENGER, 'message_attachments', urlUploadBody(MESSENGER, type, url));
			const attachmentId = assertUploaded(run, MESSENGER, type);
			const stored = fake().state.attachments.get(attachmentId);
			expect({ type: stored?.type, platform: stored?.platform, url: stored?.url, isReusable: stored?.isReusable }).toStrictEqual({ type, platform: 'messenger', url, isReusable: true });
		});
	}

	for (const route of [INSTAGRAM_PAGE, INSTAGRAM_LOGIN, INSTAGRAM_LOGIN_ID]) {
		it(`${route.label}: image${route.uploadPlatform ? ', with platform=instagram' : ''}`, async () => {
			const url = 'https://cdn.example.com/media/oat-latte.jpg';
			const run = await upload(route, byUrl('image', url));
			assertJsonCall(fake().requests[0], route, 'message_attachments', urlUploadBody(route, 'image', url));
			const attachmentId = assertUploaded(run, route, 'image');
			expect(fake().state.attachments.get(attachmentId)?.platform).toBe('instagram');
		});
	}

	it('Include Raw Platform Data adds Meta\'s answer', async () => {
		const url = 'https://cdn.example.com/media/raw.png';
		const run = await upload(INSTAGRAM_LOGIN, { ...byUrl('image', url), options: { includeRaw: true } });
		assertJsonCall(fake().requests[0], INSTAGRAM_LOGIN, 'message_attachments', urlUploadBody(INSTAGRAM_LOGIN, 'image', url));
		const attachmentId = assertUploaded(run, INSTAGRAM_LOGIN, 'image', { raw: responseOf(fake().requests[0]) });
		expect(responseOf(fake().requests[0])).toStrictEqual({ attachment_id: attachmentId });
	});
});

describe('Upload from a binary property', () => {
	const files: Record<Route['label'], ExpectedFile> = {
		[MESSENGER.label]: { type: 'file', bytes: Buffer.from('%PDF-1.4\n% Preisliste — Grüße\n%%EOF\n'), fileName: 'Preisliste 2024.pdf', mimeType: 'application/pdf' },
		[INSTAGRAM_PAGE.label]: { type: 'image', bytes: TINY_PNG, fileName: 'label.png', mimeType: 'image/png' },
		[INSTAGRAM_LOGIN.label]: { type: 'audio', bytes: Buffer.from([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41, 0x20, 0xff, 0xfe]), fileName: 'voice.m4a', mimeType: 'audio/x-m4a' },
		[INSTAGRAM_LOGIN_ID.label]: { type: 'video', bytes: Buffer.concat([Buffer.from('ftypmp42'), Buffer.alloc(1024, 9)]), fileName: 'clip.mp4', mimeType: 'video/mp4' },
	};

	for (const route of ROUTES) {
		const file = files[route.label];
		it(`${route.label}: ${file.type} (${file.mimeType}), exact bytes in filedata`, async () => {
			const run = await upload(route, fromBinary(file.type, 'attachment'), [binaryItem(file.bytes, file.mimeType, file.fileName, 'attachment')]);
			assertMultipartUpload(fake().requests[0], route, file);
			const attachmentId = assertUploaded(run, route, file.type);
			const stored = fake().state.attachments.get(attachmentId);
			expect(stored?.platform).toBe(route.platform);
			expect(stored?.size).toBe(file.bytes.length);
			expect(fake().state.blobs.get(stored?.url ?? '')?.data.equals(file.bytes)).toBeTruthy();
		});
	}

	for (const route of [MESSENGER, INSTAGRAM_PAGE, INSTAGRAM_LOGIN]) {
		it(`${route.label}: the uploaded ID works in Message > Send`, async () => {
			const uploaded = await upload(route, fromBinary('image'), [binaryItem(TINY_PNG, 'image/png', 'reuse.png')]);
			assertMultipartUpload(fake().requests[0], route, { type: 'image', bytes: TINY_PNG, fileName: 'reuse.png', mimeType: 'image/png' });
			const attachmentId = assertUploaded(uploaded, route, 'image');

			fake().clearRequests();
			const sent = await sendOn(fake(), route, { messageType: 'media', mediaType: 'image', mediaSource: 'attachmentId', attachmentId: '={{ $json.attachmentId }}' }, {
				items: [{ json: uploaded.items[0].json }],
			});
			assertNoError(sent);
			expect(fake().requests.length).toBe(1);
			const [call] = fake().requests;
			assertJsonCall(call, route, 'messages', sendBody(route, { attachment: { type: 'image', payload: { attachment_id: attachmentId } } }));
			assertSendItem(sent.items[0], sent, { platform: route.platform, call, itemIndex: 0, recipientId: route.user });
		});
	}

	it('Messenger: an upload refused for a rate limit is sent again with the whole file; one attachment stored', async () => {
		const file: ExpectedFile = { type: 'file', bytes: Buffer.from('%PDF-1.4\n% sent twice, stored once\n%%EOF\n'), fileName: 'terms.pdf', mimeType: 'application/pdf' };
		fake().failNext(`POST /${MESSENGER.account}/message_attachments`, 'pageRateLimit');
		const storedBefore = fake().state.attachments.size;
		const run = await upload(MESSENGER, fromBinary('file'), [binaryItem(file.bytes, file.mimeType, file.fileName)]);
		assertNoError(run);
		const calls = fake().requests;
		expect(calls.map((call) => call.status)).toStrictEqual([400, 200]);
		// Each attempt carries the file in full: the multipart body is made again for the second one.
		const refusedFile = (calls[0].body as Array<{ name: string; data: Buffer }>).find((part) => part.name === 'filedata');
		// the refused attempt carried other bytes
		expect(refusedFile?.data.equals(file.bytes)).toBeTruthy();
		assertMultipartUpload(calls[1], MESSENGER, file);
		const attachmentId = responseOf(calls[1]).attachment_id as string;
		expect(run.items).toStrictEqual([{ json: { platform: 'messenger', attachmentId, type: 'file' }, pairedItem: { item: 0 } }]);
		expect(fake().state.attachments.size).toBe(storedBefore + 1);
	});

	it('Messenger: a 25 MB file uploads', async () => {
		const bytes = Buffer.alloc(25 * MB, 0x42);
		const run = await upload(MESSENGER, fromBinary('video'), [binaryItem(bytes, 'video/mp4', 'big.mp4')]);
		assertMultipartUpload(fake().requests[0], MESSENGER, { type: 'video', bytes, fileName: 'big.mp4', mimeType: 'video/mp4' });
		assertUploaded(run, MESSENGER, 'video');
	});
});

describe('Upload: limits checked before anything is sent', () => {
	async function refuses(route: Route, parameters: INodeParameters, message: RegExp, items?: RunNodeItem[]): Promise<void> {
		const run = await upload(route, parameters, items);
		assertItemError(run.error, 0, message);
		expect(run.items).toStrictEqual([]);
		expect(fake().requests.length).toBe(0);
	}

	it('a URL that is not http(s)', async () => {
		await refuses(MESSENGER, byUrl('image', 'file:///etc/passwd'), /"file:\/\/\/etc\/passwd" is not an http\(s\) URL/);
	});

	it('Messenger: more than 25 MB', async () => {
		await refuses(MESSENGER, fromBinary('file'), /"huge.bin" is 25\.0 MB; attachments may be at most 25 MB/, [binaryItem(Buffer.alloc(25 * MB + 1), 'application/octet-stream', 'huge.bin')]);
	});

	for (const route of [INSTAGRAM_PAGE, INSTAGRAM_LOGIN]) {
		it(`${route.label}: an image over 8 MB, and a type Instagram does not take`, async () => {
			await refuses(route, fromBinary('image'), /Instagram images may be at most 8 MB/, [binaryItem(Buffer.alloc(8 * MB + 1), 'image/jpeg', 'big.jpg')]);
			await refuses(route, fromBinary('file'), /Instagram does not accept application\/msword as a file/, [binaryItem(Buffer.from('doc'), 'application/msword', 'a.doc')]);
		});
	}

	it('a missing binary property', async () => {
		await refuses(INSTAGRAM_LOGIN_ID, fromBinary('image', 'photo'), /The item has no binary field 'photo'/, [binaryItem(TINY_PNG, 'image/png', 'a.png')]);
	});

	it('an Instagram Login credential cannot upload for Messenger', async () => {
		await refuses({ ...INSTAGRAM_LOGIN, platform: 'messenger' }, byUrl('image', 'https://cdn.example.com/a.png'), /Instagram Login credential cannot reach Messenger/);
	});
});

describe('Upload: several items', () => {
	it('Messenger: per-item URLs; a bad one fails alone with On Error: Continue, and stops the node without', async () => {
		const items: RunNodeItem[] = [
			{ json: { url: 'https://cdn.example.com/a.jpg', type: 'image' } },
			{ json: { url: 'ftp://cdn.example.com/b.jpg', type: 'image' } },
			{ json: { url: 'https://cdn.example.com/c.mp4', type: 'video' } },
		];
		const parameters = { mediaType: '={{ $json.type }}', mediaSource: 'url', mediaUrl: '={{ $json.url }}' };
		const checkGoodOnes = (run: Run | undefined) => {
			expect(fake().requests.length).toBe(2);
			for (const index of [0, 2]) {
				const { url, type } = items[index].json as { url: string; type: string };
				const body = urlUploadBody(MESSENGER, type, url);
				const call = fake().requests.find((r) => isDeepStrictEqual(r.body, body));
				// no upload for item ${index}
				expect(call).toBeTruthy();
				assertJsonCall(call!, MESSENGER, 'message_attachments', body);
				if (run) {
					expect(run.items[index]).toStrictEqual({
						json: { platform: 'messenger', attachmentId: responseOf(call!).attachment_id, type },
						pairedItem: { item: index },
					});
				}
			}
		};

		const continued = await upload(MESSENGER, parameters, items, true);
		assertNoError(continued);
		expect(continued.items.length).toBe(3);
		checkGoodOnes(continued);
		assertErrorItem(continued.items[1], 1, /"ftp:\/\/cdn.example.com\/b.jpg" is not an http\(s\) URL/);

		fake().clearRequests();
		const stopped = await upload(MESSENGER, parameters, items);
		const error = assertItemError(stopped.error, 1, /is not an http\(s\) URL/);
		expect(error.description as string).toMatch(/2 of 3 items succeeded before this failure/);
		expect(stopped.items).toStrictEqual([]);
		checkGoodOnes(undefined);
	});
});
