/**
 * The trigger's answer to an auto-response control request from the Social Messaging node (Auto-Response
 * resource on Meta and X): checked against the credential's control secret, applied to the static data,
 * answered with the settings in force. The trigger's own Auto-Respond fields apply until the action node
 * sets something; after that the action node's latest setting wins.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { providerOf } from '../platforms';
import {
	CONTROL_HEADER,
	applyControl,
	effectiveAutoResponse,
	readControlRequest,
	verifyControl,
	type ControlledAutoResponse,
	type FieldSettings,
} from '../platforms/core/autoResponseControl';
import { readCredentials } from '../platforms/core/credentialType';

export function isControlRequest(headers: IDataObject): boolean {
	return headers[CONTROL_HEADER] !== undefined;
}

export function fieldSettings(ctx: IWebhookFunctions): FieldSettings {
	return {
		active: ctx.getNodeParameter('autoResponse', false) as boolean,
		message: ctx.getNodeParameter('autoResponseText', '') as string,
		waitSeconds: ctx.getNodeParameter('autoResponseWaitSeconds', 3600) as number,
	};
}

/** The settings the trigger applies to the next message. */
export function autoResponseInForce(ctx: IWebhookFunctions) {
	const stored = ctx.getWorkflowStaticData('node').autoResponseControl as ControlledAutoResponse | undefined;
	return effectiveAutoResponse(fieldSettings(ctx), stored);
}

export async function answerControl(ctx: IWebhookFunctions, rawBody: Buffer | undefined): Promise<IWebhookResponseData> {
	const response = ctx.getResponseObject();
	const reply = (status: number, body: IDataObject) => {
		response.status(status);
		response.send(body);
		return { noWebhookResponse: true };
	};
	const credentials = await readCredentials(ctx);
	const secret = providerOf(credentials).controlSecret?.(credentials) ?? '';
	const headers = ctx.getRequestObject().headers as IDataObject;
	if (!secret || !Buffer.isBuffer(rawBody) || !verifyControl(secret, rawBody, headers[CONTROL_HEADER])) {
		return reply(403, { error: 'Refused: the control request is not signed with this trigger\'s app secret, or is older than 5 minutes' });
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(rawBody.toString('utf8'));
	} catch {
		parsed = undefined;
	}
	const request = readControlRequest(parsed);
	if (!request) return reply(400, { error: 'Not an auto-response control request' });
	const fields = fieldSettings(ctx);
	const staticData = ctx.getWorkflowStaticData('node');
	if (request.operation === 'set' && request.active && !request.message) {
		const stored = staticData.autoResponseControl as ControlledAutoResponse | undefined;
		if (!stored?.message && !fields.message.trim()) return reply(400, { error: 'No auto-response message: neither the request nor the trigger has one' });
	}
	applyControl(staticData, request);
	const inForce = autoResponseInForce(ctx);
	return reply(200, { active: inForce.active, message: inForce.message, waitSeconds: inForce.waitSeconds, source: inForce.source });
}
