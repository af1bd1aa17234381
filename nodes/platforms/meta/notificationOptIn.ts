/**
 * Notification messages (Meta's successor of one-time notifications): the `notification_messages`
 * opt-in template, the opt-in details the webhook carries (token, expiry, status), and what a failed
 * send with a token means for the builder.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { InputError } from '../core/inputError';
import { isHttpUrl } from '../core/text';
import { asIsoTime, asScalar } from './jsonShape';
import type { NotificationOptInTemplate, OutgoingMessage } from '../types';

/** Meta's notification messages reference: title up to 65 characters. */
export const OPT_IN_TITLE_MAX_CHARS = 65;
const PAYLOAD_MAX_CHARS = 1000;
export const OPT_IN_FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY'];
export const OPT_IN_CTA_TEXTS = ['ALLOW', 'FREQUENCY', 'GET', 'OPT_IN', 'SIGN_UP'];

function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

export function validateOptInTemplate(template: NotificationOptInTemplate, platform: 'messenger' | 'instagram'): void {
	if (platform !== 'messenger') {
		throw new InputError('Notification opt-in requests are a Messenger feature', 'Send them on Messenger; Instagram has no notification messages.');
	}
	if (!template.title) throw new InputError('The opt-in request has no title', 'Say what people will be notified about, e.g. "Updates on your order".');
	if ([...template.title].length > OPT_IN_TITLE_MAX_CHARS) {
		throw new InputError(`The opt-in title is ${[...template.title].length} characters long; Meta allows ${OPT_IN_TITLE_MAX_CHARS}`, 'Shorten the title.');
	}
	if (!template.payload) {
		throw new InputError('The opt-in request has no payload', 'Set a payload (e.g. the order number); it comes back with the opt-in in your trigger, next to the token.');
	}
	if ([...template.payload].length > PAYLOAD_MAX_CHARS) throw new InputError(`The opt-in payload is longer than ${PAYLOAD_MAX_CHARS} characters`, 'Put a short key in the payload.');
	if (!OPT_IN_FREQUENCIES.includes(template.frequency)) {
		throw new InputError(`"${template.frequency}" is not a notification frequency`, `Use ${OPT_IN_FREQUENCIES.join(', ')}: at most one message per day, week or month per token.`);
	}
	if (template.imageUrl && !isHttpUrl(template.imageUrl)) {
		throw new InputError(`"${template.imageUrl}" is not an http(s) URL`, 'Give the image as a public URL, or leave Image URL empty.');
	}
	if (template.timezone && !isTimeZone(template.timezone)) {
		throw new InputError(`"${template.timezone}" is not a time zone`, 'Use an IANA time zone such as Europe/Berlin or America/New_York, or leave it empty.');
	}
	if (template.ctaText && !OPT_IN_CTA_TEXTS.includes(template.ctaText)) {
		throw new InputError(`"${template.ctaText}" is not a button text Meta offers`, `Use ${OPT_IN_CTA_TEXTS.join(', ')}.`);
	}
}

export function buildOptInPayload(template: NotificationOptInTemplate): IDataObject {
	const payload: IDataObject = {
		template_type: 'notification_messages',
		title: template.title,
		payload: template.payload,
		notification_messages_frequency: template.frequency,
	};
	if (template.imageUrl) payload.image_url = template.imageUrl;
	if (template.timezone) payload.notification_messages_timezone = template.timezone;
	if (template.ctaText) payload.notification_messages_cta_text = template.ctaText;
	if (template.reoptin !== undefined) payload.notification_messages_reoptin = template.reoptin ? 'ENABLED' : 'DISABLED';
	return payload;
}

/** What a notification-messages opt-in webhook says about the token. */
export interface NotificationOptInDetails {
	token?: string;
	frequency?: string;
	timezone?: string;
	/** ISO 8601; the token cannot be used after it. */
	expiresAt?: string;
	/** `NOT_REFRESHED` or `REFRESHED` (the person opted in again). */
	tokenStatus?: string;
	/** `RESUME_NOTIFICATIONS` or `STOP_NOTIFICATIONS`: stopped tokens cannot be used until the person resumes. */
	status?: string;
	payload?: string;
	title?: string;
}

export function toNotificationOptIn(optin: IDataObject): NotificationOptInDetails | undefined {
	if (optin.type !== 'notification_messages' && optin.notification_messages_token === undefined) return undefined;
	const details: NotificationOptInDetails = {
		token: asScalar(optin.notification_messages_token),
		frequency: asScalar(optin.notification_messages_frequency),
		timezone: asScalar(optin.notification_messages_timezone),
		expiresAt: asIsoTime(optin.token_expiry_timestamp),
		tokenStatus: asScalar(optin.user_token_status),
		status: asScalar(optin.notification_messages_status),
		payload: asScalar(optin.payload),
		title: asScalar(optin.title),
	};
	return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined)) as NotificationOptInDetails;
}

const TOKEN_HELP =
	'A notification token allows one message per period of its frequency (daily, weekly or monthly), stops working at its expiry (expiresAt in the opt-in item) and while the person has turned notifications off (status STOP_NOTIFICATIONS). Store the newest token per person from the trigger\'s opt-in items, and ask again with a Notification Opt-In Request inside the 24-hour window when it expired.';

/** A failed send with a notification token gets what it means for the token in front of Meta's explanation. */
export function withTokenHint(error: unknown, message: OutgoingMessage): unknown {
	if (!(error instanceof NodeApiError) || !('notificationToken' in message.recipient)) return error;
	const subcode = Number(error.context?.platformErrorSubcode);
	const said = `${error.message} ${error.description ?? ''}`;
	let what = 'Meta refused the notification token.';
	if (subcode === 2018354) what = 'This token was already used in its current period: the next message can go out once the period of its frequency has passed.';
	else if (/expired/i.test(said)) what = 'The notification token has expired.';
	else if (/stop/i.test(said)) what = 'The person has stopped notification messages from your Page.';
	error.description = `${what} ${TOKEN_HELP} ${error.description ?? ''}`.trim();
	return error;
}
