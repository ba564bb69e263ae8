import type ICAL from 'ical.js';
import { groupComponents, loadCalendar, type ComponentGroup } from './component-group.js';
import { expandOccurrences, isRecurringMaster, isUnboundedMaster } from './expand-occurrences.js';
import { timeContext, type TimeContext } from './floating-zone.js';
import { nameOf, textValue } from './ical-values.js';
import { InvalidCalendarData } from './invalid-calendar-data.js';
import { componentTypes, type ComponentType, type FloatingOptions } from './types.js';

/** What the store keeps beside the raw text to prefilter queries (STYLE §3). */
export interface CalendarObjectSummary {
  readonly componentType: ComponentType;
  readonly uid: string;
  /**
   * Earliest instance start (RFC 4791 §9.9 effective start), UTC; null when the object has no
   * start at all (a VTODO without DTSTART/DUE/COMPLETED/CREATED, a VJOURNAL without DTSTART).
   * Bounds are inclusive: the object can match a time-range only if `firstStart <= range.end`.
   */
  readonly firstStart: Date | null;
  /**
   * Latest instance end, UTC; null when unbounded (an RRULE without COUNT/UNTIL, more than
   * 100,000 instances, a VTODO with only CREATED). Inclusive: a match needs `lastEnd >= range.start`.
   */
  readonly lastEnd: Date | null;
  readonly isRecurring: boolean;
  readonly classification: 'PUBLIC' | 'PRIVATE' | 'CONFIDENTIAL';
}

/** Options of {@link parseCalendarObject}. */
export interface ParseOptions extends FloatingOptions {
  /** The collection's supported-calendar-component-set (RFC 4791 §5.2.3). */
  readonly allowedComponents: readonly ComponentType[];
}

/** Instances counted exactly for the summary; past it `lastEnd` is null, which is safe for a prefilter. */
const summaryInstanceCap = 100_000;

const isComponentType = (name: string): name is ComponentType => componentTypes.some((t) => t === name);

function fail(condition: InvalidCalendarData['condition'], message: string): never {
  throw new InvalidCalendarData(condition, message);
}

function validateStructure(root: ICAL.Component, components: readonly ICAL.Component[], allowed: readonly ComponentType[]): ComponentType {
  if (textValue(root, 'version') !== '2.0') fail('valid-calendar-data', 'VERSION:2.0 is required');
  if (root.hasProperty('method')) fail('valid-calendar-object-resource', 'METHOD is not allowed in a calendar object resource (RFC 4791 §4.1)');
  const first = components[0];
  if (!first) fail('valid-calendar-object-resource', 'no calendar component');
  const type = nameOf(first);
  if (components.some((c) => nameOf(c) !== type)) fail('valid-calendar-object-resource', 'more than one component type');
  if (!isComponentType(type)) fail('supported-calendar-component', `${type} is not a supported component`);
  if (!allowed.includes(type)) fail('supported-calendar-component', `${type} is not allowed in this calendar`);
  return type;
}

function validateGroup(groups: readonly ComponentGroup[], components: readonly ICAL.Component[]): ComponentGroup & { uid: string } {
  const [group, ...others] = groups;
  if (!group || group.uid === undefined || group.uid === '') fail('valid-calendar-object-resource', 'UID is required');
  if (others.length > 0) fail('valid-calendar-object-resource', 'all components must share one UID');
  const masters = components.filter((c) => !c.hasProperty('recurrence-id')).length;
  if (masters > 1) fail('valid-calendar-object-resource', 'more than one component without RECURRENCE-ID');
  if (group.overrides.size + masters !== components.length) fail('valid-calendar-object-resource', 'duplicate RECURRENCE-ID');
  for (const c of components) {
    if ((group.type === 'VEVENT' || c.hasProperty('rrule')) && !c.hasProperty('dtstart')) {
      fail('valid-calendar-data', `${group.type} without DTSTART`);
    }
  }
  return { ...group, uid: group.uid };
}

function classificationOf(component: ICAL.Component | undefined): CalendarObjectSummary['classification'] {
  const value = component ? textValue(component, 'class', true) : undefined;
  return value === 'PRIVATE' || value === 'CONFIDENTIAL' ? value : 'PUBLIC';
}

function bounds(group: ComponentGroup, ctx: TimeContext): { firstStart: Date | null; lastEnd: Date | null } {
  const window = { startMs: -Infinity, endMs: Infinity };
  const isUnbounded = group.master ? isUnboundedMaster(group.master) : false;
  const expansion = expandOccurrences(group, window, ctx, {
    maxIterations: summaryInstanceCap,
    stopAfter: isUnbounded ? 1 : undefined,
  });
  let first = Infinity;
  let last = -Infinity;
  for (const span of expansion.occurrences.flatMap((o) => o.spans)) {
    first = Math.min(first, span.startMs);
    last = Math.max(last, span.endMs);
  }
  const toDate = (ms: number) => (Number.isFinite(ms) ? new Date(ms) : null);
  return {
    firstStart: toDate(first),
    lastEnd: isUnbounded || expansion.isTruncated ? null : toDate(last),
  };
}

/**
 * Parses and validates one calendar object resource (RFC 4791 §4.1) and summarises it for storage.
 *
 * Strict on structure: VERSION:2.0, no METHOD, exactly one component type besides VTIMEZONE, one
 * UID shared by all components, at most one master, unique RECURRENCE-IDs, DTSTART on VEVENTs and
 * recurring components, every TZID resolvable (embedded VTIMEZONE or IANA zone). Lenient on
 * PRODID, which real clients sometimes omit. An object holding only overridden instances is valid.
 * Floating times and DATE values are read in `floatingTimezone` (UTC when omitted).
 *
 * @throws InvalidCalendarData with the RFC 4791 precondition the data fails.
 * @example
 * const summary = parseCalendarObject(body, { allowedComponents: ['VEVENT'], floatingTimezone: 'Europe/Paris' });
 */
export function parseCalendarObject(text: string, options: ParseOptions): CalendarObjectSummary {
  const { root, components } = loadCalendar(text);
  const componentType = validateStructure(root, components, options.allowedComponents);
  const ctx = timeContext(options.floatingTimezone);
  try {
    const group = validateGroup(groupComponents(components, ctx), components);
    return {
      componentType,
      uid: group.uid,
      ...bounds(group, ctx),
      isRecurring: group.overrides.size > 0 || (group.master ? isRecurringMaster(group.master) : false),
      classification: classificationOf(group.master ?? components[0]),
    };
  } catch (error) {
    if (error instanceof InvalidCalendarData) throw error;
    throw new InvalidCalendarData('valid-calendar-data', `invalid value: ${String(error)}`, { cause: error });
  }
}
