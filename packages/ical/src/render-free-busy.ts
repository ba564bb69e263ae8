import { formatUtcDate } from './format-time.js';
import type { BusyPeriod } from './types.js';

/** PRODID of everything this package writes. */
export const prodId = '-//Partage//Partage//EN';

/**
 * A VCALENDAR with one VFREEBUSY for `range` (RFC 4791 §7.10, RFC 5545 §3.6.4): DTSTAMP (`now`),
 * DTSTART, DTEND and one FREEBUSY line per period, all in UTC. CRLF line endings.
 *
 * @example
 * const body = renderFreeBusy(periods, { start, end }, clock.now());
 */
export function renderFreeBusy(periods: readonly BusyPeriod[], range: { start: Date; end: Date }, now: Date): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${prodId}`,
    'CALSCALE:GREGORIAN',
    'BEGIN:VFREEBUSY',
    `DTSTAMP:${formatUtcDate(now)}`,
    `DTSTART:${formatUtcDate(range.start)}`,
    `DTEND:${formatUtcDate(range.end)}`,
    ...periods.map((p) => `FREEBUSY;FBTYPE=${p.type}:${formatUtcDate(p.start)}/${formatUtcDate(p.end)}`),
    'END:VFREEBUSY',
    'END:VCALENDAR',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
