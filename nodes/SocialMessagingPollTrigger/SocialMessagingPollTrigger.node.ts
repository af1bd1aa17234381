import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { NODE_CREDENTIALS, authenticationProperty } from '../platforms/core/credentialType';
import { pollMessages } from './poll';

/**
 * Companion of the Social Messaging Trigger for accounts that cannot take webhooks (no public HTTPS URL,
 * no X Activity API access): polls the account's direct messages and emits each new one once.
 */
export class SocialMessagingPollTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Social Messaging Poll Trigger',
		name: 'socialMessagingPollTrigger',
		icon: { light: 'file:../../icons/social-messaging.svg', dark: 'file:../../icons/social-messaging.dark.svg' },
		group: ['trigger'],
		version: 1,
		polling: true,
		subtitle: '=X: new direct messages',
		description: 'Starts the workflow when new X direct messages arrive, by polling (no webhook needed)',
		defaults: { name: 'Social Messaging Poll Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: NODE_CREDENTIALS,
		properties: [
			authenticationProperty(),
			{
				displayName:
					'Polls GET /2/dm_events with the X API or the X OAuth2 credential (Authentication). X allows 15 DM lookups per 15 minutes per user and charges each DM event read on pay-per-use: poll every minute or less often. Encrypted X chats are not visible to the API.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Platform',
				name: 'platform',
				type: 'options',
				default: 'x',
				options: [{ name: 'X', value: 'x' }],
				description: 'Where the messages are. Messenger and Instagram deliver by webhook: use the Social Messaging Trigger there.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Emit Backlog on First Poll',
						name: 'emitBacklog',
						type: 'boolean',
						default: false,
						description: 'Whether the first poll after activation emits the latest messages (up to 100) already there. Off: only messages that arrive after activation.',
					},
					{
						displayName: 'Include Echoes',
						name: 'includeEchoes',
						type: 'boolean',
						default: false,
						description: 'Whether to also emit the messages the account sent',
					},
					{
						displayName: 'Include Raw Event',
						name: 'includeRaw',
						type: 'boolean',
						default: false,
						description: 'Whether to add X\'s original DM event under "raw"',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollMessages(this);
	}
}
