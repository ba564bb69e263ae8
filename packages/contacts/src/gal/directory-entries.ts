import { matchesAddressFilter, reduceConfidentialCard, type AddressFilter } from '@partage/ical';
import { repositories, type CardPrefilter, type Db } from '@partage/storage';
import { accountCard, accountCardUid, etagOfText } from './account-card.js';
import type { GalCaller, GalScope } from './gal-scope.js';

/** One card of the directory address book: a GAL card, or the generated card of an account of the domain. */
export interface DirectoryEntry {
  /** Member name in the directory: `g<node id>.vcf` for GAL cards, `a<account id>.vcf` for accounts. */
  readonly name: string;
  readonly uid: string;
  readonly data: string;
  readonly etag: string;
}

/** What to narrow the directory to: an SQL prefilter for GAL cards and the exact filter for all. */
export interface DirectorySelection {
  readonly prefilter?: CardPrefilter | undefined;
  readonly filter?: AddressFilter | undefined;
  /** Only the entry of this member name. */
  readonly name?: string | undefined;
}

const accountName = /^a(\d+)\.vcf$/;
const cardName = /^g(\d+)\.vcf$/;

/**
 * The directory of a caller (RFC 6352 §6.4): the cards of every GAL it may read, then one
 * generated card per account of its domain, without repeating a UID (a members-in-GAL card
 * and its account's card share one). GAL cards come through the indexed prefilter; the exact
 * filter then applies to every entry. Private cards are left out and confidential ones reduced
 * in the GALs whose restricted cards the caller may not see.
 */
export async function directoryEntries(db: Db, scope: GalScope, caller: GalCaller, selection: DirectorySelection = {}): Promise<DirectoryEntry[]> {
  const repos = repositories(db);
  const entries: DirectoryEntry[] = [];
  const seen = new Set<string>();
  const keep = (entry: DirectoryEntry) => {
    if (seen.has(entry.uid)) return;
    if (selection.filter && !matchesAddressFilter(entry.data, selection.filter)) return;
    seen.add(entry.uid);
    entries.push(entry);
  };
  const wantsCard = selection.name === undefined ? undefined : cardName.exec(selection.name)?.[1];
  const wantsAccount = selection.name === undefined ? undefined : accountName.exec(selection.name)?.[1];
  if (selection.name === undefined || wantsCard !== undefined) {
    for (const folder of await scope.readableFolders(caller)) {
      const rows =
        wantsCard === undefined
          ? await repos.cards.findCandidates(folder.folderId, selection.prefilter)
          : (await repos.cards.byNodes([Number(wantsCard)])).filter((r) => r.folderId === folder.folderId);
      // Private cards are never found by those who may not see them, confidential ones show
      // reduced, and the filter sees only what is shown (SPEC §4, ADR 0017).
      for (const row of rows) {
        const classification = folder.seesRestricted ? null : row.classification;
        if (classification === 'PRIVATE') continue;
        const data = classification === 'CONFIDENTIAL' ? reduceConfidentialCard(row.data) : row.data;
        keep({ name: `g${row.nodeId}.vcf`, uid: row.uid, data, etag: etagOfText(data) });
      }
    }
  }
  if (selection.name === undefined || wantsAccount !== undefined) {
    const self = await repos.accounts.findAccount(caller.id);
    const accounts = self ? await repos.gal.domainAccounts(self.domainId) : [];
    for (const account of accounts) {
      if (wantsAccount !== undefined && account.id !== Number(wantsAccount)) continue;
      const data = accountCard(account);
      keep({ name: `a${account.id}.vcf`, uid: accountCardUid(account.email), data, etag: etagOfText(data) });
    }
  }
  return entries;
}
