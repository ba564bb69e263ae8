import { createHmac, timingSafeEqual } from 'node:crypto';
import { davConditions, type ChangeSet, type DavPath, type Resource } from '@partage/dav-core';
import { repositories, type Db } from '@partage/storage';
import { accountCardUid } from './account-card.js';
import {
  accountEntry,
  accountEntryName,
  directoryEntries,
  entriesWithUids,
  galEntriesOf,
  galEntryName,
  shownOf,
  type DirectoryEntry,
  type DirectoryView,
} from './directory-entries.js';

/**
 * Where the directory stood for one caller: the position of its domain's account log and of
 * the log of each GAL it could read, in the order of the merge. A sync token carries it.
 */
export interface DirectoryState {
  readonly callerId: number;
  readonly accountsSeq: number;
  /** `seesRestricted`: whether the caller saw the GAL's private and confidential cards whole (ADR 0017). */
  readonly folders: readonly { readonly folderId: number; readonly seq: number; readonly seesRestricted: boolean }[];
}

const tokenPrefix = 'http://partage.invalid/ns/directory/1/';
const secretName = 'directory-sync';
const secrets = new WeakMap<object, Promise<string>>();

/** The key tokens are signed with (migration 0013), read once per database handle. */
function secretOf(db: Db): Promise<string> {
  let secret = secrets.get(db);
  if (!secret) {
    secret = repositories(db)
      .directory.secret(secretName)
      .then((s) => {
        if (s === undefined) throw new Error(`server_secret ${secretName} is missing (migration 0013)`);
        return s;
      });
    secret.catch(() => secrets.delete(db));
    secrets.set(db, secret);
  }
  return secret;
}

const macOf = (secret: string, body: string): string =>
  createHmac('sha256', Buffer.from(secret, 'hex')).update(body).digest('base64url').slice(0, 22);

/**
 * The sync token of a state (RFC 6578 §3.2: a URI): the caller, the positions, and a MAC over
 * them, so that a token names only GALs the server itself listed for that caller (a forged one
 * could otherwise make the diff name the cards of a GAL the caller may not read).
 */
export async function directoryToken(db: Db, state: DirectoryState): Promise<string> {
  const folders = state.folders.map((f) => `${f.folderId}.${f.seq}${f.seesRestricted ? '.r' : ''}`).join('_') || '-';
  const body = `${tokenPrefix}${state.callerId}/${state.accountsSeq}/${folders}`;
  return `${body}/${macOf(await secretOf(db), body)}`;
}

/** The state a token names, or undefined for a token this server did not issue to this caller. */
export async function parseDirectoryToken(db: Db, token: string, callerId: number): Promise<DirectoryState | undefined> {
  if (!token.startsWith(tokenPrefix)) return undefined;
  const cut = token.lastIndexOf('/');
  const body = token.slice(0, cut);
  const expected = Buffer.from(macOf(await secretOf(db), body));
  const given = Buffer.from(token.slice(cut + 1));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const [caller, accounts, folders] = body.slice(tokenPrefix.length).split('/');
  if (Number(caller) !== callerId || accounts === undefined || !/^\d+$/.test(accounts) || folders === undefined) return undefined;
  const parts = folders === '-' ? [] : folders.split('_').map((p) => p.split('.'));
  if (parts.some((p) => (p.length !== 2 && !(p.length === 3 && p[2] === 'r')) || p.slice(0, 2).some((n) => !/^\d+$/.test(n)))) return undefined;
  const pairs = parts.map(([folderId = '0', seq = '0', flag]) => ({ folderId: Number(folderId), seq: Number(seq), seesRestricted: flag === 'r' }));
  if (pairs.some((p) => !Number.isSafeInteger(p.folderId) || !Number.isSafeInteger(p.seq))) return undefined;
  return { callerId, accountsSeq: Number(accounts), folders: pairs };
}

/** Where the directory of a view stands now. */
export async function directoryState(db: Db, view: DirectoryView): Promise<DirectoryState> {
  const logs = repositories(db).directory;
  const latest = await logs.latestChanges(view.folders.map((f) => f.folderId));
  return {
    callerId: view.caller.id,
    accountsSeq: view.domainId === undefined ? 0 : await logs.latestAccountChange(view.domainId),
    folders: view.folders.map((f) => ({ folderId: f.folderId, seq: latest.get(f.folderId) ?? 0, seesRestricted: f.seesRestricted })),
  };
}

/** A member touched since the token: whether it was in the sources then, and with which UID and rank. */
interface Before {
  /** Undefined: it was not there. */
  readonly uid: string | undefined;
  readonly rank: number;
}

const sameOrder = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * The changes of the directory since `token` (RFC 6578 §3), exact although the directory
 * merges sources: the accounts' log and each GAL's change log say which members changed and
 * what they were at the token's positions (UID included, `change.uid`); a GAL that became
 * readable counts all its cards as new, one that no longer is (rights, flag, deletion) all the
 * cards it had as gone. Since a UID is shown once, by the first source holding it, every UID a
 * touched member had or has is then settled again on both sides: a card another source stops
 * hiding is reported as changed, one it starts hiding as removed.
 *
 * Without a token, every member (the initial sync, no removals). A token from another caller
 * or collection, a forged one, or one whose positions the logs cannot reach answers
 * `DAV:valid-sync-token` (403). A `limit` below the number of results answers
 * `DAV:number-of-matches-within-limits` (507), which RFC 6578 §3.7 allows to a server that
 * cannot truncate: a truncated answer would need a token between two states of the merge.
 */
export async function directoryChanges(
  db: Db,
  view: DirectoryView,
  path: DavPath,
  toResource: (entry: DirectoryEntry) => Resource,
  token: string | undefined,
  limit: number | undefined,
): Promise<ChangeSet> {
  const now = await directoryState(db, view);
  const syncToken = await directoryToken(db, now);
  const within = (count: number) => {
    if (limit !== undefined && count > limit) throw davConditions.numberOfMatchesWithinLimits();
  };
  if (token === undefined) {
    const entries = await directoryEntries(db, view);
    within(entries.length);
    return { syncToken, changed: entries.map(toResource), removed: [], truncated: false };
  }
  const then = await parseDirectoryToken(db, token, view.caller.id);
  if (!then || then.accountsSeq > now.accountsSeq) throw davConditions.validSyncToken();
  const seqNow = new Map(now.folders.map((f) => [f.folderId, f.seq]));
  if (then.folders.some((f) => (seqNow.get(f.folderId) ?? Number.POSITIVE_INFINITY) < f.seq)) throw davConditions.validSyncToken();
  if (syncToken === token) return { syncToken, changed: [], removed: [], truncated: false };

  const repos = repositories(db);
  const rankThen = new Map(then.folders.map((f, i) => [f.folderId, i + 1]));
  const rankNow = new Map(now.folders.map((f, i) => [f.folderId, i + 1]));
  const common = then.folders.map((f) => f.folderId).filter((id) => rankNow.has(id));
  const isReordered = !sameOrder(common, now.folders.map((f) => f.folderId).filter((id) => rankThen.has(id)));

  const before = new Map<string, Before>();
  const current = new Map<string, DirectoryEntry>();
  const touch = (name: string, state: { changeKind: string; value: string | null } | undefined, rank: number, uid = state?.value) => {
    // A row from before migration 0013 has no UID: nothing exact can be said, the client syncs anew.
    if (state && state.changeKind !== 'deleted' && (uid === null || uid === undefined)) throw davConditions.validSyncToken();
    before.set(name, { uid: state && state.changeKind !== 'deleted' ? (uid ?? undefined) : undefined, rank });
  };

  // The accounts of the domain, rank 0 on both sides.
  if (view.domainId !== undefined && then.accountsSeq !== now.accountsSeq) {
    const ids = await repos.directory.accountsChangedSince(view.domainId, then.accountsSeq);
    const states = new Map((await repos.directory.accountStatesAt(view.domainId, then.accountsSeq, ids)).map((s) => [Number(s.key), s]));
    for (const id of ids) {
      const state = states.get(id);
      touch(accountEntryName(id), state, 0, state?.value === null || state === undefined ? undefined : accountCardUid(state.value));
    }
    const changed = new Set(ids);
    for (const account of await view.accounts()) if (changed.has(account.id)) current.set(accountEntryName(account.id), accountEntry(account));
  }
  // The GALs: what changed in those readable on both sides, everything in those that came or went.
  const seqThen = new Map(then.folders.map((f) => [f.folderId, f.seq]));
  const seesRestrictedNow = new Map(now.folders.map((f) => [f.folderId, f.seesRestricted]));
  for (const { folderId, seq, seesRestricted } of then.folders) {
    const rank = rankThen.get(folderId) ?? 0;
    // A GAL whose private and confidential cards the caller now sees otherwise (`admin` given
    // or taken) is read whole again, as one that came and went (ADR 0017).
    const isKept = rankNow.has(folderId) && !isReordered && seesRestrictedNow.get(folderId) === seesRestricted;
    if (isKept && seqNow.get(folderId) === seq) continue;
    const names = isKept ? await repos.directory.namesChangedSince(folderId, seq) : undefined;
    for (const state of await repos.directory.memberStatesAt(folderId, seq, names)) touch(galEntryName(folderId, state.key), state, rank);
    for (const name of names ?? []) if (!before.has(galEntryName(folderId, name))) touch(galEntryName(folderId, name), undefined, rank);
    if (!rankNow.has(folderId)) continue;
    const rows = names ? await repos.cards.byNames(folderId, names) : await repos.cards.findNamedCandidates(folderId, undefined);
    for (const entry of galEntriesOf(view, rows, () => rankNow.get(folderId) ?? 0)) {
      // Read whole (a new order), a card the log did not name at the token's position came since.
      if (!before.has(entry.name)) touch(entry.name, undefined, rank);
      current.set(entry.name, entry);
    }
  }
  for (const { folderId } of now.folders) {
    if (seqThen.has(folderId)) continue;
    for (const entry of galEntriesOf(view, await repos.cards.findNamedCandidates(folderId, undefined), () => rankNow.get(folderId) ?? 0)) {
      touch(entry.name, undefined, 0);
      current.set(entry.name, entry);
    }
  }

  // Settle again every UID a touched member had or has, on both sides.
  const uids = new Set<string>();
  for (const b of before.values()) if (b.uid !== undefined) uids.add(b.uid);
  for (const name of before.keys()) {
    const entry = current.get(name);
    if (entry) uids.add(entry.uid);
  }
  const holders = await entriesWithUids(db, view, uids);
  for (const entry of holders) current.set(entry.name, entry);
  const shownNow = shownOf(holders);
  const thenHolders: DirectoryEntry[] = [];
  for (const [name, b] of before) if (b.uid !== undefined && uids.has(b.uid)) thenHolders.push({ name, uid: b.uid, data: '', etag: '', rank: b.rank });
  for (const entry of holders) {
    if (before.has(entry.name)) continue;
    // Untouched: as it was, in a source that was there too (a GAL that came has every card touched).
    const folderRank = entry.rank === 0 ? 0 : rankThen.get(Number(/^g(\d+)-/.exec(entry.name)?.[1]));
    if (folderRank !== undefined) thenHolders.push({ ...entry, rank: folderRank });
  }
  const shownThen = shownOf(thenHolders);

  const changed: Resource[] = [];
  const removed: DavPath[] = [];
  const names = new Set([...before.keys(), ...[...shownThen.values()].map((e) => e.name), ...[...shownNow.values()].map((e) => e.name)]);
  for (const name of names) {
    const entry = current.get(name);
    const uidThen = before.has(name) ? before.get(name)?.uid : entry?.uid;
    const wasShown = uidThen !== undefined && shownThen.get(uidThen)?.name === name;
    const isShown = entry !== undefined && shownNow.get(entry.uid)?.name === name;
    if (isShown && (before.has(name) || !wasShown)) changed.push(toResource(entry));
    else if (!isShown && wasShown) removed.push([...path, name]);
  }
  within(changed.length + removed.length);
  return { syncToken, changed, removed, truncated: false };
}
