// Deterministic CardDAV workload for bench/carddav-bench.mjs: N vCard 3.0 cards with accented
// names, one to three emails and phones, and a ~20 kB photo on 5 % of them, plus the answers
// the benchmark's queries must give, computed from the generated data (no vCard library).
import { rng } from '../caldav/data.mjs';

const FIRST = ['Élodie', 'Jérôme', 'François', 'Zoë', 'Anaïs', 'Maëlle', 'Hélène', 'Noël', 'Björn', 'Jean', 'Claire', 'Hugo', 'Inès', 'Loïc', 'Émile', 'Paul'];
const LAST = ['Lefèvre', 'Dupré', 'Martin', 'Müller', 'Çelik', 'Núñez', 'Østergaard', 'Bernard', 'Moreau', 'Garcia', 'Roux', 'Girard', 'Fournier', 'Mercier'];
const ORGS = ['Société Générale des Eaux', 'Ateliers Réunis', 'Crédit Mutuel', 'Bäckerei Schön', 'Librairie Ça & Là'];
export const ascii = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ø/g, 'o').replace(/Ø/g, 'O').replace(/ç/g, 'c').replace(/Ç/g, 'C').toLowerCase();
/** i;ascii-casemap folding (RFC 4790): only ASCII letters change case. */
export const asciiFold = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Card i of the workload (deterministic). */
export function makeCard(i) {
  const r = rng(0x85ebca6b ^ (i * 2246822519));
  const first = FIRST[Math.floor(r() * FIRST.length)];
  const last = LAST[Math.floor(r() * LAST.length)];
  const emails = [`${ascii(first)}.${ascii(last)}.${i}@example.org`];
  if (i % 3 === 0) emails.push(`${Math.floor(i / 150) % 2 ? 'ops.' : ''}team-${(i / 3) % 50}@entreprise.example`); // shared, and a look-alike for "equals"
  if (i % 7 === 0) emails.push(`${ascii(first)}@perso.example`);
  const phones = Array.from({ length: 1 + (i % 3) }, (_, k) => `+33 ${1 + k} ${String(10 + (i % 90)).padStart(2, '0')} ${String(i).padStart(6, '0').replace(/(\d\d)(?=\d)/g, '$1 ')}`);
  return {
    i, uid: `card-${String(i).padStart(6, '0')}@partage.bench`, href: `card-${String(i).padStart(6, '0')}.vcf`,
    first, last, fn: `${first} ${last}`, emails, phones, org: ORGS[i % ORGS.length], photo: i % 20 === 19,
  };
}

// ~20 kB (base64) of deterministic bytes standing for a JPEG
const photoBase64 = (() => { const r = rng(42); const b = Buffer.alloc(15_000); for (let k = 0; k < b.length; k++) b[k] = Math.floor(r() * 256); b[0] = 0xff; b[1] = 0xd8; return b.toString('base64'); })();

const fold = (line) => {
  // fold at 60 characters (at most 75 octets for these texts: only names carry non-ASCII)
  if (line.length <= 60) return line;
  const parts = [line.slice(0, 60)];
  for (let p = 60; p < line.length; p += 59) parts.push(' ' + line.slice(p, p + 59));
  return parts.join('\r\n');
};

/** The vCard 3.0 text of a card; `revision` goes into NOTE (used to change cards for sync). */
export function vcardOf(c, revision = 0) {
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Partage//carddav-bench//EN', `UID:${c.uid}`, `FN:${c.fn}`, `N:${c.last};${c.first};;;`, `ORG:${c.org}`];
  c.emails.forEach((e, k) => lines.push(`EMAIL;TYPE=INTERNET${k === 0 ? ',PREF' : ''}:${e}`));
  c.phones.forEach((p, k) => lines.push(`TEL;TYPE=${['CELL', 'WORK', 'HOME'][k]}:${p}`));
  lines.push(`NOTE:Fiche n° ${c.i}\\, révision ${revision}`);
  if (c.photo) lines.push(`PHOTO;ENCODING=b;TYPE=JPEG:${photoBase64}`);
  lines.push('REV:20260101T000000Z', 'END:VCARD');
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** The queries of the benchmark and their expected answers (sets of hrefs). */
export const FN_TERM = 'lefèvre'; // the data has "Lefèvre": only an ASCII letter differs in case
export const EMAIL_TERM = 'team-7@entreprise.example'; // "ops.team-7@…" must not match "equals"
export function expectations(cards) {
  const fn = new Set(); const email = new Set();
  for (const c of cards) {
    if (asciiFold(c.fn).includes(asciiFold(FN_TERM))) fn.add(c.href);
    if (c.emails.some((e) => asciiFold(e) === asciiFold(EMAIL_TERM))) email.add(c.href);
  }
  return { fn, email };
}
