import express, { type NextFunction, type Request, type Response } from 'express';
import { middleware as openApiValidator } from 'express-openapi-validator';
import type { AccountRow } from '@partage/storage';
import { normalizeEmail } from '../accounts.js';
import type { AppServices } from '../app.js';
import { accountOperations } from './account-operations.js';
import { domainOperations } from './domain-operations.js';
import { galOperations } from './gal-operations.js';
import { ApiError, toApiError } from './errors.js';
import { shareOperations } from './share-operations.js';
import { openApiSpecPath } from './openapi-spec.js';
import type { Access, Operation } from './operation.js';

/** What the REST API needs besides the services. */
export interface ApiDependencies extends AppServices {
  /** Answers 401/429 itself and resolves undefined then. */
  readonly authenticate: (req: Request, res: Response) => Promise<AccountRow | undefined>;
  /**
   * Whether a response that does not match `openapi.yaml` becomes a 500 (tests) rather than
   * being logged and sent (production, where the work behind it is already done).
   * Defaults to `NODE_ENV === 'test'`, which jest sets.
   */
  readonly strictResponseValidation?: boolean;
}

/** Every operation of `openapi.yaml`. */
export const apiOperations: readonly Operation[] = [...accountOperations, ...domainOperations, ...shareOperations];

/**
 * The REST API under `/api/v1` (SPEC §7), described by `openapi.yaml`. Each request is
 * authenticated first (401/429 from `authenticate`), then validated against the spec
 * (violations: 400 `invalid-request`; unknown paths 404, wrong methods 405), then
 * authorised by the operation's {@link Access}, here and nowhere else. Errors answer
 * `{ "error": { "code", "message" } }` with a code from `errors.ts`.
 *
 * @example
 * app.use('/api/v1', createApiRouter({ ...services, authenticate }));
 */
export function createApiRouter(deps: ApiDependencies): express.Router {
  const { logger } = deps;
  const strict = deps.strictResponseValidation ?? process.env['NODE_ENV'] === 'test';
  const callers = new WeakMap<Request, AccountRow>();
  const router = express.Router();

  router.use(async (req, res, next) => {
    const caller = await deps.authenticate(req, res);
    if (!caller) return;
    callers.set(req, caller);
    next();
  });
  router.use(express.json({ limit: '1mb' }));
  router.use(
    openApiValidator({
      apiSpec: openApiSpecPath(),
      validateRequests: { allowUnknownQueryParameters: false },
      validateResponses: {
        onError: (error) => {
          logger.error({ err: error }, 'response does not match openapi.yaml');
          if (strict) throw error;
        },
      },
      validateSecurity: false,
      validateApiSpec: true,
    }),
  );

  const operations = [...apiOperations, ...(deps.gal ? galOperations(deps.gal) : [])];
  for (const operation of operations) {
    router[operation.method](operation.path, async (req: Request, res: Response) => {
      const caller = callers.get(req);
      if (!caller) throw new Error('the API router runs authentication first');
      const params = stringParams(req.params);
      if (!isAllowed(operation.access, caller, params['email'])) {
        throw new ApiError('forbidden', 'only an administrator may do this');
      }
      const result = await operation.handle({
        accounts: deps.accounts,
        sharing: deps.sharing,
        caller,
        params,
        query: req.query,
        body: req.body,
      });
      if (result.status === 204) res.status(204).end();
      else res.status(result.status).json(result.body);
    });
  }

  router.use((req) => {
    throw new ApiError('not-found', `no API operation ${req.method} ${req.originalUrl.split('?')[0] ?? ''}`);
  });

  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const apiError = toApiError(error);
    const entry = { method: req.method, path: req.originalUrl, status: apiError.status, code: apiError.code };
    if (apiError.status >= 500) logger.error({ ...entry, err: error }, 'API request failed');
    else logger.info(entry, apiError.message);
    res.status(apiError.status).set(apiError.headers).json(apiError.toBody());
  });
  return router;
}

/** The authorisation rule of SPEC §7: administrators act on anything, an account on itself. */
function isAllowed(access: Access, caller: AccountRow, email: string | undefined): boolean {
  if (caller.isAdmin) return true;
  switch (access) {
    case 'admin':
      return false;
    case 'self-or-admin':
      return email !== undefined && isSameAccount(caller, email);
    case 'sharing':
      return true;
    default: {
      const unexpected: never = access;
      throw new Error(`unknown access ${String(unexpected)}`);
    }
  }
}

/** Our routes have named parameters only; express types also allow wildcard arrays. */
function stringParams(params: Readonly<Record<string, string | string[]>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function isSameAccount(caller: AccountRow, email: string): boolean {
  try {
    return normalizeEmail(email) === caller.email;
  } catch {
    return false;
  }
}
