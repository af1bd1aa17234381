/**
 * The sandbox's fixed identities (Page, Instagram account, app, tokens, people, seeded conversations),
 * taken from the fake Graph's fixtures so the tests name exactly what the sandbox process serves.
 */
export * from '../../fakes/graph/fixtures';
export { appSecretProof } from '../../fakes/graph/auth';
export type { MessageRecord } from '../../fakes/graph/state';
