/**
 * The test harness in one import: runs our nodes in-process through n8n-core 2.0.2's real engine.
 *   runWorkflow, runNode, testCredential   ./workflow (see its header for the API)
 *   startTriggerHarness                     ./webhook  (see its header for the API)
 *   NodeTypeRegistry, CredentialTypeRegistry, type-name constants   ./nodeTypes
 *   HarnessCredentialsHelper                ./credentials
 *   test node type names                    ./testNodes
 */
export * from './workflow';
export * from './webhook';
export * from './poll';
export * from './nodeTypes';
export { HarnessCredentialsHelper, type StoredCredential, type TestCredentialOptions } from './credentials';
export {
	MANUAL_TRIGGER_TYPE,
	N8N_NOOP_TYPE,
	STUB_API_TYPE,
	STUB_TRIGGER_TYPE,
	TEST_ITEMS_TYPE,
	TEST_NOOP_TYPE,
	type TestItemSpec,
} from './testNodes';
