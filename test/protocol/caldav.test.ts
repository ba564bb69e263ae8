import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
const user = 'agenda@iw.test';
const home = `/webdav/${user}`;

beforeAll(async () => {
  server = await startTestServer({ PARTAGE_MAX_RESOURCE_BYTES: '4096' });
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

const ics = (component: string, uid: string, lines: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', `BEGIN:${component}`, `UID:${uid}`, 'DTSTAMP:20261101T000000Z', ...lines, `END:${component}`, 'END:VCALENDAR', ''].join('\r\n');

const query = (filter: string, prop = '<D:getetag/>') =>
  `<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>${prop}</D:prop><C:filter><C:comp-filter name="VCALENDAR">${filter}</C:comp-filter></C:filter></C:calendar-query>`;
const count = (text: string) => (text.match(/<D:response>/g) ?? []).length;

describe('calendar collections', () => {
  it('creates a calendar with MKCALENDAR and its properties', async () => {
    const body = `<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop><D:displayname>Projets</D:displayname><C:calendar-description>Planning des projets</C:calendar-description><C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/></C:supported-calendar-component-set><A:calendar-color>#FF0000FF</A:calendar-color></D:prop></D:set></C:mkcalendar>`;
    expect((await send('MKCALENDAR', `${home}/projets/`, body)).status).toBe(201);
    const props = await send(
      'PROPFIND',
      `${home}/projets/`,
      '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/" xmlns:CS="http://calendarserver.org/ns/"><D:prop><D:resourcetype/><D:displayname/><C:calendar-description/><C:supported-calendar-component-set/><A:calendar-color/><CS:getctag/><C:max-resource-size/><D:supported-report-set/></D:prop></D:propfind>',
      { Depth: '0' },
    );
    expect(props.text).toContain('<C:calendar/>');
    expect(props.text).toContain('<D:displayname>Projets</D:displayname>');
    expect(props.text).toContain('Planning des projets');
    expect(props.text).toContain('<C:comp name="VEVENT"/><C:comp name="VTODO"/>');
    expect(props.text).toContain('#FF0000FF');
    expect(props.text).toMatch(/<CS:getctag>http:\/\/partage\.invalid\/ns\/sync\/\d+\/\d+\/\d+<\/CS:getctag>/);
    expect(props.text).toContain('<C:max-resource-size>4096</C:max-resource-size>');
    for (const report of ['calendar-query', 'calendar-multiget', 'free-busy-query', 'sync-collection']) {
      expect(props.text).toContain(report);
    }
  });

  it('refuses MKCALENDAR on an existing resource and inside a calendar', async () => {
    expect((await send('MKCALENDAR', `${home}/projets/`)).status).toBe(403);
    const nested = await send('MKCALENDAR', `${home}/projets/inner/`);
    expect(nested.status).toBe(403);
    expect(nested.text).toContain('calendar-collection-location-ok');
    expect((await send('MKCOL', `${home}/projets/sub/`)).status).toBe(403);
  });

  it('creates a calendar with an extended MKCOL (RFC 5689)', async () => {
    const body = `<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype><D:displayname>Perso</D:displayname></D:prop></D:set></D:mkcol>`;
    expect((await send('MKCOL', `${home}/perso/`, body, { 'Content-Type': 'application/xml' })).status).toBe(201);
    const props = await send('PROPFIND', `${home}/perso/`, undefined, { Depth: '0' });
    expect(props.text).toContain('<C:calendar/>');
  });

  it('finds every calendar, task list and note list from calendar-home-set at Depth 1', async () => {
    const listing = await send('PROPFIND', `${home}/`, '<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>', { Depth: '1' });
    expect((listing.text.match(/<C:calendar\/>/g) ?? []).length).toBe(5);
  });
});

describe('objects and queries', () => {
  it('stores a task in Tasks and finds it by a VTODO time-range and by text', async () => {
    const todo = ics('VTODO', 'todo-1', ['DUE:20261210T170000Z', 'SUMMARY:Préparer le budget']);
    expect((await send('PUT', `${home}/Tasks/todo-1.ics`, todo, { 'Content-Type': 'text/calendar' })).status).toBe(201);
    const inRange = await send('REPORT', `${home}/Tasks/`, query('<C:comp-filter name="VTODO"><C:time-range start="20261210T000000Z" end="20261211T000000Z"/></C:comp-filter>'), { Depth: '1' });
    expect(count(inRange.text)).toBe(1);
    const outside = await send('REPORT', `${home}/Tasks/`, query('<C:comp-filter name="VTODO"><C:time-range start="20261211T000000Z" end="20261212T000000Z"/></C:comp-filter>'), { Depth: '1' });
    expect(count(outside.text)).toBe(0);
    const text = await send('REPORT', `${home}/Tasks/`, query('<C:comp-filter name="VTODO"><C:prop-filter name="SUMMARY"><C:text-match collation="i;unicode-casemap">PRÉPARER</C:text-match></C:prop-filter></C:comp-filter>'), { Depth: '1' });
    expect(count(text.text)).toBe(1);
    const notDefined = await send('REPORT', `${home}/Tasks/`, query('<C:comp-filter name="VTODO"><C:prop-filter name="COMPLETED"><C:is-not-defined/></C:prop-filter></C:comp-filter>'), { Depth: '1' });
    expect(count(notDefined.text)).toBe(1);
  });

  it('expands a weekly meeting in a query and keeps the stored bytes otherwise', async () => {
    const weekly = ics('VEVENT', 'weekly-1', [
      'DTSTART;TZID=Europe/Paris:20261005T090000',
      'DTEND;TZID=Europe/Paris:20261005T100000',
      'RRULE:FREQ=WEEKLY;COUNT=10',
      'EXDATE;TZID=Europe/Paris:20261019T090000',
      'SUMMARY:Point hebdo',
    ]);
    const put = await send('PUT', `${home}/Calendar/weekly-1.ics`, weekly, { 'Content-Type': 'text/calendar; charset=utf-8' });
    expect(put.status).toBe(201);
    // October 2026: Oct 5, 12, (19 excluded), 26 — the last at 08:00Z after the end of summer time.
    const expanded = await send(
      'REPORT',
      `${home}/Calendar/`,
      query(
        '<C:comp-filter name="VEVENT"><C:time-range start="20261001T000000Z" end="20261101T000000Z"/></C:comp-filter>',
        '<C:calendar-data><C:expand start="20261001T000000Z" end="20261101T000000Z"/></C:calendar-data>',
      ),
      { Depth: '1' },
    );
    expect(count(expanded.text)).toBe(1);
    expect((expanded.text.match(/BEGIN:VEVENT/g) ?? []).length).toBe(3);
    expect(expanded.text).toContain('RECURRENCE-ID:20261005T070000Z');
    expect(expanded.text).toContain('DTSTART:20261026T080000Z');
    expect(expanded.text).not.toContain('RRULE');
    const raw = await send('GET', `${home}/Calendar/weekly-1.ics`);
    expect(raw.text).toBe(weekly);
    expect(raw.headers.get('content-type')).toMatch(/^text\/calendar/);
  });

  it('answers free-busy-query with the busy periods', async () => {
    const response = await send(
      'REPORT',
      `${home}/Calendar/`,
      '<?xml version="1.0"?><C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20261012T000000Z" end="20261013T000000Z"/></C:free-busy-query>',
      { Depth: '1' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(response.text).toContain('FREEBUSY;FBTYPE=BUSY:20261012T070000Z/20261012T080000Z');
  });

  it('exports a whole calendar as one iCalendar file', async () => {
    const response = await send('GET', `${home}/Calendar/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(response.text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(response.text).toContain('UID:weekly-1');
  });

  it('refuses an object over max-resource-size, and a METHOD', async () => {
    const big = ics('VEVENT', 'big', ['DTSTART:20261001T100000Z', `DESCRIPTION:${'x'.repeat(5000)}`]);
    const tooBig = await send('PUT', `${home}/Calendar/big.ics`, big, { 'Content-Type': 'text/calendar' });
    expect(tooBig.status).toBe(403);
    expect(tooBig.text).toContain('max-resource-size');
    const withMethod = ics('VEVENT', 'method', ['DTSTART:20261001T100000Z']).replace('VERSION:2.0', 'VERSION:2.0\r\nMETHOD:REQUEST');
    const refused = await send('PUT', `${home}/Calendar/method.ics`, withMethod, { 'Content-Type': 'text/calendar' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('valid-calendar-object-resource');
  });

  it('accepts an invitation to one occurrence only (an override without its master)', async () => {
    const orphan = ics('VEVENT', 'orphan-1', ['RECURRENCE-ID:20261104T090000Z', 'DTSTART:20261104T100000Z', 'DTEND:20261104T110000Z', 'SUMMARY:one occurrence']);
    expect((await send('PUT', `${home}/Calendar/orphan-1.ics`, orphan, { 'Content-Type': 'text/calendar' })).status).toBe(201);
  });

  it('moves an object between calendars and refuses to move it into a files folder', async () => {
    const event = ics('VEVENT', 'movable', ['DTSTART:20261120T100000Z', 'SUMMARY:movable']);
    await send('PUT', `${home}/Calendar/movable.ics`, event, { 'Content-Type': 'text/calendar' });
    expect((await send('MOVE', `${home}/Calendar/movable.ics`, undefined, { Destination: `${home}/perso/movable.ics` })).status).toBe(201);
    const found = await send('REPORT', `${home}/perso/`, query('<C:comp-filter name="VEVENT"/>'), { Depth: '1' });
    expect(count(found.text)).toBe(1);
    expect((await send('MOVE', `${home}/perso/movable.ics`, undefined, { Destination: `${home}/Documents/movable.ics` })).status).toBe(403);
  });
});

describe('principal', () => {
  it('expands calendar-home-set with expand-property', async () => {
    const response = await send(
      'REPORT',
      `/webdav/principals/${user}/`,
      '<?xml version="1.0"?><D:expand-property xmlns:D="DAV:"><D:property name="calendar-home-set" namespace="urn:ietf:params:xml:ns:caldav"><D:property name="displayname"/></D:property></D:expand-property>',
      { Depth: '0' },
    );
    expect(response.status).toBe(207);
    expect(response.text).toMatch(/<C:calendar-home-set><D:response><D:href>\/webdav\/agenda@iw\.test\/<\/D:href><D:propstat><D:prop><D:displayname>/);
  });
});
