import { describe, expect, it } from '@jest/globals';
import type { TextMatch } from '../types.js';
import { matchesAddressFilter, type AddressPropFilter } from './address-filter.js';
import { indexFold } from './index-fold.js';

const card = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Ærøskøbing Straße',
  'N:Straße;Ærø;;;',
  'EMAIL;TYPE=INTERNET,WORK:work@example.org',
  'EMAIL;TYPE=HOME:home@example.org',
  'UID:f-1',
  'END:VCARD',
  '',
].join('\r\n');

const match = (value: string, extra: Partial<TextMatch> = {}): TextMatch => ({
  value,
  collation: 'i;unicode-casemap',
  negate: false,
  matchType: 'contains',
  ...extra,
});
const prop = (name: string, extra: Partial<AddressPropFilter> = {}): AddressPropFilter => ({
  name,
  test: 'anyof',
  isNotDefined: false,
  textMatches: [],
  paramFilters: [],
  ...extra,
});
const one = (p: AddressPropFilter) => matchesAddressFilter(card, { test: 'anyof', propFilters: [p] });

describe('matchesAddressFilter', () => {
  it.each([
    ['contains, unicode-casemap', match('ærøSKØ'), true],
    ['starts-with', match('ærø', { matchType: 'starts-with' }), true],
    ['ends-with', match('STRASSE', { matchType: 'ends-with' }), false],
    ['ends-with', match('STRAßE', { matchType: 'ends-with' }), true],
    ['equals', match('ærøskøbing straße', { matchType: 'equals' }), true],
    ['ascii-casemap leaves non-ASCII alone', match('ÆRØSKØBING', { collation: 'i;ascii-casemap' }), false],
    ['octet is case-sensitive', match('ærø', { collation: 'i;octet' }), false],
    ['negate-condition', match('nobody', { negate: true }), true],
  ])('FN text-match %s', (_, textMatch, expected) => {
    expect(one(prop('FN', { textMatches: [textMatch] }))).toBe(expected);
  });

  it('tests a property instance by instance, with param-filters and allof', () => {
    const homeWork = prop('EMAIL', {
      test: 'allof',
      textMatches: [match('work@')],
      paramFilters: [{ name: 'TYPE', isNotDefined: false, textMatch: match('home', { matchType: 'equals' }) }],
    });
    expect(one(homeWork)).toBe(false);
    expect(one({ ...homeWork, test: 'anyof' })).toBe(true);
    expect(one(prop('EMAIL', { paramFilters: [{ name: 'PREF', isNotDefined: true }] }))).toBe(true);
  });

  it('supports is-not-defined and the filter test', () => {
    expect(one(prop('TEL', { isNotDefined: true }))).toBe(true);
    expect(one(prop('FN', { isNotDefined: true }))).toBe(false);
    const both = [prop('TEL'), prop('FN')];
    expect(matchesAddressFilter(card, { test: 'anyof', propFilters: both })).toBe(true);
    expect(matchesAddressFilter(card, { test: 'allof', propFilters: both })).toBe(false);
  });

  it('folds the index so that every collation match survives the SQL prefilter', () => {
    expect(indexFold('STRASSE')).toBe(indexFold('straße'));
    expect(indexFold('ΣΊΣΥΦΟΣ')).toBe(indexFold('σίσυφος'));
    expect(indexFold('ẞ')).toBe(indexFold('ß'));
  });
});
