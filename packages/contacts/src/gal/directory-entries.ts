import { matchesAddressFilter, reduceConfidentialCard, type AddressFilter } from '@partage/ical';
import { repositories, type AccountRow, type CardPrefilter, type Db, type NamedCardRow } from '@partage/storage';
import { accountCard, accountCardUid, etagOfText } from './account-card.js';
import type { GalCaller, GalScope, ReadableGal } from './gal-scope.js';

/** One card of the directory address book: the generated card of an account of the domain, or a GAL card. */
export interface DirectoryEntry {
  /** Member name in the directory: `a<account id>.vcf` for accounts, `g<folder id>-<member name>` for GAL cards. */
  readonly name: string;
  readonly uid: string;
  readonly data: string;
  readonly etag: string;
  /** Where its source comes in the merge: 0 for the accounts, then 1, 2… for the GALs in their order. */
  readonly rank: number;
}

/**
 * What the directory of a caller merges, in order (RFC 6352 §6.4): the accounts of its domain
 * first (so that each account's own card, the one `principal-address` names, is always there),
 * then the GALs it may read, in the order the store lists them (owner, then folder name). A UID
 * is shown once, by the first source that holds it.
 */
export interface DirectoryView {
  readonly caller: GalCaller;
  readonly domainId: number | undefined;
  readonly folders: readonly ReadableGal[];
  /** The accounts of the domain (loaded once per view). */
  accounts(): Promise<readonly AccountRow[]>;
}

/** The member name of an account's card. */
export const accountEntryName = (accountId: number): string => `a${accountId}.vcf`;

/**
 * The member name of a GAL card: its folder and its own member name, both of which its
 * folder's change log keeps, so that sync-collection can name a card that is gone.
 */
export const galEntryName = (folderId: number, memberName: string): string => `g${folderId}-${memberName}`;

/** What a directory member name designates, or undefined for a name the directory never gives. */
export function parseEntryName(
  name: string,
): { readonly kind: 'account'; readonly accountId: number } | { readonly kind: 'gal'; readonly folderId: number; readonly memberName: string } | undefined {
  const account = /^a(\d+)\.vcf$/.exec(name);
  if (account?.[1] !== undefined) return { kind: 'account', accountId: Number(account[1]) };
  const gal = /^g(\d+)-(.+)$/s.exec(name);
  if (gal?.[1] !== undefined && gal[2] !== undefined) return { kind: 'gal', folderId: Number(gal[1]), memberName: gal[2] };
  return undefined;
}

/** The entry of an account. */
export function accountEntry(account: AccountRow): DirectoryEntry {
  const data = accountCard(account);
  return { name: accountEntryName(account.id), uid: accountCardUid(account.email), data, etag: etagOfText(data), rank: 0 };
}

/**
 * The entry of a GAL card, from the GAL at `rank`, as the caller may see it: none for a private
 * card and a reduced one for a confidential card, unless the caller sees the GAL's restricted
 * cards whole (SPEC §4, ADR 0017).
 */
export function galEntry(row: NamedCardRow, rank: number, seesRestricted: boolean): DirectoryEntry | undefined {
  const classification = seesRestricted ? null : row.classification;
  if (classification === 'PRIVATE') return undefined;
  const data = classification === 'CONFIDENTIAL' ? reduceConfidentialCard(row.data) : row.data;
  return { name: galEntryName(row.folderId, row.name), uid: row.uid, data, etag: etagOfText(data), rank };
}

/** The directory's sources for a caller, as the rights and its domain stand now. */
export async function directoryView(db: Db, scope: GalScope, caller: GalCaller): Promise<DirectoryView> {
  const repos = repositories(db);
  const self = await repos.accounts.findAccount(caller.id);
  const folders = await scope.readableFolders(caller);
  let accounts: Promise<readonly AccountRow[]> | undefined;
  return {
    caller,
    domainId: self?.domainId,
    folders,
    accounts: () => (accounts ??= self ? repos.gal.domainAccounts(self.domainId) : Promise.resolve([])),
  };
}

/** The rank of each GAL of a view (1 for the first). */
const ranksOf = (view: DirectoryView): Map<number, number> => new Map(view.folders.map((f, i) => [f.folderId, i + 1]));

/** Whether the caller of a view sees the private and confidential cards of a GAL whole. */
export const seesRestrictedIn = (view: DirectoryView, folderId: number): boolean =>
  view.folders.find((f) => f.folderId === folderId)?.seesRestricted ?? false;

/** The entries of GAL rows as the caller of a view may see them. */
export const galEntriesOf = (view: DirectoryView, rows: readonly NamedCardRow[], rankOf: (folderId: number) => number): DirectoryEntry[] =>
  rows.flatMap((row) => galEntry(row, rankOf(row.folderId), seesRestrictedIn(view, row.folderId)) ?? []);

/** Every entry of the view holding one of these UIDs, shown or not, by rank. */
export async function entriesWithUids(db: Db, view: DirectoryView, uids: ReadonlySet<string>): Promise<DirectoryEntry[]> {
  if (uids.size === 0) return [];
  const ranks = ranksOf(view);
  const accounts = (await view.accounts()).map(accountEntry).filter((e) => uids.has(e.uid));
  const cards = await repositories(db).cards.withUids([...ranks.keys()], [...uids]);
  const gal = galEntriesOf(view, cards, (folderId) => ranks.get(folderId) ?? 0);
  return [...accounts, ...gal.sort((a, b) => a.rank - b.rank)];
}

/** The first entry of each UID, by rank: the one the directory shows. */
export function shownOf(entries: readonly DirectoryEntry[]): Map<string, DirectoryEntry> {
  const shown = new Map<string, DirectoryEntry>();
  for (const entry of entries) {
    const held = shown.get(entry.uid);
    if (!held || entry.rank < held.rank) shown.set(entry.uid, entry);
  }
  return shown;
}

/** What to narrow the directory to: an SQL prefilter for GAL cards and the exact filter for all, or some member names. */
export interface DirectorySelection {
  readonly prefilter?: CardPrefilter | undefined;
  readonly filter?: AddressFilter | undefined;
  /** Only the entries of these member names. */
  readonly names?: readonly string[] | undefined;
}

/** The entries a selection picks before the merge hides repeated UIDs. */
async function candidatesOf(db: Db, view: DirectoryView, selection: DirectorySelection): Promise<DirectoryEntry[]> {
  const repos = repositories(db);
  const ranks = ranksOf(view);
  if (selection.names === undefined) {
    const accounts = (await view.accounts()).map(accountEntry);
    const gal: DirectoryEntry[] = [];
    for (const [folderId, rank] of ranks) {
      gal.push(...galEntriesOf(view, await repos.cards.findNamedCandidates(folderId, selection.prefilter), () => rank));
    }
    return [...accounts, ...gal];
  }
  const accountIds = new Set<number>();
  const galNames = new Map<number, string[]>();
  for (const name of selection.names) {
    const parsed = parseEntryName(name);
    if (parsed?.kind === 'account') accountIds.add(parsed.accountId);
    else if (parsed?.kind === 'gal' && ranks.has(parsed.folderId)) galNames.set(parsed.folderId, [...(galNames.get(parsed.folderId) ?? []), parsed.memberName]);
  }
  const accounts = accountIds.size === 0 ? [] : (await view.accounts()).filter((a) => accountIds.has(a.id)).map(accountEntry);
  const gal: DirectoryEntry[] = [];
  for (const [folderId, names] of galNames) {
    gal.push(...galEntriesOf(view, await repos.cards.byNames(folderId, names), () => ranks.get(folderId) ?? 0));
  }
  return [...accounts, ...gal.sort((a, b) => a.rank - b.rank)];
}

/**
 * The directory of a caller (RFC 6352 §6.4), or the part of it a selection picks: the generated
 * card of every account of its domain, then the cards of every GAL it may read, without
 * repeating a UID (a members-in-GAL card shares its account's). GAL cards come through the
 * indexed prefilter; the exact filter then applies to every entry. An entry whose UID an
 * earlier source holds is not part of the directory, whichever selection asks for it.
 */
export async function directoryEntries(db: Db, view: DirectoryView, selection: DirectorySelection = {}): Promise<DirectoryEntry[]> {
  const candidates = (await candidatesOf(db, view, selection)).filter((e) => !selection.filter || matchesAddressFilter(e.data, selection.filter));
  const isWhole = selection.names === undefined && selection.prefilter === undefined && selection.filter === undefined;
  // The whole directory holds every rival of its candidates; a selection asks the store for them.
  const rivals = isWhole ? candidates : await entriesWithUids(db, view, new Set(candidates.map((e) => e.uid)));
  const shown = shownOf(rivals);
  return candidates.filter((e) => shown.get(e.uid)?.name === e.name);
}

/** Shorthand: the view of `caller`, then its entries. */
export async function entriesFor(db: Db, scope: GalScope, caller: GalCaller, selection: DirectorySelection = {}): Promise<DirectoryEntry[]> {
  return directoryEntries(db, await directoryView(db, scope, caller), selection);
}
