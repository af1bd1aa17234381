/** Fields of the Auto-Response operations and the output they share. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Platform } from '../../../platforms/types';

export const triggerUrlField: INodeProperties = {
	displayName: 'Trigger URL',
	name: 'triggerUrl',
	type: 'string',
	default: '',
	placeholder: 'e.g. https://n8n.example.com/webhook/0b1c2d3e-.../webhook',
	description:
		'Meta Graph API, Instagram Login and X credentials: the Production URL of the Social Messaging Trigger that receives the messages (it may be in another workflow, which must be active). Ayrshare: leave empty, Ayrshare keeps the auto-response itself.',
};

export const scopeNotice: INodeProperties = {
	displayName:
		'With an Ayrshare credential one auto-response covers the profile\'s Facebook, Instagram and X at once, whichever Platform is chosen. With Meta or X credentials the trigger at the Trigger URL applies it, to its platform only.',
	name: 'autoResponseNotice',
	type: 'notice',
	default: '',
};

export const setFields: INodeProperties[] = [
	{
		displayName: 'Active',
		name: 'autoResponseActive',
		type: 'boolean',
		default: true,
		description: 'Whether people who write get the auto-response',
	},
	{
		displayName: 'Message',
		name: 'autoResponseMessage',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'e.g. We are out of office until 9:00 and will answer then.',
		description: 'The auto-response text. Empty: the text set before stays (Ayrshare: its default text if none was set).',
	},
	{
		displayName: 'Wait Before Responding Again (Seconds)',
		name: 'autoResponseWaitSeconds',
		type: 'number',
		default: 86400,
		typeOptions: { minValue: 0 },
		description: 'The same person gets the auto-response again only after this many seconds (86,400 = one day, Ayrshare\'s default)',
	},
	{
		displayName: 'Options',
		name: 'autoResponseOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Reset Message to Ayrshare Default',
				name: 'resetMessage',
				type: 'boolean',
				default: false,
				description: 'Whether to send Ayrshare an empty message, which resets its text to Ayrshare\'s default (Ayrshare only; the Message field is then ignored)',
			},
		],
	},
];

/** The settings in force, the same shape on every provider. */
export async function settingsOutput(
	platform: Platform,
	state: { active: boolean; message?: string; waitSeconds?: number },
	extra: IDataObject,
): Promise<IDataObject> {
	const json: IDataObject = { active: state.active, message: state.message ?? null, waitSeconds: state.waitSeconds ?? null, provider: platform.provider };
	json.account = platform.serverAutoResponse ? platform.serverAutoResponse.scope : await ownIdOrNull(platform);
	return { ...json, ...extra };
}

/** The setting is in force already: a failed look-up of the account id must not report it as failed. */
async function ownIdOrNull(platform: Platform): Promise<string | null> {
	try {
		return (await platform.ownId()) ?? null;
	} catch {
		return null;
	}
}
