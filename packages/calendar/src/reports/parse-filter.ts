import { childElements, findChild, textOf, type XmlElement } from '@partage/dav-xml';
import type { CompFilter, ParamFilter, PropFilter, TextMatch, TimeRange } from '@partage/ical';
import { calendarConditions } from '../conditions.js';
import { parseUtc } from '../ical-dates.js';
import { caldav } from '../names.js';

const collations = ['i;ascii-casemap', 'i;unicode-casemap', 'i;octet'] as const;
const matchTypes = ['equals', 'contains', 'starts-with', 'ends-with'] as const;

function nameOf(element: XmlElement): string {
  const name = element.attributes['{}name'];
  if (!name) throw calendarConditions.validFilter(`${element.name} needs a name`);
  return name.toUpperCase();
}

function timeRangeOf(element: XmlElement): TimeRange | undefined {
  const range = findChild(element, caldav('time-range'));
  if (!range) return undefined;
  const start = parseUtc(range.attributes['{}start'], 'time-range start');
  const end = parseUtc(range.attributes['{}end'], 'time-range end');
  if (!start && !end) throw calendarConditions.validFilter('time-range needs start or end');
  if (start && end && end <= start) throw calendarConditions.validFilter('time-range end must be after its start');
  return { start, end };
}

function textMatchOf(element: XmlElement): TextMatch | undefined {
  const match = findChild(element, caldav('text-match'));
  if (!match) return undefined;
  const collation = match.attributes['{}collation'] ?? 'i;ascii-casemap';
  if (!(collations as readonly string[]).includes(collation)) {
    throw calendarConditions.supportedCollation(collation);
  }
  const matchType = match.attributes['{}match-type'] ?? 'contains';
  if (!(matchTypes as readonly string[]).includes(matchType)) throw calendarConditions.validFilter(`unknown match-type ${matchType}`);
  return {
    value: textOf(match),
    collation: collation as TextMatch['collation'], // checked against the list above
    negate: match.attributes['{}negate-condition'] === 'yes',
    matchType: matchType as TextMatch['matchType'], // checked against the list above
  };
}

const isNotDefined = (element: XmlElement) => findChild(element, caldav('is-not-defined')) !== undefined;

function paramFilterOf(element: XmlElement): ParamFilter {
  return { name: nameOf(element), isNotDefined: isNotDefined(element), textMatch: textMatchOf(element) };
}

function propFilterOf(element: XmlElement): PropFilter {
  return {
    name: nameOf(element),
    isNotDefined: isNotDefined(element),
    timeRange: timeRangeOf(element),
    textMatch: textMatchOf(element),
    paramFilters: childElements(element).filter((c) => c.name === caldav('param-filter')).map(paramFilterOf),
  };
}

function compFilterOf(element: XmlElement): CompFilter {
  return {
    name: nameOf(element),
    isNotDefined: isNotDefined(element),
    timeRange: timeRangeOf(element),
    propFilters: childElements(element).filter((c) => c.name === caldav('prop-filter')).map(propFilterOf),
    compFilters: childElements(element).filter((c) => c.name === caldav('comp-filter')).map(compFilterOf),
  };
}

/** Reads a `CALDAV:filter` (RFC 4791 §9.7) into the typed model `ical` evaluates. */
export function parseFilter(filter: XmlElement | undefined): CompFilter {
  const top = filter && findChild(filter, caldav('comp-filter'));
  if (!top) throw calendarConditions.validFilter('a calendar-query needs a filter with a comp-filter');
  const parsed = compFilterOf(top);
  if (parsed.name !== 'VCALENDAR') throw calendarConditions.validFilter('the top comp-filter must name VCALENDAR');
  return parsed;
}

/** What SQL can use to prefilter: the component types and the time range of the first level (STYLE §3). */
export function prefilterOf(filter: CompFilter): { componentTypes: string[] | undefined; range: TimeRange | undefined } {
  const wanted = filter.compFilters.filter((c) => !c.isNotDefined);
  if (wanted.length !== 1 || filter.compFilters.length !== 1) return { componentTypes: undefined, range: undefined };
  const only = wanted[0];
  return { componentTypes: only ? [only.name] : undefined, range: only?.timeRange };
}

/**
 * The time range of a filter that asks for nothing but events overlapping a bounded range
 * (`VCALENDAR > VEVENT > time-range`), which SQL can decide alone; undefined otherwise.
 */
export function eventTimeRangeOnly(filter: CompFilter): { start: Date; end: Date } | undefined {
  if (filter.propFilters.length > 0 || filter.timeRange || filter.compFilters.length !== 1) return undefined;
  const event = filter.compFilters[0];
  if (!event || event.name !== 'VEVENT' || event.isNotDefined || event.propFilters.length > 0 || event.compFilters.length > 0) {
    return undefined;
  }
  const start = event.timeRange?.start;
  const end = event.timeRange?.end;
  return start && end ? { start, end } : undefined;
}
