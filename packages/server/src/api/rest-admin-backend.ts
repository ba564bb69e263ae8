import { z } from 'zod';
import type { NewAccount } from '../accounts.js';
import type { AdminBackend } from './admin-backend.js';

/** Where the running server is and how to log in to it as an administrator. */
export interface RestTarget {
  /** Base URL of the server, without `/api/v1` (`http://127.0.0.1:8008`). */
  readonly url: string;
  readonly user: string;
  readonly password: string;
}

/** A failed REST call: `status` is undefined when the server could not be reached. */
export class RestClientError extends Error {
  override readonly name = 'RestClientError';

  constructor(
    readonly status: number | undefined,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const account = z.object({
  email: z.string(),
  kind: z.enum(['user', 'group', 'resource']),
  displayName: z.string().nullable(),
  isAdmin: z.boolean(),
  quotaBytes: z.number().nullable(),
  usedBytes: z.number(),
  publicFolder: z.boolean(),
  createdAt: z.string(),
  members: z.array(z.string()).optional(),
});
const domain = z.object({
  name: z.string(),
  groupwareEnabled: z.boolean(),
  webdavEnabled: z.boolean(),
  createdAt: z.string(),
});
const accountPolicies = z.object({
  groupwareEnabled: z.boolean().nullable(),
  webdavEnabled: z.boolean().nullable(),
  effective: z.object({ groupwareEnabled: z.boolean(), webdavEnabled: z.boolean() }),
});
const serverFolder = z.object({ owner: z.string(), folder: z.string(), path: z.string(), recursive: z.boolean() });
const emails = z.array(z.string());
const newAppPassword = z.object({ id: z.number(), label: z.string(), token: z.string() });
const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/**
 * The administration calls over the REST API of a running server (SPEC §7: the CLI uses it
 * when a server holds the embedded store). Answers are checked with zod, so a server of
 * another version fails clearly rather than printing nonsense.
 */
export function restAdminBackend(target: RestTarget): AdminBackend {
  const base = `${target.url.replace(/\/+$/, '')}/api/v1`;
  const authorization = `Basic ${Buffer.from(`${target.user}:${target.password}`, 'utf8').toString('base64')}`;
  const call = async <T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new RestClientError(
        undefined,
        undefined,
        `cannot reach the server at ${target.url}: ${describe(error)}`,
      );
    }
    const text = await response.text();
    if (response.status === 401) {
      throw new RestClientError(
        401,
        undefined,
        `the server at ${target.url} refused the administrator credentials (PARTAGE_ADMIN_USER, PARTAGE_ADMIN_PASSWORD)`,
      );
    }
    const parsed = parseJson(text);
    if (!response.ok) {
      const failure = errorBody.safeParse(parsed);
      throw failure.success
        ? new RestClientError(response.status, failure.data.error.code, failure.data.error.message)
        : new RestClientError(
            response.status,
            undefined,
            `the server answered ${response.status}: ${text.trim().slice(0, 200)}`,
          );
    }
    const result = schema.safeParse(parsed);
    if (!result.success)
      throw new RestClientError(response.status, undefined, `unexpected answer from ${method} ${path}`);
    return result.data;
  };
  const none = z.unknown().transform((): void => undefined);
  const at = (email: string) => `/accounts/${encodeURIComponent(email)}`;
  return {
    description: `the REST API at ${target.url}`,
    createDomain: (name) => call('POST', '/domains', domain, { name }),
    listDomains: () => call('GET', '/domains', z.array(domain)),
    removeDomain: (name) => call('DELETE', `/domains/${encodeURIComponent(name)}`, none),
    createAccount: (input) => call('POST', '/accounts', account, accountBody(input)),
    listAccounts: (name) =>
      call(
        'GET',
        name === undefined ? '/accounts' : `/accounts?domain=${encodeURIComponent(name)}`,
        z.array(account),
      ),
    removeAccount: (email) => call('DELETE', at(email), none),
    updateAccount: (email, update) =>
      call('PATCH', at(email), account, Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined))),
    setPassword: (email, password) => call('PUT', `${at(email)}/password`, none, { password }),
    members: (email) => call('GET', `${at(email)}/members`, emails),
    setMembers: (email, members) => call('PUT', `${at(email)}/members`, emails, members),
    addAppPassword: (email, label) => call('POST', `${at(email)}/app-passwords`, newAppPassword, { label }),
    setDomainPolicies: (name, policies) => call('PUT', `/domains/${encodeURIComponent(name)}/policies`, domain, policies),
    accountPolicies: (email) => call('GET', `${at(email)}/policies`, accountPolicies),
    setAccountPolicies: (email, overrides) => call('PUT', `${at(email)}/policies`, accountPolicies, overrides),
    createServerFolder: (email, folder) => call('POST', `${at(email)}/server-folders`, serverFolder, folder),
  };
}

/** The `NewAccount` body without the undefined members, which JSON would drop anyway. */
function accountBody(input: NewAccount): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
