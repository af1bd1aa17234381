import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { createPlatform } from '../platforms';
import { NODE_CREDENTIALS } from '../platforms/core/credentialType';
import { markFirstSightings, processMemory } from '../platforms/core/dedupe';
import type { WebhookAnswer, WebhookEndpoint } from '../platforms/provider';
import type { MessagingEvent, MessagingEventType, Platform, PlatformName } from '../platforms/types';
import { disclosureDue, forgetDisclosuresOnHandback, markDisclosed } from '../platforms/core/disclosure';
import { AUTO_RESPONSE_LIMITS, autoRespond, type AutoResponseOutcome, type AutoResponseSettings, type ReplyMemory } from './autoResponse';
import { attachFiles } from './attachmentFiles';
import { answerControl, autoResponseInForce, isControlRequest } from './autoResponseControl';
import { answerNextPageTaps, nextPageField } from './nextPages';
import { openWebhook, providerWebhook } from './providerWebhook';
import { triggerProperties } from './trigger.fields';

export class SocialMessagingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Social Messaging Trigger',
		name: 'socialMessagingTrigger',
		icon: { light: 'file:../../icons/social-messaging.svg', dark: 'file:../../icons/social-messaging.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ($parameter["platform"] === "instagram" ? "Instagram" : $parameter["platform"] === "x" ? "X" : "Messenger") + ": " + $parameter["events"].join(", ").replace(/_/g, " ") }}',
		description: 'Starts the workflow when a Messenger, Instagram or X direct message event arrives (directly or through Ayrshare)',
		defaults: { name: 'Social Messaging Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: NODE_CREDENTIALS,
		webhooks: [
			// Meta verifies the URL with a GET (X: the CRC) and both deliver events with POSTs to the same path.
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await (await providerWebhook(this)).checkExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await (await providerWebhook(this)).create(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await (await providerWebhook(this)).remove(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const platformName = this.getNodeParameter('platform') as PlatformName;
		// The Social Messaging node's Auto-Response resource (Meta, X): a signed request of its own.
		if (this.getWebhookName() === 'default' && isControlRequest(request.headers as IDataObject)) {
			if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function') await request.readRawBody();
			return await answerControl(this, Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined);
		}
		const endpoint = await openWebhook(this, platformName);
		const answer = (reply: WebhookAnswer) => {
			response.status(reply.status);
			if (reply.contentType) response.type(reply.contentType);
			response.send(reply.body);
		};

		if (this.getWebhookName() === 'setup') {
			answer(endpoint.handshake(this.getQueryData() as IDataObject));
			return { noWebhookResponse: true };
		}

		// n8n reads the raw bytes for JSON bodies; read them here for any other content type.
		if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function') await request.readRawBody();
		const rawBody = request.rawBody;
		const refusal = endpoint.refuseUnsigned(Buffer.isBuffer(rawBody) ? rawBody : undefined, request.headers as IDataObject);
		if (refusal) {
			answer(refusal);
			return { noWebhookResponse: true };
		}
		// Platforms want a 200 within seconds and retry otherwise; answer before any further work.
		answer(endpoint.accepted);

		const { events, outcomes: taps } = await answerNextPageTaps(this, endpoint, selectEvents(this, rawBody, endpoint), platformName);
		if (events.length === 0) return { noWebhookResponse: true };
		forgetDisclosuresOnHandback(() => this.getWorkflowStaticData('global'), events);

		const outcomes = await runAutoResponse(this, events, platformName);
		const items: INodeExecutionData[] = events.map((event, index) => {
			const json = { ...event, ...nextPageField(taps.get(event)) } as unknown as IDataObject;
			delete json.dedupeKey;
			const outcome = outcomes.get(index);
			if (outcome) json.autoResponse = outcome as unknown as IDataObject;
			return { json };
		});
		await attachFiles(this, endpoint, events, items);
		return { noWebhookResponse: true, workflowData: [items] };
	}
}

/** Parses, filters by the node's options and drops events already emitted. */
function selectEvents(ctx: IWebhookFunctions, rawBody: Buffer, endpoint: WebhookEndpoint): MessagingEvent[] {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const wanted = new Set(ctx.getNodeParameter('events', []) as MessagingEventType[]);
	if (options.includeEchoes === true) wanted.add('echo');
	const onlyAccount = String(options.accountId ?? '').trim();

	// Any JSON value may arrive signed (Meta's bugs, replays of tests): parseDelivery reads them all.
	let body: unknown;
	try {
		body = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return [];
	}
	const events = endpoint.parse(body, { includeRaw: options.includeRaw === true });
	// Standby events (another app controls the thread) come with Handover, whatever their own type.
	const chosen = (event: MessagingEvent) =>
		event.standby ? wanted.has('handover') && (event.type !== 'echo' || wanted.has('echo')) : wanted.has(event.type);
	const isTap = (event: MessagingEvent) => endpoint.nextPages?.isTap(event) === true;
	const candidates = events.filter((event) => (chosen(event) || isTap(event)) && (!onlyAccount || event.accountId === onlyAccount));

	const now = Date.now();
	const fresh = markFirstSightings(
		ctx.getWorkflowStaticData('node'),
		candidates.map((event) => event.dedupeKey),
		now,
	);
	// Static data of a delivery still being handled is not saved yet; the process memory covers that.
	const scope = memoryScope(ctx);
	return candidates.filter((event, index) => fresh[index] && processMemory.events.claim(`${scope}${event.dedupeKey}`, now));
}

function scopedMemory(scope: string): ReplyMemory {
	const replies = processMemory.replies;
	return {
		get: (key, now) => replies.get(`${scope}${key}`, now),
		set: (key, at) => replies.set(`${scope}${key}`, at),
		delete: (key) => replies.delete(`${scope}${key}`),
	};
}

/** Keys of the process memory are per workflow and node. */
function memoryScope(ctx: IWebhookFunctions): string {
	return `${String(ctx.getWorkflow().id ?? '')}:${ctx.getNode().id}:`;
}

async function runAutoResponse(
	ctx: IWebhookFunctions,
	events: MessagingEvent[],
	platformName: PlatformName,
): Promise<Map<number, AutoResponseOutcome>> {
	const settings = autoResponseInForce(ctx);
	if (!settings.active) return new Map();
	const staticData = ctx.getWorkflowStaticData('node');
	staticData.autoResponses ??= {};
	// Never a rate-limit wait, and a deadline per reply: the execution starts when webhook() returns.
	const platformOptions = { maxRateLimitWaitMs: 0, requestTimeoutMs: AUTO_RESPONSE_LIMITS.replyTimeoutMs };
	let platform: Promise<Platform> | undefined;
	return await autoRespond(
		events,
		{ text: settings.message, waitSeconds: settings.waitSeconds, disclosure: disclosureSettings(ctx) },
		staticData.autoResponses as IDataObject,
		async () => await (platform ??= createPlatform(ctx, platformName, platformOptions)),
		{ memory: scopedMemory(memoryScope(ctx)) },
	);
}

/** The auto-response's automation disclosure, shared with the action node through global static data. */
function disclosureSettings(ctx: IWebhookFunctions): AutoResponseSettings['disclosure'] {
	const text = String(ctx.getNodeParameter('autoResponseDisclosure', '') ?? '').trim();
	if (!text) return undefined;
	const global = ctx.getWorkflowStaticData('global');
	const person = (event: MessagingEvent) => (event.sender as { id: string }).id;
	return {
		text,
		due: (event) => disclosureDue(global, event.platform, person(event), Date.now()),
		done: (event) => markDisclosed(global, event.platform, person(event), Date.now()),
	};
}
