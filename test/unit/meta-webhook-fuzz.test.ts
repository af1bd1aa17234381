/**
 * Meta's webhook parser, signature check and verification handshake under random input (issue 13,
 * fast-check): no exception escapes for any JSON or any mutation of a real delivery, a signature
 * holds only for the exact bytes and the app secret it was made with, and the handshake answers only
 * `subscribe` with the exact token. Seeds are fixed so a failure reproduces; FUZZ_RUNS scales the runs.
 */
import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';

import fc from 'fast-check';

import { parseDelivery, readChallenge, verifySignature } from '../../nodes/platforms/meta/webhook';
import { APP_SECRET } from '../fakes/graph';
import { KEPT_ENTRY, isWithin, jsonPaths, replaceAt, richDelivery } from '../fakes/graph/malformed';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const params = (seed: number): fc.Parameters<unknown> => ({ numRuns: RUNS, seed });

const sign = (secret: string, body: Buffer) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Text fields of emitted events are text, and no object was written out as "[object Object]". */
function assertEventsClean(body: unknown): void {
	const parsed = parseDelivery(body, { includeRaw: true });
	expect(Array.isArray(parsed.events)).toBeTruthy();
	expect(typeof parsed.object).toBe('string');
	for (const event of parsed.events) {
		for (const field of ['type', 'messageId', 'text', 'dedupeKey', 'timestamp'] as const) {
			if (event[field] !== undefined) expect(typeof event[field]).toBe('string'); // ${field} of ${JSON.stringify(event)}
		}
		expect(Number.isNaN(Date.parse(event.timestamp))).toBeFalsy();
		expect(Array.isArray(event.attachments)).toBeTruthy();
		expect(JSON.stringify({ ...event, raw: undefined })).not.toMatch(/\[object Object\]/);
	}
}

const delivery = richDelivery('fuzz');
const paths = jsonPaths(delivery);
const keptMid = (parseDelivery(replaceAt(delivery, ['entry', 0], null)).events[0] ?? {}).messageId;

describe('parseDelivery under random input', () => {
	it('any JSON value: events or nothing, never an exception', () => {
		fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (body) => assertEventsClean(body)), params(1301));
	});

	it('random objects shaped like a delivery (object, entry[], messaging[]) never throw', () => {
		const event = fc.record(
			{ sender: fc.anything(), recipient: fc.anything(), timestamp: fc.anything(), message: fc.anything(), postback: fc.anything(), read: fc.anything(), reaction: fc.anything() },
			{ requiredKeys: [] },
		);
		const entry = fc.record({ id: fc.anything(), time: fc.anything(), messaging: fc.oneof(fc.array(event), fc.anything()), standby: fc.anything() }, { requiredKeys: [] });
		const body = fc.record({ object: fc.oneof(fc.constantFrom('page', 'instagram'), fc.anything()), entry: fc.oneof(fc.array(entry), fc.anything()) });
		fc.assert(fc.property(body, (value) => assertEventsClean(value)), params(1302));
	});

	it('a real delivery with any node replaced by any JSON: never throws, and the untouched entry still comes out', () => {
		expect(typeof keptMid).toBe('string');
		fc.assert(
			fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
				const mutated = replaceAt(delivery, path, value);
				assertEventsClean(mutated);
				// Only a change of the root, `object`, the entry list itself or the kept entry may lose its event.
				const mayLose = path.length < 2 || isWithin(path, KEPT_ENTRY) || path[0] === 'object';
				if (!mayLose) expect(parseDelivery(mutated).events.some((e) => e.messageId === keptMid)).toBeTruthy(); // lost the kept event after changing ${path.join('.')}
			}),
			params(1303),
		);
	});
});

describe('X-Hub-Signature-256 under random input', () => {
	it('a random header never verifies a random body', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 512 }), fc.string({ maxLength: 80 }), (bytes, header) => {
				const body = Buffer.from(bytes);
				if (header.trim().toLowerCase() === sign(APP_SECRET, body)) return;
				expect(verifySignature(body, header, APP_SECRET)).toBe(false);
				expect(verifySignature(body, `sha256=${header}`, APP_SECRET)).toBe(false);
			}),
			params(1311),
		);
	});

	it('the correct signature verifies; any changed byte of the body, any changed digit of the signature, or another secret does not', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ minLength: 1, maxLength: 2048 }),
				fc.nat(),
				fc.integer({ min: 1, max: 255 }),
				fc.nat({ max: 63 }),
				fc.string({ minLength: 1, maxLength: 40 }),
				(bytes, at, flip, digit, otherSecret) => {
					const body = Buffer.from(bytes);
					const header = sign(APP_SECRET, body);
					expect(verifySignature(body, header, APP_SECRET)).toBe(true);
					const tampered = Buffer.from(body);
					tampered[at % tampered.length] ^= flip;
					// a tampered body verified
					expect(verifySignature(tampered, header, APP_SECRET)).toBe(false);
					// a body with a byte appended verified
					expect(verifySignature(Buffer.concat([body, Buffer.from(' ')]), header, APP_SECRET)).toBe(false);
					// a truncated body verified
					expect(verifySignature(body.subarray(0, body.length - 1), header, APP_SECRET)).toBe(false);
					const hex = header.slice('sha256='.length);
					const swapped = hex[digit] === '0' ? '1' : '0';
					// a changed signature verified
					expect(verifySignature(body, `sha256=${hex.slice(0, digit)}${swapped}${hex.slice(digit + 1)}`, APP_SECRET)).toBe(false);
					if (otherSecret !== APP_SECRET) expect(verifySignature(body, sign(otherSecret, body), APP_SECRET)).toBe(false); // another secret verified
					// No secret configured: nothing verifies, not even a signature made with the empty key.
					expect(verifySignature(body, sign('', body), '')).toBe(false);
				},
			),
			params(1312),
		);
	});

	it('the old SHA-1 header, a missing prefix or a signature of another length never verify', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
				const body = Buffer.from(bytes);
				const hex = createHmac('sha256', APP_SECRET).update(body).digest('hex');
				for (const header of [`sha1=${createHmac('sha1', APP_SECRET).update(body).digest('hex')}`, hex, `sha256=${hex.slice(1)}`, `sha256=${hex}0`, `sha256= ${hex}`, `sha256=${hex},sha256=${hex}`, undefined, '']) {
					// String(header)
					expect(verifySignature(body, header, APP_SECRET)).toBe(false);
				}
			}),
			params(1313),
		);
	});
});

describe('verification handshake under random input', () => {
	it('answers only hub.mode=subscribe with exactly the token', () => {
		const token = 'f'.repeat(40);
		const value = fc.oneof(fc.string(), fc.constant(token), fc.constant('subscribe'), fc.anything());
		fc.assert(
			fc.property(fc.record({ 'hub.mode': value, 'hub.verify_token': value, 'hub.challenge': value }, { requiredKeys: [] }), (query) => {
				const answer = readChallenge(query as never, token);
				const valid = query['hub.mode'] === 'subscribe' && query['hub.verify_token'] === token && typeof query['hub.challenge'] === 'string';
				expect(answer).toBe(valid ? query['hub.challenge'] : undefined);
			}),
			params(1321),
		);
	});
});
