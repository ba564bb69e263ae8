import { Readable } from 'node:stream';
import { dav, el, writeXml, type XmlElement } from '@partage/dav-xml';
import {
  davConditions,
  defineProperty,
  hrefOf,
  makeResource,
  type ChangeSet,
  type DavPath,
  type PropertyHandler,
  type Resource,
} from '@partage/dav-core';
import { isNodeResource, type NodeResource } from '@partage/files';
import { repositories, type AccountRow, type Db, type InvitationRow } from '@partage/storage';
import { isRight, type Right } from './rights.js';

/** A name in the CalendarServer namespace (caldav-sharing, caldav-notifications). */
export const calendarServer = (local: string) => `{http://calendarserver.org/ns/}${local}` as const;
const cs = calendarServer;

/**
 * The second segment of the notification collections' URLs: `/webdav/notifications/<email>/`.
 * Emails hold `@` and this name does not, so it never collides with an account home, and
 * being outside every home it never collides with a user's folder (ADR 0012).
 */
export const notificationsSegment = 'notifications';

/** The path of an account's notification collection. */
export const notificationsPath = (email: string): DavPath => ['webdav', notificationsSegment, email];

/** `/webdav/notifications/<email>/`, the value of `CS:notification-URL`. */
export const notificationsHref = (email: string): string => hrefOf(notificationsPath(email), true);

/** The notification collection of an account (caldav-notifications §3, `CS:notification` resourcetype). */
export interface NotificationCollectionResource extends Resource {
  readonly kind: 'notifications';
  readonly account: AccountRow;
}

/** One `CS:invite-notification`, derived from a pending invitation (SPEC §5); not stored twice. */
export interface NotificationResource extends Resource {
  readonly kind: 'notification';
  readonly account: AccountRow;
  readonly invitation: InvitationRow;
  /** The attributes of the notification element (`shared-type`), repeated in `CS:notificationtype`. */
  readonly notificationAttributes: Readonly<Record<string, string>>;
}

export const isNotificationCollection = (r: Resource): r is NotificationCollectionResource => r.kind === 'notifications';
export const isNotification = (r: Resource): r is NotificationResource => r.kind === 'notification';

/** The account a notification resource belongs to, for the authorizer: only it (and administrators) may reach it. */
export const notificationAccountOf = (r: Resource): AccountRow | undefined =>
  isNotificationCollection(r) || isNotification(r) ? r.account : undefined;

/** `CS:uid` of the notification of an invitation; `CS:in-reply-to` of an `invite-reply` carries it back. */
export const invitationUid = (id: number): string => `partage-invitation-${id}`;

/** The invitation id named by a `CS:uid`, or undefined. */
export function invitationIdOf(uid: string): number | undefined {
  const match = /^partage-invitation-(\d{1,9})$/.exec(uid.trim());
  return match ? Number(match[1]) : undefined;
}

const syncTokenPrefix = 'http://partage.invalid/ns/sync/notifications/';

/**
 * The sync token of a notification collection lists the ids of its pending invitations:
 * notifications never change once made, so the difference of two such sets is exactly
 * what was added and removed (RFC 6578 §3.2), with no change log to keep.
 */
const tokenOf = (ids: readonly number[]): string => `${syncTokenPrefix}${ids.length === 0 ? '-' : ids.join('.')}`;

function idsOfToken(token: string): Set<number> | undefined {
  if (!token.startsWith(syncTokenPrefix)) return undefined;
  const rest = token.slice(syncTokenPrefix.length);
  if (rest === '-') return new Set();
  if (!/^\d{1,12}(\.\d{1,12})*$/.test(rest)) return undefined;
  return new Set(rest.split('.').map(Number));
}

const rightsOf = (text: string): Right[] => (text === '' ? [] : text.split(',').filter(isRight));

/**
 * The notification collections of accounts: each lists one `CS:invite-notification` per
 * pending invitation of the account (SPEC §5, CalendarServer caldav-sharing §4). GET
 * serves the notification document; DELETE dismisses it, which declines the invitation
 * (the grant stays).
 */
export class NotificationTree {
  constructor(
    private readonly db: Db,
    private readonly principalHref: (email: string) => string,
  ) {}

  /** The resource at `segments` below `/webdav/notifications/`, or undefined. */
  async resolve(segments: DavPath): Promise<Resource | undefined> {
    const [email, name, ...rest] = segments;
    if (email === undefined || rest.length > 0) return undefined;
    const account = await repositories(this.db).accounts.findAccountByEmail(email);
    if (!account) return undefined;
    if (name === undefined) return this.collection(account);
    const id = /^(\d{1,9})\.xml$/.exec(name)?.[1];
    if (id === undefined) return undefined;
    const invitation = await repositories(this.db).grants.invitation(Number(id));
    if (invitation?.shareeId !== account.id || invitation.status !== 'pending') return undefined;
    return this.notification(account, invitation);
  }

  private async pending(account: AccountRow): Promise<InvitationRow[]> {
    return repositories(this.db).grants.pendingInvitations(account.id);
  }

  private collection(account: AccountRow): NotificationCollectionResource {
    const path = notificationsPath(account.email);
    const base = makeResource({
      kind: 'notifications',
      path,
      isCollection: true,
      resourceTypes: [cs('notification')],
      displayName: 'Notifications',
      ownerHref: this.principalHref(account.email),
      ops: {
        children: async () => Promise.all((await this.pending(account)).map((i) => this.notification(account, i))),
        syncToken: async () => tokenOf((await this.pending(account)).map((i) => i.id)),
        changes: async (token, limit): Promise<ChangeSet> => {
          const rows = await this.pending(account);
          const before = token === undefined ? new Set<number>() : idsOfToken(token);
          if (!before) throw davConditions.validSyncToken();
          const added = rows.filter((r) => !before.has(r.id));
          const now = new Set(rows.map((r) => r.id));
          const removed = [...before].filter((id) => !now.has(id)).map((id) => [...path, `${id}.xml`]);
          const truncated = limit !== undefined && added.length > limit;
          const shown = truncated ? added.slice(0, limit) : added;
          // A truncated answer's token holds what was reported plus what the client already had.
          const reported = truncated ? [...rows.filter((r) => before.has(r.id)), ...shown].map((r) => r.id).sort((a, b) => a - b) : [...now];
          return {
            syncToken: tokenOf(reported),
            changed: await Promise.all(shown.map((i) => this.notification(account, i))),
            removed: truncated ? [] : removed,
            truncated,
          };
        },
      },
    });
    return { ...base, kind: 'notifications', account };
  }

  private async notification(account: AccountRow, invitation: InvitationRow): Promise<NotificationResource> {
    const { document, attributes } = await this.document(account, invitation);
    const body = Buffer.from(writeXml(document, { declaration: true }), 'utf8');
    const base = makeResource({
      kind: 'notification',
      path: [...notificationsPath(account.email), `${invitation.id}.xml`],
      isCollection: false,
      etag: `"invitation-${invitation.id}"`,
      contentType: 'application/xml; charset=utf-8',
      contentLength: body.length,
      createdAt: invitation.createdAt,
      lastModified: invitation.createdAt,
      ownerHref: this.principalHref(account.email),
      ops: {
        read: async (range) => Readable.from([range ? body.subarray(range.start, range.end + 1) : body]),
        delete: async () => {
          await repositories(this.db).grants.setInvitationStatus(invitation.id, 'declined');
        },
      },
    });
    return { ...base, kind: 'notification', account, invitation, notificationAttributes: attributes };
  }

  /** The `CS:notification` document of an invitation (caldav-sharing §5.4, `CS:invite-notification`). */
  private async document(account: AccountRow, invitation: InvitationRow): Promise<{ document: XmlElement; attributes: Record<string, string> }> {
    const repos = repositories(this.db);
    const owner = await repos.accounts.findAccount(invitation.ownerId);
    const ownerEmail = owner?.email ?? '';
    const folder = invitation.folderId === null ? undefined : await repos.nodes.byId(invitation.folderId);
    const below = folder ? await repos.nodes.pathBelowHome(folder.id) : [];
    const attributes: Record<string, string> =
      folder?.folderKind === 'calendar' ? { 'shared-type': 'calendar' } : folder?.folderKind === 'contacts' ? { 'shared-type': 'addressbook' } : {};
    const rights = rightsOf(invitation.rights);
    const name = folder ? (folder.displayName ?? folder.name) : (owner?.displayName ?? ownerEmail);
    const notification = el(cs('invite-notification'), [
      el(cs('uid'), [invitationUid(invitation.id)]),
      el(dav('href'), [`mailto:${account.email}`]),
      el(cs('invite-noresponse')),
      el(cs('access'), [el(rights.includes('modify') ? cs('read-write') : cs('read'))]),
      el(cs('hosturl'), [el(dav('href'), [hrefOf(['webdav', ownerEmail, ...below], true)])]),
      el(cs('organizer'), [el(dav('href'), [`mailto:${ownerEmail}`]), el(cs('common-name'), [owner?.displayName ?? ownerEmail])]),
      el(cs('summary'), [name]),
    ], attributes);
    return { document: el(cs('notification'), [el(cs('dtstamp'), [dtstamp(invitation.createdAt)]), notification]), attributes };
  }
}

const dtstamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Properties of notification collections and notifications, and `CS:notification-URL` on homes. */
export function notificationProperties(): PropertyHandler[] {
  const isHome = (r: Resource): r is NodeResource => isNodeResource(r) && r.node.parentId === null;
  return [
    defineProperty({
      name: cs('notification-URL'),
      appliesTo: isHome,
      inAllprop: false,
      get: async (r: NodeResource) => el(dav('href'), [notificationsHref(r.account.email)]),
    }),
    defineProperty({
      name: cs('notificationtype'),
      appliesTo: isNotification,
      inAllprop: false,
      get: async (r: NotificationResource) => el(cs('invite-notification'), [], { ...r.notificationAttributes }),
    }),
    defineProperty({
      name: cs('getctag'),
      appliesTo: isNotificationCollection,
      inAllprop: false,
      get: async (r: NotificationCollectionResource) => r.ops.syncToken?.(),
    }),
  ];
}
