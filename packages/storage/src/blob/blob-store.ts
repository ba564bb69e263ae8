import type { Readable } from 'node:stream';

/** What {@link BlobStore.put} stored. */
export interface StoredBlob {
  /** Opaque id to keep in `node.blobId`. */
  blobId: string;
  /** Length in bytes. */
  size: number;
  /** SHA-256 of the bytes, lowercase hex (used for strong ETags). */
  sha256: string;
}

/** Options of {@link BlobStore.put}. */
export interface PutBlobOptions {
  /** Reject with `BlobTooLargeError` as soon as the source delivers more than this. */
  maxBytes?: number;
}

/** An inclusive byte range, as in an HTTP `Range: bytes=start-end` header (RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where file contents live: a directory for the embedded store, `blob_chunk` rows for
 * PostgreSQL, possibly S3 later. Blobs are immutable; an overwrite is a new blob plus a
 * delete of the old one.
 *
 * @example
 * ```ts
 * const { blobId, size, sha256 } = await blobStore.put(request, { maxBytes: quotaLeftBytes });
 * (await blobStore.get(blobId, { start: 0, end: 1023 })).pipe(response);
 * ```
 */
export interface BlobStore {
  /**
   * Streams `source` into a new blob; memory does not grow with its size. If `source` errors
   * or exceeds `maxBytes`, nothing is left behind and the promise rejects (`BlobTooLargeError`
   * for the limit).
   */
  put(source: AsyncIterable<Uint8Array>, options?: PutBlobOptions): Promise<StoredBlob>;
  /**
   * Streams the bytes `[start, end]` (inclusive) or all of them. Requires
   * `0 <= start <= end`; bytes past the end of the blob are simply not there, so the caller
   * clamps ranges against the stored size. Rejects with `BlobNotFoundError` for an unknown id.
   */
  get(blobId: string, range?: ByteRange): Promise<Readable>;
  /** Makes a new, independent blob with the same bytes and returns its id. */
  copy(blobId: string): Promise<string>;
  /** Deletes a blob; deleting a missing blob is not an error. */
  delete(blobId: string): Promise<void>;
}

/** Throws a RangeError unless `range` is a valid inclusive byte range. */
export function assertValidRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range ${start}-${end}`);
  }
}

/** Throws a RangeError unless `maxBytes` is absent or a non-negative integer. */
export function assertValidMaxBytes(maxBytes: number | undefined): void {
  if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
    throw new RangeError(`invalid maxBytes ${maxBytes}`);
  }
}
