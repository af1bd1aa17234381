/**
 * "On Error: Continue (using error output)": n8n moves an item to the node's error output only when it
 * looks like an error item to n8n (json that is `{ error }` alone, in n8n 2.0; `error` with at most
 * `message` / `details` in later versions). Failed sends must land there, with the input item's fields
 * n8n adds, and successful ones on the success output. test/e2e checks the same in a real n8n.
 */
import { describe, expect, it } from '@jest/globals';

import { USERS } from '../fakes/graph';
import { runNode } from '../harness';
import { byId, metaCredentials, useFakeGraph } from './setup';

const fake = useFakeGraph();

describe('On Error: Continue (using error output)', () => {
	it('failed sends go to the error output with the input\'s fields and the reason; the others to the success output', async () => {
		fake().clearRequests();
		const items = [
			{ json: { to: USERS.dana.id, name: 'Dana' } }, // 10 / 2018108: not receiving messages from the Page
			{ json: { to: USERS.alice.id, name: 'Alice' } },
			{ json: { to: USERS.erik.id, name: 'Erik' } }, // 551 / 1545041: not available
		];
		const result = await runNode({
			type: 'socialMessaging',
			parameters: {
				platform: 'messenger',
				resource: 'message',
				operation: 'send',
				recipientType: 'user',
				recipientId: byId('={{ $json.to }}'),
				messageType: 'text',
				text: '=Hi {{ $json.name }}',
			},
			credentials: { socialMessagingApi: metaCredentials(fake()) },
			items,
			onError: 'continueErrorOutput',
		});
		// result.error?.message
		expect(result.error).toBeUndefined();
		const [success, failure] = result.outputs;
		expect(success.map((item) => [item.json.recipientId, item.pairedItem])).toStrictEqual([[USERS.alice.id, { item: 1 }]]);
		expect(failure.map((item) => [item.json, item.pairedItem])).toStrictEqual([
				[{ to: USERS.dana.id, name: 'Dana', error: 'This person cannot receive messages from the Page right now' }, { item: 0 }],
				[{ to: USERS.erik.id, name: 'Erik', error: 'This person is not available' }, { item: 2 }],
			]);
		expect(fake().requests.length).toBe(3);
	});

	it('with the regular output, error items keep the explanation and Meta\'s code', async () => {
		const result = await runNode({
			type: 'socialMessaging',
			parameters: { platform: 'messenger', resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(USERS.dana.id), messageType: 'text', text: 'Hi' },
			credentials: { socialMessagingApi: metaCredentials(fake()) },
			onError: 'continueRegularOutput',
		});
		expect(result.outputs.length).toBe(1);
		const [item] = result.items;
		expect(item.json.error).toBe('This person cannot receive messages from the Page right now');
		expect(item.json.errorCode).toBe(10);
		expect(String(item.json.errorDescription)).toMatch(/nothing to retry; skip this recipient/);
	});
});
