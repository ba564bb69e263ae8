import { unfoldLines, parseLine, foldLine } from './content-lines.js';

/**
 * What a sharee without `admin` still sees of a confidential card (SPEC §4, ADR 0017): who the
 * card is (FN, N), what it is (KIND, or Apple's X-ADDRESSBOOKSERVER-KIND in 3.0), its identity
 * (UID, VERSION) and its CLASS, so that a client shows a name it cannot open further.
 */
const keptProperties = new Set(['BEGIN', 'END', 'VERSION', 'UID', 'FN', 'N', 'KIND', 'X-ADDRESSBOOKSERVER-KIND', 'CLASS']);

/**
 * The reduced view of a `CLASS:CONFIDENTIAL` vCard for sharees without `admin`: every
 * property but those of {@link keptProperties} is removed (emails, telephones, addresses,
 * notes, photos, group members, and the grouped lines of a property such as Apple's
 * `X-ABLabel`); the kept lines keep the client's bytes.
 *
 * @example reduceConfidentialCard('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:Ann\r\nEMAIL:a@b.c\r\nCLASS:CONFIDENTIAL\r\nEND:VCARD\r\n');
 * // 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:Ann\r\nCLASS:CONFIDENTIAL\r\nEND:VCARD\r\n'
 */
export function reduceConfidentialCard(text: string): string {
  const kept = unfoldLines(text).filter((raw) => {
    const line = parseLine(raw);
    return line !== undefined && line.group === undefined && keptProperties.has(line.name);
  });
  return `${kept.map(foldLine).join('\r\n')}\r\n`;
}
