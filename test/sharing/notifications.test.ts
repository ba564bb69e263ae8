import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** The CalendarServer notification collection (caldav-sharing §4) as Apple Calendar reads it. */
let server: TestServer;
const email = (who: string) => `${who}@notify.test`;
const apple = { 'User-Agent': 'macOS/14.1 (23B74) CalendarAgent/1019', 'Content-Type': 'text/xml' };

beforeAll(async () => {
  server = await startTestServer();
  for (const who of ['jean', 'francois', 'marius']) await server.createUser(email(who));
});
afterAll(async () => {
  await server.stop();
});

async function as(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, { method, headers: { Authorization: server.basic(email(who)), ...apple, ...headers }, ...(body === undefined ? {} : { body }) });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const share = (who: string, access: 'read' | 'read-write') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:set><D:href>mailto:${email(who)}</D:href><CS:summary>Calendar</CS:summary><CS:${access}/></CS:set></CS:share>`;

const notificationsOf = (who: string) => `/webdav/notifications/${email(who)}/`;

const propfindNotifications = `<?xml version="1.0" encoding="UTF-8"?>
<A:propfind xmlns:A="DAV:" xmlns:B="http://calendarserver.org/ns/">
  <A:prop>
    <A:getetag/>
    <A:resourcetype/>
    <B:notificationtype/>
  </A:prop>
</A:propfind>`;

describe('notification collection', () => {
  it('names the collection in CS:notification-URL on the principal and on the home', async () => {
    const body = '<A:propfind xmlns:A="DAV:" xmlns:B="http://calendarserver.org/ns/"><A:prop><B:notification-URL/></A:prop></A:propfind>';
    const principal = await as('francois', 'PROPFIND', `/webdav/principals/${email('francois')}/`, body, { Depth: '0' });
    expect(principal.status).toBe(207);
    expect(principal.text).toContain(`<D:href>${notificationsOf('francois')}</D:href>`);
    const home = await as('francois', 'PROPFIND', `/webdav/${email('francois')}/`, body, { Depth: '0' });
    expect(home.text).toContain(`<D:href>${notificationsOf('francois')}</D:href>`);
  });

  it('is an empty CS:notification collection before any sharing, with a ctag and a sync token', async () => {
    const body = '<A:propfind xmlns:A="DAV:" xmlns:B="http://calendarserver.org/ns/"><A:prop><A:resourcetype/><B:getctag/><A:sync-token/></A:prop></A:propfind>';
    const listing = await as('francois', 'PROPFIND', notificationsOf('francois'), body, { Depth: '1' });
    expect(listing.status).toBe(207);
    expect(listing.text).toMatch(/<D:resourcetype><D:collection\/><CS:notification\/><\/D:resourcetype>/);
    expect(listing.text.match(/<D:response>/g)).toHaveLength(1);
    expect(listing.text).toMatch(/<CS:getctag>http:\/\/partage\.invalid\/ns\/sync\/notifications\/-<\/CS:getctag>/);
  });

  it('receives a CS:invite-notification when a calendar is shared with the account, readable by PROPFIND and GET', async () => {
    const before = await as('francois', 'PROPFIND', notificationsOf('francois'), '<A:propfind xmlns:A="DAV:"><A:prop><A:sync-token/></A:prop></A:propfind>', { Depth: '0' });
    const token = /<D:sync-token>([^<]+)<\/D:sync-token>/.exec(before.text)?.[1] ?? '';
    expect(token).not.toBe('');
    expect((await as('jean', 'POST', `/webdav/${email('jean')}/Calendar/`, share('francois', 'read-write'))).status).toBe(200);

    const listing = await as('francois', 'PROPFIND', notificationsOf('francois'), propfindNotifications, { Depth: '1' });
    expect(listing.status).toBe(207);
    const href = /<D:href>(\/webdav\/notifications\/[^<]+\.xml)<\/D:href>/.exec(listing.text)?.[1] ?? '';
    expect(href).not.toBe('');
    expect(listing.text).toContain('<CS:notificationtype><CS:invite-notification shared-type="calendar"/></CS:notificationtype>');

    const got = await as('francois', 'GET', href);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toContain('xml');
    expect(got.headers.get('etag')).toMatch(/^"/);
    expect(got.text).toMatch(/<CS:notification[ >]/);
    expect(got.text).toMatch(/<CS:dtstamp>\d{8}T\d{6}Z<\/CS:dtstamp>/);
    expect(got.text).toMatch(/<CS:uid>partage-invitation-\d+<\/CS:uid>/);
    expect(got.text).toContain(`<D:href>mailto:${email('francois')}</D:href>`);
    expect(got.text).toContain('<CS:invite-noresponse/>');
    expect(got.text).toContain('<CS:access><CS:read-write/></CS:access>');
    expect(got.text).toContain(`<CS:hosturl><D:href>/webdav/${email('jean')}/Calendar/</D:href></CS:hosturl>`);
    expect(got.text).toContain(`<CS:organizer><D:href>mailto:${email('jean')}</D:href>`);
    expect(got.text).toMatch(/<CS:summary>[^<]+<\/CS:summary>/);

    // The sync token taken before the share reports the new notification.
    const sync = await as(
      'francois',
      'REPORT',
      notificationsOf('francois'),
      `<A:sync-collection xmlns:A="DAV:"><A:sync-token>${token}</A:sync-token><A:sync-level>1</A:sync-level><A:prop><A:getetag/></A:prop></A:sync-collection>`,
    );
    expect(sync.status).toBe(207);
    expect(sync.text).toContain(`<D:href>${href}</D:href>`);
  });

  it('sends no second notification when an existing grant changes', async () => {
    expect((await as('jean', 'POST', `/webdav/${email('jean')}/Calendar/`, share('francois', 'read'))).status).toBe(200);
    const listing = await as('francois', 'PROPFIND', notificationsOf('francois'), propfindNotifications, { Depth: '1' });
    expect(listing.text.match(/<D:response>/g)).toHaveLength(2);
  });

  it('is hidden from every other account (404)', async () => {
    expect((await as('marius', 'PROPFIND', notificationsOf('francois'), propfindNotifications, { Depth: '1' })).status).toBe(404);
    const listing = await as('francois', 'PROPFIND', notificationsOf('francois'), propfindNotifications, { Depth: '1' });
    const href = /<D:href>(\/webdav\/notifications\/[^<]+\.xml)<\/D:href>/.exec(listing.text)?.[1] ?? '';
    expect((await as('marius', 'GET', href)).status).toBe(404);
    expect((await as('marius', 'DELETE', href)).status).toBe(404);
    expect((await as('francois', 'GET', href)).status).toBe(200);
  });

  it('never collides with a user folder named notifications in the home', async () => {
    expect((await as('francois', 'MKCOL', `/webdav/${email('francois')}/notifications/`)).status).toBe(201);
    const listing = await as('francois', 'PROPFIND', notificationsOf('francois'), propfindNotifications, { Depth: '1' });
    expect(listing.text.match(/<D:response>/g)).toHaveLength(2);
  });

  it('dismisses a notification on DELETE: the invitation is declined, the grant stays, the ctag changes', async () => {
    const ctagBody = '<A:propfind xmlns:A="DAV:" xmlns:B="http://calendarserver.org/ns/"><A:prop><B:getctag/></A:prop></A:propfind>';
    const ctagBefore = /<CS:getctag>([^<]+)</.exec((await as('francois', 'PROPFIND', notificationsOf('francois'), ctagBody, { Depth: '0' })).text)?.[1];
    const listing = await as('francois', 'PROPFIND', notificationsOf('francois'), propfindNotifications, { Depth: '1' });
    const href = /<D:href>(\/webdav\/notifications\/[^<]+\.xml)<\/D:href>/.exec(listing.text)?.[1] ?? '';
    expect((await as('francois', 'DELETE', href)).status).toBe(204);
    expect((await as('francois', 'GET', href)).status).toBe(404);
    const ctagAfter = /<CS:getctag>([^<]+)</.exec((await as('francois', 'PROPFIND', notificationsOf('francois'), ctagBody, { Depth: '0' })).text)?.[1];
    expect(ctagAfter).not.toBe(ctagBefore);
    expect(JSON.parse((await as('francois', 'GET', '/api/v1/invitations')).text)).toEqual([]);
    expect((await as('francois', 'PROPFIND', `/webdav/${email('jean')}/Calendar/`, undefined, { Depth: '0' })).status).toBe(207);
  });

  it('drops the notification when the grant is revoked before any answer', async () => {
    expect((await as('jean', 'POST', `/webdav/${email('jean')}/Calendar/`, share('marius', 'read'))).status).toBe(200);
    let listing = await as('marius', 'PROPFIND', notificationsOf('marius'), propfindNotifications, { Depth: '1' });
    expect(listing.text.match(/<D:response>/g)).toHaveLength(2);
    const remove = `<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:remove><D:href>mailto:${email('marius')}</D:href></CS:remove></CS:share>`;
    expect((await as('jean', 'POST', `/webdav/${email('jean')}/Calendar/`, remove)).status).toBe(200);
    listing = await as('marius', 'PROPFIND', notificationsOf('marius'), propfindNotifications, { Depth: '1' });
    expect(listing.text.match(/<D:response>/g)).toHaveLength(1);
  });

  it('refuses a sync token it did not issue with valid-sync-token', async () => {
    const sync = await as(
      'francois',
      'REPORT',
      notificationsOf('francois'),
      '<A:sync-collection xmlns:A="DAV:"><A:sync-token>http://partage.invalid/ns/sync/notifications/x</A:sync-token><A:sync-level>1</A:sync-level><A:prop><A:getetag/></A:prop></A:sync-collection>',
    );
    expect(sync.status).toBe(403);
    expect(sync.text).toContain('valid-sync-token');
  });
});
