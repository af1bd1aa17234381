/**
 * Fault campaigns: many sends (or reads) through the Social Messaging node, in-process through n8n's
 * engine, against the fake Graph behind the fault proxy, with Continue On Fail. Each send has a text of
 * its own, so the fake's delivery log says how often it really arrived; that truth is compared with
 * what the node reported for the item.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runNode } from '../harness';
import { PAGE_ID, createLargeState, largeUserId, metaGraphCredentialData, startFakeGraph, type FakeGraph } from '../fakes/graph';
import { startFaultProxy, type Fault, type FaultPlan } from './faultProxy';

/** What the node says after an item whose send may have gone out (transport.ts MAYBE_CARRIED_OUT). */
const UNKNOWN = /It may have been carried out anyway/;

export interface SendFigures {
	sends: number;
	/** Reported sent, with a message id, and delivered once. */
	deliveredOnce: number;
	/** Reported failed (a definite error), and not delivered. */
	failedClearly: number;
	/** Reported as "may have been carried out": split by what really happened. */
	unknownDelivered: number;
	unknownNotDelivered: number;
	/** Delivered twice or more, whatever was reported (target 0 unless retries of unknown outcomes are allowed). */
	duplicates: number;
	/** Reported sent but not delivered, or reported failed although delivered (target 0). */
	wrongReports: number;
	/** Error items without a description saying what to do (target 0). */
	unclearErrors: number;
	faults: Record<Fault, number>;
	ms: number;
}

export interface SendCampaign {
	sends: number;
	/** Items per node run (one workflow execution). */
	perRun: number;
	plan: FaultPlan;
	retryUnknownOutcome?: boolean;
	/** The node's Request Timeout option, seconds. */
	timeoutSeconds: number;
	concurrency?: number;
}

/**
 * The harness's own limit for one run. A run of 100 sends may legitimately wait out several rate-limit
 * bursts (the node waits up to 2 min in total per request), and on a busy 2-core CI machine that went past
 * the harness's 90 s default; the campaign measures outcomes, not speed, so it allows 15 min.
 */
const RUN_TIMEOUT_MS = 15 * 60_000;

async function withFake<T>(work: (fake: FakeGraph) => Promise<T>, conversations = 50): Promise<T> {
	const fake = await startFakeGraph({ state: createLargeState({ conversations, messagesPerConversation: 2 }) });
	try {
		return await work(fake);
	} finally {
		await fake.close();
	}
}

function classify(item: INodeExecutionData, delivered: number, figures: SendFigures): void {
	const json = item.json as IDataObject;
	if (delivered > 1) {
		figures.duplicates++;
		return;
	}
	if (typeof json.messageId === 'string' && json.messageId) {
		if (delivered === 0) figures.wrongReports++;
		else if (delivered === 1) figures.deliveredOnce++;
		return;
	}
	if (typeof json.errorDescription !== 'string' || json.errorDescription.trim() === '' || typeof json.error !== 'string') figures.unclearErrors++;
	const description = String(json.errorDescription ?? '');
	if (UNKNOWN.test(description)) {
		if (delivered === 0) figures.unknownNotDelivered++;
		else figures.unknownDelivered++;
		return;
	}
	if (delivered > 0) figures.wrongReports++;
	else figures.failedClearly++;
}

export async function runSendCampaign(campaign: SendCampaign): Promise<SendFigures> {
	return await withFake(async (fake) => {
		const proxy = await startFaultProxy(fake.url, campaign.plan);
		const started = Date.now();
		const figures: SendFigures = {
			sends: campaign.sends,
			deliveredOnce: 0,
			failedClearly: 0,
			unknownDelivered: 0,
			unknownNotDelivered: 0,
			duplicates: 0,
			wrongReports: 0,
			unclearErrors: 0,
			faults: proxy.counts,
			ms: 0,
		};
		try {
			for (let first = 0; first < campaign.sends; first += campaign.perRun) {
				const count = Math.min(campaign.perRun, campaign.sends - first);
				const items = Array.from({ length: count }, (_, i) => ({ json: { to: largeUserId('messenger', (first + i) % 50), text: `fault campaign send ${first + i}` } }));
				const result = await runNode({
					type: 'socialMessaging',
					parameters: {
						platform: 'messenger',
						resource: 'message',
						operation: 'send',
						recipientType: 'user',
						recipientId: { __rl: true, mode: 'id', value: '={{ $json.to }}' },
						messageType: 'text',
						text: '={{ $json.text }}',
						options: {
							requestTimeout: campaign.timeoutSeconds,
							concurrency: campaign.concurrency ?? 8,
							...(campaign.retryUnknownOutcome ? { retryUnknownOutcome: true } : {}),
						},
					},
					credentials: { socialMessagingApi: metaGraphCredentialData(proxy.url) },
					items,
					continueOnFail: true,
					timeoutMs: RUN_TIMEOUT_MS,
				});
				if (result.error) throw new Error(`the run failed as a whole: ${result.error.message}`);
				if (result.items.length !== count) throw new Error(`${result.items.length} items out for ${count} in`);
				result.items.forEach((item, i) => {
					const paired = (item.pairedItem as { item: number } | undefined)?.item;
					if (paired !== i) throw new Error(`item ${i} is paired with ${String(paired)}`);
					classify(item, fake.state.deliveryCount(items[i].json.to, items[i].json.text), figures);
				});
			}
		} finally {
			figures.ms = Date.now() - started;
			await proxy.close();
		}
		return figures;
	});
}

export interface ReadFigures {
	runs: number;
	/** Every conversation of the Page came back exactly once. */
	complete: number;
	/** The run failed with an error after its retries (no partial list was returned). */
	failed: number;
	/** Items missing or returned twice (target 0). */
	wrong: number;
	conversations: number;
	faults: Record<Fault, number>;
	ms: number;
}

/** Conversation > Get Many (return all: several pages) `runs` times through the faults; reads are retried. */
export async function runReadCampaign(runs: number, plan: FaultPlan, conversations = 45): Promise<ReadFigures> {
	return await withFake(async (fake) => {
		const proxy = await startFaultProxy(fake.url, plan);
		const expected = fake.state
			.conversationsOf(PAGE_ID, 'messenger')
			.map((c) => c.id)
			.sort();
		const started = Date.now();
		const figures: ReadFigures = { runs, complete: 0, failed: 0, wrong: 0, conversations: expected.length, faults: proxy.counts, ms: 0 };
		try {
			for (let run = 0; run < runs; run++) {
				const result = await runNode({
					type: 'socialMessaging',
					parameters: { platform: 'messenger', resource: 'conversation', operation: 'getAll', returnAll: true },
					credentials: { socialMessagingApi: metaGraphCredentialData(proxy.url) },
					timeoutMs: RUN_TIMEOUT_MS,
				});
				if (result.error) {
					figures.failed++;
					continue;
				}
				const ids = result.items.map((item) => String(item.json.id)).sort();
				if (JSON.stringify(ids) === JSON.stringify(expected)) figures.complete++;
				else figures.wrong++;
			}
		} finally {
			figures.ms = Date.now() - started;
			await proxy.close();
		}
		return figures;
	}, conversations);
}

/** The shares used by the published figures: half the requests get a fault. */
export const DEFAULT_SHARES: FaultPlan['shares'] = {
	ok: 50,
	error500: 5,
	html502: 4,
	resetBefore: 5,
	rateLimit: 2,
	error500After: 5,
	html503After: 4,
	resetAfter: 6,
	slowAfter: 5,
	malformedAfter: 4,
	truncatedAfter: 4,
};
