/**
 * The control API's Ayrshare side: a person writes on Messenger, Instagram or X through the fake Ayrshare
 * (stored, auto-responded by Ayrshare when its auto-response is on, delivered to the profile's messages
 * webhook with Ayrshare's signature and retries), and what the fake Ayrshare received, without headers
 * (they carry the API key) and with webhook secrets hidden.
 */
import { PEOPLE, PROFILE_KEY, type AyrshareSignatureMode, type AyrsharePlatformName, type FakeAyrshare } from '../ayrshare';

export interface AyrshareDeliverRequest {
	provider: 'ayrshare';
	platform?: 'messenger' | 'instagram' | 'x';
	/** A fixture person key (john, sara on Messenger; maria on Instagram; xdevs on X) or a raw id. */
	from?: string;
	text?: string;
	signature?: AyrshareSignatureMode;
	/** Default: the Support Desk profile, the one the demo's Ayrshare credential acts for. */
	profileKey?: string;
}

const PLATFORMS: Record<string, AyrsharePlatformName> = { messenger: 'facebook', instagram: 'instagram', x: 'twitter' };
const PEOPLE_BY_KEY: Record<string, { id: string; platform: AyrsharePlatformName }> = {
	john: { id: PEOPLE.facebook.id, platform: 'facebook' },
	sara: { id: PEOPLE.facebookOther.id, platform: 'facebook' },
	maria: { id: PEOPLE.instagram.id, platform: 'instagram' },
	xdevs: { id: PEOPLE.twitter.id, platform: 'twitter' },
};

export async function deliverAyrshare(ayrshare: FakeAyrshare, request: AyrshareDeliverRequest) {
	const platform = PLATFORMS[request.platform ?? 'messenger'];
	if (!platform) throw new Error(`platform must be messenger, instagram or x, not "${String(request.platform)}"`);
	const person = request.from ? PEOPLE_BY_KEY[request.from] : undefined;
	if (person && person.platform !== platform) throw new Error(`"${request.from}" is a fixture person of another platform`);
	const written = await ayrshare.personWrites(
		{ platform, from: person?.id ?? request.from, text: request.text ?? 'Hi! Is anyone there?' },
		{ profileKey: request.profileKey ?? PROFILE_KEY, signature: request.signature ?? 'valid' },
	);
	const { delivery } = written;
	const last = delivery.attempts.at(-1);
	return {
		delivered: delivery.attempts.length > 0,
		...(delivery.reason ? { reason: delivery.reason } : {}),
		// The same shape as a Meta delivery's result, for the CLI; all attempts below.
		result: last ? { status: last.status ?? 0, body: last.body ?? last.error ?? '', sentBody: Buffer.from(delivery.body) } : undefined,
		acknowledged: delivery.acknowledged,
		attempts: delivery.attempts,
		...(written.autoResponse ? { autoResponse: { recipientId: written.autoResponse.recipientId, text: written.autoResponse.message } } : {}),
	};
}

/** A webhook registration's or rotation's secret, hidden from the control API's output. */
function redacted(body: unknown): unknown {
	if (!body || typeof body !== 'object' || !('secret' in body)) return body;
	return { ...body, secret: '(hidden)' };
}

/** What the fake Ayrshare received after index `since`. */
export function ayrshareRequests(ayrshare: FakeAyrshare, since: number) {
	const requests = ayrshare.requests.slice(since).map(({ method, path, query, body, status }) => ({ method, path, query, body: redacted(body), status }));
	return { total: ayrshare.requests.length, requests };
}

/** Each profile's messages webhook URL (no secrets). */
export function ayrshareWebhooks(ayrshare: FakeAyrshare): Record<string, string> {
	const hooks: Record<string, string> = {};
	for (const profile of ayrshare.state.profiles.values()) if (profile.webhook) hooks[profile.title] = profile.webhook.url;
	return hooks;
}
