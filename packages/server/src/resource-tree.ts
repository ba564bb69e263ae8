import { makeResource, type DavPath, type RequestContext, type Resource, type ResourceTree } from '@partage/dav-core';
import { AccountTree, type FolderKindSpec } from '@partage/files';
import { repositories, type AccountRow, type BlobStore, type Db, type ReadCache } from '@partage/storage';
import { notificationsSegment, proxyKindNamed, withSharedOwner, type NotificationTree, type ProxyPrincipals, type SubscriptionBindings } from '@partage/sharing';
import type { GalTree } from './gal-tree.js';
import { domainPrincipalResource, principalHref, principalResource, principalsPath } from './principals.js';

/**
 * The URL space of SPEC §3: `/`, `/webdav/`, `/webdav/principals/<email>/` and each
 * account's home `/webdav/<email>/…`, handed to the files tree.
 */
export class PartageTree implements ResourceTree {
  private readonly accounts: AccountTree;
  /** The node resources of every home, for modules that build members in bulk (reports). */
  get resources() {
    return this.accounts.resources;
  }

  constructor(
    private readonly db: Db,
    blobStore: BlobStore,
    private readonly readCache: ReadCache,
    kinds: readonly FolderKindSpec[],
  ) {
    this.accounts = new AccountTree({ db, blobStore, readCache }, principalHref, kinds);
  }

  async resolve(path: DavPath, ctx: RequestContext): Promise<Resource | undefined> {
    const [first, second, third, ...rest] = path;
    if (first === undefined) return this.collection([], 'root', () => this.rootChildren(ctx));
    if (first !== 'webdav') return undefined;
    if (second === undefined) return this.collection(['webdav'], 'dav-root', () => this.davRootChildren(ctx));
    if (second === principalsPath[1]) {
      if (third === undefined) return this.collection([...principalsPath], 'principals', () => this.principalChildren(ctx));
      if (third === 'domains' && rest.length === 1) {
        const domain = await repositories(this.db).accounts.findDomain(rest[0] ?? '');
        return domain && domainPrincipalResource(domain);
      }
      const proxyKind = proxyKindNamed(rest[0]);
      if (rest.length > 1 || (rest.length === 1 && (!proxyKind || !this.proxies))) return undefined;
      const account = await this.account(third);
      if (!account) return undefined;
      if (proxyKind) return this.proxies?.resource(account, proxyKind, ctx);
      const principal = principalResource(account);
      const proxies = this.proxies;
      // A principal is a collection holding its proxy groups (caldav-proxy.txt §5.2).
      return proxies ? { ...principal, ops: { ...principal.ops, children: async () => proxies.resources(account, ctx) } } : principal;
    }
    if (second === notificationsSegment) return this.notifications?.resolve(path.slice(2));
    if (second === 'directory') return this.gal?.directory(path.slice(2), ctx);
    const account = await this.account(second);
    if (!account) return undefined;
    const resolved = await this.resolveInHome(account, path, ctx);
    return resolved && this.gal ? this.gal.decorate(resolved, ctx) : resolved;
  }

  /** A resource of an account's home: its own nodes, or for the account itself its subscriptions. */
  private async resolveInHome(account: AccountRow, path: DavPath, ctx: RequestContext): Promise<Resource | undefined> {
    const homePath = ['webdav', account.email];
    const isSharee = ctx.principal?.name === account.email;
    const found = await this.accounts.resolve(account, homePath, path.slice(2));
    if (!found) return isSharee && this.bindings?.mayHold(path[2] ?? '') ? this.bindings.resolve(account, homePath, path.slice(2)) : undefined;
    // Only reads report the resourcetype: writes skip the query of CS:shared-owner.
    const showsTypes = ctx.request.method === 'PROPFIND' || ctx.request.method === 'REPORT';
    if (path.length === 3 && isSharee && showsTypes) return (await withSharedOwner(this.db, account.id, [found], this.readCache))[0];
    if (path.length !== 2) return found;
    const bindings = this.bindings;
    const ownChildren = found.ops.children?.bind(found.ops);
    return {
      ...found,
      displayName: found.displayName ?? account.displayName ?? account.email,
      ops: {
        ...found.ops,
        // The home lists the account's folders, marked when shared, and, for the account itself, its subscriptions (SPEC §5).
        ...(ownChildren && bindings && isSharee
          ? {
              children: async () => [
                ...(showsTypes ? await withSharedOwner(this.db, account.id, await ownChildren(), this.readCache) : await ownChildren()),
                ...(await bindings.homeMembers(account, homePath)),
              ],
            }
          : {}),
      },
    };
  }

  /** Subscriptions shown in homes; set by the composition root once the sharing module exists. */
  bindings: SubscriptionBindings | undefined;

  /** The notification collections (`/webdav/notifications/<email>/`); set by the composition root. */
  notifications: NotificationTree | undefined;

  /** The calendar-proxy groups of principals (delegation, ADR 0013); set by the composition root. */
  proxies: ProxyPrincipals | undefined;

  /** The GAL's directory address book and folder flags (SPEC §5); set by the composition root. */
  gal: GalTree | undefined;

  private account(email: string): Promise<AccountRow | undefined> {
    return this.readCache.get(`account:${email}`, () => repositories(this.db).accounts.findAccountByEmail(email), ['account:-used_bytes']);
  }

  private collection(path: string[], kind: string, children: () => Promise<Resource[]>): Resource {
    return makeResource({ kind, path, isCollection: true, ops: { children } });
  }

  private async rootChildren(ctx: RequestContext): Promise<Resource[]> {
    const webdav = await this.resolve(['webdav'], ctx);
    return webdav ? [webdav] : [];
  }

  /** `/webdav/` lists the caller's home and the principals collection. */
  private async davRootChildren(ctx: RequestContext): Promise<Resource[]> {
    const result: Resource[] = [];
    const principals = await this.resolve([...principalsPath], ctx);
    if (principals) result.push(principals);
    if (ctx.principal) {
      const home = await this.resolve(['webdav', ctx.principal.name], ctx);
      if (home) result.push(home);
    }
    return result;
  }

  /** Listing principals shows the caller's own; others are found by URL or by search reports. */
  private async principalChildren(ctx: RequestContext): Promise<Resource[]> {
    if (!ctx.principal) return [];
    const own = await this.account(ctx.principal.name);
    return own ? [principalResource(own)] : [];
  }
}
