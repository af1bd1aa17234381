/** Shared set-up for the Ayrshare tests: one fake Ayrshare per test file and credentials pointing at it. */
import { afterAll, beforeAll, expect } from '@jest/globals';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	AYRSHARE_API_KEY,
	PROFILE_KEY,
	WEBHOOK_SECRET,
	X_APP_KEY,
	X_APP_SECRET,
	startFakeAyrshare,
	type FakeAyrshare,
	type FakeAyrshareOptions,
	type RecordedRequest,
} from '../fakes/ayrshare';

export function useFakeAyrshare(options: FakeAyrshareOptions = {}): () => FakeAyrshare {
	let fake: FakeAyrshare | undefined;
	beforeAll(async () => {
		fake = await startFakeAyrshare(options);
	});
	afterAll(async () => {
		await fake?.close();
	});
	return () => {
		if (!fake) throw new Error('fake Ayrshare not started');
		return fake;
	};
}

/** An Ayrshare credential acting for the Support Desk user profile, pointed at the fake (or the sandbox's). */
export function ayrshareCredentials(fake: Pick<FakeAyrshare, 'url'>, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return {
		provider: 'ayrshare',
		ayrshareApiKey: AYRSHARE_API_KEY,
		ayrshareProfileKey: PROFILE_KEY,
		ayrshareWebhookSecret: WEBHOOK_SECRET,
		ayrshareXApiKey: X_APP_KEY,
		ayrshareXApiSecret: X_APP_SECRET,
		useCustomBaseUrl: true,
		baseUrl: fake.url,
		...overrides,
	};
}

export const ALL_SECRETS = [AYRSHARE_API_KEY, PROFILE_KEY, WEBHOOK_SECRET, X_APP_KEY, X_APP_SECRET];

/** The request's method, path, query and body, and the authentication headers Ayrshare wants. */
export function assertAyrshareCall(
	call: RecordedRequest | undefined,
	expected: { method: string; path: string; query?: Record<string, string>; body?: unknown; profileKey?: string | null; x?: boolean },
): void {
	// expected a ${expected.method} ${expected.path}
	expect(call).toBeTruthy();
	expect(call!.method).toBe(expected.method);
	expect(call!.path).toBe(expected.path);
	expect(call!.query).toStrictEqual(expected.query ?? {});
	expect(call!.body).toStrictEqual(expected.body);
	expect(call!.headers.authorization).toBe(`Bearer ${AYRSHARE_API_KEY}`);
	const profileKey = expected.profileKey === undefined ? PROFILE_KEY : expected.profileKey;
	expect(call!.headers['profile-key']).toBe(profileKey ?? undefined);
	expect(call!.headers['x-twitter-oauth1-api-key']).toBe(expected.x ? X_APP_KEY : undefined);
	expect(call!.headers['x-twitter-oauth1-api-secret']).toBe(expected.x ? X_APP_SECRET : undefined);
}

/** No credential value anywhere in what the node produced. */
export function assertNoSecrets(value: unknown): void {
	const text = JSON.stringify(value);
	for (const secret of ALL_SECRETS) expect(text).not.toContain(secret); // a secret leaked: ${secret.slice(0, 6)}…
}
