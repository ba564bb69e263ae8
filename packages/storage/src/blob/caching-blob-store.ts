import { Readable, Transform } from 'node:stream';
import type { BlobStore, ByteRange, PutBlobOptions, StoredBlob } from './blob-store.js';

/** Limits of the small-blob cache. */
export interface BlobCacheOptions {
  /** Blobs up to this size are kept in memory after a full read. */
  readonly maxBlobBytes: number;
  /** Total bytes kept; least recently used blobs leave first. */
  readonly maxTotalBytes: number;
}

/**
 * Keeps small blobs in memory once read. Blobs are immutable (an overwrite is a new blob),
 * so an entry never goes stale; a delete drops it. Large blobs stream through untouched,
 * so memory stays bounded whatever the file sizes.
 */
export class CachingBlobStore implements BlobStore {
  private readonly cache = new Map<string, Buffer>();
  private totalBytes = 0;

  constructor(
    private readonly inner: BlobStore,
    private readonly options: BlobCacheOptions = { maxBlobBytes: 64 * 1024, maxTotalBytes: 32 * 1024 * 1024 },
  ) {}

  put(source: AsyncIterable<Uint8Array>, options?: PutBlobOptions): Promise<StoredBlob> {
    return this.inner.put(source, options);
  }

  async get(blobId: string, range?: ByteRange): Promise<Readable> {
    const cached = this.cache.get(blobId);
    if (cached) {
      this.cache.delete(blobId);
      this.cache.set(blobId, cached);
      return Readable.from([range ? cached.subarray(range.start, range.end + 1) : cached], { objectMode: false });
    }
    const stream = await this.inner.get(blobId, range);
    if (range) return stream;
    const chunks: Buffer[] = [];
    let size = 0;
    const { maxBlobBytes } = this.options;
    const keep = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        if (size <= maxBlobBytes) {
          size += chunk.length;
          if (size <= maxBlobBytes) chunks.push(chunk);
        }
        done(null, chunk);
      },
      flush: (done) => {
        if (size <= maxBlobBytes) this.remember(blobId, Buffer.concat(chunks));
        done();
      },
    });
    stream.on('error', (error) => keep.destroy(error));
    return stream.pipe(keep);
  }

  copy(blobId: string): Promise<string> {
    return this.inner.copy(blobId);
  }

  async delete(blobId: string): Promise<void> {
    const cached = this.cache.get(blobId);
    if (cached) {
      this.totalBytes -= cached.length;
      this.cache.delete(blobId);
    }
    await this.inner.delete(blobId);
  }

  private remember(blobId: string, content: Buffer): void {
    this.cache.set(blobId, content);
    this.totalBytes += content.length;
    for (const [id, buffer] of this.cache) {
      if (this.totalBytes <= this.options.maxTotalBytes) break;
      this.cache.delete(id);
      this.totalBytes -= buffer.length;
    }
  }
}
