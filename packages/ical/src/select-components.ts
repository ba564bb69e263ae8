import type ICAL from 'ical.js';
import { nameOf } from './ical-values.js';
import type { CompSelector } from './types.js';

/**
 * Applies a calendar-data `comp` selection (RFC 4791 §9.6.1–9.6.4) in place: keeps the listed
 * properties (a `novalue` one loses its value, keeps its parameters) and the listed subcomponents,
 * each filtered by its own selector.
 */
export function selectComponents(component: ICAL.Component, selector: CompSelector): void {
  if (!selector.allProps) {
    const wanted = new Map(selector.props.map((p) => [p.name.toUpperCase(), p.noValue]));
    // Copies: ical.js hands out its live lists, which removal would shift under the loop.
    for (const property of [...component.getAllProperties()]) {
      const noValue = wanted.get(property.name.toUpperCase());
      if (noValue === undefined) component.removeProperty(property);
      else if (noValue) {
        property.resetType('text');
        property.setValue('');
      }
    }
  }
  if (selector.allComps) return;
  const byName = new Map(selector.comps.map((c) => [c.name.toUpperCase(), c]));
  for (const sub of [...component.getAllSubcomponents()]) {
    const subSelector = byName.get(nameOf(sub));
    if (subSelector) selectComponents(sub, subSelector);
    else component.removeSubcomponent(sub);
  }
}
