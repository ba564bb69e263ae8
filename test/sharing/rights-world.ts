import { expect } from '@jest/globals';
import type { TestServer } from '../support/test-server.js';
import { deniedStatus, hrefOf, rightsOnTarget, type ModelAccount, type ModelCaller, type ModelFolder, type ModelGrant, type ModelItem, type ModelOwner, type Right, type Target, type World } from './rights-model.js';

/** The random worlds of random-rights.test.ts: built through the services and the REST API, and the requests' bodies. */
export const adminEmail = 'root@rights.test';
export const adminPassword = 'root password 1';

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => {
    const value = list[Math.floor(next() * list.length)];
    if (value === undefined) throw new Error('pick from an empty list');
    return value;
  };
  return { next, pick, chance: (p: number) => next() < p };
}

/** A request's answer. */
export interface Reply {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

/** Sends requests as the accounts of the worlds (all share one password; the administrator has its own). */
export interface Client {
  send(who: string, method: string, path: string, body?: string, headers?: Record<string, string>): Promise<Reply>;
}

export function clientOf(server: TestServer): Client {
  return {
    send: async (who, method, path, body, headers = {}) => {
      const authorization = who === adminEmail ? server.basic(adminEmail, adminPassword) : server.basic(who);
      const response = await fetch(server.url + path, {
        method,
        headers: { Authorization: authorization, ...(path.startsWith('/api/') ? { 'Content-Type': 'application/json' } : {}), ...headers },
        ...(body === undefined ? {} : { body }),
      });
      return { status: response.status, text: await response.text(), headers: response.headers };
    },
  };
}

export const ics = (uid: string, classification: string, summary: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//rights//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20270101T000000Z', 'DTSTART:20270110T100000Z', 'DTEND:20270110T110000Z', `CLASS:${classification}`, `SUMMARY:${summary}`, `DESCRIPTION:details of ${classification}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
/** A vCard 3.0; with a classification, its CLASS and a NOTE that only those who see it whole may read. */
export const vcf = (uid: string, name: string, classification?: string) =>
  ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, `FN:${name}`, `N:${name};;;;`, ...(classification === undefined ? [] : [`CLASS:${classification}`, `NOTE:details of ${classification}`]), 'END:VCARD', ''].join('\r\n');

/** Builds a random world through the services and the REST API; returns the model of it. */
export async function buildWorld(server: TestServer, client: Client, seed: number): Promise<{ world: World; callers: ModelCaller[] }> {
  const rng = prng(seed);
  const domainA = `a${seed}.test`;
  const domainB = `b${seed}.test`;
  const users: ModelAccount[] = ['u0', 'u1', 'u2', 'u3'].map((name, i) => {
    const domain = i < 2 ? domainA : i === 3 ? domainB : rng.pick([domainA, domainB]);
    return { email: `${name}@${domain}`, domain, kind: 'user', members: [], isPublicGroup: false };
  });
  const someMembers = () => {
    const chosen = users.filter(() => rng.chance(0.5)).map((u) => u.email);
    return chosen.length > 0 ? chosen : [rng.pick(users).email];
  };
  const groups: ModelAccount[] = [
    { email: `g0@${domainA}`, domain: domainA, kind: 'group', members: someMembers(), isPublicGroup: false },
    { email: `g1@${domainB}`, domain: domainB, kind: 'group', members: someMembers(), isPublicGroup: false },
  ];
  if (rng.chance(0.6)) groups.push({ email: `pub@${domainA}`, domain: domainA, kind: 'group', members: someMembers(), isPublicGroup: true });
  for (const user of users) await server.createUser(user.email);
  for (const group of groups) {
    await server.partage.accounts.create({ email: group.email, kind: 'group', members: group.members, publicFolder: group.isPublicGroup });
  }
  const accounts = [...users, ...groups];
  const publicGroup = groups.find((g) => g.isPublicGroup);
  const ownerAccounts = [users[0], publicGroup ?? rng.pick(users.slice(1))].filter((a) => a !== undefined);
  const owners: ModelOwner[] = [];
  let counter = 0;
  for (const account of ownerAccounts) {
    const folders: ModelFolder[] = [
      { path: 'Documents', kind: 'files' },
      { path: 'Documents/Sub', kind: 'files' },
      { path: 'Calendar', kind: 'calendar' },
      { path: 'Tasks', kind: 'calendar' },
      { path: 'Notes', kind: 'calendar' },
      { path: 'Contacts', kind: 'contacts' },
    ];
    const tag = () => `${account.email.split('@')[0] ?? ''}-${seed}-${++counter}`;
    const items: ModelItem[] = [
      { folder: 'Documents', name: 'a.txt', classification: 'PUBLIC', body: `a of ${account.email}`, contentType: 'text/plain' },
      { folder: 'Documents/Sub', name: 'b.txt', classification: 'PUBLIC', body: `b of ${account.email}`, contentType: 'text/plain' },
      ...(['PUBLIC', 'PRIVATE', 'CONFIDENTIAL'] as const).map((c) => {
        const uid = tag();
        return { folder: 'Calendar', name: `${c.toLowerCase()}.ics`, classification: c, body: ics(uid, c, `summary ${uid}`), contentType: 'text/calendar' };
      }),
      { folder: 'Contacts', name: 'card.vcf', classification: 'PUBLIC', body: vcf(tag(), `Card ${counter}`), contentType: 'text/vcard' },
      ...(['PRIVATE', 'CONFIDENTIAL'] as const).map((c) => {
        const uid = tag();
        return { folder: 'Contacts', name: `${c.toLowerCase()}.vcf`, classification: c, body: vcf(uid, `Card ${uid}`, c), contentType: 'text/vcard' };
      }),
    ];
    const owner: ModelOwner = { account, folders, items, grants: [] };
    expect((await client.send(adminEmail, 'MKCOL', `/webdav/${account.email}/Documents/Sub/`)).status).toBe(201);
    for (const item of items) await putItem(client, owner, item);
    const grantees = [...users.filter((u) => u !== account).map((u) => u.email), ...groups.map((g) => g.email), `@${domainA}`, `@${domainB}`, 'authenticated'];
    const levels = [null, 'Documents', 'Documents/Sub', 'Calendar', 'Tasks', 'Contacts'];
    const rightSets: Right[][] = [
      ['read'],
      ['read', 'create', 'modify', 'delete'],
      ['read', 'create', 'modify', 'delete', 'admin'],
      ['freebusy'],
      [],
      ['create'],
      ['read', 'create'],
      ['delete'],
      ['read', 'modify'],
    ];
    const count = 2 + Math.floor(rng.next() * 6);
    for (let i = 0; i < count; i++) {
      const grant: ModelGrant = { folder: rng.pick(levels), grantee: rng.pick(grantees), rights: rng.pick(rightSets) };
      const same = owner.grants.findIndex((g) => g.folder === grant.folder && g.grantee === grant.grantee);
      if (same >= 0) owner.grants.splice(same, 1);
      owner.grants.push(grant);
      const by = account.kind === 'group' ? adminEmail : account.email;
      expect([200, 201]).toContain((await client.send(by, 'PUT', `/api/v1/accounts/${account.email}/grants`, JSON.stringify(grant))).status);
    }
    owners.push(owner);
  }
  return { world: { accounts, owners }, callers: users.map((u) => ({ email: u.email, domain: u.domain })) };
}

/** Puts an item of the model, as the administrator. */
export async function putItem(client: Client, owner: ModelOwner, item: ModelItem): Promise<void> {
  const target: Target = { kind: 'item', owner, item };
  const put = await client.send(adminEmail, 'PUT', hrefOf(target), item.body, { 'Content-Type': item.contentType });
  expect([201, 204]).toContain(put.status);
}

/** The hrefs of the responses of a multistatus that carry a 200 propstat. */
export function okHrefs(text: string): string[] {
  return text
    .split('<D:response>')
    .slice(1)
    .filter((r) => r.includes('HTTP/1.1 200'))
    .map((r) => /<D:href>([^<]+)<\/D:href>/.exec(r)?.[1] ?? '')
    .sort();
}

export const sorted = (list: readonly string[]) => [...list].sort();

/** Fresh names for what the writes create. */
let fresh = 0;
export const freshName = (extension: string) => `new-${++fresh}.${extension}`;

export function contentFor(folder: ModelFolder, name: string): { body: string; contentType: string } {
  const uid = `uid-${name.replace(/\.\w+$/, '')}`;
  if (folder.kind === 'contacts') return { body: vcf(uid, 'Made By Sharee'), contentType: 'text/vcard' };
  if (folder.kind === 'files') return { body: 'made by a sharee', contentType: 'text/plain' };
  const component = folder.path === 'Tasks' ? 'VTODO' : folder.path === 'Notes' ? 'VJOURNAL' : 'VEVENT';
  const when = component === 'VEVENT' ? ['DTSTART:20270110T100000Z', 'DTEND:20270110T110000Z'] : ['DTSTART:20270110T100000Z'];
  const body = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//rights//EN', `BEGIN:${component}`, `UID:${uid}`, 'DTSTAMP:20270101T000000Z', ...when, 'SUMMARY:made by a sharee', `END:${component}`, 'END:VCALENDAR', ''].join('\r\n');
  return { body, contentType: 'text/calendar' };
}
export const extensionOf = (folder: ModelFolder) => (folder.kind === 'calendar' ? 'ics' : folder.kind === 'contacts' ? 'vcf' : 'txt');

export const may = (world: World, caller: ModelCaller, target: Target, right: Right) => rightsOnTarget(world, caller, target).has(right);

/** The status of a creation in a collection: allowed, or denied as SPEC §4 says for the collection. */
export function createStatus(world: World, caller: ModelCaller, collection: Target): number | undefined {
  if (may(world, caller, collection, 'create')) return undefined;
  return deniedStatus(world, caller, collection);
}

/** A check that failed, described so that the seed and the request can be replayed. */
export class Mismatch extends Error {}

export function compare(context: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Mismatch(`${context}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
}

export const propfindBody = '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getetag/></D:prop></D:propfind>';
export const syncBody = '<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>';
export const calendarQuery =
  '<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20270101T000000Z" end="20270201T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>';
export const addressbookQuery =
  '<?xml version="1.0"?><A:addressbook-query xmlns:D="DAV:" xmlns:A="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/></D:prop></A:addressbook-query>';
export const multiget = (kind: 'calendar' | 'contacts', hrefs: readonly string[]) =>
  kind === 'calendar'
    ? `<?xml version="1.0"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>${hrefs.map((h) => `<D:href>${h}</D:href>`).join('')}</C:calendar-multiget>`
    : `<?xml version="1.0"?><A:addressbook-multiget xmlns:D="DAV:" xmlns:A="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/></D:prop>${hrefs.map((h) => `<D:href>${h}</D:href>`).join('')}</A:addressbook-multiget>`;
export const proppatch = (value: string | null) =>
  `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:partage:rights-test">${value === null ? '<D:remove><D:prop><Z:tag/></D:prop></D:remove>' : `<D:set><D:prop><Z:tag>${value}</Z:tag></D:prop></D:set>`}</D:propertyupdate>`;
export const lockBody = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>rights test</D:owner></D:lockinfo>';

const privilegeXml: Record<Right, string> = {
  read: '<D:privilege><D:read/></D:privilege>',
  create: '<D:privilege><D:bind/></D:privilege>',
  modify: '<D:privilege><D:write-content/></D:privilege><D:privilege><D:write-properties/></D:privilege>',
  delete: '<D:privilege><D:unbind/></D:privilege>',
  admin: '<D:privilege><D:read-acl/></D:privilege><D:privilege><D:write-acl/></D:privilege>',
  freebusy: '<D:privilege><C:read-free-busy/></D:privilege>',
};

/** An ACL body that states the folder's own grants again: allowed, it changes nothing. */
export function aclBody(owner: ModelOwner, folder: ModelFolder): string {
  const aces = owner.grants
    .filter((g) => g.folder === folder.path)
    .map((g) => {
      const principal =
        g.grantee === 'authenticated'
          ? '<D:authenticated/>'
          : `<D:href>/webdav/principals/${g.grantee.startsWith('@') ? `domains/${g.grantee.slice(1)}` : g.grantee}/</D:href>`;
      const what = g.rights.length === 0 ? '<D:deny><D:privilege><D:all/></D:privilege></D:deny>' : `<D:grant>${g.rights.map((r) => privilegeXml[r]).join('')}</D:grant>`;
      return `<D:ace><D:principal>${principal}</D:principal>${what}</D:ace>`;
    });
  return `<?xml version="1.0"?><D:acl xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">${aces.join('')}</D:acl>`;
}

