/**
 * One-time bootstrap of the n8n-core services the execution contexts pull from the DI container.
 *
 *   ensureN8nCore(): void   idempotent; every harness entry point calls it.
 *
 * What it sets up (the same services n8n's own node tests provide):
 * - InstanceSettings pointed at a throw-away folder under the OS temp dir (n8n-core writes its
 *   `config` file with an encryption key there; nothing touches ~/.n8n).
 * - NO_PROXY extended with 127.0.0.1,localhost when an HTTP(S)_PROXY is set (n8n-core honours them).
 * - Logger silent unless N8N_LOG_LEVEL is set (WorkflowExecute reports node errors through it).
 * - SSHClientsManager (pulled by every TriggerContext) with its cleanup interval unref()-ed, so test
 *   processes exit when their tests are done.
 * - BinaryDataService in n8n's default mode WITHOUT `init()`: no storage manager is registered, so
 *   `prepareBinaryData` keeps the bytes inline as base64 in `binary[prop].data` (no id) and
 *   `getBinaryDataBuffer` decodes them again — i.e. in-memory binary data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { GlobalConfig, InstanceSettingsConfig } from '@n8n/config';
import { Container } from '@n8n/di';
import { BinaryDataService, InstanceSettings } from 'n8n-core';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

let ready = false;

export function ensureN8nCore(): void {
	if (ready) return;

	// n8n-core's HTTP helpers honour HTTP(S)_PROXY; keep the local fakes off any proxy.
	if (process.env.HTTP_PROXY || process.env.HTTPS_PROXY || process.env.http_proxy || process.env.https_proxy) {
		const noProxy = process.env.NO_PROXY ?? process.env.no_proxy ?? '';
		process.env.NO_PROXY = [noProxy, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
	}

	const globalConfig = Container.get(GlobalConfig);
	if (!process.env.N8N_LOG_LEVEL) globalConfig.logging.level = 'silent';

	const folder = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
	process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
	// userHome and n8nFolder are `readonly` in the typings but plain fields filled in by the constructor;
	// the harness points them at the throw-away folder before InstanceSettings reads them.
	const instanceConfig: Mutable<InstanceSettingsConfig> = Container.get(InstanceSettingsConfig);
	instanceConfig.n8nFolder = folder;
	instanceConfig.userHome = folder;
	instanceConfig.enforceSettingsFilePermissions = false;
	if (!instanceConfig.encryptionKey) instanceConfig.encryptionKey = 'social-messaging-test-harness';
	// Instantiated now, so later Container.get(InstanceSettings) calls get this one.
	Container.get(InstanceSettings);

	// Not init()-ed on purpose: without managers the service stores binary data inline (base64).
	Container.get(BinaryDataService);

	// Every TriggerContext pulls SSHClientsManager, whose 60 s cleanup interval is not unref()-ed and would
	// keep a test process alive after its last test; create it now and unref the timer.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager') as {
		SSHClientsManager: new (...args: unknown[]) => { cleanupTimer?: NodeJS.Timeout };
	};
	Container.get(SSHClientsManager).cleanupTimer?.unref();

	ready = true;
}
