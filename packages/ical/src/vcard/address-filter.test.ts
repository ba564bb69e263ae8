import { describe, expect, it } from '@jest/globals';
import type { TextMatch } from '../types.js';
import { matchesAddressFilter, matchesAddressValues, type AddressFilter, type AddressPropFilter, type FilterTest } from './address-filter.js';
import { parseVcard } from './parse-vcard.js';
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

  it('folds every code point as upper-then-lower case of each, whatever text surrounds it', () => {
    // The definition, code point by code point, against which the faster fold is checked.
    const reference = (value: string): string => {
      let folded = '';
      for (const ch of value.normalize('NFC')) folded += ch.toUpperCase().toLowerCase();
      return folded.replace(/ß/g, 'ss').normalize('NFC');
    };
    const differing: string[] = [];
    for (let cp = 0; cp <= 0x1ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      for (const text of [ch, `Ab${ch}`, `${ch}ΣX`, `ΟΔΥΣ${ch}Σ`]) if (indexFold(text) !== reference(text)) differing.push(text);
    }
    expect(differing).toEqual([]);
    for (const text of ['Élodie Dupré', 'élodie.dupre@EXAMPLE.org', 'ΟΔΥΣΣΕΥΣ', 'Straße STRASSE ẞ', 'e\u0301cole', 'İstanbul', 'ǅemal', '𐐀𐐨']) {
      expect(indexFold(text)).toBe(reference(text));
    }
  });

  it('decides a filter on the indexed values exactly as on the card text', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[random(xs.length)] as T;
    const names = ['Élodie Dupré', 'ELODIE', 'Zoë Ὀδυσσεύς', 'Straße', 'ann', 'Annabelle'];
    const emails = ['ann@example.org', 'ELODIE@Example.org', 'zoe@ithaque.example'];
    const cards = Array.from({ length: 40 }, (_, i) => {
      const lines = ['BEGIN:VCARD', 'VERSION:3.0', `UID:c-${i}`, `FN:${pick(names)}`];
      for (let k = random(3); k > 0; k--) lines.push(`EMAIL:${pick(emails)}`);
      if (random(2) === 0) lines.push(`NICKNAME:${pick(names)}`);
      return [...lines, 'END:VCARD', ''].join('\r\n');
    });
    const tests: FilterTest[] = ['anyof', 'allof'];
    const propFilter = (): AddressPropFilter => ({
      name: pick(['FN', 'EMAIL', 'NICKNAME']),
      test: pick(tests),
      isNotDefined: random(5) === 0,
      textMatches: Array.from({ length: random(3) }, () =>
        match(pick(['ann', 'ELODIE', 'é', 'ss', 'example.org', 'zoë']), {
          collation: pick(['i;unicode-casemap', 'i;ascii-casemap', 'i;octet'] as const),
          matchType: pick(['contains', 'equals', 'starts-with', 'ends-with'] as const),
          negate: random(4) === 0,
        }),
      ),
      paramFilters: [],
    });
    let matched = 0;
    for (let i = 0; i < 400; i++) {
      const filter: AddressFilter = { test: pick(tests), propFilters: Array.from({ length: random(4) }, propFilter) };
      for (const text of cards) {
        const expected = matchesAddressFilter(text, filter);
        if (expected) matched++;
        expect({ filter, text, decided: matchesAddressValues(parseVcard(text).values, filter) }).toEqual({ filter, text, decided: expected });
      }
    }
    expect(matched).toBeGreaterThan(1000); // both answers occur often
    expect(matched).toBeLessThan(15000);
  });
});
