/**
 * What a provider is: the API a credential's Provider field names (Meta Graph, Instagram Login, X, …).
 * Each provider folder exports one `Provider`; index.ts keeps the table. The nodes ask the table, never a
 * folder, so adding a provider is one folder plus one line there.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { RateGate } from './core/rateGate';
import type { RequestContext } from './core/transport';
import type { Capabilities, MessagingEvent, OutgoingMessage, Platform, PlatformName, ProviderName } from './types';

export interface PlatformOptions {
	gate?: RateGate;
	maxRateLimitWaitMs?: number;
	/** The user's pace for sends (calls per second); 0 or absent: the platform's documented limit. */
	sendsPerSecond?: number;
	/** Abandon a request that got no answer within this many ms. */
	requestTimeoutMs?: number;
	/** Repeat sends after failures that leave their outcome unknown (see TransportOptions). */
	retryUnknownOutcome?: boolean;
}

/** What the trigger answers to one webhook request. */
export interface WebhookAnswer {
	status: number;
	contentType?: string;
	body: string | IDataObject;
}

export interface DeliveryOptions {
	includeRaw: boolean;
}

/** One trigger's view of the provider's webhook for a delivery: the handshake, the signature, the parser. */
export interface WebhookEndpoint {
	/** Answer to the platform's GET: Meta's `hub.challenge` verification, X's CRC. */
	handshake(query: IDataObject): WebhookAnswer;
	/** The refusal of an unsigned or wrongly signed delivery, or undefined when it is signed by the platform. */
	refuseUnsigned(rawBody: Buffer | undefined, headers: IDataObject): WebhookAnswer | undefined;
	/** The answer to a signed delivery, sent before any further work (platforms retry slow answers). */
	readonly accepted: WebhookAnswer;
	/** Unified events of this trigger's platform in a signed delivery; anything else in it is ignored. */
	parse(body: unknown, options: DeliveryOptions): MessagingEvent[];
	/** Taps on the next page quick reply of a message past the caps (Meta); absent where nothing is paged. */
	readonly nextPages?: NextPageTaps;
	/** The files of an event's attachments, one result per attachment in order (X); absent where the trigger cannot fetch them. */
	downloadAttachments?(event: MessagingEvent): Promise<AttachmentDownload[]>;
}

/** One attachment fetched for the trigger's binary data, or why it could not be. */
export type AttachmentDownload = { data: Buffer; fileName: string; mimeType?: string } | { error: string };

/** The page a tap asks for, as a message to the person who tapped, or why there is none. */
export type NextPageAnswer =
	| { message: OutgoingMessage; page: number; pages: number }
	| { status: 'expired' | 'refused'; reason: string };

export interface NextPageTaps {
	isTap(event: MessagingEvent): boolean;
	/** `staticData`: the workflow's global static data, where the Send operation stored the pages. */
	pageFor(tap: MessagingEvent, staticData: IDataObject, now: number): NextPageAnswer;
}

/** The provider's webhook side, as the trigger calls it. */
export interface ProviderWebhook {
	open(ctx: IHookFunctions | IWebhookFunctions, credentials: ICredentialDataDecryptedObject, platform: PlatformName): WebhookEndpoint;
	/** n8n's webhookMethods: whether the registration is complete, register, and remove what was registered. */
	checkExists(ctx: IHookFunctions): Promise<boolean>;
	create(ctx: IHookFunctions): Promise<boolean>;
	remove(ctx: IHookFunctions): Promise<boolean>;
}

export interface Provider {
	name: ProviderName;
	/** As the credential's Provider field shows it. */
	label: string;
	platforms: PlatformName[];
	capabilities: Capabilities;
	/** Every credential value (and value derived from one) that must never show in an error, output or log. */
	secrets(credentials: ICredentialDataDecryptedObject): string[];
	/** Throws InputError when the credential lacks what this provider needs; sends nothing. */
	createPlatform(
		ctx: RequestContext,
		credentials: ICredentialDataDecryptedObject,
		platform: PlatformName,
		options: PlatformOptions,
	): Platform;
	/** Absent: the trigger does not work with this provider yet. */
	webhook?: ProviderWebhook;
	/**
	 * The secret that signs auto-response control requests from the action node to the trigger
	 * (core/autoResponseControl.ts); absent where the provider keeps the auto-response itself (Ayrshare).
	 */
	controlSecret?(credentials: ICredentialDataDecryptedObject): string;
}
