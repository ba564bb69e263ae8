import { DavError } from '@partage/dav-core';

/** Longest member name accepted, in UTF-8 bytes (what common file systems allow). */
export const maxNameBytes = 255;

/** Refuses names no client could round-trip: empty, too long, or with a slash. */
export function validateMemberName(name: string): void {
  if (name === '' || name.includes('/') || name.includes('\\')) throw new DavError(400, undefined, 'invalid name');
  if (Buffer.byteLength(name, 'utf8') > maxNameBytes) {
    throw new DavError(400, undefined, `names are limited to ${maxNameBytes} bytes`);
  }
}
