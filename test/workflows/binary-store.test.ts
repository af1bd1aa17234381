/**
 * Binary files kept in n8n's binary data store, as n8n 2.x does by default (filesystem mode; database
 * or S3 in other set-ups): the items carry an `id`, not the bytes. The node takes the size from the
 * store to check the limits before reading anything, and reads the bytes when the upload goes out.
 * (Every other test file runs n8n's in-memory mode, where the bytes are base64 in the item.)
 */
import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';

import { ensureN8nCore } from '../harness/env';
import { MESSENGER, assertMultipartUpload, assertNoError, binaryItem, runOn } from './message.helpers';
import { useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeAll(async () => {
	ensureN8nCore();
	const folder = mkdtempSync(path.join(tmpdir(), 'n8n-binary-store-'));
	process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
	const config = Container.get(BinaryDataConfig);
	config.mode = 'filesystem';
	config.localStoragePath = folder;
	await Container.get(BinaryDataService).init();
});

beforeEach(() => fake().clearRequests());

const upload = async (bytes: Buffer, mimeType: string, fileName: string, mediaType: string) =>
	await runOn(
		fake(),
		MESSENGER,
		{ resource: 'attachment', operation: 'upload', mediaType, mediaSource: 'binary', binaryPropertyName: 'data' },
		{ items: [binaryItem(bytes, mimeType, fileName)] },
	);

describe('files in n8n\'s binary data store (filesystem mode)', () => {
	it('the file is read from the store: the upload carries its exact bytes', async () => {
		const bytes = Buffer.from('%PDF-1.4\n% stored by n8n, read when sent\n%%EOF\n');
		const run = await upload(bytes, 'application/pdf', 'stored.pdf', 'file');
		assertNoError(run);
		expect(fake().requests.length).toBe(1);
		assertMultipartUpload(fake().requests[0], MESSENGER, { type: 'file', bytes, fileName: 'stored.pdf', mimeType: 'application/pdf' });
	});

	it('a file over 25 MB is refused from the size the store reports, before any request', async () => {
		// In the item there is only the store's id and 'filesystem-v2': the size must come from the store.
		const run = await upload(Buffer.alloc(26 * 1024 * 1024, 1), 'video/mp4', 'too-big.mp4', 'video');
		expect(fake().requests.length).toBe(0);
		expect(run.error?.message ?? '').toMatch(/"too-big\.mp4" is 26(\.0)? MB; attachments may be at most 25 MB/);
	});
});
