/**
 * The packed package as n8n sees it after a user installed it: loaded without warnings or errors,
 * its three nodes and both credentials (the shared one and X OAuth2) in the lists the editor loads, each with
 * its light and dark icon.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SocialMessagingApi } from '../../credentials/SocialMessagingApi.credentials';
import { XOAuth2Api } from '../../credentials/XOAuth2Api.credentials';
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
beforeAll(async () => {
	n8n = await connect();
});

/** Fetches an icon the way the editor's <img> does and checks it is our SVG. */
async function assertIcon(path: string, expected: Buffer): Promise<void> {
	const response = await fetch(new URL(path, E2E.url));
	// GET ${path}
	expect(response.status).toBe(200);
	// content type of ${path}
	expect(response.headers.get('content-type') ?? '').toMatch(/^image\/svg\+xml/);
	const body = Buffer.from(await response.arrayBuffer());
	expect(body.toString('utf8')).toMatch(/^<svg[\s>]/);
	// ${path} is not the package's icon file
	expect(body.equals(expected)).toBeTruthy();
}

describe(`the package in n8n ${E2E.version}`, () => {
	it('n8n loaded it (2 credentials, 3 nodes) and logged no warning or error about it', async () => {
		const { packageLoadEntry, logProblems } = await logTools();
		const log = n8nLog();
		const loaded = packageLoadEntry(log);
		// n8n logs "Loaded all credentials and nodes from n8n-nodes-social-messaging" (E2E_N8N_LOG)
		expect(loaded).toBeTruthy();
		expect(loaded!.metadata.credentials).toBe(2);
		expect(loaded!.metadata.nodes).toBe(3);
		const problems = logProblems(log);
		// no unexpected entries in n8n's log (a failure lists them)
		expect(problems).toStrictEqual([]);
	});

	it('the three nodes are in the editor\'s node list, with light and dark icons served as SVG', async () => {
		const types = await n8n.request<TypeEntry[]>('GET', '/types/nodes.json');
		const ours = types.filter((type) => type.name.startsWith('n8n-nodes-social-messaging.'));
		expect(ours.map((type) => type.name).sort()).toStrictEqual([
			'n8n-nodes-social-messaging.socialMessaging',
			'n8n-nodes-social-messaging.socialMessagingPollTrigger',
			'n8n-nodes-social-messaging.socialMessagingTool', // n8n's AI-tool variant of a usableAsTool node
			'n8n-nodes-social-messaging.socialMessagingTrigger',
		]);
		const byName = new Map(ours.map((type) => [type.name, type]));
		const action = byName.get('n8n-nodes-social-messaging.socialMessaging')!;
		const trigger = byName.get('n8n-nodes-social-messaging.socialMessagingTrigger')!;
		expect(action.displayName).toBe('Social Messaging');
		expect(trigger.displayName).toBe('Social Messaging Trigger');
		expect(byName.get('n8n-nodes-social-messaging.socialMessagingPollTrigger')!.displayName).toBe('Social Messaging Poll Trigger');
		for (const type of ours) {
			// icons of ${type.name}
			expect(type.iconUrl).toStrictEqual({
				light: 'icons/n8n-nodes-social-messaging/dist/icons/social-messaging.svg',
				dark: 'icons/n8n-nodes-social-messaging/dist/icons/social-messaging.dark.svg',
			});
		}
		await assertIcon(action.iconUrl!.light, ICON_LIGHT);
		await assertIcon(action.iconUrl!.dark, ICON_DARK);
		await assertIcon(trigger.iconUrl!.light, ICON_LIGHT);
		await assertIcon(trigger.iconUrl!.dark, ICON_DARK);
		// the dark icon is a copy of the light one
		expect(ICON_LIGHT.equals(ICON_DARK)).toBeFalsy();
	});

	it('the editor gets both nodes\' full descriptions', async () => {
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
		expect(descriptions.map((d) => d.displayName).sort()).toStrictEqual(['Social Messaging', 'Social Messaging Trigger']);
		for (const description of descriptions) {
			expect(description.credentials?.map((c) => c.name)).toStrictEqual(['socialMessagingApi', 'xOAuth2Api']);
			// n8n may put its own notices first (e.g. the trigger's webhook URLs); the package's fields follow.
			// ${description.displayName} has no Platform field
			expect(description.properties.some((p) => p.name === 'platform')).toBeTruthy();
		}
		const action = descriptions.find((d) => d.displayName === 'Social Messaging')!;
		for (const field of ['resource', 'operation', 'recipientId', 'messageType', 'templateType', 'quickReplies', 'options']) {
			// the action node has no "${field}" field
			expect(action.properties.some((p) => p.name === field)).toBeTruthy();
		}
		const trigger = descriptions.find((d) => d.displayName === 'Social Messaging Trigger')!;
		expect(trigger.webhooks?.length).toBe(2);
	});

	it('the credential is in the editor\'s credential list, with light and dark icons', async () => {
		const types = await n8n.request<Array<TypeEntry & { properties: Array<{ name: string }> }>>('GET', '/types/credentials.json');
		const ours = types.filter((type) => type.name === 'socialMessagingApi');
		expect(ours.length).toBe(1);
		const [credential] = ours;
		expect(credential.displayName).toBe('Social Messaging API');
		expect(credential.iconUrl).toStrictEqual({
			light: 'icons/n8n-nodes-social-messaging/dist/icons/social-messaging.svg',
			dark: 'icons/n8n-nodes-social-messaging/dist/icons/social-messaging.dark.svg',
		});
		await assertIcon(credential.iconUrl!.light, ICON_LIGHT);
		await assertIcon(credential.iconUrl!.dark, ICON_DARK);
		// Every field of the credential, in its order, for every provider; n8n appends its own fields
		// after them (newer versions: allowed HTTP request domains).
		const declared = new SocialMessagingApi().properties.map((p) => p.name);
		expect(declared).toEqual(expect.arrayContaining(['provider', 'xAccessTokenSecret', 'useCustomBaseUrl', 'baseUrl']));
		expect(credential.properties.map((p) => p.name).slice(0, declared.length)).toStrictEqual(declared);
	});

	it('the X OAuth2 credential is in the list too, built on n8n\'s OAuth2 type, with the same icons', async () => {
		const types = await n8n.request<Array<TypeEntry & { extends?: string[]; properties: Array<{ name: string }> }>>('GET', '/types/credentials.json');
		const ours = types.filter((type) => type.name === 'xOAuth2Api');
		expect(ours.length).toBe(1);
		const [credential] = ours;
		expect(credential.displayName).toBe('X OAuth2 API');
		expect(credential.extends).toStrictEqual(['oAuth2Api']);
		expect(credential.iconUrl).toStrictEqual({
			light: 'icons/n8n-nodes-social-messaging/dist/icons/social-messaging.svg',
			dark: 'icons/n8n-nodes-social-messaging/dist/icons/social-messaging.dark.svg',
		});
		await assertIcon(credential.iconUrl!.light, ICON_LIGHT);
		await assertIcon(credential.iconUrl!.dark, ICON_DARK);
		const declared = new XOAuth2Api().properties.map((p) => p.name);
		expect(declared).toEqual(expect.arrayContaining(['grantType', 'scope', 'xApiKeySecret', 'xBearerToken', 'baseUrl']));
		expect(credential.properties.map((p) => p.name).slice(0, declared.length)).toStrictEqual(declared);
	});
});
