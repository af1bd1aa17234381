/**
 * The account tools of the Social Messaging node inside a real n8n, against the sandbox: Persona (create,
 * list in the editor, send as it, get many, delete), User Profile, Handover, Messenger Profile (Messenger,
 * and ice breakers on Instagram), and the Custom Payload and Notification Opt-In sends. Each operation is
 * its own workflow run over n8n's REST API; each test asserts the output items and exactly the requests the
 * platform received.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { APP_ID, APP_SECRET, PAGE_ID, PAGE_TOKEN, USERS, appSecretProof, metaGraphCredentialData } from './lib/fixtures';
import { E2E, connect, nodeOutput, type N8nClient } from './lib/n8n';
import { requestsSince, startSandbox, type Recorded, type Sandbox } from './lib/sandbox';
import { byId, chain, manualTrigger, socialMessaging, type CredentialRef } from './lib/workflows';

const PAGE_INBOX = '263902037430900';
const proof = appSecretProof(APP_SECRET, PAGE_TOKEN);
const call = (method: string, path: string, extra: { query?: Record<string, string>; body?: unknown } = {}): Recorded => ({
	method,
	path,
	version: 'v23.0',
	query: { ...(extra.query ?? {}), appsecret_proof: proof },
	...(extra.body === undefined ? {} : { body: extra.body }),
	status: 200,
});

describe(`Account tools in n8n ${E2E.version}`, () => {
	let n8n: N8nClient;
	let sandbox: Sandbox;
	let credential: CredentialRef;

	beforeAll(async () => {
		[n8n, sandbox] = await Promise.all([connect(), startSandbox()]);
		const created = await n8n.importCredential({ name: 'Sandbox: account tools', type: 'socialMessagingApi', data: metaGraphCredentialData(sandbox.graphUrl) });
		credential = { id: created.id, name: created.name };
	});

	afterAll(async () => {
		await sandbox?.stop();
	});

	async function run(title: string, parameters: Record<string, unknown>) {
		const workflow = chain(`e2e account tools: ${title}`, [manualTrigger(), socialMessaging('Social Messaging', { platform: 'messenger', ...parameters }, credential)]);
		const stored = await n8n.createWorkflow(workflow);
		const since = await sandbox.mark();
		const execution = await n8n.runWorkflow(stored.id);
		const error = execution.data.resultData.error;
		// The run's error, if any, shows in the failure.
		expect({ status: execution.status, error: error?.message, description: error?.description }).toMatchObject({ status: 'success' });
		return { items: await nodeOutput(execution, 'Social Messaging'), requests: await requestsSince(sandbox, since) };
	}

	it('Persona: create, pick it in the editor\'s list, send as it, list, delete', async () => {
		const created = await run('persona create', { resource: 'persona', operation: 'create', personaName: 'Anna from Support', profilePictureUrl: 'https://example.com/anna.png' });
		expect(created.items.length).toBe(1);
		const id = String(created.items[0].id);
		expect(id).toMatch(/^\d+$/);
		expect(created.items).toStrictEqual([{ platform: 'messenger', id, name: 'Anna from Support', profilePictureUrl: 'https://example.com/anna.png' }]);
		expect(created.requests).toStrictEqual([call('POST', `/${PAGE_ID}/personas`, { body: { name: 'Anna from Support', profile_picture_url: 'https://example.com/anna.png' } })]);

		const list = await n8n.request<{ results: Array<Record<string, unknown>> }>('POST', '/rest/dynamic-node-parameters/resource-locator-results', {
			nodeTypeAndVersion: { name: 'n8n-nodes-social-messaging.socialMessaging', version: 1 },
			path: 'parameters.options.personaId',
			methodName: 'searchPersonas',
			currentNodeParameters: { platform: 'messenger', resource: 'message', operation: 'send', options: { personaId: { __rl: true, mode: 'list', value: '' } } },
			credentials: { socialMessagingApi: credential },
		});
		expect(list.results).toStrictEqual([{ name: `Anna from Support (${id})`, value: id, url: 'https://example.com/anna.png' }]);

		const sent = await run('send as persona', {
			resource: 'message',
			operation: 'send',
			recipientType: 'user',
			recipientId: byId(USERS.alice.id),
			messageType: 'text',
			text: 'Anna here, how can I help?',
			options: { personaId: { __rl: true, mode: 'list', value: id } },
		});
		expect(sent.requests).toStrictEqual([
			call('POST', `/${PAGE_ID}/messages`, { body: { recipient: { id: USERS.alice.id }, messaging_type: 'RESPONSE', message: { text: 'Anna here, how can I help?' }, persona_id: id } }),
		]);

		const many = await run('persona getAll', { resource: 'persona', operation: 'getAll', returnAll: true });
		expect(many.items).toStrictEqual([{ platform: 'messenger', id, name: 'Anna from Support', profilePictureUrl: 'https://example.com/anna.png' }]);
		expect(many.requests).toStrictEqual([call('GET', `/${PAGE_ID}/personas`, { query: { fields: 'id,name,profile_picture_url', limit: '100' } })]);

		const deleted = await run('persona delete', { resource: 'persona', operation: 'delete', personaId: byId(id) });
		expect(deleted.items).toStrictEqual([{ platform: 'messenger', id, deleted: true }]);
		expect(deleted.requests).toStrictEqual([call('DELETE', `/${id}`)]);
	});

	it('User Profile: a person\'s name, picture, locale and timezone', async () => {
		const { items, requests } = await run('user profile', { resource: 'userProfile', operation: 'get', userId: byId(USERS.alice.id), messengerFields: ['first_name', 'last_name', 'profile_pic', 'locale', 'timezone'] });
		expect(items).toStrictEqual([
			{
				id: USERS.alice.id,
				platform: 'messenger',
				firstName: 'Alice',
				lastName: 'Müller',
				profilePictureUrl: `${sandbox.graphUrl}/cdn/profiles/${USERS.alice.id}.png`,
				locale: 'de_DE',
				timezone: 2,
			},
		]);
		expect(requests).toStrictEqual([call('GET', `/${USERS.alice.id}`, { query: { fields: 'first_name,last_name,profile_pic,locale,timezone' } })]);
	});

	it('Handover: pass to the Page inbox, read the owner, take it back', async () => {
		const passed = await run('pass thread control', { resource: 'handover', operation: 'passThreadControl', userId: byId(USERS.bob.id), handoverMetadata: 'needs a human' });
		expect(passed.items).toStrictEqual([{ platform: 'messenger', userId: USERS.bob.id, targetAppId: PAGE_INBOX, success: true }]);
		expect(passed.requests).toStrictEqual([call('POST', `/${PAGE_ID}/pass_thread_control`, { body: { recipient: { id: USERS.bob.id }, target_app_id: PAGE_INBOX, metadata: 'needs a human' } })]);

		const owner = await run('thread owner', { resource: 'handover', operation: 'getThreadOwner', userId: byId(USERS.bob.id) });
		expect(owner.items).toStrictEqual([{ platform: 'messenger', userId: USERS.bob.id, threadOwnerAppId: PAGE_INBOX }]);
		expect(owner.requests).toStrictEqual([call('GET', `/${PAGE_ID}/thread_owner`, { query: { recipient: USERS.bob.id } })]);

		const taken = await run('take thread control', { resource: 'handover', operation: 'takeThreadControl', userId: byId(USERS.bob.id) });
		expect(taken.items).toStrictEqual([{ platform: 'messenger', userId: USERS.bob.id, success: true }]);
		expect(taken.requests).toStrictEqual([call('POST', `/${PAGE_ID}/take_thread_control`, { body: { recipient: { id: USERS.bob.id } } })]);
		const again = await run('thread owner again', { resource: 'handover', operation: 'getThreadOwner', userId: byId(USERS.bob.id) });
		expect(again.items[0].threadOwnerAppId).toBe(APP_ID);
	});

	it('Messenger Profile: Get Started, a greeting with {{user_first_name}}, the menu; read back; delete', async () => {
		const started = await run('profile get started', { resource: 'messengerProfile', operation: 'set', profileProperty: 'getStarted', getStartedPayload: 'GET_STARTED' });
		expect(started.requests).toStrictEqual([call('POST', `/${PAGE_ID}/messenger_profile`, { body: { get_started: { payload: 'GET_STARTED' } } })]);
		const greeting = [{ locale: 'default', text: 'Hi {{user_first_name}}, welcome!' }];
		const greeted = await run('profile greeting', { resource: 'messengerProfile', operation: 'set', profileProperty: 'greeting', greetings: { greeting } });
		expect(greeted.requests).toStrictEqual([call('POST', `/${PAGE_ID}/messenger_profile`, { body: { greeting } })]);
		const menu = await run('profile menu', {
			resource: 'messengerProfile',
			operation: 'set',
			profileProperty: 'persistentMenu',
			menuItems: { item: [{ type: 'postback', title: 'Talk to a human', payload: 'HUMAN' }, { type: 'web_url', title: 'Shop', url: 'https://example.com/shop' }] },
		});
		const menuBody = [
			{
				locale: 'default',
				composer_input_disabled: false,
				call_to_actions: [
					{ type: 'postback', title: 'Talk to a human', payload: 'HUMAN' },
					{ type: 'web_url', title: 'Shop', url: 'https://example.com/shop' },
				],
			},
		];
		expect(menu.requests).toStrictEqual([call('POST', `/${PAGE_ID}/messenger_profile`, { body: { persistent_menu: menuBody } })]);

		const read = await run('profile get', { resource: 'messengerProfile', operation: 'get', profileFields: ['get_started', 'greeting', 'persistent_menu'] });
		expect(read.items).toStrictEqual([
			{
				platform: 'messenger',
				getStartedPayload: 'GET_STARTED',
				greetings: greeting,
				persistentMenus: [
					{
						locale: 'default',
						composerInputDisabled: false,
						items: [
							{ type: 'postback', title: 'Talk to a human', payload: 'HUMAN' },
							{ type: 'web_url', title: 'Shop', url: 'https://example.com/shop' },
						],
					},
				],
			},
		]);
		expect(read.requests).toStrictEqual([call('GET', `/${PAGE_ID}/messenger_profile`, { query: { fields: 'get_started,greeting,persistent_menu' } })]);

		const removed = await run('profile delete', { resource: 'messengerProfile', operation: 'delete', profileFields: ['persistent_menu', 'get_started', 'greeting'] });
		expect(removed.items).toStrictEqual([{ platform: 'messenger', deleted: ['persistent_menu', 'get_started', 'greeting'], success: true }]);
		expect(removed.requests).toStrictEqual([call('DELETE', `/${PAGE_ID}/messenger_profile`, { body: { fields: ['persistent_menu', 'get_started', 'greeting'] } })]);
	});

	it('Messenger Profile on Instagram through the Page: ice breakers with platform=instagram', async () => {
		const { items, requests } = await run('instagram ice breakers', {
			platform: 'instagram',
			resource: 'messengerProfile',
			operation: 'set',
			iceBreakers: { question: [{ question: 'Do you ship abroad?', payload: 'SHIPPING' }] },
		});
		const body = { ice_breakers: [{ locale: 'default', call_to_actions: [{ question: 'Do you ship abroad?', payload: 'SHIPPING' }] }] };
		expect(requests).toStrictEqual([call('POST', `/${PAGE_ID}/messenger_profile`, { query: { platform: 'instagram' }, body })]);
		expect(items).toStrictEqual([{ platform: 'instagram', iceBreakers: [{ locale: 'default', questions: [{ question: 'Do you ship abroad?', payload: 'SHIPPING' }] }], success: true }]);
	});

	it('Send: a custom payload and a notification opt-in request go out exactly', async () => {
		const custom = { text: 'Pick one', quick_replies: [{ content_type: 'text', title: 'A', payload: 'A' }] };
		const sent = await run('custom payload', { resource: 'message', operation: 'send', recipientType: 'user', recipientId: byId(USERS.alice.id), messageType: 'custom', customPayload: JSON.stringify(custom) });
		expect(sent.requests).toStrictEqual([call('POST', `/${PAGE_ID}/messages`, { body: { recipient: { id: USERS.alice.id }, messaging_type: 'RESPONSE', message: custom } })]);
		expect(typeof sent.items[0].messageId).toBe('string');

		const optIn = await run('notification opt-in', {
			resource: 'message',
			operation: 'send',
			recipientType: 'user',
			recipientId: byId(USERS.alice.id),
			messageType: 'template',
			templateType: 'notificationOptIn',
			optInTitle: 'Updates on order 42',
			optInPayload: 'ORDER_42',
			optInFrequency: 'DAILY',
		});
		expect(optIn.requests).toStrictEqual([
			call('POST', `/${PAGE_ID}/messages`, {
				body: {
					recipient: { id: USERS.alice.id },
					messaging_type: 'RESPONSE',
					message: { attachment: { type: 'template', payload: { template_type: 'notification_messages', title: 'Updates on order 42', payload: 'ORDER_42', notification_messages_frequency: 'DAILY' } } },
				},
			}),
		]);
	});
});
