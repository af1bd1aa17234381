/** Public entry of the fake Ayrshare Messaging API: server, state, error shapes and webhook helpers. */
export { errorList, flatError, startFakeAyrshare } from './server';
export type { FailSpec, FakeAyrshare, FakeAyrshareOptions, RecordedRequest } from './server';
export * from './state';
export * from './webhooks';
