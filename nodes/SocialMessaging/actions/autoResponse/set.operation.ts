/** Auto-Response > Set: turn the auto-response on or off, with its text and wait, on any provider. */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../../../platforms/core/inputError';
import type { Operation } from '../operation';
import { scopeNotice, setFields, settingsOutput, triggerUrlField } from './autoResponse.fields';
import { sendControl } from './triggerControl';

export const set: Operation = {
	description: [scopeNotice, ...setFields, triggerUrlField],
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const active = ctx.getNodeParameter('autoResponseActive', itemIndex, true) as boolean;
		const message = String(ctx.getNodeParameter('autoResponseMessage', itemIndex, '') ?? '');
		const waitSeconds = Number(ctx.getNodeParameter('autoResponseWaitSeconds', itemIndex, 86400));
		const reset = (ctx.getNodeParameter('autoResponseOptions', itemIndex, {}) as IDataObject).resetMessage === true;
		if (!Number.isInteger(waitSeconds) || waitSeconds < 0) {
			throw new InputError(`Wait Before Responding Again is ${waitSeconds}`, 'Enter a whole number of seconds, 0 or more (86,400 is one day).');
		}
		if (message && !message.trim()) throw new InputError('The message is only blank characters', 'Enter a text, or leave the field empty to keep the text set before.');
		const server = platform.serverAutoResponse;
		if (server) {
			// An empty text would reset Ayrshare's to its default: only sent when asked for.
			const state = await server.set({ active, waitSeconds, ...(reset ? { message: '' } : message ? { message } : {}) });
			return await settingsOutput(platform, state, reset ? { note: 'The message was reset to Ayrshare\'s default text.' } : {});
		}
		if (reset) throw new InputError('Reset Message to Ayrshare Default is for Ayrshare credentials', 'Turn the option off, and enter the text under Message.');
		const state = await sendControl(ctx, itemIndex, { operation: 'set', active, waitSeconds, ...(message ? { message } : {}) });
		return await settingsOutput(platform, state, { appliedBy: 'trigger' });
	},
};
