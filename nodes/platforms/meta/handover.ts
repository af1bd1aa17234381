/**
 * Handover protocol: `POST /{page}/pass_thread_control {recipient, target_app_id, metadata}`,
 * `take_thread_control` and `request_thread_control` `{recipient, metadata}` → `{success}`, and
 * `GET /{page}/thread_owner?recipient=…` → `{data:[{thread_owner:{app_id}}]}`. Messenger, and Instagram
 * through its Facebook Page; Meta documents none of it for Instagram Login.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ThreadControlRequest, ThreadOwner, ThreadControlTools } from '../accountTypes';
import { InputError } from '../core/inputError';
import { graphId, type GraphAccount } from './accountContext';

/** Meta's Page inbox (Meta Business Suite): where people answer by hand. */
export const PAGE_INBOX_APP_ID = '263902037430900';
/** Meta: metadata of a thread control call is a string of at most 1000 characters. */
const METADATA_MAX_CHARS = 1000;

function requireFacebookPage(account: GraphAccount): void {
	if (account.provider === 'instagramLogin') {
		throw new InputError(
			'Handover is not available with Instagram Login',
			'Meta offers the handover protocol for Instagram only through the linked Facebook Page: use a Meta Graph API credential (Page token) for this operation.',
		);
	}
}

export function buildThreadControlBody(request: ThreadControlRequest, withTarget: boolean): IDataObject {
	const body: IDataObject = { recipient: { id: graphId(request.userId, 'User ID', '7101149746568522 (a PSID or IGSID)') } };
	if (withTarget) {
		const target = (request.targetAppId ?? '').trim();
		if (!target) {
			throw new InputError('No target app to pass the conversation to', `Set Target App ID; ${PAGE_INBOX_APP_ID} is the Page inbox, where people answer by hand.`);
		}
		if (!/^\d+$/.test(target)) {
			throw new InputError(`Target app "${target}" is not an app ID`, `Use the numeric ID of the app to pass the conversation to; ${PAGE_INBOX_APP_ID} is the Page inbox.`);
		}
		body.target_app_id = target;
	}
	const metadata = request.metadata?.trim();
	if (metadata) {
		if ([...metadata].length > METADATA_MAX_CHARS) {
			throw new InputError(`Metadata is ${[...metadata].length} characters long; Meta allows ${METADATA_MAX_CHARS}`, 'Shorten it, or pass a reference to data stored elsewhere.');
		}
		body.metadata = metadata;
	}
	return body;
}

export function threadControlTools(account: GraphAccount): ThreadControlTools {
	const post = async (edge: string, body: IDataObject) => {
		requireFacebookPage(account);
		return await account.transport.request({ method: 'POST', path: `/${account.node}/${edge}`, body });
	};
	return {
		passThreadControl: async (request) => await post('pass_thread_control', buildThreadControlBody(request, true)),
		takeThreadControl: async (request) => await post('take_thread_control', buildThreadControlBody(request, false)),
		requestThreadControl: async (request) => await post('request_thread_control', buildThreadControlBody(request, false)),
		async getThreadOwner(userId): Promise<ThreadOwner> {
			requireFacebookPage(account);
			const recipient = graphId(userId, 'User ID', '7101149746568522 (a PSID or IGSID)');
			const raw = await account.transport.request({ method: 'GET', path: `/${account.node}/thread_owner`, qs: { recipient }, idempotent: true });
			const first = ((raw.data as IDataObject[] | undefined) ?? [])[0];
			const owner = (first?.thread_owner as IDataObject | undefined)?.app_id;
			return { ...(owner !== undefined ? { appId: String(owner) } : {}), raw };
		},
	};
}
