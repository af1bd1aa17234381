/**
 * Notification messages: the `notification_messages` opt-in template's checks, and the tokens it
 * yields (`recipient: {notification_messages_token}`): they expire, allow one message per period of their
 * frequency, and stop working while the person has stopped notifications.
 */
import { GraphError, paramError } from '../errors';
import type { GraphState, NotificationTokenRecord } from '../state';
import { charCount, isRecord } from '../util';

const TITLE_MAX = 65;
const FREQUENCIES: Record<string, number> = { DAILY: 24 * 3600_000, WEEKLY: 7 * 24 * 3600_000, MONTHLY: 30 * 24 * 3600_000 };
const CTA_TEXTS = ['ALLOW', 'FREQUENCY', 'GET', 'OPT_IN', 'SIGN_UP'];

export function checkOptInTemplate(payload: Record<string, unknown>): void {
	if (typeof payload.title !== 'string' || payload.title === '') throw paramError('Param title is required for the notification_messages template (inferred wording)');
	if (charCount(payload.title) > TITLE_MAX) throw paramError(`Length of param title must be at most ${TITLE_MAX} characters (inferred wording)`);
	if (payload.payload === undefined || payload.payload === '') throw paramError('Param payload is required for the notification_messages template (inferred wording)');
	const frequency = payload.notification_messages_frequency;
	if (frequency !== undefined && !(String(frequency) in FREQUENCIES)) {
		throw paramError(`Param notification_messages_frequency must be one of {${Object.keys(FREQUENCIES).join(', ')}} - got "${String(frequency)}"`);
	}
	const cta = payload.notification_messages_cta_text;
	if (cta !== undefined && !CTA_TEXTS.includes(String(cta))) throw paramError(`Param notification_messages_cta_text must be one of {${CTA_TEXTS.join(', ')}} - got "${String(cta)}"`);
	if (payload.image_url !== undefined && !/^https?:\/\/\S+$/.test(String(payload.image_url))) throw paramError('Param image_url must be a valid URL');
	const reoptin = payload.notification_messages_reoptin;
	if (reoptin !== undefined && reoptin !== 'ENABLED' && reoptin !== 'DISABLED') throw paramError('Param notification_messages_reoptin must be one of {ENABLED, DISABLED}');
	if (isRecord(payload) && payload.notification_messages_timezone !== undefined) {
		try {
			new Intl.DateTimeFormat('en-US', { timeZone: String(payload.notification_messages_timezone) });
		} catch {
			throw paramError('Param notification_messages_timezone is not a valid time zone (inferred wording)');
		}
	}
}

/** A send to a token: the PSID it stands for, or the error Meta answers for a token that cannot be used now. */
export function useNotificationToken(state: GraphState, token: string): string | undefined {
	const psid = state.notificationTokens.get(token);
	const record = state.notificationTokenDetails.get(token);
	if (!psid || !record) return psid;
	const now = state.now();
	if (now >= record.expiresAt) {
		throw new GraphError(400, { message: '(#10) The notification_messages_token has expired (inferred wording)', type: 'OAuthException', code: 10 });
	}
	if (record.stopped) {
		throw new GraphError(400, { message: '(#10) The person has stopped notification messages from this Page (inferred wording)', type: 'OAuthException', code: 10 });
	}
	if (record.lastSentAt !== undefined && now - record.lastSentAt < (FREQUENCIES[record.frequency] ?? 0)) {
		throw new GraphError(400, {
			message: '(#4) There has to be a minimum delay between 2 notifications for the given notification',
			type: 'OAuthException',
			code: 4,
			error_subcode: 2018354,
		});
	}
	record.lastSentAt = now;
	return psid;
}

/** A person opts in (what tapping the opt-in button does): a fresh token for them, as the webhook would carry it. */
export function optIn(state: GraphState, psid: string, frequency: string, validForMs = 365 * 24 * 3600_000): NotificationTokenRecord & { token: string } {
	const token = `NMT-${psid}-${state.nextSeq('notification-token')}`;
	const record: NotificationTokenRecord = { frequency, expiresAt: state.now() + validForMs };
	state.notificationTokens.set(token, psid);
	state.notificationTokenDetails.set(token, record);
	return { token, ...record };
}
