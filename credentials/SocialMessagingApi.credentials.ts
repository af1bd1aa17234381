import { createHmac } from 'crypto';
import type {
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { TOKEN_FIELDS, renewInstagramToken } from '../nodes/platforms/meta/tokenRefresh';
import { oauth1Header, parseFormEncoded, queryParams } from '../nodes/platforms/x/oauth1';

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
				{
					name: 'X API (X Direct Messages)',
					value: 'xApi',
				},
				{
					name: 'Ayrshare (Messenger, Instagram and X via Ayrshare)',
					value: 'ayrshare',
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
				'Meta Graph API: a Page access token with pages_messaging (and instagram_manage_messages for Instagram). Instagram Login: a long-lived Instagram user access token with instagram_business_manage_messages; it is renewed automatically before its 60 days run out.',
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
		// Instagram Login: n8n calls preAuthentication while this expirable field is empty, and it is kept
		// empty, so the token is checked before each request and renewed when due (tokenRefresh.ts).
		{
			displayName: 'Token Refresh',
			name: TOKEN_FIELDS.refresh,
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
			displayOptions: { show: { provider: ['instagramLogin'] } },
		},
		{
			displayName: 'Token Expires At',
			name: TOKEN_FIELDS.expiresAt,
			type: 'hidden',
			default: '',
			displayOptions: { show: { provider: ['instagramLogin'] } },
		},
		{
			displayName: 'Token Expires For',
			name: TOKEN_FIELDS.expiresFor,
			type: 'hidden',
			default: '',
			displayOptions: { show: { provider: ['instagramLogin'] } },
		},
		{
			displayName: 'Graph API Version',
			name: 'graphApiVersion',
			type: 'string',
			default: 'v25.0',
			placeholder: 'e.g. v25.0',
			description: 'Graph API version every request is sent to (v23.0 and newer are supported by Meta until 2027 or later)',
			displayOptions: { show: { provider: metaProviders } },
		},
		{
			displayName: 'API Key',
			name: 'xApiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The app\'s API Key (consumer key): developer portal > your app > Keys and tokens',
			displayOptions: { show: { provider: ['xApi'] } },
		},
		{
			displayName: 'API Key Secret',
			name: 'xApiKeySecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The app\'s API Key Secret (consumer secret). Signs every request (OAuth 1.0a) and, in the trigger, checks X\'s webhook signatures.',
			displayOptions: { show: { provider: ['xApi'] } },
		},
		{
			displayName: 'Access Token',
			name: 'xAccessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Access Token of the X account the nodes act as (Keys and tokens > Access Token and Secret). Generate it after setting the app\'s permission to "Read and write and Direct message".',
			displayOptions: { show: { provider: ['xApi'] } },
		},
		{
			displayName: 'Access Token Secret',
			name: 'xAccessTokenSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			displayOptions: { show: { provider: ['xApi'] } },
		},
		{
			displayName: 'Bearer Token',
			name: 'xBearerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The app\'s Bearer Token (app-only). The trigger uses it to register its webhook; the action node does not need it.',
			displayOptions: { show: { provider: ['xApi'] } },
		},
		...AYRSHARE_FIELDS,
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
			description: 'Host that replaces https://graph.facebook.com, https://graph.instagram.com or https://api.x.com (the API version is appended), or https://api.ayrshare.com/api for Ayrshare',
			displayOptions: { show: { useCustomBaseUrl: [true] } },
		},
	];

	/** Instagram Login: renews the 60-day token before it expires (a no-op for the other providers). */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		return await renewInstagramToken(this, credentials);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		const wantsAppToken = headers[APP_TOKEN_MARKER_HEADER] === 'app';
		delete headers[APP_TOKEN_MARKER_HEADER];
		if (credentials.provider === 'xApi') return signForX(credentials, { ...requestOptions, headers }, wantsAppToken);
		if (credentials.provider === 'ayrshare') return { ...requestOptions, headers: { ...headers, ...ayrshareHeaders(credentials, requestOptions) } };

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
		// X: GET /2/users/me proves the user context (keys, token and their secrets) works.
		request: {
			// Same host and version rules as the nodes (apiBaseUrl): trailing slashes dropped, empty version = v25.0 (DEFAULT_GRAPH_API_VERSION).
			baseURL:
				'={{ $credentials.useCustomBaseUrl && $credentials.baseUrl ? String($credentials.baseUrl).replace(/\\/+$/, "") : ({ instagramLogin: "https://graph.instagram.com", xApi: "https://api.x.com", ayrshare: "https://api.ayrshare.com/api" }[$credentials.provider] ?? "https://graph.facebook.com") }}',
			// Ayrshare: GET /messages/autoresponse proves the key, the Profile-Key and that messaging is on for the profile.
			url: '={{ $credentials.provider === "ayrshare" ? "/messages/autoresponse" : $credentials.provider === "xApi" ? "/2/users/me" : "/" + String($credentials.graphApiVersion || "v25.0").replace(/^\\/+|\\/+$/g, "") + "/" + ($credentials.provider === "instagramLogin" ? ($credentials.instagramAccountId || "me") : $credentials.pageId) }}',
			qs: {
				fields: '={{ ["xApi", "ayrshare"].includes($credentials.provider) ? undefined : $credentials.provider === "instagramLogin" ? "id,username" : "id,name" }}',
			},
			ignoreHttpStatusErrors: true,
		},
		// Checked in order, the first match wins: the specific causes before the general codes.
		rules: [
			// Ayrshare first: its error bodies carry codes that X's rules below would misread.
			...AYRSHARE_TEST_RULES,
			...X_TEST_RULES,
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

/** Signs an X request: OAuth 1.0a user context, or the app's Bearer Token where the node asks for the app. */
function signForX(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions, app: boolean): IHttpRequestOptions {
	const headers = { ...(options.headers ?? {}) };
	if (app) {
		headers.Authorization = `Bearer ${String(credentials.xBearerToken ?? '')}`;
		return { ...options, headers };
	}
	const url = options.baseURL ? `${options.baseURL.replace(/\/+$/, '')}${options.url}` : options.url;
	const contentType = String(Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '');
	// Only a form body is signed (RFC 5849 3.4.1.3.1); JSON and multipart bodies never are.
	const form = typeof options.body === 'string' && contentType.startsWith('application/x-www-form-urlencoded') ? parseFormEncoded(options.body) : [];
	headers.Authorization = oauth1Header({
		method: options.method ?? 'GET',
		url,
		params: [...queryParams(options.qs as Record<string, unknown> | undefined), ...form],
		keys: {
			consumerKey: String(credentials.xApiKey ?? ''),
			consumerSecret: String(credentials.xApiKeySecret ?? ''),
			token: String(credentials.xAccessToken ?? ''),
			tokenSecret: String(credentials.xAccessTokenSecret ?? ''),
		},
	});
	return { ...options, headers };
}

/** Ayrshare: the API key as Bearer, the Profile-Key when set, and the X app's keys on calls that touch X. */
function ayrshareHeaders(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions): Record<string, string> {
	const headers: Record<string, string> = { Authorization: `Bearer ${String(credentials.ayrshareApiKey ?? '').trim()}` };
	const profileKey = String(credentials.ayrshareProfileKey ?? '').trim();
	if (profileKey) headers['Profile-Key'] = profileKey;
	const url = `${options.baseURL ?? ''}${options.url}`;
	if (/\/messages\/twitter(?:[/?]|$)/.test(url)) {
		headers['X-Twitter-OAuth1-Api-Key'] = String(credentials.ayrshareXApiKey ?? '').trim();
		headers['X-Twitter-OAuth1-Api-Secret'] = String(credentials.ayrshareXApiSecret ?? '').trim();
	}
	return headers;
}

const onAyrshare = { show: { provider: ['ayrshare'] } };

const AYRSHARE_FIELDS: INodeProperties[] = [
	{
		displayName: 'API Key',
		name: 'ayrshareApiKey',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description: 'The API Key of the Ayrshare account (Ayrshare dashboard > API Key). Messaging needs a Business plan, or the messaging add-on on Premium.',
		displayOptions: onAyrshare,
	},
	{
		displayName: 'Profile-Key',
		name: 'ayrshareProfileKey',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: 'Act for one User Profile of a Business plan (User Profiles > the profile > Profile Key). Empty: the Primary Profile.',
		displayOptions: onAyrshare,
	},
	{
		displayName: 'Webhook Secret',
		name: 'ayrshareWebhookSecret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: 'A secret of your choice. The trigger registers it with its webhook; Ayrshare signs every delivery with it and the trigger refuses unsigned ones.',
		displayOptions: onAyrshare,
	},
	{
		displayName: 'X API Key',
		name: 'ayrshareXApiKey',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: 'For X messages only: the OAuth 1.0a API Key of your X app (developer portal > your app > Keys and tokens). Ayrshare needs it since 2026-03-31.',
		displayOptions: onAyrshare,
	},
	{
		displayName: 'X API Key Secret',
		name: 'ayrshareXApiSecret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: 'For X messages only: the API Key Secret of the same X app',
		displayOptions: onAyrshare,
	},
];

/** Why GET /messages/autoresponse failed on Ayrshare, most specific first (both error shapes). */
const AYRSHARE_TEST_RULES: IAuthenticateRuleResponseSuccessBody[] = [
	...['errors.0.code', 'code'].flatMap((key) =>
		[361, 362].map((value) => ({
			type: 'responseSuccessBody' as const,
			properties: {
				key,
				value,
				message: 'The API Key works, but messaging is not enabled for this profile. In the Ayrshare dashboard open User Profiles and tick "Enable Messaging" (Business plan, or the add-on on Premium), then relink Facebook, Instagram and X.',
			},
		})),
	),
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'status',
			value: 'error',
			message: 'Ayrshare refused the API Key or the Profile-Key: copy the API Key again from the Ayrshare dashboard; if a Profile-Key is set, check that it is a User Profile of this account (or clear it for the Primary Profile).',
		},
	},
];

/** X answers problem types on api.x.com and, still often, on api.twitter.com: a rule for each. */
const X_PROBLEM_HOSTS = ['https://api.x.com/2/problems', 'https://api.twitter.com/2/problems'];

const X_PROBLEM_EXPLANATIONS: Array<[string, string]> = [
	['usage-capped', 'X refused the call because the app is out of credits or over its plan\'s cap (usage-capped). Add credits or raise the cap in the developer portal > Billing; the keys may be fine.'],
	['client-forbidden', 'X refused the app (client-forbidden): it is not attached to a project, or its plan has no access to this endpoint. Direct messages need pay-per-use credits or a Pro plan (Free has no DM endpoints).'],
	['oauth1-permissions', 'The access token lacks a permission: set the app\'s permission to "Read and write and Direct message" (User authentication settings), then regenerate the Access Token and Secret and paste them here.'],
];

/** Why GET /2/users/me failed on X, most specific first. */
const X_TEST_RULES: IAuthenticateRuleResponseSuccessBody[] = [
	...X_PROBLEM_EXPLANATIONS.flatMap(([problem, message]) =>
		X_PROBLEM_HOSTS.map((host) => ({ type: 'responseSuccessBody' as const, properties: { key: 'type', value: `${host}/${problem}`, message } })),
	),
	// Dotted index (errors.0.code): n8n reads the key with lodash get, which takes it as well as errors[0].code.
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'errors.0.code',
			value: 89,
			message: 'The Access Token is invalid, expired or revoked (the account may have removed the app). Regenerate the Access Token and Secret in the developer portal.',
		},
	},
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'errors.0.code',
			value: 32,
			message: 'X could not authenticate the request: check the API Key, API Key Secret, Access Token and Access Token Secret (all four from the same app).',
		},
	},
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'status',
			value: 401,
			message: 'X refused the keys (401 Unauthorized): check the API Key, API Key Secret, Access Token and Access Token Secret, all four from the same app, and that the token was not revoked.',
		},
	},
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'status',
			value: 429,
			message: 'X rate-limited the test call; the credentials may be fine. Test again after the 15-minute window.',
		},
	},
];
