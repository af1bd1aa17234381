/**
 * Which credential a node uses: the one place that maps the node's Authentication choice to a credential
 * type name and to the provider it reaches. The shared credential is the default, so a workflow saved
 * before the choice existed keeps working.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** The node parameter that holds the choice. */
export const AUTHENTICATION_PARAMETER = 'authentication';

export const SHARED_CREDENTIAL_TYPE = 'socialMessagingApi';

export const X_OAUTH2_CREDENTIAL_TYPE = 'xOAuth2Api';

/** The provider an X OAuth2 credential reaches (it has no Provider field of its own). */
export const X_OAUTH2_PROVIDER = 'xOAuth2';

export type CredentialTypeName = typeof SHARED_CREDENTIAL_TYPE | typeof X_OAUTH2_CREDENTIAL_TYPE;

/** Authentication option values (as the nodes offer them) to credential type names. */
const BY_CHOICE: Record<string, CredentialTypeName> = {
	socialMessagingApi: SHARED_CREDENTIAL_TYPE,
	xOAuth2: X_OAUTH2_CREDENTIAL_TYPE,
};

interface HasNode {
	getNode(): { parameters: Record<string, unknown> };
}

/** The credential type the node's Authentication parameter chooses (read raw: it is never an expression). */
export function credentialTypeOf(ctx: HasNode): CredentialTypeName {
	return BY_CHOICE[String(ctx.getNode().parameters[AUTHENTICATION_PARAMETER] ?? '')] ?? SHARED_CREDENTIAL_TYPE;
}

/** The node's credential; an X OAuth2 credential is marked with its provider, so the provider table finds it. */
export async function readCredentials(ctx: HasNode & { getCredentials(type: string): Promise<ICredentialDataDecryptedObject> }): Promise<ICredentialDataDecryptedObject> {
	const type = credentialTypeOf(ctx);
	const credentials = await ctx.getCredentials(type);
	return type === X_OAUTH2_CREDENTIAL_TYPE ? { ...credentials, provider: X_OAUTH2_PROVIDER } : credentials;
}

/** The Authentication parameter as the nodes show it; `displayOptions`: where X OAuth2 is offered (Platform X). */
export function authenticationProperty(displayOptions?: { show: Record<string, string[]> }) {
	return {
		displayName: 'Authentication',
		name: AUTHENTICATION_PARAMETER,
		type: 'options' as const,
		options: [
			{ name: 'Social Messaging API', value: 'socialMessagingApi' },
			{ name: 'X OAuth2', value: 'xOAuth2', description: 'X\'s OAuth 2.0 user context; some X endpoints (DM media downloads) take only this' },
		],
		default: 'socialMessagingApi',
		...(displayOptions ? { displayOptions } : {}),
	};
}

/**
 * The nodes' `credentials` list: the shared credential unless X OAuth2 is chosen (hide, not show: where the
 * Authentication field is hidden, e.g. on Messenger, the shared credential must stay), X OAuth2 when chosen.
 */
export const NODE_CREDENTIALS = [
	{ name: SHARED_CREDENTIAL_TYPE, required: true, displayOptions: { hide: { [AUTHENTICATION_PARAMETER]: ['xOAuth2'] } } },
	{ name: X_OAUTH2_CREDENTIAL_TYPE, required: true, displayOptions: { show: { [AUTHENTICATION_PARAMETER]: ['xOAuth2'] } } },
];
