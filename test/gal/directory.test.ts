import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accountCardUid } from '@partage/contacts';
import { childElements, dav, parseXml, textOf, type XmlElement } from '@partage/dav-xml';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The directory address book's principal-address, addressbook-multiget and sync-collection
 * (RFC 6352 §6.4, §7.1.2, §8.7; RFC 6578), with the bodies DAVx5 and iOS Contacts send.
 */
let server: TestServer;
const email = (who: string) => `${who}@dir.test`;
const davx5 = 'DAVx5/4.4.2-ose (2024/09/12; dav4jvm; okhttp/4.12.0) Android/14';
const ios = 'iOS/17.1 (21B74) dataaccessd/1.0';

beforeAll(async () => {
  server = await startTestServer();
  // `annuaire` sorts before `zoe`: their GALs come in that order in the merge.
  for (const who of ['annuaire', 'zoe', 'jean', 'marie']) await server.createUser(email(who));
  await server.createUser('outsider@autre.test');
});
afterAll(async () => {
  await server.stop();
});

async function as(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const authorization = server.basic(who.includes('@') ? who : email(who));
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: authorization, ...(path.startsWith('/api/') ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const vcard = (uid: string, fn: string, mail: string) =>
  ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, `FN:${fn}`, `N:${fn};;;;`, `EMAIL;TYPE=INTERNET:${mail}`, 'END:VCARD', ''].join('\r\n');
const putCard = async (owner: string, name: string, card: string) => {
  const put = await as(owner, 'PUT', `/webdav/${email(owner)}/Contacts/${name}`, card, { 'Content-Type': 'text/vcard' });
  expect([201, 204]).toContain(put.status);
};
const deleteCard = async (owner: string, name: string) => {
  expect((await as(owner, 'DELETE', `/webdav/${email(owner)}/Contacts/${name}`)).status).toBe(204);
};
const setGal = async (owner: string, enabled: boolean) => {
  expect((await as(owner, 'PUT', `/api/v1/accounts/${email(owner)}/gal`, JSON.stringify({ folder: 'Contacts', enabled }))).status).toBe(200);
};
const grantRead = async (owner: string, grantee: string) => {
  const granted = await as(owner, 'PUT', `/api/v1/accounts/${email(owner)}/grants`, JSON.stringify({ folder: 'Contacts', grantee: email(grantee), rights: ['read'] }));
  expect([200, 201]).toContain(granted.status);
};
const revokeRead = async (owner: string, grantee: string) => {
  const path = `/api/v1/accounts/${email(owner)}/grants?folder=Contacts&grantee=${encodeURIComponent(email(grantee))}`;
  expect((await as(owner, 'DELETE', path)).status).toBe(204);
};
const accountId = async (address: string): Promise<number> => {
  const row = await server.partage.database.db.selectFrom('account').select('id').where('email', '=', address).executeTakeFirstOrThrow();
  return row.id;
};
const folderId = async (owner: string): Promise<number> => {
  const row = await server.partage.database.db
    .selectFrom('node')
    .innerJoin('account', 'account.id', 'node.accountId')
    .select('node.id')
    .where('account.email', '=', email(owner))
    .where('node.name', '=', 'Contacts')
    .executeTakeFirstOrThrow();
  return row.id;
};

const responsesOf = (text: string): XmlElement[] => childElements(parseXml(text)).filter((e) => e.name === dav('response'));
const hrefOf = (response: XmlElement): string => textOf(childElements(response).find((e) => e.name === dav('href')) ?? response);
const statusOf = (response: XmlElement): string =>
  textOf(childElements(response).find((e) => e.name === dav('status')) ?? { name: dav('status'), attributes: {}, children: [] });

/** A sync-collection as DAVx5 sends it; `changed` and `removed` are member names. */
async function sync(who: string, token?: string, extra = '') {
  const body = `<?xml version='1.0' encoding='UTF-8' ?><sync-collection xmlns="DAV:"><sync-token>${token ?? ''}</sync-token><sync-level>1</sync-level>${extra}<prop><getetag /></prop></sync-collection>`;
  const response = await as(who, 'REPORT', '/webdav/directory/', body, { Depth: '0', 'Content-Type': 'application/xml; charset=utf-8', 'User-Agent': davx5 });
  if (response.status !== 207) return { status: response.status, text: response.text, changed: [], removed: [], token: '' };
  const responses = responsesOf(response.text);
  const name = (r: XmlElement) => decodeURIComponent(hrefOf(r).replace('/webdav/directory/', ''));
  return {
    status: response.status,
    text: response.text,
    changed: responses.filter((r) => !statusOf(r).includes('404')).map(name).sort(),
    removed: responses.filter((r) => statusOf(r).includes('404')).map(name).sort(),
    token: /<D:sync-token>([^<]+)<\/D:sync-token>/.exec(response.text)?.[1] ?? '',
  };
}

describe('principal-address (RFC 6352 §7.1.2)', () => {
  const propfind = `<?xml version="1.0" encoding="UTF-8"?><A:propfind xmlns:A="DAV:" xmlns:B="urn:ietf:params:xml:ns:carddav" xmlns:C="http://calendarserver.org/ns/"><A:prop><B:addressbook-home-set/><B:directory-gateway/><A:displayname/><C:email-address-set/><B:principal-address/><A:principal-URL/><A:resource-id/><A:supported-report-set/></A:prop></A:propfind>`;
  const principalAddress = async (who: string, of: string) => {
    const answer = await as(who, 'PROPFIND', `/webdav/principals/${of}/`, propfind, { Depth: '0', 'User-Agent': ios });
    expect(answer.status).toBe(207);
    return { text: answer.text, href: /<CR:principal-address><D:href>([^<]+)<\/D:href><\/CR:principal-address>/.exec(answer.text)?.[1] };
  };

  it('names the account card of the principal in the directory, which GET serves as text/vcard with an ETag', async () => {
    const own = await principalAddress('jean', email('jean'));
    expect(own.href).toBe(`/webdav/directory/a${await accountId(email('jean'))}.vcf`);
    const card = await as('jean', 'GET', own.href ?? '');
    expect(card.status).toBe(200);
    expect(card.headers.get('content-type')).toMatch(/^text\/vcard/);
    expect(card.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    expect(card.text).toContain(`EMAIL;TYPE=INTERNET:${email('jean')}`);
    expect(card.text).toContain(`UID:${accountCardUid(email('jean'))}`);
    expect((await principalAddress('jean', email('marie'))).href).toBe(`/webdav/directory/a${await accountId(email('marie'))}.vcf`);
  });

  it('answers 404 in the propstat for a principal of another domain, naming nothing', async () => {
    const other = await principalAddress('jean', 'outsider@autre.test');
    expect(other.href).toBeUndefined();
    expect(other.text).toMatch(/<D:propstat><D:prop>(<[^>]+\/>)*<CR:principal-address\/>(<[^>]+\/>)*<\/D:prop><D:status>HTTP\/1.1 404/);
    expect(other.text).not.toContain('/webdav/directory/a');
    const back = await principalAddress('outsider@autre.test', email('jean'));
    expect(back.href).toBeUndefined();
  });
});

describe('addressbook-multiget on the directory', () => {
  beforeAll(async () => {
    await putCard('annuaire', 'mairie.vcf', vcard('gal-mairie', 'Mairie de Sète', 'accueil@mairie.example'));
    await setGal('annuaire', true);
    await grantRead('annuaire', 'jean');
  });

  it('returns account and GAL cards, converted to the version DAVx5 asks for, and 404 for unknown hrefs', async () => {
    const jean = `/webdav/directory/a${await accountId(email('jean'))}.vcf`;
    const gal = `/webdav/directory/g${await folderId('annuaire')}-mairie.vcf`;
    const outsider = `/webdav/directory/a${await accountId('outsider@autre.test')}.vcf`;
    const body = `<?xml version='1.0' encoding='UTF-8' ?><CARD:addressbook-multiget xmlns="DAV:" xmlns:CARD="urn:ietf:params:xml:ns:carddav"><prop><getetag /><CARD:address-data content-type="text/vcard" version="4.0" /></prop><href>${jean}</href><href>${gal}</href><href>/webdav/directory/nope.vcf</href><href>${outsider}</href><href>/webdav/${email('jean')}/Contacts/x.vcf</href></CARD:addressbook-multiget>`;
    const answer = await as('jean', 'REPORT', '/webdav/directory/', body, { Depth: '0', 'Content-Type': 'application/xml; charset=utf-8', 'User-Agent': davx5 });
    expect(answer.status).toBe(207);
    const responses = responsesOf(answer.text);
    expect(responses).toHaveLength(5);
    const found = responses.filter((r) => !statusOf(r).includes('404')).map(hrefOf).sort();
    expect(found).toEqual([encodeURI(gal), jean].sort());
    expect(responses.filter((r) => statusOf(r).includes('404')).map(hrefOf).sort()).toEqual(
      ['/webdav/directory/nope.vcf', outsider, `/webdav/${email('jean')}/Contacts/x.vcf`].sort(),
    );
    expect(answer.text.match(/VERSION:4\.0/g)).toHaveLength(2);
    expect(answer.text).toContain('FN:Mairie de Sète');
    expect(answer.text).toContain(`UID:${accountCardUid(email('jean'))}`);
  });

  it('serves the stored 3.0 cards to iOS, and answers 404 for a GAL the caller may not read', async () => {
    const gal = `/webdav/directory/g${await folderId('annuaire')}-mairie.vcf`;
    const body = `<?xml version="1.0" encoding="UTF-8"?><B:addressbook-multiget xmlns:A="DAV:" xmlns:B="urn:ietf:params:xml:ns:carddav"><A:prop><A:getetag/><B:address-data/></A:prop><A:href>${gal}</A:href></B:addressbook-multiget>`;
    const jean = await as('jean', 'REPORT', '/webdav/directory/', body, { Depth: '0', 'Content-Type': 'text/xml', 'User-Agent': ios });
    expect(jean.text).toContain('VERSION:3.0');
    expect(jean.text).toMatch(/<D:getetag>&quot;[0-9a-f]{40}&quot;<\/D:getetag>/);
    const marie = await as('marie', 'REPORT', '/webdav/directory/', body, { Depth: '0', 'Content-Type': 'text/xml', 'User-Agent': ios });
    expect(responsesOf(marie.text).map(statusOf)).toEqual(['HTTP/1.1 404 Not Found']);
  });

  it('includes the href principal-address names', async () => {
    const propfind = `<A:propfind xmlns:A="DAV:" xmlns:B="urn:ietf:params:xml:ns:carddav"><A:prop><B:principal-address/></A:prop></A:propfind>`;
    const principal = await as('jean', 'PROPFIND', `/webdav/principals/${email('marie')}/`, propfind, { Depth: '0' });
    const href = /<CR:principal-address><D:href>([^<]+)</.exec(principal.text)?.[1] ?? '';
    const body = `<B:addressbook-multiget xmlns:A="DAV:" xmlns:B="urn:ietf:params:xml:ns:carddav"><A:prop><A:getetag/><B:address-data/></A:prop><A:href>${href}</A:href></B:addressbook-multiget>`;
    const answer = await as('jean', 'REPORT', '/webdav/directory/', body, { Depth: '0' });
    expect(responsesOf(answer.text).map(hrefOf)).toEqual([href]);
    expect(answer.text).toContain(`EMAIL;TYPE=INTERNET:${email('marie')}`);
  });
});

describe('sync-collection on the directory (RFC 6578)', () => {
  let token = '';
  const gal = async (owner: string, name: string) => `g${await folderId(owner)}-${name}`;

  it('lists every card on the initial sync, and the sync-token and getctag are that token', async () => {
    const initial = await sync('jean');
    expect(initial.status).toBe(207);
    const accounts = await Promise.all(['annuaire', 'zoe', 'jean', 'marie'].map(async (w) => `a${await accountId(email(w))}.vcf`));
    expect(initial.changed).toEqual([...accounts, await gal('annuaire', 'mairie.vcf')].sort());
    expect(initial.removed).toEqual([]);
    token = initial.token;
    const props = await as('jean', 'PROPFIND', '/webdav/directory/', '<A:propfind xmlns:A="DAV:" xmlns:C="http://calendarserver.org/ns/"><A:prop><A:sync-token/><C:getctag/></A:prop></A:propfind>', { Depth: '0' });
    expect(props.text).toContain(`<D:sync-token>${token}</D:sync-token>`);
    expect(props.text).toContain(`<CS:getctag>${token}</CS:getctag>`);
    const again = await sync('jean', token);
    expect(again).toMatchObject({ status: 207, changed: [], removed: [], token });
  });

  it('reports added, changed and removed GAL cards', async () => {
    await putCard('annuaire', 'ecole.vcf', vcard('gal-ecole', 'École Jules Ferry', 'ecole@mairie.example'));
    const added = await sync('jean', token);
    expect(added).toMatchObject({ changed: [await gal('annuaire', 'ecole.vcf')], removed: [] });
    await putCard('annuaire', 'ecole.vcf', vcard('gal-ecole', 'École Jules-Ferry', 'ecole@mairie.example'));
    const changed = await sync('jean', added.token);
    expect(changed).toMatchObject({ changed: [await gal('annuaire', 'ecole.vcf')], removed: [] });
    await deleteCard('annuaire', 'ecole.vcf');
    const removed = await sync('jean', changed.token);
    expect(removed).toMatchObject({ changed: [], removed: [await gal('annuaire', 'ecole.vcf')] });
    // From the first token, the card came and went: nothing to tell about it.
    expect(await sync('jean', token)).toMatchObject({ changed: [], removed: [] });
    token = removed.token;
  });

  it('reports accounts created, renamed and removed in the domain', async () => {
    await server.createUser(email('paul'));
    const paul = `a${await accountId(email('paul'))}.vcf`;
    const created = await sync('jean', token);
    expect(created).toMatchObject({ changed: [paul], removed: [] });
    const patched = await server.partage.accounts.update(email('paul'), { displayName: 'Paul Valéry' });
    expect(patched).toMatchObject({ displayName: 'Paul Valéry' });
    const renamed = await sync('jean', created.token);
    expect(renamed).toMatchObject({ changed: [paul], removed: [] });
    await server.partage.accounts.remove(email('paul'));
    const removed = await sync('jean', renamed.token);
    expect(removed).toMatchObject({ changed: [], removed: [paul] });
    await server.createUser('someone@autre.test');
    expect(await sync('jean', removed.token)).toMatchObject({ changed: [], removed: [] });
    token = removed.token;
  });

  it('follows the rights and the GAL flag: cards come with a grant and go with its removal or the flag', async () => {
    await revokeRead('annuaire', 'jean');
    const revoked = await sync('jean', token);
    expect(revoked).toMatchObject({ changed: [], removed: [await gal('annuaire', 'mairie.vcf')] });
    await grantRead('annuaire', 'jean');
    const granted = await sync('jean', revoked.token);
    expect(granted).toMatchObject({ changed: [await gal('annuaire', 'mairie.vcf')], removed: [] });
    await setGal('annuaire', false);
    const unflagged = await sync('jean', granted.token);
    expect(unflagged).toMatchObject({ changed: [], removed: [await gal('annuaire', 'mairie.vcf')] });
    await setGal('annuaire', true);
    const flagged = await sync('jean', unflagged.token);
    expect(flagged).toMatchObject({ changed: [await gal('annuaire', 'mairie.vcf')], removed: [] });
    token = flagged.token;
  });

  it('sends a private card when the caller gains admin on its GAL, and removes it when admin goes (SPEC §4)', async () => {
    const setRights = async (rights: string[]) => {
      const body = JSON.stringify({ folder: 'Contacts', grantee: email('jean'), rights });
      expect([200, 201]).toContain((await as('annuaire', 'PUT', `/api/v1/accounts/${email('annuaire')}/grants`, body)).status);
    };
    const secret = ['BEGIN:VCARD', 'VERSION:3.0', 'UID:dir-secret', 'FN:Secret', 'N:Secret;;;;', 'CLASS:PRIVATE', 'END:VCARD', ''].join('\r\n');
    await putCard('annuaire', 'secret.vcf', secret);
    const hidden = await sync('jean', token);
    expect(hidden.status).toBe(207);
    expect(hidden.changed).not.toContain(await gal('annuaire', 'secret.vcf'));
    await setRights(['read', 'admin']);
    const shown = await sync('jean', hidden.token);
    expect(shown.changed).toContain(await gal('annuaire', 'secret.vcf'));
    expect(shown.removed).toEqual([]);
    await setRights(['read']);
    const gone = await sync('jean', shown.token);
    expect(gone.removed).toEqual([await gal('annuaire', 'secret.vcf')]);
    await deleteCard('annuaire', 'secret.vcf');
    token = (await sync('jean', gone.token)).token;
  });

  it('shows a UID once: a card another source starts hiding is removed, one it stops hiding comes back', async () => {
    await putCard('zoe', 'shared.vcf', vcard('gal-shared', 'Office de tourisme', 'tourisme@mairie.example'));
    await setGal('zoe', true);
    await grantRead('zoe', 'jean');
    const zoeGal = await sync('jean', token);
    expect(zoeGal).toMatchObject({ changed: [await gal('zoe', 'shared.vcf')], removed: [] });
    // The same UID in annuaire's GAL, which comes first: zoe's card is hidden.
    await putCard('annuaire', 'tourisme.vcf', vcard('gal-shared', 'Office de tourisme (mairie)', 'tourisme@mairie.example'));
    const hidden = await sync('jean', zoeGal.token);
    expect(hidden).toMatchObject({ changed: [await gal('annuaire', 'tourisme.vcf')], removed: [await gal('zoe', 'shared.vcf')] });
    // A card with an account's UID is hidden by the account's own card.
    await putCard('annuaire', 'marie-copie.vcf', vcard(accountCardUid(email('marie')), 'Marie (copie)', email('marie')));
    expect(await sync('jean', hidden.token)).toMatchObject({ changed: [], removed: [] });
    // Gone from annuaire's GAL: zoe's card shows again, although it did not change.
    await deleteCard('annuaire', 'tourisme.vcf');
    const back = await sync('jean', hidden.token);
    expect(back).toMatchObject({ changed: [await gal('zoe', 'shared.vcf')], removed: [await gal('annuaire', 'tourisme.vcf')] });
    const listing = await as('jean', 'PROPFIND', '/webdav/directory/', undefined, { Depth: '1' });
    expect(listing.text).toContain(encodeURI(`/webdav/directory/${await gal('zoe', 'shared.vcf')}`));
    expect(listing.text).not.toContain('marie-copie');
    token = back.token;
  });

  it('answers valid-sync-token (403) for a token of another collection, another caller, or a forged one', async () => {
    const contacts = await as('jean', 'REPORT', `/webdav/${email('jean')}/Contacts/`, `<sync-collection xmlns="DAV:"><sync-token/><sync-level>1</sync-level><prop><getetag/></prop></sync-collection>`, { Depth: '0' });
    const bookToken = /<D:sync-token>([^<]+)</.exec(contacts.text)?.[1] ?? '';
    const marieToken = (await sync('marie')).token;
    const forged = token.replace(/\/1\/(\d+)\//, (_, id: string) => `/1/${Number(id) + 1}/`);
    for (const bad of [bookToken, marieToken, forged, `${token.slice(0, -2)}xx`, 'http://partage.invalid/ns/directory/1/1/0/-/AAAA', 'urn:nope']) {
      const answer = await sync('jean', bad);
      expect({ bad, status: answer.status }).toEqual({ bad, status: 403 });
      expect(answer.text).toContain('valid-sync-token');
    }
    expect((await sync('marie', marieToken)).status).toBe(207);
  });

  it('refuses a limit it cannot truncate at with number-of-matches-within-limits (RFC 6578 §3.7)', async () => {
    const limited = await sync('jean', undefined, '<limit><nresults>1</nresults></limit>');
    expect(limited.status).toBe(507);
    expect(limited.text).toContain('number-of-matches-within-limits');
    expect((await sync('jean', token, '<limit><nresults>1</nresults></limit>')).status).toBe(207);
  });
});
