import { describe, expect, it } from '@jest/globals';
import { convertVcard } from './convert-vcard.js';
import { parseVcard } from './parse-vcard.js';
import { unfoldLines } from './content-lines.js';

const photo = '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP' + 'A'.repeat(200);
const ios = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Müller;Jürgen;;;',
  'FN:Jürgen Müller',
  'item1.EMAIL;type=INTERNET;type=WORK;type=pref:jm@example.de',
  'item1.X-ABLabel:Büro',
  'TEL;type=CELL:+49 171 000',
  'BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12',
  `PHOTO;ENCODING=b;TYPE=JPEG:${photo}`,
  'NOTE:Zeile 1\\nZeile 2\\, mit Komma',
  'UID:jm-1',
  'END:VCARD',
  '',
].join('\r\n');

const lines = (text: string) => unfoldLines(text);

describe('convertVcard', () => {
  it('turns an iOS 3.0 card into 4.0 with a data: photo, PREF and a yearless birthday', () => {
    const v4 = convertVcard(ios, '4.0');
    const all = lines(v4);
    expect(all[1]).toBe('VERSION:4.0');
    expect(all).toContain(`PHOTO:data:image/jpeg;base64,${photo}`);
    expect(all).toContain('item1.EMAIL;TYPE=work;PREF=1:jm@example.de');
    expect(all).toContain('item1.X-ABLabel:Büro');
    expect(all).toContain('TEL;TYPE=cell:+49 171 000');
    expect(all).toContain('BDAY:--0412');
    expect(all).toContain('NOTE:Zeile 1\\nZeile 2\\, mit Komma');
    expect(parseVcard(v4)).toMatchObject({ version: '4.0', fn: 'Jürgen Müller' });
    for (const line of v4.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it('comes back to an equivalent 3.0 card', () => {
    const back = lines(convertVcard(convertVcard(ios, '4.0'), '3.0'));
    expect(back).toContain(`PHOTO;ENCODING=b;TYPE=JPEG:${photo}`);
    expect(back).toContain('BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12');
    expect(back).toContain('item1.EMAIL;TYPE=INTERNET,WORK,pref:jm@example.de');
    expect(back).toContain('FN:Jürgen Müller');
  });

  it('maps a vCard 4.0 group to Apple group properties and back', () => {
    const group = 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:g1\r\nFN:Voisins\r\nKIND:group\r\nMEMBER:urn:uuid:a\r\nMEMBER:urn:uuid:b\r\nEND:VCARD\r\n';
    const v3 = convertVcard(group, '3.0');
    expect(lines(v3)).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'UID:urn:uuid:g1',
      'FN:Voisins',
      'X-ADDRESSBOOKSERVER-KIND:group',
      'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:a',
      'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:b',
      'N:Voisins;;;;',
      'END:VCARD',
    ]);
    expect(parseVcard(v3).kind).toBe('group');
    expect(lines(convertVcard(v3, '4.0'))).toEqual(expect.arrayContaining(['KIND:group', 'MEMBER:urn:uuid:a']));
  });

  it('writes a 4.0 data: photo as inline 3.0 data and a URL photo with VALUE=uri', () => {
    const card = `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:p\r\nFN:P\r\nPHOTO:data:image/png;base64,iVBORw0KGgo=\r\nLOGO:https://example.org/l.png\r\nTEL;VALUE=uri;TYPE=home:tel:+33-1\r\nEND:VCARD\r\n`;
    const v3 = lines(convertVcard(card, '3.0'));
    expect(v3).toContain('PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=');
    expect(v3).toContain('LOGO;VALUE=uri:https://example.org/l.png');
    expect(v3).toContain('TEL;TYPE=HOME:+33-1');
    expect(v3).toContain('N:;;;;');
  });

  it('returns a card already in the target version unchanged', () => {
    expect(convertVcard(ios, '3.0')).toBe(ios);
  });
});
