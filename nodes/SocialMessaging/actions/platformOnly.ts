/** Shows fields only on some platforms (e.g. a Messenger-only resource): the editor hides them elsewhere. */
import type { INodeProperties } from 'n8n-workflow';

import type { PlatformName } from '../../platforms/types';

export function onlyOn(platforms: PlatformName[], fields: INodeProperties[]): INodeProperties[] {
	return fields.map((field) => ({
		...field,
		displayOptions: { ...field.displayOptions, show: { ...field.displayOptions?.show, platform: platforms } },
	}));
}
