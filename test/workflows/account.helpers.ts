/**
 * Assertions shared by the account-tool tests (personas, user profiles, Messenger Profile, handover):
 * one exact Graph request (method, version, path, whole query, body, Bearer token) and the fake's answer.
 */
import { expect } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { APP_SECRET, appSecretProof, type RecordedRequest } from '../fakes/graph';

export interface ExpectedCall {
	method: 'GET' | 'POST' | 'DELETE';
	path: string;
	token: string;
	/** Query parameters besides appsecret_proof. */
	query?: Record<string, string>;
	/** The JSON body; undefined: no body at all. */
	body?: IDataObject;
	/** The HTTP status the fake answered (default 200). */
	status?: number;
	version?: string;
}

export function assertCall(call: RecordedRequest | undefined, expected: ExpectedCall): void {
	// expected ${expected.method} ${expected.path}
	expect(call).toBeTruthy();
	expect(call!.method).toBe(expected.method);
	expect(call!.path).toBe(expected.path);
	expect(call!.version).toBe(expected.version ?? 'v23.0');
	expect(call!.query).toStrictEqual({ ...(expected.query ?? {}), appsecret_proof: appSecretProof(APP_SECRET, expected.token) });
	expect(call!.headers.authorization).toBe(`Bearer ${expected.token}`);
	if (expected.body === undefined) {
		// unexpected body ${JSON.stringify(call.body)}
		expect(call!.body).toBeUndefined();
	} else {
		expect(call!.headers['content-type'] ?? '').toMatch(/^application\/json/);
		expect(call!.body).toStrictEqual(expected.body);
	}
	// the fake answered ${JSON.stringify(call.response)}
	expect(call!.status).toBe(expected.status ?? 200);
}
