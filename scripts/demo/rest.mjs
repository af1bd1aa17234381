// A small client for the running demo's n8n (the REST API its editor uses), logged in as the demo owner.
import { DEMO_OWNER } from './config.mjs';

export async function demoClient(editorUrl, owner = DEMO_OWNER) {
	let cookie = '';
	async function request(method, path, body) {
		const res = await fetch(new URL(path.replace(/^\//, ''), `${editorUrl}/`), {
			method,
			headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const auth = (res.headers.getSetCookie?.() ?? []).find((c) => c.startsWith('n8n-auth='));
		if (auth) cookie = auth.split(';')[0];
		const text = await res.text();
		const json = text ? JSON.parse(text) : undefined;
		if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${json?.message ?? text.slice(0, 300)}`);
		return json && typeof json === 'object' && 'data' in json ? json.data : json;
	}
	await request('POST', '/rest/login', { emailOrLdapLoginId: owner.email, password: owner.password });
	return {
		request,
		cookie: () => cookie,
		async executions(workflowId) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			return (await request('GET', `/rest/executions?filter=${filter}&limit=50`)).results;
		},
	};
}
