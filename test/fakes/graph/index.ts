/** Public entry of the fake Graph API: server, state, fixtures, errors, webhook helpers. */
export { startFakeGraph, fieldOf } from './server';
export type { EmitResult, FakeGraph, FakeGraphOptions, MatchedCall, RequestMatcher, UsageHeaders } from './server';
export type { RecordedRequest, SendEvent, VerificationAttempt } from './types';
export * from './fixtures';
export * from './state';
export { GRAPH_ERRORS, GraphError } from './errors';
export type { FailSpec, GraphErrorBody, GraphErrorFields, GraphErrorName } from './errors';
export { appSecretProof } from './auth';
export { busiestWindow } from './util';
export { deliverWebhook, metaJson, prepareDelivery, signature1, signature256 } from './webhooks';
export type { DeliverOptions, DeliveryResult, SignatureMode } from './webhooks';
export * from './payloads';
export { parseMultipart } from './multipart';
export type { MultipartPart } from './multipart';
export * as limits from './validate';
export { DETAIL_WINDOW } from './render';
