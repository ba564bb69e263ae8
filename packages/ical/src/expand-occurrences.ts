import ICAL from 'ical.js';
import type { ComponentGroup } from './component-group.js';
import { componentSpans, type Span } from './component-span.js';
import type { TimeContext } from './floating-zone.js';
import { allValues, timeValue } from './ical-values.js';
import { TooManyInstances } from './too-many-instances.js';

/** One instance of a component group: the component that supplies its properties, and its §9.9 spans. */
export interface Occurrence {
  /** The master for a generated instance, the override for an overridden one. */
  readonly component: ICAL.Component;
  /** The instance's original start (RECURRENCE-ID); undefined for a non-recurring component. */
  readonly recurrenceId: ICAL.Time | undefined;
  readonly start: ICAL.Time | undefined;
  readonly spans: readonly Span[];
}

/** Bounds of an expansion; infinite bounds are allowed only with a finite `maxIterations`. */
export interface ExpandWindow {
  readonly startMs: number;
  readonly endMs: number;
}

export interface ExpandLimits {
  /** Throw {@link TooManyInstances} past this many instances in the window. */
  readonly maxInstances?: number | undefined;
  /** Stop (and report truncation) after this many generated master dates, whatever the window. */
  readonly maxIterations: number;
  /** Stop after this many master instances were found in the window (finding the first one). */
  readonly stopAfter?: number | undefined;
}

export interface Expansion {
  readonly occurrences: Occurrence[];
  /** True when `maxIterations` or `stopAfter` cut the master's recurrence set short. */
  readonly isTruncated: boolean;
}

interface Candidate {
  readonly time: ICAL.Time;
  readonly ms: number;
  readonly periodEnd: ICAL.Time | undefined;
}

/** Whether the master recurs (RRULE or RDATE). */
export function isRecurringMaster(master: ICAL.Component): boolean {
  return master.hasProperty('rrule') || master.hasProperty('rdate');
}

/** Whether some RRULE has neither COUNT nor UNTIL (the set never ends). */
export function isUnboundedMaster(master: ICAL.Component): boolean {
  return allValues(master, 'rrule').some((r) => r instanceof ICAL.Recur && !r.isFinite());
}

const dayMs = 86_400_000;

/**
 * Where to start iterating `rule` so the walk does not begin at a DTSTART decades before the
 * window: a DAILY or WEEKLY rule without COUNT generates the same dates from DTSTART moved by
 * whole periods (INTERVAL days or weeks, wall-clock, so DST is kept). Other rules start at DTSTART.
 */
function iterationStart(rule: ICAL.Recur, dtstart: ICAL.Time, notBeforeMs: number, ctx: TimeContext): ICAL.Time {
  const periodDays = rule.interval * (rule.freq === 'WEEKLY' ? 7 : rule.freq === 'DAILY' ? 1 : 0);
  if (periodDays === 0 || rule.count || !Number.isFinite(notBeforeMs)) return dtstart;
  const periods = Math.floor((notBeforeMs - ctx.toMs(dtstart)) / (periodDays * dayMs)) - 1;
  if (periods <= 0) return dtstart;
  const shifted = dtstart.clone();
  shifted.adjust(periods * periodDays, 0, 0, 0);
  return shifted;
}

/** Ascending candidate dates of the master: DTSTART, each RRULE, and RDATE, merged lazily. */
function candidateStreams(master: ICAL.Component, dtstart: ICAL.Time, ctx: TimeContext, notBeforeMs: number): (() => Candidate | undefined)[] {
  // RecurIterator.next() hands back an object it later mutates; keep a copy.
  const toCandidate = (time: ICAL.Time, periodEnd?: ICAL.Time): Candidate => ({ time: time.clone(), ms: ctx.toMs(time), periodEnd });
  const rdates = allValues(master, 'rdate')
    .flatMap((v) => (v instanceof ICAL.Period ? [toCandidate(v.start, v.getEnd())] : v instanceof ICAL.Time ? [toCandidate(v)] : []))
    .sort((a, b) => a.ms - b.ms);
  const streams: (() => Candidate | undefined)[] = [];
  let dtstartPending = true;
  streams.push(() => (dtstartPending ? ((dtstartPending = false), toCandidate(dtstart)) : undefined));
  let rdateIndex = 0;
  streams.push(() => rdates[rdateIndex++]);
  for (const rule of allValues(master, 'rrule')) {
    if (!(rule instanceof ICAL.Recur)) continue;
    const iterator = rule.iterator(iterationStart(rule, dtstart, notBeforeMs, ctx));
    streams.push(() => {
      // The typings say Time, but a finished iterator (COUNT/UNTIL reached) returns null.
      const next: unknown = iterator.next();
      return next instanceof ICAL.Time ? toCandidate(next) : undefined;
    });
  }
  return streams;
}

/**
 * Expands a component group into its instances overlapping `window` loosely (inclusive bounds, so
 * callers can apply the exact §9.9 condition with `Span.overlaps`). Iterates the master from
 * DTSTART and stops at the window end; overrides are always considered, wherever they moved.
 * EXDATE and overrides are matched by UTC instant, so a RECURRENCE-ID in UTC matches a zoned DTSTART.
 */
export function expandOccurrences(group: ComponentGroup, window: ExpandWindow, ctx: TimeContext, limits: ExpandLimits): Expansion {
  const occurrences: Occurrence[] = [];
  const isInWindow = (spans: readonly Span[]) => spans.some((s) => s.startMs <= window.endMs && s.endMs >= window.startMs);
  const push = (occurrence: Occurrence) => {
    occurrences.push(occurrence);
    if (limits.maxInstances !== undefined && occurrences.length > limits.maxInstances) throw new TooManyInstances(limits.maxInstances);
  };
  for (const [, override] of group.overrides) {
    const start = timeValue(override, 'dtstart') ?? timeValue(override, 'recurrence-id');
    const spans = componentSpans(override, start, ctx);
    if (isInWindow(spans)) push({ component: override, recurrenceId: timeValue(override, 'recurrence-id'), start, spans });
  }
  const isTruncated = group.master ? expandMaster(group.master, group, window, ctx, limits, isInWindow, push) : false;
  occurrences.sort((a, b) => (a.spans[0]?.startMs ?? -Infinity) - (b.spans[0]?.startMs ?? -Infinity));
  return { occurrences, isTruncated };
}

function expandMaster(
  master: ICAL.Component,
  group: ComponentGroup,
  window: ExpandWindow,
  ctx: TimeContext,
  limits: ExpandLimits,
  isInWindow: (spans: readonly Span[]) => boolean,
  push: (occurrence: Occurrence) => void,
): boolean {
  const dtstart = timeValue(master, 'dtstart');
  if (!dtstart || !isRecurringMaster(master)) {
    const spans = componentSpans(master, dtstart, ctx);
    if (isInWindow(spans)) push({ component: master, recurrenceId: undefined, start: dtstart, spans });
    return false;
  }
  const exdates = new Set(allValues(master, 'exdate').flatMap((v) => (v instanceof ICAL.Time ? [ctx.toMs(v)] : [])));
  const firstSpan = componentSpans(master, dtstart, ctx)[0];
  const lengthMs = firstSpan ? firstSpan.endMs - firstSpan.startMs : 0;
  // Instances that start this early cannot reach the window; a day of margin covers DST and DATE values.
  const notBeforeMs = window.startMs - (Number.isFinite(lengthMs) ? lengthMs : Infinity) - dayMs;
  const streams = candidateStreams(master, dtstart, ctx, notBeforeMs);
  const heads = streams.map((next) => next());
  let lastMs = -Infinity;
  let found = 0;
  for (let iterations = 0; ; iterations++) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      const current = best >= 0 ? heads[best] : undefined;
      if (head && (!current || head.ms < current.ms)) best = i;
    }
    const candidate = best >= 0 ? heads[best] : undefined;
    const advance = best >= 0 ? streams[best] : undefined;
    if (!candidate || !advance) return false;
    if (candidate.ms > window.endMs) return false;
    if (iterations >= limits.maxIterations) return true;
    heads[best] = advance();
    if (candidate.ms === lastMs) continue;
    lastMs = candidate.ms;
    if (exdates.has(candidate.ms) || group.overrides.has(candidate.ms)) continue;
    const spans = componentSpans(master, candidate.time, ctx, candidate.periodEnd);
    if (!isInWindow(spans)) continue;
    push({ component: master, recurrenceId: candidate.time, start: candidate.time, spans });
    found++;
    if (limits.stopAfter !== undefined && found >= limits.stopAfter) return true;
  }
}
