import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CachingBlobStore } from './caching-blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';

let dir: string;
let inner: FsBlobStore;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caching-blob-'));
  inner = await FsBlobStore.open(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function text(stream: AsyncIterable<unknown>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Uint8Array)); // streams of this store yield bytes
  return Buffer.concat(parts).toString('utf8');
}
async function* bytes(s: string) {
  yield Buffer.from(s);
}

describe('CachingBlobStore', () => {
  it('serves a small blob from memory after one read, ranges included', async () => {
    const store = new CachingBlobStore(inner, { maxBlobBytes: 100, maxTotalBytes: 1000 });
    const { blobId } = await store.put(bytes('0123456789'));
    expect(await text(await store.get(blobId))).toBe('0123456789');
    await inner.delete(blobId); // gone below: only the cache can answer now
    expect(await text(await store.get(blobId))).toBe('0123456789');
    expect(await text(await store.get(blobId, { start: 2, end: 4 }))).toBe('234');
  });

  it('does not keep blobs over the size limit', async () => {
    const store = new CachingBlobStore(inner, { maxBlobBytes: 4, maxTotalBytes: 1000 });
    const { blobId } = await store.put(bytes('too large'));
    expect(await text(await store.get(blobId))).toBe('too large');
    await inner.delete(blobId);
    await expect(store.get(blobId).then(text)).rejects.toThrow();
  });

  it('forgets a deleted blob and evicts the least recently used', async () => {
    const store = new CachingBlobStore(inner, { maxBlobBytes: 10, maxTotalBytes: 12 });
    const a = await store.put(bytes('aaaaaa'));
    const b = await store.put(bytes('bbbbbb'));
    const c = await store.put(bytes('cccccc'));
    for (const blob of [a, b, c]) await text(await store.get(blob.blobId));
    await inner.delete(a.blobId);
    await expect(store.get(a.blobId).then(text)).rejects.toThrow();
    await store.delete(c.blobId);
    await expect(store.get(c.blobId).then(text)).rejects.toThrow();
  });
});
