/** Text whose fold is its lower case: NFC leaves ASCII alone, and an ASCII letter's upper-then-lower case is its lower case. */
const asciiOnly = /^[\x00-\x7f]*$/;
/** What a fold may change: runs of ASCII capitals, and each code point outside ASCII. */
const foldable = /[A-Z]+|[^\x00-\x7f]/gu;

/**
 * The case fold of the stored index column and of prefilter patterns: NFC, then each code point
 * upper-cased and lower-cased again, so that every pair of values equal under i;ascii-casemap or
 * i;unicode-casemap (RFC 4790, RFC 5051) folds to the same text. It is coarser than those
 * collations (ß and SS meet), which is what a prefilter needs: SQL may keep a card that the
 * exact filter then drops, never the reverse. Code point by code point, not on the whole string,
 * whose lowering follows context (a final capital sigma becomes ς, elsewhere σ).
 */
export function indexFold(value: string): string {
  // Most indexed values (addresses, UIDs, telephone numbers) are ASCII: one call, one string.
  if (asciiOnly.test(value)) return value.toLowerCase();
  const folded = value
    .normalize('NFC')
    .replace(foldable, (run) => (run.charCodeAt(0) < 0x80 ? run.toLowerCase() : run.toUpperCase().toLowerCase()));
  // ẞ lowers to ß while ß uppers to SS: send both to `ss` so that they meet.
  return folded.replace(/ß/g, 'ss').normalize('NFC');
}
