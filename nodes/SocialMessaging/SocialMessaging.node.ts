import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as attachment from './actions/attachment/Attachment.resource';
import * as conversation from './actions/conversation/Conversation.resource';
import * as message from './actions/message/Message.resource';
import { route } from './actions/router';
import { platformField } from '../shared/platformField';
import { searchConversations, searchRecipients } from './methods/listSearch';

export class SocialMessaging implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Social Messaging',
		name: 'socialMessaging',
		icon: { light: 'file:../../icons/social-messaging.svg', dark: 'file:../../icons/social-messaging.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ ($parameter["platform"] === "instagram" ? "Instagram" : "Messenger") + ": " + ({ getAll: "get many", sendAction: "send action" }[$parameter["operation"]] ?? $parameter["operation"]) + " " + $parameter["resource"] }}',
		description: 'Read and send direct messages on Facebook Messenger and Instagram',
		defaults: { name: 'Social Messaging' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'socialMessagingApi', required: true }],
		properties: [
			platformField,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'message',
				options: [
					{ name: 'Attachment', value: 'attachment' },
					{ name: 'Conversation', value: 'conversation' },
					{ name: 'Message', value: 'message' },
				],
			},
			...conversation.description,
			...message.description,
			...attachment.description,
		],
	};

	methods = {
		listSearch: { searchConversations, searchRecipients },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
