import { createHmac } from 'crypto';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * Request header the nodes set when a call must use the app access token (`{app-id}|{app-secret}`)
 * instead of the Page / user token, e.g. webhook subscriptions. `authenticate` consumes it, so the
 * secrets stay inside this file and the header never reaches the platform.
 */
export const APP_TOKEN_MARKER_HEADER = 'x-social-messaging-auth';

const metaProviders = ['metaGraph', 'instagramLogin'];

export class SocialMessagingApi implements ICredentialType {
	name = 'socialMessagingApi';

	displayName = 'Social Messaging API';

	icon: Icon = { light: 'file:../icons/social-messaging.svg', dark: 'file:../icons/social-messaging.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-social-messaging/n8n-nodes-social-messaging#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Provider',
			name: 'provider',
			type: 'options',
			options: [
				{
					name: 'Meta Graph API (Messenger and Instagram via a Facebook Page)',
					value: 'metaGraph',
				},
				{
					name: 'Instagram Login (Instagram Only)',
					value: 'instagramLogin',
				},
			],
			default: 'metaGraph',
			description: 'Which API carries the messages. The Social Messaging nodes pick the route from this.',
		},
		{
			displayName: 'Page ID',
			name: 'pageId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. 104123456789012',
			description:
				'ID of the Facebook Page that sends and receives the messages (Page > About > Page transparency, or Graph API Explorer)',
			displayOptions: { show: { provider: ['metaGraph'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Meta Graph API: a Page access token with pages_messaging (and instagram_manage_messages for Instagram). Instagram Login: an Instagram user access token with instagram_business_manage_messages.',
			displayOptions: { show: { provider: metaProviders } },
		},
		{
			displayName: 'Instagram Account ID',
			name: 'instagramAccountId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 17841400000000000',
			description:
				'ID of the Instagram professional account. Meta Graph API: the account linked to the Page (needed for Instagram webhooks). Instagram Login: leave empty to use the account the token belongs to.',
			displayOptions: { show: { provider: metaProviders } },
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 1234567890123456',
			description:
				'ID of the Meta app (App Dashboard > App settings > Basic). The Social Messaging Trigger needs it to register its webhook.',
			displayOptions: { show: { provider: metaProviders } },
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Secret of the Meta app (App settings > Basic). Used to sign requests (appsecret_proof) and, by the trigger, to check that webhook deliveries really come from Meta.',
			displayOptions: { show: { provider: metaProviders } },
		},
		{
			displayName: 'Graph API Version',
			name: 'graphApiVersion',
			type: 'string',
			default: 'v23.0',
			placeholder: 'e.g. v23.0',
			description: 'Graph API version every request is sent to',
			displayOptions: { show: { provider: metaProviders } },
		},
		{
			displayName: 'Custom Base URL',
			name: 'useCustomBaseUrl',
			type: 'boolean',
			default: false,
			description: 'Whether to send requests to another host than the provider\'s own, e.g. a proxy or a local test server',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://127.0.0.1:8088',
			description: 'Host that replaces https://graph.facebook.com or https://graph.instagram.com; the API version is appended',
			displayOptions: { show: { useCustomBaseUrl: [true] } },
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		const wantsAppToken = headers[APP_TOKEN_MARKER_HEADER] === 'app';
		delete headers[APP_TOKEN_MARKER_HEADER];

		const appSecret = String(credentials.appSecret ?? '');
		const token = wantsAppToken
			? `${String(credentials.appId ?? '')}|${appSecret}`
			: String(credentials.accessToken ?? '');
		headers.Authorization = `Bearer ${token}`;

		const qs = { ...(requestOptions.qs ?? {}) };
		if (appSecret && !wantsAppToken) {
			// Proves the call comes from the app's server; required when the app enables "Require App Secret".
			qs.appsecret_proof = createHmac('sha256', appSecret).update(token).digest('hex');
		}
		return { ...requestOptions, headers, qs };
	}

	test: ICredentialTestRequest = {
		request: {
			// Same host and version rules as the nodes (apiBaseUrl): trailing slashes dropped, empty version = v23.0.
			baseURL:
				'={{ $credentials.useCustomBaseUrl && $credentials.baseUrl ? String($credentials.baseUrl).replace(/\\/+$/, "") : ($credentials.provider === "instagramLogin" ? "https://graph.instagram.com" : "https://graph.facebook.com") }}',
			url: '={{ "/" + String($credentials.graphApiVersion || "v23.0").replace(/^\\/+|\\/+$/g, "") + "/" + ($credentials.provider === "instagramLogin" ? ($credentials.instagramAccountId || "me") : $credentials.pageId) }}',
			qs: {
				fields: '={{ $credentials.provider === "instagramLogin" ? "id,username" : "id,name" }}',
			},
			ignoreHttpStatusErrors: true,
		},
		// Checked in order, the first match wins: the specific causes before the general codes.
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.message',
					value: 'Invalid appsecret_proof provided in the API argument',
					message:
						'The App Secret does not match the app that issued the access token (Meta rejected appsecret_proof). Copy the App Secret of that app from App settings > Basic, or clear the field if the app does not require it.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.error_subcode',
					value: 33,
					message:
						'The Page ID (or Instagram Account ID) does not exist or this token cannot see it. Use the ID of the Page or Instagram account the token was generated for.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 190,
					message:
						'The access token is invalid or has expired. Generate a new token (a long-lived Page token for Meta Graph API) and paste it here.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 100,
					message:
						'Meta did not accept the request: check that the Page ID (or Instagram Account ID) belongs to this token and that the App Secret is the secret of the app that issued the token.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 200,
					message:
						'The token lacks a permission: it needs pages_messaging (Messenger) or instagram_manage_messages / instagram_business_manage_messages (Instagram).',
				},
			},
			...[4, 17, 32, 613].map((code) => ({
				type: 'responseSuccessBody' as const,
				properties: {
					key: 'error.code',
					value: code,
					message: `Meta rate-limited the test call (code ${code}); the credentials may be fine. Wait a minute and test again.`,
				},
			})),
			...[1, 2].map((code) => ({
				type: 'responseSuccessBody' as const,
				properties: {
					key: 'error.code',
					value: code,
					message: `Meta had a temporary problem (code ${code}); the credentials may be fine. Test again in a moment.`,
				},
			})),
			...['OAuthException', 'GraphMethodException', 'IGApiException'].map((type) => ({
				type: 'responseSuccessBody' as const,
				properties: {
					key: 'error.type',
					value: type,
					message: `Meta rejected the test call (${type}). Check the access token, the Page or Instagram Account ID and the App Secret.`,
				},
			})),
		],
	};
}
