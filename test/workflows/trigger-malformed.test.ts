/**
 * Social Messaging Trigger, signed but malformed deliveries (issue 14, item 8): a correctly signed body
 * of any JSON shape is answered 200, never makes webhook() throw after that answer (n8n would record a
 * failed execution and log "Cannot set headers after they are sent"), and the valid events in the same
 * delivery still start the workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { APP_SECRET, PAGE_ID, USERS, messageEvent, metaJson, signature256, startFakeGraph, type FakeGraph } from '../fakes/graph';
import { KEPT_ENTRY, isWithin, jsonPaths, replaceAt, richDelivery } from '../fakes/graph/malformed';
import type { TriggerHarness } from '../harness/webhook';
import { metaCredentials } from './setup';
import { Triggers, settled } from './trigger-setup';

const T0 = 1714554000000;
const ALL_EVENTS = ['message', 'quick_reply', 'postback', 'read', 'delivery', 'reaction', 'edit', 'optin', 'referral', 'handover'];

let fake: FakeGraph;
let harness: TriggerHarness;
const triggers = new Triggers();

beforeAll(async () => {
	fake = await startFakeGraph();
	harness = await triggers.start({
		credentials: metaCredentials(fake),
		parameters: { platform: 'messenger', events: ALL_EVENTS, options: { includeEchoes: true } },
		requireActivation: false,
	});
});
afterAll(async () => {
	await triggers.closeAll();
	await fake.close();
});

let counter = 0;
/** A valid message with a text (and id) of its own, so no delivery is a redelivery of another. */
function valid(text: string) {
	return messageEvent({ from: USERS.alice.id, to: PAGE_ID, text: `${text} ${++counter}`, timestamp: T0 + counter, mid: `m_valid_${counter}` });
}

/**
 * Posts `body` (JSON text, exactly these bytes) correctly signed, and returns the status and the texts
 * of the items it started; fails if webhook() threw or the harness saw any error.
 */
async function deliverSigned(body: string): Promise<{ status: number; texts: unknown[] }> {
	const before = harness.executions.length;
	const response = await harness.request('POST', undefined, {
		headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature256(APP_SECRET, body) },
		body,
	});
	await settled(harness);
	const call = harness.calls.at(-1);
	// webhook() threw for ${body}: ${call?.error?.message}
	expect(call?.outcome).not.toBe('nodeError');
	// body
	expect(call?.error).toBeUndefined();
	const texts = harness.executions.slice(before).flatMap((execution) => execution[0].map((item) => item.json.text));
	return { status: response.status, texts };
}

describe('signed but malformed deliveries', () => {
	it('any JSON value as the body: 200, nothing thrown, no execution', async () => {
		for (const body of ['null', '0', '42', '"page"', 'true', 'false', '[]', '[null]', '{}', '{"object":null}', '{"object":"page","entry":null}', '{"object":"page","entry":"x"}', '{"object":"page","entry":{}}', '{"object":"page","entry":[]}']) {
			const result = await deliverSigned(body);
			// body
			expect(result.status).toBe(200);
			// body
			expect(result.texts).toStrictEqual([]);
		}
	});

	it('null and other non-objects among entries and events: 200, and the valid events of the same delivery come out', async () => {
		const table: Array<{ name: string; build: (event: ReturnType<typeof valid>) => unknown }> = [
			{ name: 'an entry that is null', build: (event) => ({ object: 'page', entry: [null, { id: PAGE_ID, time: T0, messaging: [event] }] }) },
			{ name: 'entries of every other kind', build: (event) => ({ object: 'page', entry: [1, 'x', [], true, { id: PAGE_ID, time: T0, messaging: [event] }, []] }) },
			{ name: 'a messaging event that is null', build: (event) => ({ object: 'page', entry: [{ id: PAGE_ID, time: T0, messaging: [null, event] }] }) },
			{ name: 'messaging events of every other kind', build: (event) => ({ object: 'page', entry: [{ id: PAGE_ID, time: T0, messaging: [2, 'y', [], false, event, null] }] }) },
			{ name: 'a standby event that is null', build: (event) => ({ object: 'page', entry: [{ id: PAGE_ID, time: T0, messaging: [event], standby: [null, 'z'] }] }) },
			{ name: 'messaging that is not a list in another entry', build: (event) => ({ object: 'page', entry: [{ id: PAGE_ID, messaging: null }, { id: PAGE_ID, messaging: 'x', standby: {} }, { id: PAGE_ID, messaging: [event] }] }) },
			{ name: 'an entry id that is null', build: (event) => ({ object: 'page', entry: [{ id: null, messaging: [null] }, { id: PAGE_ID, messaging: [event] }] }) },
			{
				name: 'events whose parts are null',
				build: (event) => ({
					object: 'page',
					entry: [
						{
							id: PAGE_ID,
							messaging: [
								{ sender: null, recipient: null, timestamp: null, message: null },
								{ sender: { id: USERS.bob.id }, recipient: { id: PAGE_ID }, timestamp: T0, message: { mid: null, text: null, attachments: [null], quick_reply: null, reply_to: null } },
								{ sender: { id: USERS.bob.id }, recipient: { id: PAGE_ID }, timestamp: T0, postback: null, read: null, reaction: null },
								{ sender: { id: USERS.bob.id }, recipient: { id: PAGE_ID }, timestamp: T0, pass_thread_control: null, optin: null, referral: null },
								event,
							],
						},
					],
				}),
			},
		];
		for (const { name, build } of table) {
			const event = valid(name);
			const result = await deliverSigned(metaJson(build(event)));
			// name
			expect(result.status).toBe(200);
			// ${name}: the valid event came out (${JSON.stringify(result.texts)})
			expect(result.texts).toContain((event.message as { text: string }).text);
		}
	});

	it('sweep: each node of a rich delivery replaced by null; 200 every time and the other entry\'s message always comes out', async () => {
		let deliveries = 0;
		for (const [index, path] of jsonPaths(richDelivery('x')).entries()) {
			if (path[0] !== 'entry' || path.length <= KEPT_ENTRY.length || isWithin(path, KEPT_ENTRY)) continue;
			const tag = `null-${index}`;
			const result = await deliverSigned(metaJson(replaceAt(richDelivery(tag, T0 + index * 100), path, null)));
			// JSON.stringify(path)
			expect(result.status).toBe(200);
			// ${JSON.stringify(path)} = null: ${JSON.stringify(result.texts)}
			expect(result.texts).toContain(`keep ${tag}`);
			deliveries++;
		}
		// ${deliveries} deliveries
		expect(deliveries).toBeGreaterThan(100);
	});
});
