/**
 * Webhook registration with Meta, at both levels it needs: the app's subscription to an object
 * (`/{app-id}/subscriptions`, app token: one callback URL per object) and the Page's or Instagram
 * account's subscription to the app (`/{id}/subscribed_apps`, without which no messaging event arrives).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Transport } from '../core/transport';

export interface AppSubscription {
	object: string;
	callbackUrl: string;
	active: boolean;
	fields: string[];
}

export interface SubscriptionSettings {
	appId: string;
	/** The Graph node whose subscribed_apps edge is used: the Page id, or the Instagram account (`me`). */
	accountNode: string;
}

export class MetaSubscriptions {
	constructor(
		/** Talks to graph.facebook.com with the app token. */
		private readonly app: Transport,
		/** Talks to the account's host with the Page / user token. */
		private readonly account: Transport,
		private readonly settings: SubscriptionSettings,
	) {}

	/** Every object the app is subscribed to (one callback URL each). */
	async appSubscriptions(): Promise<AppSubscription[]> {
		const response = await this.app.request({
			method: 'GET',
			path: `/${this.settings.appId}/subscriptions`,
			appToken: true,
			idempotent: true,
		});
		return ((response.data ?? []) as IDataObject[]).map((entry) => ({
			object: String(entry.object ?? ''),
			callbackUrl: String(entry.callback_url ?? ''),
			active: entry.active !== false,
			fields: ((entry.fields ?? []) as Array<IDataObject | string>).map((field) =>
				typeof field === 'string' ? field : String(field.name),
			),
		}));
	}

	async appSubscription(object: string): Promise<AppSubscription | undefined> {
		return (await this.appSubscriptions()).find((entry) => entry.object === object);
	}

	/** Meta calls the callback URL with a GET challenge before it answers this request. */
	async subscribeApp(object: string, callbackUrl: string, fields: string[], verifyToken: string): Promise<void> {
		await this.app.request({
			method: 'POST',
			path: `/${this.settings.appId}/subscriptions`,
			appToken: true,
			body: { object, callback_url: callbackUrl, fields: fields.join(','), verify_token: verifyToken, include_values: true },
		});
	}

	/** Removes only these fields from the app's subscription (Meta adds the fields of every POST to it). */
	async unsubscribeAppFields(object: string, fields: string[]): Promise<void> {
		await this.app.request({
			method: 'DELETE',
			path: `/${this.settings.appId}/subscriptions`,
			qs: { object, fields: fields.join(',') },
			appToken: true,
		});
	}

	async unsubscribeApp(object: string): Promise<void> {
		await this.app.request({
			method: 'DELETE',
			path: `/${this.settings.appId}/subscriptions`,
			qs: { object },
			appToken: true,
		});
	}

	/** The fields this app receives for the account, or undefined when the account has not subscribed it. */
	async accountSubscription(): Promise<string[] | undefined> {
		const response = await this.account.request({
			method: 'GET',
			path: `/${this.settings.accountNode}/subscribed_apps`,
			idempotent: true,
		});
		const apps = (response.data ?? []) as IDataObject[];
		// A Page token only sees its own apps; an entry without id is this app (Instagram Login).
		const entry = apps.find((app) => app.id === undefined || String(app.id) === this.settings.appId);
		if (!entry) return undefined;
		return ((entry.subscribed_fields ?? []) as unknown[]).map(String);
	}

	async subscribeAccount(fields: string[]): Promise<void> {
		await this.account.request({
			method: 'POST',
			path: `/${this.settings.accountNode}/subscribed_apps`,
			qs: { subscribed_fields: fields.join(',') },
		});
	}

	async unsubscribeAccount(): Promise<void> {
		await this.account.request({ method: 'DELETE', path: `/${this.settings.accountNode}/subscribed_apps` });
	}
}
