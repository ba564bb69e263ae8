import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The SQL path of time-range queries (columns for single events, the instance index for
 * recurring ones) must answer exactly what the full evaluation answers. A prop-filter that
 * every event satisfies (`UID` is defined) forces the full evaluation, for comparison.
 */
let server: TestServer;
const user = 'index@iw.test';
const calendar = `/webdav/${user}/Calendar`;

const events: Record<string, string[]> = {
  single: ['DTSTART:20261203T100000Z', 'DTEND:20261203T110000Z'],
  zero: ['DTSTART:20261203T120000Z'],
  allday: ['DTSTART;VALUE=DATE:20261205', 'DTEND;VALUE=DATE:20261206'],
  paris: ['DTSTART;TZID=Europe/Paris:20261204T090000', 'DTEND;TZID=Europe/Paris:20261204T093000'],
  weekly: ['DTSTART:20261101T080000Z', 'DTEND:20261101T090000Z', 'RRULE:FREQ=WEEKLY;COUNT=12', 'EXDATE:20261115T080000Z'],
  forever: ['DTSTART:20250106T070000Z', 'DTEND:20250106T071500Z', 'RRULE:FREQ=MONTHLY;BYMONTHDAY=6'],
  daily: ['DTSTART;TZID=Europe/Paris:20261020T180000', 'DTEND;TZID=Europe/Paris:20261020T190000', 'RRULE:FREQ=DAILY;UNTIL=20261110T170000Z'],
};
const override = ['RECURRENCE-ID:20261122T080000Z', 'DTSTART:20261123T150000Z', 'DTEND:20261123T160000Z'];

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser(user);
  for (const [uid, lines] of Object.entries(events)) {
    const components = [['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261101T000000Z', ...lines, 'END:VEVENT']];
    if (uid === 'weekly') components.push(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261101T000000Z', ...override, 'END:VEVENT']);
    const body = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', ...components.flat(), 'END:VCALENDAR', ''].join('\r\n');
    const response = await fetch(`${server.url}${calendar}/${uid}.ics`, {
      method: 'PUT',
      headers: { Authorization: server.basic(user), 'Content-Type': 'text/calendar' },
      body,
    });
    expect(response.status).toBe(201);
  }
});
afterAll(async () => {
  await server.stop();
});

async function found(start: string, end: string, forceExact: boolean): Promise<string[]> {
  const extra = forceExact ? '<C:prop-filter name="UID"/>' : '';
  const response = await fetch(`${server.url}${calendar}/`, {
    method: 'REPORT',
    headers: { Authorization: server.basic(user), Depth: '1', 'Content-Type': 'application/xml' },
    body: `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${start}" end="${end}"/>${extra}</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`,
  });
  const text = await response.text();
  return [...text.matchAll(/\/Calendar\/([a-z]+)\.ics</g)].map((m) => m[1] ?? '').sort();
}

describe('time-range queries decided in SQL', () => {
  const ranges: [string, string][] = [
    ['20261203T100000Z', '20261203T103000Z'],
    ['20261203T110000Z', '20261203T120000Z'],
    ['20261203T120000Z', '20261203T120001Z'],
    ['20261115T000000Z', '20261116T000000Z'],
    ['20261122T000000Z', '20261123T000000Z'],
    ['20261123T150000Z', '20261123T153000Z'],
    ['20261205T000000Z', '20261205T010000Z'],
    ['20270606T070000Z', '20270606T070500Z'],
    ['20290106T000000Z', '20290107T000000Z'],
    ['20261104T080000Z', '20261104T083000Z'],
    ['20261101T000000Z', '20261201T000000Z'],
    ['20250101T000000Z', '20300101T000000Z'],
  ];
  it.each(ranges)('answers %s–%s as the full evaluation does', async (start, end) => {
    const fast = await found(start, end, false);
    const exact = await found(start, end, true);
    expect(fast).toEqual(exact);
  });

  it('finds what it should on known ranges', async () => {
    expect(await found('20261115T000000Z', '20261116T000000Z', false)).toEqual([]);
    expect(await found('20261122T000000Z', '20261123T000000Z', false)).toEqual([]);
    expect(await found('20261123T150000Z', '20261123T153000Z', false)).toEqual(['weekly']);
    expect(await found('20261203T120000Z', '20261203T120001Z', false)).toEqual(['zero']);
    expect(await found('20290106T000000Z', '20290107T000000Z', false)).toEqual(['forever']);
  });
});
