import { describe, expect, it } from '@jest/globals';
import { parseVcard } from './parse-vcard.js';
import { reduceConfidentialCard } from './reduce-confidential-card.js';

/** A vCard 3.0 as iOS Contacts writes it, with a grouped label and a folded NOTE. */
const card = [
  'BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Apple Inc.//iPhone OS 17.0//EN', 'N:Dupré;Élodie;;;', 'FN:Élodie Dupré',
  'ORG:Cabinet Dupré;', 'item1.EMAIL;type=INTERNET;type=pref:elodie@cabinet.test', 'item1.X-ABLabel:_$!<Other>!$_',
  'TEL;type=CELL;type=VOICE;type=pref:+33 6 12 34 56 78', 'NOTE:avocate du divorce\\, ne pas appeler le sam', ' edi',
  'CLASS:CONFIDENTIAL', 'UID:C0FF1DE1-0000-4000-8000-000000000001', 'END:VCARD', '',
].join('\r\n');

describe('reduceConfidentialCard', () => {
  it('keeps VERSION, UID, FN, N and CLASS and drops every other property, grouped ones too', () => {
    const reduced = reduceConfidentialCard(card);
    expect(reduced).toBe(
      ['BEGIN:VCARD', 'VERSION:3.0', 'N:Dupré;Élodie;;;', 'FN:Élodie Dupré', 'CLASS:CONFIDENTIAL', 'UID:C0FF1DE1-0000-4000-8000-000000000001', 'END:VCARD', ''].join('\r\n'),
    );
    expect(parseVcard(reduced)).toMatchObject({ uid: 'C0FF1DE1-0000-4000-8000-000000000001', fn: 'Élodie Dupré', classification: 'CONFIDENTIAL' });
  });

  it('keeps the kind of a group card but not its members', () => {
    const group = ['BEGIN:VCARD', 'VERSION:3.0', 'UID:g1', 'FN:Avocats', 'N:Avocats;;;;', 'X-ADDRESSBOOKSERVER-KIND:group',
      'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:C0FF1DE1', 'CLASS:CONFIDENTIAL', 'END:VCARD'].join('\r\n');
    const reduced = reduceConfidentialCard(group);
    expect(reduced).toContain('X-ADDRESSBOOKSERVER-KIND:group');
    expect(reduced).not.toContain('MEMBER');
  });
});

describe('parseVcard classification', () => {
  const withClass = (value: string | undefined) =>
    ['BEGIN:VCARD', 'VERSION:3.0', 'UID:a', 'FN:Ann', ...(value === undefined ? [] : [`CLASS:${value}`]), 'END:VCARD', ''].join('\r\n');
  it.each([
    ['PRIVATE', 'PRIVATE'],
    ['private', 'PRIVATE'],
    ['CONFIDENTIAL', 'CONFIDENTIAL'],
    ['PUBLIC', null],
    ['X-SECRET', null],
    [undefined, null],
  ])('reads CLASS:%s as %s', (value, expected) => {
    expect(parseVcard(withClass(value)).classification).toBe(expected);
  });
});
