import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The administrators' listing of public folders with their rights (SPEC §5), through
 * `GET /api/v1/public-folders`, on the guide's public group: every member reads, the
 * domain reads, the secretariat writes the calendar.
 */
let server: TestServer;
const email = (who: string) => `${who}@iw.fr`;

beforeAll(async () => {
  server = await startTestServer();
  for (const who of ['direction', 'isalie', 'secretariat', 'jean']) await server.createUser(email(who));
  await server.createUser('root@iw.fr', 'root password 1', { isAdmin: true });
  await server.partage.accounts.create({ email: email('public-folders'), kind: 'group', publicFolder: true, displayName: 'Dossiers publics', members: [email('isalie'), email('direction')] });
  await server.partage.accounts.create({ email: 'atelier@autre.fr', kind: 'group', publicFolder: true, members: [] });
  await server.partage.accounts.create({ email: email('equipe'), kind: 'group', members: [email('jean')] });
});
afterAll(async () => {
  await server.stop();
});

async function as(who: string, method: string, path: string, body?: unknown) {
  const authorization = who === 'root' ? server.basic('root@iw.fr', 'root password 1') : server.basic(email(who));
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const grant = async (owner: string, folder: string | null, grantee: string, rights: string[]) => {
  const response = await as('root', 'PUT', `/api/v1/accounts/${owner}/grants`, { folder, grantee, rights });
  expect(response.status).toBe(201);
};

const implicitRead = (group: string) => ({ grantee: group, rights: ['read'], denied: false, setOn: null, implicit: true });
const folderOf = (list: unknown, group: string, folder: string) => {
  const groups = list as { group: string; folders: { folder: string; grants: unknown[] }[] }[]; // the response validator checked the shape
  return groups.find((g) => g.group === group)?.folders.find((f) => f.folder === folder);
};

describe('GET /api/v1/public-folders', () => {
  beforeAll(async () => {
    const group = email('public-folders');
    await grant(group, null, '@iw.fr', ['read']);
    await grant(group, 'Calendar', email('secretariat'), ['read', 'create', 'modify', 'delete']);
    await grant(group, 'Documents', email('jean'), []);
    expect((await as('root', 'MKCOL', `/webdav/${group}/Documents/Archives/`)).status).toBe(201);
    await grant(group, 'Documents/Archives', email('equipe'), ['read', 'create']);
  });

  it('lists every group with a public folder, its members, and every grant on each folder, nearest first', async () => {
    const response = await as('root', 'GET', '/api/v1/public-folders');
    expect(response.status).toBe(200);
    const group = email('public-folders');
    const domainRead = { grantee: '@iw.fr', rights: ['read'], denied: false, setOn: null, implicit: false };
    expect(response.body).toEqual([
      { group: 'atelier@autre.fr', displayName: null, members: [], folders: ['Calendar', 'Contacts', 'Documents', 'Notes', 'Tasks'].map((folder) => ({ folder, kind: folder === 'Documents' ? 'files' : folder === 'Contacts' ? 'contacts' : 'calendar', grants: [implicitRead('atelier@autre.fr')] })) },
      {
        group,
        displayName: 'Dossiers publics',
        members: [email('direction'), email('isalie')],
        folders: [
          {
            folder: 'Calendar',
            kind: 'calendar',
            grants: [{ grantee: email('secretariat'), rights: ['read', 'create', 'modify', 'delete'], denied: false, setOn: 'Calendar', implicit: false }, domainRead, implicitRead(group)],
          },
          { folder: 'Contacts', kind: 'contacts', grants: [domainRead, implicitRead(group)] },
          { folder: 'Documents', kind: 'files', grants: [{ grantee: email('jean'), rights: [], denied: true, setOn: 'Documents', implicit: false }, domainRead, implicitRead(group)] },
          {
            folder: 'Documents/Archives',
            kind: 'files',
            grants: [
              { grantee: email('equipe'), rights: ['read', 'create'], denied: false, setOn: 'Documents/Archives', implicit: false },
              { grantee: email('jean'), rights: [], denied: true, setOn: 'Documents', implicit: false },
              domainRead,
              implicitRead(group),
            ],
          },
          { folder: 'Notes', kind: 'calendar', grants: [domainRead, implicitRead(group)] },
          { folder: 'Tasks', kind: 'calendar', grants: [domainRead, implicitRead(group)] },
        ],
      },
    ]);
  });

  it('drops the implicit read once a whole-account grant to the group itself replaces it', async () => {
    const group = email('public-folders');
    await grant(group, null, group, ['read', 'create']);
    const response = await as('root', 'GET', '/api/v1/public-folders');
    expect(folderOf(response.body, group, 'Notes')?.grants).toEqual([
      { grantee: '@iw.fr', rights: ['read'], denied: false, setOn: null, implicit: false },
      { grantee: group, rights: ['read', 'create'], denied: false, setOn: null, implicit: false },
    ]);
    expect(folderOf(response.body, 'atelier@autre.fr', 'Notes')?.grants).toEqual([implicitRead('atelier@autre.fr')]);
  });

  it('answers 403 to an account that is not an administrator, even a member or a holder of admin', async () => {
    await grant(email('public-folders'), 'Calendar', email('isalie'), ['read', 'create', 'modify', 'delete', 'admin']);
    for (const who of ['isalie', 'jean']) {
      const response = await as(who, 'GET', '/api/v1/public-folders');
      expect({ who, status: response.status, body: response.body }).toEqual({ who, status: 403, body: { error: { code: 'forbidden', message: expect.any(String) } } });
    }
  });

  it('answers 401 without credentials and 400 to an unknown query parameter', async () => {
    expect((await fetch(`${server.url}/api/v1/public-folders`)).status).toBe(401);
    const response = await as('root', 'GET', '/api/v1/public-folders?group=x');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'invalid-request', message: expect.any(String) } });
  });
});
