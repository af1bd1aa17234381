/**
 * The packed package as n8n sees it after a user installed it: loaded without warnings or errors,
 * both nodes and the credential in the lists the editor loads, each with its light and dark icon.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { E2E, REPO, connect, logTools, n8nLog, type N8nClient } from './lib/n8n';

interface TypeEntry {
	name: string;
	displayName: string;
	iconUrl?: { light: string; dark: string };
	version?: number | number[];
	group?: string[];
}

const ICON_LIGHT = readFileSync(join(REPO, 'icons', 'social-messaging.svg'));
const ICON_DARK = readFileSync(join(REPO, 'icons', 'social-messaging.dark.svg'));

let n8n: N8nClient;
before(async () => {
	n8n = await connect();
});

/** Fetches an icon the way the editor's <img> does and checks it is our SVG. */
async function assertIcon(path: string, expected: Buffer): Promise<void> {
	const response = await fetch(new URL(path, E2E.url));
	assert.equal(response.status, 200, `GET ${path}`);
	assert.match(response.headers.get('content-type') ?? '', /^image\/svg\+xml/, `content type of ${path}`);
	const body = Buffer.from(await response.arrayBuffer());
	assert.match(body.toString('utf8'), /^<svg[\s>]/);
	assert.ok(body.equals(expected), `${path} is not the package's icon file`);
}

describe(`the package in n8n ${E2E.version}`, () => {
	test('n8n loaded it (1 credential, 2 nodes) and logged no warning or error about it', async () => {
		const { packageLoadEntry, logProblems, describeProblems, PACKAGE_NAME } = await logTools();
		const log = n8nLog();
		const loaded = packageLoadEntry(log);
		assert.ok(loaded, `no "Loaded all credentials and nodes from ${PACKAGE_NAME}" in ${E2E.logFile}`);
		assert.equal(loaded.metadata.credentials, 1);
		assert.equal(loaded.metadata.nodes, 2);
		const problems = logProblems(log);
		assert.deepEqual(problems, [], `unexpected entries in n8n's log:\n${describeProblems(problems)}`);
	});

	test('both nodes are in the editor\'s node list, with light and dark icons served as SVG', async () => {
		const types = await n8n.request<TypeEntry[]>('GET', '/types/nodes.json');
		const ours = types.filter((type) => type.name.startsWith('n8n-nodes-social-messaging.'));
		assert.deepEqual(ours.map((type) => type.name).sort(), [
			'n8n-nodes-social-messaging.socialMessaging',
			'n8n-nodes-social-messaging.socialMessagingTool', // n8n's AI-tool variant of a usableAsTool node
			'n8n-nodes-social-messaging.socialMessagingTrigger',
		]);
		const byName = new Map(ours.map((type) => [type.name, type]));
		const action = byName.get('n8n-nodes-social-messaging.socialMessaging')!;
		const trigger = byName.get('n8n-nodes-social-messaging.socialMessagingTrigger')!;
		assert.equal(action.displayName, 'Social Messaging');
		assert.equal(trigger.displayName, 'Social Messaging Trigger');
		for (const type of ours) {
			assert.deepEqual(type.iconUrl, {
				light: 'icons/n8n-nodes-social-messaging/dist/icons/social-messaging.svg',
				dark: 'icons/n8n-nodes-social-messaging/dist/icons/social-messaging.dark.svg',
			}, `icons of ${type.name}`);
		}
		await assertIcon(action.iconUrl!.light, ICON_LIGHT);
		await assertIcon(action.iconUrl!.dark, ICON_DARK);
		await assertIcon(trigger.iconUrl!.light, ICON_LIGHT);
		await assertIcon(trigger.iconUrl!.dark, ICON_DARK);
		assert.ok(!ICON_LIGHT.equals(ICON_DARK), 'the dark icon is a copy of the light one');
	});

	test('the editor gets both nodes\' full descriptions', async () => {
		const descriptions = await n8n.request<Array<{ name: string; displayName: string; properties: Array<{ name: string }>; credentials?: Array<{ name: string }>; webhooks?: unknown[] }>>(
			'POST',
			'/rest/node-types',
			{
				nodeInfos: [
					{ name: 'n8n-nodes-social-messaging.socialMessaging', version: 1 },
					{ name: 'n8n-nodes-social-messaging.socialMessagingTrigger', version: 1 },
				],
			},
		);
		assert.deepEqual(descriptions.map((d) => d.displayName).sort(), ['Social Messaging', 'Social Messaging Trigger']);
		for (const description of descriptions) {
			assert.deepEqual(description.credentials?.map((c) => c.name), ['socialMessagingApi']);
			// n8n may put its own notices first (e.g. the trigger's webhook URLs); the package's fields follow.
			assert.ok(description.properties.some((p) => p.name === 'platform'), `${description.displayName} has no Platform field`);
		}
		const action = descriptions.find((d) => d.displayName === 'Social Messaging')!;
		for (const field of ['resource', 'operation', 'recipientId', 'messageType', 'templateType', 'quickReplies', 'options']) {
			assert.ok(action.properties.some((p) => p.name === field), `the action node has no "${field}" field`);
		}
		const trigger = descriptions.find((d) => d.displayName === 'Social Messaging Trigger')!;
		assert.equal(trigger.webhooks?.length, 2);
	});

	test('the credential is in the editor\'s credential list, with light and dark icons', async () => {
		const types = await n8n.request<Array<TypeEntry & { properties: Array<{ name: string }> }>>('GET', '/types/credentials.json');
		const ours = types.filter((type) => type.name === 'socialMessagingApi');
		assert.equal(ours.length, 1);
		const [credential] = ours;
		assert.equal(credential.displayName, 'Social Messaging API');
		assert.deepEqual(credential.iconUrl, {
			light: 'icons/n8n-nodes-social-messaging/dist/icons/social-messaging.svg',
			dark: 'icons/n8n-nodes-social-messaging/dist/icons/social-messaging.dark.svg',
		});
		await assertIcon(credential.iconUrl!.light, ICON_LIGHT);
		await assertIcon(credential.iconUrl!.dark, ICON_DARK);
		// n8n appends its own fields (newer versions: allowed HTTP request domains).
		assert.deepEqual(
			credential.properties.map((p) => p.name).slice(0, 9),
			['provider', 'pageId', 'accessToken', 'instagramAccountId', 'appId', 'appSecret', 'graphApiVersion', 'useCustomBaseUrl', 'baseUrl'],
		);
	});
});
