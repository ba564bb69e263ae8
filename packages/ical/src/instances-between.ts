import { TooManyInstances } from './too-many-instances.js';
import { groupComponents, loadCalendar } from './component-group.js';
import { expandOccurrences } from './expand-occurrences.js';
import { timeContext } from './floating-zone.js';
import { formatUtcValue } from './format-time.js';
import { maxDate, minDate, type FloatingOptions, type Instance, type TimeRange } from './types.js';

/** Options of {@link instancesBetween}. */
export interface InstancesOptions extends FloatingOptions {
  /** RFC 4791 §5.2.8 max-instances; also guards unbounded rules over unbounded ranges. Default 100,000. */
  readonly maxInstances?: number | undefined;
}

const defaultMaxInstances = 100_000;
/** Generated dates walked before giving up (a FREQ=SECONDLY rule from 1970, say). */
const maxIterations = 2_000_000;

const clampDate = (ms: number): Date => (ms === -Infinity ? minDate : ms === Infinity ? maxDate : new Date(ms));

/** Epoch milliseconds of a range, infinite where unbounded. */
export function rangeMs(range: TimeRange | undefined): { startMs: number; endMs: number } {
  return { startMs: range?.start?.getTime() ?? -Infinity, endMs: range?.end?.getTime() ?? Infinity };
}

/**
 * Instances of a calendar object that overlap `range` under the exact RFC 4791 §9.9 conditions
 * (so zero-length events at the range start count, a VTODO's DUE at the range end counts),
 * sorted by start. Handles RRULE, RDATE (DATE, DATE-TIME and PERIOD), EXDATE, overrides (a moved
 * instance appears at its new time; a cancelled override is still an instance), DST (an instance
 * at 09:00 local stays at 09:00 local), all-day and floating times. The recurrence is walked from
 * DTSTART up to `range.end` only.
 *
 * @throws TooManyInstances past `maxInstances`, or for an unbounded rule over an unbounded range.
 * @example
 * instancesBetween(ics, { start: new Date('2024-03-01Z'), end: new Date('2024-04-01Z') }, { floatingTimezone: 'Europe/Paris' });
 */
export function instancesBetween(text: string, range: TimeRange, options: InstancesOptions): Instance[] {
  const { components } = loadCalendar(text);
  const ctx = timeContext(options.floatingTimezone);
  const window = rangeMs(range);
  const maxInstances = options.maxInstances ?? defaultMaxInstances;
  const instances: { instance: Instance; ms: number }[] = [];
  for (const group of groupComponents(components, ctx)) {
    const expansion = expandOccurrences(group, window, ctx, { maxInstances, maxIterations });
    if (expansion.isTruncated) throw new TooManyInstances(maxInstances);
    for (const occurrence of expansion.occurrences) {
      for (const span of occurrence.spans) {
        if (!span.overlaps(window.startMs, window.endMs)) continue;
        const recurrenceId = occurrence.recurrenceId ? formatUtcValue(occurrence.recurrenceId, ctx) : undefined;
        instances.push({ ms: span.startMs, instance: { start: clampDate(span.startMs), end: clampDate(span.endMs), recurrenceId } });
      }
    }
  }
  if (instances.length > maxInstances) throw new TooManyInstances(maxInstances);
  return instances.sort((a, b) => a.ms - b.ms).map((i) => i.instance);
}
