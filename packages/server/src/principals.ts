import { dav, el } from '@partage/dav-xml';
import { defineProperty, makeResource, type DavModule, type Resource } from '@partage/dav-core';
import { notificationsHref } from '@partage/sharing';
import { repositories, type AccountRow, type Db, type DomainRow } from '@partage/storage';
import {
  aclPrincipalPropSetReport,
  principalMatchReport,
  principalPropertySearchReport,
  principalSearchPropertySetReport,
} from './principal-reports.js';

/** Where principals live (SPEC §3). */
export const principalsPath = ['webdav', 'principals'] as const;

/** `/webdav/principals/<email>/` */
export const principalHref = (email: string): string => `/webdav/principals/${encodeURIComponent(email).replace(/%40/g, '@')}/`;

/** `/webdav/<email>/` */
export const homeHref = (email: string): string => `/webdav/${encodeURIComponent(email).replace(/%40/g, '@')}/`;

/** A principal resource (RFC 3744 §2) for an account. */
export interface PrincipalResource extends Resource {
  readonly kind: 'principal';
  readonly account: AccountRow;
}

export const isPrincipal = (r: Resource): r is PrincipalResource => r.kind === 'principal';

/** Builds the principal resource of an account. */
export function principalResource(account: AccountRow): PrincipalResource {
  const base = makeResource({
    kind: 'principal',
    path: [...principalsPath, account.email],
    isCollection: true,
    resourceTypes: [dav('principal')],
    displayName: account.displayName ?? account.email,
    createdAt: account.createdAt,
    ownerHref: principalHref(account.email),
  });
  return { ...base, kind: 'principal', account };
}

/** DAV:principal-URL (RFC 3744 §4.2). */
const principalUrl = defineProperty({
  name: dav('principal-URL'),
  appliesTo: isPrincipal,
  inAllprop: false,
  get: async (r: PrincipalResource) => el(dav('href'), [principalHref(r.account.email)]),
});

/** DAV:alternate-URI-set (RFC 3744 §4.1): the mailto: address. */
const alternateUriSet = defineProperty({
  name: dav('alternate-URI-set'),
  appliesTo: isPrincipal,
  inAllprop: false,
  get: async (r: PrincipalResource) => el(dav('href'), [`mailto:${r.account.email}`]),
});

/** The group principal of a domain, whose members are its accounts (SPEC §3; grants to a domain). */
export interface DomainPrincipalResource extends Resource {
  readonly kind: 'domain-principal';
  readonly domain: DomainRow;
}

const isDomainPrincipal = (r: Resource): r is DomainPrincipalResource => r.kind === 'domain-principal';

/** Builds `/webdav/principals/domains/<domain>/`. */
export function domainPrincipalResource(domain: DomainRow): DomainPrincipalResource {
  const base = makeResource({
    kind: 'domain-principal',
    path: [...principalsPath, 'domains', domain.name],
    isCollection: true,
    resourceTypes: [dav('principal')],
    displayName: domain.name,
    createdAt: domain.createdAt,
  });
  return { ...base, kind: 'domain-principal', domain };
}

/** DAV:group-member-set of a domain principal: every account of the domain. */
function domainMembers(db: Db) {
  return defineProperty({
    name: dav('group-member-set'),
    appliesTo: isDomainPrincipal,
    inAllprop: false,
    get: async (r: DomainPrincipalResource) =>
      (await repositories(db).accounts.listAccounts(r.domain.name)).map((a) => el(dav('href'), [principalHref(a.email)])),
  });
}

/** DAV:principal-URL of a domain principal. */
const domainPrincipalUrl = defineProperty({
  name: dav('principal-URL'),
  appliesTo: isDomainPrincipal,
  inAllprop: false,
  get: async (r: DomainPrincipalResource) => el(dav('href'), [`/webdav/principals/domains/${r.domain.name}/`]),
});

/** CS:email-address-set, the addresses Apple clients show for a principal. */
const emailAddressSet = defineProperty({
  name: '{http://calendarserver.org/ns/}email-address-set',
  appliesTo: isPrincipal,
  inAllprop: false,
  get: async (r: PrincipalResource) => el('{http://calendarserver.org/ns/}email-address', [r.account.email]),
});

/** CS:notification-URL (CalendarServer caldav-sharing §4.1): where Apple clients find sharing invitations. */
const notificationUrl = defineProperty({
  name: '{http://calendarserver.org/ns/}notification-URL',
  appliesTo: isPrincipal,
  inAllprop: false,
  get: async (r: PrincipalResource) => el(dav('href'), [notificationsHref(r.account.email)]),
});

/** CALDAV:calendar-user-type (RFC 6638 §2.4.2): INDIVIDUAL, GROUP, or ROOM for resources (SPEC §3). */
const calendarUserType = defineProperty({
  name: '{urn:ietf:params:xml:ns:caldav}calendar-user-type',
  appliesTo: isPrincipal,
  inAllprop: false,
  get: async (r: PrincipalResource) =>
    r.account.kind === 'group' ? 'GROUP' : r.account.kind === 'resource' ? 'ROOM' : 'INDIVIDUAL',
});

/** Principals: accounts as RFC 3744 principals, and the principal reports (RFC 3744 §9). */
export function principalsModule(db: Db): DavModule {
  return {
    name: 'principals',
    features: [],
    properties: [principalUrl, alternateUriSet, emailAddressSet, notificationUrl, calendarUserType, domainPrincipalUrl, domainMembers(db)],
    reports: [
      principalPropertySearchReport(db),
      principalSearchPropertySetReport,
      principalMatchReport(db),
      aclPrincipalPropSetReport,
    ],
    methods: [],
  };
}
