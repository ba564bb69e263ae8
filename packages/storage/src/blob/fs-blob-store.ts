import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BlobNotFoundError, BlobTooLargeError, errorCode } from '../errors.js';
import {
  assertValidMaxBytes,
  assertValidRange,
  type BlobStore,
  type ByteRange,
  type PutBlobOptions,
  type StoredBlob,
} from './blob-store.js';

const BLOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A {@link BlobStore} over a directory, for the embedded store: blob `<id>` lives in
 * `<dir>/<first 2 hex of id>/<id>`. Each blob is written to `<dir>/tmp/`, fsynced, renamed
 * into place and its directory fsynced, so a crash leaves either the whole file or none.
 * Only one process uses the directory (the embedded store lock), so {@link open} may clear
 * temp files a crash left behind.
 */
export class FsBlobStore implements BlobStore {
  readonly #dir: string;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Creates `dir` if needed and removes unfinished writes left by an earlier crash. */
  static async open(dir: string): Promise<FsBlobStore> {
    await rm(join(dir, 'tmp'), { recursive: true, force: true });
    await mkdir(join(dir, 'tmp'), { recursive: true });
    return new FsBlobStore(dir);
  }

  async put(source: AsyncIterable<Uint8Array>, options: PutBlobOptions = {}): Promise<StoredBlob> {
    const { maxBytes } = options;
    assertValidMaxBytes(maxBytes);
    const blobId = randomUUID();
    const tempPath = join(this.#dir, 'tmp', blobId);
    const hash = createHash('sha256');
    let size = 0;
    const handle = await open(tempPath, 'wx');
    let isClosed = false;
    try {
      // Awaiting each write before pulling the next chunk is the backpressure.
      for await (const chunk of source) {
        size += chunk.byteLength;
        if (maxBytes !== undefined && size > maxBytes) throw new BlobTooLargeError(maxBytes);
        hash.update(chunk);
        await writeFully(handle, chunk);
      }
      await handle.sync();
      isClosed = true;
      await handle.close();
      await this.#moveIntoPlace(tempPath, blobId);
    } catch (e) {
      if (!isClosed) await handle.close().catch(() => undefined);
      await rm(tempPath, { force: true });
      throw e;
    }
    return { blobId, size, sha256: hash.digest('hex') };
  }

  async get(blobId: string, range?: ByteRange): Promise<Readable> {
    if (range) assertValidRange(range);
    let handle: FileHandle;
    try {
      handle = await open(this.#pathOf(blobId), 'r');
    } catch (e) {
      if (errorCode(e) === 'ENOENT') throw new BlobNotFoundError(blobId);
      throw e;
    }
    // The stream owns the handle and closes it when it ends or is destroyed.
    return range ? handle.createReadStream({ start: range.start, end: range.end }) : handle.createReadStream();
  }

  async copy(blobId: string): Promise<string> {
    const source = this.#pathOf(blobId);
    const newId = randomUUID();
    const tempPath = join(this.#dir, 'tmp', newId);
    try {
      await copyFile(source, tempPath);
      const handle = await open(tempPath, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.#moveIntoPlace(tempPath, newId);
    } catch (e) {
      await rm(tempPath, { force: true });
      if (errorCode(e) === 'ENOENT') throw new BlobNotFoundError(blobId);
      throw e;
    }
    return newId;
  }

  async delete(blobId: string): Promise<void> {
    await rm(this.#pathOf(blobId), { force: true });
  }

  #pathOf(blobId: string): string {
    // The id becomes a path: only our own UUIDs may reach the file system.
    if (!BLOB_ID.test(blobId)) throw new BlobNotFoundError(blobId);
    return join(this.#dir, blobId.slice(0, 2), blobId);
  }

  async #moveIntoPlace(tempPath: string, blobId: string): Promise<void> {
    const shardDir = join(this.#dir, blobId.slice(0, 2));
    const created = await mkdir(shardDir, { recursive: true });
    if (created !== undefined) await fsyncDirectory(this.#dir);
    await rename(tempPath, join(shardDir, blobId));
    await fsyncDirectory(shardDir);
  }
}

async function writeFully(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Makes a rename or new entry in `dir` durable (POSIX needs the directory itself fsynced). */
async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
