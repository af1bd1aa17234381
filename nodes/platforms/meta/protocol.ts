/** How the transport reads Graph answers: errors and usage headers. */
import type { PlatformProtocol } from '../transport';
import { highestUsagePercent, readGraphBackpressure, readGraphError } from './errors';

/**
 * Usage (percent of a Meta quota) from which a run keeps to the documented pace. The calls already in
 * flight when the header is read still arrive: at 60% of 300 calls/s, the default 100 in flight end at
 * 280, under the limit.
 */
const NEAR_LIMIT_PERCENT = 60;

export const graphProtocol: PlatformProtocol = {
	readError: readGraphError,
	readBackpressure: readGraphBackpressure,
	nearLimit: (headers) => highestUsagePercent(headers) >= NEAR_LIMIT_PERCENT,
};

export const DEFAULT_HOSTS = {
	metaGraph: 'https://graph.facebook.com',
	instagramLogin: 'https://graph.instagram.com',
} as const;
