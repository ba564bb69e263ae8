import { indexFold } from '@partage/ical';
import { repositories, type AccountRow, type Db, type GalValueMatch } from '@partage/storage';
import type { ReadableGal } from './gal-scope.js';

/** One suggestion for a recipient field. */
export interface AutocompleteMatch {
  readonly name: string;
  readonly email: string;
  /** `gal`: a card of a GAL the caller may read; `domain`: an account of the caller's domain. */
  readonly source: 'gal' | 'domain';
  /** The GAL as `<owner>/<folder>`, for `gal` matches. */
  readonly gal?: string;
}

/** What to search: the caller's readable GALs and its domain. */
export interface AutocompleteScope {
  readonly folders: readonly ReadableGal[];
  readonly domainId: number | undefined;
}

/** Ranks: lower is better (exact email, then prefix, then a word's start, then anywhere). */
const rank = { exactEmail: 0, prefix: 1, wordStart: 2, contains: 3 } as const;
const searched = ['FN', 'EMAIL', 'NICKNAME'];
/**
 * Rows fetched per phase, as a multiple of `limit`: prefix rows come alphabetically, so three
 * times the limit leaves room for several values of one card; a contains phase stops early.
 */
const fetchFactor = 3;
const collator = new Intl.Collator(undefined, { sensitivity: 'base' });

function rankOf(folded: string, query: string, isEmail: boolean): number | undefined {
  if (isEmail && folded === query) return rank.exactEmail;
  if (folded.startsWith(query)) return rank.prefix;
  const at = folded.indexOf(query);
  if (at < 0) return undefined;
  return /[\p{L}\p{N}]/u.test(folded[at - 1] ?? '') ? rank.contains : rank.wordStart;
}

interface Candidate extends AutocompleteMatch {
  readonly rank: number;
}

/**
 * Suggestions for a recipient field (SPEC §5): names and emails of GAL cards and of the
 * domain's accounts matching `query`, exact email first, then prefix matches, then matches
 * at a word's start, then anywhere; one suggestion per email, at most `limit`, ties by name.
 * The prefix phase reads the `card_value` index in order; the `contains` phase scans, and runs
 * only when the prefix phase did not fill `limit` (its ranking covers the rows it fetched).
 *
 * @example await autocomplete(db, { folders, domainId }, 'dup', 20)
 */
export async function autocomplete(db: Db, scope: AutocompleteScope, query: string, limit: number): Promise<AutocompleteMatch[]> {
  const q = indexFold(query.trim());
  if (q === '') return [];
  const repos = repositories(db);
  const fetchCap = limit * fetchFactor;
  const ids = scope.folders.map((f) => f.folderId);
  // A private card is never suggested to those who may not see it, nor a confidential one,
  // whose reduced view keeps no email (SPEC §4, ADR 0017).
  const restricted = await repos.cards.restrictedIn(scope.folders.filter((f) => !f.seesRestricted).map((f) => f.folderId));
  const excluded = [...restricted.keys()];
  const values: GalValueMatch[] = [
    ...(await repos.gal.searchValues(ids, ['EMAIL'], q, 'equals', limit, excluded)),
    ...(await repos.gal.searchValues(ids, searched, q, 'prefix', fetchCap, excluded)),
  ];
  const accounts: AccountRow[] = scope.domainId === undefined ? [] : await repos.gal.searchAccounts(scope.domainId, q, 'prefix', fetchCap);
  const galOf = new Map(scope.folders.map((f) => [f.folderId, `${f.ownerEmail}/${f.folderName}`]));

  /** One suggestion per email from the matched values and accounts, with its best rank. */
  const suggestions = async (): Promise<Map<string, Candidate>> => {
    const best = new Map<string, Candidate>();
    const offer = (candidate: Candidate) => {
      const key = candidate.email.toLowerCase();
      const held = best.get(key);
      if (!held || candidate.rank < held.rank) best.set(key, candidate);
    };
    const cards = new Map<number, GalValueMatch[]>();
    for (const v of await repos.gal.valuesOf([...new Set(values.map((m) => m.nodeId))], searched)) {
      cards.set(v.nodeId, [...(cards.get(v.nodeId) ?? []), v]);
    }
    for (const [, card] of cards) {
      const name = card.find((v) => v.property === 'FN')?.value;
      const byName = card
        .filter((v) => v.property !== 'EMAIL')
        .map((v) => rankOf(v.valueFolded, q, false))
        .filter((r): r is number => r !== undefined);
      for (const email of card.filter((v) => v.property === 'EMAIL')) {
        const ranks = [...byName, rankOf(email.valueFolded, q, true)].filter((r): r is number => r !== undefined);
        if (ranks.length === 0) continue;
        const gal = galOf.get(email.folderId);
        offer({ name: name ?? email.value, email: email.value, source: 'gal', ...(gal ? { gal } : {}), rank: Math.min(...ranks) });
      }
    }
    for (const account of accounts) {
      const name = account.displayName ?? account.email;
      const ranks = [rankOf(account.email, q, true), rankOf(indexFold(name), q, false)].filter((r): r is number => r !== undefined);
      if (ranks.length > 0) offer({ name, email: account.email, source: 'domain', rank: Math.min(...ranks) });
    }
    return best;
  };

  let best = await suggestions();
  // The contains phase runs when the prefixes gave fewer distinct suggestions (emails) than asked:
  // many cards sharing one email must not hide other addresses.
  if (best.size < limit) {
    values.push(...(await repos.gal.searchValues(ids, searched, q, 'contains', fetchCap, excluded)));
    if (scope.domainId !== undefined) accounts.push(...(await repos.gal.searchAccounts(scope.domainId, q, 'contains', fetchCap)));
    best = await suggestions();
  }
  return [...best.values()]
    .sort((a, b) => a.rank - b.rank || collator.compare(a.name, b.name) || collator.compare(a.email, b.email))
    .slice(0, limit)
    .map(({ name, email, source, gal }): AutocompleteMatch => ({ name, email, source, ...(gal === undefined ? {} : { gal }) }));
}
