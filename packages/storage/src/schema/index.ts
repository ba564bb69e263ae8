import type { ColumnType, Generated } from 'kysely';

/** Timestamps are written and read as `Date` (both drivers parse timestamptz). */
type Timestamp = ColumnType<Date, Date, Date>;
/** int8 columns: both engines are set up to parse them to numbers (see `dialect/type-parsers.ts`). */
type Int8 = number;

/** A mail domain (`iw.fr`) and its service policies (SPEC §2). */
export interface DomainTable {
  id: Generated<number>;
  name: string;
  groupwareEnabled: Generated<boolean>;
  webdavEnabled: Generated<boolean>;
  createdAt: Generated<Date>;
}

/** A user, group or resource account (SPEC §2), identified by its email. */
export interface AccountTable {
  id: Generated<number>;
  email: string;
  domainId: number;
  kind: 'user' | 'group' | 'resource';
  displayName: string | null;
  /** argon2id PHC string; null for accounts that cannot log in (groups, resources). */
  passwordHash: string | null;
  isAdmin: Generated<boolean>;
  /** null = no quota. */
  quotaBytes: Int8 | null;
  usedBytes: Generated<number>;
  publicFolder: Generated<boolean>;
  /** Per-account overrides of the domain policies; null = follow the domain. */
  groupwareEnabled: boolean | null;
  webdavEnabled: boolean | null;
  /** Bumped when the password or app passwords change, so every process drops cached credentials. */
  credentialsVersion: Generated<number>;
  /** Bumped when the account's grants change; its collections' sync tokens carry it. */
  grantsVersion: Generated<number>;
  createdAt: Generated<Date>;
}

/** Membership of an account in a group account. */
export interface GroupMemberTable {
  groupId: number;
  memberId: number;
}

/** A per-device application password (a random token stored as its SHA-256). */
export interface AppPasswordTable {
  id: Generated<number>;
  accountId: number;
  label: string;
  tokenSha256: string;
  createdAt: Generated<Date>;
  lastUsedAt: Timestamp | null;
}

/**
 * One node of an account's tree: the home (parent null, name ''), a folder, a files
 * subfolder, or an item. Names are NFC-normalised.
 */
export interface NodeTable {
  id: Generated<number>;
  accountId: number;
  parentId: Int8 | null;
  name: string;
  isCollection: boolean;
  /** For collections: the folder kind; subfolders of files folders are 'files'. */
  folderKind: 'home' | 'files' | 'calendar' | 'contacts' | null;
  /** Comma-separated component set of a calendar folder (VEVENT,VTODO,VJOURNAL). */
  components: string | null;
  displayName: string | null;
  contentType: string | null;
  contentLength: Generated<number>;
  /** Strong entity tag, quoted; derived from the content hash. */
  etag: string | null;
  blobId: string | null;
  createdAt: Generated<Date>;
  modifiedAt: Generated<Date>;
  /** A server-path folder (SPEC §5): the real path of the directory that holds its members. */
  serverPath: string | null;
  /** Whether a server-path folder serves subdirectories too. */
  serverPathRecursive: Generated<boolean>;
}

/** A dead property (RFC 4918 §4.2) of a node, stored as the serialized XML element. */
export interface DeadPropertyTable {
  nodeId: Int8;
  name: string;
  xml: string;
}

/** Append-only log of membership changes of a collection; sync tokens and CTags come from `seq`. */
export interface ChangeTable {
  seq: Generated<number>;
  collectionId: Int8;
  memberName: string;
  changeKind: 'created' | 'modified' | 'deleted';
  /** The card's UID after a `created` or `modified` change in an address book; null otherwise. */
  uid: Generated<string | null>;
  createdAt: Generated<Date>;
}

/** A change to an account of a domain as the directory address book shows it (migration 0013). */
export interface AccountChangeTable {
  seq: Generated<number>;
  domainId: number;
  accountId: number;
  /** The account's email (the UID of its generated card derives from it); kept after removal. */
  email: string;
  changeKind: 'created' | 'modified' | 'deleted';
  createdAt: Generated<Date>;
}

/** A random key shared by the server processes, by use (migration 0013). */
export interface ServerSecretTable {
  name: string;
  /** Hexadecimal. */
  secret: string;
  createdAt: Generated<Date>;
}

/** A WebDAV lock (RFC 4918 §6, §7), keyed by its decoded request path. */
export interface DavLockTable {
  token: string;
  path: string;
  depth: '0' | 'infinity';
  scope: 'exclusive' | 'shared';
  ownerXml: string | null;
  principalId: number | null;
  timeoutSeconds: number;
  expiresAt: Timestamp;
  createdAt: Generated<Date>;
}

/** Failed-login counters per (account name, client address) (SPEC §7 limits). */
export interface LoginFailureTable {
  accountKey: string;
  address: string;
  failures: number;
  windowStartedAt: Timestamp;
  blockedUntil: Timestamp | null;
}

/** File contents in PostgreSQL, in fixed-size chunks (the blob store used with `DATABASE_URL`). */
export interface BlobChunkTable {
  blobId: string;
  seq: number;
  data: Uint8Array;
}

/** A calendar object resource: the client's iCalendar text and its prefilter columns. */
export interface CalendarObjectTable {
  nodeId: number;
  folderId: number;
  uid: string;
  componentType: string;
  /** Earliest instance start; null when the object has none. */
  firstStart: Date | null;
  /** Latest instance end; null when unbounded (or none). */
  lastEnd: Date | null;
  isRecurring: boolean;
  classification: Generated<string>;
  data: string;
  /** Recurring events: instances are in `calendar_instance` up to this time; null: not indexed. */
  indexedUntil: Date | null;
}

/** One instance of a recurring event, for time-range queries in SQL. */
export interface CalendarInstanceTable {
  nodeId: number;
  startAt: Date;
  endAt: Date;
}

/** A grant of rights on a folder, or a whole account (folderId null), to a grantee (SPEC §4). */
export interface GrantTable {
  id: Generated<number>;
  ownerId: number;
  folderId: number | null;
  granteeKind: 'account' | 'group' | 'domain' | 'authenticated';
  granteeAccountId: number | null;
  granteeDomainId: number | null;
  /** Comma-separated rights; empty: an explicit denial. */
  rights: string;
  createdAt: Generated<Date>;
}

/** An invitation that follows a new grant to an account (SPEC §5). */
export interface InvitationTable {
  id: Generated<number>;
  ownerId: number;
  folderId: number | null;
  shareeId: number;
  rights: string;
  status: Generated<'pending' | 'subscribed' | 'declined'>;
  createdAt: Generated<Date>;
}

/** A sharee's subscription to a folder (or, folderId null, a whole account) of another account. */
export interface SubscriptionTable {
  id: Generated<number>;
  shareeId: number;
  ownerId: number;
  folderId: number | null;
  createdAt: Generated<Date>;
}

/** The kysely view of the schema; SQL names are snake_case (CamelCasePlugin). */
export interface Database {
  domain: DomainTable;
  account: AccountTable;
  groupMember: GroupMemberTable;
  appPassword: AppPasswordTable;
  node: NodeTable;
  deadProperty: DeadPropertyTable;
  change: ChangeTable;
  accountChange: AccountChangeTable;
  serverSecret: ServerSecretTable;
  davLock: DavLockTable;
  loginFailure: LoginFailureTable;
  blobChunk: BlobChunkTable;
  calendarObject: CalendarObjectTable;
  calendarInstance: CalendarInstanceTable;
  card: CardTable;
  cardValue: CardValueTable;
  grant: GrantTable;
  invitation: InvitationTable;
  subscription: SubscriptionTable;
  galFolder: GalFolderTable;
  galGroup: GalGroupTable;
}

/** An address object resource: the client's vCard text and the columns queries use. */
export interface CardTable {
  nodeId: number;
  folderId: number;
  uid: string;
  /** `3.0` or `4.0`, as stored. */
  version: string;
  /** `individual`, `group`, … (vCard 4.0 KIND or Apple's X-ADDRESSBOOKSERVER-KIND). */
  kind: Generated<string>;
  fn: string | null;
  /** `PRIVATE` or `CONFIDENTIAL` (vCard 3.0 CLASS, SPEC §4); null for a public card. */
  classification: ColumnType<string | null, string | null | undefined, string | null>;
  data: string;
}

/** One instance of an indexed vCard property (FN, N, EMAIL, TEL, ORG, NICKNAME, UID) of a card. */
export interface CardValueTable {
  nodeId: number;
  folderId: number;
  /** Upper-case property name. */
  property: string;
  /** The value as text-match sees it (escapes decoded). */
  value: string;
  /** `value` case-folded by the contacts module, for case-insensitive prefilters. */
  valueFolded: string;
}

/** A contacts folder flagged as a Global Address List (SPEC §5). */
export interface GalFolderTable {
  folderId: Int8;
  ownerId: number;
  createdAt: Generated<Date>;
}

/** A group with "members in the GAL": one card per member in its Contacts folder (SPEC §2). */
export interface GalGroupTable {
  groupId: number;
  createdAt: Generated<Date>;
}
