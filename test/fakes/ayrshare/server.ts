/**
 * `startFakeAyrshare()`: a local HTTP server that behaves like Ayrshare's Messaging API as the reference
 * documents it (/work/shared/reference/ayrshare-messaging.md): Bearer API key and Profile-Key checks, the
 * X OAuth 1.0a headers on X calls, both error shapes, per-profile rate limits with x-ratelimit-* headers,
 * X paging, cached answers with lastUpdated / nextUpdate, the auto-response and the messages webhook:
 * registration, secret rotation (`POST /hook/webhook/secret`, both signatures during the overlap) and
 * signed deliveries that are retried until the receiver acknowledges one (delivery.ts), and the media
 * upload (`POST /media/upload`, a Base64 data URI up to 30 MB; the file is then served at its URL). It records every
 * request and every delivery and lets tests inject failures.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { deliverWebhook, type WebhookDelivery, type WebhookDeliveryOptions } from './delivery';
import { receive, type PersonWrites, type Received } from './inbound';
import { DEFAULT_AUTO_RESPONSE_TEXT, createDefaultState, nextId, type AyrsharePlatformName, type AyrshareState, type Profile } from './state';

export interface FakeAyrshareOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Calls per profile per window before 429 (Ayrshare: 150 to 300 per 5 minutes by plan; default 250). */
	rateLimitMax?: number;
	windowMs?: number;
	/** Retry-After sent with a 429 (seconds); undefined: none. */
	retryAfterSeconds?: number;
	/** Waits before the 2nd, 3rd, … attempt of a webhook delivery (default [5000, 30000]: 2 retries after 5 s and 30 s). */
	retryDelaysMs?: number[];
	/** How long a delivery attempt waits for the receiver's answer (default 10 s). */
	answerTimeoutMs?: number;
	/** How long after a secret rotation deliveries still carry the old secret's signature (default 24 h). */
	rotationOverlapMs?: number;
}

export interface RecordedRequest {
	method: string;
	/** Path below /api, e.g. `/messages/facebook`. */
	path: string;
	query: Record<string, string>;
	/** Lower-cased names. */
	headers: Record<string, string>;
	body: unknown;
	status?: number;
	response?: unknown;
}

export interface FailSpec {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export interface FakeAyrshare {
	/** Base URL including `/api`, as the credential's Custom Base URL takes it. */
	readonly url: string;
	readonly state: AyrshareState;
	readonly requests: RecordedRequest[];
	clearRequests(): void;
	/** The next `times` requests matching `METHOD /path` answer `spec` instead. */
	failNext(matcher: string, spec: FailSpec, times?: number): void;
	clearFailures(): void;
	/** Every webhook delivery made, with its attempts. */
	readonly deliveries: WebhookDelivery[];
	/** POSTs `payload` to the profile's registered messages webhook, retried until acknowledged. */
	deliver(payload: unknown, options?: WebhookDeliveryOptions): Promise<WebhookDelivery>;
	/** A person writes: the message is stored, the auto-response applied, the webhook delivered. */
	personWrites(input: PersonWrites, options?: WebhookDeliveryOptions): Promise<Received & { delivery: WebhookDelivery }>;
	/** The rotation's overlap is over: deliveries carry only the new secret's signature. */
	endRotation(profileKey?: string): void;
	close(): Promise<void>;
}

interface Answer {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

const PLATFORMS = new Set<AyrsharePlatformName>(['facebook', 'instagram', 'twitter']);
const CACHE_SECONDS: Record<AyrsharePlatformName, number> = { facebook: 60, instagram: 60, twitter: 15 };
const FILE_URL = /^https?:\/\/[^?#]+\/[^/?#]+\.[A-Za-z0-9]{2,5}$/;

/** The two shapes Ayrshare answers errors in. */
export const errorList = (code: number, message: string, platform?: string) => ({
	status: 'error',
	errors: [{ action: 'messages', status: 'error', code, message, ...(platform ? { platform } : {}) }],
});
export const flatError = (code: number, message: string) => ({ status: 'error', code, message });

const fail = (status: number, body: unknown): Answer => ({ status, body });

export async function startFakeAyrshare(options: FakeAyrshareOptions = {}): Promise<FakeAyrshare> {
	const state = createDefaultState();
	const requests: RecordedRequest[] = [];
	const failures: Array<{ matcher: string; spec: FailSpec; remaining: number }> = [];
	const windows = new Map<string, { start: number; count: number }>();
	const max = options.rateLimitMax ?? 250;
	const windowMs = options.windowMs ?? 5 * 60_000;

	function handle(record: RecordedRequest): Answer {
		const injected = failures.find((failure) => failure.remaining > 0 && failure.matcher === `${record.method} ${record.path}`);
		if (injected) {
			injected.remaining--;
			return injected.spec;
		}
		// Authentication: the fake's own codes, as the reference gives none for these.
		if (record.headers.authorization !== `Bearer ${state.apiKey}`) return fail(401, flatError(102, 'API Key not valid. Please verify your API Key.'));
		const profileKey = record.headers['profile-key'] ?? '';
		const profile = state.profiles.get(profileKey);
		if (!profile) return fail(403, flatError(147, 'Profile Key not found.'));
		return route(record, profile);
	}

	function route(record: RecordedRequest, profile: Profile): Answer {
		const { method, path } = record;
		if (path === '/messages/autoresponse') return messagingOff(profile) ?? autoResponse(record, profile);
		const messages = /^\/messages\/([a-z]+)$/.exec(path);
		if (messages) {
			const platform = messages[1] as AyrsharePlatformName;
			if (!PLATFORMS.has(platform)) return fail(400, errorList(101, `Unknown platform ${platform}`));
			const off = messagingOff(profile);
			if (off) return off;
			if (platform === 'twitter' && (!record.headers['x-twitter-oauth1-api-key'] || !record.headers['x-twitter-oauth1-api-secret'])) {
				return fail(400, errorList(272, 'X authorization error: the X-Twitter-OAuth1-Api-Key and X-Twitter-OAuth1-Api-Secret headers are required.', 'twitter'));
			}
			if (method === 'GET') return list(record, profile, platform);
			if (method === 'POST') return send(record, profile, platform);
		}
		if (path === '/media/upload' && method === 'POST') return upload(record);
		if (path === '/hook/webhook') return webhook(record, profile);
		if (path === '/hook/webhook/secret' && method === 'POST') return rotate(record, profile);
		return fail(404, flatError(404, `No route ${method} ${path}`));
	}

	function messagingOff(profile: Profile): Answer | undefined {
		return profile.messagingActive ? undefined : fail(400, errorList(361, 'Messaging is not enabled for this profile.'));
	}

	function cached(platform: AyrsharePlatformName) {
		const now = Date.now();
		return { lastUpdated: new Date(now).toISOString(), nextUpdate: new Date(now + CACHE_SECONDS[platform] * 1000).toISOString() };
	}

	function list({ query }: RecordedRequest, profile: Profile, platform: AyrsharePlatformName): Answer {
		if (query.conversationsOnly === 'true') {
			const status = query.status ?? 'active';
			const details = profile.conversations[platform].filter((conversation) => conversation.status === status);
			return { status: 200, body: { status: 'success', conversationIds: details.map((c) => c.id), converstationsDetails: details, ...cached(platform) } };
		}
		let found = profile.messages[platform].filter((message) => !query.conversationId || message.conversationId === query.conversationId);
		if (platform !== 'twitter') {
			if (query.limit !== undefined || query.next !== undefined) return fail(400, errorList(101, 'limit and next are for X only.', platform));
			// Facebook and Instagram history starts at the last 20 messages.
			return { status: 200, body: { status: 'success', messages: found.slice(0, 20), ...cached(platform) } };
		}
		const limit = query.limit === undefined ? 100 : Number(query.limit);
		if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fail(400, errorList(101, 'limit must be 1 to 100.', platform));
		const offset = query.next ? Number(Buffer.from(query.next, 'base64url').toString()) : 0;
		if (!Number.isInteger(offset) || offset < 0) return fail(400, errorList(101, 'next is not a cursor of this API.', platform));
		found = found.slice(offset);
		const page = found.slice(0, limit);
		const more = found.length > limit;
		const body: Record<string, unknown> = { status: 'success', messages: page, ...cached(platform) };
		if (more) body.meta = { pagination: { next: Buffer.from(String(offset + limit)).toString('base64url') } };
		return { status: 200, body };
	}

	function send({ body }: RecordedRequest, profile: Profile, platform: AyrsharePlatformName): Answer {
		const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
		const text = typeof input.message === 'string' ? input.message : '';
		const mediaUrls = Array.isArray(input.mediaUrls) ? (input.mediaUrls as unknown[]) : [];
		if (platform !== 'twitter' && !input.recipientId) return fail(400, errorList(101, 'recipientId is required.', platform));
		if (!input.recipientId && !input.conversationId) return fail(400, errorList(101, 'recipientId or conversationId is required.', platform));
		if (platform === 'twitter' && text.length < 1) return fail(400, errorList(101, 'X messages need at least 1 character.', platform));
		if (platform === 'twitter' && mediaUrls.length > 1) return fail(400, errorList(101, 'X takes one media URL.', platform));
		if (!text && mediaUrls.length === 0) return fail(400, errorList(101, 'message or mediaUrls is required.', platform));
		const badUrl = mediaUrls.find((url) => typeof url !== 'string' || !FILE_URL.test(url));
		if (badUrl !== undefined) return fail(400, errorList(101, `Media URL must end in a file extension without a query string: ${String(badUrl)}`, platform));
		// Conversations must be started by the other person.
		const conversation = profile.conversations[platform].find((c) =>
			input.conversationId ? c.id === input.conversationId : c.participant.id === input.recipientId,
		);
		if (!conversation) return fail(400, errorList(101, 'No conversation with this recipient: the other person must message first.', platform));
		const message = {
			id: nextId(platform === 'twitter' ? '17' : 'm_'),
			senderId: profile.accountIds[platform],
			recipientId: conversation.participant.id,
			conversationId: conversation.id,
			created: new Date().toISOString(),
			action: 'sent' as const,
			platform,
			...(text ? { message: text } : {}),
			...(mediaUrls.length ? { attachments: mediaUrls.map((url) => ({ type: 'image', url: String(url) })) } : {}),
		};
		profile.messages[platform].unshift(message);
		return { status: 200, body: { status: 'success', recipientId: conversation.participant.id, messageId: message.id, message: text } };
	}

	function autoResponse({ method, body }: RecordedRequest, profile: Profile): Answer {
		if (method === 'GET') return { status: 200, body: { status: 'success', ...(profile.autoResponse ?? {}) } };
		if (method !== 'POST') return fail(404, flatError(404, 'No DELETE: turn the auto-response off with autoResponseActive false.'));
		const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
		const updated: Record<string, unknown> = {};
		if ('autoResponseActive' in input) {
			if (typeof input.autoResponseActive !== 'boolean') return fail(400, errorList(101, 'autoResponseActive must be a boolean.'));
			updated.autoResponseActive = input.autoResponseActive;
		}
		if ('autoResponseWaitSeconds' in input) {
			if (!Number.isInteger(input.autoResponseWaitSeconds) || (input.autoResponseWaitSeconds as number) < 0) return fail(400, errorList(101, 'autoResponseWaitSeconds must be a whole number of seconds.'));
			updated.autoResponseWaitSeconds = input.autoResponseWaitSeconds;
		}
		if ('autoResponseMessage' in input) {
			if (typeof input.autoResponseMessage !== 'string') return fail(400, errorList(101, 'autoResponseMessage must be a string.'));
			updated.autoResponseMessage = input.autoResponseMessage || DEFAULT_AUTO_RESPONSE_TEXT;
		}
		profile.autoResponse = { autoResponseActive: false, autoResponseWaitSeconds: 86_400, autoResponseMessage: DEFAULT_AUTO_RESPONSE_TEXT, ...profile.autoResponse, ...updated };
		return { status: 200, body: { status: 'success', updated } };
	}

	function webhook({ method, body }: RecordedRequest, profile: Profile): Answer {
		const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
		if (method === 'GET') return { status: 200, body: { status: 'success', webhooks: profile.webhook ? [{ action: 'messages', url: profile.webhook.url }] : [] } };
		if (input.action !== 'messages') return fail(400, errorList(101, 'action must be one of the webhook actions, e.g. messages.'));
		if (method === 'POST') {
			if (typeof input.url !== 'string' || !/^https?:\/\//.test(input.url)) return fail(400, errorList(101, 'url must be an http(s) URL.'));
			profile.webhook = { url: input.url, secret: typeof input.secret === 'string' ? input.secret : undefined };
			profile.previousSecret = undefined;
			return { status: 200, body: { status: 'success', action: 'messages', url: input.url } };
		}
		if (method === 'DELETE') {
			if (!profile.webhook) return fail(404, errorList(101, 'No messages webhook registered.'));
			profile.webhook = undefined;
			profile.previousSecret = undefined;
			return { status: 200, body: { status: 'success', action: 'messages' } };
		}
		return fail(404, flatError(404, `No route ${method} /hook/webhook`));
	}

	const uploads = new Map<string, { mimeType: string; bytes: Buffer }>();
	let origin = '';
	const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'video/mp4': 'mp4', 'video/quicktime': 'mov', 'audio/aac': 'aac', 'audio/wav': 'wav', 'audio/mpeg': 'mp3' };
	function upload({ body }: RecordedRequest): Answer {
		const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
		const match = typeof input.file === 'string' ? /^data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=]*)$/.exec(input.file) : null;
		if (!match) return fail(400, errorList(101, 'file must be a Base64 data URI (data:content/type;base64,...).'));
		const extension = EXTENSIONS[match[1]];
		if (!extension) return fail(400, errorList(101, `Unsupported media type ${match[1]}.`));
		const bytes = Buffer.from(match[2], 'base64');
		if (bytes.length > 30 * 1024 * 1024) return fail(400, errorList(101, 'Max file size is 30 MB.'));
		const id = `${nextId('up')}-${extension}`;
		uploads.set(`${id}.${extension}`, { mimeType: match[1], bytes });
		return { status: 200, body: { id, url: `${origin}/media/files/${id}.${extension}`, ...(typeof input.fileName === 'string' ? { fileName: input.fileName } : {}), ...(typeof input.description === 'string' ? { description: input.description } : {}) } };
	}

	/** A new signing secret; the old one keeps signing (under the first header) during the overlap. */
	function rotate({ body }: RecordedRequest, profile: Profile): Answer {
		const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
		if (typeof input.secret !== 'string' || !input.secret) return fail(400, errorList(101, 'secret must be a non-empty string.'));
		if (!profile.webhook?.secret) return fail(400, errorList(101, 'No webhook secret to rotate: register a webhook with a secret first.'));
		const until = Date.now() + (options.rotationOverlapMs ?? 24 * 60 * 60_000);
		profile.previousSecret = { secret: profile.webhook.secret, until };
		profile.webhook = { ...profile.webhook, secret: input.secret };
		// The fake's own answer shape: the reference gives none. The secret is not echoed.
		return { status: 200, body: { status: 'success', rotated: true, previousSecretValidUntil: new Date(until).toISOString() } };
	}

	function profileOf(key = ''): Profile {
		const found = state.profiles.get(key);
		if (!found) throw new Error(`fake Ayrshare has no profile "${key}"`);
		return found;
	}

	const deliveries: WebhookDelivery[] = [];
	const timings = { retryDelaysMs: options.retryDelaysMs ?? [5_000, 30_000], answerTimeoutMs: options.answerTimeoutMs ?? 10_000 };
	async function deliver(payload: unknown, deliveryOptions: WebhookDeliveryOptions = {}): Promise<WebhookDelivery> {
		const delivery = await deliverWebhook(profileOf(deliveryOptions.profileKey), payload, deliveryOptions, timings);
		deliveries.push(delivery);
		return delivery;
	}

	/** Counts the call against the profile's window (every answer carries the count); past the limit: 429. */
	function rateLimit(record: RecordedRequest): { headers: Record<string, string>; limited?: Answer } {
		const key = `${record.headers.authorization ?? ''}|${record.headers['profile-key'] ?? ''}`;
		const now = Date.now();
		let window = windows.get(key);
		if (!window || now - window.start >= windowMs) windows.set(key, (window = { start: now, count: 0 }));
		window.count++;
		const headers = { 'x-ratelimit-max': String(max), 'x-ratelimit-count': String(Math.min(window.count, max)) };
		if (window.count <= max) return { headers };
		const retryAfter: Record<string, string> = options.retryAfterSeconds !== undefined ? { 'retry-after': String(options.retryAfterSeconds) } : {};
		return { headers: { ...headers, ...retryAfter }, limited: { status: 429, body: flatError(429, 'Too many requests. Please wait and try again.') } };
	}

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://fake');
			// An uploaded file, public as at Ayrshare's media host (not an API call: not recorded, no key).
			const file = req.method === 'GET' ? uploads.get(url.pathname.replace(/^\/media\/files\//, '')) : undefined;
			if (file) {
				res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.bytes.length) });
				res.end(file.bytes);
				return;
			}
			const raw = Buffer.concat(chunks).toString('utf8');
			let body: unknown;
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch {
				body = raw;
			}
			const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value ?? '')]));
			const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname.replace(/^\/api/, ''), query: Object.fromEntries(url.searchParams), headers, body };
			requests.push(record);
			const { headers: rateHeaders, limited } = rateLimit(record);
			const answer = limited ?? handle(record);
			record.status = answer.status;
			record.response = answer.body;
			res.writeHead(answer.status, { 'content-type': 'application/json', ...rateHeaders, ...(answer.headers ?? {}) });
			res.end(JSON.stringify(answer.body));
		});
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	origin = `http://127.0.0.1:${port}`;
	return {
		url: `http://127.0.0.1:${port}/api`,
		state,
		requests,
		clearRequests: () => {
			requests.length = 0;
			windows.clear();
		},
		failNext: (matcher, spec, times = 1) => failures.push({ matcher, spec, remaining: times }),
		clearFailures: () => {
			failures.length = 0;
		},
		deliveries,
		deliver,
		async personWrites(input, deliveryOptions = {}) {
			const received = receive(profileOf(deliveryOptions.profileKey), input);
			return { ...received, delivery: await deliver(received.payload, deliveryOptions) };
		},
		endRotation: (profileKey = '') => {
			profileOf(profileKey).previousSecret = undefined;
		},
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
