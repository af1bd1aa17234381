/** The trigger's way to the credential's provider: its webhook side, or a clear error when it has none. */
import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { providerFor } from '../platforms';
import { InputError } from '../platforms/core/inputError';
import { readCredentials } from '../platforms/core/credentialType';
import type { ProviderWebhook, WebhookEndpoint } from '../platforms/provider';
import type { PlatformName } from '../platforms/types';

async function lookUp(ctx: IHookFunctions | IWebhookFunctions, platform: PlatformName) {
	const credentials = await readCredentials(ctx);
	let provider;
	try {
		provider = providerFor(credentials, platform);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), error as Error, {
			description: error instanceof InputError ? error.description : undefined,
		});
	}
	if (!provider.webhook) {
		throw new NodeOperationError(ctx.getNode(), `The trigger does not receive ${provider.label} messages yet`, {
			description: 'Use the Social Messaging node to read the conversations instead, or a credential of another provider.',
		});
	}
	return { webhook: provider.webhook, credentials };
}

export async function providerWebhook(ctx: IHookFunctions): Promise<ProviderWebhook> {
	return (await lookUp(ctx, ctx.getNodeParameter('platform') as PlatformName)).webhook;
}

/** The webhook side for one delivery or handshake; refuses a credential that lacks what the trigger needs. */
export async function openWebhook(ctx: IWebhookFunctions, platform: PlatformName): Promise<WebhookEndpoint> {
	const { webhook, credentials } = await lookUp(ctx, platform);
	return webhook.open(ctx, credentials, platform);
}
