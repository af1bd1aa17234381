/**
 * Auto-Response on providers without one of their own (Meta, X): a signed control request to the
 * Social Messaging Trigger's production webhook, which keeps the setting and applies it to the next
 * messages (core/autoResponseControl.ts). The trigger may live in another workflow.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { providerOf } from '../../../platforms';
import { CONTROL_HEADER, signControl, type ControlRequest } from '../../../platforms/core/autoResponseControl';
import { InputError } from '../../../platforms/core/inputError';
import { readCredentials } from '../../../platforms/core/credentialType';

export interface TriggerSettings {
	active: boolean;
	message?: string;
	waitSeconds?: number;
	source?: string;
}

export function readTriggerUrl(ctx: IExecuteFunctions, itemIndex: number): string {
	const text = String(ctx.getNodeParameter('triggerUrl', itemIndex, '') ?? '').trim();
	const hint = 'Open the Social Messaging Trigger of the workflow that receives the messages, copy its Production URL, and activate that workflow.';
	if (!text) throw new InputError('Trigger URL is empty', `With a Meta or X credential the trigger applies the auto-response. ${hint}`);
	const url = parseUrl(text);
	if (!url) throw new InputError(`Trigger URL "${text}" is not a URL`, hint);
	if (!/^https?:$/.test(url.protocol)) throw new InputError(`Trigger URL "${text}" is not an http(s) URL`, hint);
	// n8n keeps nothing a test listen stores: the setting would be lost at once.
	if (url.pathname.includes('/webhook-test/')) throw new InputError('Trigger URL is the trigger\'s Test URL', `The setting must reach the active workflow. ${hint}`);
	return url.toString();
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

export async function sendControl(ctx: IExecuteFunctions, itemIndex: number, request: ControlRequest): Promise<TriggerSettings> {
	const url = readTriggerUrl(ctx, itemIndex);
	const credentials = await readCredentials(ctx);
	const provider = providerOf(credentials);
	const secret = provider.controlSecret?.(credentials) ?? '';
	if (!secret) {
		throw new InputError(
			'The credential has no secret to sign the auto-response setting with',
			'Fill in the App Secret (Meta) or the API Key Secret (X): the trigger accepts settings signed with the same secret its own credential has.',
		);
	}
	const body = JSON.stringify(request);
	const response = (await ctx.helpers.httpRequest({
		method: 'POST',
		url,
		body,
		headers: { 'content-type': 'application/json', [CONTROL_HEADER]: signControl(secret, body) },
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as { statusCode: number; body: unknown };
	let answer: IDataObject = {};
	try {
		answer = (typeof response.body === 'string' ? JSON.parse(response.body) : response.body ?? {}) as IDataObject;
	} catch {
		answer = {};
	}
	if (response.statusCode === 200 && typeof answer.active === 'boolean') return answer as unknown as TriggerSettings;
	const said = typeof answer.error === 'string' ? answer.error : `HTTP ${response.statusCode}`;
	const description =
		response.statusCode === 404
			? provider.webhook
				? 'No active trigger answers at this URL. Activate the workflow with the Social Messaging Trigger and copy its Production URL.'
				: `No active trigger answers at this URL, and with ${provider.label} credentials the Social Messaging Trigger cannot be activated yet (it does not receive its messages). Use an Ayrshare credential, whose server sends the auto-response itself.`
			: response.statusCode === 403
				? 'The trigger refused the signature: both nodes need credentials with the same App Secret (Meta) or API Key Secret (X), and the clocks of the n8n hosts must agree within 5 minutes.'
				: 'Check the Trigger URL: it must be the Production URL of an active Social Messaging Trigger.';
	throw new NodeOperationError(ctx.getNode(), `The trigger did not take the auto-response setting (${said})`, { itemIndex, description });
}
