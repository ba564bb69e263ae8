/**
 * The case fold of the stored index column and of prefilter patterns: NFC, then each code point
 * upper-cased and lower-cased again, so that every pair of values equal under i;ascii-casemap or
 * i;unicode-casemap (RFC 4790, RFC 5051) folds to the same text. It is coarser than those
 * collations (ß and SS meet), which is what a prefilter needs: SQL may keep a card that the
 * exact filter then drops, never the reverse.
 */
export function indexFold(value: string): string {
  let folded = '';
  for (const ch of value.normalize('NFC')) folded += ch.toUpperCase().toLowerCase();
  // ẞ lowers to ß while ß uppers to SS: send both to `ss` so that they meet.
  return folded.replace(/ß/g, 'ss').normalize('NFC');
}
