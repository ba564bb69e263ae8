/** PostgreSQL type OIDs whose parsing we override on both engines. */
export const INT8_OID = 20;

/**
 * Parses an int8 (bigint) column as a JS number. The schema types int8 columns (ids, byte
 * counts, change sequences) as `number`; they stay far below 2^53, and a value that does not
 * fit is an error rather than a silently rounded id.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`int8 value ${text} does not fit in a JS number`);
  }
  return value;
}
