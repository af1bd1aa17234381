/** Auto-Response > Turn Off: no more auto-responses; the text and wait stay for the next Set. */
import type { Operation } from '../operation';
import { scopeNotice, settingsOutput, triggerUrlField } from './autoResponse.fields';
import { sendControl } from './triggerControl';

export const turnOff: Operation = {
	description: [scopeNotice, triggerUrlField],
	kind: 'write',
	async execute({ ctx, platform, itemIndex }) {
		const server = platform.serverAutoResponse;
		// Ayrshare has no DELETE: off is autoResponseActive false.
		if (server) return await settingsOutput(platform, await server.set({ active: false }), {});
		return await settingsOutput(platform, await sendControl(ctx, itemIndex, { operation: 'turnOff' }), { appliedBy: 'trigger' });
	},
};
