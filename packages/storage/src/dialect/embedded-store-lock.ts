import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreBusyError, errorCode } from '../errors.js';

/** The lock file's name inside the data directory. */
export const LOCK_FILE_NAME = 'partage.lock';

/** A held lock on an embedded store's data directory. */
export interface EmbeddedStoreLock {
  /** Removes the lock file if it still names this process. */
  release(): Promise<void>;
}

/**
 * Takes the exclusive lock of an embedded (PGlite) data directory: `<dataDir>/partage.lock`,
 * created with `wx` and holding our pid. PGlite runs in single-user mode, so two processes on
 * one directory would corrupt it. A lock left by a dead process is taken over.
 *
 * @throws StoreBusyError when a live process (possibly this one) holds the lock.
 */
export async function acquireEmbeddedStoreLock(dataDir: string): Promise<EmbeddedStoreLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE_NAME);
  // A few attempts: another process may take over the same stale lock at the same moment.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { release: () => releaseLock(path) };
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw e;
    }
    const holder = await readLockPid(path);
    if (holder !== undefined && isProcessAlive(holder)) throw new StoreBusyError(dataDir, holder);
    await rm(path, { force: true });
  }
  throw new Error(`could not take the lock ${path}: other processes keep taking it over`);
}

async function releaseLock(path: string): Promise<void> {
  if ((await readLockPid(path)) === process.pid) await rm(path, { force: true });
}

async function readLockPid(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  const pid = Number.parseInt(text.trim(), 10);
  // An empty or garbled file is a lock whose writer died between create and write.
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(e) === 'EPERM';
  }
}
