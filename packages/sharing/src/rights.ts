/** The rights of SPEC §4, in the order interfaces list them. */
export const allRights = ['read', 'create', 'modify', 'delete', 'admin', 'freebusy'] as const;

/** One right a grant can give. */
export type Right = (typeof allRights)[number];

/** Narrows a string to a right. */
export const isRight = (value: string): value is Right => (allRights as readonly string[]).includes(value);

/** The named levels of SPEC §4. */
export const namedLevels = {
  readOnly: ['read'],
  readWrite: ['read', 'create', 'modify', 'delete'],
  allRights: ['read', 'create', 'modify', 'delete', 'admin'],
  freeBusyOnly: ['freebusy'],
} as const satisfies Record<string, readonly Right[]>;

/** Who a grant is for (SPEC §4); the order of the classes is the order in which they are tried. */
export type Grantee =
  | { readonly kind: 'account'; readonly accountId: number }
  | { readonly kind: 'group'; readonly groupId: number }
  | { readonly kind: 'domain'; readonly domainId: number }
  | { readonly kind: 'authenticated' };

/** A grant on a folder (or, with `folderId` null, on the whole account). No rights: an explicit denial. */
export interface Grant {
  readonly folderId: number | null;
  readonly grantee: Grantee;
  readonly rights: readonly Right[];
}

/** The caller, as the rule needs it. */
export interface Caller {
  readonly accountId: number;
  /** Groups the caller is a member of. */
  readonly groupIds: ReadonlySet<number>;
  readonly domainId: number;
  readonly isAdmin: boolean;
}

/** What the caller asks for: a folder of an owner, as the chain of folders from it up to the top level. */
export interface Target {
  readonly ownerId: number;
  /** The folder itself first, then each ancestor folder up to the top-level one (the home is not in it). */
  readonly folderChain: readonly number[];
  /** The owner is a group with a public folder: its members read it unless granted more (SPEC §5). */
  readonly ownerIsPublicGroup: boolean;
}
