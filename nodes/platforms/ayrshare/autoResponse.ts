/**
 * Ayrshare's own auto-response: `GET` and `POST /messages/autoresponse`, one setting per profile for its
 * Facebook, Instagram and X at once. There is no DELETE (off is `autoResponseActive: false`), and an
 * empty `autoResponseMessage` resets the text to Ayrshare's default, so an empty text is never sent.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Lane } from '../core/rateGate';
import type { Transport } from '../core/transport';
import type { AutoResponseState, ServerAutoResponse } from '../types';

const PATH = '/messages/autoresponse';
const KEYS = ['autoResponseActive', 'autoResponseMessage', 'autoResponseWaitSeconds'];

/** Ayrshare's wait before the same person gets the auto-response again, when none is set. */
export const AYRSHARE_DEFAULT_WAIT_SECONDS = 86_400;

function stateOf(settings: IDataObject): AutoResponseState {
	const state: AutoResponseState = { active: settings.autoResponseActive === true };
	if (typeof settings.autoResponseMessage === 'string') state.message = settings.autoResponseMessage;
	const wait = Number(settings.autoResponseWaitSeconds);
	state.waitSeconds = settings.autoResponseWaitSeconds !== undefined && Number.isFinite(wait) ? wait : AYRSHARE_DEFAULT_WAIT_SECONDS;
	return state;
}

export class AyrshareAutoResponse implements ServerAutoResponse {
	readonly scope = 'the Ayrshare profile: its Facebook, Instagram and X at once';

	constructor(
		private readonly transport: Transport,
		private readonly lane: Lane,
	) {}

	async get(): Promise<AutoResponseState & { raw: IDataObject }> {
		const answer = await this.transport.request<IDataObject>({ method: 'GET', path: PATH, idempotent: true, pacing: [{ lane: this.lane, weight: 1 }] });
		// `{status: "success"}` alone: nothing was ever set, so Ayrshare's defaults are in force (off).
		const settings = (answer.autoResponse && typeof answer.autoResponse === 'object' ? answer.autoResponse : answer) as IDataObject;
		return { ...stateOf(settings), raw: answer };
	}

	async set(change: Partial<AutoResponseState>): Promise<AutoResponseState & { raw: IDataObject }> {
		const body: IDataObject = {};
		if (change.active !== undefined) body.autoResponseActive = change.active;
		if (change.message !== undefined) body.autoResponseMessage = change.message;
		if (change.waitSeconds !== undefined) body.autoResponseWaitSeconds = change.waitSeconds;
		// Setting the same values twice leaves the same settings: safe to repeat.
		const answer = await this.transport.request<IDataObject>({ method: 'POST', path: PATH, body, idempotent: true, pacing: [{ lane: this.lane, weight: 1 }] });
		const updated = { ...body, ...((answer.updated && typeof answer.updated === 'object' ? answer.updated : {}) as IDataObject) };
		// A change of a subset: what else is in force only a read tells.
		if (!KEYS.every((key) => key in updated)) return { ...(await this.get()), raw: answer };
		return { ...stateOf(updated), raw: answer };
	}
}
