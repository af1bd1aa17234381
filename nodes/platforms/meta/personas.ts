/**
 * Messenger personas: `POST /{page}/personas {name, profile_picture_url}` → `{id}`, `GET /{persona-id}`,
 * `GET /{page}/personas` (cursor paging) and `DELETE /{persona-id}`. A send names one with `persona_id`.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Persona, PersonaTools } from '../accountTypes';
import { InputError } from '../core/inputError';
import { isHttpUrl } from '../core/text';
import type { ListOptions, Page } from '../types';
import { graphId, requireMessenger, type GraphAccount } from './accountContext';
import { nextCursor } from './client';

const PERSONA_FIELDS = 'id,name,profile_picture_url';
const NO_PERSONAS_ON_INSTAGRAM = 'Send on Messenger to use personas; on Instagram, sign messages in the text instead.';

export function toPersona(raw: IDataObject): Persona {
	return {
		id: String(raw.id ?? ''),
		...(raw.name !== undefined ? { name: String(raw.name) } : {}),
		...(raw.profile_picture_url !== undefined ? { profilePictureUrl: String(raw.profile_picture_url) } : {}),
		raw,
	};
}

/** Checks a new persona the way Meta does (both fields required, the picture a public http(s) URL). */
export function buildPersonaBody(persona: { name: string; profilePictureUrl: string }): IDataObject {
	const name = persona.name.trim();
	const picture = persona.profilePictureUrl.trim();
	if (!name) throw new InputError('The persona has no name', 'Set Name, e.g. "Anna from Support"; people see it above the persona\'s messages.');
	if (!isHttpUrl(picture)) {
		throw new InputError(
			picture ? `"${picture}" is not an http(s) URL` : 'The persona has no profile picture URL',
			'Set Profile Picture URL to a public image URL, e.g. https://example.com/team/anna.png; Meta downloads the picture from it.',
		);
	}
	return { name, profile_picture_url: picture };
}

export function personaTools(account: GraphAccount): PersonaTools {
	const check = () => requireMessenger(account, 'Personas', NO_PERSONAS_ON_INSTAGRAM);
	const personaPath = (id: string) => `/${graphId(id, 'Persona ID', '1234567890123456')}`;
	return {
		async createPersona(persona) {
			check();
			const body = buildPersonaBody(persona);
			const response = await account.transport.request({ method: 'POST', path: `/${account.node}/personas`, body });
			return toPersona({ id: response.id, name: body.name, profile_picture_url: body.profile_picture_url });
		},
		async getPersona(personaId) {
			check();
			const raw = await account.transport.request({ method: 'GET', path: personaPath(personaId), qs: { fields: PERSONA_FIELDS }, idempotent: true });
			return toPersona(raw);
		},
		async listPersonas(options: ListOptions): Promise<Page<Persona>> {
			check();
			const qs: IDataObject = { fields: PERSONA_FIELDS, limit: Math.max(1, Math.min(100, Math.floor(options.pageSize ?? 25))) };
			if (options.cursor) qs.after = options.cursor;
			const page = await account.transport.request({ method: 'GET', path: `/${account.node}/personas`, qs, idempotent: true });
			return { items: ((page.data as IDataObject[] | undefined) ?? []).map(toPersona), nextCursor: nextCursor(page) };
		},
		async deletePersona(personaId) {
			check();
			return await account.transport.request({ method: 'DELETE', path: personaPath(personaId) });
		},
	};
}
