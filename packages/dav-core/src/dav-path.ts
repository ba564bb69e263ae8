import { DavError } from './dav-error.js';

/** A decoded, NFC-normalised request path as segments: `/webdav/a@b.fr/Documents/` → `['webdav','a@b.fr','Documents']`. */
export type DavPath = readonly string[];

/** The path of a request target and whether it ended in a slash. */
export interface ParsedPath {
  readonly segments: DavPath;
  readonly trailingSlash: boolean;
}

/**
 * Decodes the path of a request target. Refuses (400) `.` and `..` segments, an encoded
 * slash or backslash inside a segment (SPEC §7), NUL and invalid percent-encoding, so
 * that no two spellings reach the same resource by a detour. Names are compared after
 * NFC normalisation (SPEC §3).
 */
export function parseRequestPath(rawPath: string): ParsedPath {
  const path = rawPath.split('?')[0] ?? '';
  if (!path.startsWith('/')) throw new DavError(400, undefined, 'request path must be absolute');
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    if (/%2f|%5c/i.test(raw)) throw new DavError(400, undefined, 'encoded slash in a path segment');
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw new DavError(400, undefined, 'invalid percent-encoding in the path');
    }
    if (decoded === '.' || decoded === '..') throw new DavError(400, undefined, 'dot segments are not allowed');
    if (/[\u0000-\u001f\u007f]/.test(decoded)) throw new DavError(400, undefined, 'control character in the path');
    segments.push(decoded.normalize('NFC'));
  }
  return { segments, trailingSlash: path.endsWith('/') };
}

/** Encoded segments by segment: a multistatus encodes the same parent segments for every member. */
const encodedSegments = new Map<string, string>();
const ENCODED_SEGMENTS_KEPT = 2_048;

/** Percent-encodes one segment for an href, keeping the characters RFC 3986 allows in a path segment. */
export function encodeSegment(segment: string): string {
  let encoded = encodedSegments.get(segment);
  if (encoded === undefined) {
    encoded = encodeSegmentNow(segment);
    if (encodedSegments.size >= ENCODED_SEGMENTS_KEPT) encodedSegments.clear();
    if (segment.length <= 256) encodedSegments.set(segment, encoded);
  }
  return encoded;
}

function encodeSegmentNow(segment: string): string {
  return encodeURIComponent(segment).replace(/%(40|3A|24|26|2B|2C|3B|3D)/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  ).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The href of a path; collections end in a slash (RFC 4918 §8.3). */
export function hrefOf(segments: DavPath, isCollection: boolean): string {
  const joined = segments.map(encodeSegment).join('/');
  if (joined === '') return '/';
  return `/${joined}${isCollection ? '/' : ''}`;
}

/** The key under which locks are stored for a path: the decoded segments joined with `/`. */
export const pathKey = (segments: DavPath): string => `/${segments.join('/')}`;

/** True when `inner` is `outer` or lies below it. */
export function isSameOrBelow(inner: DavPath, outer: DavPath): boolean {
  return outer.length <= inner.length && outer.every((s, i) => inner[i] === s);
}

/** The parent path, or undefined for the root. */
export const parentOf = (segments: DavPath): DavPath | undefined =>
  segments.length === 0 ? undefined : segments.slice(0, -1);
