import type { TextMatch } from './types.js';

/** Characters whose simple case folding (Unicode CaseFolding.txt, status C/S) differs from `toLowerCase`. */
const foldExceptions: Readonly<Record<string, string>> = { 'ς': 'σ', 'ſ': 's', 'ϐ': 'β', 'ϑ': 'θ', 'ϕ': 'φ', 'ϖ': 'π', 'ϰ': 'κ', 'ϱ': 'ρ', 'ϵ': 'ε', 'ẛ': 'ṡ', 'ι': 'ι', 'ẞ': 'ß' };

/** i;unicode-casemap (RFC 5051) approximated as NFC + Unicode simple case folding, code point by code point. */
function unicodeFold(value: string): string {
  let folded = '';
  for (const ch of value.normalize('NFC')) {
    const exception = foldExceptions[ch];
    if (exception !== undefined) {
      folded += exception;
      continue;
    }
    const lower = ch.toLowerCase();
    // Simple folding maps one code point to one; keep the character when lowering would expand it (İ).
    folded += String.fromCodePoint(lower.codePointAt(0) ?? 0) === lower ? lower : ch;
  }
  return folded.normalize('NFC');
}

/** i;ascii-casemap: only the ASCII letters change case (runs of them at once: a callback per letter cost a query of 700 names 1 ms). */
const asciiFold = (value: string): string => value.replace(/[a-z]+/g, (run) => run.toUpperCase());

function fold(value: string, collation: TextMatch['collation']): string {
  switch (collation) {
    case 'i;octet':
      return value;
    case 'i;ascii-casemap':
      return asciiFold(value);
    case 'i;unicode-casemap':
      return unicodeFold(value);
  }
}

/**
 * Whether one value satisfies a text-match (RFC 4791 §9.7.5), before negation, given the
 * match's value already folded. Collations per RFC 4790 §9 (i;octet, i;ascii-casemap) and
 * RFC 5051 (i;unicode-casemap).
 */
function matchesOne(value: string, needle: string, match: TextMatch): boolean {
  const haystack = fold(value, match.collation);
  switch (match.matchType) {
    case 'equals':
      return haystack === needle;
    case 'contains':
      return haystack.includes(needle);
    case 'starts-with':
      return haystack.startsWith(needle);
    case 'ends-with':
      return haystack.endsWith(needle);
  }
}

/**
 * Evaluates a text-match against the values of one property or parameter: true when some value
 * matches, inverted by `negate` (negate-condition="yes").
 */
export function textMatches(values: readonly string[], match: TextMatch): boolean {
  const needle = needleOf(match);
  const isMatch = values.some((v) => matchesOne(v, needle, match));
  return match.negate ? !isMatch : isMatch;
}

/** {@link textMatches} on a single value (a report tests each card's values one by one). */
export function textMatchesValue(value: string, match: TextMatch): boolean {
  const isMatch = matchesOne(value, needleOf(match), match);
  return match.negate ? !isMatch : isMatch;
}

/** The folded value of each text-match, folded once however many values it is tested on. */
const needles = new WeakMap<TextMatch, string>();

function needleOf(match: TextMatch): string {
  let needle = needles.get(match);
  if (needle === undefined) {
    needle = fold(match.value, match.collation);
    needles.set(match, needle);
  }
  return needle;
}
