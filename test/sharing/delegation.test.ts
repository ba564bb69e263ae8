import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Delegation (SPEC §5, ADR 0013): the calendar-proxy groups of CalendarServer
 * (caldav-proxy.txt) as a view of grants, with the bodies Apple Calendar sends.
 */
let server: TestServer;
const email = (who: string) => `${who}@iw.fr`;
const agent = 'macOS/14.1 (23B74) CalendarAgent/1019';

beforeAll(async () => {
  server = await startTestServer();
  for (const who of ['direction', 'secretariat', 'isalie', 'jean']) {
    await server.partage.accounts.create({ email: email(who), password: `${who} password`, displayName: who.toUpperCase() });
  }
  await server.partage.accounts.create({ email: email('salle1'), kind: 'resource', displayName: 'Salle 1' });
  await server.partage.accounts.create({ email: email('equipe'), kind: 'group', members: [email('jean')] });
  await server.createUser('root@iw.fr', 'root password 1', { isAdmin: true });
});
afterAll(async () => {
  await server.stop();
});

async function as(who: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const authorization = who === 'root' ? server.basic('root@iw.fr', 'root password 1') : server.basic(email(who), `${who} password`);
  const json = body !== undefined && path.startsWith('/api/');
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: authorization, 'User-Agent': agent, 'Content-Type': json ? 'application/json' : 'text/xml', ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const principal = (who: string) => `/webdav/principals/${email(who)}/`;
const proxy = (who: string, kind: 'read' | 'write') => `${principal(who)}calendar-proxy-${kind}/`;
const setMembers = (...who: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<A:propertyupdate xmlns:A="DAV:"><A:set><A:prop><A:group-member-set>${who
    .map((w) => `<A:href>${principal(w)}</A:href>`)
    .join('')}</A:group-member-set></A:prop></A:set></A:propertyupdate>`;
/** The expand-property Calendar sends on the user's principal at start-up (CalendarServer's OS X 10.11 request data). */
const expandProxyFor = `<?xml version="1.0" encoding="UTF-8"?>
<A:expand-property xmlns:A="DAV:">
  <A:property name="calendar-proxy-read-for" namespace="http://calendarserver.org/ns/">
    <A:property name="calendar-user-address-set" namespace="urn:ietf:params:xml:ns:caldav"/>
    <A:property name="email-address-set" namespace="http://calendarserver.org/ns/"/>
    <A:property name="displayname" namespace="DAV:"/>
  </A:property>
  <A:property name="calendar-proxy-write-for" namespace="http://calendarserver.org/ns/">
    <A:property name="calendar-user-address-set" namespace="urn:ietf:params:xml:ns:caldav"/>
    <A:property name="email-address-set" namespace="http://calendarserver.org/ns/"/>
    <A:property name="displayname" namespace="DAV:"/>
  </A:property>
</A:expand-property>
`;
const expandMembers = `<?xml version="1.0" encoding="UTF-8"?>
<A:expand-property xmlns:A="DAV:">
  <A:property name="group-member-set" namespace="DAV:">
    <A:property name="displayname" namespace="DAV:"/>
    <A:property name="email-address-set" namespace="http://calendarserver.org/ns/"/>
    <A:property name="principal-URL" namespace="DAV:"/>
  </A:property>
</A:expand-property>
`;
const propfind = (...props: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><A:propfind xmlns:A="DAV:" xmlns:B="urn:ietf:params:xml:ns:caldav" xmlns:C="http://calendarserver.org/ns/"><A:prop>${props.join('')}</A:prop></A:propfind>`;
const event = (uid: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Apple Inc.//macOS 14.1//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261201T000000Z', 'DTSTART:20261215T090000Z', 'DTEND:20261215T100000Z', `SUMMARY:${uid}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const putEvent = (who: string, owner: string, uid: string) =>
  as(who, 'PUT', `/webdav/${email(owner)}/Calendar/${uid}.ics`, event(uid), { 'Content-Type': 'text/calendar' });
/** The `(folder, grantee, rights)` grants of an owner, as the REST API lists them. */
const grants = async (owner: string) =>
  JSON.parse((await as('root', 'GET', `/api/v1/accounts/${email(owner)}/grants`)).text) as { folder: string | null; grantee: string; rights: string[] }[];
/** The hrefs inside one property of a multistatus (first occurrence). */
const hrefsIn = (text: string, property: string): string[] => {
  const match = new RegExp(`<([A-Za-z]+:)?${property}(?: [^>]*)?>([\\s\\S]*?)</([A-Za-z]+:)?${property}>`).exec(text);
  return match ? [...(match[2] ?? '').matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1] ?? '') : [];
};

describe('the proxy principals', () => {
  it('advertises calendar-proxy in the DAV header', async () => {
    const response = await as('direction', 'OPTIONS', principal('direction'));
    expect(response.headers.get('dav')).toContain('calendar-proxy');
  });

  it('lists calendar-proxy-read and calendar-proxy-write below the principal, as group principals', async () => {
    const response = await as('direction', 'PROPFIND', principal('direction'), propfind('<A:resourcetype/>', '<A:displayname/>'), { Depth: '1' });
    expect(response.status).toBe(207);
    expect(response.text).toContain(`<D:href>${proxy('direction', 'read')}</D:href>`);
    expect(response.text).toContain(`<D:href>${proxy('direction', 'write')}</D:href>`);
    expect(response.text).toMatch(/<D:resourcetype><D:collection\/><D:principal\/><CS:calendar-proxy-write\/><\/D:resourcetype>/);
    expect(response.text).toMatch(/<D:resourcetype><D:collection\/><D:principal\/><CS:calendar-proxy-read\/><\/D:resourcetype>/);
  });

  it('answers 404 for other names below a principal', async () => {
    expect((await as('direction', 'PROPFIND', `${principal('direction')}calendar-proxy-other/`, undefined, { Depth: '0' })).status).toBe(404);
  });
});

describe('the direction delegates its calendars to the secretariat from Apple Calendar', () => {
  it('sets the write group by PROPPATCH, which grants all rights on every calendar folder', async () => {
    const response = await as('direction', 'PROPPATCH', proxy('direction', 'write'), setMembers('secretariat'));
    expect(response.status).toBe(207);
    expect(response.text).toContain('<D:group-member-set/>');
    expect(response.text).toContain('HTTP/1.1 200 OK');
    const all = ['read', 'create', 'modify', 'delete', 'admin'];
    expect(await grants('direction')).toEqual([
      { folder: 'Calendar', grantee: email('secretariat'), rights: all },
      { folder: 'Tasks', grantee: email('secretariat'), rights: all },
      { folder: 'Notes', grantee: email('secretariat'), rights: all },
    ]);
  });

  it('reads the group back, with the members expanded as Calendar asks', async () => {
    const response = await as('direction', 'REPORT', proxy('direction', 'write'), expandMembers, { Depth: '0' });
    expect(response.status).toBe(207);
    expect(response.text).toContain(`<D:href>${principal('secretariat')}</D:href>`);
    expect(response.text).toContain('<D:displayname>SECRETARIAT</D:displayname>');
    expect(response.text).toContain('<CS:email-address>secretariat@iw.fr</CS:email-address>');
    const read = await as('direction', 'PROPFIND', proxy('direction', 'read'), propfind('<A:group-member-set/>'), { Depth: '0' });
    expect(hrefsIn(read.text, 'group-member-set')).toEqual([]);
  });

  it("shows the direction in the secretariat's calendar-proxy-write-for, expanded, and the group in its group-membership", async () => {
    const response = await as('secretariat', 'REPORT', principal('secretariat'), expandProxyFor, { Depth: '0' });
    expect(response.status).toBe(207);
    expect(hrefsIn(response.text, 'calendar-proxy-write-for')).toEqual([principal('direction'), `mailto:${email('direction')}`, principal('direction')]);
    expect(response.text).toContain('<D:displayname>DIRECTION</D:displayname>');
    expect(hrefsIn(response.text, 'calendar-proxy-read-for')).toEqual([]);
    const membership = await as('secretariat', 'PROPFIND', principal('secretariat'), propfind('<A:group-membership/>'), { Depth: '0' });
    expect(hrefsIn(membership.text, 'group-membership')).toEqual([proxy('direction', 'write')]);
  });

  it("lets the secretariat follow the direction's calendar-home-set, list its calendars and write in them", async () => {
    const home = await as('secretariat', 'PROPFIND', principal('direction'), propfind('<B:calendar-home-set/>', '<A:displayname/>'), { Depth: '0' });
    expect(hrefsIn(home.text, 'calendar-home-set')).toEqual(['/webdav/direction@iw.fr/']);
    const listing = await as('secretariat', 'PROPFIND', '/webdav/direction@iw.fr/', propfind('<A:resourcetype/>', '<A:current-user-privilege-set/>'), { Depth: '1' });
    const hrefs = [...listing.text.matchAll(/<D:response><D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]);
    expect(hrefs).toEqual(['/webdav/direction@iw.fr/', '/webdav/direction@iw.fr/Calendar/', '/webdav/direction@iw.fr/Notes/', '/webdav/direction@iw.fr/Tasks/']);
    expect((await putEvent('secretariat', 'direction', 'rv22')).status).toBe(201);
    expect((await as('direction', 'GET', '/webdav/direction@iw.fr/Calendar/rv22.ics')).text).toContain('SUMMARY:rv22');
  });

  it('refuses the change to anyone who may not share those calendars, and changes nothing', async () => {
    const response = await as('jean', 'PROPPATCH', proxy('direction', 'write'), setMembers('jean'));
    expect(response.status).toBe(403);
    expect(response.text).toContain('need-privileges');
    expect(response.text).toContain('<D:write-properties/>');
    expect((await grants('direction')).map((g) => g.grantee)).toEqual([email('secretariat'), email('secretariat'), email('secretariat')]);
  });

  it('refuses an href that names no account principal with recognized-principal, and changes nothing', async () => {
    for (const bad of ['/webdav/principals/nobody@iw.fr/', '/webdav/direction@iw.fr/Calendar/', '/webdav/principals/domains/iw.fr/']) {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<A:propertyupdate xmlns:A="DAV:"><A:set><A:prop><A:group-member-set><A:href>${bad}</A:href></A:group-member-set></A:prop></A:set></A:propertyupdate>`;
      const response = await as('direction', 'PROPPATCH', proxy('direction', 'write'), body);
      expect({ bad, status: response.status }).toEqual({ bad, status: 403 });
      expect(response.text).toContain('recognized-principal');
    }
    const own = await as('direction', 'PROPPATCH', proxy('direction', 'write'), setMembers('direction'));
    expect(own.status).toBe(409);
    expect((await grants('direction')).length).toBe(3);
  });

  it('finds the proxy group among the secretariat\'s own groups with principal-match', async () => {
    const body = '<?xml version="1.0" encoding="utf-8" ?><D:principal-match xmlns:D="DAV:"><D:self/><D:prop><D:resourcetype/></D:prop></D:principal-match>';
    const response = await as('secretariat', 'REPORT', '/webdav/principals/', body, { Depth: '0' });
    expect(response.status).toBe(207);
    const hrefs = [...response.text.matchAll(/<D:response><D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]);
    expect(hrefs).toEqual([principal('secretariat'), proxy('direction', 'write')]);
    expect(response.text).toContain('<CS:calendar-proxy-write/>');
  });

  it('does not take a proxy group href in an ACL for its owner', async () => {
    const body = `<?xml version="1.0" encoding="utf-8" ?><D:acl xmlns:D="DAV:"><D:ace><D:principal><D:href>${proxy('jean', 'write')}</D:href></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace></D:acl>`;
    const response = await as('direction', 'ACL', '/webdav/direction@iw.fr/Documents/', body);
    expect(response.status).toBe(403);
    expect(response.text).toContain('recognized-principal');
    expect((await grants('direction')).length).toBe(3);
  });

  it('refuses other properties of a proxy group as protected', async () => {
    const body = '<?xml version="1.0" encoding="UTF-8"?><A:propertyupdate xmlns:A="DAV:"><A:set><A:prop><A:group-membership><A:href>/x/</A:href></A:group-membership></A:prop></A:set></A:propertyupdate>';
    const response = await as('direction', 'PROPPATCH', proxy('direction', 'write'), body);
    expect(response.text).toContain('cannot-modify-protected-property');
    expect((await grants('direction')).length).toBe(3);
  });

  it('moves the secretariat to read only, then removes it: the grants follow', async () => {
    expect((await as('direction', 'PROPPATCH', proxy('direction', 'read'), setMembers('secretariat'))).status).toBe(207);
    expect((await grants('direction')).map((g) => g.rights)).toEqual([['read'], ['read'], ['read']]);
    const write = await as('direction', 'PROPFIND', proxy('direction', 'write'), propfind('<A:group-member-set/>'), { Depth: '0' });
    expect(hrefsIn(write.text, 'group-member-set')).toEqual([]);
    const readFor = await as('secretariat', 'REPORT', principal('secretariat'), expandProxyFor, { Depth: '0' });
    expect(hrefsIn(readFor.text, 'calendar-proxy-read-for')[0]).toBe(principal('direction'));
    expect(hrefsIn(readFor.text, 'calendar-proxy-write-for')).toEqual([]);
    expect((await putEvent('secretariat', 'direction', 'rv24')).status).toBe(403);

    expect((await as('direction', 'PROPPATCH', proxy('direction', 'read'), setMembers())).status).toBe(207);
    expect(await grants('direction')).toEqual([]);
    expect((await as('secretariat', 'GET', '/webdav/direction@iw.fr/Calendar/rv22.ics')).status).toBe(404);
  });
});

describe('grants made another way show in the proxy groups', () => {
  it('lists a delegate granted read on one calendar by REST, and one granted all rights on the whole account', async () => {
    const put = (owner: string, body: unknown) => as(owner, 'PUT', `/api/v1/accounts/${email(owner)}/grants`, JSON.stringify(body));
    expect((await put('isalie', { folder: 'Calendar', grantee: email('secretariat'), rights: ['read'] })).status).toBe(201);
    expect((await put('isalie', { folder: null, grantee: email('jean'), rights: ['read', 'create', 'modify', 'delete', 'admin'] })).status).toBe(201);
    expect((await put('isalie', { folder: 'Documents', grantee: email('direction'), rights: ['read'] })).status).toBe(201);
    expect((await put('isalie', { folder: 'Calendar', grantee: email('direction'), rights: ['read', 'create', 'modify', 'delete'] })).status).toBe(201);
    const read = await as('isalie', 'PROPFIND', proxy('isalie', 'read'), propfind('<A:group-member-set/>'), { Depth: '0' });
    expect(hrefsIn(read.text, 'group-member-set')).toEqual([principal('secretariat')]);
    const write = await as('isalie', 'PROPFIND', proxy('isalie', 'write'), propfind('<A:group-member-set/>'), { Depth: '0' });
    expect(hrefsIn(write.text, 'group-member-set')).toEqual([principal('jean')]);
    const secretariat = await as('secretariat', 'PROPFIND', principal('secretariat'), propfind('<C:calendar-proxy-read-for/>'), { Depth: '0' });
    expect(hrefsIn(secretariat.text, 'calendar-proxy-read-for')).toEqual([principal('isalie')]);
    expect((await putEvent('secretariat', 'isalie', 'rv23')).status).toBe(403);
  });

  it('removing a proxy keeps the grants that are no delegation', async () => {
    expect((await as('isalie', 'PROPPATCH', proxy('isalie', 'write'), setMembers())).status).toBe(207);
    const left = await grants('isalie');
    expect(left.map((g) => `${g.folder ?? '*'} ${g.grantee}`).sort()).toEqual(['Calendar direction@iw.fr', 'Calendar secretariat@iw.fr', 'Documents direction@iw.fr']);
  });

  it('counts a group as a delegate, and its members see the owner in their -for lists', async () => {
    expect((await as('isalie', 'PROPPATCH', proxy('isalie', 'write'), setMembers('equipe'))).status).toBe(207);
    const jean = await as('jean', 'PROPFIND', principal('jean'), propfind('<C:calendar-proxy-write-for/>', '<A:group-membership/>'), { Depth: '0' });
    expect(hrefsIn(jean.text, 'calendar-proxy-write-for')).toEqual([principal('isalie')]);
    expect(hrefsIn(jean.text, 'group-membership')).toEqual([principal('equipe')]);
    const equipe = await as('jean', 'PROPFIND', principal('equipe'), propfind('<A:group-membership/>'), { Depth: '0' });
    expect(hrefsIn(equipe.text, 'group-membership')).toEqual([proxy('isalie', 'write')]);
    expect((await putEvent('jean', 'isalie', 'by-equipe')).status).toBe(201);
  });
});

describe('the room salle1, managed by the secretariat', () => {
  beforeAll(async () => {
    const granted = await as('root', 'PUT', `/api/v1/accounts/${email('salle1')}/grants`, JSON.stringify({ folder: 'Calendar', grantee: email('secretariat'), rights: ['read', 'create', 'modify', 'delete', 'admin'] }));
    expect(granted.status).toBe(201);
  });

  it("lists the secretariat in the room's write group and the room in the secretariat's calendar-proxy-write-for", async () => {
    const group = await as('secretariat', 'PROPFIND', proxy('salle1', 'write'), propfind('<A:group-member-set/>'), { Depth: '0' });
    expect(hrefsIn(group.text, 'group-member-set')).toEqual([principal('secretariat')]);
    const response = await as('secretariat', 'REPORT', principal('secretariat'), expandProxyFor, { Depth: '0' });
    expect(hrefsIn(response.text, 'calendar-proxy-write-for')).toEqual([principal('salle1'), `mailto:${email('salle1')}`, principal('salle1')]);
    expect(response.text).toContain('<D:displayname>Salle 1</D:displayname>');
  });

  it("lets the secretariat, which may share the room's calendar, give the direction read access to it", async () => {
    expect((await as('secretariat', 'PROPPATCH', proxy('salle1', 'read'), setMembers('direction'))).status).toBe(207);
    expect(await grants('salle1')).toEqual([
      { folder: 'Calendar', grantee: email('secretariat'), rights: ['read', 'create', 'modify', 'delete', 'admin'] },
      { folder: 'Calendar', grantee: email('direction'), rights: ['read'] },
    ]);
    expect((await as('direction', 'PROPFIND', '/webdav/salle1@iw.fr/Calendar/', undefined, { Depth: '0' })).status).toBe(207);
    expect((await as('jean', 'PROPPATCH', proxy('salle1', 'read'), setMembers('jean'))).status).toBe(403);
    expect((await as('direction', 'PROPPATCH', proxy('salle1', 'write'), setMembers('direction'))).status).toBe(403);
  });
});
