import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
const user = 'carnet@iw.test';
const home = `/webdav/${user}`;
const book = `${home}/Contacts`;
const maxBytes = 1024 * 1024;

beforeAll(async () => {
  server = await startTestServer({ PARTAGE_MAX_RESOURCE_BYTES: String(maxBytes) });
  await server.createUser(user);
});
afterAll(async () => {
  await server.stop();
});

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: server.basic(user), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const ns = 'xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav" xmlns:CS="http://calendarserver.org/ns/"';
const vcard = (lines: string[]) => ['BEGIN:VCARD', ...lines, 'END:VCARD', ''].join('\r\n');
const put = (name: string, card: string, path = book) =>
  send('PUT', `${path}/${name}`, card, { 'Content-Type': 'text/vcard; charset=utf-8' });
const query = (filter: string, extra = '', prop = '<D:getetag/>') =>
  send('REPORT', `${book}/`, `<?xml version="1.0"?><CR:addressbook-query ${ns}><D:prop>${prop}</D:prop>${filter}${extra}</CR:addressbook-query>`, { Depth: '1' });
const hrefs = (text: string) => [...text.matchAll(/<D:href>[^<]*\/([^/<]+\.vcf)<\/D:href>/g)].map((m) => decodeURIComponent(m[1] ?? '')).sort();
const multiget = (names: string[], addressData = '<CR:address-data/>', path = book) =>
  send(
    'REPORT',
    `${path}/`,
    `<?xml version="1.0"?><CR:addressbook-multiget ${ns}><D:prop><D:getetag/>${addressData}</D:prop>${names.map((n) => `<D:href>${path}/${n}</D:href>`).join('')}</CR:addressbook-multiget>`,
    { Depth: '1' },
  );
const unescapeXml = (text: string) => text.replace(/&#13;/g, '\r').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const addressData = (text: string) => unescapeXml(/<CR:address-data>([\s\S]*?)<\/CR:address-data>/.exec(text)?.[1] ?? '').replace(/\r?\n[ \t]/g, '');

const elodie = vcard([
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//iPhone OS 17.1//EN',
  'N:Dupré;Élodie;;;',
  'FN:Élodie Dupré',
  'NICKNAME:Lodie',
  'ORG:Mairie de Nantes;',
  'item1.EMAIL;type=INTERNET;type=pref:elodie@nantes.example',
  'item1.X-ABLabel:_$!<Other>!$_',
  'EMAIL;type=INTERNET;type=HOME:elodie@maison.example',
  'TEL;type=CELL;type=VOICE;type=pref:+33 6 12 34 56 78',
  'UID:elodie-1',
]);
const zoe = vcard(['VERSION:4.0', 'UID:urn:uuid:zoe-2', 'FN:Zoë Ὀδυσσεύς', 'N:Ὀδυσσεύς;Zoë;;;', 'EMAIL;TYPE=work:zoe@ithaque.example', 'TEL;VALUE=uri;TYPE=home:tel:+30-210-000']);
const bob = vcard(['VERSION:3.0', 'UID:bob-3', 'FN:Bob Martin', 'N:Martin;Bob;;;', 'EMAIL;TYPE=INTERNET,WORK:bob@martin.example']);
const group = vcard([
  'VERSION:3.0',
  'UID:group-4',
  'N:Voisins;;;;',
  'FN:Voisins',
  'X-ADDRESSBOOKSERVER-KIND:group',
  'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:elodie-1',
  'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:bob-3',
]);

describe('address books', () => {
  it('serves Contacts as an address book with its CardDAV properties', async () => {
    const props = await send(
      'PROPFIND',
      `${book}/`,
      `<D:propfind ${ns}><D:prop><D:resourcetype/><D:displayname/><CR:supported-address-data/><CR:max-resource-size/><CS:getctag/><D:sync-token/><D:supported-report-set/></D:prop></D:propfind>`,
      { Depth: '0' },
    );
    expect(props.status).toBe(207);
    expect(props.text).toContain('<CR:addressbook/>');
    expect(props.text).toContain('<CR:address-data-type content-type="text/vcard" version="3.0"/>');
    expect(props.text).toContain('<CR:address-data-type content-type="text/vcard" version="4.0"/>');
    expect(props.text).toContain(`<CR:max-resource-size>${maxBytes}</CR:max-resource-size>`);
    expect(props.text).toMatch(/<CS:getctag>http:\/\/partage\.invalid\/ns\/sync\/\d+\/\d+\/\d+<\/CS:getctag>/);
    for (const report of ['addressbook-query', 'addressbook-multiget', 'sync-collection']) expect(props.text).toContain(report);
    const options = await send('OPTIONS', `${book}/`);
    expect(options.headers.get('dav')).toContain('addressbook');
  });

  it('names the home on the principal, and its card in the directory as principal-address', async () => {
    const props = await send(
      'PROPFIND',
      `/webdav/principals/${user}/`,
      `<D:propfind ${ns}><D:prop><CR:addressbook-home-set/><CR:principal-address/></D:prop></D:propfind>`,
      { Depth: '0' },
    );
    expect(props.text).toContain(`<CR:addressbook-home-set><D:href>/webdav/${user}/</D:href></CR:addressbook-home-set>`);
    expect(props.text).toMatch(/<CR:principal-address><D:href>\/webdav\/directory\/a\d+\.vcf<\/D:href><\/CR:principal-address>/);
  });

  it('creates an address book with an extended MKCOL and keeps its description', async () => {
    const body = `<?xml version="1.0"?><D:mkcol ${ns}><D:set><D:prop><D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype><D:displayname>Travail</D:displayname><CR:addressbook-description>Collègues</CR:addressbook-description></D:prop></D:set></D:mkcol>`;
    expect((await send('MKCOL', `${home}/travail/`, body, { 'Content-Type': 'application/xml' })).status).toBe(201);
    const patch = `<D:propertyupdate ${ns}><D:set><D:prop><CR:addressbook-description>Collègues et clients</CR:addressbook-description></D:prop></D:set></D:propertyupdate>`;
    expect((await send('PROPPATCH', `${home}/travail/`, patch)).status).toBe(207);
    const props = await send('PROPFIND', `${home}/travail/`, `<D:propfind ${ns}><D:prop><D:resourcetype/><D:displayname/><CR:addressbook-description/></D:prop></D:propfind>`, { Depth: '0' });
    expect(props.text).toContain('<CR:addressbook/>');
    expect(props.text).toContain('<D:displayname>Travail</D:displayname>');
    expect(props.text).toContain('Collègues et clients');
  });
});

describe('cards', () => {
  it('stores vCard 3.0 and 4.0 cards verbatim with the hash of their bytes as ETag', async () => {
    const created = await put('elodie.vcf', elodie);
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    for (const [name, card] of [['zoe.vcf', zoe], ['bob.vcf', bob], ['group.vcf', group]] as const) expect((await put(name, card)).status).toBe(201);
    const got = await send('GET', `${book}/elodie.vcf`);
    expect(got.text).toBe(elodie);
    expect(got.headers.get('etag')).toBe(created.headers.get('etag'));
    expect(got.headers.get('content-type')).toMatch(/^text\/vcard/);
  });

  it('answers GET with Accept: text/vcard; version=4.0 in 4.0, and the stored bytes otherwise', async () => {
    const converted = await send('GET', `${book}/elodie.vcf`, undefined, { Accept: 'text/vcard; version=4.0' });
    expect(converted.status).toBe(200);
    expect(converted.text).toContain('VERSION:4.0');
    expect(converted.headers.get('content-type')).toMatch(/version=4\.0/);
    expect(converted.headers.get('vary')).toBe('Accept');
    expect((await send('GET', `${book}/elodie.vcf`, undefined, { Accept: 'text/vcard' })).text).toBe(elodie);
  });

  it('converts address-data to 4.0 and to 3.0, groups included', async () => {
    const v4 = addressData((await multiget(['elodie.vcf'], '<CR:address-data content-type="text/vcard" version="4.0"/>')).text);
    expect(v4).toContain('VERSION:4.0');
    expect(v4).toContain('item1.EMAIL;PREF=1:elodie@nantes.example');
    expect(v4).toContain('FN:Élodie Dupré');
    const g4 = addressData((await multiget(['group.vcf'], '<CR:address-data version="4.0"/>')).text);
    expect(g4).toContain('KIND:group');
    expect(g4).toContain('MEMBER:urn:uuid:bob-3');
    const v3 = addressData((await multiget(['zoe.vcf'], '<CR:address-data version="3.0"/>')).text);
    expect(v3).toContain('VERSION:3.0');
    expect(v3).toContain('FN:Zoë Ὀδυσσεύς');
    expect(v3).toContain('TEL;TYPE=HOME:+30-210-000');
    expect(v3).toContain('EMAIL;TYPE=INTERNET,WORK:zoe@ithaque.example');
  });

  it('returns only the properties asked for in a partial address-data', async () => {
    const text = addressData((await multiget(['elodie.vcf'], '<CR:address-data><CR:prop name="FN"/><CR:prop name="EMAIL" novalue="yes"/></CR:address-data>')).text);
    expect(text.split('\r\n').filter(Boolean)).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Élodie Dupré',
      'item1.EMAIL;type=INTERNET;type=pref:',
      'EMAIL;type=INTERNET;type=HOME:',
      'END:VCARD',
    ]);
  });

  it('answers 404 in a multiget for a missing card', async () => {
    const response = await multiget(['bob.vcf', 'missing.vcf']);
    expect(response.text).toContain('FN:Bob Martin');
    expect(response.text).toMatch(/missing\.vcf<\/D:href><D:status>HTTP\/1.1 404/);
  });

  it('answers a multiget in the order of its hrefs, once per card', async () => {
    for (const order of [
      ['zoe.vcf', 'missing.vcf', 'elodie.vcf', 'bob.vcf'],
      ['bob.vcf', 'elodie.vcf', 'missing.vcf', 'zoe.vcf', 'bob.vcf', 'missing.vcf'],
    ]) {
      const response = await multiget(order, '');
      expect(response.status).toBe(207);
      const answered = [...response.text.matchAll(/<D:href>[^<]*\/([^/<]+\.vcf)<\/D:href>/g)].map((m) => m[1]);
      expect(answered).toEqual([...new Set(order)]);
    }
  });

  it('stores a card with a photo of several hundred kB and converts the photo', async () => {
    const photo = Buffer.alloc(450 * 1024, 7).toString('base64');
    const card = vcard(['VERSION:3.0', 'UID:photo-5', 'FN:Photo Graphe', 'N:Graphe;Photo;;;', `PHOTO;ENCODING=b;TYPE=JPEG:${photo}`]);
    expect((await put('photo.vcf', card)).status).toBe(201);
    expect((await send('GET', `${book}/photo.vcf`)).text).toBe(card);
    const v4 = addressData((await multiget(['photo.vcf'], '<CR:address-data version="4.0"/>')).text);
    expect(v4).toContain(`PHOTO:data:image/jpeg;base64,${photo}`);
    const tooBig = vcard(['VERSION:3.0', 'UID:photo-6', 'FN:Trop Gros', `PHOTO;ENCODING=b;TYPE=JPEG:${'A'.repeat(maxBytes)}`]);
    const refused = await put('big.vcf', tooBig);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('max-resource-size');
  });

  it('rejects a duplicate UID with no-uid-conflict naming the existing card, and stores nothing of it', async () => {
    const state = async () => {
      const props = await send('PROPFIND', book, `<D:propfind ${ns}><D:prop><CS:getctag/><D:quota-used-bytes/></D:prop></D:propfind>`, { Depth: '0' });
      return /<CS:getctag>[^<]+<\/CS:getctag>[\s\S]*<D:quota-used-bytes>\d+<\/D:quota-used-bytes>|<D:quota-used-bytes>\d+<\/D:quota-used-bytes>[\s\S]*<CS:getctag>[^<]+<\/CS:getctag>/.exec(props.text)?.[0];
    };
    const before = await state();
    expect(before).toBeDefined();
    const response = await put('copy.vcf', bob);
    expect(response.status).toBe(409);
    expect(response.text).toContain('no-uid-conflict');
    expect(response.text).toContain(`${book}/bob.vcf</D:href>`);
    // The card, its node, its change row (the CTag) and its bytes (the usage) are one write: none stayed.
    expect((await send('GET', `${book}/copy.vcf`)).status).toBe(404);
    expect(await state()).toBe(before);
  });

  it('refuses to give an existing card the UID of another one and keeps both as they were', async () => {
    const carol = vcard(['VERSION:3.0', 'UID:carol-3', 'FN:Carol Petit', 'N:Petit;Carol;;;']);
    expect((await put('carol.vcf', carol)).status).toBe(201);
    const taken = await put('carol.vcf', carol.replace('UID:carol-3', 'UID:bob-3'));
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('no-uid-conflict');
    expect(taken.text).toContain(`${book}/bob.vcf</D:href>`);
    expect((await send('GET', `${book}/carol.vcf`)).text).toContain('UID:carol-3');
    expect((await send('GET', `${book}/bob.vcf`)).text).toContain('FN:Bob Martin');
    expect((await send('DELETE', `${book}/carol.vcf`)).status).toBe(204);
  });

  it('rejects invalid data and other media types', async () => {
    const garbage = await put('bad.vcf', 'this is not a vCard');
    expect(garbage.status).toBe(403);
    expect(garbage.text).toContain('valid-address-data');
    const noUid = await put('bad.vcf', vcard(['VERSION:3.0', 'FN:Sans UID']));
    expect(noUid.text).toContain('valid-address-data');
    const ics = await send('PUT', `${book}/bad.vcf`, 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', { 'Content-Type': 'text/calendar' });
    expect(ics.status).toBe(403);
    expect(ics.text).toContain('supported-address-data');
    const version = await multiget(['bob.vcf'], '<CR:address-data version="2.1"/>');
    expect(version.text).toContain('supported-address-data');
  });
});

describe('addressbook-query', () => {
  const text = (value: string, attributes = '') => `<CR:text-match${attributes}>${value}</CR:text-match>`;
  const filter = (props: string, test = '') => `<CR:filter${test}>${props}</CR:filter>`;
  const propFilter = (name: string, body: string, test = '') => `<CR:prop-filter name="${name}"${test}>${body}</CR:prop-filter>`;
  const found = async (props: string, test = '') => hrefs((await query(filter(props, test))).text);

  it.each([
    ['contains with the default unicode-casemap', propFilter('FN', text('ÉLODIE')), ['elodie.vcf']],
    ['equals', propFilter('EMAIL', text('BOB@martin.example', ' match-type="equals"')), ['bob.vcf']],
    ['starts-with', propFilter('TEL', text('+33 6', ' match-type="starts-with"')), ['elodie.vcf']],
    ['ends-with', propFilter('EMAIL', text('.example', ' match-type="ends-with"')), ['bob.vcf', 'elodie.vcf', 'zoe.vcf']],
    ['non-ASCII Greek, case-folded', propFilter('N', text('ὀδυσσεύς')), ['zoe.vcf']],
    ['i;ascii-casemap leaves non-ASCII case alone', propFilter('FN', text('éLODIE', ' collation="i;ascii-casemap"')), []],
    ['i;ascii-casemap folds ASCII', propFilter('FN', text('BOB MARTIN', ' collation="i;ascii-casemap" match-type="equals"')), ['bob.vcf']],
    ['i;octet is exact', propFilter('FN', text('bob', ' collation="i;octet"')), []],
    ['NICKNAME', propFilter('NICKNAME', text('lodie')), ['elodie.vcf']],
    ['ORG', propFilter('ORG', text('mairie')), ['elodie.vcf']],
    ['UID', propFilter('UID', text('urn:uuid:zoe', ' match-type="starts-with"')), ['zoe.vcf']],
    ['a non-indexed property', propFilter('X-ADDRESSBOOKSERVER-KIND', text('group', ' match-type="equals"')), ['group.vcf']],
    ['negate-condition (ë is not e)', propFilter('FN', text('e', ' negate-condition="yes"')), ['bob.vcf', 'group.vcf', 'zoe.vcf']],
    ['is-not-defined', propFilter('EMAIL', '<CR:is-not-defined/>'), ['group.vcf', 'photo.vcf']],
    ['param-filter', propFilter('EMAIL', `<CR:param-filter name="TYPE">${text('home', ' match-type="equals"')}</CR:param-filter>`), ['elodie.vcf']],
    ['param-filter is-not-defined', propFilter('TEL', '<CR:param-filter name="VALUE"><CR:is-not-defined/></CR:param-filter>'), ['elodie.vcf']],
  ])('filters on %s', async (_, props, expected) => {
    expect(await found(props)).toEqual(expected);
  });

  it('combines prop-filters with anyof and allof, and text-matches inside a prop-filter', async () => {
    const bobOrZoe = propFilter('FN', text('bob')) + propFilter('EMAIL', text('ithaque'));
    expect(await found(bobOrZoe)).toEqual(['bob.vcf', 'zoe.vcf']);
    expect(await found(bobOrZoe, ' test="allof"')).toEqual([]);
    const nameAndMail = propFilter('FN', text('élodie')) + propFilter('EMAIL', text('maison'));
    expect(await found(nameAndMail, ' test="allof"')).toEqual(['elodie.vcf']);
    // Within one prop-filter, allof applies to one property instance at a time.
    expect(await found(propFilter('EMAIL', text('nantes') + text('maison'), ' test="allof"'))).toEqual([]);
    expect(await found(propFilter('EMAIL', text('nantes') + text('maison'), ' test="anyof"'))).toEqual(['elodie.vcf']);
    const workPref = propFilter('EMAIL', text('elodie') + `<CR:param-filter name="TYPE">${text('pref', ' match-type="equals"')}</CR:param-filter>`, ' test="allof"');
    expect(await found(workPref)).toEqual(['elodie.vcf']);
  });

  it('returns every card for an empty filter', async () => {
    expect(await found('')).toEqual(['bob.vcf', 'elodie.vcf', 'group.vcf', 'photo.vcf', 'zoe.vcf']);
  });

  it('truncates at limit with a 507 number-of-matches-within-limits for the address book (RFC 6352 §8.6.1)', async () => {
    const response = await query(filter(propFilter('EMAIL', text('example'))), '<CR:limit><CR:nresults>2</CR:nresults></CR:limit>');
    expect(response.status).toBe(207);
    expect(hrefs(response.text)).toHaveLength(2);
    expect(response.text).toContain(`<D:href>${book}/</D:href><D:status>HTTP/1.1 507 Insufficient Storage</D:status><D:error><D:number-of-matches-within-limits/></D:error>`);
    const within = await query(filter(propFilter('EMAIL', text('example'))), '<CR:limit><CR:nresults>3</CR:nresults></CR:limit>');
    expect(hrefs(within.text)).toHaveLength(3);
    expect(within.text).not.toContain('507');
  });

  it('returns converted, partial address-data in a query', async () => {
    const response = await query(filter(propFilter('FN', text('zoë'))), '', '<CR:address-data version="3.0"><CR:prop name="FN"/></CR:address-data>');
    expect(addressData(response.text).split('\r\n').filter(Boolean)).toEqual(['BEGIN:VCARD', 'VERSION:3.0', 'FN:Zoë Ὀδυσσεύς', 'END:VCARD']);
  });

  it('refuses an unknown collation with supported-collation', async () => {
    const response = await query(filter(propFilter('FN', text('x', ' collation="i;basic"'))));
    expect(response.status).toBe(403);
    expect(response.text).toContain('supported-collation');
  });

  it('follows edits, moves and deletes', async () => {
    expect((await put('bob.vcf', bob.replace('FN:Bob Martin', 'FN:Robert Martin'))).status).toBe(204);
    expect(await found(propFilter('FN', text('robert')))).toEqual(['bob.vcf']);
    expect(await found(propFilter('FN', text('bob martin')))).toEqual([]);
    const moved = await send('MOVE', `${book}/bob.vcf`, undefined, { Destination: `${server.url}${home}/travail/bob.vcf` });
    expect(moved.status).toBe(201);
    expect(await found(propFilter('FN', text('robert')))).toEqual([]);
    const there = await send('REPORT', `${home}/travail/`, `<CR:addressbook-query ${ns}><D:prop><D:getetag/></D:prop>${filter(propFilter('FN', text('robert')))}</CR:addressbook-query>`, { Depth: '1' });
    expect(hrefs(there.text)).toEqual(['bob.vcf']);
    expect((await put('bob.vcf', bob)).status).toBe(201);
    expect((await send('DELETE', `${book}/zoe.vcf`)).status).toBe(204);
    expect(await found(propFilter('EMAIL', text('ithaque')))).toEqual([]);
  });
});
