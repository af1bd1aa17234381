/** Auto-Response > Get: the auto-response settings in force. */
import type { Operation } from '../operation';
import { scopeNotice, settingsOutput, triggerUrlField } from './autoResponse.fields';
import { sendControl } from './triggerControl';

export const get: Operation = {
	description: [scopeNotice, triggerUrlField],
	kind: 'read',
	async execute({ ctx, platform, itemIndex }) {
		const server = platform.serverAutoResponse;
		if (server) {
			const state = await server.get();
			return await settingsOutput(platform, state, state.message === undefined ? { note: 'No text set: Ayrshare sends its default text.' } : {});
		}
		return await settingsOutput(platform, await sendControl(ctx, itemIndex, { operation: 'get' }), { appliedBy: 'trigger' });
	},
};
