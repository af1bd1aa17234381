/** Turns unified model objects into output JSON: the raw platform data only when asked for. */
import type { IDataObject } from 'n8n-workflow';

export function toOutput(value: object, includeRaw: boolean): IDataObject {
	const json = { ...(value as IDataObject) };
	if (!includeRaw) delete json.raw;
	if (Array.isArray(json.messages)) {
		json.messages = (json.messages as object[]).map((message) => toOutput(message, includeRaw));
	}
	return json;
}
