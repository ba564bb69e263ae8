import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { BlobNotFoundError, BlobTooLargeError } from '../errors.js';
import type { Database } from '../schema/index.js';
import {
  assertValidMaxBytes,
  assertValidRange,
  type BlobStore,
  type ByteRange,
  type PutBlobOptions,
  type StoredBlob,
} from './blob-store.js';

/** Size of the `blob_chunk` rows {@link PgBlobStore} writes. */
export const DEFAULT_CHUNK_SIZE_BYTES = 256 * 1024;

/** Options of {@link PgBlobStore}. */
export interface PgBlobStoreOptions {
  /** Size of the chunks written; reads work whatever size a blob was written with. */
  chunkSizeBytes?: number;
}

/**
 * A {@link BlobStore} in the `blob_chunk` table, used with PostgreSQL so that every server
 * process sees the same files. A blob is rows `(blob_id, seq, data)`; every chunk but the
 * last has the same size, and an empty blob is one empty chunk (so it still exists).
 *
 * Chunks are inserted one by one as the source delivers them, outside any transaction: an
 * upload never holds a connection (or PGlite's single session) for its whole length. Until
 * `put` resolves nobody knows the id, so partial rows are invisible; `put` deletes them on
 * failure, and a crash mid-upload leaves orphans that a sweep of unreferenced ids can remove.
 */
export class PgBlobStore implements BlobStore {
  readonly #db: Kysely<Database>;
  readonly #chunkSizeBytes: number;

  constructor(db: Kysely<Database>, options: PgBlobStoreOptions = {}) {
    const chunkSizeBytes = options.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES;
    if (!Number.isSafeInteger(chunkSizeBytes) || chunkSizeBytes <= 0) {
      throw new RangeError(`invalid chunkSizeBytes ${chunkSizeBytes}`);
    }
    this.#db = db;
    this.#chunkSizeBytes = chunkSizeBytes;
  }

  async put(source: AsyncIterable<Uint8Array>, options: PutBlobOptions = {}): Promise<StoredBlob> {
    const { maxBytes } = options;
    assertValidMaxBytes(maxBytes);
    const blobId = randomUUID();
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    // The chunk being filled: a copy, because a source may reuse its buffer after we pull again.
    let chunk = Buffer.allocUnsafe(this.#chunkSizeBytes);
    let filled = 0;
    try {
      for await (const piece of source) {
        size += piece.byteLength;
        if (maxBytes !== undefined && size > maxBytes) throw new BlobTooLargeError(maxBytes);
        hash.update(piece);
        let offset = 0;
        while (offset < piece.byteLength) {
          const n = Math.min(piece.byteLength - offset, this.#chunkSizeBytes - filled);
          chunk.set(piece.subarray(offset, offset + n), filled);
          filled += n;
          offset += n;
          if (filled === this.#chunkSizeBytes) {
            await this.#insertChunk(blobId, seq++, chunk);
            chunk = Buffer.allocUnsafe(this.#chunkSizeBytes);
            filled = 0;
          }
        }
      }
      if (filled > 0 || seq === 0) await this.#insertChunk(blobId, seq, chunk.subarray(0, filled));
    } catch (e) {
      await this.delete(blobId);
      throw e;
    }
    return { blobId, size, sha256: hash.digest('hex') };
  }

  async get(blobId: string, range?: ByteRange): Promise<Readable> {
    if (range) assertValidRange(range);
    // Chunk 0 proves the blob exists and gives the size its writer used for all full chunks.
    const first = await this.#db
      .selectFrom('blobChunk')
      .select((eb) => eb.fn<number>('octet_length', ['data']).as('length'))
      .where('blobId', '=', blobId)
      .where('seq', '=', 0)
      .executeTakeFirst();
    if (!first) throw new BlobNotFoundError(blobId);
    return Readable.from(this.#readChunks(blobId, first.length, range), { objectMode: false });
  }

  async copy(blobId: string): Promise<string> {
    const newId = randomUUID();
    // One INSERT … SELECT: the bytes never leave the database.
    const result = await this.#db
      .insertInto('blobChunk')
      .columns(['blobId', 'seq', 'data'])
      .expression((eb) =>
        eb
          .selectFrom('blobChunk')
          .select([eb.val(newId).as('blobId'), 'seq', 'data'])
          .where('blobId', '=', blobId),
      )
      .executeTakeFirst();
    if (result.numInsertedOrUpdatedRows === 0n) throw new BlobNotFoundError(blobId);
    return newId;
  }

  async delete(blobId: string): Promise<void> {
    await this.#db.deleteFrom('blobChunk').where('blobId', '=', blobId).execute();
  }

  async #insertChunk(blobId: string, seq: number, data: Uint8Array): Promise<void> {
    await this.#db.insertInto('blobChunk').values({ blobId, seq, data }).execute();
  }

  /** Yields the wanted bytes one chunk query at a time, so memory stays at about one chunk. */
  async *#readChunks(blobId: string, chunkSizeBytes: number, range: ByteRange | undefined): AsyncGenerator<Uint8Array> {
    // A blob stored as one empty chunk has chunk size 0; it has no bytes to yield.
    if (chunkSizeBytes === 0) return;
    const start = range?.start ?? 0;
    const firstSeq = Math.floor(start / chunkSizeBytes);
    const lastSeq = range ? Math.floor(range.end / chunkSizeBytes) : Number.POSITIVE_INFINITY;
    for (let seq = firstSeq; seq <= lastSeq; seq++) {
      const row = await this.#db
        .selectFrom('blobChunk')
        .select('data')
        .where('blobId', '=', blobId)
        .where('seq', '=', seq)
        .executeTakeFirst();
      // Past the last chunk: a range beyond the end yields what exists, like a file read.
      if (!row) return;
      const chunkStart = seq * chunkSizeBytes;
      const from = Math.max(start - chunkStart, 0);
      const to = range ? Math.min(range.end - chunkStart + 1, row.data.byteLength) : row.data.byteLength;
      if (from < to) yield row.data.subarray(from, to);
      if (row.data.byteLength < chunkSizeBytes) return;
    }
  }
}
