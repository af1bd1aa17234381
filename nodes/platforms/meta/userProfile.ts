/**
 * User Profile API: `GET /{PSID}?fields=…` (Messenger) and `GET /{IGSID}?fields=…` (Instagram). Meta
 * grants each field through a permission (or, on Instagram, the person's consent); when it refuses one,
 * the error says which permission each asked-for field needs.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { UserProfile } from '../accountTypes';
import { InputError } from '../core/inputError';
import { graphId, type GraphAccount } from './accountContext';

/** Each field and what grants it (Meta's User Profile API pages). */
export const MESSENGER_PROFILE_FIELDS: Record<string, string> = {
	first_name: 'pages_messaging',
	last_name: 'pages_messaging',
	profile_pic: 'pages_messaging',
	locale: 'pages_user_locale (approved in App Review)',
	timezone: 'pages_user_timezone (approved in App Review)',
	gender: 'pages_user_gender (approved in App Review)',
};

export const INSTAGRAM_PROFILE_FIELDS: Record<string, string> = {
	name: 'instagram_manage_messages',
	username: 'instagram_manage_messages',
	profile_pic: 'instagram_manage_messages',
	follower_count: 'instagram_manage_messages',
	is_verified_user: 'instagram_manage_messages',
	is_user_follow_business: 'instagram_manage_messages',
	is_business_follow_user: 'instagram_manage_messages',
};

/** Codes Meta answers when a field is not granted: permission (10, 200), consent (230), unknown field (100). */
const REFUSAL_CODES = new Set([10, 100, 200, 230]);

function fieldsFor(account: GraphAccount): Record<string, string> {
	if (account.platform === 'messenger') return MESSENGER_PROFILE_FIELDS;
	if (account.provider !== 'instagramLogin') return INSTAGRAM_PROFILE_FIELDS;
	// Instagram Login tokens carry the instagram_business_* scopes instead.
	return Object.fromEntries(Object.keys(INSTAGRAM_PROFILE_FIELDS).map((field) => [field, 'instagram_business_manage_messages']));
}

export function checkProfileFields(account: GraphAccount, fields: string[]): string[] {
	const known = fieldsFor(account);
	const wanted = [...new Set(fields.map((field) => field.trim()).filter(Boolean))];
	if (wanted.length === 0) throw new InputError('No profile fields chosen', `Pick at least one of ${Object.keys(known).join(', ')}.`);
	const unknown = wanted.filter((field) => !(field in known));
	if (unknown.length) {
		throw new InputError(
			`${account.platform === 'messenger' ? 'Messenger' : 'Instagram'} profiles have no field ${unknown.map((field) => `"${field}"`).join(', ')}`,
			`Use ${Object.keys(known).join(', ')}.${account.platform === 'messenger' ? '' : ' (first_name, last_name, locale, timezone and gender exist on Messenger only.)'}`,
		);
	}
	return wanted;
}

function permissionHint(account: GraphAccount, fields: string[], code: unknown): string {
	const known = fieldsFor(account);
	const lines = fields.map((field) => `${field}: ${known[field]}`).join('; ');
	const consent =
		account.platform === 'instagram'
			? ' Instagram also shares a profile only after the person has messaged the account (or tapped an ice breaker or a button) — code 230 means that consent is missing; wait until they write.'
			: '';
	const retry = code === 10 || code === 200 ? ' Ask for the missing permission in App Review, or leave those fields out.' : '';
	return `Meta refused the profile. What each asked-for field needs: ${lines}.${consent}${retry}`;
}

function toUserProfile(raw: IDataObject, account: GraphAccount): UserProfile {
	const profile: UserProfile = { id: String(raw.id ?? ''), platform: account.platform };
	const set = <K extends keyof UserProfile>(key: K, value: unknown, convert: (v: unknown) => UserProfile[K]) => {
		if (value !== undefined && value !== null) profile[key] = convert(value);
	};
	set('name', raw.name, String);
	set('firstName', raw.first_name, String);
	set('lastName', raw.last_name, String);
	set('username', raw.username, String);
	set('profilePictureUrl', raw.profile_pic, String);
	set('locale', raw.locale, String);
	set('timezone', raw.timezone, Number);
	set('gender', raw.gender, String);
	set('followerCount', raw.follower_count, Number);
	set('isVerifiedUser', raw.is_verified_user, Boolean);
	set('followsAccount', raw.is_user_follow_business, Boolean);
	set('followedByAccount', raw.is_business_follow_user, Boolean);
	profile.raw = raw;
	return profile;
}

/** A refusal gets the permission each asked-for field needs in front of Meta's own explanation. */
function withPermissionHint(error: unknown, account: GraphAccount, fields: string[]): unknown {
	const code = error instanceof NodeApiError ? Number(error.context?.platformErrorCode) : NaN;
	if (error instanceof NodeApiError && REFUSAL_CODES.has(code)) {
		error.description = `${permissionHint(account, fields, code)} ${error.description ?? ''}`.trim();
	}
	return error;
}

export async function getUserProfile(account: GraphAccount, userId: string, fields: string[]): Promise<UserProfile> {
	const id = graphId(userId, 'User ID', '7101149746568522 (a PSID or IGSID)');
	const wanted = checkProfileFields(account, fields);
	try {
		const raw = await account.transport.request({ method: 'GET', path: `/${id}`, qs: { fields: wanted.join(',') }, idempotent: true });
		return toUserProfile(raw, account);
	} catch (error) {
		throw withPermissionHint(error, account, wanted);
	}
}
