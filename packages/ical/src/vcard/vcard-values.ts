import { unescapeText, type VcardLine } from './content-lines.js';

/** The vCard versions this package reads and writes. */
export type VcardVersion = '3.0' | '4.0';

/** Whether a string names a supported vCard version. */
export const isVcardVersion = (value: string | undefined): value is VcardVersion => value === '3.0' || value === '4.0';

/** The properties whose values the store indexes for addressbook-query prefilters (STYLE §3). */
export const indexedVcardProperties = ['FN', 'N', 'EMAIL', 'TEL', 'ORG', 'NICKNAME', 'UID'] as const;

/** One of {@link indexedVcardProperties}. */
export type IndexedVcardProperty = (typeof indexedVcardProperties)[number];

/** Whether a property name is indexed. */
export const isIndexedVcardProperty = (name: string): name is IndexedVcardProperty =>
  (indexedVcardProperties as readonly string[]).includes(name);

/**
 * The text a text-match compares with (RFC 6352 §10.5.4): the value with its escapes decoded.
 * The index and the exact filter both use it, so that the SQL prefilter never drops a match.
 */
export const matchText = (line: VcardLine): string => unescapeText(line.value);
