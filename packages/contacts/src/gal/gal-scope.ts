import type { GalFolderRow } from '@partage/storage';

/** The caller as the GAL sees it. */
export interface GalCaller {
  readonly id: number;
  readonly isAdmin: boolean;
}

/**
 * A GAL the caller may read, and whether it sees its private and confidential cards whole:
 * the owner, an administrator and holders of `admin` on the folder do (SPEC §4); the others
 * never find a private card and see a confidential one reduced (ADR 0017).
 */
export interface ReadableGal extends GalFolderRow {
  readonly seesRestricted: boolean;
}

/**
 * What the GAL needs from the rights model (STYLE §1: a port the composition root fills,
 * since contacts does not import sharing). "Every account that may read it" (SPEC §5) is
 * decided by the rights rule, nowhere else.
 */
export interface GalScope {
  /** The GAL folders whose effective rights for the caller include `read`. */
  readableFolders(caller: GalCaller): Promise<readonly ReadableGal[]>;
  /**
   * Whether the account's GroupWare policy is on (SPEC §2: the account's, else its
   * domain's). Without it the GAL serves autocomplete only: no directory, no GAL folder in its tree.
   */
  hasGroupware(accountId: number): Promise<boolean>;
}
