import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BlobNotFoundError, BlobTooLargeError } from '../errors.js';
import { openTestDatabase } from '../testing.js';
import type { OpenedDatabase } from '../open-database.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { DEFAULT_CHUNK_SIZE_BYTES, PgBlobStore } from './pg-blob-store.js';

const MiB = 1024 * 1024;

async function* piecesOf(data: Uint8Array, pieceSize = 10_000): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.byteLength; i += pieceSize) yield data.subarray(i, i + pieceSize);
}

async function* failingAfter(bytes: number): AsyncGenerator<Uint8Array> {
  yield randomBytes(bytes);
  throw new Error('client went away');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Uint8Array)); // a byte stream yields Uint8Array chunks
  return Buffer.concat(parts);
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// Garbage from a 64 MiB upload may legitimately wait for a GC; we measure what is retained.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void; // --expose-gc makes `gc` a function in new contexts

/**
 * Memory the process retains after a full GC: JS heap plus ArrayBuffer backing stores, or
 * only the heap when the store's database lives in this process's WebAssembly memory
 * (in-memory PGlite), whose growth is the stored data itself.
 */
function retainedBytes(countsArrayBuffers: boolean): number {
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + (countsArrayBuffers ? arrayBuffers : 0);
}

/**
 * Behaviour every BlobStore must have. `leftovers` lists what the implementation holds, so a
 * test can show that a failed put left nothing behind.
 */
interface ContractSubject {
  store: BlobStore;
  leftovers: () => Promise<string[]>;
  teardown: () => Promise<void>;
  /** False when the database's own storage is process memory (in-memory PGlite). */
  countsArrayBuffers: boolean;
}

function runBlobStoreContract(name: string, setup: () => Promise<ContractSubject>): void {
  describe(name, () => {
    let store: BlobStore;
    let leftovers: () => Promise<string[]>;
    let teardown: () => Promise<void>;
    let countsArrayBuffers: boolean;
    beforeAll(async () => {
      ({ store, leftovers, teardown, countsArrayBuffers } = await setup());
    });
    afterAll(() => teardown());

    // Three full chunks of the PostgreSQL store plus a partial one.
    const data = randomBytes(3 * DEFAULT_CHUNK_SIZE_BYTES + 12_345);

    it('stores and returns the bytes with their size and SHA-256', async () => {
      const stored = await store.put(piecesOf(data));
      expect(stored.size).toBe(data.byteLength);
      expect(stored.sha256).toBe(sha256(data));
      expect((await readAll(await store.get(stored.blobId))).equals(data)).toBe(true);
    });

    it('stores an empty blob', async () => {
      const stored = await store.put(piecesOf(new Uint8Array(0)));
      expect(stored).toMatchObject({ size: 0, sha256: sha256(new Uint8Array(0)) });
      expect((await readAll(await store.get(stored.blobId))).byteLength).toBe(0);
      expect((await readAll(await store.get(stored.blobId, { start: 0, end: 10 }))).byteLength).toBe(0);
    });

    it('returns inclusive byte ranges, across chunk boundaries and past the end', async () => {
      const { blobId } = await store.put(piecesOf(data, 70_000));
      const c = DEFAULT_CHUNK_SIZE_BYTES;
      const last = data.byteLength - 1;
      for (const [start, end] of [[0, 0], [5, 5], [100, 3 * c + 7], [c, c], [c - 1, c], [2 * c, 3 * c - 1], [last, last], [last - 10, last + 1000], [0, last]] as const) {
        const got = await readAll(await store.get(blobId, { start, end }));
        expect(got.equals(data.subarray(start, end + 1))).toBe(true);
      }
      expect((await readAll(await store.get(blobId, { start: last + 1, end: last + 100 }))).byteLength).toBe(0);
      await expect(store.get(blobId, { start: 10, end: 9 })).rejects.toThrow(RangeError);
    });

    it('streams a 64 MiB put without holding it in memory', async () => {
      const piece = randomBytes(64 * 1024);
      const hash = createHash('sha256');
      const baseline = retainedBytes(countsArrayBuffers);
      let peak = baseline;
      async function* source(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 1024; i++) {
          hash.update(piece);
          if (i % 64 === 63) peak = Math.max(peak, retainedBytes(countsArrayBuffers));
          yield piece;
        }
      }
      const stored = await store.put(source());
      expect(stored.size).toBe(64 * MiB);
      expect(stored.sha256).toBe(hash.digest('hex'));
      expect(peak - baseline).toBeLessThan(16 * MiB);
      const tail = await readAll(await store.get(stored.blobId, { start: 64 * MiB - 10, end: 64 * MiB - 1 }));
      expect(tail.equals(piece.subarray(piece.byteLength - 10))).toBe(true);
      await store.delete(stored.blobId);
    }, 120_000);

    it('leaves nothing behind when the source fails midway', async () => {
      const before = await leftovers();
      await expect(store.put(failingAfter(DEFAULT_CHUNK_SIZE_BYTES * 2 + 5))).rejects.toThrow('client went away');
      expect(await leftovers()).toEqual(before);
    });

    it('enforces maxBytes and leaves nothing behind', async () => {
      const before = await leftovers();
      await expect(store.put(piecesOf(data), { maxBytes: data.byteLength - 1 })).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(await leftovers()).toEqual(before);
      const exact = await store.put(piecesOf(data), { maxBytes: data.byteLength });
      expect(exact.size).toBe(data.byteLength);
    });

    it('copies into an independent blob', async () => {
      const { blobId } = await store.put(piecesOf(data));
      const copyId = await store.copy(blobId);
      expect(copyId).not.toBe(blobId);
      await store.delete(blobId);
      expect((await readAll(await store.get(copyId))).equals(data)).toBe(true);
      await expect(store.copy(blobId)).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('deletes idempotently and reports missing blobs', async () => {
      const { blobId } = await store.put(piecesOf(data));
      await store.delete(blobId);
      await store.delete(blobId);
      await expect(store.get(blobId)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.get('../../etc/passwd')).rejects.toBeInstanceOf(BlobNotFoundError);
    });
  });
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

runBlobStoreContract('FsBlobStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fs-blob-store-test-'));
  return {
    store: await FsBlobStore.open(dir),
    leftovers: () => listFiles(dir),
    teardown: () => rm(dir, { recursive: true, force: true }),
    countsArrayBuffers: true,
  };
});

runBlobStoreContract(`PgBlobStore (${process.env['TEST_DATABASE_URL'] ? 'PostgreSQL' : 'PGlite'})`, async () => {
  const opened: OpenedDatabase = await openTestDatabase();
  return {
    store: new PgBlobStore(opened.db),
    leftovers: async () => {
      const rows = await opened.db.selectFrom('blobChunk').select(['blobId', 'seq']).orderBy('blobId').orderBy('seq').execute();
      return rows.map((r) => `${r.blobId}/${r.seq}`);
    },
    teardown: () => opened.close(),
    countsArrayBuffers: opened.engine === 'postgres',
  };
});
