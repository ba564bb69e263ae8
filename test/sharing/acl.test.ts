import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
const email = (who: string) => `${who}@acl.test`;

beforeAll(async () => {
  server = await startTestServer();
  for (const who of ['jean', 'francois', 'marius']) await server.createUser(email(who));
  await server.partage.accounts.create({ email: email('equipe'), kind: 'group', members: [email('francois'), email('marius')] });
});
afterAll(async () => {
  await server.stop();
});

async function as(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: server.basic(email(who)), ...(path.startsWith('/api/') ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}
const prop = (...names: string[]) =>
  `<D:propfind xmlns:D="DAV:"><D:prop>${names.map((n) => `<D:${n}/>`).join('')}</D:prop></D:propfind>`;
const acl = (aces: string) => `<?xml version="1.0"?><D:acl xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">${aces}</D:acl>`;
const ace = (principal: string, privileges: string[]) =>
  `<D:ace><D:principal><D:href>${principal}</D:href></D:principal><D:grant>${privileges.map((p) => `<D:privilege><${p}/></D:privilege>`).join('')}</D:grant></D:ace>`;

describe('RFC 3744 as a view of grants', () => {
  it('shows the grants as ACEs to the owner, with inherited ones marked', async () => {
    await as('jean', 'PUT', `/api/v1/accounts/${email('jean')}/grants`, JSON.stringify({ folder: 'Calendar', grantee: email('francois'), rights: ['read'] }));
    await as('jean', 'PUT', `/api/v1/accounts/${email('jean')}/grants`, JSON.stringify({ folder: null, grantee: email('equipe'), rights: ['read', 'create'] }));
    const response = await as('jean', 'PROPFIND', `/webdav/${email('jean')}/Calendar/`, prop('acl', 'inherited-acl-set', 'supported-privilege-set', 'acl-restrictions'), { Depth: '0' });
    expect(response.text).toContain(`<D:principal><D:href>/webdav/principals/${email('francois')}/</D:href></D:principal><D:grant><D:privilege><D:read/></D:privilege>`);
    expect(response.text).toContain('<D:principal><D:property><D:owner/></D:property></D:principal>');
    expect(response.text).toContain(`<D:inherited><D:href>/webdav/${email('jean')}/</D:href></D:inherited>`);
    expect(response.text).toContain(`<D:inherited-acl-set><D:href>/webdav/${email('jean')}/</D:href></D:inherited-acl-set>`);
    expect(response.text).toContain('<D:supported-privilege><D:privilege><D:all/></D:privilege>');
    expect(response.text).toContain('<D:no-invert/>');
  });

  it('does not show the ACL to a sharee without admin, and shows its own privileges', async () => {
    const response = await as('francois', 'PROPFIND', `/webdav/${email('jean')}/Calendar/`, prop('acl', 'current-user-privilege-set'), { Depth: '0' });
    expect(response.text).toMatch(/<D:propstat><D:prop><D:acl\/><\/D:prop><D:status>HTTP\/1.1 404/);
    expect(response.text).toContain('<D:privilege><D:read/></D:privilege>');
    expect(response.text).not.toContain('<D:privilege><D:write-content/></D:privilege>');
  });

  it('maps an ACL request onto grants', async () => {
    const set = await as('jean', 'ACL', `/webdav/${email('jean')}/Documents/`, acl(ace(`/webdav/principals/${email('marius')}/`, ['D:read', 'D:write'])));
    expect(set.status).toBe(200);
    expect((await as('marius', 'PUT', `/webdav/${email('jean')}/Documents/m.txt`, 'from marius')).status).toBe(201);
    const grants = JSON.parse((await as('jean', 'GET', `/api/v1/accounts/${email('jean')}/grants`)).text) as { folder: string; grantee: string; rights: string[] }[];
    expect(grants).toContainEqual({ folder: 'Documents', grantee: email('marius'), rights: ['read', 'create', 'modify', 'delete'] });
  });

  it('refuses privileges that map onto no rights, and changes nothing', async () => {
    const refused = await as('jean', 'ACL', `/webdav/${email('jean')}/Documents/`, acl(ace(`/webdav/principals/${email('marius')}/`, ['D:write-content'])));
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('not-supported-privilege');
    expect((await as('marius', 'PUT', `/webdav/${email('jean')}/Documents/m2.txt`, 'still allowed')).status).toBe(201);
  });

  it('refuses a malformed principal href with recognized-principal, never a server error', async () => {
    const refused = await as('jean', 'ACL', `/webdav/${email('jean')}/Documents/`, acl(ace('/webdav/principals/%ZZ/', ['D:read'])));
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('recognized-principal');
  });

  it('refuses ACL to a sharee without admin with need-privileges', async () => {
    const refused = await as('marius', 'ACL', `/webdav/${email('jean')}/Documents/`, acl(ace(`/webdav/principals/${email('marius')}/`, ['D:all'])));
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<D:write-acl/>');
  });

  it('lists the members of a group principal and the groups of a member', async () => {
    const group = await as('jean', 'PROPFIND', `/webdav/principals/${email('equipe')}/`, prop('group-member-set'), { Depth: '0' });
    expect(group.text).toContain(`<D:href>/webdav/principals/${email('francois')}/</D:href>`);
    expect(group.text).toContain(`<D:href>/webdav/principals/${email('marius')}/</D:href>`);
    const member = await as('jean', 'PROPFIND', `/webdav/principals/${email('marius')}/`, prop('group-membership'), { Depth: '0' });
    expect(member.text).toContain(`<D:href>/webdav/principals/${email('equipe')}/</D:href>`);
  });
});
