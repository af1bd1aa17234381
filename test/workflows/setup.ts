/**
 * Shared set-up for node tests: a fake Graph server per test file and credentials pointing at it.
 */
import { afterAll, beforeAll } from '@jest/globals';

import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { runNode, type RunNodeResult } from '../harness';
import {
	instagramLoginCredentialData,
	metaGraphCredentialData,
	startFakeGraph,
	type FakeGraph,
	type FakeGraphOptions,
} from '../fakes/graph';

/** Starts one fake Graph for the calling test file; `fake()` returns it inside tests. */
export function useFakeGraph(options: FakeGraphOptions = {}): () => FakeGraph {
	let fake: FakeGraph | undefined;
	beforeAll(async () => {
		fake = await startFakeGraph(options);
	});
	afterAll(async () => {
		await fake?.close();
	});
	return () => {
		if (!fake) throw new Error('fake Graph not started');
		return fake;
	};
}

/** Meta Graph API provider credentials (Page token), pointed at the fake. */
export function metaCredentials(fake: FakeGraph, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return { ...metaGraphCredentialData(fake.url), ...overrides };
}

/** Instagram Login provider credentials (Instagram user token), pointed at the fake. */
export function instagramLoginCredentials(fake: FakeGraph, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return { ...instagramLoginCredentialData(fake.url), ...overrides };
}

/** A resource locator value as the editor stores it. */
export function byId(value: string) {
	return { __rl: true, mode: 'id', value };
}

/** Runs the Social Messaging node once with the given parameters and credentials. */
export async function runSocialMessaging(
	credentials: ICredentialDataDecryptedObject,
	parameters: INodeParameters,
	options: { items?: Parameters<typeof runNode>[0]['items']; continueOnFail?: boolean } = {},
): Promise<RunNodeResult> {
	return await runNode({
		type: 'socialMessaging',
		parameters,
		credentials: { socialMessagingApi: credentials },
		...options,
	});
}
