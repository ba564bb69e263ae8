import { describe, expect, it } from '@jest/globals';
import { reduceConfidential } from './reduce-confidential.js';

describe('reduceConfidential', () => {
  it('keeps times, recurrence and status, makes SUMMARY Busy, and drops the rest and the alarms', () => {
    const text = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT', 'UID:c1', 'DTSTAMP:20261101T000000Z',
      'DTSTART:20261201T100000Z', 'DTEND:20261201T110000Z', 'RRULE:FREQ=WEEKLY;COUNT=3', 'CLASS:CONFIDENTIAL',
      'SUMMARY:Entretien annuel', 'DESCRIPTION:salaire', 'LOCATION:bureau 12', 'ATTENDEE:mailto:x@y.z', 'STATUS:CONFIRMED',
      'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'DESCRIPTION:rappel', 'END:VALARM', 'END:VEVENT', 'END:VCALENDAR',
    ].join('\r\n');
    const reduced = reduceConfidential(text);
    for (const kept of ['UID:c1', 'DTSTART:20261201T100000Z', 'DTEND:20261201T110000Z', 'RRULE:FREQ=WEEKLY;COUNT=3', 'CLASS:CONFIDENTIAL', 'STATUS:CONFIRMED', 'SUMMARY:Busy']) {
      expect(reduced).toContain(kept);
    }
    for (const gone of ['Entretien', 'salaire', 'bureau', 'ATTENDEE', 'VALARM', 'rappel']) expect(reduced).not.toContain(gone);
  });
});
