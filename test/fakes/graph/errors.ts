/**
 * Graph error bodies and the documented error catalogue
 * (`reference/meta-messenger-instagram.md`, "Errors").
 * Every error goes out as `{"error":{message,type,code,error_subcode?,fbtrace_id}}`, HTTP 400 unless stated.
 */
import { randomBytes } from 'node:crypto';

export interface GraphErrorFields {
	message: string;
	type?: string;
	code: number;
	error_subcode?: number;
	error_user_title?: string;
	error_user_msg?: string;
	is_transient?: boolean;
	fbtrace_id?: string;
}

export interface GraphErrorBody extends GraphErrorFields {
	type: string;
	fbtrace_id: string;
}

export function fbtraceId(): string {
	return 'A' + randomBytes(20).toString('base64url').slice(0, 26);
}

export class GraphError extends Error {
	readonly status: number;
	readonly fields: GraphErrorFields;
	readonly headers: Record<string, string>;

	constructor(status: number, fields: GraphErrorFields, headers: Record<string, string> = {}) {
		super(fields.message);
		this.status = status;
		this.fields = fields;
		this.headers = headers;
	}

	toBody(): { error: GraphErrorBody } {
		const { message, type, code, error_subcode, fbtrace_id, ...rest } = this.fields;
		const error: GraphErrorBody = { message, type: type ?? 'OAuthException', code, fbtrace_id: fbtrace_id ?? fbtraceId() };
		if (error_subcode !== undefined) error.error_subcode = error_subcode;
		return { error: { ...error, ...rest } };
	}
}

/** `(#100) ...` parameter error, the most common Graph answer. */
export function paramError(message: string, subcode?: number): GraphError {
	return new GraphError(400, { message: `(#100) ${message}`, type: 'OAuthException', code: 100, error_subcode: subcode });
}

/** What Graph answers for an id that does not exist or that the token may not see. */
export function unsupportedRequest(method: string, id: string): GraphError {
	return new GraphError(400, {
		message:
			`Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, ` +
			'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
		type: 'GraphMethodException',
		code: 100,
		error_subcode: 33,
	});
}

export function unknownPath(components: string): GraphError {
	return new GraphError(400, { message: `Unknown path components: /${components}`, type: 'OAuthException', code: 2500 });
}

export function nonexistingField(field: string, nodeType: string): GraphError {
	return paramError(`Tried accessing nonexisting field (${field}) on node type (${nodeType})`);
}

/** A failure to inject with `failNext`: a Graph error body, or a dropped connection. */
export interface FailSpec {
	status?: number;
	error?: GraphErrorFields;
	headers?: Record<string, string>;
	/** Drop the connection instead of answering (inside a batch the item answers `null`, as on a batch timeout). */
	hangup?: boolean;
	/** Run the request for real (the message is delivered) and only then fail: the "did it go out?" case. */
	afterProcessing?: boolean;
	/** How many matching requests fail (default 1). */
	times?: number;
}

const rateLimit = (code: number, message: string, subcode?: number): FailSpec & { error: GraphErrorFields } => ({
	status: 400,
	error: { message, type: 'OAuthException', code, error_subcode: subcode },
});

/**
 * The reference's error table as ready-made `failNext` specs.
 * Messages follow Graph's wording where it is known; the rest are marked (inferred).
 */
export const GRAPH_ERRORS = {
	appRateLimit: rateLimit(4, '(#4) Application request limit reached'),
	userRateLimit: rateLimit(17, '(#17) User request limit reached'),
	pageRateLimit: rateLimit(32, '(#32) Page request limit reached'),
	customRateLimit: rateLimit(613, '(#613) Calls to this api have exceeded the rate limit.'),
	instagramRateLimit: rateLimit(613, '(#613) Calls to this api have exceeded the rate limit.', 2534040),
	/** HTTP 429 variant, only ever seen when injected. */
	tooManyRequests: { status: 429, error: { message: '(#4) Application request limit reached', type: 'OAuthException', code: 4 } },
	tagAbuse: rateLimit(613, '(#613) Message tag usage limit reached for this Page (inferred wording)', 2018338),
	outsideWindow: {
		status: 400,
		error: {
			message: '(#10) This message is sent outside of allowed window.',
			type: 'OAuthException',
			code: 10,
			error_subcode: 2018278,
		},
	},
	outsideWindowInstagram: {
		status: 400,
		error: { message: '(#10) This message is sent outside of allowed window.', type: 'OAuthException', code: 10, error_subcode: 2534022 },
	},
	cannotReceive: {
		status: 400,
		error: { message: "(#10) This person isn't receiving messages from you right now.", type: 'OAuthException', code: 10, error_subcode: 2018108 },
	},
	noMatchingUser: { status: 400, error: { message: '(#100) No matching user found', type: 'OAuthException', code: 100, error_subcode: 2018001 } },
	noMatchingUserInstagram: {
		status: 400,
		error: { message: '(#100) No matching user found', type: 'OAuthException', code: 100, error_subcode: 2534014 },
	},
	urlFetchFailed: {
		status: 400,
		error: { message: '(#100) Failed to fetch the file from the url', type: 'OAuthException', code: 100, error_subcode: 2018008 },
	},
	uploadFailed: { status: 400, error: { message: '(#100) Upload attachment failure.', type: 'OAuthException', code: 100, error_subcode: 2018047 } },
	attachmentTooLarge: {
		status: 400,
		error: { message: '(#100) Attachment size exceeds allowable limit', type: 'OAuthException', code: 100, error_subcode: 2018109 },
	},
	invalidToken: {
		status: 400,
		error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 },
	},
	expiredToken: {
		status: 400,
		error: {
			message: 'Error validating access token: Session has expired on Wednesday, 01-May-24 09:00:00 PDT.',
			type: 'OAuthException',
			code: 190,
			error_subcode: 463,
		},
	},
	permissionDenied: { status: 400, error: { message: '(#200) Permissions error', type: 'OAuthException', code: 200 } },
	instagramAccessDisabled: {
		status: 400,
		error: {
			message: '(#200) Access to Instagram messages is disabled for this account (inferred wording)',
			type: 'OAuthException',
			code: 200,
			error_subcode: 2534041,
		},
	},
	/** Meta's changelog 2026-06-25: "Page temporarily restricted from sending" (wording inferred). */
	pageRestricted: {
		status: 400,
		error: { message: '(#10) This Page is temporarily restricted from sending messages (inferred wording)', type: 'OAuthException', code: 10, error_subcode: 1893063 },
	},
	personUnavailable: {
		status: 400,
		error: { message: "(#551) This person isn't available right now.", type: 'OAuthException', code: 551, error_subcode: 1545041 },
	},
	/** (inferred) the reference lists 2018300 alone; sent here as code 10 with that subcode. */
	threadControlledByAnotherApp: {
		status: 400,
		error: {
			message: '(#10) The thread is controlled by another app (inferred wording)',
			type: 'OAuthException',
			code: 10,
			error_subcode: 2018300,
		},
	},
	/** (inferred) reference: "likely code 9000001"; sent as code 100 with subcode 9000001 — match on either. */
	messageDeleted: { status: 400, error: { message: 'This message has been deleted', type: 'OAuthException', code: 100, error_subcode: 9000001 } },
	unknownError: { status: 500, error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1, is_transient: true } },
	serviceUnavailable: {
		status: 503,
		error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true },
	},
} satisfies Record<string, FailSpec>;

export type GraphErrorName = keyof typeof GRAPH_ERRORS;

export function fromSpec(spec: FailSpec): GraphError {
	return new GraphError(spec.status ?? 400, spec.error ?? { message: 'Injected failure', code: 1 }, spec.headers ?? {});
}
