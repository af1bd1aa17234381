import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as attachment from './actions/attachment/Attachment.resource';
import * as autoResponse from './actions/autoResponse/AutoResponse.resource';
import * as conversation from './actions/conversation/Conversation.resource';
import * as handover from './actions/handover/Handover.resource';
import * as message from './actions/message/Message.resource';
import * as messengerProfile from './actions/messengerProfile/MessengerProfile.resource';
import * as persona from './actions/persona/Persona.resource';
import * as userProfile from './actions/userProfile/UserProfile.resource';
import { route } from './actions/router';
import { platformField } from '../shared/platformField';
import { NODE_CREDENTIALS, authenticationProperty } from '../platforms/core/credentialType';
import { searchConversations, searchRecipients } from './methods/listSearch';
import { xDescription } from './actions/x/X.resources';
import { searchPersonas } from './methods/personaSearch';

export class SocialMessaging implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Social Messaging',
		name: 'socialMessaging',
		icon: { light: 'file:../../icons/social-messaging.svg', dark: 'file:../../icons/social-messaging.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ ({ instagram: "Instagram", x: "X" }[$parameter["platform"]] ?? "Messenger") + ": " + ({ getAll: "get many", sendAction: "send action" }[$parameter["operation"]] ?? $parameter["operation"]) + " " + $parameter["resource"] }}',
		description: 'Read and send direct messages on Facebook Messenger, Instagram and X',
		defaults: { name: 'Social Messaging' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: NODE_CREDENTIALS,
		properties: [
			platformField,
			authenticationProperty({ show: { platform: ['x'] } }),
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'message',
				options: [
					{ name: 'Attachment', value: 'attachment' },
					{ name: 'Auto-Response', value: 'autoResponse' },
					{ name: 'Conversation', value: 'conversation' },
					{ name: 'Handover', value: 'handover' },
					{ name: 'Message', value: 'message' },
					{ name: 'Messenger Profile', value: 'messengerProfile' },
					{ name: 'Persona (Messenger)', value: 'persona' },
					{ name: 'User Profile', value: 'userProfile' },
				],
				displayOptions: { hide: { platform: ['x'] } },
			},
			...xDescription,
			...conversation.description,
			...message.description,
			...attachment.description,
			...persona.description,
			...userProfile.description,
			...handover.description,
			...messengerProfile.description,
			...autoResponse.description,
		],
	};

	methods = {
		listSearch: { searchConversations, searchRecipients, searchPersonas },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
