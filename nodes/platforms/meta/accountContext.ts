/** What the Meta account tools (personas, user profiles, Messenger Profile, thread control) share. */
import { InputError } from '../core/inputError';
import type { Transport } from '../core/transport';
import type { ProviderName } from '../types';

export interface GraphAccount {
	transport: Transport;
	platform: 'messenger' | 'instagram';
	provider: ProviderName;
	/** The Graph node that owns the account's edges: the Page id, the Instagram account id, or `me`. */
	node: string;
}

/** Fails before any request when a Messenger-only tool is reached on Instagram (e.g. through an expression). */
export function requireMessenger(account: GraphAccount, feature: string, fix: string): void {
	if (account.platform !== 'messenger') {
		throw new InputError(`${feature} ${/s$/.test(feature) ? 'are' : 'is'} a Messenger feature; Instagram has none`, fix);
	}
}

/** A Graph id in a path: digits (and, for some objects, letters, `_` and `-`); anything else fails here, not at Meta. */
export function graphId(value: string, what: string, example: string): string {
	const id = value.trim();
	if (!/^[\w-]+$/.test(id)) {
		throw new InputError(`${what} "${value}" is not an ID`, `Use the ID Meta gave it, e.g. ${example}; if it is an expression, check the field it reads.`);
	}
	return id;
}
