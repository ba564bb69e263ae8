import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** The Global Address List (SPEC §5) through REST, DAV and autocomplete. */
let server: TestServer;
const email = (who: string) => `${who}@gal.test`;
const people = ['annuaire', 'jean', 'francois', 'marius', 'horsgw'] as const;

beforeAll(async () => {
  server = await startTestServer();
  for (const who of people) await server.createUser(email(who));
  await server.partage.accounts.create({ email: 'outsider@autre.test', password: 'correct horse battery', displayName: 'Outsider' });
  await server.createUser('root@gal.test', 'root password 1', { isAdmin: true });
  await server.partage.database.db.updateTable('account').set({ groupwareEnabled: false }).where('email', '=', email('horsgw')).execute();
});
afterAll(async () => {
  await server.stop();
});

async function as(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const authorization =
    who === 'root' ? server.basic('root@gal.test', 'root password 1') : who.includes('@') ? server.basic(who) : server.basic(email(who));
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: authorization, ...(body !== undefined && path.startsWith('/api/') ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

const ns = 'xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav" xmlns:P="urn:partage:ns"';
const vcard = (uid: string, fn: string, mail: string) =>
  ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, `FN:${fn}`, `N:${fn};;;;`, `EMAIL;TYPE=INTERNET:${mail}`, 'END:VCARD', ''].join('\r\n');
const putCard = (owner: string, name: string, card: string) =>
  as(owner, 'PUT', `/webdav/${email(owner)}/Contacts/${name}`, card, { 'Content-Type': 'text/vcard' });
const setGal = (by: string, owner: string, enabled: boolean, folder = 'Contacts') =>
  as(by, 'PUT', `/api/v1/accounts/${owner}/gal`, JSON.stringify({ folder, enabled }));
const suggest = async (who: string, q: string) => {
  const response = await as(who, 'GET', `/api/v1/autocomplete?q=${encodeURIComponent(q)}`);
  expect(response.status).toBe(200);
  return JSON.parse(response.text) as { name: string; email: string; source: string; gal?: string }[];
};
const galFlag = async (who: string, owner: string) =>
  /<P:gal>([^<]*)<\/P:gal>/.exec(
    (await as(who, 'PROPFIND', `/webdav/${owner}/Contacts/`, `<D:propfind ${ns}><D:prop><P:gal/></D:prop></D:propfind>`, { Depth: '0' })).text,
  )?.[1];

beforeAll(async () => {
  for (const [uid, fn, mail] of [
    ['c1', 'Élodie Dupré', 'elodie@mairie.example'],
    ['c2', 'Dupont Martin', 'martin.dupont@mairie.example'],
    ['c3', 'Anne Lefèvre', 'dup@mairie.example'],
    ['c4', 'Bernard Rondup', 'bernard@mairie.example'],
  ] as const) {
    expect((await putCard('annuaire', `${uid}.vcf`, vcard(uid, fn, mail))).status).toBe(201);
  }
});

describe('flagging a GAL', () => {
  it('lets the owner flag a contacts folder through REST, and shows it as {urn:partage:ns}gal', async () => {
    expect(await galFlag('annuaire', email('annuaire'))).toBe('false');
    const flagged = await setGal('annuaire', email('annuaire'), true);
    expect(flagged.status).toBe(200);
    expect(JSON.parse(flagged.text)).toEqual({ owner: email('annuaire'), folder: 'Contacts', enabled: true });
    expect(await galFlag('annuaire', email('annuaire'))).toBe('true');
    const listed = JSON.parse((await as('annuaire', 'GET', `/api/v1/accounts/${email('annuaire')}/gal`)).text) as unknown;
    expect(listed).toEqual({ folders: [{ owner: email('annuaire'), folder: 'Contacts', enabled: true }], membersInGal: false });
  });

  it('refuses other accounts, and folders that are not contacts', async () => {
    expect((await setGal('jean', email('annuaire'), false)).status).toBe(403);
    const notContacts = await setGal('root', email('jean'), true, 'Calendar');
    expect(notContacts.status).toBe(400);
    expect((await setGal('root', email('jean'), true, 'Nope')).status).toBe(404);
  });

  it('is settable by PROPPATCH by the owner and an administrator, not by a sharee with modify', async () => {
    const patch = (who: string, value: string) =>
      as(who, 'PROPPATCH', `/webdav/${email('jean')}/Contacts/`, `<D:propertyupdate ${ns}><D:set><D:prop><P:gal>${value}</P:gal></D:prop></D:set></D:propertyupdate>`);
    expect((await patch('jean', 'true')).status).toBe(207);
    expect(await galFlag('jean', email('jean'))).toBe('true');
    expect((await patch('root', 'false')).status).toBe(207);
    expect(await galFlag('jean', email('jean'))).toBe('false');
    await as('jean', 'PUT', `/api/v1/accounts/${email('jean')}/grants`, JSON.stringify({ folder: 'Contacts', grantee: email('marius'), rights: ['read', 'modify'] }));
    expect((await patch('marius', 'true')).status).toBe(403);
    expect(await galFlag('jean', email('jean'))).toBe('false');
  });
});

describe('autocomplete', () => {
  beforeAll(async () => {
    // François and the account without GroupWare may read the GAL; Marius may not.
    const grant = (grantee: string) =>
      as('annuaire', 'PUT', `/api/v1/accounts/${email('annuaire')}/grants`, JSON.stringify({ folder: 'Contacts', grantee, rights: ['read'] }));
    expect((await grant(email('francois'))).status).toBe(201);
    expect((await grant(email('horsgw'))).status).toBe(201);
  });

  it('ranks the exact email first, then prefix matches, then matches inside', async () => {
    const found = await suggest('francois', 'dup');
    expect(found.map((m) => m.email)).toEqual([
      'dup@mairie.example',
      'martin.dupont@mairie.example',
      'elodie@mairie.example',
      'bernard@mairie.example',
    ]);
    expect(found[0]).toMatchObject({ email: 'dup@mairie.example' });
    expect(found.slice(1, 3).map((m) => m.name)).toEqual(['Dupont Martin', 'Élodie Dupré']);
    expect(found[3]).toMatchObject({ name: 'Bernard Rondup', source: 'gal', gal: `${email('annuaire')}/Contacts` });
    expect((await suggest('francois', 'dup@mairie.example'))[0]).toMatchObject({ name: 'Anne Lefèvre' });
  });

  it('folds case and accents as the index does, and finds the accounts of the domain', async () => {
    expect((await suggest('francois', 'ÉLOD')).map((m) => m.email)).toEqual(['elodie@mairie.example']);
    expect(await suggest('francois', 'mari')).toEqual([expect.objectContaining({ email: email('marius'), source: 'domain' })]);
    expect(await suggest('francois', 'outsider')).toEqual([]);
  });

  it('gives no GAL card to an account that may not read the GAL', async () => {
    expect(await suggest('marius', 'dup')).toEqual([]);
    expect((await suggest('marius', 'jean')).map((m) => m.email)).toEqual([email('jean')]);
  });

  it('follows a grant given and removed after the caller asked (the owner\'s grants are cached until they change)', async () => {
    expect(await suggest('marius', 'dup')).toEqual([]);
    const grants = `/api/v1/accounts/${email('annuaire')}/grants`;
    expect((await as('annuaire', 'PUT', grants, JSON.stringify({ folder: 'Contacts', grantee: email('marius'), rights: ['read'] }))).status).toBe(201);
    expect((await suggest('marius', 'dup')).length).toBe(4);
    const removed = await as('annuaire', 'DELETE', `${grants}?folder=Contacts&grantee=${encodeURIComponent(email('marius'))}`);
    expect(removed.status).toBe(204);
    expect(await suggest('marius', 'dup')).toEqual([]);
  });

  it('serves autocomplete to an account without GroupWare, which DAV refuses every address book', async () => {
    expect((await suggest('horsgw', 'dup')).length).toBe(4);
    const gal = await as('horsgw', 'PROPFIND', `/webdav/${email('annuaire')}/Contacts/`, undefined, { Depth: '0' });
    expect(gal.status).toBe(403);
    expect(gal.text).toContain('<P:service-disabled>groupware</P:service-disabled>');
    expect((await as('francois', 'PROPFIND', `/webdav/${email('annuaire')}/Contacts/`, undefined, { Depth: '0' })).status).toBe(207);
    expect((await as('horsgw', 'PROPFIND', '/webdav/directory/', undefined, { Depth: '0' })).status).toBe(403);
    const home = await as('horsgw', 'PROPFIND', `/webdav/${email('horsgw')}/`, undefined, { Depth: '1' });
    expect(home.status).toBe(207);
    expect(home.text).not.toContain('/Contacts/');
  });
});

describe('the CardDAV directory gateway', () => {
  it('advertises the directory on the caller principal (RFC 6352 §6.4)', async () => {
    const body = `<D:propfind ${ns}><D:prop><CR:directory-gateway/></D:prop></D:propfind>`;
    const own = await as('francois', 'PROPFIND', `/webdav/principals/${email('francois')}/`, body, { Depth: '0' });
    expect(own.text).toContain('<CR:directory-gateway><D:href>/webdav/directory/</D:href></CR:directory-gateway>');
    const none = await as('horsgw', 'PROPFIND', `/webdav/principals/${email('horsgw')}/`, body, { Depth: '0' });
    expect(none.text).not.toContain('/webdav/directory/');
  });

  it('is an address book merging the readable GALs and the accounts of the domain', async () => {
    const listing = await as('francois', 'PROPFIND', '/webdav/directory/', `<D:propfind ${ns}><D:prop><D:resourcetype/></D:prop></D:propfind>`, { Depth: '1' });
    expect(listing.status).toBe(207);
    expect(listing.text).toContain('<CR:addressbook/>');
    const cards = [...listing.text.matchAll(/<D:href>\/webdav\/directory\/([^<]+)<\/D:href>/g)].map((m) => m[1]);
    expect(cards.filter((c) => c?.startsWith('g'))).toHaveLength(4);
    expect(cards.filter((c) => c?.startsWith('a'))).toHaveLength(people.length + 1);
    const marius = await as('marius', 'PROPFIND', '/webdav/directory/', undefined, { Depth: '1' });
    expect(marius.text).not.toMatch(/directory\/g\d+-/);
  });

  it('answers addressbook-query with the filter machinery, on GAL cards and accounts alike', async () => {
    const query = (filter: string) =>
      as('francois', 'REPORT', '/webdav/directory/', `<CR:addressbook-query ${ns}><D:prop><D:getetag/><CR:address-data/></D:prop><CR:filter>${filter}</CR:filter></CR:addressbook-query>`, { Depth: '1' });
    const dupre = await query('<CR:prop-filter name="FN"><CR:text-match match-type="contains">dupr</CR:text-match></CR:prop-filter>');
    expect(dupre.status).toBe(207);
    expect(dupre.text).toContain('FN:Élodie Dupré');
    expect(dupre.text.match(/<D:response>/g)).toHaveLength(1);
    const account = await query(`<CR:prop-filter name="EMAIL"><CR:text-match match-type="equals">${email('jean')}</CR:text-match></CR:prop-filter>`);
    expect(account.text).toContain(`EMAIL;TYPE=INTERNET:${email('jean')}`);
    expect(account.text).toMatch(/UID:urn:uuid:[0-9a-f-]{36}/);
    const href = /<D:href>(\/webdav\/directory\/a\d+\.vcf)<\/D:href>/.exec(account.text)?.[1] ?? '';
    const card = await as('francois', 'GET', href, undefined, { Accept: 'text/vcard; version=4.0' });
    expect(card.status).toBe(200);
    expect(card.text).toContain('VERSION:4.0');
    expect((await as('francois', 'PUT', href, 'x', { 'Content-Type': 'text/vcard' })).status).toBe(403);
  });
});

describe('a group with members in the GAL', () => {
  const group = email('equipe');
  const cardsOf = async () => {
    const listing = await as('root', 'PROPFIND', `/webdav/${group}/Contacts/`, undefined, { Depth: '1' });
    return [...listing.text.matchAll(/partage-member-\d+\.vcf/g)].length;
  };

  it('creates one card per member, flags the folder, and follows membership', async () => {
    const created = await as('root', 'POST', '/api/v1/accounts', JSON.stringify({ email: group, kind: 'group', members: [email('jean'), email('marius')], membersInGal: true }));
    expect(created.status).toBe(201);
    expect(await cardsOf()).toBe(2);
    expect(JSON.parse((await as('root', 'GET', `/api/v1/accounts/${group}/gal`)).text)).toEqual({
      folders: [{ owner: group, folder: 'Contacts', enabled: true }],
      membersInGal: true,
    });
    expect((await as('root', 'PUT', `/api/v1/accounts/${group}/members`, JSON.stringify([email('marius'), email('francois')]))).status).toBe(200);
    expect(await cardsOf()).toBe(2);
    const query = await as('root', 'REPORT', `/webdav/${group}/Contacts/`, `<CR:addressbook-query ${ns}><D:prop><CR:address-data/></D:prop><CR:filter><CR:prop-filter name="EMAIL"><CR:text-match match-type="equals">${email('jean')}</CR:text-match></CR:prop-filter></CR:filter></CR:addressbook-query>`, { Depth: '1' });
    expect(query.text).not.toContain('<D:response>');
    await server.partage.accounts.remove(email('francois'));
    expect(await cardsOf()).toBe(1);
    // The change rows of the member cards carry their UIDs (the directory's sync, migration 0013).
    const logged = await server.partage.database.db
      .selectFrom('change')
      .innerJoin('node', (join) => join.onRef('node.parentId', '=', 'change.collectionId').onRef('node.name', '=', 'change.memberName'))
      .innerJoin('card', 'card.nodeId', 'node.id')
      .select(['change.uid as logged', 'card.uid as uid'])
      .where('change.memberName', 'like', 'partage-member-%')
      .execute();
    expect(logged.length).toBeGreaterThan(0);
    for (const row of logged) expect(row.logged).toBe(row.uid);
  });

  it('rewrites a member card when the member name changes by PATCH', async () => {
    const patched = await as('root', 'PATCH', `/api/v1/accounts/${email('marius')}`, JSON.stringify({ displayName: 'Marius Pagnol' }));
    expect(patched.status).toBe(200);
    expect(JSON.parse(patched.text)).toMatchObject({ email: email('marius'), displayName: 'Marius Pagnol' });
    const listing = await as('root', 'REPORT', `/webdav/${group}/Contacts/`, `<CR:addressbook-query ${ns}><D:prop><CR:address-data/></D:prop></CR:addressbook-query>`, { Depth: '1' });
    expect(listing.text).toContain('FN:Marius Pagnol');
  });

  it('turns members in the GAL off and on again by PATCH, removing and recreating the cards', async () => {
    const off = await as('root', 'PATCH', `/api/v1/accounts/${group}`, JSON.stringify({ membersInGal: false }));
    expect(off.status).toBe(200);
    expect(await cardsOf()).toBe(0);
    expect(JSON.parse((await as('root', 'GET', `/api/v1/accounts/${group}/gal`)).text)).toMatchObject({ membersInGal: false });
    const on = await as('root', 'PATCH', `/api/v1/accounts/${group}`, JSON.stringify({ membersInGal: true }));
    expect(on.status).toBe(200);
    expect(await cardsOf()).toBe(1);
    expect(JSON.parse((await as('root', 'GET', `/api/v1/accounts/${group}/gal`)).text)).toMatchObject({ membersInGal: true });
  });

  it('refuses membersInGal on a user, an empty PATCH and an unknown field', async () => {
    expect((await as('root', 'PATCH', `/api/v1/accounts/${email('jean')}`, JSON.stringify({ membersInGal: true }))).status).toBe(409);
    expect((await as('root', 'PATCH', `/api/v1/accounts/${group}`, JSON.stringify({}))).status).toBe(400);
    expect((await as('root', 'PATCH', `/api/v1/accounts/${group}`, JSON.stringify({ colour: 'red' }))).status).toBe(400);
    expect((await as('jean', 'PATCH', `/api/v1/accounts/${email('jean')}`, JSON.stringify({ displayName: 'Jean' }))).status).toBe(403);
  });
});
