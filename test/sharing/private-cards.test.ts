import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Private and confidential cards (SPEC §4, ADR 0017): vCard 3.0 `CLASS` as iOS Contacts and
 * DAVx5 write it. Jean owns the address book; François reads and writes it; the secretariat
 * holds all rights, admin included, and sees everything, as Jean does.
 */
let server: TestServer;
const email = (who: string) => `${who}@cartes.test`;
const book = `/webdav/${email('jean')}/Contacts`;

beforeAll(async () => {
  server = await startTestServer();
  for (const who of ['jean', 'francois', 'secretariat', 'annuaire']) await server.createUser(email(who));
  const grant = (owner: string, grantee: string, rights: string[]) =>
    fetch(`${server.url}/api/v1/accounts/${email(owner)}/grants`, {
      method: 'PUT',
      headers: { Authorization: server.basic(email(owner)), 'Content-Type': 'application/json' },
      body: JSON.stringify({ folder: 'Contacts', grantee: email(grantee), rights }),
    });
  await grant('jean', 'francois', ['read', 'create', 'modify', 'delete']);
  await grant('jean', 'secretariat', ['read', 'create', 'modify', 'delete', 'admin']);
  await grant('annuaire', 'francois', ['read']);
  await grant('annuaire', 'secretariat', ['read', 'admin']);
});
afterAll(async () => {
  await server.stop();
});

async function as(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, { method, headers: { Authorization: server.basic(email(who)), ...headers }, ...(body === undefined ? {} : { body }) });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** A vCard 3.0 as iOS Contacts sends it (grouped EMAIL with its X-ABLabel, a NOTE, CLASS). */
const iosCard = (uid: string, classification: string, fn: string, mail: string) =>
  [
    'BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Apple Inc.//iPhone OS 17.5//EN', `N:${fn};;;;`, `FN:${fn}`, 'ORG:Cabinet;',
    `item1.EMAIL;type=INTERNET;type=pref:${mail}`, 'item1.X-ABLabel:_$!<Other>!$_', 'TEL;type=CELL;type=VOICE;type=pref:+33 6 12 34 56 78',
    'NOTE:dossier sensible', `CLASS:${classification}`, `UID:${uid}`, 'END:VCARD', '',
  ].join('\r\n');
/** The same card as DAVx5 (ez-vcard) writes it. */
const davx5Card = (uid: string, classification: string, fn: string, mail: string) =>
  ['BEGIN:VCARD', 'VERSION:3.0', 'PRODID:ez-vcard 0.11.3', `UID:${uid}`, `FN:${fn}`, `N:${fn};;;;`, `EMAIL;TYPE=work:${mail}`,
    'NOTE:dossier sensible', `CLASS:${classification}`, 'REV:20261128T101010Z', 'END:VCARD', ''].join('\r\n');
const putIos = (who: string, path: string, card: string) =>
  as(who, 'PUT', path, card, { 'Content-Type': 'text/vcard', 'User-Agent': 'iOS/17.5 (21F79) dataaccessd/1.0' });
const putDavx5 = (who: string, path: string, card: string, headers: Record<string, string> = {}) =>
  as(who, 'PUT', path, card, { 'Content-Type': 'text/vcard; charset=utf-8', 'User-Agent': 'DAVx5/4.4.1-ose (2024/06/18; dav4jvm; okhttp/4.12.0) Android/14', ...headers });

/** DAVx5's sync-collection and addressbook-multiget bodies. */
const syncBody = (token: string) =>
  `<?xml version='1.0' encoding='UTF-8' ?><sync-collection xmlns="DAV:" xmlns:CARD="urn:ietf:params:xml:ns:carddav"><sync-token>${token}</sync-token><sync-level>1</sync-level><prop><getcontenttype /><getetag /></prop></sync-collection>`;
const multiget = (...names: string[]) =>
  `<?xml version='1.0' encoding='UTF-8' ?><CARD:addressbook-multiget xmlns="DAV:" xmlns:CARD="urn:ietf:params:xml:ns:carddav"><prop><getcontenttype /><getetag /><CARD:address-data /></prop>${names.map((n) => `<href>${book}/${n}</href>`).join('')}</CARD:addressbook-multiget>`;
/** An addressbook-query as a search field sends it. */
const query = (property: string, text: string) =>
  `<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data/></D:prop><C:filter test="anyof"><C:prop-filter name="${property}"><C:text-match collation="i;unicode-casemap" match-type="contains">${text}</C:text-match></C:prop-filter></C:filter></C:addressbook-query>`;
const tokenOf = (text: string) => /<(?:D:)?sync-token>([^<]+)</.exec(text)?.[1] ?? '';

describe('private and confidential cards (SPEC §4)', () => {
  beforeAll(async () => {
    expect((await putIos('jean', `${book}/public.vcf`, iosCard('public', 'PUBLIC', 'Paul Public', 'paul@cabinet.test'))).status).toBe(201);
    expect((await putIos('jean', `${book}/private.vcf`, iosCard('private', 'PRIVATE', 'Pierre Privé', 'pierre@cabinet.test'))).status).toBe(201);
    expect(
      (await putDavx5('jean', `${book}/confidential.vcf`, davx5Card('confidential', 'CONFIDENTIAL', 'Claire Confidentielle', 'claire@cabinet.test'), { 'If-None-Match': '*' })).status,
    ).toBe(201);
  });

  it('hides a private card from a sharee in GET, HEAD, listings, queries, multiget and sync', async () => {
    expect((await as('francois', 'GET', `${book}/private.vcf`)).status).toBe(404);
    expect((await as('francois', 'HEAD', `${book}/private.vcf`)).status).toBe(404);
    const listing = await as('francois', 'PROPFIND', `${book}/`, undefined, { Depth: '1' });
    expect(listing.status).toBe(207);
    expect(listing.text).toContain('public.vcf');
    expect(listing.text).not.toContain('private.vcf');
    const byName = await as('francois', 'REPORT', `${book}/`, query('FN', 'Pierre'), { Depth: '1' });
    expect(byName.status).toBe(207);
    expect(byName.text).not.toContain('Pierre');
    expect((await as('francois', 'REPORT', `${book}/`, query('EMAIL', 'cabinet.test'), { Depth: '1' })).text).toContain('Paul Public');
    const got = await as('francois', 'REPORT', `${book}/`, multiget('private.vcf', 'public.vcf'), { Depth: '1' });
    expect(got.text).not.toContain('Pierre');
    expect(got.text).toContain('Paul Public');
    expect(got.text).toMatch(/private\.vcf<\/D:href><D:status>HTTP\/1\.1 404 Not Found/);
    const sync = await as('francois', 'REPORT', `${book}/`, syncBody(''), { Depth: '1' });
    expect(sync.text).toContain('public.vcf');
    expect(sync.text).not.toContain('private.vcf');
  });

  it('shows a private card to the owner and to holders of admin', async () => {
    for (const who of ['jean', 'secretariat']) {
      expect((await as(who, 'GET', `${book}/private.vcf`)).text).toContain('FN:Pierre Privé');
      expect((await as(who, 'PROPFIND', `${book}/`, undefined, { Depth: '1' })).text).toContain('private.vcf');
      expect((await as(who, 'REPORT', `${book}/`, query('FN', 'Pierre'), { Depth: '1' })).text).toContain('Pierre Privé');
      expect((await as(who, 'REPORT', `${book}/`, syncBody(''), { Depth: '1' })).text).toContain('private.vcf');
    }
  });

  it('does not let a sharee overwrite, delete, copy or move a private card', async () => {
    expect((await putIos('francois', `${book}/private.vcf`, iosCard('private', 'PUBLIC', 'Écrasé', 'x@cabinet.test'))).status).toBe(404);
    expect((await as('francois', 'DELETE', `${book}/private.vcf`)).status).toBe(404);
    const own = `/webdav/${email('francois')}/Contacts`;
    for (const method of ['COPY', 'MOVE']) {
      expect((await as('francois', method, `${book}/private.vcf`, undefined, { Destination: `${server.url}${own}/stolen.vcf` })).status).toBe(404);
    }
    expect((await as('francois', 'GET', `${own}/stolen.vcf`)).status).toBe(404);
    expect((await as('jean', 'GET', `${book}/private.vcf`)).text).toContain('FN:Pierre Privé');
  });

  it('shows a confidential card reduced to its name, in GET, HEAD, multiget and queries', async () => {
    const got = await as('francois', 'GET', `${book}/confidential.vcf`);
    expect(got.status).toBe(200);
    expect(got.text).toBe(['BEGIN:VCARD', 'VERSION:3.0', 'UID:confidential', 'FN:Claire Confidentielle', 'N:Claire Confidentielle;;;;', 'CLASS:CONFIDENTIAL', 'END:VCARD', ''].join('\r\n'));
    const head = await as('francois', 'HEAD', `${book}/confidential.vcf`);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(got.text)));
    const got2 = await as('francois', 'REPORT', `${book}/`, multiget('confidential.vcf'), { Depth: '1' });
    expect(got2.text).toContain('FN:Claire Confidentielle');
    expect(got2.text).not.toContain('claire@cabinet.test');
    expect(got2.text).not.toContain('sensible');
    // Found by what the sharee sees (its name), not by what is hidden (its email, its note).
    const byName = await as('francois', 'REPORT', `${book}/`, query('FN', 'Claire'), { Depth: '1' });
    expect(byName.text).toContain('confidential.vcf');
    expect(byName.text).not.toContain('claire@cabinet.test');
    expect((await as('francois', 'REPORT', `${book}/`, query('EMAIL', 'claire'), { Depth: '1' })).text).not.toContain('confidential.vcf');
    expect((await as('francois', 'REPORT', `${book}/`, query('NOTE', 'sensible'), { Depth: '1' })).text).not.toContain('confidential.vcf');
    const whole = await as('secretariat', 'GET', `${book}/confidential.vcf`);
    expect(whole.text).toContain('claire@cabinet.test');
    expect((await as('secretariat', 'REPORT', `${book}/`, query('EMAIL', 'claire'), { Depth: '1' })).text).toContain('confidential.vcf');
  });

  it('refuses a sharee without admin to change, delete, copy or move a confidential card', async () => {
    const changed = await putDavx5('francois', `${book}/confidential.vcf`, davx5Card('confidential', 'PUBLIC', 'Claire', 'autre@cabinet.test'));
    expect(changed.status).toBe(403);
    expect((await as('francois', 'DELETE', `${book}/confidential.vcf`)).status).toBe(403);
    const own = `/webdav/${email('francois')}/Contacts`;
    for (const method of ['COPY', 'MOVE']) {
      const refused = await as('francois', method, `${book}/confidential.vcf`, undefined, { Destination: `${server.url}${own}/copied.vcf` });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('need-privileges');
      expect((await as('francois', 'GET', `${own}/copied.vcf`)).status).toBe(404);
    }
    expect((await as('jean', 'GET', `${book}/confidential.vcf`)).text).toContain('claire@cabinet.test');
    const copy = `/webdav/${email('secretariat')}/Contacts/copy.vcf`;
    expect((await as('secretariat', 'COPY', `${book}/confidential.vcf`, undefined, { Destination: `${server.url}${copy}` })).status).toBe(201);
    expect((await as('secretariat', 'GET', copy)).text).toContain('claire@cabinet.test');
  });

  it('leaves a private card out of the export of the address book and reduces a confidential one', async () => {
    const exported = await as('francois', 'GET', `${book}/`);
    expect(exported.status).toBe(200);
    expect(exported.text).toContain('FN:Paul Public');
    expect(exported.text).not.toContain('Pierre');
    expect(exported.text).toContain('FN:Claire Confidentielle');
    expect(exported.text).not.toContain('claire@cabinet.test');
    const whole = await as('secretariat', 'GET', `${book}/`);
    expect(whole.text).toContain('FN:Pierre Privé');
    expect(whole.text).toContain('claire@cabinet.test');
  });

  it("removes a card from a sharee's next sync when it becomes private, and brings it back when public again", async () => {
    expect((await putIos('jean', `${book}/later.vcf`, iosCard('later', 'PUBLIC', 'Léa Later', 'lea@cabinet.test'))).status).toBe(201);
    const token = tokenOf((await as('francois', 'REPORT', `${book}/`, syncBody(''), { Depth: '1' })).text);
    expect(token).not.toBe('');
    expect((await putIos('jean', `${book}/later.vcf`, iosCard('later', 'PRIVATE', 'Léa Later', 'lea@cabinet.test'))).status).toBe(204);
    const delta = await as('francois', 'REPORT', `${book}/`, syncBody(token), { Depth: '1' });
    expect(delta.text).toContain(`<D:href>${book}/later.vcf</D:href><D:status>HTTP/1.1 404 Not Found</D:status>`);
    expect((await as('francois', 'GET', `${book}/later.vcf`)).status).toBe(404);
    const next = tokenOf(delta.text);
    expect((await putIos('jean', `${book}/later.vcf`, iosCard('later', 'PUBLIC', 'Léa Later', 'lea@cabinet.test'))).status).toBe(204);
    const back = await as('francois', 'REPORT', `${book}/`, syncBody(next), { Depth: '1' });
    expect(back.text).toMatch(/later\.vcf<\/D:href><D:propstat>/);
  });
});

describe('private and confidential cards in a GAL (SPEC §4, §5)', () => {
  const gal = `/webdav/${email('annuaire')}/Contacts`;
  const suggest = async (who: string, q: string) => {
    const response = await as(who, 'GET', `/api/v1/autocomplete?q=${encodeURIComponent(q)}`);
    expect(response.status).toBe(200);
    return (JSON.parse(response.text) as { email: string }[]).map((m) => m.email);
  };
  const directory = (who: string) =>
    as(who, 'PROPFIND', '/webdav/directory/', '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data/></D:prop></D:propfind>', { Depth: '1' });

  beforeAll(async () => {
    const flagged = await as('annuaire', 'PUT', `/api/v1/accounts/${email('annuaire')}/gal`, JSON.stringify({ folder: 'Contacts', enabled: true }), { 'Content-Type': 'application/json' });
    expect(flagged.status).toBeLessThan(300);
    expect((await putIos('annuaire', `${gal}/g-public.vcf`, iosCard('g-public', 'PUBLIC', 'Gaston Public', 'gaston@mairie.test'))).status).toBe(201);
    expect((await putIos('annuaire', `${gal}/g-private.vcf`, iosCard('g-private', 'PRIVATE', 'Gaspard Privé', 'gaspard@mairie.test'))).status).toBe(201);
    expect((await putIos('annuaire', `${gal}/g-conf.vcf`, iosCard('g-conf', 'CONFIDENTIAL', 'Gabrielle Confidentielle', 'gabrielle@mairie.test'))).status).toBe(201);
  });

  it('never suggests a private or confidential card to a reader without admin', async () => {
    expect(await suggest('francois', 'ga')).toEqual(['gaston@mairie.test']);
    expect(await suggest('francois', 'gaspard@mairie.test')).toEqual([]);
    expect(await suggest('francois', 'privé')).toEqual([]);
  });

  it('suggests every card to the owner and to holders of admin', async () => {
    for (const who of ['annuaire', 'secretariat']) {
      expect((await suggest(who, 'ga')).sort()).toEqual(['gabrielle@mairie.test', 'gaspard@mairie.test', 'gaston@mairie.test']);
    }
  });

  it('leaves a private card out of the directory and shows a confidential one reduced', async () => {
    const seen = await directory('francois');
    expect(seen.status).toBe(207);
    expect(seen.text).toContain('Gaston Public');
    expect(seen.text).not.toContain('Gaspard');
    expect(seen.text).toContain('FN:Gabrielle Confidentielle');
    expect(seen.text).not.toContain('gabrielle@mairie.test');
    const whole = await directory('secretariat');
    expect(whole.text).toContain('Gaspard Privé');
    expect(whole.text).toContain('gabrielle@mairie.test');
    const search = `<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><C:address-data/></D:prop><C:filter><C:prop-filter name="EMAIL"><C:text-match match-type="contains">mairie.test</C:text-match></C:prop-filter></C:filter></C:addressbook-query>`;
    const found = await as('francois', 'REPORT', '/webdav/directory/', search, { Depth: '1' });
    expect(found.status).toBe(207);
    expect(found.text).toContain('Gaston Public');
    expect(found.text).not.toContain('Gaspard');
    expect(found.text).not.toContain('Gabrielle');
  });
});
