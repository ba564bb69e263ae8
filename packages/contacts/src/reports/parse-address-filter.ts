import { childElements, findChild, textOf, type XmlElement } from '@partage/dav-xml';
import {
  indexFold,
  isIndexedVcardProperty,
  type AddressFilter,
  type AddressParamFilter,
  type AddressPropFilter,
  type FilterTest,
  type TextMatch,
} from '@partage/ical';
import type { CardPrefilter, CardTextPrefilter } from '@partage/storage';
import { contactsConditions } from '../conditions.js';
import { carddav } from '../names.js';
import { supportedCollations } from '../properties/contacts-properties.js';

const matchTypes = ['equals', 'contains', 'starts-with', 'ends-with'] as const;

function testOf(element: XmlElement): FilterTest {
  const test = element.attributes['{}test'] ?? 'anyof';
  if (test !== 'anyof' && test !== 'allof') throw contactsConditions.validFilter(`unknown test ${test}`);
  return test;
}

function nameOf(element: XmlElement): string {
  const name = element.attributes['{}name'];
  if (!name) throw contactsConditions.validFilter(`${element.name} needs a name`);
  return name.toUpperCase();
}

function textMatchOf(match: XmlElement): TextMatch {
  // RFC 6352 §8.3: i;unicode-casemap is the default collation of CardDAV.
  const collation = match.attributes['{}collation'] ?? 'i;unicode-casemap';
  const found = supportedCollations.find((c) => c === collation);
  if (!found) throw contactsConditions.supportedCollation(collation);
  const matchType = matchTypes.find((t) => t === (match.attributes['{}match-type'] ?? 'contains'));
  if (!matchType) throw contactsConditions.validFilter(`unknown match-type ${match.attributes['{}match-type'] ?? ''}`);
  return { value: textOf(match), collation: found, negate: match.attributes['{}negate-condition'] === 'yes', matchType };
}

const isNotDefined = (element: XmlElement) => findChild(element, carddav('is-not-defined')) !== undefined;

function paramFilterOf(element: XmlElement): AddressParamFilter {
  const match = findChild(element, carddav('text-match'));
  return { name: nameOf(element), isNotDefined: isNotDefined(element), textMatch: match ? textMatchOf(match) : undefined };
}

function propFilterOf(element: XmlElement): AddressPropFilter {
  const children = childElements(element);
  return {
    name: nameOf(element),
    test: testOf(element),
    isNotDefined: isNotDefined(element),
    textMatches: children.filter((c) => c.name === carddav('text-match')).map(textMatchOf),
    paramFilters: children.filter((c) => c.name === carddav('param-filter')).map(paramFilterOf),
  };
}

/** Reads a `CARDDAV:filter` (RFC 6352 §10.5) into the model `ical` evaluates; no filter matches every card. */
export function parseAddressFilter(filter: XmlElement | undefined): AddressFilter {
  if (!filter) return { test: 'anyof', propFilters: [] };
  return {
    test: testOf(filter),
    propFilters: childElements(filter).filter((c) => c.name === carddav('prop-filter')).map(propFilterOf),
  };
}

function textPrefilter(property: string, match: TextMatch): CardTextPrefilter {
  const isFolded = match.collation !== 'i;octet';
  return { kind: 'text', property, matchType: match.matchType, value: isFolded ? indexFold(match.value) : match.value, isFolded };
}

function propPrefilter(prop: AddressPropFilter): CardPrefilter | undefined {
  if (prop.isNotDefined || !isIndexedVcardProperty(prop.name)) return undefined;
  const positive = prop.textMatches.filter((m) => !m.negate).map((m) => textPrefilter(prop.name, m));
  if (positive.length === 0) return undefined;
  if (prop.test === 'allof') return { kind: 'allof', parts: positive };
  const isOnlyPositive = prop.paramFilters.length === 0 && positive.length === prop.textMatches.length;
  return isOnlyPositive ? { kind: 'anyof', parts: positive } : undefined;
}

/**
 * What SQL can test before the exact filter (STYLE §3): positive text-matches on the indexed
 * properties (FN, N, EMAIL, TEL, ORG, NICKNAME, UID). Every card the filter matches satisfies
 * the prefilter; undefined when nothing can be said (every card is a candidate).
 */
export function prefilterOf(filter: AddressFilter): CardPrefilter | undefined {
  const parts = filter.propFilters.map(propPrefilter);
  if (filter.test === 'allof') {
    const known = parts.filter((p): p is CardPrefilter => p !== undefined);
    return known.length === 0 ? undefined : { kind: 'allof', parts: known };
  }
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  return { kind: 'anyof', parts: parts.filter((p): p is CardPrefilter => p !== undefined) };
}
