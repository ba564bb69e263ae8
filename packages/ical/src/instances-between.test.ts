import { describe, expect, it } from '@jest/globals';
import { instancesBetween } from './instances-between.js';
import { TooManyInstances } from './too-many-instances.js';

const cal = (...body: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...body, 'END:VCALENDAR', ''].join('\r\n');
const event = (...props: string[]) => ['BEGIN:VEVENT', 'UID:e', 'DTSTAMP:20240101T000000Z', ...props, 'END:VEVENT'];
const range = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });
const starts = (text: string, r: { start?: Date; end?: Date }, floatingTimezone?: string) =>
  instancesBetween(text, r, floatingTimezone ? { floatingTimezone } : {}).map((i) => i.start.toISOString());

const weekly = cal(
  ...event('DTSTART;TZID=Europe/Paris:20240304T090000', 'DTEND;TZID=Europe/Paris:20240304T100000', 'RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE;TZID=Europe/Paris:20240311T090000'),
  ...event('RECURRENCE-ID;TZID=Europe/Paris:20240318T090000', 'DTSTART;TZID=Europe/Paris:20240319T140000', 'DTEND;TZID=Europe/Paris:20240319T150000'),
);

describe('instancesBetween', () => {
  it('expands a weekly rule with EXDATE and a moved override, keeping 09:00 Paris across the DST change', () => {
    const instances = instancesBetween(weekly, {}, {});
    expect(instances.map((i) => [i.start.toISOString(), i.end.toISOString(), i.recurrenceId])).toEqual([
      ['2024-03-04T08:00:00.000Z', '2024-03-04T09:00:00.000Z', '20240304T080000Z'],
      ['2024-03-19T13:00:00.000Z', '2024-03-19T14:00:00.000Z', '20240318T080000Z'],
      ['2024-03-25T08:00:00.000Z', '2024-03-25T09:00:00.000Z', '20240325T080000Z'], // CET until 31 March
      ['2024-04-01T07:00:00.000Z', '2024-04-01T08:00:00.000Z', '20240401T070000Z'],
      ['2024-04-08T07:00:00.000Z', '2024-04-08T08:00:00.000Z', '20240408T070000Z'],
    ]);
  });

  it('keeps only instances overlapping the range', () => {
    expect(starts(weekly, range('2024-03-18T00:00:00Z', '2024-03-26T00:00:00Z'))).toEqual(['2024-03-19T13:00:00.000Z', '2024-03-25T08:00:00.000Z']);
  });

  it('matches an override by a UTC RECURRENCE-ID against a zoned DTSTART', () => {
    const text = cal(
      ...event('DTSTART;TZID=Europe/Paris:20240304T090000', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=2'),
      ...event('RECURRENCE-ID:20240305T080000Z', 'DTSTART:20240305T120000Z', 'DURATION:PT1H', 'STATUS:CANCELLED'),
    );
    expect(starts(text, {})).toEqual(['2024-03-04T08:00:00.000Z', '2024-03-05T12:00:00.000Z']);
  });

  it('expands mixed DATE and DATE-TIME RDATEs and PERIODs', () => {
    const text = cal(...event('DTSTART:20240101T090000Z', 'DURATION:PT1H', 'RDATE;VALUE=DATE:20240105', 'RDATE;VALUE=PERIOD:20240103T120000Z/PT3H'));
    const instances = instancesBetween(text, {}, {});
    expect(instances.map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      ['2024-01-01T09:00:00.000Z', '2024-01-01T10:00:00.000Z'],
      ['2024-01-03T12:00:00.000Z', '2024-01-03T15:00:00.000Z'],
      ['2024-01-05T00:00:00.000Z', '2024-01-05T01:00:00.000Z'],
    ]);
  });

  it('returns an orphan override as the only instance', () => {
    const text = cal(...event('RECURRENCE-ID:20240110T090000Z', 'DTSTART:20240110T100000Z', 'DTEND:20240110T110000Z'));
    expect(instancesBetween(text, {}, {})).toEqual([{ start: new Date('2024-01-10T10:00:00Z'), end: new Date('2024-01-10T11:00:00Z'), recurrenceId: '20240110T090000Z' }]);
  });

  it('reads all-day and floating events in the floating time zone', () => {
    const allDay = cal(...event('DTSTART;VALUE=DATE:20240330', 'RRULE:FREQ=DAILY;COUNT=2'));
    const instances = instancesBetween(allDay, {}, { floatingTimezone: 'Europe/Paris' });
    expect(instances.map((i) => [i.start.toISOString(), i.end.toISOString(), i.recurrenceId])).toEqual([
      ['2024-03-29T23:00:00.000Z', '2024-03-30T23:00:00.000Z', '20240330'],
      ['2024-03-30T23:00:00.000Z', '2024-03-31T22:00:00.000Z', '20240331'],
    ]);
    const floating = cal(...event('DTSTART:20240101T090000', 'DURATION:PT30M'));
    expect(starts(floating, {}, 'Asia/Tokyo')).toEqual(['2024-01-01T00:00:00.000Z']);
  });

  it('walks an unbounded weekly rule only up to the range end', () => {
    const text = cal(...event('DTSTART:19900101T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY'));
    const started = performance.now();
    expect(starts(text, range('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'))).toHaveLength(5);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('throws TooManyInstances past maxInstances and for an unbounded rule over an unbounded range', () => {
    const text = cal(...event('DTSTART:20240101T090000Z', 'RRULE:FREQ=DAILY'));
    expect(() => instancesBetween(text, range('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'), { maxInstances: 10 })).toThrow(TooManyInstances);
    expect(() => instancesBetween(text, {}, { maxInstances: 1000 })).toThrow(TooManyInstances);
  });

  it('treats a zero-length event at the range start as overlapping, and one at the range end as not', () => {
    const text = cal(...event('DTSTART:20240101T090000Z'));
    expect(starts(text, range('2024-01-01T09:00:00Z', '2024-01-01T10:00:00Z'))).toHaveLength(1);
    expect(starts(text, range('2024-01-01T08:00:00Z', '2024-01-01T09:00:00Z'))).toHaveLength(0);
  });
});
