/**
 * Builds the `IWorkflowExecuteAdditionalData` n8n hands to its engine and node contexts.
 *
 *   buildAdditionalData(opts: AdditionalDataOptions): IWorkflowExecuteAdditionalData
 *
 * Real pieces: the harness CredentialsHelper, n8n-core's ExecutionLifecycleHooks (if given) and
 * ExternalSecretsProxy (no providers). Everything that would need a running n8n instance
 * (sub-workflows, task runners) throws a clear error instead of silently doing nothing.
 */
import { Container } from '@n8n/di';
import { ExternalSecretsProxy, type ExecutionLifecycleHooks } from 'n8n-core';
import { ApplicationError, type IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import type { HarnessCredentialsHelper } from './credentials';

export interface AdditionalDataOptions {
	credentialsHelper: HarnessCredentialsHelper;
	hooks?: ExecutionLifecycleHooks;
	executionId?: string;
	/** Origin the instance pretends to live at; webhook URLs are built from it. */
	baseUrl?: string;
	executionTimeoutTimestamp?: number;
}

export const DEFAULT_BASE_URL = 'http://127.0.0.1:5678';

export function buildAdditionalData(opts: AdditionalDataOptions): IWorkflowExecuteAdditionalData {
	const base = (opts.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
	const unsupported = (what: string) => async () => {
		throw new ApplicationError(`${what} is not supported by the test harness`);
	};
	return {
		credentialsHelper: opts.credentialsHelper,
		hooks: opts.hooks,
		executionId: opts.executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		executionTimeoutTimestamp: opts.executionTimeoutTimestamp,
		variables: {},
		externalSecretsProxy: Container.get(ExternalSecretsProxy),
		executeWorkflow: unsupported('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported('Running a task-runner task'),
	} as IWorkflowExecuteAdditionalData;
}
