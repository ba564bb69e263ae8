import { textMatches, textMatchesValue } from '../text-match.js';
import type { TextMatch } from '../types.js';
import { paramValues, parseLines, type VcardLine } from './content-lines.js';
import { isIndexedVcardProperty, matchText } from './vcard-values.js';

/** `test` of a filter or prop-filter (RFC 6352 §10.5): any or all of the children must match. */
export type FilterTest = 'anyof' | 'allof';

/** CARDDAV:param-filter (RFC 6352 §10.5.2). */
export interface AddressParamFilter {
  readonly name: string;
  readonly isNotDefined: boolean;
  readonly textMatch?: TextMatch | undefined;
}

/** CARDDAV:prop-filter (RFC 6352 §10.5.1). */
export interface AddressPropFilter {
  /** Property name, upper case; `group.NAME` restricts to one group. */
  readonly name: string;
  readonly test: FilterTest;
  readonly isNotDefined: boolean;
  readonly textMatches: readonly TextMatch[];
  readonly paramFilters: readonly AddressParamFilter[];
}

/** CARDDAV:filter (RFC 6352 §10.5): an empty filter matches every card. */
export interface AddressFilter {
  readonly test: FilterTest;
  readonly propFilters: readonly AddressPropFilter[];
}

const combine = (test: FilterTest, results: readonly boolean[]): boolean =>
  test === 'allof' ? results.every(Boolean) : results.some(Boolean);

function paramMatches(line: VcardLine, filter: AddressParamFilter): boolean {
  const defined = line.params.some((p) => p.name === filter.name);
  if (filter.isNotDefined) return !defined;
  if (!defined) return false;
  // TYPE=HOME,WORK and TYPE=home;TYPE=work both hold two values.
  return filter.textMatch === undefined || textMatches(paramValues(line, filter.name), filter.textMatch);
}

function instanceMatches(line: VcardLine, filter: AddressPropFilter): boolean {
  const tests = [
    ...filter.textMatches.map((m) => textMatches([matchText(line)], m)),
    ...filter.paramFilters.map((p) => paramMatches(line, p)),
  ];
  return tests.length === 0 || combine(filter.test, tests);
}

function isNamed(line: VcardLine, name: string): boolean {
  const dot = name.indexOf('.');
  if (dot === -1) return line.name === name;
  return line.name === name.slice(dot + 1) && line.group?.toUpperCase() === name.slice(0, dot);
}

/**
 * Whether a vCard matches an addressbook-query filter (RFC 6352 §10.5): each prop-filter is
 * tested on every instance of its property, and matches when one instance does (or, with
 * is-not-defined, when there is none); collations and match types as in `text-match.ts`.
 *
 * @example
 * matchesAddressFilter(card, { test: 'anyof', propFilters: [{ name: 'FN', test: 'anyof', isNotDefined: false,
 *   textMatches: [{ value: 'ann', collation: 'i;unicode-casemap', negate: false, matchType: 'contains' }], paramFilters: [] }] });
 */
export function matchesAddressFilter(text: string, filter: AddressFilter): boolean {
  if (filter.propFilters.length === 0) return true;
  const lines = parseLines(text);
  return combine(
    filter.test,
    filter.propFilters.map((prop) => {
      const instances = lines.filter((l) => isNamed(l, prop.name));
      if (prop.isNotDefined) return instances.length === 0;
      return instances.some((line) => instanceMatches(line, prop));
    }),
  );
}

/**
 * Whether a filter can be decided on the indexed values of a card alone (see
 * {@link matchesAddressValues}): every prop-filter names an indexed property, without a group
 * and without param-filters, whose stored values are the texts the filter compares.
 */
export function isDecidableOnValues(filter: AddressFilter): boolean {
  return filter.propFilters.every((p) => !p.name.includes('.') && isIndexedVcardProperty(p.name) && p.paramFilters.length === 0);
}

/**
 * {@link matchesAddressFilter} on a card's indexed values (property and match text of each
 * instance) instead of its text, for a filter {@link isDecidableOnValues}: the same answer,
 * without reading the card.
 */
export function matchesAddressValues(values: readonly { readonly property: string; readonly value: string }[], filter: AddressFilter): boolean {
  if (filter.propFilters.length === 0) return true;
  // Loops rather than arrays of results: a report runs this on every candidate card.
  const isAllOf = filter.test === 'allof';
  for (const prop of filter.propFilters) {
    const matches = propMatchesValues(values, prop);
    if (matches !== isAllOf) return matches;
  }
  return isAllOf;
}

function propMatchesValues(values: readonly { readonly property: string; readonly value: string }[], prop: AddressPropFilter): boolean {
  let defined = false;
  for (const v of values) {
    if (v.property !== prop.name) continue;
    defined = true;
    if (prop.isNotDefined) return false;
    if (prop.textMatches.length === 0) return true;
    const isAllOf = prop.test === 'allof';
    let instance = isAllOf;
    for (const m of prop.textMatches) {
      if (textMatchesValue(v.value, m) !== isAllOf) {
        instance = !isAllOf;
        break;
      }
    }
    if (instance) return true;
  }
  return prop.isNotDefined && !defined;
}
