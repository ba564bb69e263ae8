import { ShareError } from '@partage/sharing';
import { AccountError } from '../accounts.js';

/**
 * The catalogue of REST error codes (STYLE §4), each with its HTTP status. The codes are
 * stable: scripts branch on them, and `openapi.yaml` lists the same set as the `ErrorCode`
 * enum (a test checks that the two agree). Add a code here and there together.
 */
export const apiErrorCodes = {
  /** The request violates `openapi.yaml` or a rule of the model (a short password, an unknown member). */
  'invalid-request': 400,
  /** The caller may not do this: only an administrator acts on other accounts and on domains. */
  forbidden: 403,
  /** No such account, domain, app password, or API path. */
  'not-found': 404,
  /** The path exists but not with this method; `Allow` lists the methods. */
  'method-not-allowed': 405,
  /** The account or domain exists already. */
  exists: 409,
  /** A domain cannot be removed while it has accounts. */
  'has-accounts': 409,
  /** Members belong to group accounts only. */
  'not-a-group': 409,
  /** The body is too large. */
  'payload-too-large': 413,
  /** The body is not JSON. */
  'unsupported-media-type': 415,
  /** A bug on our side; the server log has the cause. */
  'internal-error': 500,
} as const satisfies Record<string, number>;

/** A stable REST error code (the `ErrorCode` schema of `openapi.yaml`). */
export type ApiErrorCode = keyof typeof apiErrorCodes;

/** The JSON body of every REST error: `{ "error": { "code", "message" } }`. */
export interface ApiErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string };
}

/** A REST error with a catalogued code; the router renders it as {@link ApiErrorBody}. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Extra response headers, such as `Allow` on a 405. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** The HTTP status of the code. */
  get status(): number {
    return apiErrorCodes[this.code];
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

const accountErrorCodes: Record<AccountError['code'], ApiErrorCode> = {
  exists: 'exists',
  'not-found': 'not-found',
  invalid: 'invalid-request',
  'has-accounts': 'has-accounts',
  'not-a-group': 'not-a-group',
  forbidden: 'forbidden',
};

const shareErrorCodes: Record<ShareError['code'], ApiErrorCode> = {
  'not-found': 'not-found',
  invalid: 'invalid-request',
  forbidden: 'forbidden',
};

const statusCodes = new Map<number, ApiErrorCode>([
  [400, 'invalid-request'],
  [404, 'not-found'],
  [405, 'method-not-allowed'],
  [413, 'payload-too-large'],
  [415, 'unsupported-media-type'],
]);

/**
 * Translates what a handler or middleware threw into a catalogued error: `AccountError`s by
 * their code, HTTP errors of express-openapi-validator and `express.json` by their status.
 * Anything else (including a response that fails validation) is an `internal-error`.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof AccountError) return new ApiError(accountErrorCodes[error.code], error.message);
  if (error instanceof ShareError) return new ApiError(shareErrorCodes[error.code], error.message);
  if (error instanceof Error && 'status' in error && typeof error.status === 'number') {
    const code = statusCodes.get(error.status);
    if (code) return new ApiError(code, httpErrorMessage(error), allowHeader(error));
  }
  return new ApiError('internal-error', 'internal server error');
}

/** The validator lists each violation in `errors`; `express.json` has a plain message. */
function httpErrorMessage(error: Error): string {
  const details = 'errors' in error && Array.isArray(error.errors) ? error.errors : [];
  const parts = details.flatMap((detail: unknown) => {
    if (typeof detail !== 'object' || detail === null) return [];
    const path = 'path' in detail && typeof detail.path === 'string' ? detail.path : '';
    const message = 'message' in detail && typeof detail.message === 'string' ? detail.message : '';
    return message ? [path ? `${path} ${message}` : message] : [];
  });
  if (parts.length > 0) return parts.join('; ');
  if ('type' in error && error.type === 'entity.parse.failed') return 'the body is not valid JSON';
  return error.message;
}

function allowHeader(error: Error): Record<string, string> {
  if (!('headers' in error) || typeof error.headers !== 'object' || error.headers === null) return {};
  const allow = 'Allow' in error.headers ? error.headers.Allow : undefined;
  return typeof allow === 'string' ? { allow } : {};
}
