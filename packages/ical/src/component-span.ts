import ICAL from 'ical.js';
import type { TimeContext } from './floating-zone.js';
import { durationValue, nameOf, timeValue } from './ical-values.js';

/**
 * The time an instance occupies for the time-range test of RFC 4791 §9.9. `startMs`/`endMs`
 * bound it (±Infinity when open); `overlaps` applies the exact, sometimes inclusive, condition
 * of the RFC table row the component falls in.
 */
export interface Span {
  readonly startMs: number;
  readonly endMs: number;
  overlaps(rangeStartMs: number, rangeEndMs: number): boolean;
}

/** Midnight after an all-day `start`, in the floating zone (a local day, 23 or 25 hours across DST). */
function nextDayMs(start: ICAL.Time, ctx: TimeContext): number {
  const next = start.clone();
  next.adjust(1, 0, 0, 0);
  return ctx.toMs(next);
}

const halfOpen = (startMs: number, endMs: number): Span => ({
  startMs,
  endMs,
  overlaps: (s, e) => s < endMs && e > startMs,
});

/** A point in time tested as `(start <= T AND end > T)`. */
const point = (atMs: number): Span => ({ startMs: atMs, endMs: atMs, overlaps: (s, e) => s <= atMs && e > atMs });

/**
 * The end of an instance that starts at `instanceStart`, keeping the master's DTSTART→`endName` distance:
 * in days for all-day data (so it stays at midnight across DST), exact otherwise (RFC 5545 §3.8.5.3).
 */
function shiftedEndMs(component: ICAL.Component, instanceStart: ICAL.Time, endName: string, ctx: TimeContext): number | undefined {
  const dtstart = timeValue(component, 'dtstart');
  const end = timeValue(component, endName);
  if (!end) return undefined;
  if (!dtstart) return ctx.toMs(end);
  if (dtstart.isDate && instanceStart.isDate) {
    const shifted = instanceStart.clone();
    shifted.addDuration(end.subtractDate(dtstart));
    return ctx.toMs(shifted);
  }
  return ctx.toMs(instanceStart) + (ctx.toMs(end) - ctx.toMs(dtstart));
}

function durationEndMs(start: ICAL.Time, duration: ICAL.Duration, ctx: TimeContext): number {
  const end = start.clone();
  // ical.js drops the hours of a duration added to a DATE; count from midnight instead.
  end.isDate = false;
  end.addDuration(duration);
  return ctx.toMs(end);
}

function eventSpan(component: ICAL.Component, start: ICAL.Time, ctx: TimeContext, periodEnd: ICAL.Time | undefined): Span {
  const startMs = ctx.toMs(start);
  if (periodEnd) return halfOpen(startMs, ctx.toMs(periodEnd));
  const endMs = shiftedEndMs(component, start, 'dtend', ctx);
  if (endMs !== undefined) return halfOpen(startMs, endMs);
  const duration = durationValue(component, 'duration');
  if (duration) {
    const durEndMs = durationEndMs(start, duration, ctx);
    return durEndMs > startMs ? halfOpen(startMs, durEndMs) : point(startMs);
  }
  return start.isDate ? halfOpen(startMs, nextDayMs(start, ctx)) : point(startMs);
}

function todoSpan(component: ICAL.Component, start: ICAL.Time | undefined, ctx: TimeContext): Span {
  const dueMs = start ? shiftedEndMs(component, start, 'due', ctx) : undefined;
  const duration = durationValue(component, 'duration');
  if (start) {
    const s0 = ctx.toMs(start);
    if (dueMs !== undefined) {
      return { startMs: s0, endMs: dueMs, overlaps: (s, e) => (s < dueMs || s <= s0) && (e > s0 || e >= dueMs) };
    }
    if (duration) {
      const endMs = durationEndMs(start, duration, ctx);
      return { startMs: s0, endMs, overlaps: (s, e) => s <= endMs && (e > s0 || e >= endMs) };
    }
    return point(s0);
  }
  const due = timeValue(component, 'due');
  if (due) {
    const at = ctx.toMs(due);
    return { startMs: at, endMs: at, overlaps: (s, e) => s < at && e >= at };
  }
  const completed = timeValue(component, 'completed');
  const created = timeValue(component, 'created');
  if (completed && created) {
    const co = ctx.toMs(completed);
    const cr = ctx.toMs(created);
    return { startMs: Math.min(co, cr), endMs: Math.max(co, cr), overlaps: (s, e) => (s <= cr || s <= co) && (e >= cr || e >= co) };
  }
  if (completed) {
    const co = ctx.toMs(completed);
    return { startMs: co, endMs: co, overlaps: (s, e) => s <= co && e >= co };
  }
  if (created) {
    const cr = ctx.toMs(created);
    return { startMs: cr, endMs: Infinity, overlaps: (_s, e) => e > cr };
  }
  return { startMs: -Infinity, endMs: Infinity, overlaps: () => true };
}

function journalSpan(start: ICAL.Time | undefined, ctx: TimeContext): Span[] {
  if (!start) return [];
  const startMs = ctx.toMs(start);
  if (!start.isDate) return [point(startMs)];
  return [halfOpen(startMs, nextDayMs(start, ctx))];
}

function freeBusySpans(component: ICAL.Component, ctx: TimeContext): Span[] {
  const dtstart = timeValue(component, 'dtstart');
  const dtend = timeValue(component, 'dtend');
  if (dtstart && dtend) {
    const s0 = ctx.toMs(dtstart);
    const e0 = ctx.toMs(dtend);
    return [{ startMs: s0, endMs: e0, overlaps: (s, e) => s <= e0 && e > s0 }];
  }
  return component
    .getAllProperties('freebusy')
    .flatMap((p): unknown[] => p.getValues())
    .filter((v): v is ICAL.Period => v instanceof ICAL.Period)
    .map((period) => halfOpen(ctx.toMs(period.start), ctx.toMs(period.getEnd())));
}

/**
 * The §9.9 spans of one instance of `component` starting at `start` (the instance's DTSTART,
 * already shifted by recurrence; `undefined` when the component has none). VFREEBUSY yields one
 * span per FREEBUSY period; a VJOURNAL without DTSTART yields none (it never overlaps).
 */
export function componentSpans(
  component: ICAL.Component,
  start: ICAL.Time | undefined,
  ctx: TimeContext,
  periodEnd?: ICAL.Time,
): Span[] {
  switch (nameOf(component)) {
    case 'VEVENT':
      return start ? [eventSpan(component, start, ctx, periodEnd)] : [];
    case 'VTODO':
      return [todoSpan(component, start, ctx)];
    case 'VJOURNAL':
      return journalSpan(start, ctx);
    case 'VFREEBUSY':
      return freeBusySpans(component, ctx);
    default:
      return [];
  }
}
