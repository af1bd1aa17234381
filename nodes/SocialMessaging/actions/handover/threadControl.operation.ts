/**
 * Handover > Pass / Take / Request Thread Control: who answers a conversation, the bot or people in
 * another app (by default the Page inbox). The trigger emits the handover events that follow.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { AccountTools, ThreadControlRequest } from '../../../platforms/accountTypes';
import { accountTools } from '../account';
import type { Operation } from '../operation';
import { userLocator } from '../user.fields';
import { metadataField, readThreadControl } from './handover.fields';

const targetAppField: INodeProperties = {
	displayName: 'Target App ID',
	name: 'targetAppId',
	type: 'string',
	default: '263902037430900',
	required: true,
	description: 'The app that gets the conversation; 263902037430900 is the Page inbox (Meta Business Suite), where people answer by hand',
};

type Call = (tools: AccountTools, request: ThreadControlRequest) => Promise<{ success?: unknown }>;

function threadControl(description: INodeProperties[], call: Call, reportTarget: boolean): Operation {
	return {
		description,
		kind: 'write',
		async execute({ ctx, platform, itemIndex }) {
			const request = readThreadControl(ctx, itemIndex);
			const response = await call(accountTools(platform), request);
			return {
				platform: platform.name,
				userId: request.userId,
				...(reportTarget ? { targetAppId: request.targetAppId?.trim() } : {}),
				success: response.success === true || response.success === 'true',
			};
		},
	};
}

export const passThreadControl = threadControl([userLocator, targetAppField, metadataField], async (tools, request) => await tools.passThreadControl(request), true);
export const takeThreadControl = threadControl([userLocator, metadataField], async (tools, request) => await tools.takeThreadControl(request), false);
export const requestThreadControl = threadControl([userLocator, metadataField], async (tools, request) => await tools.requestThreadControl(request), false);
