import ICAL from 'ical.js';
import type { Span } from './component-span.js';
import type { TimeContext } from './floating-zone.js';
import { durationValue } from './ical-values.js';

/**
 * Trigger times of a VALARM for one instance of its parent (RFC 5545 §3.8.6.3, RFC 4791 §9.9):
 * an absolute TRIGGER as is; a relative one from the instance start, or its end with RELATED=END
 * (DTEND or DUE); plus REPEAT further triggers every DURATION.
 */
export function alarmTriggers(alarm: ICAL.Component, instance: Span, ctx: TimeContext): number[] {
  const property = alarm.getFirstProperty('trigger');
  const value = property?.getFirstValue();
  let firstMs: number;
  if (value instanceof ICAL.Time) {
    firstMs = ctx.toMs(value);
  } else if (value instanceof ICAL.Duration) {
    const related: unknown = property?.getParameter('related');
    const base = typeof related === 'string' && related.toUpperCase() === 'END' ? instance.endMs : instance.startMs;
    firstMs = base + value.toSeconds() * 1000;
  } else {
    return [];
  }
  if (!Number.isFinite(firstMs)) return [];
  const repeatValue = alarm.getFirstPropertyValue('repeat');
  const repeat = typeof repeatValue === 'number' ? repeatValue : 0;
  const interval = durationValue(alarm, 'duration');
  const triggers = [firstMs];
  if (interval) for (let i = 1; i <= Math.min(repeat, 1000); i++) triggers.push(firstMs + i * interval.toSeconds() * 1000);
  return triggers;
}

/** How far (ms) the alarms of `component` may fire from its instances; widens the expansion window. */
export function alarmReachMs(component: ICAL.Component): number {
  let reach = 0;
  for (const alarm of component.getAllSubcomponents('valarm')) {
    const trigger = alarm.getFirstPropertyValue('trigger');
    const repeatValue = alarm.getFirstPropertyValue('repeat');
    const repeat = typeof repeatValue === 'number' ? repeatValue : 0;
    const interval = durationValue(alarm, 'duration');
    const offset = trigger instanceof ICAL.Duration ? Math.abs(trigger.toSeconds()) * 1000 : 0;
    reach = Math.max(reach, offset + repeat * Math.abs(interval?.toSeconds() ?? 0) * 1000);
  }
  return reach;
}
