/** The shape of a JSON value: its keys and JSON types at every level, without the values. */
export type Shape = string | Shape[] | { [key: string]: Shape };

export function shapeOf(value: unknown): Shape {
	if (value === null) return 'null';
	if (Array.isArray(value)) {
		// Lists are described by their first element: Meta's examples show one.
		return value.length === 0 ? [] : [shapeOf(value[0])];
	}
	if (typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value as object)
				.sort()
				.map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]),
		);
	}
	return typeof value;
}

/** Every key path of a JSON value, e.g. `recipient.id`, `message.quick_replies[].title`. */
export function keyPaths(value: unknown, prefix = ''): string[] {
	if (Array.isArray(value)) return value.flatMap((entry) => keyPaths(entry, `${prefix}[]`));
	if (value && typeof value === 'object') {
		return Object.entries(value).flatMap(([key, entry]) => {
			const path = prefix ? `${prefix}.${key}` : key;
			const inner = keyPaths(entry, path);
			return inner.length ? inner : [path];
		});
	}
	return prefix ? [prefix] : [];
}
