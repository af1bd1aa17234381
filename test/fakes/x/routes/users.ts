/** GET /2/users/me and GET /2/users/by/username/{username}. */
import { notFoundEntry } from '../errors';
import { renderUser, selectionOf } from '../render';
import { ok, type XRoute } from './types';

export const USER_ROUTES: XRoute[] = [
	{
		method: 'GET',
		path: '/2/users/me',
		limit: 'usersMe',
		handle: ({ state, userId, query }) => ok({ data: renderUser(state.users.get(userId ?? '')!, selectionOf(query).userFields) }),
	},
	{
		method: 'GET',
		path: '/2/users/by/username/{username}',
		limit: 'usersByUsername',
		handle: ({ state, params, query }) => {
			const user = state.userByUsername(params.username);
			// X answers a missing user with 200 and a partial error, not 404.
			if (!user) return ok({ errors: [notFoundEntry('user', 'username', params.username, `Could not find user with username: [${params.username}].`)] });
			return ok({ data: renderUser(user, selectionOf(query).userFields) });
		},
	},
];
