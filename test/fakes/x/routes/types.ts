/**
 * The route table's shape. A route names the OpenAPI path template and method it serves, its rate-limit
 * group, and what the caller must be; the server has already checked the request against X's description,
 * authenticated it and counted its rate limit before `handle` runs. Other modules (the trigger's webhook
 * and activity routes) add theirs with `fake.addRoutes([...])`.
 */
import type { EventEmitter } from 'node:events';

import type { MultipartPart } from '../../graph/multipart';
import type { Caller } from '../auth';
import type { LimitGroup } from '../ratelimit';
import type { XState } from '../state';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteContext {
	state: XState;
	/** The fake's base URL (`http://127.0.0.1:port`). */
	baseUrl: string;
	caller: Caller;
	/** The user the OAuth 1.0a token acts as (undefined for bearer calls). */
	userId?: string;
	params: Record<string, string>;
	query: Record<string, string>;
	/** Parsed JSON body, if it was JSON. */
	json?: unknown;
	/** Multipart parts, if it was multipart. */
	parts?: MultipartPart[];
	options: RouteOptions;
	/** The fake's event bus: DM routes emit `'dm'` with each DmEventRecord they create. */
	events: EventEmitter;
}

/** Server options routes read. */
export interface RouteOptions {
	/** STATUS answers per video upload before it is `succeeded`: the states it goes through. */
	videoProcessing: Array<'pending' | 'in_progress' | 'succeeded' | 'failed'>;
	checkAfterSecs: number;
}

export interface RouteResult {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export interface XRoute {
	method: Method;
	/** OpenAPI path template, e.g. `/2/dm_events/{event_id}`. */
	path: string;
	/** Rate-limit window this route counts in; none: not limited. */
	limit?: LimitGroup;
	/** Who may call it: from the OpenAPI security list when the route is described there, else this. */
	auth?: Array<'user' | 'bearer'>;
	/** The token's app permission must include Direct Messages (`read-write-directmessages`). */
	needsDm?: boolean;
	/** The token must be allowed to write (media upload). */
	needsWrite?: boolean;
	handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export const ok = (body: unknown, status = 200): RouteResult => ({ status, body });
