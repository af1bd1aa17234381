/** Public entry of the fake Ayrshare Messaging API: server, state, error shapes, webhook helpers and deliveries. */
export { errorList, flatError, startFakeAyrshare } from './server';
export type { FailSpec, FakeAyrshare, FakeAyrshareOptions, RecordedRequest } from './server';
export * from './delivery';
export * from './inbound';
export * from './state';
export * from './webhooks';
