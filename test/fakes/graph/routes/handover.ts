/**
 * Handover protocol on a Page (Messenger, and Instagram through the Page): `POST /{PAGE_ID}/pass_thread_control`,
 * `take_thread_control`, `request_thread_control` and `GET /{PAGE_ID}/thread_owner?recipient=…`. The app is
 * the Page's primary receiver; the Page inbox is its one secondary receiver. Instagram Login has no handover.
 */
import { objectParam, stringParam } from '../body';
import { fromSpec, GRAPH_ERRORS, paramError, unknownPath } from '../errors';
import type { GraphState, UserRecord } from '../state';
import type { Call, Env, Result } from '../types';
import type { Business } from './business';

/** Meta's Page inbox app (Meta Business Suite). */
export const PAGE_INBOX_APP_ID = '263902037430900';
/** Meta: metadata of a thread control call is at most 1000 characters. */
const METADATA_MAX = 1000;

export const HANDOVER_EDGES = ['pass_thread_control', 'take_thread_control', 'request_thread_control', 'thread_owner'];

export function handover(env: Env, call: Call, business: Business, edge: string): Result {
	if (business.kind !== 'page') throw unknownPath(edge);
	const { state } = env;
	if (edge === 'thread_owner') {
		if (call.method !== 'GET') throw paramError('thread_owner only supports GET (inferred wording)');
		const user = userOf(state, business, stringParam(call.params, 'recipient'));
		return { status: 200, body: { data: [{ thread_owner: { app_id: ownerOf(state, user) } }] } };
	}
	if (call.method !== 'POST') throw paramError(`${edge} only supports POST (inferred wording)`);
	const recipient = objectParam(call.params, 'recipient');
	const user = userOf(state, business, recipient?.id === undefined ? undefined : String(recipient.id));
	const metadata = call.params.metadata;
	if (metadata !== undefined && (typeof metadata !== 'string' || [...metadata].length > METADATA_MAX)) {
		throw paramError(`Param metadata must be a string of at most ${METADATA_MAX} characters (inferred wording)`);
	}
	const app = state.app.id;
	const owner = ownerOf(state, user);
	if (edge === 'pass_thread_control') {
		const target = stringParam(call.params, 'target_app_id');
		if (!target) throw paramError('The parameter target_app_id is required');
		if (target !== PAGE_INBOX_APP_ID && target !== app) throw paramError(`Param target_app_id ${target} is not an app connected to this Page (inferred wording)`);
		if (owner !== app) throw fromSpec(GRAPH_ERRORS.threadControlledByAnotherApp);
		state.threadOwners.set(user.id, target);
	} else if (edge === 'take_thread_control') {
		// Only the primary receiver may take control; the app is this Page's primary receiver.
		state.threadOwners.set(user.id, app);
	} else {
		if (owner === app) throw paramError('The app already controls this thread (inferred wording)');
		state.threadControlRequests.push({ userId: user.id, appId: app, metadata: typeof metadata === 'string' ? metadata : undefined });
	}
	return { status: 200, body: { success: true } };
}

/** The app controlling the person's thread: the primary receiver (the app) unless passed on. */
export function ownerOf(state: GraphState, user: UserRecord): string {
	return state.threadOwners.get(user.id) ?? state.app.id;
}

function userOf(state: GraphState, business: Extract<Business, { kind: 'page' }>, id: string | undefined): UserRecord {
	if (!id) throw paramError('The parameter recipient is required');
	const user = state.users.get(id);
	const page = business.page;
	if (!user || (user.businessId !== page.id && user.businessId !== page.igAccountId)) throw fromSpec(GRAPH_ERRORS.noMatchingUser);
	return user;
}
