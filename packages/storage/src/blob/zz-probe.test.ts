import { it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openTestDatabase } from '../testing.js';
import { PgBlobStore } from './pg-blob-store.js';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
it('probe', async () => {
  const opened = await openTestDatabase();
  const store = new PgBlobStore(opened.db);
  const piece = randomBytes(64 * 1024);
  gc();
  const m0 = process.memoryUsage();
  let peakHeap = 0, peakAB = 0;
  async function* source() { for (let i = 0; i < 1024; i++) { if (i % 64 === 0) { gc(); const m = process.memoryUsage(); peakHeap = Math.max(peakHeap, m.heapUsed - m0.heapUsed); peakAB = Math.max(peakAB, m.arrayBuffers - m0.arrayBuffers); } yield piece; } }
  await store.put(source());
  console.log({ peakHeapMiB: peakHeap / 2**20, peakABMiB: peakAB / 2**20 , rss: (process.memoryUsage().rss - m0.rss)/2**20});
  await opened.close();
}, 120000);
