/** How the transport reads Graph answers: errors and usage headers. */
import type { PlatformProtocol } from '../transport';
import { highestUsagePercent, readGraphBackpressure, readGraphError } from './errors';

/** Usage (percent of a Meta quota) from which a run keeps to the documented pace. */
const NEAR_LIMIT_PERCENT = 75;

export const graphProtocol: PlatformProtocol = {
	readError: readGraphError,
	readBackpressure: readGraphBackpressure,
	nearLimit: (headers) => highestUsagePercent(headers) >= NEAR_LIMIT_PERCENT,
};

export const DEFAULT_HOSTS = {
	metaGraph: 'https://graph.facebook.com',
	instagramLogin: 'https://graph.instagram.com',
} as const;
