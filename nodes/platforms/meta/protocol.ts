/** How the transport reads Graph answers: errors and usage headers. */
import type { PlatformProtocol } from '../transport';
import { readGraphBackpressure, readGraphError } from './errors';

export const graphProtocol: PlatformProtocol = {
	readError: readGraphError,
	readBackpressure: readGraphBackpressure,
};

export const DEFAULT_HOSTS = {
	metaGraph: 'https://graph.facebook.com',
	instagramLogin: 'https://graph.instagram.com',
} as const;
