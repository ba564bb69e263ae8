import type { BlobStore } from '@partage/storage';
import { blobContent } from './blob-content.js';
import type { FolderKindSpec } from './item-content.js';

/** The `files` folder kind: plain collections that nest, items in the blob store. */
export function filesKind(blobStore: BlobStore): FolderKindSpec {
  return { kind: 'files', resourceTypes: [], allowsSubcollections: true, content: blobContent(blobStore) };
}
