import { constants, type Stats } from 'node:fs';
import { cp, lstat, mkdir, open, readdir, realpath, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { DavError } from '@partage/dav-core';

/** What a path inside a confined directory is. */
export interface ConfinedEntry {
  /** Segments below the root; [] is the root itself. */
  readonly segments: readonly string[];
  readonly isDirectory: boolean;
  readonly stats: Stats;
}

const uploadPrefix = '.partage-upload-';

/** A path escaping the directory, by any route: 403, and nothing is touched. */
const escaping = () => new DavError(403, undefined, 'this path leads outside the server-path folder');

/**
 * A directory of the server that a server-path folder serves (SPEC §5), with every access
 * confined to it: names with `/`, `\`, NUL, `.` or `..` are refused; every path is resolved
 * with `realpath` and must lie at or below the root; a symbolic link that points out is
 * neither listed nor followed; files are opened with `O_NOFOLLOW` and the opened descriptor
 * is checked again through `/proc/self/fd` (where it exists), so a link swapped in during a
 * request is caught; writes go to a fresh file made with `O_EXCL` next to the target and
 * are renamed over it (a rename replaces a link, it never writes through one).
 * Non-recursive: only the files at the top level are served.
 */
export class ConfinedDirectory {
  /** `root` must be a real path (no links), as the administrator's call stored it. */
  constructor(
    readonly root: string,
    readonly isRecursive: boolean,
  ) {}

  private isInside(real: string): boolean {
    return real === this.root || real.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep);
  }

  /** The path of `segments`, after checking each name; throws 403 for a name that could escape. */
  private pathOf(segments: readonly string[]): string {
    for (const name of segments) {
      if (name === '' || name === '.' || name === '..' || /[/\\\u0000]/.test(name)) throw escaping();
    }
    return join(this.root, ...segments);
  }

  /** Whether the depth is served: a non-recursive folder has only top-level files. */
  private isServedDepth(segments: readonly string[], isDirectory: boolean): boolean {
    if (this.isRecursive) return true;
    return segments.length === 0 || (segments.length === 1 && !isDirectory);
  }

  /** The entry at `segments`, or undefined when there is none (or none that is served). 403 when it leads out. */
  async entry(segments: readonly string[]): Promise<ConfinedEntry | undefined> {
    const path = this.pathOf(segments);
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    if (!this.isInside(real)) throw escaping();
    const stats = await stat(real);
    if (!stats.isDirectory() && !stats.isFile()) return undefined;
    if (!this.isServedDepth(segments, stats.isDirectory())) return undefined;
    if (segments[segments.length - 1]?.startsWith(uploadPrefix)) return undefined;
    return { segments, isDirectory: stats.isDirectory(), stats };
  }

  /** The served members of a directory; links that lead out and other file types are left out. */
  async list(segments: readonly string[]): Promise<ConfinedEntry[]> {
    const path = this.pathOf(segments);
    await this.requireInside(path);
    const result: ConfinedEntry[] = [];
    for (const dirent of await readdir(path, { withFileTypes: true })) {
      if (dirent.name.startsWith(uploadPrefix)) continue;
      try {
        const found = await this.entry([...segments, dirent.name]);
        if (found) result.push(found);
      } catch (error) {
        if (error instanceof DavError) continue;
        throw error;
      }
    }
    return result;
  }

  private async requireInside(path: string): Promise<string> {
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      if (isMissing(error)) throw new DavError(409, undefined, 'the parent collection does not exist');
      throw error;
    }
    if (!this.isInside(real)) throw escaping();
    return real;
  }

  /** Checks that an open descriptor is still inside the root (a link swapped in meanwhile). */
  private async requireOpenInside(handle: FileHandle): Promise<void> {
    let real: string;
    try {
      real = await realpath(`/proc/self/fd/${handle.fd}`);
    } catch {
      return; // no /proc: the O_NOFOLLOW open and the realpath check before it stand
    }
    if (!this.isInside(real)) throw escaping();
  }

  /** The bytes of a file, or a range of them (inclusive). */
  async read(segments: readonly string[], range?: { start: number; end: number }): Promise<Readable> {
    const path = this.pathOf(segments);
    // Open the resolved path, so that a link inside the root works; O_NOFOLLOW catches a
    // link put in its place since, and the descriptor check a swapped directory.
    const real = await this.requireInside(path);
    const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
      throw isLinkRefusal(error) ? escaping() : error;
    });
    try {
      await this.requireOpenInside(handle);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  /**
   * Writes a file from a body: into a fresh file next to the target, renamed over it once
   * complete, so a failed upload leaves the previous content. `expectedEtag` and
   * `mustNotExist` are checked just before the rename (412 otherwise).
   */
  async write(
    segments: readonly string[],
    body: AsyncIterable<Uint8Array>,
    check: { expectedEtag?: string | undefined; mustNotExist?: boolean | undefined },
  ): Promise<Stats> {
    const path = this.pathOf(segments);
    const parent = this.pathOf(segments.slice(0, -1));
    if (!this.isServedDepth(segments, false)) throw new DavError(409, undefined, 'this folder serves only its top-level files');
    await this.requireInside(parent);
    const temporary = join(parent, `${uploadPrefix}${randomBytes(8).toString('hex')}`);
    const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      await this.requireOpenInside(handle);
      for await (const chunk of body) await handle.write(chunk);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await handle.close();
    try {
      const current = await lstat(path).catch((error: unknown) => {
        if (isMissing(error)) return undefined;
        throw error;
      });
      if (current?.isDirectory()) throw new DavError(405, undefined, 'cannot PUT to a collection');
      if (check.mustNotExist && current) throw new DavError(412, undefined, 'the resource exists');
      if (check.expectedEtag !== undefined && (!current || etagOf(current) !== check.expectedEtag)) {
        throw new DavError(412, undefined, 'the resource changed meanwhile');
      }
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    return stat(path);
  }

  /** Makes a directory (recursive folders only). */
  async makeDirectory(segments: readonly string[]): Promise<void> {
    if (!this.isRecursive) throw new DavError(403, undefined, 'this server-path folder is not recursive: it holds files only');
    const path = this.pathOf(segments);
    await this.requireInside(this.pathOf(segments.slice(0, -1)));
    try {
      await mkdir(path);
    } catch (error) {
      if (codeOf(error) === 'EEXIST') throw new DavError(405, undefined, 'the collection exists');
      throw error;
    }
  }

  /** Removes a file or a directory tree; links inside are removed, never followed. */
  async remove(segments: readonly string[]): Promise<void> {
    if (segments.length === 0) throw new DavError(403, undefined, 'the root of a server-path folder cannot be removed');
    const path = this.pathOf(segments);
    await this.requireInside(this.pathOf(segments.slice(0, -1)));
    await rm(path, { recursive: true, force: false });
  }

  /** Moves or copies within this directory; links are not copied. */
  async transfer(mode: 'copy' | 'move', from: readonly string[], to: readonly string[], replace: boolean): Promise<void> {
    const source = this.pathOf(from);
    const target = this.pathOf(to);
    await this.requireInside(source);
    await this.requireInside(this.pathOf(to.slice(0, -1)));
    const found = await this.entry(from);
    if (!found) throw new DavError(404, undefined, 'not found');
    if (!this.isServedDepth(to, found.isDirectory)) throw new DavError(403, undefined, 'this server-path folder is not recursive');
    if (replace) await rm(target, { recursive: true, force: true });
    if (mode === 'move') {
      await rename(source, target);
    } else {
      await cp(source, target, {
        recursive: true,
        errorOnExist: true,
        force: false,
        filter: async (item) => !(await lstat(item)).isSymbolicLink(),
      });
    }
  }
}

/** A strong entity tag from a file's identity, size and modification time. */
export function etagOf(stats: Stats): string {
  return `"sp-${stats.ino.toString(16)}-${stats.size.toString(16)}-${Math.floor(stats.mtimeMs * 1000).toString(16)}"`;
}

/** The `code` of a system error (checked by shape: errors from another realm fail `instanceof`). */
function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

function isMissing(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** `O_NOFOLLOW` on a link fails with ELOOP (Linux) or EMLINK (some BSDs). */
function isLinkRefusal(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ELOOP' || code === 'EMLINK';
}
