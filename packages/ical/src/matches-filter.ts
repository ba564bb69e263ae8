import ICAL from 'ical.js';
import { alarmReachMs, alarmTriggers } from './alarm-triggers.js';
import { groupComponents, loadCalendar, type ComponentGroup } from './component-group.js';
import { componentSpans } from './component-span.js';
import { expandOccurrences, type Occurrence } from './expand-occurrences.js';
import { timeContext, type TimeContext } from './floating-zone.js';
import { nameOf, timeValue } from './ical-values.js';
import { rangeMs } from './instances-between.js';
import { parameterTexts, propertyTexts } from './property-text.js';
import { textMatches } from './text-match.js';
import type { CompFilter, FloatingOptions, ParamFilter, PropFilter, TimeRange } from './types.js';

const maxIterations = 2_000_000;

/** Evaluates one filter against one parsed object, memoising expansions per component group and window. */
class FilterEvaluation {
  private readonly expansions = new Map<string, Occurrence[]>();

  constructor(
    private readonly ctx: TimeContext,
    private readonly groups: readonly ComponentGroup[],
  ) {}

  /** Instances supplied by `component` (a master or an override) in a window. */
  occurrencesOf(component: ICAL.Component, startMs: number, endMs: number): Occurrence[] {
    const index = this.groups.findIndex((g) => g.master === component || [...g.overrides.values()].includes(component));
    const group = this.groups[index];
    if (!group) return [];
    const key = `${String(index)}:${String(startMs)}:${String(endMs)}`;
    let occurrences = this.expansions.get(key);
    if (!occurrences) {
      occurrences = expandOccurrences(group, { startMs, endMs }, this.ctx, { maxIterations }).occurrences;
      this.expansions.set(key, occurrences);
    }
    return occurrences.filter((o) => o.component === component);
  }

  componentOverlaps(component: ICAL.Component, range: TimeRange): boolean {
    const { startMs, endMs } = rangeMs(range);
    return this.occurrencesOf(component, startMs, endMs).some((o) => o.spans.some((s) => s.overlaps(startMs, endMs)));
  }

  /** VALARM time-range (RFC 4791 §9.9): some trigger T of some parent instance with start <= T < end. */
  alarmOverlaps(alarm: ICAL.Component, parent: ICAL.Component, range: TimeRange): boolean {
    const { startMs, endMs } = rangeMs(range);
    const isIn = (t: number) => startMs <= t && endMs > t;
    if (alarm.getFirstPropertyValue('trigger') instanceof ICAL.Time) {
      return alarmTriggers(alarm, { startMs: 0, endMs: 0, overlaps: () => false }, this.ctx).some(isIn);
    }
    const dtstart = timeValue(parent, 'dtstart');
    const firstSpan = componentSpans(parent, dtstart, this.ctx)[0];
    const lengthMs = firstSpan && Number.isFinite(firstSpan.endMs - firstSpan.startMs) ? firstSpan.endMs - firstSpan.startMs : 0;
    const reachMs = alarmReachMs(parent) + lengthMs;
    return this.occurrencesOf(parent, startMs - reachMs, endMs + reachMs).some((o) =>
      o.spans.some((span) => alarmTriggers(alarm, span, this.ctx).some(isIn)),
    );
  }

  compMatches(filter: CompFilter, parent: ICAL.Component): boolean {
    const candidates = parent.getAllSubcomponents(filter.name.toLowerCase());
    if (filter.isNotDefined) return candidates.length === 0;
    return candidates.some((component) => {
      if (filter.timeRange) {
        const overlaps = nameOf(component) === 'VALARM'
          ? this.alarmOverlaps(component, parent, filter.timeRange)
          : this.componentOverlaps(component, filter.timeRange);
        if (!overlaps) return false;
      }
      return filter.propFilters.every((f) => this.propMatches(f, component)) && filter.compFilters.every((f) => this.compMatches(f, component));
    });
  }

  propMatches(filter: PropFilter, component: ICAL.Component): boolean {
    const properties = component.getAllProperties(filter.name.toLowerCase());
    if (filter.isNotDefined) return properties.length === 0;
    return properties.some(
      (property) =>
        (!filter.timeRange || this.propertyInRange(property, filter.timeRange)) &&
        (!filter.textMatch || textMatches(propertyTexts(property), filter.textMatch)) &&
        filter.paramFilters.every((f) => paramMatches(f, property)),
    );
  }

  /** prop-filter time-range on DATE-TIME values (RFC 4791 §9.9: start <= value < end) and PERIOD values. */
  propertyInRange(property: ICAL.Property, range: TimeRange): boolean {
    const { startMs, endMs } = rangeMs(range);
    return property.getValues().some((value: unknown) => {
      if (value instanceof ICAL.Time) {
        const at = this.ctx.toMs(value);
        return startMs <= at && endMs > at;
      }
      if (value instanceof ICAL.Period) return startMs < this.ctx.toMs(value.getEnd()) && endMs > this.ctx.toMs(value.start);
      return false;
    });
  }
}

function paramMatches(filter: ParamFilter, property: ICAL.Property): boolean {
  const values = parameterTexts(property, filter.name);
  if (filter.isNotDefined) return values === undefined;
  if (values === undefined) return false;
  return !filter.textMatch || textMatches(values, filter.textMatch);
}

/**
 * Evaluates a calendar-query filter (RFC 4791 §9.7) exactly against one calendar object: the
 * top-level comp-filter must name VCALENDAR. A component's time-range is tested on the instances
 * that component supplies (a master its generated instances, an override its own), with the §9.9
 * condition for its type; VALARM time-ranges test every trigger of every parent instance,
 * including REPEATs; text-match honours the three collations and negate-condition.
 *
 * @example
 * matchesFilter(ics, { name: 'VCALENDAR', isNotDefined: false, propFilters: [], compFilters: [
 *   { name: 'VEVENT', isNotDefined: false, timeRange: { start, end }, propFilters: [], compFilters: [] }] }, {});
 */
export function matchesFilter(text: string, filter: CompFilter, options: FloatingOptions): boolean {
  const { root, components } = loadCalendar(text);
  if (filter.name.toUpperCase() !== 'VCALENDAR') return false;
  if (filter.isNotDefined) return false;
  const ctx = timeContext(options.floatingTimezone);
  const evaluation = new FilterEvaluation(ctx, groupComponents(components, ctx));
  return filter.propFilters.every((f) => evaluation.propMatches(f, root)) && filter.compFilters.every((f) => evaluation.compMatches(f, root));
}
