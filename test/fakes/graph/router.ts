/**
 * Resolves `/{node}[/{edge}]` to a handler after checking the token may see the node:
 * Page tokens see their Page, its linked Instagram account and their threads and people;
 * Instagram Login tokens see their Instagram account; the app token only app-level edges.
 */
import { authenticate, appTokenRequired, invalidToken, pageTokenRequired, type Principal } from './auth';
import { GraphError, paramError, unknownPath, unsupportedRequest } from './errors';
import { selectFields } from './fields';
import { IG_ACCOUNT_FIELDS, PAGE_FIELDS, renderIgAccount, renderPage, type RenderContext } from './render';
import { handleUpload } from './routes/attachments';
import { handleBatch } from './routes/batch';
import { businessId, type Business } from './routes/business';
import { getConversation, getMessage, listConversationMessages, listConversations, requestedFields } from './routes/conversations';
import { HANDOVER_EDGES, handover } from './routes/handover';
import { messengerProfile, personaNode, personasEdge, userProfile } from './routes/profile';
import { refreshInstagramToken } from './routes/igToken';
import { handleSend } from './routes/send';
import { appSubscriptions, subscribedApps } from './routes/subscriptions';
import type { ConversationRecord, GraphState, MessageRecord, PersonaRecord, UserRecord } from './state';
import type { Call, Env, Result } from './types';

type Node =
	| { kind: 'app' }
	| { kind: 'business'; business: Business }
	| { kind: 'conversation'; conv: ConversationRecord }
	| { kind: 'message'; message: MessageRecord }
	| { kind: 'user'; user: UserRecord }
	| { kind: 'persona'; persona: PersonaRecord };

export async function route(env: Env, call: Call): Promise<Result> {
	const [head, edge, ...rest] = call.segments;
	if (head === undefined) {
		if (call.method === 'POST' && call.params.batch !== undefined) {
			if (call.inBatch) throw paramError('Batch requests cannot be nested');
			return handleBatch(env, call);
		}
		throw unsupportedRequest(call.method, '');
	}
	if (head === 'refresh_access_token' && call.version === null) return refreshInstagramToken(env, call);
	const principal = authenticate(env.state, call.params, call.headers, { requireAppSecretProof: env.options.requireAppSecretProof });
	if (rest.length > 0) throw unknownPath(rest.join('/'));
	const node = resolve(env.state, principal, head, call.method);
	const ctx = renderContext(env, call, principal);
	const unsupported = (): GraphError => unsupportedRequest(call.method, head);

	switch (node.kind) {
		case 'app':
			if (edge === undefined && call.method === 'GET') return { status: 200, body: { id: env.state.app.id, name: env.state.app.name } };
			if (edge === 'subscriptions') return appSubscriptions(env, call);
			throw edge === undefined ? unsupported() : unknownPath(edge);
		case 'business':
			return businessRoute(env, call, node.business, edge, ctx, unsupported);
		case 'conversation':
			if (call.method !== 'GET') throw unsupported();
			if (edge === undefined) return getConversation(env, call, node.conv, ctx);
			if (edge === 'messages') return listConversationMessages(env, call, node.conv, ctx);
			throw unknownPath(edge);
		case 'message':
			if (edge !== undefined) throw unknownPath(edge);
			if (call.method !== 'GET') throw unsupported();
			return getMessage(env, call, node.message, ctx);
		case 'user':
			if (edge !== undefined) throw unknownPath(edge);
			if (call.method !== 'GET') throw unsupported();
			return userProfile(call, node.user, ctx);
		case 'persona':
			if (edge !== undefined) throw unknownPath(edge);
			if (call.method === 'POST') throw unsupported();
			return personaNode(env, call, node.persona);
	}
}

async function businessRoute(
	env: Env,
	call: Call,
	business: Business,
	edge: string | undefined,
	ctx: RenderContext,
	unsupported: () => GraphError,
): Promise<Result> {
	const m = call.method;
	switch (edge) {
		case undefined: {
			if (m !== 'GET') throw unsupported();
			if (business.kind === 'page') {
				return { status: 200, body: renderPage(ctx, business.page, selectFields(requestedFields(call), ['id', 'name'], PAGE_FIELDS, 'Page')) };
			}
			const fields = selectFields(requestedFields(call), ['id', 'username'], IG_ACCOUNT_FIELDS, 'IGUser');
			return { status: 200, body: renderIgAccount(ctx, business.ig, fields) };
		}
		case 'messages':
			if (m !== 'POST') throw unsupported();
			return handleSend(env, call, business);
		case 'message_attachments':
			if (m !== 'POST') throw unsupported();
			return handleUpload(env, call, business);
		case 'conversations':
			if (m !== 'GET') throw unsupported();
			return listConversations(env, call, business, ctx);
		case 'messenger_profile':
			return messengerProfile(env, call, business);
		case 'personas':
			if (m === 'DELETE') throw unsupported();
			return personasEdge(env, call, business, ctx);
		case 'subscribed_apps':
			return subscribedApps(env, call, businessId(business));
		default:
			if (HANDOVER_EDGES.includes(edge)) return handover(env, call, business, edge);
			throw unknownPath(edge);
	}
}

function resolve(state: GraphState, principal: Principal, head: string, method: string): Node {
	if (head === 'me') {
		if (principal.kind === 'app') {
			throw new GraphError(400, { message: 'An active access token must be used to query information about the current user.', type: 'OAuthException', code: 2500 });
		}
		return { kind: 'business', business: businessOf(state, principal) };
	}
	if (head === state.app.id) {
		if (principal.kind !== 'app') throw appTokenRequired();
		return { kind: 'app' };
	}
	if (principal.kind === 'app') throw pageTokenRequired();
	const denied = (): GraphError => unsupportedRequest(method, head);

	const page = state.pages.get(head);
	if (page) {
		// Instagram Login tokens are not Facebook tokens: graph.facebook.com cannot parse them.
		if (principal.kind === 'ig') throw invalidToken('Invalid OAuth access token - Cannot parse access token');
		if (principal.pageId !== page.id) throw denied();
		return { kind: 'business', business: { kind: 'page', page } };
	}
	const ig = state.igAccount(head);
	if (ig) {
		if (!sees(state, principal, ig.id)) throw denied();
		return { kind: 'business', business: { kind: 'ig', ig } };
	}
	const conv = state.conversations.get(head);
	if (conv) {
		if (!sees(state, principal, conv.businessId)) throw denied();
		return { kind: 'conversation', conv };
	}
	const message = state.messages.get(head);
	if (message) {
		const owner = state.conversations.get(message.conversationId);
		if (!owner || !sees(state, principal, owner.businessId)) throw denied();
		return { kind: 'message', message };
	}
	const user = state.users.get(head);
	if (user) {
		if (!sees(state, principal, user.businessId)) throw denied();
		return { kind: 'user', user };
	}
	const persona = state.personas.get(head);
	if (persona) {
		if (principal.kind !== 'page' || principal.pageId !== persona.pageId) throw denied();
		return { kind: 'persona', persona };
	}
	throw denied();
}

function businessOf(state: GraphState, principal: Exclude<Principal, { kind: 'app' }>): Business {
	if (principal.kind === 'page') {
		const page = state.pages.get(principal.pageId);
		if (!page) throw invalidToken('Invalid OAuth access token - Cannot parse access token');
		return { kind: 'page', page };
	}
	const ig = state.igAccounts.get(principal.igId);
	if (!ig) throw invalidToken('Invalid OAuth access token - Cannot parse access token');
	return { kind: 'ig', ig };
}

/** Whether a token may see things owned by a business (a Page sees its linked Instagram account too). */
function sees(state: GraphState, principal: Principal, ownerId: string): boolean {
	if (principal.kind === 'page') return ownerId === principal.pageId || ownerId === state.pages.get(principal.pageId)?.igAccountId;
	if (principal.kind === 'ig') return ownerId === principal.igId;
	return false;
}

function renderContext(env: Env, call: Call, principal: Principal): RenderContext {
	const linkQuery: Record<string, string> = { access_token: principal.token };
	if (typeof call.params.appsecret_proof === 'string') linkQuery.appsecret_proof = call.params.appsecret_proof;
	return {
		state: env.state,
		baseUrl: env.baseUrl,
		version: call.version ?? env.options.defaultVersion,
		linkQuery,
		igLogin: principal.kind === 'ig',
	};
}
