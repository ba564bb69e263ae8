import type { AccountRow } from '@partage/storage';
import type { AccountService } from '../accounts.js';
import type { ShareService } from '@partage/sharing';

/**
 * Who may call an operation. `admin`: administrators only. `self-or-admin`: also the
 * account named by the `{email}` path parameter, acting on itself. `sharing`: any
 * account; the sharing service decides (the owner, an administrator, or a holder of
 * `admin` on the folder, SPEC §7).
 */
export type Access = 'admin' | 'self-or-admin' | 'sharing';

/** What a handler gets: the authenticated and authorised caller and the validated request. */
export interface OperationInput {
  readonly accounts: AccountService;
  readonly sharing: ShareService;
  readonly caller: AccountRow;
  /** Path parameters, decoded by express. */
  readonly params: Readonly<Record<string, string | undefined>>;
  /** Query parameters (the `simple` parser: a repeated name gives an array). */
  readonly query: Readonly<Record<string, unknown>>;
  /** The JSON body, already checked against `openapi.yaml` by the request validator. */
  readonly body: unknown;
}

/** What a handler answers: a status and, except for 204, a JSON body. */
export interface OperationResult {
  readonly status: 200 | 201 | 204;
  readonly body?: unknown;
}

/**
 * One REST operation: the express path below `/api/v1` (`:email` for `{email}`), who may
 * call it, and its handler. The router registers every operation the same way, so
 * authorisation lives in one place.
 */
export interface Operation {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  readonly path: string;
  readonly access: Access;
  readonly handle: (input: OperationInput) => Promise<OperationResult>;
}

/** A path parameter that the route pattern guarantees. */
export function param(input: OperationInput, name: string): string {
  const value = input.params[name];
  if (value === undefined) throw new Error(`route has no :${name} parameter`);
  return value;
}
