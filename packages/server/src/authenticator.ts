import { verify } from '@node-rs/argon2';
import { createHmac, randomBytes } from 'node:crypto';
import { repositories, type AccountRow, type Db, type ReadCache } from '@partage/storage';
import { argon2Options, sha256 } from './accounts.js';

/** The outcome of checking the credentials of a request. */
export type AuthResult =
  | { readonly kind: 'ok'; readonly account: AccountRow }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'blocked'; readonly retryAfterSeconds: number };

interface CachedCredential {
  readonly accountId: number;
  readonly credentialsVersion: number;
  readonly expiresAt: number;
}

/** Settings of the authenticator (SPEC §7 limits). */
export interface AuthenticatorOptions {
  readonly adminEmail: string;
  readonly cacheMs: number;
  readonly login: { readonly maxFailures: number; readonly windowMs: number; readonly blockMs: number };
  readonly now?: () => number;
}

/** Parses an HTTP Basic `Authorization` header (RFC 7617) as UTF-8. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const maxCacheEntries = 10_000;
/** A real argon2id hash of a random password, verified when the account does not exist so timing tells nothing. */
let decoyHash: Promise<string> | undefined;

/**
 * Verifies Basic credentials against argon2id hashes and app passwords. DAV clients send
 * the password with every request, so verified credentials are cached for a short time
 * under an HMAC of user and password with a per-process secret — never the password
 * itself. A cached entry is honoured only while the account's `credentialsVersion` is
 * unchanged, so a password change in any process ends it everywhere.
 */
export class Authenticator {
  private readonly secret = randomBytes(32);
  private readonly cache = new Map<string, CachedCredential>();
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly readCache: ReadCache,
    private readonly options: AuthenticatorOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The account name a login refers to: `admin` is the administrator's alias. */
  private loginName(user: string): string {
    const name = user.trim().toLowerCase().normalize('NFC');
    return name === 'admin' ? this.options.adminEmail : name;
  }

  async authenticate(header: string | undefined, clientAddress: string): Promise<AuthResult> {
    const credentials = parseBasic(header);
    if (!credentials) return { kind: 'missing' };
    const name = this.loginName(credentials.user);
    const key = createHmac('sha256', this.secret).update(`${name}\u0000${credentials.password}`).digest('base64');
    const repos = repositories(this.db);

    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) {
      const found = await this.readCache.get(`login:${cached.accountId}:${name}:${clientAddress}`, () =>
        repos.accounts.findAccountWithBlock(cached.accountId, name, clientAddress),
        // The account row and its login block, read again after any change to either (not after usage updates: nothing here uses usedBytes).
        ['account:-used_bytes', 'login_failure'],
      );
      if (found?.blockedUntil && found.blockedUntil.getTime() > this.now()) {
        return { kind: 'blocked', retryAfterSeconds: Math.ceil((found.blockedUntil.getTime() - this.now()) / 1000) };
      }
      if (found && found.account.credentialsVersion === cached.credentialsVersion) return { kind: 'ok', account: found.account };
      this.cache.delete(key);
    }

    const blockedUntil = await repos.loginFailures.blockedUntil(name, clientAddress, new Date(this.now()));
    if (blockedUntil) {
      return { kind: 'blocked', retryAfterSeconds: Math.ceil((blockedUntil.getTime() - this.now()) / 1000) };
    }
    const account = await this.verify(name, credentials.password);
    if (!account) {
      await repos.loginFailures.recordFailure(name, clientAddress, this.options.login, new Date(this.now()));
      return { kind: 'invalid' };
    }
    await repos.loginFailures.clear(name, clientAddress);
    if (this.options.cacheMs > 0) {
      if (this.cache.size >= maxCacheEntries) this.evictExpired();
      this.cache.set(key, {
        accountId: account.id,
        credentialsVersion: account.credentialsVersion,
        expiresAt: this.now() + this.options.cacheMs,
      });
    }
    return { kind: 'ok', account };
  }

  private async verify(name: string, password: string): Promise<AccountRow | undefined> {
    const repos = repositories(this.db);
    const account = await repos.accounts.findAccountByEmail(name);
    if (account?.passwordHash) {
      if (await verify(account.passwordHash, password).catch(() => false)) return account;
    } else {
      decoyHash ??= import('@node-rs/argon2').then((m) => m.hash(randomBytes(16).toString('hex'), argon2Options));
      await verify(await decoyHash, password).catch(() => false);
    }
    if (/^[0-9a-f]{32}$/.test(password)) {
      const owner = await repos.accounts.accountByAppPassword(sha256(password));
      if (owner && owner.email === name) return owner;
    }
    return undefined;
  }

  private evictExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
    if (this.cache.size >= maxCacheEntries) this.cache.clear();
  }
}
