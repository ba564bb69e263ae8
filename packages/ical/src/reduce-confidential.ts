import ICAL from 'ical.js';

/** What a sharee without `admin` still sees of a confidential item (SPEC §4). */
const keptProperties = new Set([
  'uid', 'dtstamp', 'dtstart', 'dtend', 'duration', 'due', 'rrule', 'rdate', 'exdate', 'recurrence-id',
  'status', 'transp', 'class', 'sequence',
]);

/**
 * The reduced view of a `CLASS:CONFIDENTIAL` object for sharees without `admin` (SPEC §4):
 * the time, recurrence and status properties stay, SUMMARY becomes `Busy`, and every other
 * property and every alarm go. Time zones stay so that the times keep their meaning.
 */
export function reduceConfidential(text: string): string {
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]); // ICAL.parse returns jCal arrays
  for (const component of root.getAllSubcomponents()) {
    if (component.name === 'vtimezone') continue;
    for (const sub of [...component.getAllSubcomponents()]) component.removeSubcomponent(sub);
    for (const property of [...component.getAllProperties()]) {
      if (!keptProperties.has(property.name)) component.removeProperty(property);
    }
    component.addPropertyWithValue('summary', 'Busy');
  }
  return root.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

