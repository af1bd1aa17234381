/**
 * Bad input corpus (issue 13): bad parameter combinations across operations and the three Meta routes.
 * Each case runs twice against the fake Graph:
 * - the bad item alone: the run fails with one NodeOperationError on item 0 whose message names the
 *   field and whose description says how to fix it, and the fake received no request at all;
 * - between two good items with Continue On Fail: the good items go out, the bad one becomes its
 *   `{ error, errorDescription }` item, and the requests are exactly those of the two good items (the
 *   bad item sent nothing, not even half of a multi-request operation such as upload-then-send).
 * The varying value reaches the node through an expression on `$json.v` (or a binary property), the
 * way bad data reaches a workflow.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { RunNodeItem } from '../harness';
import { TINY_PNG, USERS, type RecordedRequest } from '../fakes/graph';
import { INSTAGRAM_LOGIN, INSTAGRAM_PAGE, MESSENGER, assertGoodBadGood, assertItemError, messageIdIn, runOn, type Route } from './message.helpers';
import { byId, useFakeGraph } from './setup';

const fake = useFakeGraph();
beforeEach(() => fake().clearRequests());

interface BadCase {
	name: string;
	route: Route;
	parameters: INodeParameters;
	/** `$json.v` of the good and the bad item (or whole items, for binary data). */
	good: unknown;
	bad: unknown;
	/** The message must name the field (and the limit where there is one). */
	error: RegExp;
}

const V = '={{ $json.v }}';
const item = (value: unknown): RunNodeItem =>
	value !== null && typeof value === 'object' && 'json' in (value as object) ? (value as RunNodeItem) : { json: { v: value as IDataObject[string] } };

const send = (extra: INodeParameters): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	recipientType: 'user',
	recipientId: byId(`{{USER}}`),
	messageType: 'text',
	text: 'corpus',
	...extra,
});
const text = (route: Route, good: unknown, bad: unknown, error: RegExp, name: string): BadCase => ({
	name,
	route,
	parameters: send({ text: V }),
	good,
	bad,
	error,
});
const recipient = (route: Route, bad: unknown, error: RegExp, name: string): BadCase => ({
	name,
	route,
	parameters: send({ recipientId: byId(V) }),
	good: route.user,
	bad,
	error,
});
const quickReply = (route: Route, reply: IDataObject, bad: unknown, error: RegExp, name: string): BadCase => ({
	name,
	route,
	parameters: send({ quickReplies: { quickReply: [{ contentType: 'text', title: 'Yes', payload: 'YES', ...reply }] } }),
	good: 'imageUrl' in reply ? 'https://cdn.example.com/yes.png' : 'ok',
	bad,
	error,
});
const cardsOf = (count: number, card: (i: number) => IDataObject = (i) => ({ title: `Card ${i + 1}` })) =>
	Array.from({ length: count }, (_, i) => card(i));
const generic = (route: Route, bad: unknown, error: RegExp, name: string): BadCase => ({
	name,
	route,
	parameters: send({ messageType: 'template', templateType: 'generic', elementsInputMode: 'json', elementsJson: V }),
	good: JSON.stringify(cardsOf(2)),
	bad,
	error,
});
const media = (route: Route, bad: unknown, error: RegExp, name: string): BadCase => ({
	name,
	route,
	parameters: send({ messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: V }),
	good: 'https://cdn.example.com/cat.png',
	bad,
	error,
});
const binarySend = (route: Route, bad: RunNodeItem, error: RegExp, name: string): BadCase => ({
	name,
	route,
	parameters: send({ messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: '={{ $json.prop }}' }),
	good: pngItem('data'),
	bad,
	error,
});
const pngItem = (property: string, prop = property): RunNodeItem => ({
	json: { prop },
	binary: { [property]: { data: TINY_PNG, mimeType: 'image/png', fileName: 'cat.png' } },
});
const receipt = (route: Route, field: string, good: unknown, bad: unknown, error: RegExp, name: string): BadCase => ({
	name,
	route,
	parameters: send({
		messageType: 'template',
		templateType: 'receipt',
		receiptRecipientName: 'Alice Müller',
		receiptOrderNumber: 'ORD-7',
		receiptCurrency: 'EUR',
		receiptPaymentMethod: 'Visa 2345',
		receiptTotalCost: 10,
		receiptItemsInputMode: 'json',
		receiptItemsJson: '[]',
		[field]: V,
	}),
	good,
	bad,
	error,
});
const sendOption = (route: Route, options: INodeParameters, good: unknown, bad: unknown, error: RegExp, name: string): BadCase => ({
	name,
	route,
	parameters: send({ options }),
	good,
	bad,
	error,
});

const M = MESSENGER;
const IG = INSTAGRAM_PAGE;
const IL = INSTAGRAM_LOGIN;

const CASES: BadCase[] = [
	// Text
	text(M, 'hello', '', /The message is empty/, 'Messenger: empty text'),
	text(IL, 'hello', ' \n\t ', /The message is empty/, 'Instagram Login: whitespace-only text'),
	text(M, 'x'.repeat(1999), 'x'.repeat(2000), /Text is too long for Messenger: 2000 characters/, 'Messenger: 2000 characters'),
	text(M, '😀'.repeat(1999), '😀'.repeat(2000), /Text is too long for Messenger: 2000 characters/, 'Messenger: 2000 emoji'),
	text(IG, 'é'.repeat(500), `${'é'.repeat(500)}a`, /Text is too long for Instagram: 1001 bytes/, 'Instagram (Page): 1001 bytes'),
	text(IL, '😀'.repeat(250), `${'😀'.repeat(250)}!`, /Text is too long for Instagram: 1001 bytes/, 'Instagram Login: 1001 bytes of emoji'),
	text(M, 'hello', { text: 'hello' }, /Text is an object/, 'Messenger: text is an object'),
	text(IG, 'hello', ['a', 'b'], /Text is a list/, 'Instagram (Page): text is an array'),
	text(M, 'hello', null, /The message is empty/, 'Messenger: text is null'),
	text(M, 'a😀b', 'a\uD83Db', /Text has a broken character at position 2/, 'Messenger: text with a lone surrogate'),
	text(IL, 'a😀b', '\uDE00 tail', /Text has a broken character at position 1/, 'Instagram Login: text starting with a lone low surrogate'),
	text(M, 'hello', '\u200B\u200B\u200B', /The message is empty/, 'Messenger: text of zero-width spaces only'),
	// Recipient
	recipient(M, '', /No recipient ID for this item/, 'Messenger: empty recipient'),
	recipient(IG, '   ', /No recipient ID for this item/, 'Instagram (Page): blank recipient'),
	recipient(IL, null, /No recipient ID for this item/, 'Instagram Login: recipient null'),
	recipient(M, { id: USERS.alice.id }, /Recipient is an object/, 'Messenger: recipient is an object'),
	recipient(M, 24681357902468135, /Recipient is the number 24681357902468136, too large to be an exact ID/, 'Messenger: recipient id as a number past 2^53 (would reach someone else)'),
	recipient(IG, 'ines garcia', /Recipient "ines garcia" is not a PSID or IGSID/, 'Instagram (Page): recipient with a space'),
	recipient(M, `${USERS.alice.id}/messages`, /is not a PSID or IGSID/, 'Messenger: recipient with a path'),
	// Quick replies
	quickReply(M, { title: V }, '', /Quick reply 1 has no title/, 'Messenger: quick reply without title'),
	quickReply(IG, { title: V }, `${'T'.repeat(20)}!`, /Quick reply 1: title .* 21 characters long; the limit is 20/, 'Instagram (Page): quick reply title of 21'),
	quickReply(M, { payload: V }, 'p'.repeat(1001), /Quick reply 1: payload is longer than 1000/, 'Messenger: quick reply payload of 1001'),
	quickReply(M, { payload: V }, '', /Quick reply 1 has no payload/, 'Messenger: quick reply without payload'),
	quickReply(M, { imageUrl: V }, 'not a url', /Quick reply 1 image URL "not a url" is not an http\(s\) URL/, 'Messenger: quick reply image URL not a URL'),
	quickReply(IL, { imageUrl: V }, 'ftp://cdn.example.com/a.png', /Quick reply 1 image URL .* is not an http\(s\) URL/, 'Instagram Login: quick reply image URL over ftp'),
	// Generic template
	// Past 10 cards the send pages (10 per page, at most 10 pages).
	generic(M, JSON.stringify(cardsOf(101)), /101 cards make 11 pages; at most 10 are kept/, 'Messenger: 101 cards'),
	generic(IL, JSON.stringify(cardsOf(101)), /101 cards make 11 pages; at most 10 are kept/, 'Instagram Login: 101 cards'),
	generic(M, 'not json', /Elements \(JSON\) is not valid JSON/, 'Messenger: elements that are not JSON'),
	generic(M, '{"title":"one"}', /Elements \(JSON\) must be a JSON array/, 'Messenger: elements as an object, not an array'),
	generic(IG, '[]', /needs 1 to 10 elements; this one has 0/, 'Instagram (Page): no cards'),
	generic(M, JSON.stringify(cardsOf(1, () => ({ title: 'T'.repeat(81) }))), /Element 1 title is 81 characters long; the limit is 80/, 'Messenger: card title of 81'),
	generic(M, JSON.stringify(cardsOf(1, () => ({ title: 'A', buttons: cardsOf(4, (i) => ({ type: 'postback', title: `B${i}`, payload: 'P' })) }))), /Element 1 has 4 buttons; it needs at most 3/, 'Messenger: card with 4 buttons'),
	generic(M, JSON.stringify(cardsOf(1, () => ({ title: 'A', image_url: 'javascript:alert(1)' }))), /Element 1 image URL "javascript:alert\(1\)" is not an http\(s\) URL/, 'Messenger: card image URL with javascript:'),
	generic(IL, JSON.stringify(cardsOf(1, () => ({ title: 'A', default_action: { type: 'web_url', url: 'http://' } }))), /Element 1 default action URL "http:\/\/" is not an http\(s\) URL/, 'Instagram Login: card default action URL without host'),
	generic(M, JSON.stringify(cardsOf(1, () => ({ subtitle: 'no title' }))), /Element 1 has no title/, 'Messenger: card without title'),
	// Button template
	{
		name: 'Messenger: button template text of 641',
		route: M,
		parameters: send({ messageType: 'template', templateType: 'button', buttonTemplateText: V, templateButtons: { button: [{ type: 'postback', title: 'Go', payload: 'GO' }] } }),
		good: 'Pick',
		bad: 't'.repeat(641),
		error: /Button template text is 641 characters long; the limit is 640/,
	},
	{
		name: 'Messenger: URL button without scheme',
		route: M,
		parameters: send({ messageType: 'template', templateType: 'button', buttonTemplateText: 'Pick', templateButtons: { button: [{ type: 'web_url', title: 'Open', url: V }] } }),
		good: 'https://shop.example.com/',
		bad: 'shop.example.com',
		error: /button 1: "shop.example.com" is not an http\(s\) URL/,
	},
	{
		name: 'Messenger: button with empty title',
		route: M,
		parameters: send({ messageType: 'template', templateType: 'button', buttonTemplateText: 'Pick', templateButtons: { button: [{ type: 'postback', title: V, payload: 'GO' }] } }),
		good: 'Go',
		bad: '',
		error: /button 1 has no title/,
	},
	// Receipt template: numbers as strings, wrong currency
	receipt(M, 'receiptTotalCost', 10, 'ten', /The receipt template has no total cost/, 'Messenger: receipt total cost "ten"'),
	receipt(M, 'receiptTotalCost', 10, '10,50', /The receipt template has no total cost/, 'Messenger: receipt total cost "10,50"'),
	receipt(M, 'receiptCurrency', 'EUR', 'EURO', /"EURO" is not a currency code/, 'Messenger: receipt currency EURO'),
	receipt(M, 'receiptItemsJson', '[]', '[{"price": 1}]', /Receipt item 1 has no name/, 'Messenger: receipt item without title'),
	receipt(M, 'receiptItemsJson', '[]', '{"title": "x"}', /Items \(JSON\) must be a JSON array/, 'Messenger: receipt items as an object'),
	// Media by URL
	media(M, '', /No media URL for this item/, 'Messenger: empty media URL'),
	media(M, 'not a url', /"not a url" is not an http\(s\) URL/, 'Messenger: media URL not a URL'),
	media(IG, 'file:///etc/passwd', /"file:\/\/\/etc\/passwd" is not an http\(s\) URL/, 'Instagram (Page): media URL file://'),
	media(IL, 'javascript:alert(1)', /is not an http\(s\) URL/, 'Instagram Login: media URL javascript:'),
	media(M, { href: 'https://cdn.example.com/cat.png' }, /Media URL is an object/, 'Messenger: media URL is an object'),
	// Media from binary data
	binarySend(M, { json: { prop: 'data' } }, /binary file 'data', but none was found/, 'Messenger: binary property missing'),
	binarySend(IG, pngItem('data', 'file'), /no binary field 'file'/, 'Instagram (Page): binary property of another name'),
	binarySend(IL, pngItem('data', ''), /No input binary field for this item/, 'Instagram Login: binary property name empty'),
	// Wrong platform / provider for an operation
	{
		name: 'Instagram (Page): persona create (Messenger only)',
		route: IG,
		parameters: { platform: V, resource: 'persona', operation: 'create', personaName: 'Ann', profilePictureUrl: 'https://cdn.example.com/ann.png' },
		good: 'messenger',
		bad: 'instagram',
		error: /Personas are a Messenger feature/,
	},
	{
		name: 'Messenger: persona with profile picture URL not a URL',
		route: M,
		parameters: { resource: 'persona', operation: 'create', personaName: 'Ann', profilePictureUrl: V },
		good: 'https://cdn.example.com/ann.png',
		bad: 'ann.png',
		error: /"ann.png" is not an http\(s\) URL/,
	},
	{
		name: 'Messenger: persona with empty name',
		route: M,
		parameters: { resource: 'persona', operation: 'create', personaName: V, profilePictureUrl: 'https://cdn.example.com/ann.png' },
		good: 'Ann',
		bad: '  ',
		error: /The persona has no name/,
	},
	{
		name: 'Instagram (Page): notification token recipient (Messenger only)',
		route: IG,
		parameters: send({ platform: V, recipientType: 'notificationToken', recipientHandle: 'NMT-fake-6e6f74696669636174696f6e' }),
		good: 'messenger',
		bad: 'instagram',
		error: /Instagram only accepts a user ID or a comment ID as recipient/,
	},
	{
		name: 'Instagram Login: a send on Messenger (the credential reaches Instagram only)',
		route: IL,
		parameters: send({ platform: V }),
		good: 'instagram',
		bad: 'messenger',
		error: /Messenger/,
	},
	{
		name: 'Messenger: receipt template on Instagram (Messenger only)',
		route: M,
		parameters: receipt(M, 'platform', '', '', /./, '').parameters,
		good: 'messenger',
		bad: 'instagram',
		error: /Instagram does not support the receipt template/,
	},
	// Message tag / messaging type
	sendOption(M, { messagingType: V, tag: 'HUMAN_AGENT' }, 'RESPONSE', 'SOMETIMES', /"SOMETIMES" is not a Messaging Type/, 'Messenger: unknown messaging type'),
	sendOption(M, { messagingType: 'MESSAGE_TAG', tag: V }, 'HUMAN_AGENT', 'PROMOTION', /"PROMOTION" is not a message tag Messenger accepts/, 'Messenger: unknown message tag'),
	sendOption(IG, { messagingType: 'MESSAGE_TAG', tag: V }, 'HUMAN_AGENT', 'ACCOUNT_UPDATE', /"ACCOUNT_UPDATE" is not a message tag Instagram accepts/, 'Instagram (Page): Messenger-only tag'),
	// Other operations
	{
		name: 'Messenger: sender action not known',
		route: M,
		parameters: { resource: 'message', operation: 'sendAction', recipientType: 'user', recipientId: byId('{{USER}}'), senderAction: V },
		good: 'typing_on',
		bad: 'dance',
		error: /"dance" is not an Action/,
	},
	{
		name: 'Instagram Login: react to an empty message ID',
		route: IL,
		parameters: { resource: 'message', operation: 'react', recipientType: 'user', recipientId: byId('{{USER}}'), messageId: V, reaction: 'love' },
		good: '{{MID}}',
		bad: '',
		error: /No message ID for this item/,
	},
	{
		name: 'Messenger: get a message by a blank ID',
		route: M,
		parameters: { resource: 'message', operation: 'get', messageId: V },
		good: '{{MID}}',
		bad: ' ',
		error: /No message ID for this item/,
	},
	{
		name: 'Instagram (Page): user profile of an empty user',
		route: IG,
		parameters: { resource: 'userProfile', operation: 'get', userId: byId(V) },
		good: '{{USER}}',
		bad: '',
		error: /No user ID for this item/,
	},
	{
		name: 'Messenger: user profile of an ID past 2^53 given as a number',
		route: M,
		parameters: { resource: 'userProfile', operation: 'get', userId: byId(V) },
		good: '{{USER}}',
		bad: 9007199254740993,
		error: /too large to be an exact ID/,
	},
	{
		name: 'Instagram (Page): conversation messages of an empty conversation',
		route: IG,
		parameters: { resource: 'message', operation: 'getAll', conversationId: byId(V), limit: 1 },
		good: '{{CONV}}',
		bad: '',
		error: /No conversation ID for this item/,
	},
	{
		name: 'Messenger: persona name is an object',
		route: M,
		parameters: { resource: 'persona', operation: 'create', personaName: V, profilePictureUrl: 'https://cdn.example.com/ann.png' },
		good: 'Ann',
		bad: { first: 'Ann' },
		error: /Name is an object/,
	},
	{
		name: 'Messenger: thread owner of a user given as an object',
		route: M,
		parameters: { resource: 'handover', operation: 'getThreadOwner', userId: byId(V) },
		good: '{{USER}}',
		bad: { id: '{{USER}}' },
		error: /User is an object/,
	},
];

const conversationOf = (route: Route): string => {
	const conversation = fake().state.findConversation(route.businessId, route.user);
	expect(conversation).toBeTruthy();
	return conversation!.id;
};

/** Fills the placeholders that need the fake (the route's user, a message of its conversation). */
function resolve(value: unknown, route: Route): unknown {
	if (typeof value === 'string') return value.replace('{{USER}}', route.user).replace('{{MID}}', messageIdIn(fake(), route)).replace('{{CONV}}', conversationOf(route));
	if (Array.isArray(value)) return value.map((v) => resolve(v, route));
	if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, route)]));
	}
	return value;
}

/** What a request did, for comparing runs (ids the fake makes up are left out). */
const shape = (r: RecordedRequest) =>
	`${r.method} ${r.path} ${JSON.stringify(r.query)} ${JSON.stringify(r.body ?? null).replace(/"attachment_id":"\d+"/g, '"attachment_id":"(made by the fake)"')}`;

const PROBE = process.env.CORPUS_PROBE === '1';

describe('bad input corpus', () => {
	it('has at least 50 cases across the three routes', () => {
		// ${CASES.length} cases
		expect(CASES.length).toBeGreaterThanOrEqual(50);
		expect(new Set(CASES.map((c) => c.route.label)).size).toStrictEqual(3);
		// case names are unique
		expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
	});

	for (const c of CASES) {
		it(c.name, async () => {
			const parameters = resolve(c.parameters, c.route) as INodeParameters;
			const good = item(resolve(c.good, c.route));
			const bad = item(resolve(c.bad, c.route));

			const alone = await runOn(fake(), c.route, parameters, { items: [bad] });
			if (PROBE) console.log(JSON.stringify({ case: c.name, error: alone.error?.message, description: alone.error?.description, name: alone.error?.name, requests: fake().requests.length, items: alone.items.map((i) => i.json) }));
			assertItemError(alone.error, 0, c.error);
			// the bad item reached the platform
			expect(fake().requests.map(shape)).toStrictEqual([]);

			const once = await runOn(fake(), c.route, parameters, { items: [good] });
			// the good item failed: ${once.error?.message}
			expect(once.error).toBeUndefined();
			const goodRequests = fake().requests.map(shape);
			expect(goodRequests.length).toBeGreaterThan(0);
			fake().clearRequests();

			const mixed = await runOn(fake(), c.route, parameters, { items: [good, bad, good], continueOnFail: true });
			assertGoodBadGood(mixed, c.error);
			// Exactly the good items' requests, each once: nothing of the bad item, nothing repeated.
			expect(fake().requests.map(shape).sort()).toStrictEqual([...goodRequests, ...goodRequests].sort());
		});
	}
});
