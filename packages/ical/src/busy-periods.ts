import ICAL from 'ical.js';
import { groupComponents, loadCalendar } from './component-group.js';
import { expandOccurrences } from './expand-occurrences.js';
import { timeContext, type TimeContext } from './floating-zone.js';
import { textValue } from './ical-values.js';
import type { BusyPeriod, FloatingOptions } from './types.js';

const maxIterations = 2_000_000;
type BusyType = BusyPeriod['type'];

function fbType(property: ICAL.Property): BusyType | undefined {
  const value: unknown = property.getParameter('fbtype');
  const type = typeof value === 'string' ? value.toUpperCase() : 'BUSY';
  return type === 'BUSY' || type === 'BUSY-TENTATIVE' || type === 'BUSY-UNAVAILABLE' ? type : undefined;
}

function collect(text: string, startMs: number, endMs: number, ctx: TimeContext, add: (type: BusyType, s: number, e: number) => void): void {
  const calendar = loadCalendar(text);
  for (const group of groupComponents(calendar.components, ctx)) {
    if (group.type !== 'VEVENT') continue;
    for (const occurrence of expandOccurrences(group, { startMs, endMs }, ctx, { maxIterations }).occurrences) {
      const component = occurrence.component;
      if (textValue(component, 'transp', true) === 'TRANSPARENT') continue;
      const status = textValue(component, 'status', true);
      if (status === 'CANCELLED') continue;
      for (const span of occurrence.spans) add(status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY', span.startMs, span.endMs);
    }
  }
  for (const component of calendar.root.getAllSubcomponents('vfreebusy')) {
    for (const property of component.getAllProperties('freebusy')) {
      const type = fbType(property);
      if (!type) continue;
      for (const value of property.getValues()) {
        if (value instanceof ICAL.Period) add(type, ctx.toMs(value.start), ctx.toMs(value.getEnd()));
      }
    }
  }
}

function merge(periods: { start: number; end: number }[]): { start: number; end: number }[] {
  const merged: { start: number; end: number }[] = [];
  for (const period of periods.sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && period.start <= last.end) last.end = Math.max(last.end, period.end);
    else merged.push({ ...period });
  }
  return merged;
}

/**
 * Busy time of the given calendar objects within `range` (RFC 4791 §7.10), clipped to the range
 * and merged per type, sorted by start. VEVENT instances count as BUSY, or BUSY-TENTATIVE with
 * STATUS:TENTATIVE; TRANSP:TRANSPARENT and STATUS:CANCELLED ones (judged per instance, so an
 * override can cancel one occurrence) and zero-length ones do not count. VFREEBUSY components
 * contribute their FREEBUSY periods by FBTYPE (FREE ignored).
 *
 * @example
 * renderFreeBusy(busyPeriods(texts, range, { floatingTimezone: 'Europe/Paris' }), range, clock.now());
 */
export function busyPeriods(texts: readonly string[], range: { start: Date; end: Date }, options: FloatingOptions): BusyPeriod[] {
  const ctx = timeContext(options.floatingTimezone);
  const startMs = range.start.getTime();
  const endMs = range.end.getTime();
  const byType = new Map<BusyType, { start: number; end: number }[]>();
  const add = (type: BusyType, s: number, e: number) => {
    const start = Math.max(s, startMs);
    const end = Math.min(e, endMs);
    if (start >= end) return;
    const list = byType.get(type) ?? [];
    list.push({ start, end });
    byType.set(type, list);
  };
  for (const text of texts) collect(text, startMs, endMs, ctx, add);
  return [...byType.entries()]
    .flatMap(([type, periods]) => merge(periods).map((p) => ({ start: new Date(p.start), end: new Date(p.end), type })))
    .sort((a, b) => a.start.getTime() - b.start.getTime() || a.type.localeCompare(b.type));
}
