import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Service policies (SPEC §2): GroupWare and WebDAV on or off per domain, overridable per
 * account. GroupWare off: 403 on calendars and address books (and on the account's own for
 * its sharees); WebDAV off: 403 on the whole DAV tree. Each change holds at the next request.
 */
let server: TestServer;
const adminAuth = () => server.basic('root@pol.test', 'root password 1');
const jean = 'jean@pol.test';
const francois = 'francois@pol.test';
const marie = 'marie@autre.test';

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser('root@pol.test', 'root password 1', { isAdmin: true });
  for (const who of [jean, francois, marie]) await server.createUser(who);
  for (const folder of ['Calendar', 'Documents', 'Contacts']) {
    const grant = await api('root', 'PUT', `/api/v1/accounts/${jean}/grants`, { folder, grantee: francois, rights: ['read', 'create', 'modify', 'delete'] });
    expect(grant.status).toBe(201);
  }
});
afterAll(async () => {
  await server.stop();
});

beforeEach(async () => {
  // Every test starts from the defaults: both domains on, no account override.
  for (const domain of ['pol.test', 'autre.test']) {
    expect((await api('root', 'PUT', `/api/v1/domains/${domain}/policies`, { groupwareEnabled: true, webdavEnabled: true })).status).toBe(200);
  }
  for (const who of [jean, francois, marie]) {
    expect((await api('root', 'PUT', `/api/v1/accounts/${who}/policies`, { groupwareEnabled: null, webdavEnabled: null })).status).toBe(200);
  }
});

async function api(who: string, method: string, path: string, body?: unknown) {
  const authorization = who === 'root' ? adminAuth() : server.basic(who);
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: authorization, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

async function dav(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: server.basic(who), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

const propfind = (who: string, path: string, depth = '0') =>
  dav(who, 'PROPFIND', path, '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>', {
    Depth: depth,
    'Content-Type': 'application/xml',
  });

const event = (uid: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20260301T100000Z', 'DTEND:20260301T110000Z', 'SUMMARY:Réunion', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const card = (uid: string) => ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, 'FN:Anne', 'N:Anne;;;;', 'END:VCARD', ''].join('\r\n');
const calendarQuery =
  '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>';

/** A 403 answered by the policy, naming the service. */
function expectServiceDisabled(reply: { status: number; text: string }, service: 'groupware' | 'webdav') {
  expect(reply.status).toBe(403);
  expect(reply.text).toMatch(new RegExp(`<P:service-disabled>${service}</P:service-disabled>`));
  expect(reply.text).toMatch(service === 'webdav' ? /WebDAV is turned off/ : /GroupWare \(calendars and address books\) is turned off/);
}

const setAccount = async (who: string, policies: Record<string, boolean | null>) => {
  const reply = await api('root', 'PUT', `/api/v1/accounts/${who}/policies`, policies);
  expect(reply.status).toBe(200);
  return reply.json;
};
const setDomain = async (domain: string, policies: Record<string, boolean>) => {
  expect((await api('root', 'PUT', `/api/v1/domains/${domain}/policies`, policies)).status).toBe(200);
};

describe('with every policy on (the default)', () => {
  it('serves files, calendars and address books', async () => {
    expect((await propfind(jean, `/webdav/${jean}/Calendar/`)).status).toBe(207);
    expect((await propfind(jean, `/webdav/${jean}/Contacts/`)).status).toBe(207);
    expect((await propfind(jean, `/webdav/${jean}/Documents/`)).status).toBe(207);
    expect((await propfind(francois, `/webdav/${jean}/Calendar/`)).status).toBe(207);
  });
});

describe('GroupWare off for an account', () => {
  it('refuses CalDAV and CardDAV to the account with 403 and a clear body, and keeps its files', async () => {
    await setAccount(jean, { groupwareEnabled: false });
    expectServiceDisabled(await propfind(jean, `/webdav/${jean}/Calendar/`), 'groupware');
    expectServiceDisabled(await dav(jean, 'REPORT', `/webdav/${jean}/Calendar/`, calendarQuery, { Depth: '1', 'Content-Type': 'application/xml' }), 'groupware');
    expectServiceDisabled(await dav(jean, 'PUT', `/webdav/${jean}/Calendar/a.ics`, event('a'), { 'Content-Type': 'text/calendar' }), 'groupware');
    expectServiceDisabled(await dav(jean, 'PUT', `/webdav/${jean}/Contacts/a.vcf`, card('a'), { 'Content-Type': 'text/vcard' }), 'groupware');
    expectServiceDisabled(await dav(jean, 'MKCALENDAR', `/webdav/${jean}/Autre/`), 'groupware');
    expectServiceDisabled(await propfind(jean, '/webdav/directory/'), 'groupware');
    expect((await dav(jean, 'PUT', `/webdav/${jean}/Documents/note.txt`, 'bonjour')).status).toBe(201);
    expect((await propfind(jean, `/webdav/${jean}/Documents/`)).status).toBe(207);
  });

  it('leaves calendars and address books out of the home listing', async () => {
    await setAccount(jean, { groupwareEnabled: false });
    const listing = await propfind(jean, `/webdav/${jean}/`, '1');
    expect(listing.status).toBe(207);
    expect(listing.text).toContain(`/webdav/${jean}/Documents/`);
    expect(listing.text).not.toContain(`/webdav/${jean}/Calendar/`);
    expect(listing.text).not.toContain(`/webdav/${jean}/Contacts/`);
  });

  it('refuses sharees its calendars too, since sharing needs GroupWare on both sides, but not its files', async () => {
    await setAccount(jean, { groupwareEnabled: false });
    const refused = await propfind(francois, `/webdav/${jean}/Calendar/`);
    expectServiceDisabled(refused, 'groupware');
    expect(refused.text).toContain(`for ${jean}, the owner of this folder`);
    expect((await dav(francois, 'PUT', `/webdav/${jean}/Calendar/b.ics`, event('b'), { 'Content-Type': 'text/calendar' })).status).toBe(403);
    expect((await propfind(francois, `/webdav/${jean}/Documents/`)).status).toBe(207);
    // Tasks was never shared with François: the rights' answer, the policy reveals nothing.
    const unshared = await propfind(francois, `/webdav/${jean}/Tasks/`);
    expect(unshared.status).toBe(403);
    expect(unshared.text).toContain('need-privileges');
    expect(unshared.text).not.toContain('service-disabled');
  });

  it('refuses the sharee without GroupWare the calendars shared with it', async () => {
    await setAccount(francois, { groupwareEnabled: false });
    const refused = await propfind(francois, `/webdav/${jean}/Calendar/`);
    expectServiceDisabled(refused, 'groupware');
    expect(refused.text).toContain(`for your account (${francois})`);
    expect((await propfind(jean, `/webdav/${jean}/Calendar/`)).status).toBe(207);
  });

  it('takes effect at once and back, in both directions', async () => {
    await setAccount(jean, { groupwareEnabled: false });
    expect((await propfind(jean, `/webdav/${jean}/Calendar/`)).status).toBe(403);
    await setAccount(jean, { groupwareEnabled: null });
    expect((await propfind(jean, `/webdav/${jean}/Calendar/`)).status).toBe(207);
  });
});

describe('WebDAV off for an account', () => {
  it('refuses the whole DAV tree to the account, and keeps the REST API', async () => {
    await setAccount(jean, { webdavEnabled: false });
    expectServiceDisabled(await propfind(jean, `/webdav/${jean}/Documents/`), 'webdav');
    expectServiceDisabled(await dav(jean, 'GET', `/webdav/${jean}/Documents/note.txt`), 'webdav');
    expectServiceDisabled(await dav(jean, 'PUT', `/webdav/${jean}/Documents/other.txt`, 'x'), 'webdav');
    expectServiceDisabled(await dav(jean, 'MKCOL', `/webdav/${jean}/Documents/Dossier/`), 'webdav');
    expectServiceDisabled(await propfind(jean, `/webdav/${jean}/Calendar/`), 'webdav');
    expectServiceDisabled(await propfind(jean, `/webdav/${jean}/`), 'webdav');
    expectServiceDisabled(await propfind(jean, '/webdav/'), 'webdav');
    expectServiceDisabled(await propfind(jean, `/webdav/principals/${jean}/`), 'webdav');
    expect((await dav(jean, 'GET', `/webdav/${jean}/Documents/missing.txt`)).status).toBe(404);
    expect((await api(jean, 'GET', `/api/v1/accounts/${jean}`)).status).toBe(200);
  });

  it('is the caller\'s own: others still reach the account\'s shared files', async () => {
    await setAccount(jean, { webdavEnabled: false });
    expect((await propfind(francois, `/webdav/${jean}/Documents/`)).status).toBe(207);
    expect((await propfind(francois, `/webdav/${jean}/Calendar/`)).status).toBe(207);
  });

  it('still refuses nothing more than 404 where the account had no right anyway', async () => {
    await setAccount(francois, { webdavEnabled: false });
    expect((await propfind(francois, `/webdav/${marie}/Documents/`)).status).toBe(404);
  });
});

describe('domain policies and account overrides', () => {
  it('applies a domain\'s GroupWare off to its accounts, unless an account overrides it', async () => {
    await setDomain('pol.test', { groupwareEnabled: false });
    expectServiceDisabled(await propfind(francois, `/webdav/${francois}/Calendar/`), 'groupware');
    expect((await propfind(marie, `/webdav/${marie}/Calendar/`)).status).toBe(207);
    expect(await setAccount(francois, { groupwareEnabled: true })).toEqual({
      groupwareEnabled: true,
      webdavEnabled: null,
      effective: { groupwareEnabled: true, webdavEnabled: true },
    });
    expect((await propfind(francois, `/webdav/${francois}/Calendar/`)).status).toBe(207);
    expectServiceDisabled(await propfind(jean, `/webdav/${jean}/Calendar/`), 'groupware');
  });

  it('applies a domain\'s WebDAV off to its accounts, unless an account overrides it', async () => {
    await setDomain('autre.test', { webdavEnabled: false });
    expectServiceDisabled(await propfind(marie, `/webdav/${marie}/Documents/`), 'webdav');
    expect((await propfind(jean, `/webdav/${jean}/Documents/`)).status).toBe(207);
    await setAccount(marie, { webdavEnabled: true });
    expect((await propfind(marie, `/webdav/${marie}/Documents/`)).status).toBe(207);
    await setAccount(marie, { webdavEnabled: null });
    expect((await propfind(marie, `/webdav/${marie}/Documents/`)).status).toBe(403);
  });

  it('lets an account override a domain that is on, and shows what is in force', async () => {
    await setAccount(marie, { groupwareEnabled: false, webdavEnabled: true });
    const shown = await api(marie, 'GET', `/api/v1/accounts/${marie}/policies`);
    expect(shown).toEqual({ status: 200, json: { groupwareEnabled: false, webdavEnabled: true, effective: { groupwareEnabled: false, webdavEnabled: true } } });
    expectServiceDisabled(await propfind(marie, `/webdav/${marie}/Contacts/`), 'groupware');
    expect((await propfind(marie, `/webdav/${marie}/Documents/`)).status).toBe(207);
  });

  it('with both off, WebDAV answers first', async () => {
    await setAccount(jean, { groupwareEnabled: false, webdavEnabled: false });
    expectServiceDisabled(await propfind(jean, `/webdav/${jean}/Calendar/`), 'webdav');
  });
});

describe('the policy REST calls', () => {
  it('are for administrators, validate their bodies, and report unknown names', async () => {
    expect((await api(jean, 'PUT', `/api/v1/accounts/${jean}/policies`, { webdavEnabled: true })).status).toBe(403);
    expect((await api(jean, 'PUT', '/api/v1/domains/pol.test/policies', { webdavEnabled: true })).status).toBe(403);
    expect((await api(jean, 'GET', `/api/v1/accounts/${francois}/policies`)).status).toBe(403);
    expect((await api('root', 'PUT', '/api/v1/domains/pol.test/policies', {})).status).toBe(400);
    expect((await api('root', 'PUT', '/api/v1/domains/pol.test/policies', { webdavEnabled: null })).status).toBe(400);
    expect((await api('root', 'PUT', `/api/v1/accounts/${jean}/policies`, { other: true })).status).toBe(400);
    expect((await api('root', 'PUT', '/api/v1/domains/nowhere.test/policies', { webdavEnabled: false })).status).toBe(404);
    expect((await api('root', 'PUT', '/api/v1/accounts/nobody@pol.test/policies', { webdavEnabled: false })).status).toBe(404);
    const domain = await api('root', 'PUT', '/api/v1/domains/pol.test/policies', { webdavEnabled: false });
    expect(domain.json).toMatchObject({ name: 'pol.test', groupwareEnabled: true, webdavEnabled: false });
  });
});
