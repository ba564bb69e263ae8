import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** `CS:invite-reply` (caldav-sharing §5.5) as Apple Calendar posts it to the sharee's calendar home. */
let server: TestServer;
const email = (who: string) => `${who}@reply.test`;
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
  return { status: response.status, text: await response.text() };
}

const home = (who: string) => `/webdav/${email(who)}/`;

async function share(folder: string, who: string): Promise<void> {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:set><D:href>mailto:${email(who)}</D:href><CS:summary>${folder}</CS:summary><CS:read-write/></CS:set></CS:share>`;
  expect((await as('jean', 'POST', `${home('jean')}${folder}/`, body)).status).toBe(200);
}

/** The uid of the sharee's only notification, read as Apple does (PROPFIND Depth 1, then GET). */
async function notificationUid(who: string): Promise<{ uid: string; href: string }> {
  const listing = await as(who, 'PROPFIND', `/webdav/notifications/${email(who)}/`, '<A:propfind xmlns:A="DAV:" xmlns:B="http://calendarserver.org/ns/"><A:prop><B:notificationtype/></A:prop></A:propfind>', { Depth: '1' });
  const href = /<D:href>(\/webdav\/notifications\/[^<]+\.xml)<\/D:href>/.exec(listing.text)?.[1] ?? '';
  const got = await as(who, 'GET', href);
  return { uid: /<CS:uid>([^<]+)<\/CS:uid>/.exec(got.text)?.[1] ?? '', href };
}

const reply = (who: string, answer: 'invite-accepted' | 'invite-declined', hosturl: string, uid: string) => `<?xml version="1.0" encoding="UTF-8"?>
<A:invite-reply xmlns:A="http://calendarserver.org/ns/">
  <B:href xmlns:B="DAV:">mailto:${email(who)}</B:href>
  <A:${answer}/>
  <A:hosturl>
    <B:href xmlns:B="DAV:">${hosturl}</B:href>
  </A:hosturl>
  <A:in-reply-to>${uid}</A:in-reply-to>
  <A:summary>Agenda de Jean</A:summary>
</A:invite-reply>
`;

const homeListing = '<A:propfind xmlns:A="DAV:"><A:prop><A:resourcetype/><A:displayname/></A:prop></A:propfind>';

describe('CS:invite-reply', () => {
  it('accepts: subscribes, answers CS:shared-as with the binding, which appears in the home at depth 1 as CS:shared', async () => {
    await share('Calendar', 'francois');
    const { uid, href } = await notificationUid('francois');
    expect(uid).toMatch(/^partage-invitation-\d+$/);
    const answered = await as('francois', 'POST', home('francois'), reply('francois', 'invite-accepted', `${home('jean')}Calendar/`, uid));
    expect(answered.status).toBe(200);
    const bindingHref = `${home('francois')}${encodeURIComponent(`${email('jean')}~Calendar`).replace(/%40/g, '@')}/`;
    expect(answered.text).toMatch(/^<\?xml[^>]*>\s*<CS:shared-as [^>]*>/);
    expect(answered.text).toContain(`<D:href>${bindingHref}</D:href></CS:shared-as>`);

    const listing = await as('francois', 'PROPFIND', home('francois'), homeListing, { Depth: '1' });
    const response = listing.text.split('<D:response>').find((r) => r.includes(`<D:href>${bindingHref}</D:href>`)) ?? '';
    expect(response).toContain('<CS:shared/>');
    expect(response).toContain('<C:calendar/>');
    expect(response).toContain(`<D:displayname>Calendar (${email('jean')})</D:displayname>`);
    // The notification is answered, so it is gone.
    expect((await as('francois', 'GET', href)).status).toBe(404);
    // The sharee reads the shared folder's CS:invite through the binding.
    const invite = await as('francois', 'PROPFIND', bindingHref, '<A:propfind xmlns:A="DAV:" xmlns:B="http://calendarserver.org/ns/"><A:prop><B:invite/></A:prop></A:propfind>', { Depth: '0' });
    expect(invite.text).toContain(`<D:href>mailto:${email('francois')}</D:href>`);
  });

  it('marks the shared folder CS:shared-owner in the sharer\'s home, and only there', async () => {
    const listing = await as('jean', 'PROPFIND', home('jean'), homeListing, { Depth: '1' });
    const calendar = listing.text.split('<D:response>').find((r) => r.includes(`<D:href>${home('jean')}Calendar/</D:href>`)) ?? '';
    expect(calendar).toContain('<CS:shared-owner/>');
    const tasks = listing.text.split('<D:response>').find((r) => r.includes(`<D:href>${home('jean')}Tasks/</D:href>`)) ?? '';
    expect(tasks).toContain('<D:resourcetype>');
    expect(tasks).not.toContain('shared-owner');
    const direct = await as('jean', 'PROPFIND', `${home('jean')}Calendar/`, homeListing, { Depth: '0' });
    expect(direct.text).toContain('<CS:shared-owner/>');
  });

  it('follows a share and its removal with CS:shared-owner, asked before and after each (the grants are cached until they change)', async () => {
    const contactsMark = async () => {
      const listing = await as('jean', 'PROPFIND', home('jean'), homeListing, { Depth: '1' });
      expect(listing.status).toBe(207);
      const folder = listing.text.split('<D:response>').find((r) => r.includes(`<D:href>${home('jean')}Contacts/</D:href>`)) ?? '';
      expect(folder).toContain('<D:resourcetype>');
      const direct = await as('jean', 'PROPFIND', `${home('jean')}Contacts/`, homeListing, { Depth: '0' });
      return [folder.includes('<CS:shared-owner/>'), direct.text.includes('<CS:shared-owner/>')];
    };
    expect(await contactsMark()).toEqual([false, false]);
    await share('Contacts', 'marius');
    expect(await contactsMark()).toEqual([true, true]);
    const remove = `<?xml version="1.0" encoding="UTF-8"?>\n<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:remove><D:href>mailto:${email('marius')}</D:href></CS:remove></CS:share>`;
    expect((await as('jean', 'POST', `${home('jean')}Contacts/`, remove)).status).toBe(200);
    expect(await contactsMark()).toEqual([false, false]);
  });

  it('declines: the invitation goes, nothing is bound, the grant stays', async () => {
    await share('Tasks', 'marius');
    const { uid } = await notificationUid('marius');
    const answered = await as('marius', 'POST', home('marius'), reply('marius', 'invite-declined', `${home('jean')}Tasks/`, uid));
    expect(answered.status).toBe(200);
    expect(JSON.parse((await as('marius', 'GET', '/api/v1/invitations')).text)).toEqual([]);
    const listing = await as('marius', 'PROPFIND', home('marius'), homeListing, { Depth: '1' });
    expect(listing.text).not.toContain('~Tasks');
    expect((await as('marius', 'PROPFIND', `${home('jean')}Tasks/`, homeListing, { Depth: '0' })).status).toBe(207);
    // Answering again is refused: the invitation is no longer pending.
    expect((await as('marius', 'POST', home('marius'), reply('marius', 'invite-accepted', `${home('jean')}Tasks/`, uid))).status).toBe(403);
  });

  it('refuses a reply to an unknown invitation, a reply without an answer, and a reply in another account\'s home', async () => {
    expect((await as('marius', 'POST', home('marius'), reply('marius', 'invite-accepted', '/x/', 'partage-invitation-999999'))).status).toBe(403);
    expect((await as('marius', 'POST', home('marius'), reply('marius', 'invite-accepted', '/x/', 'not-ours'))).status).toBe(400);
    const noAnswer = `<A:invite-reply xmlns:A="http://calendarserver.org/ns/"><A:in-reply-to>partage-invitation-1</A:in-reply-to></A:invite-reply>`;
    expect((await as('marius', 'POST', home('marius'), noAnswer)).status).toBe(400);
    expect((await as('marius', 'POST', home('marius'), '<A:invite-reply xmlns:A="http://calendarserver.org/ns/">')).status).toBe(400);
    expect((await as('marius', 'POST', home('francois'), reply('francois', 'invite-accepted', '/x/', 'partage-invitation-1'))).status).toBe(404);
    // An invitation of francois answered by marius in his own home: not his.
    await share('Notes', 'francois');
    const { uid } = await notificationUid('francois');
    expect((await as('marius', 'POST', home('marius'), reply('marius', 'invite-accepted', '/x/', uid))).status).toBe(403);
    expect((await notificationUid('francois')).uid).toBe(uid);
    // A share body on a home is not a share of a folder.
    const shareBody = `<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:set><D:href>mailto:${email('jean')}</D:href><CS:read/></CS:set></CS:share>`;
    expect((await as('marius', 'POST', home('marius'), shareBody)).status).toBe(403);
  });
});
