/**
 * X's error answers: problem details (`title`, `detail`, `type`, `status`) sent as application/problem+json,
 * the older `errors[{code, message}]` shape, and the named failures tests inject with `failNext`.
 */
export const PROBLEMS = 'https://api.x.com/2/problems/';

export interface XErrorResult {
	status: number;
	body: Record<string, unknown>;
	headers?: Record<string, string>;
}

export class XError extends Error {
	constructor(
		readonly status: number,
		readonly body: Record<string, unknown>,
		readonly headers: Record<string, string> = {},
	) {
		super(String(body.detail ?? body.title ?? (body.errors as Array<{ message?: string }> | undefined)?.[0]?.message ?? status));
	}
}

export function problem(status: number, title: string, detail: string, type = 'about:blank', extra: Record<string, unknown> = {}): XError {
	return new XError(status, { title, detail, type, status, ...extra });
}

/** X's 400 for parameters it does not accept: one `errors[]` entry per parameter. */
export function invalidRequest(entries: Array<{ parameter: string; value: unknown; message: string }>): XError {
	return new XError(400, {
		errors: entries.map((entry) => ({ parameters: { [entry.parameter]: [entry.value] }, message: entry.message })),
		title: 'Invalid Request',
		detail: 'One or more parameters to your request was invalid.',
		type: `${PROBLEMS}invalid-request`,
	});
}

/** A partial error next to (or instead of) `data`, answered with 200 as X does for lookups of missing things. */
export function notFoundEntry(resourceType: string, parameter: string, value: string, detail: string): Record<string, unknown> {
	return { value, detail, title: 'Not Found Error', resource_type: resourceType, parameter, resource_id: value, type: `${PROBLEMS}resource-not-found` };
}

/** Failures a test can inject by name (`failNext(matcher, 'rateLimitLegacy')`). */
export const X_FAILURES = {
	/** Keys or signature wrong, token revoked: X's v2 401 does not say which. */
	unauthorized: () => problem(401, 'Unauthorized', 'Unauthorized'),
	/** The token was generated while the app's permission lacked Direct Messages. */
	oauth1Permissions: () =>
		problem(403, 'Forbidden', 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.', `${PROBLEMS}oauth1-permissions`),
	/** The app is not attached to a project, or its plan has no access to the endpoint. */
	clientForbidden: () =>
		problem(403, 'Client Forbidden', 'When authenticating requests to the X API v2 endpoints, you must use keys and tokens from an X developer App that is attached to a Project.', `${PROBLEMS}client-forbidden`, {
			reason: 'client-not-enrolled',
			required_enrollment: 'Appropriate Level of API Access',
			registration_url: 'https://developer.x.com/en/docs/projects/overview',
		}),
	/** Out of pay-per-use credits or over the plan's cap; X answers it with 429 (inferred for pay-per-use). */
	usageCapped: () =>
		problem(429, 'UsageCapExceeded', 'Usage cap exceeded: Monthly product cap', `${PROBLEMS}usage-capped`, { period: 'Monthly', scope: 'Product' }),
	/** A 429 as problem details. */
	rateLimitProblem: () => problem(429, 'Too Many Requests', 'Too Many Requests'),
	/** A 429 in the older shape (code 88). */
	rateLimitLegacy: () => new XError(429, { errors: [{ code: 88, message: 'Rate limit exceeded' }] }),
	/** (inferred wording) The recipient does not take DMs from this account. */
	dmNotAllowed: () => problem(403, 'Forbidden', 'You are not permitted to send messages to this user.'),
	/** (inferred wording, X's v2 text for its legacy code 151) */
	duplicate: () => problem(403, 'Forbidden', 'You are not allowed to create a Direct Message with duplicate content.'),
	serverError: () => problem(503, 'Service Unavailable', 'Service Unavailable'),
	internalError: () => problem(500, 'Internal Server Error', 'Internal Server Error', `${PROBLEMS}internal-error`),
} as const;

export type XFailureName = keyof typeof X_FAILURES;

export interface FailSpec {
	status?: number;
	body?: Record<string, unknown>;
	headers?: Record<string, string>;
	/** Carry the request out (the DM is delivered), then answer the failure: the ambiguous case. */
	afterProcessing?: boolean;
	/** Drop the connection instead of answering. */
	hangup?: boolean;
}

/** A named failure as a spec, to add `afterProcessing` or headers: `failSpec('serverError', { afterProcessing: true })`. */
export function failSpec(name: XFailureName, extra: FailSpec = {}): FailSpec {
	const error = X_FAILURES[name]();
	return { status: error.status, body: error.body, ...extra };
}

/** The answer of an injected failure; undefined: drop the connection. */
export function failureFrom(spec: FailSpec | XFailureName): XError | undefined {
	if (typeof spec === 'string') return X_FAILURES[spec]();
	if (spec.hangup) return undefined;
	return new XError(spec.status ?? 500, spec.body ?? X_FAILURES.internalError().body, spec.headers);
}
