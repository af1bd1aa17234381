/** The Meta account tools in one object: what `Platform.account` is for Messenger and Instagram. */
import type { AccountTools } from '../accountTypes';
import type { GraphAccount } from './accountContext';
import { threadControlTools } from './handover';
import { messengerProfileTools } from './messengerProfile';
import { personaTools } from './personas';
import { getUserProfile } from './userProfile';

export function metaAccountTools(account: GraphAccount): AccountTools {
	return {
		...personaTools(account),
		...threadControlTools(account),
		...messengerProfileTools(account),
		getUserProfile: async (userId, fields) => await getUserProfile(account, userId, fields),
	};
}
