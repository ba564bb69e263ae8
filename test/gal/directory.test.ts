import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accountCardUid } from '@partage/contacts';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** The principal-address of accounts in the directory address book (RFC 6352 §6.4, §7.1.2), with the bodies iOS Contacts sends. */
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
