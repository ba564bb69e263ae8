import { childElements, dav, el, textOf, type ClarkName, type XmlElement } from '@partage/dav-xml';
import {
  DavError,
  davConditions,
  defineProperty,
  hrefOf,
  makeResource,
  parseRequestPath,
  type DavModule,
  type RequestContext,
  type Resource,
} from '@partage/dav-core';
import { repositories, type AccountRow, type Db } from '@partage/storage';
import { Delegation, isProxyPrincipal, proxyKinds, type ProxyKind, type ProxyPrincipalResource } from './delegation.js';
import { ShareError, type ShareService } from './share-service.js';

const calendarServer = (local: string): ClarkName => `{http://calendarserver.org/ns/}${local}`;

/** The child names of a principal that hold its proxy groups (caldav-proxy.txt §5.2). */
export const proxyNames: Readonly<Record<ProxyKind, string>> = { read: 'calendar-proxy-read', write: 'calendar-proxy-write' };

/** The proxy kind a principal child name stands for, if any. */
export const proxyKindNamed = (name: string | undefined): ProxyKind | undefined =>
  proxyKinds.find((kind) => proxyNames[kind] === name);

/** `/webdav/principals/<email>/` */
const principalHref = (email: string): string => hrefOf(['webdav', 'principals', email], true);

const isAccountPrincipal = (r: Resource): r is Resource => r.kind === 'principal';
const principalEmail = (r: Resource): string => r.path[r.path.length - 1] ?? '';

/** The emails of the principals named by the hrefs of a `DAV:group-member-set`; refuses anything else. */
function memberEmails(value: XmlElement): string[] {
  return childElements(value)
    .filter((e) => e.name === dav('href'))
    .map((href) => {
      const text = textOf(href).trim();
      let segments: readonly string[] = [];
      try {
        segments = parseRequestPath(new URL(text, 'http://placeholder').pathname).segments;
      } catch {
        segments = [];
      }
      const [first, second, email, ...rest] = segments;
      if (first !== 'webdav' || second !== 'principals' || !email?.includes('@') || rest.length > 0) {
        throw new DavError(403, dav('recognized-principal'), `not an account principal: ${text}`);
      }
      return email;
    });
}

/**
 * The CalendarServer proxy principals (caldav-proxy.txt) of accounts, as a view of grants
 * (ADR 0013): reading them lists delegates, and a PROPPATCH of `DAV:group-member-set` by
 * whoever may share the owner's calendars sets them through the share service.
 */
export class ProxyPrincipals {
  readonly delegation: Delegation;

  constructor(
    private readonly db: Db,
    private readonly sharing: ShareService,
  ) {
    this.delegation = new Delegation(db);
  }

  /** `/webdav/principals/<email>/calendar-proxy-read|write/` for this request. */
  resource(owner: AccountRow, proxyKind: ProxyKind, ctx: RequestContext): ProxyPrincipalResource {
    const base = makeResource({
      kind: 'proxy-principal',
      path: ['webdav', 'principals', owner.email, proxyNames[proxyKind]],
      isCollection: true,
      resourceTypes: [dav('principal'), calendarServer(proxyNames[proxyKind])],
      displayName: `${owner.displayName ?? owner.email} (${proxyNames[proxyKind]})`,
      createdAt: owner.createdAt,
      ownerHref: principalHref(owner.email),
      ops: {
        children: async () => [],
        patchProperties: (set, remove) => this.patch(owner, proxyKind, ctx, set, remove),
      },
    });
    return { ...base, kind: 'proxy-principal', owner, proxyKind };
  }

  /** Both proxy groups of an account, the children of its principal. */
  resources(owner: AccountRow, ctx: RequestContext): ProxyPrincipalResource[] {
    return proxyKinds.map((kind) => this.resource(owner, kind, ctx));
  }

  private async patch(
    owner: AccountRow,
    proxyKind: ProxyKind,
    ctx: RequestContext,
    set: readonly XmlElement[],
    remove: readonly ClarkName[],
  ): Promise<void> {
    const others = [...set.map((e) => e.name), ...remove].filter((name) => name !== dav('group-member-set'));
    if (others.length > 0) throw new DavError(403, davConditions.cannotModifyProtectedProperty(), `only DAV:group-member-set may be set here`);
    const value = set.find((e) => e.name === dav('group-member-set'));
    const emails = value ? memberEmails(value) : [];
    const principal = ctx.principal;
    if (!principal) throw new DavError(401);
    try {
      await this.sharing.setDelegates(owner.email, proxyKind, emails, { id: principal.id, isAdmin: principal.isAdmin });
    } catch (error) {
      if (!(error instanceof ShareError)) throw error;
      if (error.code === 'not-found') throw new DavError(403, dav('recognized-principal'), error.message);
      if (error.code === 'forbidden') throw davConditions.needPrivileges(hrefOf(['webdav', 'principals', owner.email, proxyNames[proxyKind]], true), dav('write-properties'));
      throw new DavError(409, undefined, error.message);
    }
  }

  /** The DAV properties of delegation, and the `calendar-proxy` feature (caldav-proxy.txt §5.1). */
  module(): DavModule {
    const delegation = this.delegation;
    const db = this.db;
    const accountOf = async (r: Resource) => repositories(db).accounts.findAccountByEmail(principalEmail(r));
    const hrefs = (accounts: readonly AccountRow[]) => accounts.map((a) => el(dav('href'), [principalHref(a.email)]));
    const proxyFor = (kind: ProxyKind) =>
      defineProperty({
        name: calendarServer(`${proxyNames[kind]}-for`),
        appliesTo: isAccountPrincipal,
        inAllprop: false,
        get: async (r) => {
          const account = await accountOf(r);
          return account ? hrefs((await delegation.proxyFor(account))[kind]) : [];
        },
      });
    return {
      name: 'delegation',
      features: ['calendar-proxy'],
      methods: [],
      reports: [],
      properties: [
        defineProperty({
          name: dav('group-member-set'),
          appliesTo: isProxyPrincipal,
          inAllprop: false,
          isWritable: true,
          get: async (r) => hrefs(await delegation.members(r.owner, r.proxyKind)),
        }),
        defineProperty({
          name: dav('group-membership'),
          appliesTo: isProxyPrincipal,
          inAllprop: false,
          get: async () => [],
        }),
        defineProperty({
          name: dav('principal-URL'),
          appliesTo: isProxyPrincipal,
          inAllprop: false,
          get: async (r) => el(dav('href'), [hrefOf(r.path, true)]),
        }),
        proxyFor('read'),
        proxyFor('write'),
      ],
    };
  }
}

/** The hrefs of the proxy groups an account is a direct member of, for its `DAV:group-membership`. */
export async function proxyMembershipHrefs(delegation: Delegation, account: AccountRow): Promise<XmlElement[]> {
  const memberships = await delegation.memberships(account);
  return proxyKinds.flatMap((kind) =>
    memberships[kind].map((owner) => el(dav('href'), [hrefOf(['webdav', 'principals', owner.email, proxyNames[kind]], true)])),
  );
}

