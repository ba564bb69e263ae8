import { describe, expect, it } from '@jest/globals';
import { InvalidAddressData } from './invalid-address-data.js';
import { parseVcard } from './parse-vcard.js';

const card3 = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//iPhone OS 17.1//EN',
  'N:Dupré;Élodie;;;',
  'FN:Élodie Dupré',
  'ORG:Mairie de Nantes;',
  'item1.EMAIL;type=INTERNET;type=pref:elodie@example.fr',
  'item1.X-ABLabel:_$!<Other>!$_',
  'TEL;type=CELL;type=VOICE;type=pref:+33 6 12 34 56 78',
  'UID:8F1A2B3C-0000-4000-8000-000000000001',
  'END:VCARD',
  '',
].join('\r\n');

describe('parseVcard', () => {
  it('reads a vCard 3.0 from iOS with its indexed values', () => {
    const summary = parseVcard(card3);
    expect(summary).toMatchObject({ version: '3.0', uid: '8F1A2B3C-0000-4000-8000-000000000001', fn: 'Élodie Dupré', kind: 'individual' });
    expect(summary.values).toEqual(
      expect.arrayContaining([
        { property: 'EMAIL', value: 'elodie@example.fr' },
        { property: 'N', value: 'Dupré;Élodie;;;' },
        { property: 'TEL', value: '+33 6 12 34 56 78' },
        { property: 'ORG', value: 'Mairie de Nantes;' },
      ]),
    );
  });

  it('reads a vCard 4.0 group', () => {
    const group = 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:g1\r\nFN:Voisins\r\nKIND:group\r\nMEMBER:urn:uuid:a\r\nEND:VCARD\r\n';
    expect(parseVcard(group)).toMatchObject({ version: '4.0', kind: 'group', uid: 'urn:uuid:g1' });
  });

  it.each([
    ['garbage', 'not a vcard at all'],
    ['a calendar', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n'],
    ['no UID', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nN:A;;;;\r\nEND:VCARD\r\n'],
    ['version 2.1', 'BEGIN:VCARD\r\nVERSION:2.1\r\nUID:x\r\nFN:A\r\nEND:VCARD\r\n'],
    ['4.0 without FN', 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:x\r\nEND:VCARD\r\n'],
    ['two cards', 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nUID:y\r\nFN:B\r\nEND:VCARD\r\n'],
  ])('rejects %s', (_, text) => {
    expect(() => parseVcard(text)).toThrow(InvalidAddressData);
  });
});
