import { describe, expect, it } from '@jest/globals';
import { InvalidCalendarData } from './invalid-calendar-data.js';
import { parseCalendarObject } from './parse-calendar-object.js';

const cal = (...body: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...body, 'END:VCALENDAR', ''].join('\r\n');
const event = (...props: string[]) => ['BEGIN:VEVENT', 'DTSTAMP:20240101T000000Z', ...props, 'END:VEVENT'];
const events = { allowedComponents: ['VEVENT'] } as const;

function conditionOf(text: string, allowed: readonly ('VEVENT' | 'VTODO')[] = ['VEVENT']): string {
  try {
    parseCalendarObject(text, { allowedComponents: allowed });
  } catch (error) {
    if (error instanceof InvalidCalendarData) return error.condition;
    throw error;
  }
  return 'accepted';
}

describe('parseCalendarObject', () => {
  it('summarises a simple event', () => {
    const summary = parseCalendarObject(cal(...event('UID:a', 'DTSTART:20240101T090000Z', 'DTEND:20240101T100000Z', 'CLASS:PRIVATE')), events);
    expect(summary).toEqual({
      componentType: 'VEVENT', uid: 'a', firstStart: new Date('2024-01-01T09:00:00Z'), lastEnd: new Date('2024-01-01T10:00:00Z'),
      isRecurring: false, classification: 'PRIVATE',
    });
  });

  it('computes exact bounds of a bounded weekly rule with a moved override', () => {
    const summary = parseCalendarObject(cal(
      ...event('UID:w', 'DTSTART;TZID=Europe/Paris:20240304T090000', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;COUNT=4'),
      ...event('UID:w', 'RECURRENCE-ID;TZID=Europe/Paris:20240325T090000', 'DTSTART;TZID=Europe/Paris:20240401T090000', 'DURATION:PT1H'),
    ), events);
    expect(summary.firstStart).toEqual(new Date('2024-03-04T08:00:00Z'));
    expect(summary.lastEnd).toEqual(new Date('2024-04-01T08:00:00Z'));
    expect(summary.isRecurring).toBe(true);
  });

  it('reports an unbounded rule with a null lastEnd', () => {
    const summary = parseCalendarObject(cal(...event('UID:u', 'DTSTART:20240101T090000Z', 'RRULE:FREQ=DAILY')), events);
    expect(summary.firstStart).toEqual(new Date('2024-01-01T09:00:00Z'));
    expect(summary.lastEnd).toBeNull();
  });

  it('accepts an object holding only an overridden instance', () => {
    const summary = parseCalendarObject(cal(...event('UID:o', 'RECURRENCE-ID:20240110T090000Z', 'DTSTART:20240110T100000Z', 'DTEND:20240110T110000Z')), events);
    expect(summary.isRecurring).toBe(true);
    expect(summary.firstStart).toEqual(new Date('2024-01-10T10:00:00Z'));
  });

  it('reads all-day and floating events in the floating time zone', () => {
    const allDay = parseCalendarObject(cal(...event('UID:d', 'DTSTART;VALUE=DATE:20240701')), { ...events, floatingTimezone: 'Europe/Paris' });
    expect(allDay.firstStart).toEqual(new Date('2024-06-30T22:00:00Z'));
    expect(allDay.lastEnd).toEqual(new Date('2024-07-01T22:00:00Z'));
    const floating = parseCalendarObject(cal(...event('UID:f', 'DTSTART:20240101T090000', 'DTEND:20240101T100000')), { ...events, floatingTimezone: 'America/New_York' });
    expect(floating.firstStart).toEqual(new Date('2024-01-01T14:00:00Z'));
    expect(parseCalendarObject(cal(...event('UID:f', 'DTSTART:20240101T090000')), events).firstStart).toEqual(new Date('2024-01-01T09:00:00Z'));
  });

  it('honours an embedded VTIMEZONE with a non-IANA name', () => {
    const summary = parseCalendarObject(cal(
      'BEGIN:VTIMEZONE', 'TZID:My Zone', 'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0300', 'TZOFFSETTO:+0300', 'END:STANDARD', 'END:VTIMEZONE',
      ...event('UID:z', 'DTSTART;TZID=My Zone:20240101T090000'),
    ), events);
    expect(summary.firstStart).toEqual(new Date('2024-01-01T06:00:00Z'));
  });

  it('accepts mixed DATE and DATE-TIME RDATEs', () => {
    const summary = parseCalendarObject(cal(...event('UID:r', 'DTSTART:20240101T090000Z', 'DURATION:PT1H', 'RDATE;VALUE=DATE:20240105', 'RDATE:20240103T120000Z')), events);
    expect(summary.lastEnd).toEqual(new Date('2024-01-05T01:00:00Z'));
  });

  it.each([
    ['two UIDs', cal(...event('UID:a', 'DTSTART:20240101T090000Z'), ...event('UID:b', 'DTSTART:20240101T090000Z')), 'valid-calendar-object-resource'],
    ['two component types', cal(...event('UID:a', 'DTSTART:20240101T090000Z'), 'BEGIN:VTODO', 'UID:a', 'END:VTODO'), 'valid-calendar-object-resource'],
    ['METHOD present', cal('METHOD:REQUEST', ...event('UID:a', 'DTSTART:20240101T090000Z')), 'valid-calendar-object-resource'],
    ['a missing UID', cal(...event('DTSTART:20240101T090000Z')), 'valid-calendar-object-resource'],
    ['garbage', 'hello world', 'valid-calendar-data'],
    ['a missing VERSION', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20240101T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', 'valid-calendar-data'],
    ['an unknown TZID without VTIMEZONE', cal(...event('UID:a', 'DTSTART;TZID=Mars/Olympus:20240101T090000')), 'valid-calendar-data'],
    ['an unsupported component', cal('BEGIN:VAVAILABILITY', 'UID:a', 'END:VAVAILABILITY'), 'supported-calendar-component'],
  ])('rejects %s', (_name, text, condition) => {
    expect(conditionOf(text)).toBe(condition);
  });

  it('rejects a VEVENT in a VTODO-only calendar with supported-calendar-component', () => {
    expect(conditionOf(cal(...event('UID:a', 'DTSTART:20240101T090000Z')), ['VTODO'])).toBe('supported-calendar-component');
  });

  it('is lenient on a missing PRODID', () => {
    expect(conditionOf('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20240101T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n')).toBe('accepted');
  });
});

describe('registerTimezones', () => {
  it('registers the IANA set idempotently, with UTC aliases', async () => {
    const { registerTimezones } = await import('./register-timezones.js');
    registerTimezones();
    registerTimezones();
    const summary = parseCalendarObject(cal(...event('UID:u', 'DTSTART;TZID=UTC:20240101T090000', 'DTEND;TZID=America/Argentina/Buenos_Aires:20240101T070000')), events);
    expect(summary.firstStart).toEqual(new Date('2024-01-01T09:00:00Z'));
    expect(summary.lastEnd).toEqual(new Date('2024-01-01T10:00:00Z'));
  });
});
