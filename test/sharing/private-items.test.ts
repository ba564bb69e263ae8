import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
const email = (who: string) => `${who}@prive.test`;
const calendar = `/webdav/${email('jean')}/Calendar`;

beforeAll(async () => {
  server = await startTestServer();
  for (const who of ['jean', 'francois', 'secretariat']) await server.createUser(email(who));
  const grant = (grantee: string, rights: string[]) =>
    fetch(`${server.url}/api/v1/accounts/${email('jean')}/grants`, {
      method: 'PUT',
      headers: { Authorization: server.basic(email('jean')), 'Content-Type': 'application/json' },
      body: JSON.stringify({ folder: 'Calendar', grantee: email(grantee), rights }),
    });
  await grant('francois', ['read', 'create', 'modify', 'delete']);
  await grant('secretariat', ['read', 'create', 'modify', 'delete', 'admin']);
});
afterAll(async () => {
  await server.stop();
});

async function as(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, { method, headers: { Authorization: server.basic(email(who)), ...headers }, ...(body === undefined ? {} : { body }) });
  return { status: response.status, text: await response.text() };
}
const ics = (uid: string, classification: string, summary: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261101T000000Z', 'DTSTART:20261210T100000Z', 'DTEND:20261210T110000Z', `CLASS:${classification}`, `SUMMARY:${summary}`, 'DESCRIPTION:details', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const put = (who: string, uid: string, classification: string, summary: string, headers: Record<string, string> = {}) =>
  as(who, 'PUT', `${calendar}/${uid}.ics`, ics(uid, classification, summary), { 'Content-Type': 'text/calendar', ...headers });
const syncBody = (token: string) =>
  `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;
const tokenOf = (text: string) => /<D:sync-token>([^<]+)</.exec(text)?.[1] ?? '';
const queryAll = '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>';

describe('private and confidential items (SPEC §4)', () => {
  beforeAll(async () => {
    await put('jean', 'public', 'PUBLIC', 'Réunion');
    await put('jean', 'private', 'PRIVATE', 'Médecin');
    await put('jean', 'confidential', 'CONFIDENTIAL', 'Entretien');
  });

  it('hides a private item from a sharee everywhere, and shows it to the owner and to admin holders', async () => {
    expect((await as('francois', 'GET', `${calendar}/private.ics`)).status).toBe(404);
    const listing = await as('francois', 'PROPFIND', `${calendar}/`, undefined, { Depth: '1' });
    expect(listing.text).not.toContain('private.ics');
    expect((await as('francois', 'REPORT', `${calendar}/`, queryAll, { Depth: '1' })).text).not.toContain('Médecin');
    const multiget = `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop><D:href>${calendar}/private.ics</D:href></C:calendar-multiget>`;
    expect((await as('francois', 'REPORT', `${calendar}/`, multiget)).text).not.toContain('Médecin');
    expect((await as('francois', 'REPORT', `${calendar}/`, syncBody(''))).text).not.toContain('private.ics');
    expect((await as('secretariat', 'GET', `${calendar}/private.ics`)).text).toContain('Médecin');
    expect((await as('jean', 'GET', `${calendar}/private.ics`)).text).toContain('Médecin');
    expect((await put('francois', 'private', 'PUBLIC', 'overwrite')).status).toBe(404);
  });

  it('shows a confidential item reduced, and refuses to change or delete it', async () => {
    const got = await as('francois', 'GET', `${calendar}/confidential.ics`);
    expect(got.status).toBe(200);
    expect(got.text).toContain('SUMMARY:Busy');
    expect(got.text).not.toContain('Entretien');
    expect(got.text).not.toContain('details');
    const queried = await as('francois', 'REPORT', `${calendar}/`, queryAll, { Depth: '1' });
    expect(queried.text).toContain('SUMMARY:Busy');
    expect(queried.text).not.toContain('Entretien');
    expect((await put('francois', 'confidential', 'CONFIDENTIAL', 'changed')).status).toBe(403);
    expect((await as('francois', 'DELETE', `${calendar}/confidential.ics`)).status).toBe(403);
    expect((await as('secretariat', 'GET', `${calendar}/confidential.ics`)).text).toContain('Entretien');
  });

  it('does not let a sharee with delete remove a private item it cannot see, nor copy or move a confidential one whole', async () => {
    expect((await as('francois', 'DELETE', `${calendar}/private.ics`)).status).toBe(404);
    expect((await as('jean', 'GET', `${calendar}/private.ics`)).status).toBe(200);
    const own = `/webdav/${email('francois')}/Calendar`;
    for (const method of ['COPY', 'MOVE']) {
      const refused = await as('francois', method, `${calendar}/confidential.ics`, undefined, { Destination: `${server.url}${own}/copied.ics` });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('<D:read/>');
      expect((await as('francois', 'GET', `${own}/copied.ics`)).status).toBe(404);
    }
    const copy = `/webdav/${email('secretariat')}/Calendar/copy.ics`;
    expect((await as('secretariat', 'COPY', `${calendar}/confidential.ics`, undefined, { Destination: `${server.url}${copy}` })).status).toBe(201);
    expect((await as('secretariat', 'GET', copy)).text).toContain('Entretien');
  });

  it('answers a DELETE in a folder the caller cannot list 404, whether the item exists or not', async () => {
    await server.createUser(email('marius'));
    await fetch(`${server.url}/api/v1/accounts/${email('jean')}/grants`, {
      method: 'PUT',
      headers: { Authorization: server.basic(email('jean')), 'Content-Type': 'application/json' },
      body: JSON.stringify({ folder: 'Documents', grantee: email('marius'), rights: ['read'] }),
    });
    expect((await as('marius', 'PROPFIND', `${calendar}/`, undefined, { Depth: '0' })).status).toBe(403);
    expect((await as('marius', 'DELETE', `${calendar}/confidential.ics`)).status).toBe(404);
    expect((await as('marius', 'DELETE', `${calendar}/no-such-item.ics`)).status).toBe(404);
    expect((await as('jean', 'GET', `${calendar}/confidential.ics`)).status).toBe(200);
  });

  it('leaves private items out of the export of the calendar and reduces confidential ones', async () => {
    const exported = await as('francois', 'GET', `${calendar}/`);
    expect(exported.status).toBe(200);
    expect(exported.text).toContain('SUMMARY:Réunion');
    expect(exported.text).not.toContain('Médecin');
    expect(exported.text).not.toContain('Entretien');
    expect(exported.text).toContain('SUMMARY:Busy');
    const whole = await as('secretariat', 'GET', `${calendar}/`);
    expect(whole.text).toContain('Médecin');
    expect(whole.text).toContain('Entretien');
  });

  it('counts private items as busy in free/busy', async () => {
    const body = '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20261210T000000Z" end="20261211T000000Z"/></C:free-busy-query>';
    expect((await as('francois', 'REPORT', `${calendar}/`, body, { Depth: '1' })).text).toContain('FREEBUSY;FBTYPE=BUSY:20261210T100000Z/20261210T110000Z');
  });

  it("removes an item from a sharee's sync when it becomes private", async () => {
    const token = tokenOf((await as('francois', 'REPORT', `${calendar}/`, syncBody(''))).text);
    await put('jean', 'public', 'PRIVATE', 'Réunion privée');
    const delta = await as('francois', 'REPORT', `${calendar}/`, syncBody(token));
    expect(delta.text).toContain(`<D:href>${calendar}/public.ics</D:href><D:status>HTTP/1.1 404 Not Found</D:status>`);
  });
});

describe('sync tokens when rights change', () => {
  it('invalidates a sharee\'s token when the owner changes a grant, so that it syncs anew', async () => {
    const token = tokenOf((await as('francois', 'REPORT', `${calendar}/`, syncBody(''))).text);
    expect((await as('francois', 'REPORT', `${calendar}/`, syncBody(token))).status).toBe(207);
    await fetch(`${server.url}/api/v1/accounts/${email('jean')}/grants`, {
      method: 'PUT',
      headers: { Authorization: server.basic(email('jean')), 'Content-Type': 'application/json' },
      body: JSON.stringify({ folder: 'Calendar', grantee: email('francois'), rights: ['read', 'admin'] }),
    });
    const stale = await as('francois', 'REPORT', `${calendar}/`, syncBody(token));
    expect(stale.status).toBe(403);
    expect(stale.text).toContain('valid-sync-token');
    const fresh = await as('francois', 'REPORT', `${calendar}/`, syncBody(''));
    expect(fresh.text).toContain('private.ics');
  });
});

describe('sync tokens when a group changes', () => {
  it("renews a member's token when the group holding its grant changes", async () => {
    await server.partage.accounts.create({ email: email('equipe'), kind: 'group', members: [email('francois')] });
    await fetch(`${server.url}/api/v1/accounts/${email('jean')}/grants`, {
      method: 'PUT',
      headers: { Authorization: server.basic(email('jean')), 'Content-Type': 'application/json' },
      body: JSON.stringify({ folder: 'Tasks', grantee: email('equipe'), rights: ['read'] }),
    });
    const tasks = `/webdav/${email('jean')}/Tasks`;
    const token = tokenOf((await as('francois', 'REPORT', `${tasks}/`, syncBody(''))).text);
    expect((await as('francois', 'REPORT', `${tasks}/`, syncBody(token))).status).toBe(207);
    await server.partage.accounts.setMembers(email('equipe'), [email('francois'), email('secretariat')]);
    const stale = await as('francois', 'REPORT', `${tasks}/`, syncBody(token));
    expect(stale.status).toBe(403);
    expect(stale.text).toContain('valid-sync-token');
  });
});
