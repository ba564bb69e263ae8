import { dav, el } from '@partage/dav-xml';
import { defineProperty, makeResource, type DavModule, type Resource } from '@partage/dav-core';
import type { AccountRow } from '@partage/storage';

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

/** Principals: accounts as RFC 3744 principals. */
export const principalsModule: DavModule = {
  name: 'principals',
  features: [],
  properties: [principalUrl, alternateUriSet],
  reports: [],
  methods: [],
};
