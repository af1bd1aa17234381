/** Public entry of the fake X API: server, state, fixtures, errors, the route table and the contract check. */
export { startFakeX, matchesRequest } from './server';
export type { ContractViolation, FakeX, FakeXOptions, RecordedXRequest, XMatcher } from './server';
export * from './fixtures';
export * from './state';
export { X_FAILURES, XError, failSpec, invalidRequest, problem, PROBLEMS } from './errors';
export type { FailSpec, XFailureName } from './errors';
export { DEFAULT_LIMITS, RateLimits } from './ratelimit';
export type { LimitGroup, WindowSpec } from './ratelimit';
export { checkRequest, spec, OpenApiSpec } from './openapi';
export type { RouteContext, RouteResult, XRoute } from './routes/types';
export { ok } from './routes/types';
export { parseOAuthHeader, expectedSignature } from './auth';
export type { Caller } from './auth';
export { sniff } from './routes/media';
export { callX } from './client';
export type { XAnswer, XCallOptions } from './client';
export { activityPayload, xSignature } from './activity';
export type { ActivityDeliveryResult, ActivityEventSpec, DeliveryOptions as ActivityDeliveryOptions, DmDelivery, SignatureMode } from './activity';
