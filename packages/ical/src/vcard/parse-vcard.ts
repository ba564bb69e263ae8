import ICAL from 'ical.js';
import { parseLines } from './content-lines.js';
import { InvalidAddressData } from './invalid-address-data.js';
import { isIndexedVcardProperty, isVcardVersion, matchText, type IndexedVcardProperty, type VcardVersion } from './vcard-values.js';

/** What the store keeps beside the client's bytes to find and prefilter cards (STYLE §3). */
export interface VcardSummary {
  readonly version: VcardVersion;
  readonly uid: string;
  /** FN, or null when the card has none (vCard 3.0 tolerates it here). */
  readonly fn: string | null;
  /** `individual`, `group`, `org`, `location` (vCard 4.0 KIND, Apple's X-ADDRESSBOOKSERVER-KIND in 3.0). */
  readonly kind: string;
  /**
   * `PRIVATE` or `CONFIDENTIAL` from the card's CLASS (vCard 3.0, RFC 2426 §3.7.1; read in 4.0
   * cards too), null for a public card or one without CLASS (SPEC §4).
   */
  readonly classification: 'PRIVATE' | 'CONFIDENTIAL' | null;
  /** Values of the indexed properties, one per property instance, as text-match sees them. */
  readonly values: readonly { readonly property: IndexedVcardProperty; readonly value: string }[];
}

/**
 * Parses and validates one vCard 3.0 or 4.0 (RFC 2426, RFC 6350) as an address object
 * resource (RFC 6352 §5.1): ical.js must read it, it holds exactly one VCARD with a VERSION
 * of 3.0 or 4.0 and a UID, and a 4.0 card has an FN.
 *
 * @throws InvalidAddressData with a reason a client can show.
 * @example
 * const summary = parseVcard('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:Ann\r\nN:;Ann;;;\r\nEND:VCARD\r\n');
 * summary.uid; // 'a'
 */
export function parseVcard(text: string): VcardSummary {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    throw new InvalidAddressData(`not a vCard: ${String(error)}`, { cause: error });
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new InvalidAddressData('no vCard');
  if (Array.isArray(parsed[0])) throw new InvalidAddressData('an address object holds exactly one vCard (RFC 6352 §5.1)');
  const card = new ICAL.Component(parsed);
  if (card.name !== 'vcard') throw new InvalidAddressData(`expected BEGIN:VCARD, not ${card.name.toUpperCase()}`);
  const version = String(card.getFirstPropertyValue('version') ?? '');
  if (!isVcardVersion(version)) throw new InvalidAddressData(`unsupported vCard version "${version}" (3.0 and 4.0 are)`);
  const lines = parseLines(text);
  const first = (name: string) => lines.find((l) => l.name === name);
  const uid = first('UID');
  if (!uid || matchText(uid).trim() === '') throw new InvalidAddressData('UID is required (RFC 6352 §5.1)');
  const fn = first('FN');
  if (version === '4.0' && !fn) throw new InvalidAddressData('FN is required in vCard 4.0 (RFC 6350 §6.2.1)');
  const kind = first('KIND') ?? first('X-ADDRESSBOOKSERVER-KIND');
  const classLine = first('CLASS');
  const classValue = classLine ? matchText(classLine).trim().toUpperCase() : undefined;
  return {
    version,
    uid: matchText(uid),
    fn: fn ? matchText(fn) : null,
    kind: kind ? matchText(kind).toLowerCase() : 'individual',
    classification: classValue === 'PRIVATE' || classValue === 'CONFIDENTIAL' ? classValue : null,
    values: lines.flatMap((l) => (isIndexedVcardProperty(l.name) ? [{ property: l.name, value: matchText(l) }] : [])),
  };
}
