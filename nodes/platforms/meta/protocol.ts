/** How the transport reads Graph answers: errors and usage headers. */
import type { PlatformProtocol } from '../core/transport';
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
	usagePercent: highestUsagePercent,
};

/**
 * The Graph API version requests go to when the credential names none: v25.0 (2026-02-18, supported until
 * 2028-07-29). The credential's Graph API Version field overrides it.
 */
export const DEFAULT_GRAPH_API_VERSION = 'v25.0';
