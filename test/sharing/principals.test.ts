import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await server.partage.accounts.create({ email: 'jean@iw.fr', password: 'jean password 1', displayName: 'Jean Dupont' });
  await server.partage.accounts.create({ email: 'isalie@iw.fr', password: 'isalie password', displayName: 'Isalie Martin' });
  await server.partage.accounts.create({ email: 'salle1@iw.fr', kind: 'resource', displayName: 'Salle 1' });
  await server.partage.accounts.create({ email: 'autre@ailleurs.fr', password: 'autre password', displayName: 'Jean Autre' });
  await server.partage.accounts.create({ email: 'equipe@iw.fr', kind: 'group', members: ['jean@iw.fr'] });
});
afterAll(async () => {
  await server.stop();
});

const report = async (path: string, body: string, depth = '0') => {
  const response = await fetch(server.url + path, {
    method: 'REPORT',
    headers: { Authorization: server.basic('jean@iw.fr', 'jean password 1'), Depth: depth, 'Content-Type': 'application/xml' },
    body,
  });
  return { status: response.status, text: await response.text() };
};
const hrefs = (text: string) => [...text.matchAll(/<D:response><D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]).sort();

describe('principal reports (RFC 3744 §9)', () => {
  it('finds principals of the caller\'s domain by name or email with principal-property-search', async () => {
    const byName = await report(
      '/webdav/principals/',
      '<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:prop><D:displayname/></D:prop><D:match>JEAN</D:match></D:property-search><D:prop><D:displayname/></D:prop></D:principal-property-search>',
    );
    expect(byName.status).toBe(207);
    expect(hrefs(byName.text)).toEqual(['/webdav/principals/jean@iw.fr/']);
    const byEmail = await report(
      '/webdav/principals/',
      '<D:principal-property-search xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:property-search><D:prop><C:calendar-user-address-set/></D:prop><D:match>salle</D:match></D:property-search><D:prop><C:calendar-user-type/><D:displayname/></D:prop></D:principal-property-search>',
    );
    expect(hrefs(byEmail.text)).toEqual(['/webdav/principals/salle1@iw.fr/']);
    expect(byEmail.text).toContain('<C:calendar-user-type>ROOM</C:calendar-user-type>');
  });

  it('lists what can be searched with principal-search-property-set', async () => {
    const response = await report('/webdav/principals/', '<D:principal-search-property-set xmlns:D="DAV:"/>');
    expect(response.status).toBe(200);
    expect(response.text).toContain('<D:displayname/>');
  });

  it('answers principal-match with the caller and its groups', async () => {
    const response = await report('/webdav/principals/', '<D:principal-match xmlns:D="DAV:"><D:self/><D:prop><D:displayname/></D:prop></D:principal-match>');
    expect(hrefs(response.text)).toEqual(['/webdav/principals/equipe@iw.fr/', '/webdav/principals/jean@iw.fr/']);
  });

  it('answers acl-principal-prop-set with the principals named in the ACL', async () => {
    await fetch(`${server.url}/api/v1/accounts/jean@iw.fr/grants`, {
      method: 'PUT',
      headers: { Authorization: server.basic('jean@iw.fr', 'jean password 1'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ folder: 'Calendar', grantee: 'isalie@iw.fr', rights: ['read'] }),
    });
    const response = await report('/webdav/jean@iw.fr/Calendar/', '<D:acl-principal-prop-set xmlns:D="DAV:"><D:prop><D:displayname/></D:prop></D:acl-principal-prop-set>');
    expect(response.text).toContain('<D:displayname>Isalie Martin</D:displayname>');
  });

  it('has a group principal per domain whose members are its accounts', async () => {
    const response = await fetch(`${server.url}/webdav/principals/domains/iw.fr/`, {
      method: 'PROPFIND',
      headers: { Authorization: server.basic('jean@iw.fr', 'jean password 1'), Depth: '0' },
      body: '<D:propfind xmlns:D="DAV:"><D:prop><D:group-member-set/><D:resourcetype/></D:prop></D:propfind>',
    });
    const text = await response.text();
    expect(text).toContain('<D:principal/>');
    expect(text).toContain('<D:href>/webdav/principals/isalie@iw.fr/</D:href>');
    expect(text).not.toContain('autre@ailleurs.fr');
  });
});
