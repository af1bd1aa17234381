/**
 * Persona > Create / Get / Get Many / Delete and sending as a persona, through n8n's engine against the
 * fake Graph API: the exact requests, the output items, validation before any request, Continue On Fail,
 * the persona list of the resource locators, and Instagram refused before any request.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { PAGE_ID, PAGE_TOKEN, USERS } from '../fakes/graph';
import { runListSearch } from '../harness/loadOptions';
import { assertCall } from './account.helpers';
import { INSTAGRAM_PAGE, MESSENGER, assertErrorItem, assertItemError, assertNoError, runOn, sendBody, sendOn } from './message.helpers';
import { byId, metaCredentials, useFakeGraph } from './setup';

const fake = useFakeGraph();

beforeEach(() => {
	fake().clearRequests();
	fake().clearFailures();
	fake().state.personas.clear();
});

function seedPersona(name: string, createdTime: number): string {
	const id = fake().state.newPersonaId();
	fake().state.personas.set(id, { id, pageId: PAGE_ID, name, profilePictureUrl: `https://example.com/${name}.png`, createdTime });
	return id;
}

const personaRun = (parameters: Record<string, unknown>, options: Parameters<typeof runOn>[3] = {}) =>
	runOn(fake(), MESSENGER, { resource: 'persona', ...parameters } as never, options);

describe('Persona > Create', () => {
	it('posts name and profile_picture_url to the Page and outputs the new persona', async () => {
		const run = await personaRun({ operation: 'create', personaName: ' Anna from Support ', profilePictureUrl: 'https://example.com/anna.png' });
		assertNoError(run);
		expect(fake().requests.length).toBe(1);
		const [call] = fake().requests;
		assertCall(call, { method: 'POST', path: `/${PAGE_ID}/personas`, token: PAGE_TOKEN, body: { name: 'Anna from Support', profile_picture_url: 'https://example.com/anna.png' } });
		const id = (call.response as { id: string }).id;
		expect(run.items).toStrictEqual([
			{ json: { platform: 'messenger', id, name: 'Anna from Support', profilePictureUrl: 'https://example.com/anna.png' }, pairedItem: { item: 0 } },
		]);
		expect(fake().state.personas.get(id)?.name).toBe('Anna from Support');
	});

	it('a missing name or a picture that is not a URL fails that item before any request; the others go out', async () => {
		const items = [{ json: { name: '', url: 'https://example.com/a.png' } }, { json: { name: 'Ben', url: 'ben.png' } }, { json: { name: 'Cleo', url: 'https://example.com/c.png' } }];
		const run = await personaRun({ operation: 'create', personaName: '={{ $json.name }}', profilePictureUrl: '={{ $json.url }}' }, { items, continueOnFail: true });
		assertNoError(run);
		assertErrorItem(run.items[0], 0, /The persona has no name/);
		assertErrorItem(run.items[1], 1, /"ben\.png" is not an http\(s\) URL/);
		expect(run.items[2].json.name).toBe('Cleo');
		expect(fake().requests.length).toBe(1);
		expect(fake().requests[0].body).toStrictEqual({ name: 'Cleo', profile_picture_url: 'https://example.com/c.png' });
	});

	it('the fake refuses a picture that is not a URL, as Meta does (the node never sends one)', async () => {
		const response = await fetch(`${fake().url}/v23.0/${PAGE_ID}/personas`, {
			method: 'POST',
			headers: { authorization: `Bearer ${PAGE_TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'X', profile_picture_url: 'not a url' }),
		});
		expect(response.status).toBe(400);
		expect(((await response.json()) as { error: { code: number } }).error.code).toBe(100);
	});
});

describe('Persona > Get, Get Many, Delete', () => {
	it('Get reads one persona by ID with the fields the node needs', async () => {
		const id = seedPersona('Anna', 1);
		const run = await personaRun({ operation: 'get', personaId: byId(id) });
		assertNoError(run);
		assertCall(fake().requests[0], { method: 'GET', path: `/${id}`, token: PAGE_TOKEN, query: { fields: 'id,name,profile_picture_url' } });
		expect(run.items).toStrictEqual([{ json: { platform: 'messenger', id, name: 'Anna', profilePictureUrl: 'https://example.com/Anna.png' }, pairedItem: { item: 0 } }]);
	});

	it('Get Many pages through the Page\'s personas, newest first, up to Limit', async () => {
		const ids = ['A', 'B', 'C'].map((name, index) => seedPersona(name, index + 1));
		const run = await personaRun({ operation: 'getAll', returnAll: false, limit: 2 });
		assertNoError(run);
		expect(fake().requests.length).toBe(1);
		assertCall(fake().requests[0], { method: 'GET', path: `/${PAGE_ID}/personas`, token: PAGE_TOKEN, query: { fields: 'id,name,profile_picture_url', limit: '2' } });
		expect(run.items.map((item) => item.json.id)).toStrictEqual([ids[2], ids[1]]);

		fake().clearRequests();
		const all = await personaRun({ operation: 'getAll', returnAll: true });
		assertNoError(all);
		expect(all.items.map((item) => item.json.name)).toStrictEqual(['C', 'B', 'A']);
		expect(fake().requests.length).toBe(1);
		expect(fake().requests[0].query.limit).toBe('100');
	});

	it('Get Many follows the cursor when there are more personas than one page holds', async () => {
		for (let index = 0; index < 120; index++) seedPersona(`P${index}`, index + 1);
		const run = await personaRun({ operation: 'getAll', returnAll: true });
		assertNoError(run);
		expect(run.items.length).toBe(120);
		expect(fake().requests.length).toBe(2);
		// the second request carries the cursor
		expect(fake().requests[1].query.after).toBeTruthy();
	});

	it('Delete removes the persona and says so', async () => {
		const id = seedPersona('Gone', 1);
		const run = await personaRun({ operation: 'delete', personaId: byId(id) });
		assertNoError(run);
		assertCall(fake().requests[0], { method: 'DELETE', path: `/${id}`, token: PAGE_TOKEN });
		expect(run.items).toStrictEqual([{ json: { platform: 'messenger', id, deleted: true }, pairedItem: { item: 0 } }]);
		expect(fake().state.personas.has(id)).toBe(false);
	});

	it('an ID from an expression that is not one fails before any request', async () => {
		const run = await personaRun({ operation: 'get', personaId: byId('={{ "../me/messages" }}') });
		assertItemError(run.error, 0, /Persona ID "\.\.\/me\/messages" is not an ID/);
		expect(fake().requests.length).toBe(0);
	});
});

describe('Personas on Instagram', () => {
	for (const operation of ['create', 'get', 'getAll', 'delete']) {
		it(`${operation}: Instagram reached through an expression fails before any request`, async () => {
			const run = await runOn(fake(), INSTAGRAM_PAGE, {
				platform: '={{ "instagram" }}',
				resource: 'persona',
				operation,
				personaName: 'Anna',
				profilePictureUrl: 'https://example.com/anna.png',
				personaId: byId('2023000000000001'),
			});
			assertItemError(run.error, 0, /Personas are a Messenger feature/);
			expect(fake().requests.length).toBe(0);
		});
	}
});

describe('Sending as a persona', () => {
	it('the persona picked from the list goes out as persona_id', async () => {
		const id = seedPersona('Anna', 1);
		const run = await sendOn(fake(), MESSENGER, { messageType: 'text', text: 'Hi from Anna', options: { personaId: { __rl: true, mode: 'list', value: id } } });
		assertNoError(run);
		expect(fake().requests[0].body).toStrictEqual(sendBody(MESSENGER, { text: 'Hi from Anna' }, { persona_id: id }));
		expect(fake().state.findConversation(PAGE_ID, USERS.alice.id)?.messages[0].personaId).toBe(id);
	});

	it('a persona ID stored as plain text (workflows from before the list) still works', async () => {
		const id = seedPersona('Anna', 1);
		const run = await sendOn(fake(), MESSENGER, { messageType: 'text', text: 'Hi again', options: { personaId: id } });
		assertNoError(run);
		expect(fake().requests[0].body).toStrictEqual(sendBody(MESSENGER, { text: 'Hi again' }, { persona_id: id }));
	});

	it('the persona list shows the Page\'s personas, filtered by the search text', async () => {
		const anna = seedPersona('Anna', 1);
		const ben = seedPersona('Ben', 2);
		const parameters = { platform: 'messenger', resource: 'message', operation: 'send', options: { personaId: { __rl: true, mode: 'list', value: '' } } };
		const credentials = { socialMessagingApi: metaCredentials(fake()) };
		const all = await runListSearch({ method: 'searchPersonas', parameters, credentials, path: 'parameters.options.personaId' });
		expect(all.results).toStrictEqual([
			{ name: `Ben (${ben})`, value: ben, url: 'https://example.com/Ben.png' },
			{ name: `Anna (${anna})`, value: anna, url: 'https://example.com/Anna.png' },
		]);
		assertCall(fake().requests[0], { method: 'GET', path: `/${PAGE_ID}/personas`, token: PAGE_TOKEN, query: { fields: 'id,name,profile_picture_url', limit: '50' } });
		const filtered = await runListSearch({ method: 'searchPersonas', parameters, credentials, filter: 'ann', path: 'parameters.options.personaId' });
		expect(filtered.results.map((item) => item.value)).toStrictEqual([anna]);
		const instagram = await runListSearch({ method: 'searchPersonas', parameters: { ...parameters, platform: 'instagram' }, credentials });
		expect(instagram.results).toStrictEqual([]);
	});
});
