/**
 * A send reads its recipient for its order key and again for the message; the expression behind the
 * Recipient field is read once per item and run (issue 14 item 1: the default Send's CPU per item).
 */
import { describe, expect, it } from '@jest/globals';

import type { IExecuteFunctions } from 'n8n-workflow';

import { readRecipient, recipientOrderKey } from '../../nodes/SocialMessaging/actions/common.fields';

/** A run's context whose parameters are per item, counting every read of each. */
function runContext(recipients: Array<string | undefined>) {
	const reads: Record<string, number> = {};
	const ctx = {
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			reads[name] = (reads[name] ?? 0) + 1;
			if (name === 'platform') return 'messenger';
			if (name === 'recipientType') return 'user';
			if (name === 'recipientId') return recipients[itemIndex] ?? '';
			return fallback;
		},
	} as unknown as IExecuteFunctions;
	return { ctx, reads };
}

describe('reading the recipient of a send', () => {
	it('the order key and the message share one read of the Recipient field per item', () => {
		const { ctx, reads } = runContext(['111', '222']);
		expect(recipientOrderKey(ctx, 0)).toBe('messenger:{"id":"111"}');
		expect(readRecipient(ctx, 0)).toStrictEqual({ id: '111' });
		expect(recipientOrderKey(ctx, 1)).toBe('messenger:{"id":"222"}');
		expect(readRecipient(ctx, 1)).toStrictEqual({ id: '222' });
		expect(reads.recipientId).toBe(2);
	});

	it('another run (another context) reads the field again', () => {
		const first = runContext(['111']);
		const second = runContext(['333']);
		expect(readRecipient(first.ctx, 0)).toStrictEqual({ id: '111' });
		expect(readRecipient(second.ctx, 0)).toStrictEqual({ id: '333' });
		expect(second.reads.recipientId).toBe(1);
	});

	it('an empty recipient is not kept: every read fails and says so', () => {
		const { ctx, reads } = runContext([undefined]);
		expect(recipientOrderKey(ctx, 0)).toBeUndefined();
		expect(() => readRecipient(ctx, 0)).toThrow("No recipient ID for this item");
		expect(reads.recipientId).toBe(2);
	});
});
