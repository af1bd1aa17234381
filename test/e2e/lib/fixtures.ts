/**
 * The sandbox's fixed identities (Page, Instagram account, app, tokens, people, seeded conversations),
 * taken from the fake Graph's fixtures so the tests name exactly what the sandbox process serves.
 */
import { createHmac } from 'node:crypto';

export * from '../../fakes/graph/fixtures';
export type { MessageRecord } from '../../fakes/graph/state';

/** Meta's appsecret_proof: hex HMAC-SHA256 of the access token, keyed with the app secret. */
export function appSecretProof(appSecret: string, token: string): string {
	return createHmac('sha256', appSecret).update(token).digest('hex');
}
