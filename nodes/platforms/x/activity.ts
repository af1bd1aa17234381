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
const dataOf = (answer: IDataObject): IDataObject => (answer.data && typeof answer.data === 'object' ? (answer.data as IDataObject) : {});

function toSubscription(entry: IDataObject): XSubscription {
	const subscription: XSubscription = { id: String(entry.subscription_id), eventType: String(entry.event_type) };
	const userId = (entry.filter as IDataObject | undefined)?.user_id;
	if (userId !== undefined) subscription.userId = String(userId);
	if (entry.webhook_id !== undefined) subscription.webhookId = String(entry.webhook_id);
	if (typeof entry.tag === 'string') subscription.tag = entry.tag;
	return subscription;
}

export class XActivity {
	constructor(private readonly transport: Transport) {}

	/** An answer without the id it must carry: an error, never an id "undefined" sent on. */
	private withId<T extends { id: string }>(value: T, raw: IDataObject, what: string): T {
		if (value.id && value.id !== 'undefined') return value;
		throw this.transport.apiError({ message: `X answered without the ${what}`, description: 'Activate the workflow again; if it keeps failing, X\'s Activity API may be unavailable for the app.', httpCode: '200', body: raw });
	}

	/** The account the user context acts as. */
	async ownId(): Promise<string> {
		const answer = await this.transport.request<IDataObject>({ method: 'GET', path: '/2/users/me', idempotent: true });
		return this.withId({ id: String(dataOf(answer).id) }, answer, 'account\'s user id').id;
	}

	async webhooks(): Promise<XWebhook[]> {
		const answer = await this.transport.request<IDataObject>({ method: 'GET', path: '/2/webhooks', appToken: true, idempotent: true });
		return list(answer).map((entry) => ({ id: String(entry.id), url: String(entry.url), valid: entry.valid !== false }));
	}

	/** X calls the URL with a CRC GET before it answers. */
	async createWebhook(url: string): Promise<XWebhook> {
		const answer = await this.transport.request<IDataObject>({ method: 'POST', path: '/2/webhooks', appToken: true, body: { url } });
		const data = dataOf(answer);
		return this.withId({ id: String(data.id), url, valid: data.valid !== false }, answer, 'webhook id');
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
		const data = dataOf(answer);
		return this.withId(toSubscription((data.subscription as IDataObject | undefined) ?? data), answer, 'subscription id');
	}

	async unsubscribe(id: string): Promise<void> {
		await this.transport.request({ method: 'DELETE', path: `/2/activity/subscriptions/${id}`, appToken: true, idempotent: true });
	}
}
