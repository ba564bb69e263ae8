import { davConditions } from '@partage/dav-core';
import { BlobTooLargeError, type BlobStore } from '@partage/storage';
import { etagFromSha256 } from './etag.js';
import type { ItemContent } from './item-content.js';

/** File content: streamed into the blob store; the ETag is the content hash (ADR 0003). */
export function blobContent(blobStore: BlobStore): ItemContent {
  return {
    prepare: async (body, meta, target) => {
      const left = target.spaceLeftBytes;
      if (left !== undefined && meta.contentLength !== undefined && meta.contentLength > left) {
        throw davConditions.quotaNotExceeded();
      }
      let blob;
      try {
        blob = await blobStore.put(body, left === undefined ? {} : { maxBytes: left });
      } catch (error) {
        if (error instanceof BlobTooLargeError) throw davConditions.quotaNotExceeded();
        throw error;
      }
      return {
        sizeBytes: blob.size,
        etag: etagFromSha256(blob.sha256),
        contentType: meta.contentType ?? target.existing?.contentType ?? null,
        blobId: blob.blobId,
        isVerbatim: true,
        persist: async () => undefined,
        discard: () => blobStore.delete(blob.blobId),
      };
    },
    read: (node) => blobStore.get(node.blobId ?? ''),
    copy: async () => undefined,
    stageCopies: async (nodes) => {
      const copies = new Map<number, string>();
      try {
        for (const row of nodes) if (row.blobId) copies.set(row.id, await blobStore.copy(row.blobId));
      } catch (error) {
        await Promise.all([...copies.values()].map((id) => blobStore.delete(id)));
        throw error;
      }
      return copies;
    },
    discardCopies: async (staged) => {
      await Promise.all([...staged.values()].map((id) => blobStore.delete(id)));
    },
  };
}
