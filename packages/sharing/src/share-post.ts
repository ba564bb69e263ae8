import { childElements, dav, el, findChild, parseXml, textOf, writeXml, XmlParseError, type XmlElement } from '@partage/dav-xml';
import {
  DavError,
  defineMethod,
  defineProperty,
  hrefOf,
  parseRequestPath,
  requirePrivilege,
  resolveOr404,
  type DavModule,
  type DavResponse,
  type MethodHandler,
  type PropertyHandler,
  type Resource,
} from '@partage/dav-core';
import { isNodeResource, type NodeResource } from '@partage/files';
import { repositories, type Db } from '@partage/storage';
import { grantOf } from './share-authorizer.js';
import { invitationIdOf, invitationUid, notificationProperties } from './notifications.js';
import type { SubscriptionBindings } from './subscription-bindings.js';
import { ShareError, type ShareService } from './share-service.js';
import type { Right } from './rights.js';

const cs = (local: string) => `{http://calendarserver.org/ns/}${local}` as const;
const readOnly: Right[] = ['read'];
const readWrite: Right[] = ['read', 'create', 'modify', 'delete'];

/** `mailto:a@b` or a principal URL to an email. */
function emailOf(href: XmlElement | undefined): string {
  const text = href ? textOf(href).trim() : '';
  if (text.toLowerCase().startsWith('mailto:')) return text.slice(7).toLowerCase();
  let segments: readonly string[] = [];
  try {
    segments = parseRequestPath(new URL(text, 'http://placeholder').pathname).segments;
  } catch {
    segments = [];
  }
  const [root, principals, email] = segments;
  if (root === 'webdav' && principals === 'principals' && email?.includes('@') && segments.length === 3) return email.toLowerCase();
  throw new DavError(403, undefined, `unknown sharee ${text}`);
}

interface Change {
  readonly email: string;
  readonly rights: Right[] | undefined;
}

/** `CS:share` (CalendarServer sharing, used by Apple Calendar): set and remove sharees. */
function calendarServerChanges(body: XmlElement): Change[] {
  return childElements(body).flatMap((e): Change[] => {
    if (e.name === cs('set')) return [{ email: emailOf(findChild(e, dav('href'))), rights: findChild(e, cs('read-write')) ? readWrite : readOnly }];
    if (e.name === cs('remove')) return [{ email: emailOf(findChild(e, dav('href'))), rights: undefined }];
    return [];
  });
}

/** `DAV:share-resource` (WebDAV resource sharing): one `sharee` per account, `no-access` removes. */
function resourceSharingChanges(body: XmlElement): Change[] {
  return childElements(body)
    .filter((e) => e.name === dav('sharee'))
    .map((sharee) => {
      const access = findChild(sharee, dav('share-access'));
      const level = access && childElements(access)[0]?.name;
      const rights = level === dav('read-write') ? readWrite : level === dav('read') ? readOnly : level === dav('no-access') ? undefined : readOnly;
      return { email: emailOf(findChild(sharee, dav('href'))), rights };
    });
}

/**
 * `CS:invite-reply` POSTed by a sharee to its own home (caldav-sharing §5.5): accepting
 * subscribes and answers the binding's href in `CS:shared-as`; declining keeps the grant.
 * `CS:in-reply-to` carries the `CS:uid` of the notification (see `invitationUid`).
 */
async function inviteReply(body: XmlElement, home: NodeResource, sharing: ShareService, bindings: SubscriptionBindings | undefined): Promise<DavResponse> {
  const id = invitationIdOf(textOf(findChild(body, cs('in-reply-to')) ?? el(cs('in-reply-to'))));
  const accepted = findChild(body, cs('invite-accepted')) !== undefined;
  const declined = findChild(body, cs('invite-declined')) !== undefined;
  if (id === undefined || accepted === declined) {
    throw new DavError(400, undefined, 'CS:invite-reply needs CS:in-reply-to naming an invitation and one of CS:invite-accepted, CS:invite-declined');
  }
  const actor = { id: home.account.id, isAdmin: false };
  const invitation = (await sharing.invitations(actor)).find((i) => i.id === id);
  if (!invitation) throw new DavError(403, undefined, `no pending invitation ${invitationUid(id)}`);
  if (declined) {
    await sharing.decline(id, actor);
    return { status: 200, headers: { 'content-length': '0' } };
  }
  const folderId = await sharing.subscribe(id, invitation.folder === null ? 'account' : 'folder', actor);
  const href = (await bindings?.hrefOf(home.account, folderId)) ?? hrefOf(['webdav', home.account.email], true);
  const answer = el(cs('shared-as'), [el(dav('href'), [href])]);
  return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: writeXml(answer, { declaration: true }) };
}

/**
 * Sharing by POST (SPEC §5): on a folder, the CalendarServer `CS:share` body and the WebDAV
 * resource-sharing `DAV:share-resource` body become grants through the share service, with
 * the same rights checks (the owner, an administrator, or a holder of `admin`) and the same
 * invitations as the REST API; on the caller's own home, `CS:invite-reply` answers an
 * invitation. Other POST bodies are refused.
 */
export function sharingPostMethod(sharing: ShareService, bindings?: SubscriptionBindings): MethodHandler {
  return defineMethod({
    name: 'POST',
    run: async (ctx, server) => {
      const resource = await resolveOr404(ctx, server, ctx.path);
      await requirePrivilege(ctx, server, resource, dav('write-acl'));
      if (!isNodeResource(resource) || !resource.isCollection) throw new DavError(403, undefined, 'only folders can be shared');
      let body: XmlElement;
      try {
        body = parseXml(await ctx.readBody(), server.limits.xml);
      } catch (error) {
        if (error instanceof XmlParseError) throw new DavError(400, undefined, error.message);
        throw error;
      }
      if (resource.node.parentId === null) {
        if (body.name !== cs('invite-reply')) throw new DavError(403, undefined, 'only folders can be shared');
        if (resource.account.id !== ctx.principal?.id) throw new DavError(403, undefined, 'only the invited account answers its invitations');
        return inviteReply(body, resource, sharing, bindings);
      }
      const changes =
        body.name === cs('share') ? calendarServerChanges(body) : body.name === dav('share-resource') ? resourceSharingChanges(body) : undefined;
      if (!changes) throw new DavError(415, undefined, 'POST accepts CS:share and DAV:share-resource bodies');
      const folder = resource.path.slice(2).join('/');
      const actor = { id: ctx.principal?.id ?? 0, isAdmin: ctx.principal?.isAdmin ?? false };
      const owner = resource.account.email;
      try {
        for (const change of changes) {
          if (change.rights) await sharing.setGrant(owner, { folder, grantee: change.email, rights: change.rights }, actor);
          else await sharing.removeGrant(owner, folder, change.email, actor).catch((error: unknown) => {
            if (!(error instanceof ShareError && error.code === 'not-found')) throw error;
          });
        }
      } catch (error) {
        if (error instanceof ShareError) throw new DavError(error.code === 'forbidden' ? 403 : 409, undefined, error.message);
        throw error;
      }
      return { status: 200, headers: { 'content-length': '0' } };
    },
  });
}

/** `CS:invite` (the sharees of a folder and their access) and `CS:allowed-sharing-modes`. */
export function sharingProperties(db: Db): PropertyHandler[] {
  const isFolder = (r: Resource): r is NodeResource => isNodeResource(r) && r.isCollection && r.node.parentId !== null;
  return [
    defineProperty({
      name: cs('allowed-sharing-modes'),
      appliesTo: isFolder,
      inAllprop: false,
      get: async () => [el(cs('can-be-shared'))],
    }),
    defineProperty({
      name: cs('invite'),
      appliesTo: isFolder,
      inAllprop: false,
      get: async (r: NodeResource) => {
        const repos = repositories(db);
        const grants = (await repos.grants.forOwner(r.account.id)).filter(
          (g) => g.folderId === r.node.id && (g.granteeKind === 'account' || g.granteeKind === 'group'),
        );
        const users: XmlElement[] = [];
        for (const row of grants) {
          const account = await repos.accounts.findAccount(row.granteeAccountId ?? 0);
          const rights = grantOf(row).rights;
          if (!account || rights.length === 0) continue;
          users.push(
            el(cs('user'), [
              el(dav('href'), [`mailto:${account.email}`]),
              el(cs('common-name'), [account.displayName ?? account.email]),
              el(cs('invite-accepted')),
              el(cs('access'), [el(rights.includes('modify') ? cs('read-write') : cs('read'))]),
            ]),
          );
        }
        return users;
      },
    }),
  ];
}

/** Sharing by DAV: the POST bodies of CalendarServer and WebDAV resource sharing, and their properties. */
export function sharingModule(db: Db, sharing: ShareService, bindings?: SubscriptionBindings): DavModule {
  return {
    name: 'sharing',
    features: ['calendarserver-sharing'],
    properties: [...sharingProperties(db), ...notificationProperties()],
    reports: [],
    methods: [sharingPostMethod(sharing, bindings)],
  };
}
