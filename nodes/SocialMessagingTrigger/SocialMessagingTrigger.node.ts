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
import { markFirstSightings, processMemory } from '../platforms/dedupe';
import { parseDelivery, readChallenge } from '../platforms/meta/webhook';
import type { MessagingEvent, MessagingEventType, Platform } from '../platforms/types';
import { webhookAccess } from '../platforms/webhooks';
import { autoRespond, type AutoResponseOutcome, type ReplyMemory } from './autoResponse';
import { checkExists, create, remove } from './lifecycle';
import { triggerProperties } from './trigger.fields';

export class SocialMessagingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Social Messaging Trigger',
		name: 'socialMessagingTrigger',
		icon: { light: 'file:../../icons/social-messaging.svg', dark: 'file:../../icons/social-messaging.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ($parameter["platform"] === "instagram" ? "Instagram" : "Messenger") + ": " + $parameter["events"].join(", ").replace(/_/g, " ") }}',
		description: 'Starts the workflow when a Messenger or Instagram direct message event arrives',
		defaults: { name: 'Social Messaging Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'socialMessagingApi', required: true }],
		webhooks: [
			// Meta verifies the URL with a GET and delivers events with POSTs to the same path.
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const platformName = this.getNodeParameter('platform') as 'messenger' | 'instagram';
		const meta = await webhookAccess(this, platformName);

		if (this.getWebhookName() === 'setup') {
			const challenge = readChallenge(this.getQueryData() as IDataObject, meta.verifyToken);
			if (challenge === undefined) {
				response.status(403).send('Verification failed');
			} else {
				response.status(200).type('text/plain').send(challenge);
			}
			return { noWebhookResponse: true };
		}

		// n8n reads the raw bytes for JSON bodies; read them here for any other content type.
		if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function') await request.readRawBody();
		const rawBody = request.rawBody;
		const signature = request.headers['x-hub-signature-256'] as string | undefined;
		if (!signature) {
			response.status(401).send('Missing X-Hub-Signature-256');
			return { noWebhookResponse: true };
		}
		if (!Buffer.isBuffer(rawBody) || !meta.isSignedByMeta(rawBody, signature)) {
			response.status(403).send('Invalid signature');
			return { noWebhookResponse: true };
		}
		// Meta wants a 200 within seconds and retries otherwise; answer before any further work.
		response.status(200).send('EVENT_RECEIVED');

		const events = selectEvents(this, rawBody, meta.object);
		if (events.length === 0) return { noWebhookResponse: true };

		const outcomes = await runAutoResponse(this, events, platformName);
		const items: INodeExecutionData[] = events.map((event, index) => {
			const json = { ...event } as unknown as IDataObject;
			delete json.dedupeKey;
			const outcome = outcomes.get(index);
			if (outcome) json.autoResponse = outcome as unknown as IDataObject;
			return { json };
		});
		return { noWebhookResponse: true, workflowData: [items] };
	}
}

/** Parses, filters by the node's options and drops events already emitted. */
function selectEvents(ctx: IWebhookFunctions, rawBody: Buffer, expectedObject: string): MessagingEvent[] {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const wanted = new Set(ctx.getNodeParameter('events', []) as MessagingEventType[]);
	if (options.includeEchoes === true) wanted.add('echo');
	const onlyAccount = String(options.accountId ?? '').trim();

	let body: IDataObject;
	try {
		body = JSON.parse(rawBody.toString('utf8')) as IDataObject;
	} catch {
		return [];
	}
	const { object, events } = parseDelivery(body, { includeRaw: options.includeRaw === true });
	if (object !== expectedObject) return [];
	// Standby events (another app controls the thread) come with Handover, whatever their own type.
	const chosen = (event: MessagingEvent) =>
		event.standby ? wanted.has('handover') && (event.type !== 'echo' || wanted.has('echo')) : wanted.has(event.type);
	const candidates = events.filter((event) => chosen(event) && (!onlyAccount || event.accountId === onlyAccount));

	const staticData = ctx.getWorkflowStaticData('node');
	staticData.seen ??= {};
	const now = Date.now();
	const fresh = markFirstSightings(
		staticData.seen as IDataObject,
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
	platformName: 'messenger' | 'instagram',
): Promise<Map<number, AutoResponseOutcome>> {
	if (!(ctx.getNodeParameter('autoResponse', false) as boolean)) return new Map();
	const staticData = ctx.getWorkflowStaticData('node');
	staticData.autoResponses ??= {};
	let platform: Promise<Platform> | undefined;
	return await autoRespond(
		events,
		{
			text: ctx.getNodeParameter('autoResponseText', '') as string,
			waitSeconds: ctx.getNodeParameter('autoResponseWaitSeconds', 3600) as number,
		},
		staticData.autoResponses as IDataObject,
		async () => await (platform ??= createPlatform(ctx, platformName)),
		{ memory: scopedMemory(memoryScope(ctx)) },
	);
}
