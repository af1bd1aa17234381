/**
 * The X Activity API calls the trigger makes: webhooks (`/2/webhooks`, app Bearer Token) and activity
 * subscriptions (`/2/activity/subscriptions`: created with the account's user context, since DM events
 * are private to the account that authorised the app; listed and deleted with the Bearer Token, as X's
 * description allows). Answers are read in both documented shapes.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Transport } from '../core/transport';

export interface XWebhook {
	id: string;
	url: string;
	valid: boolean;
}

export interface XSubscription {
	id: string;
	eventType: string;
	userId?: string;
	webhookId?: string;
	tag?: string;
}

const list = (answer: IDataObject): IDataObject[] => (Array.isArray(answer.data) ? (answer.data as IDataObject[]) : []);

function toSubscription(entry: IDataObject): XSubscription {
	const filter = (entry.filter ?? {}) as IDataObject;
	const subscription: XSubscription = { id: String(entry.subscription_id ?? entry.id ?? ''), eventType: String(entry.event_type ?? '') };
	if (filter.user_id !== undefined) subscription.userId = String(filter.user_id);
	if (entry.webhook_id !== undefined) subscription.webhookId = String(entry.webhook_id);
	if (typeof entry.tag === 'string') subscription.tag = entry.tag;
	return subscription;
}

export class XActivity {
	constructor(private readonly transport: Transport) {}

	/** The account the user context acts as. */
	async ownId(): Promise<string> {
		const answer = await this.transport.request<IDataObject>({ method: 'GET', path: '/2/users/me', idempotent: true });
		return String((answer.data as IDataObject | undefined)?.id ?? '');
	}

	async webhooks(): Promise<XWebhook[]> {
		const answer = await this.transport.request<IDataObject>({ method: 'GET', path: '/2/webhooks', appToken: true, idempotent: true });
		return list(answer).map((entry) => ({ id: String(entry.id ?? ''), url: String(entry.url ?? ''), valid: entry.valid !== false }));
	}

	/** X calls the URL with a CRC GET before it answers. */
	async createWebhook(url: string): Promise<XWebhook> {
		const answer = await this.transport.request<IDataObject>({ method: 'POST', path: '/2/webhooks', appToken: true, body: { url } });
		const data = (answer.data ?? {}) as IDataObject;
		return { id: String(data.id ?? ''), url: String(data.url ?? url), valid: data.valid !== false };
	}

	/** Has X run the CRC again (a webhook marked invalid gets deliveries again once it answers). */
	async revalidateWebhook(id: string): Promise<void> {
		await this.transport.request({ method: 'PUT', path: `/2/webhooks/${id}`, appToken: true, idempotent: true });
	}

	async deleteWebhook(id: string): Promise<void> {
		await this.transport.request({ method: 'DELETE', path: `/2/webhooks/${id}`, appToken: true, idempotent: true });
	}

	async subscriptions(): Promise<XSubscription[]> {
		const answer = await this.transport.request<IDataObject>({ method: 'GET', path: '/2/activity/subscriptions', appToken: true, idempotent: true });
		return list(answer).map(toSubscription);
	}

	async subscribe(eventType: string, userId: string, webhookId: string, tag: string): Promise<XSubscription> {
		const answer = await this.transport.request<IDataObject>({
			method: 'POST',
			path: '/2/activity/subscriptions',
			body: { event_type: eventType, filter: { user_id: userId }, tag, webhook_id: webhookId },
		});
		// 2.167 answers `data.subscription`; X's prose shows the subscription as `data` itself.
		const data = (answer.data ?? {}) as IDataObject;
		return toSubscription(((data.subscription as IDataObject | undefined) ?? data) as IDataObject);
	}

	async unsubscribe(id: string): Promise<void> {
		await this.transport.request({ method: 'DELETE', path: `/2/activity/subscriptions/${id}`, appToken: true, idempotent: true });
	}
}
