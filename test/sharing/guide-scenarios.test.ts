import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** The worked examples of the sharing guide (reference/icewarp-guide-de-partage-v12.txt), through REST and DAV. */
let server: TestServer;
const people = ['jean', 'francois', 'marius', 'isalie', 'secretariat', 'direction'] as const;
const email = (who: string) => `${who}@iw.fr`;

beforeAll(async () => {
  server = await startTestServer();
  for (const who of people) await server.createUser(email(who));
  await server.createUser('root@iw.fr', 'root password 1', { isAdmin: true });
});
afterAll(async () => {
  await server.stop();
});

async function as(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const authorization = who === 'root' ? server.basic('root@iw.fr', 'root password 1') : server.basic(email(who));
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: authorization, ...(body !== undefined && path.startsWith('/api/') ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

const grant = (owner: string, by: string, folder: string | null, grantee: string, rights: string[]) =>
  as(by, 'PUT', `/api/v1/accounts/${email(owner)}/grants`, JSON.stringify({ folder, grantee, rights }));
const event = (uid: string, summary: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//guide//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261201T000000Z', 'DTSTART:20261215T090000Z', 'DTEND:20261215T100000Z', `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const putEvent = (who: string, owner: string, uid: string, summary: string) =>
  as(who, 'PUT', `/webdav/${email(owner)}/Calendar/${uid}.ics`, event(uid, summary), { 'Content-Type': 'text/calendar' });
const listing = async (who: string, path: string) => {
  const response = await as(who, 'PROPFIND', path, undefined, { Depth: '1' });
  return [...response.text.matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]);
};

describe('Jean shares his calendar with François', () => {
  it('grants read only; François gets an invitation and subscribes', async () => {
    expect((await grant('jean', 'jean', 'Calendar', email('francois'), ['read'])).status).toBe(201);
    const invitations = JSON.parse((await as('francois', 'GET', '/api/v1/invitations')).text) as { id: number; owner: string; folder: string; rights: string[] }[];
    expect(invitations).toEqual([expect.objectContaining({ owner: email('jean'), folder: 'Calendar', rights: ['read'] })]);
    const id = invitations[0]?.id ?? 0;
    expect((await as('francois', 'POST', `/api/v1/invitations/${id}/subscribe`, JSON.stringify({ scope: 'folder' }))).status).toBe(204);
    expect(JSON.parse((await as('francois', 'GET', '/api/v1/invitations')).text)).toEqual([]);
  });

  it('lets François read the calendar, not write it, and refuses with need-privileges', async () => {
    await putEvent('jean', 'jean', 'rv1', 'Rendez-vous de Jean');
    expect((await as('francois', 'GET', '/webdav/jean@iw.fr/Calendar/rv1.ics')).status).toBe(200);
    const refused = await putEvent('francois', 'jean', 'rv2', 'intrusion');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('need-privileges');
    expect(refused.text).toContain('<D:href>/webdav/jean@iw.fr/Calendar/</D:href>');
    expect(refused.text).toContain('<D:bind/>');
    expect((await as('jean', 'GET', '/webdav/jean@iw.fr/Calendar/rv2.ics')).status).toBe(404);
    const edit = await putEvent('francois', 'jean', 'rv1', 'changed');
    expect(edit.status).toBe(403);
    expect((await as('jean', 'GET', '/webdav/jean@iw.fr/Calendar/rv1.ics')).text).toContain('Rendez-vous de Jean');
  });

  it("shows François only the shared folder in Jean's home, 403 on the others, and nothing to Marius", async () => {
    expect(await listing('francois', '/webdav/jean@iw.fr/')).toEqual(['/webdav/jean@iw.fr/', '/webdav/jean@iw.fr/Calendar/']);
    expect((await as('francois', 'PROPFIND', '/webdav/jean@iw.fr/Documents/', undefined, { Depth: '0' })).status).toBe(403);
    expect((await as('marius', 'PROPFIND', '/webdav/jean@iw.fr/', undefined, { Depth: '0' })).status).toBe(404);
    expect((await as('marius', 'PROPFIND', '/webdav/jean@iw.fr/Calendar/', undefined, { Depth: '0' })).status).toBe(404);
  });

  it("binds the subscribed calendar in François's home, found at Depth 1 with the owner in its name", async () => {
    const response = await as('francois', 'PROPFIND', '/webdav/francois@iw.fr/', '<D:propfind xmlns:D="DAV:"><D:prop><D:displayname/><D:resourcetype/></D:prop></D:propfind>', { Depth: '1' });
    expect(response.text).toContain('<D:href>/webdav/francois@iw.fr/jean@iw.fr~Calendar/</D:href>');
    expect(response.text).toContain('<D:displayname>Calendar (jean@iw.fr)</D:displayname>');
    expect((await as('francois', 'GET', '/webdav/francois@iw.fr/jean@iw.fr~Calendar/rv1.ics')).text).toContain('Rendez-vous de Jean');
    expect((await as('francois', 'PUT', '/webdav/francois@iw.fr/jean@iw.fr~Calendar/x.ics', event('x', 'x'), { 'Content-Type': 'text/calendar' })).status).toBe(403);
    const query = '<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>';
    const found = await as('francois', 'REPORT', '/webdav/francois@iw.fr/jean@iw.fr~Calendar/', query, { Depth: '1' });
    expect(found.text).toContain('<D:href>/webdav/francois@iw.fr/jean@iw.fr~Calendar/rv1.ics</D:href>');
    expect((await as('jean', 'PROPFIND', '/webdav/francois@iw.fr/jean@iw.fr~Calendar/', undefined, { Depth: '0' })).status).toBe(404);
  });

  it('lets François write once Jean grants read and write, without a new invitation', async () => {
    expect((await grant('jean', 'jean', 'Calendar', email('francois'), ['read', 'create', 'modify', 'delete'])).status).toBe(200);
    expect(JSON.parse((await as('francois', 'GET', '/api/v1/invitations')).text)).toEqual([]);
    expect((await putEvent('francois', 'jean', 'rv3', 'by François')).status).toBe(201);
    const privileges = await as('francois', 'PROPFIND', '/webdav/jean@iw.fr/Calendar/', '<D:propfind xmlns:D="DAV:"><D:prop><D:current-user-privilege-set/></D:prop></D:propfind>', { Depth: '0' });
    expect(privileges.text).toContain('<D:write/>');
    expect(privileges.text).not.toContain('<D:write-acl/>');
  });

  it('unsubscribes when François deletes the binding; the calendar stays, and he can subscribe again', async () => {
    expect((await as('francois', 'DELETE', '/webdav/francois@iw.fr/jean@iw.fr~Calendar/')).status).toBe(204);
    expect((await listing('francois', '/webdav/francois@iw.fr/')).some((h) => h?.includes('~'))).toBe(false);
    expect((await as('jean', 'GET', '/webdav/jean@iw.fr/Calendar/rv1.ics')).status).toBe(200);
    expect((await as('francois', 'POST', '/api/v1/subscriptions', JSON.stringify({ owner: email('jean'), folder: 'Calendar' }))).status).toBe(204);
    expect(await listing('francois', '/webdav/francois@iw.fr/')).toContain('/webdav/francois@iw.fr/jean@iw.fr~Calendar/');
  });

  it('lists and revokes the grant', async () => {
    const grants = JSON.parse((await as('jean', 'GET', '/api/v1/accounts/jean@iw.fr/grants')).text) as unknown[];
    expect(grants).toEqual([{ folder: 'Calendar', grantee: email('francois'), rights: ['read', 'create', 'modify', 'delete'] }]);
    expect((await as('francois', 'GET', '/api/v1/accounts/jean@iw.fr/grants')).status).toBe(403);
    const removed = await as('jean', 'DELETE', `/api/v1/accounts/jean@iw.fr/grants?folder=Calendar&grantee=${email('francois')}`);
    expect(removed.status).toBe(204);
    expect((await as('francois', 'GET', '/webdav/jean@iw.fr/Calendar/rv1.ics')).status).toBe(404);
  });
});

describe('the secretariat and the direction', () => {
  beforeAll(async () => {
    await grant('direction', 'direction', 'Calendar', email('secretariat'), ['read', 'create', 'modify', 'delete', 'admin']);
    await grant('isalie', 'isalie', 'Calendar', email('secretariat'), ['read']);
  });

  it('the secretariat creates RV22 in the direction calendar, which the direction sees', async () => {
    expect((await putEvent('secretariat', 'direction', 'rv22', 'RV22')).status).toBe(201);
    expect((await as('direction', 'GET', '/webdav/direction@iw.fr/Calendar/rv22.ics')).text).toContain('SUMMARY:RV22');
  });

  it("Isalie's RV23 is visible to the secretariat but not modifiable", async () => {
    await putEvent('isalie', 'isalie', 'rv23', 'RV23');
    expect((await as('secretariat', 'GET', '/webdav/isalie@iw.fr/Calendar/rv23.ics')).status).toBe(200);
    expect((await putEvent('secretariat', 'isalie', 'rv23', 'changed')).status).toBe(403);
    expect((await as('secretariat', 'DELETE', '/webdav/isalie@iw.fr/Calendar/rv23.ics')).status).toBe(403);
  });

  it('with admin on the calendar, the secretariat may share it further', async () => {
    expect((await grant('direction', 'secretariat', 'Calendar', email('marius'), ['read'])).status).toBe(201);
    expect((await as('marius', 'GET', '/webdav/direction@iw.fr/Calendar/rv22.ics')).status).toBe(200);
    expect((await grant('isalie', 'secretariat', 'Calendar', email('marius'), ['read'])).status).toBe(403);
  });
});

describe('a public group calendar', () => {
  beforeAll(async () => {
    const created = await as('root', 'POST', '/api/v1/accounts', JSON.stringify({ email: 'commun@iw.fr', kind: 'group', publicFolder: true, members: [email('direction'), email('isalie'), email('secretariat')] }));
    expect(created.status).toBe(201);
    await grant('commun', 'root', 'Calendar', email('secretariat'), ['read', 'create', 'modify', 'delete']);
  });

  it('only the secretariat modifies it (RV25), every member sees it, others do not', async () => {
    expect((await putEvent('secretariat', 'commun', 'rv25', 'RV25')).status).toBe(201);
    expect((await as('direction', 'GET', '/webdav/commun@iw.fr/Calendar/rv25.ics')).text).toContain('RV25');
    expect((await putEvent('direction', 'commun', 'rv26', 'no')).status).toBe(403);
    expect((await as('jean', 'GET', '/webdav/commun@iw.fr/Calendar/rv25.ics')).status).toBe(404);
  });
});

describe('domain-wide grants', () => {
  it('a domain grant reaches every account of the domain; the account grant wins over it', async () => {
    expect((await grant('marius', 'marius', 'Documents', '@iw.fr', ['read'])).status).toBe(201);
    expect((await grant('marius', 'marius', 'Documents', email('jean'), ['read', 'create'])).status).toBe(201);
    expect((await as('jean', 'PUT', '/webdav/marius@iw.fr/Documents/jean.txt', 'hello')).status).toBe(201);
    expect((await as('isalie', 'GET', '/webdav/marius@iw.fr/Documents/jean.txt')).status).toBe(200);
    expect((await as('isalie', 'PUT', '/webdav/marius@iw.fr/Documents/isalie.txt', 'no')).status).toBe(403);
  });

  it('shows a subscribed files folder under the shared prefix', async () => {
    expect((await as('jean', 'POST', '/api/v1/subscriptions', JSON.stringify({ owner: email('marius'), folder: 'Documents' }))).status).toBe(204);
    expect(await listing('jean', '/webdav/jean@iw.fr/')).toContain('/webdav/jean@iw.fr/Shared/');
    expect(await listing('jean', '/webdav/jean@iw.fr/Shared/accounts/')).toContain('/webdav/jean@iw.fr/Shared/accounts/marius@iw.fr/');
    expect((await as('jean', 'GET', '/webdav/jean@iw.fr/Shared/accounts/marius@iw.fr/Documents/jean.txt')).text).toBe('hello');
    expect((await as('jean', 'PUT', '/webdav/jean@iw.fr/Shared/accounts/marius@iw.fr/Documents/via-binding.txt', 'bound')).status).toBe(201);
    expect((await as('marius', 'GET', '/webdav/marius@iw.fr/Documents/via-binding.txt')).text).toBe('bound');
  });

  it('follows the owner\'s folders in a whole-account subscription', async () => {
    await grant('isalie', 'isalie', null, email('jean'), ['read']);
    expect((await as('jean', 'POST', '/api/v1/subscriptions', JSON.stringify({ owner: email('isalie'), folder: null }))).status).toBe(204);
    const before = await listing('jean', '/webdav/jean@iw.fr/');
    expect(before).toContain('/webdav/jean@iw.fr/isalie@iw.fr~Calendar/');
    expect((await as('isalie', 'MKCALENDAR', '/webdav/isalie@iw.fr/Projets/')).status).toBe(201);
    expect(await listing('jean', '/webdav/jean@iw.fr/')).toContain('/webdav/jean@iw.fr/isalie@iw.fr~Projets/');
  });
});
