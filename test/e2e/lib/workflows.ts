/**
 * Workflow JSON as the editor saves it: node types, versions and parameters a user gets by dragging
 * the nodes in (defaults left out, as the editor leaves them out), connected in a chain.
 */
import { randomUUID } from 'node:crypto';

import type { Workflow, WorkflowNode } from './n8n';

export const SOCIAL_MESSAGING = 'n8n-nodes-social-messaging.socialMessaging';
const SOCIAL_MESSAGING_TRIGGER = 'n8n-nodes-social-messaging.socialMessagingTrigger';
const SOCIAL_MESSAGING_POLL_TRIGGER = 'n8n-nodes-social-messaging.socialMessagingPollTrigger';

export interface CredentialRef {
	id: string;
	name: string;
}

let x = 0;
function node(name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, extra: Partial<WorkflowNode> = {}): WorkflowNode {
	x += 220;
	return { id: randomUUID(), name, type, typeVersion, position: [x, 300], parameters, ...extra };
}

export function manualTrigger(name = 'Run'): WorkflowNode {
	return node(name, 'n8n-nodes-base.manualTrigger', 1, {});
}

/** Social Messaging (action) with the credential. */
/** `credentialType`: xOAuth2Api with `authentication: 'xOAuth2'` in the parameters; default the shared credential. */
export function socialMessaging(name: string, parameters: Record<string, unknown>, credential: CredentialRef, credentialType = 'socialMessagingApi'): WorkflowNode {
	return node(name, SOCIAL_MESSAGING, 1, parameters, { credentials: { [credentialType]: credential } });
}

export function socialMessagingTrigger(name: string, parameters: Record<string, unknown>, credential: CredentialRef, webhookId = randomUUID()): WorkflowNode {
	return node(name, SOCIAL_MESSAGING_TRIGGER, 1, parameters, { credentials: { socialMessagingApi: credential }, webhookId });
}

/**
 * Social Messaging Poll Trigger with the credential. `cronExpression`: the editor's Poll Times > Custom
 * (n8n polls at most once a minute; a fixed second is allowed), else Every Minute.
 */
export function socialMessagingPollTrigger(name: string, parameters: Record<string, unknown>, credential: CredentialRef, cronExpression?: string): WorkflowNode {
	const pollTimes = { item: [cronExpression ? { mode: 'custom', cronExpression } : { mode: 'everyMinute' }] };
	return node(name, SOCIAL_MESSAGING_POLL_TRIGGER, 1, { pollTimes, ...parameters }, { credentials: { socialMessagingApi: credential } });
}

/** Edit Fields (Set) with string fields. */
export function setFields(name: string, fields: Record<string, string>): WorkflowNode {
	return node(name, 'n8n-nodes-base.set', 3.4, {
		assignments: {
			assignments: Object.entries(fields).map(([field, value]) => ({ id: randomUUID(), name: field, type: 'string', value })),
		},
		options: {},
	});
}

/** Convert to File > Move Base64 String to File: n8n's own way to make a binary file from base64 text. */
export function base64ToFile(name: string, options: { sourceProperty: string; binaryPropertyName: string; fileName: string; mimeType: string }): WorkflowNode {
	return node(name, 'n8n-nodes-base.convertToFile', 1.1, {
		operation: 'toBinary',
		sourceProperty: options.sourceProperty,
		binaryPropertyName: options.binaryPropertyName,
		options: { fileName: options.fileName, mimeType: options.mimeType },
	});
}

/** Webhook (POST) answering with the last node's first item, as a small upload API would. */
export function webhook(name: string, path: string): WorkflowNode {
	return node(name, 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} }, { webhookId: randomUUID() });
}

/** Edit Fields (Set) in JSON mode: one item with exactly this JSON. */
export function setJson(name: string, json: unknown): WorkflowNode {
	return node(name, 'n8n-nodes-base.set', 3.4, { mode: 'raw', jsonOutput: JSON.stringify(json, null, 2), options: {} });
}

/** Split Out: one item per entry of an array field. */
export function splitOut(name: string, field: string): WorkflowNode {
	return node(name, 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: field, options: {} });
}

export function noOp(name: string): WorkflowNode {
	return node(name, 'n8n-nodes-base.noOp', 1, {});
}

/** The nodes connected one after the other. */
export function chain(name: string, nodes: WorkflowNode[]): Workflow {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** A resource locator set "By ID", as the editor stores it. */
export function byId(value: string): Record<string, unknown> {
	return { __rl: true, mode: 'id', value };
}
