/** Graph paths: an optional `/vNN.N` version prefix, then `/{node}[/{edge}]`. */
export function splitVersion(pathname: string): { version: string | null; path: string } {
	const match = /^\/(v\d+\.\d+)(\/.*)?$/.exec(pathname);
	if (!match) return { version: null, path: normalise(pathname) };
	return { version: match[1], path: normalise(match[2] ?? '/') };
}

function normalise(path: string): string {
	const trimmed = path.replace(/\/+$/, '');
	return trimmed === '' ? '/' : trimmed;
}

export function segmentsOf(path: string): string[] {
	return path
		.split('/')
		.filter(Boolean)
		.map((s) => {
			try {
				return decodeURIComponent(s);
			} catch {
				return s;
			}
		});
}
