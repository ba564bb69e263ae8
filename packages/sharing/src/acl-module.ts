import { dav, el, type XmlElement } from '@partage/dav-xml';
import { defineProperty, type DavModule, type Resource } from '@partage/dav-core';
import { isNodeResource } from '@partage/files';
import { repositories, type Db } from '@partage/storage';
import { aclMethod } from './acl-method.js';
import { aclOf, inheritedAclSet } from './acl-view.js';
import { Delegation } from './delegation.js';
import { proxyMembershipHrefs } from './proxy-principals.js';

const caldav = (local: string) => `{urn:ietf:params:xml:ns:caldav}${local}` as const;
const any = (_: Resource): _ is Resource => true;
const isPrincipal = (r: Resource): r is Resource => r.kind === 'principal';
const principalEmail = (r: Resource): string => r.path[r.path.length - 1] ?? '';

const privilege = (name: `{${string}}${string}`, description: string, children: XmlElement[] = [], isAbstract = false) =>
  el(dav('supported-privilege'), [
    el(dav('privilege'), [el(name)]),
    isAbstract && el(dav('abstract')),
    el(dav('description'), [description], { '{http://www.w3.org/XML/1998/namespace}lang': 'en' }),
    ...children,
  ]);

/** The privilege tree of RFC 3744 §5.3 as the rights of SPEC §4 give them. */
const supportedPrivileges = privilege(dav('all'), 'every right', [
  privilege(dav('read'), 'read', [
    privilege(dav('read-current-user-privilege-set'), 'read own privileges'),
    privilege(caldav('read-free-busy'), 'read free/busy time'),
  ]),
  privilege(dav('write'), 'write', [
    privilege(dav('write-content'), 'modify items'),
    privilege(dav('write-properties'), 'modify properties'),
    privilege(dav('bind'), 'create items'),
    privilege(dav('unbind'), 'delete items'),
  ]),
  privilege(dav('read-acl'), 'read rights'),
  privilege(dav('write-acl'), 'change rights and sharing'),
  privilege(dav('unlock'), 'unlock'),
]);

/**
 * RFC 3744 as a view of grants (STYLE §5): `acl`, `acl-restrictions`,
 * `supported-privilege-set`, `inherited-acl-set`, group membership on principals, and the
 * ACL method.
 */
export function aclModule(db: Db): DavModule {
  return {
    name: 'acl',
    features: [],
    methods: [aclMethod(db)],
    reports: [],
    properties: [
      defineProperty({
        name: dav('acl'),
        appliesTo: isNodeResource,
        inAllprop: false,
        get: async (r, ctx, server) => {
          const [access] = await server.authorizer.access(ctx, [r]);
          if (!access?.privileges.has(dav('read-acl'))) return undefined;
          return aclOf(db, r);
        },
      }),
      defineProperty({
        name: dav('acl-restrictions'),
        appliesTo: any,
        inAllprop: false,
        get: async () => [el(dav('no-invert'))],
      }),
      defineProperty({
        name: dav('supported-privilege-set'),
        appliesTo: any,
        inAllprop: false,
        get: async () => supportedPrivileges,
      }),
      defineProperty({
        name: dav('inherited-acl-set'),
        appliesTo: isNodeResource,
        inAllprop: false,
        get: async (r) => inheritedAclSet(db, r),
      }),
      defineProperty({
        name: dav('group-member-set'),
        appliesTo: isPrincipal,
        inAllprop: false,
        get: async (r) => {
          const account = await repositories(db).accounts.findAccountByEmail(principalEmail(r));
          if (account?.kind !== 'group') return [];
          return (await repositories(db).accounts.members(account.id)).map((m) =>
            el(dav('href'), [`/webdav/principals/${m.email}/`]),
          );
        },
      }),
      defineProperty({
        name: dav('group-membership'),
        appliesTo: isPrincipal,
        inAllprop: false,
        get: async (r) => {
          const account = await repositories(db).accounts.findAccountByEmail(principalEmail(r));
          const facts = account && (await repositories(db).grants.callerFacts(account.id));
          if (!facts) return [];
          const groups = await Promise.all(facts.groupIds.map((id) => repositories(db).accounts.findAccount(id)));
          // Its delegations are memberships of proxy groups too (caldav-proxy.txt §5.2).
          return [
            ...groups.flatMap((g) => (g ? [el(dav('href'), [`/webdav/principals/${g.email}/`])] : [])),
            ...(await proxyMembershipHrefs(new Delegation(db), account)),
          ];
        },
      }),
    ],
  };
}
