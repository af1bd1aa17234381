/** The platform's account tools (personas, profiles, Messenger Profile, handover), or a clear error when it has none. */
import type { AccountTools } from '../../platforms/accountTypes';
import { InputError } from '../../platforms/core/inputError';
import type { Platform } from '../../platforms/types';

export function accountTools(platform: Platform): AccountTools {
	if (!platform.account) {
		throw new InputError(
			`This operation is not available for ${platform.name} through this credential`,
			'Personas, user profiles, the Messenger Profile and handover are Meta features: use a Meta Graph API or Instagram Login credential.',
		);
	}
	return platform.account;
}
