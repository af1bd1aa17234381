// What `npm start`, `npm run sandbox:deliver` and `npm run screenshots` share: ports, the demo's
// user folder, the owner account and the state file start.mjs writes for the other two.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../ensure-deps.mjs';

export { root };

const port = (name, fallback) => {
	const value = Number(process.env[name] ?? fallback);
	if (!Number.isInteger(value) || value <= 0 || value > 65535) throw new Error(`${name} must be a port number, got "${process.env[name]}"`);
	return value;
};

export const config = {
	n8nPort: port('DEMO_N8N_PORT', 5678),
	graphPort: port('SANDBOX_GRAPH_PORT', 8088),
	controlPort: port('SANDBOX_CONTROL_PORT', 8089),
	ayrsharePort: port('SANDBOX_AYRSHARE_PORT', 8090),
	xPort: port('SANDBOX_X_PORT', 8091),
};

/**
 * n8n's user folder for the demo: its database, encryption key, installed package and logs, kept
 * between runs. One per n8n version (a database migrated by a newer n8n does not open in an older one).
 */
export function demoFolder(version, defaultVersion) {
	return join(root, '.tmp', version === defaultVersion ? 'demo-n8n' : `demo-n8n-${version}`);
}

export const editorUrl = `http://localhost:${config.n8nPort}`;
export const controlUrl = `http://127.0.0.1:${config.controlPort}`;
/** Written by start.mjs for the demo that runs now: its URLs and workflow ids. */
export const stateFile = join(root, '.tmp', 'demo.json');

export const DEMO_OWNER = {
	email: 'demo@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Demo-passw0rd',
};

export const SANDBOX_CREDENTIAL_ID = 'socialMessagingSandbox';
export const SANDBOX_IG_LOGIN_CREDENTIAL_ID = 'socialMessagingSandboxIgLogin';
export const SANDBOX_AYRSHARE_CREDENTIAL_ID = 'socialMessagingSandboxAyrshare';
export const SANDBOX_X_CREDENTIAL_ID = 'socialMessagingSandboxX';

export const EXAMPLES = [
	{ file: 'lead-generation-funnel.json', key: 'lead', activate: true, platform: 'instagram' },
	{ file: 'support-desk-auto-reply.json', key: 'support', activate: true, platform: 'messenger' },
	{ file: 'order-update-notification.json', key: 'order', activate: false },
	{ file: 'support-desk-out-of-office.json', key: 'supportAyrshare', activate: true, platform: 'messenger', provider: 'ayrshare' },
	{ file: 'x-dm-lead-funnel.json', key: 'xLead', activate: true, platform: 'x' },
];

/** The state start.mjs wrote (workflow ids, URLs), or null when the demo never ran. */
export function readState() {
	try {
		return JSON.parse(readFileSync(stateFile, 'utf8'));
	} catch {
		return null;
	}
}
