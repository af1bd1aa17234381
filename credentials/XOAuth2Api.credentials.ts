import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * X's OAuth 2.0 user context (Authorization Code with PKCE). n8n runs the authorization, adds the Bearer
 * token to every request and refreshes it (scope offline.access). Some X endpoints take only this, e.g. the
 * DM media download of the trigger's Download Attachments option. The API Key Secret and Bearer Token are
 * optional: the Social Messaging Trigger's webhook mode needs them (CRC, signatures, POST /2/webhooks).
 */
export class XOAuth2Api implements ICredentialType {
	name = 'xOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'X OAuth2 API';

	icon: Icon = { light: 'file:../icons/social-messaging.svg', dark: 'file:../icons/social-messaging.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-social-messaging/n8n-nodes-social-messaging#x-oauth2';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'pkce' },
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: 'https://x.com/i/oauth2/authorize', required: true },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: 'https://api.x.com/2/oauth2/token', required: true },
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'dm.read dm.write tweet.read users.read media.write offline.access' },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
		{
			displayName: 'API Key Secret',
			name: 'xApiKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for the Social Messaging Trigger in webhook mode: the app\'s API Key Secret (Keys and tokens), which answers X\'s CRC checks and verifies delivery signatures. The Poll Trigger and the action node do not need it.',
		},
		{
			displayName: 'Bearer Token',
			name: 'xBearerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for the Social Messaging Trigger in webhook mode: the app\'s Bearer Token (app-only), which registers the webhook (POST /2/webhooks)',
		},
		{
			displayName: 'Custom Base URL',
			name: 'useCustomBaseUrl',
			type: 'boolean',
			default: false,
			description: 'Whether to send requests to another host than https://api.x.com, e.g. a proxy or a local test server',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://127.0.0.1:8088',
			description: 'Host that replaces https://api.x.com (the /2 paths are appended)',
			displayOptions: { show: { useCustomBaseUrl: [true] } },
		},
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.useCustomBaseUrl && $credentials.baseUrl ? String($credentials.baseUrl).replace(/\\/+$/, "") : "https://api.x.com" }}',
			url: '/2/users/me',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'X refused the token (401): it was revoked or could not be renewed. Reconnect the account (Connect my account), and check that the Client ID and Secret are those of the app.' },
			},
			{
				type: 'responseCode',
				properties: { value: 403, message: 'X refused the app (403): it is not in a Project, its plan has no access (Direct Messages need pay-per-use credits or Pro), it is out of credits, or the token lacks the users.read and tweet.read scopes (reconnect).' },
			},
			{
				type: 'responseCode',
				properties: { value: 429, message: 'X rate-limited the test call; the credential may be fine. Test again after the 15-minute window.' },
			},
		],
	};
}
