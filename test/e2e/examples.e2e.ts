/**
 * The five workflows in examples/ exactly as users import them (only the credential references are
 * pointed at the credentials created here, as the editor asks a user to pick one), inside n8n with n8n's
 * own Edit Fields, Switch and Schedule Trigger nodes: the order update run by hand, the lead funnel and
 * the support desk activated and driven by deliveries from the sandbox, whose record of received
 * requests and delivered messages shows the replies; the out-of-office desk's two schedules run by hand
 * against the sandbox's fake Ayrshare, and its Ayrshare trigger driven by Ayrshare deliveries; the X
 * lead funnel activated on the sandbox's fake X API and driven by a signed DM.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { PEOPLE } from '../fakes/ayrshare';
import { ayrshareCredentials } from '../workflows/ayrshare.setup';
import { APP_ID, APP_SECRET, IG_ACCOUNT_ID, PAGE_ID, PAGE_TOKEN, USERS, appSecretProof, metaGraphCredentialData } from './lib/fixtures';
import { E2E, REPO, connect, nodeOutput, type Execution, type N8nClient, type StoredWorkflow, type Workflow } from './lib/n8n';
import { requestsSince, startSandbox, type DeliverRequest, type Recorded, type Sandbox } from './lib/sandbox';
import { ME, X_USERS, xCredentialData } from '../fakes/x';
import { dmItem, xRequest, xSubscriptions, xWebhooks } from './lib/x';

let n8n: N8nClient;
let sandbox: Sandbox;
/** The examples' credential reference id -> the credential created here. */
const credentialIds: Record<string, string> = {};

const CREDENTIAL_NAME = 'Social Messaging (sandbox)';
const AYRSHARE_CREDENTIAL_NAME = 'Social Messaging (sandbox, Ayrshare)';
const X_CREDENTIAL_NAME = 'Social Messaging (sandbox, X)';
const NAMES: Record<string, string> = { socialMessagingSandbox: CREDENTIAL_NAME, socialMessagingSandboxAyrshare: AYRSHARE_CREDENTIAL_NAME, socialMessagingSandboxX: X_CREDENTIAL_NAME };
const proof = appSecretProof(APP_SECRET, PAGE_TOKEN);

beforeAll(async () => {
	[n8n, sandbox] = await Promise.all([connect(), startSandbox()]);
	const credential = await n8n.importCredential({
		name: CREDENTIAL_NAME,
		type: 'socialMessagingApi',
		data: metaGraphCredentialData(sandbox.graphUrl),
	});
	const ayrshare = await n8n.importCredential({ name: AYRSHARE_CREDENTIAL_NAME, type: 'socialMessagingApi', data: ayrshareCredentials({ url: sandbox.ayrshareUrl }) });
	credentialIds.socialMessagingSandbox = credential.id;
	credentialIds.socialMessagingSandboxAyrshare = ayrshare.id;
	const x = await n8n.importCredential({ name: X_CREDENTIAL_NAME, type: 'socialMessagingApi', data: xCredentialData(sandbox.xUrl) });
	credentialIds.socialMessagingSandboxX = x.id;
});

afterAll(async () => {
	await sandbox?.stop();
});

/** An example file, its credential references pointed at the credentials created above (the demo's ids). */
async function importExample(file: string): Promise<{ stored: StoredWorkflow; source: Workflow }> {
	const source = JSON.parse(readFileSync(join(REPO, 'examples', file), 'utf8')) as Workflow;
	const nodes = source.nodes.map((node) => {
		const reference = node.credentials?.socialMessagingApi as { id: string; name: string } | undefined;
		if (!reference) return node;
		expect(reference).toStrictEqual({ id: reference.id, name: NAMES[reference.id] });
		return { ...node, credentials: { socialMessagingApi: { id: credentialIds[reference.id], name: reference.name } } };
	});
	return { stored: await n8n.createWorkflow({ ...source, nodes }), source };
}

const send = (body: Record<string, unknown>): Recorded => ({ method: 'POST', path: `/${PAGE_ID}/messages`, version: 'v23.0', query: { appsecret_proof: proof }, body, status: 200 });

/** The platform delivered `message` to `recipient` exactly once, under the mid the node reported. */
async function assertDeliveredOnce(recipient: string, message: Record<string, unknown>, messageId: unknown): Promise<void> {
	const { deliveries, duplicates } = await sandbox.deliveries();
	// Marking a conversation seen twice is fine; a message twice is not.
	expect(duplicates.filter((entry) => entry.content.message !== undefined)).toStrictEqual([]);
	const delivery = deliveries.find((entry) => entry.recipient === recipient && isDeepStrictEqual(entry.content, { message }));
	// nothing like ${JSON.stringify(message)} reached ${recipient}
	expect(delivery).toBeTruthy();
	expect(delivery!.count).toBe(1);
	expect(delivery!.mids).toStrictEqual([messageId]);
}

/** One Send output item with the platform's message id. */
function sentItem(items: Array<Record<string, unknown>>, platform: string, recipientId: string): Record<string, unknown> {
	expect(items.length).toBe(1);
	const [{ sentAt, messageId, ...rest }] = items;
	expect(rest).toStrictEqual({ platform, recipientId });
	expect(String(sentAt)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
	expect(typeof messageId).toBe('string');
	return items[0];
}

/** Delivers a signed event to the app's registered callback and waits for the execution it starts. */
async function deliverAndRun(workflow: StoredWorkflow, request: DeliverRequest, known: string[]): Promise<{ execution: Execution; event: Record<string, any>; requests: Recorded[] }> {
	const since = await sandbox.mark();
	const result = await sandbox.deliver(request);
	// result.reason
	expect(result.delivered).toBe(true);
	expect(result.result?.status).toBe(200);
	const event = JSON.parse(Buffer.from(result.result!.sentBody.data).toString('utf8')).entry[0].messaging[0] as Record<string, any>;
	const execution = await n8n.waitForNewExecution(workflow.id, { known });
	// JSON.stringify(execution.data.resultData.error ?? {})
	expect(execution.status).toBe('success');
	known.push(String(execution.id));
	return { execution, event, requests: await requestsSince(sandbox, since) };
}

describe(`examples/ in n8n ${E2E.version}`, () => {
	it('order-update-notification.json: run by hand, sends the receipt and asks for notification opt-in', async () => {
		const { stored, source } = await importExample('order-update-notification.json');
		const order = JSON.parse(String(source.nodes.find((node) => node.name === 'Order from your shop')!.parameters.jsonOutput)) as Record<string, unknown>;
		const since = await sandbox.mark();
		// The workflow has a second trigger (the opt-in); this run starts at the manual one.
		const execution = await n8n.runWorkflow(stored.id, { triggerNode: "When clicking 'Execute workflow'" });
		// JSON.stringify(execution.data.resultData.error ?? {})
		expect(execution.status).toBe('success');

		const receipt = {
			attachment: {
				type: 'template',
				payload: {
					template_type: 'receipt',
					recipient_name: 'Alice Müller',
					order_number: 'ORD-10042',
					currency: 'EUR',
					payment_method: 'Visa 4242',
					order_url: 'https://shop.example.com/orders/10042',
					timestamp: String(Date.parse('2026-11-20T14:05:00Z') / 1000),
					summary: { subtotal: 49, shipping_cost: 4.9, total_tax: 0, total_cost: 53.9 },
					elements: [
						{ title: 'Ethiopia Yirgacheffe, 250 g', quantity: 2, price: 12.5, currency: 'EUR' },
						{ title: 'Ceramic pour-over dripper', quantity: 1, price: 24, currency: 'EUR' },
					],
				},
			},
		};
		const followUp = {
			attachment: {
				type: 'template',
				payload: { template_type: 'notification_messages', title: 'Shipping updates for ORD-10042', payload: 'SHIPPING_ORD-10042', notification_messages_frequency: 'DAILY' },
			},
		};
		expect(order.customerPsid).toBe(USERS.alice.id);
		expect(await requestsSince(sandbox, since)).toStrictEqual([
			send({ recipient: { id: USERS.alice.id }, messaging_type: 'UTILITY', message: receipt }),
			send({ recipient: { id: USERS.alice.id }, messaging_type: 'RESPONSE', message: followUp }),
		]);
		const receiptItem = sentItem(await nodeOutput(execution, 'Send receipt'), 'messenger', USERS.alice.id);
		const followUpItem = sentItem(await nodeOutput(execution, 'Ask to notify when it ships'), 'messenger', USERS.alice.id);
		await assertDeliveredOnce(USERS.alice.id, receipt, receiptItem.messageId);
		await assertDeliveredOnce(USERS.alice.id, followUp, followUpItem.messageId);
	});

	it('lead-generation-funnel.json: an Instagram DM gets quick replies, Pricing gets the plans, a plan is recorded and confirmed', async () => {
		const { stored } = await importExample('lead-generation-funnel.json');
		await n8n.activateWorkflow(stored.id, stored.versionId);
		const known: string[] = [];
		const ines = USERS.ines.id;
		try {
			const subscription = (await sandbox.status()).appSubscriptions.find((s) => s.object === 'instagram');
			expect(subscription?.callbackUrl).toBe(`${E2E.url}webhook/c71c5aa5-59b8-5a25-9a2d-5a24f10f041b/webhook`);

			// 1. A new conversation: the Switch's first output asks what they need.
			const first = await deliverAndRun(stored, { platform: 'instagram', event: 'message', from: 'ines', text: '¡Hola! Do you have a plan for small shops?' }, known);
			const ask = {
				text: 'Hi! Thanks for reaching out. What can we help you with?',
				quick_replies: [
					{ content_type: 'text', title: 'Pricing', payload: 'PRICING' },
					{ content_type: 'text', title: 'Book a demo', payload: 'DEMO' },
					{ content_type: 'text', title: 'Just browsing', payload: 'BROWSING' },
				],
			};
			expect(first.requests).toStrictEqual([send({ recipient: { id: ines }, messaging_type: 'RESPONSE', message: ask })]);
			const trigger = await nodeOutput(first.execution, 'Instagram DM');
			expect(trigger.map((item) => [item.type, item.text, (item.sender as { id: string }).id, item.accountId])).toStrictEqual([['message', '¡Hola! Do you have a plan for small shops?', ines, IG_ACCOUNT_ID]]);
			await assertDeliveredOnce(ines, ask, sentItem(await nodeOutput(first.execution, 'Ask what they need'), 'instagram', ines).messageId);

			// 2. The Pricing quick reply: 20 plans, the first 10 as a generic template with a "More plans" quick reply.
			const second = await deliverAndRun(stored, { platform: 'instagram', event: 'quick_reply', from: 'ines', text: 'Pricing', payload: 'PRICING' }, known);
			const source = JSON.parse(readFileSync(join(REPO, 'examples', 'lead-generation-funnel.json'), 'utf8')) as Workflow;
			const allPlans = JSON.parse(String(source.nodes.find((node) => node.name === 'Show plans')!.parameters.elementsJson)) as Array<Record<string, unknown>>;
			const page = (cards: Array<Record<string, unknown>>) => ({ type: 'template', payload: { template_type: 'generic', image_aspect_ratio: 'horizontal', elements: cards } });
			expect(second.requests.length).toBe(1);
			const firstPage = second.requests[0].body as { message: { quick_replies: Array<{ payload: string }> } };
			const more = firstPage.message.quick_replies[0].payload;
			expect(more).toMatch(/^SM_NEXT_PAGE:/);
			const plans = { attachment: page(allPlans.slice(0, 10)), quick_replies: [{ content_type: 'text', title: 'More plans', payload: more }] };
			expect(second.requests).toStrictEqual([send({ recipient: { id: ines }, messaging_type: 'RESPONSE', message: plans })]);
			await assertDeliveredOnce(ines, plans, sentItem(await nodeOutput(second.execution, 'Show plans'), 'instagram', ines).messageId);

			// 2b. "More plans": the trigger sends plans 11-20 itself (from the pages the execution stored); no execution.
			const sinceMore = await sandbox.mark();
			const tapped = await sandbox.deliver({ platform: 'instagram', event: 'quick_reply', from: 'ines', text: 'More plans', payload: more });
			expect(tapped.result?.status).toBe(200);
			let morePlans: Recorded[] = [];
			for (let i = 0; i < 100 && morePlans.length === 0; i++) {
				await new Promise((resolve) => setTimeout(resolve, 100));
				morePlans = await requestsSince(sandbox, sinceMore);
			}
			expect(morePlans).toStrictEqual([send({ recipient: { id: ines }, messaging_type: 'RESPONSE', message: { attachment: page(allPlans.slice(10)) } })]);

			// 3. A plan's postback button: the lead is recorded and confirmed.
			const third = await deliverAndRun(stored, { platform: 'instagram', event: 'postback', from: 'ines', title: 'Choose Growth', payload: 'PLAN_GROWTH' }, known);
			expect(await nodeOutput(third.execution, 'Record lead')).toStrictEqual([
				{ instagramUserId: ines, plan: 'growth', capturedAt: new Date(third.event.timestamp as number).toISOString(), source: 'instagram-dm-funnel' },
			]);
			const confirmation = { text: 'Great choice! We have noted your interest in the growth plan; someone from our team will message you today.' };
			expect(third.requests).toStrictEqual([send({ recipient: { id: ines }, messaging_type: 'RESPONSE', message: confirmation })]);
			await assertDeliveredOnce(ines, confirmation, sentItem(await nodeOutput(third.execution, 'Confirm to lead'), 'instagram', ines).messageId);
			expect((await n8n.listExecutions(stored.id)).map((e) => String(e.id)).sort()).toStrictEqual([...known].sort());
		} finally {
			await n8n.deactivateWorkflow(stored.id);
		}
		expect((await sandbox.status()).appSubscriptions).toStrictEqual([]);
	});

	it('support-desk-auto-reply.json: the first message gets the auto-reply once, every message is marked seen and ticketed', async () => {
		const { stored, source } = await importExample('support-desk-auto-reply.json');
		const autoResponseText = String(source.nodes.find((node) => node.name === 'Messenger inbox')!.parameters.autoResponseText);
		await n8n.activateWorkflow(stored.id, stored.versionId);
		const known: string[] = [];
		const bob = USERS.bob.id;
		try {
			const status = await sandbox.status();
			const subscription = status.appSubscriptions.find((s) => s.object === 'page');
			expect(subscription?.callbackUrl).toBe(`${E2E.url}webhook/64bedc82-c874-585a-b2c6-8cc10dc5520f/webhook`);
			// The Page itself is subscribed to the app too: without it Meta delivers nothing.
			expect(status.subscribedApps[PAGE_ID]?.[APP_ID]).toStrictEqual(['messages', 'messaging_postbacks']);
			const markSeen = send({ recipient: { id: bob }, sender_action: 'mark_seen' });

			const first = await deliverAndRun(stored, { platform: 'messenger', event: 'message', from: 'bob', text: 'My order #1042 is late 😟' }, known);
			const reply = { text: autoResponseText };
			// The trigger answers before the workflow runs; then the workflow marks the message seen.
			expect(first.requests).toStrictEqual([send({ recipient: { id: bob }, messaging_type: 'RESPONSE', message: reply }), markSeen]);
			const [event] = await nodeOutput(first.execution, 'Messenger inbox');
			const autoResponse = event.autoResponse as Record<string, unknown>;
			expect(autoResponse.status).toBe('sent');
			await assertDeliveredOnce(bob, reply, autoResponse.messageId);
			expect(await nodeOutput(first.execution, 'Mark as seen')).toStrictEqual([{ platform: 'messenger', action: 'mark_seen', recipientId: bob, success: true }]);
			expect(await nodeOutput(first.execution, 'Ticket for the support team')).toStrictEqual([
				{ customerId: bob, message: 'My order #1042 is late 😟', receivedAt: new Date(first.event.timestamp as number).toISOString(), autoReply: 'sent' },
			]);

			// Within the hour: no second auto-reply, still marked seen and ticketed.
			const second = await deliverAndRun(stored, { platform: 'messenger', event: 'message', from: 'bob', text: 'Hello?' }, known);
			expect(second.requests).toStrictEqual([markSeen]);
			expect(await nodeOutput(second.execution, 'Ticket for the support team')).toStrictEqual([
				{ customerId: bob, message: 'Hello?', receivedAt: new Date(second.event.timestamp as number).toISOString(), autoReply: 'skipped' },
			]);
			await assertDeliveredOnce(bob, reply, autoResponse.messageId);
		} finally {
			await n8n.deactivateWorkflow(stored.id);
		}
		const status = await sandbox.status();
		expect(status.appSubscriptions).toStrictEqual([]);
		expect(status.subscribedApps[PAGE_ID]?.[APP_ID]).toBeUndefined();
	});

	it('support-desk-out-of-office.json: 18:00 turns Ayrshare\'s auto-response on, Ayrshare answers with it, the trigger tickets the message; 9:00 turns it off', async () => {
		const { stored, source } = await importExample('support-desk-out-of-office.json');
		const text = String(source.nodes.find((node) => node.name === 'Out of office on')!.parameters.autoResponseMessage);
		const settings = { waitSeconds: 43200, provider: 'ayrshare', account: 'the Ayrshare profile: its Facebook, Instagram and X at once' };
		const autoResponse = (method: string, body?: unknown) => ({ method, path: '/messages/autoresponse', query: {}, ...(body ? { body } : {}), status: 200 });
		const known: string[] = [];

		let since = await sandbox.ayrshareMark();
		const evening = await n8n.runWorkflow(stored.id, { triggerNode: 'Weekdays at 18:00' });
		// JSON.stringify(evening.data.resultData.error ?? {})
		expect(evening.status).toBe('success');
		known.push(String(evening.id));
		expect(await sandbox.ayrshareRequests(since)).toStrictEqual([
			autoResponse('POST', { autoResponseActive: true, autoResponseMessage: text, autoResponseWaitSeconds: 43200 }),
			autoResponse('GET'),
		]);
		expect(await nodeOutput(evening, 'What Ayrshare sends now')).toStrictEqual([{ active: true, message: text, ...settings }]);

		await n8n.activateWorkflow(stored.id, stored.versionId);
		try {
			expect((await sandbox.status()).ayrshareWebhooks).toStrictEqual({ 'Support Desk': `${E2E.url}webhook/405d802b-a8fb-458c-a499-b334de27c065/webhook` });
			const written = await sandbox.deliverAyrshare({ platform: 'messenger', from: 'john', text: 'Is the shop open tomorrow?' });
			expect(written.attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.acknowledged])).toStrictEqual([[1, 200, true]]);
			expect(written.autoResponse).toStrictEqual({ recipientId: PEOPLE.facebook.id, text });
			const ticketed = await n8n.waitForNewExecution(stored.id, { known });
			// JSON.stringify(ticketed.data.resultData.error ?? {})
			expect(ticketed.status).toBe('success');
			known.push(String(ticketed.id));
			const [ticket] = await nodeOutput(ticketed, 'Ticket for the support team');
			expect({ ...ticket, receivedAt: undefined }).toStrictEqual({ customerId: PEOPLE.facebook.id, customerName: PEOPLE.facebook.name, message: 'Is the shop open tomorrow?', receivedAt: undefined });

			since = await sandbox.ayrshareMark();
			const morning = await n8n.runWorkflow(stored.id, { triggerNode: 'Weekdays at 9:00' });
			// JSON.stringify(morning.data.resultData.error ?? {})
			expect(morning.status).toBe('success');
			known.push(String(morning.id));
			// Turn Off sends one setting and reads the rest back; then the Get.
			expect(await sandbox.ayrshareRequests(since)).toStrictEqual([autoResponse('POST', { autoResponseActive: false }), autoResponse('GET'), autoResponse('GET')]);
			expect(await nodeOutput(morning, 'What Ayrshare sends now')).toStrictEqual([{ active: false, message: text, ...settings }]);
			const later = await sandbox.deliverAyrshare({ platform: 'messenger', from: 'sara', text: 'Good morning' });
			expect(later.acknowledged).toBe(true);
			expect(later.autoResponse).toBeUndefined();
			known.push(String((await n8n.waitForNewExecution(stored.id, { known })).id));
		} finally {
			await n8n.deactivateWorkflow(stored.id);
		}
		expect((await sandbox.status()).ayrshareWebhooks).toStrictEqual({});
	});
	it('x-dm-lead-funnel.json: an X DM is recorded as a lead and gets the qualifying question', async () => {
		const { stored } = await importExample('x-dm-lead-funnel.json');
		await n8n.activateWorkflow(stored.id, stored.versionId);
		const url = `${E2E.url}webhook/9d2e6a4c-7f13-5b8a-a2c4-3e5f7a9b1c02/webhook`;
		const { alice } = X_USERS;
		try {
			const [webhook] = await xWebhooks(sandbox);
			expect([webhook?.url, webhook?.valid]).toStrictEqual([url, true]);
			expect((await xSubscriptions(sandbox)).map((entry) => [entry.event_type, entry.filter.user_id, entry.webhook_id])).toStrictEqual([['dm.received', ME.id, webhook.id]]);

			const since = await sandbox.xMark();
			const text = 'Hi! What does your inbox tool cost for a team of five?';
			const delivered = await sandbox.deliver({ platform: 'x', from: 'alice', text });
			expect([delivered.delivered, delivered.result?.status]).toStrictEqual([true, 200]);
			const execution = await n8n.waitForNewExecution(stored.id);
			// JSON.stringify(execution.data.resultData.error ?? {})
			expect(execution.status).toBe('success');
			expect(await nodeOutput(execution, 'X DM')).toStrictEqual([dmItem('alice', text, delivered.dmEvent!)]);
			expect(await nodeOutput(execution, 'Record lead')).toStrictEqual([
				{ xUserId: alice.id, username: alice.username, name: alice.name, firstMessage: text, capturedAt: delivered.dmEvent!.createdAt, source: 'x-dm-funnel' },
			]);
			const question = 'Thanks for writing, Alice Walker! So we can point you to the right plan: how many direct messages does your team answer in a week?';
			const requests = await sandbox.xRequests(since);
			expect(requests).toStrictEqual([xRequest('user', 'POST', `/2/dm_conversations/with/${alice.id}/messages`, { body: { text: question }, status: 201 })]);
			const [reply] = await nodeOutput(execution, 'Ask qualifying question');
			expect({ ...reply, sentAt: undefined, messageId: undefined, conversationId: undefined }).toStrictEqual({ platform: 'x', recipientId: alice.id, sentAt: undefined, messageId: undefined, conversationId: undefined });
			expect(reply.messageId).toMatch(/^\d+$/);
			expect(await n8n.listExecutions(stored.id)).toHaveLength(1);
		} finally {
			await n8n.deactivateWorkflow(stored.id);
		}
		expect(await xWebhooks(sandbox)).toStrictEqual([]);
		expect(await xSubscriptions(sandbox)).toStrictEqual([]);
	});
});
