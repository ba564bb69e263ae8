import { parseVcard } from '@partage/ical';
import type { AccountRow, NodeRow, Repositories } from '@partage/storage';
import { indexedValues } from '../card-content.js';
import { accountCard, etagOfText } from './account-card.js';

/** The Contacts folder name of a members-in-GAL group (SPEC §2's default contacts folder). */
export const memberCardsFolder = 'Contacts';

const prefix = 'partage-member-';
/** The member name of an account's card in its group's Contacts folder. */
export const memberCardName = (accountId: number): string => `${prefix}${accountId}.vcf`;

/** The group's Contacts folder, created (and flagged as a GAL) when missing. */
async function contactsFolder(repos: Repositories, group: AccountRow): Promise<NodeRow> {
  const home = (await repos.nodes.home(group.id)) ?? (await repos.nodes.createHome(group.id));
  let folder = await repos.nodes.child(home.id, memberCardsFolder);
  folder ??= await repos.nodes.createCollection({
    accountId: group.id,
    parentId: home.id,
    name: memberCardsFolder,
    folderKind: 'contacts',
    displayName: memberCardsFolder,
  });
  return folder;
}

/**
 * Keeps one card per member in a members-in-GAL group's Contacts folder (SPEC §2, §5):
 * creates the cards of new members, rewrites those whose name changed, removes those of
 * former members, each with its change-log row so that clients sync it. Runs in the caller's
 * transaction. Cards the users wrote themselves are never touched: ours are named
 * `partage-member-<account id>.vcf`. The folder is flagged as a GAL.
 *
 * @example await syncMemberCards(repos, group, await repos.accounts.members(group.id));
 */
export async function syncMemberCards(repos: Repositories, group: AccountRow, members: readonly AccountRow[]): Promise<void> {
  const folder = await contactsFolder(repos, group);
  await repos.gal.flag(folder.id, group.id);
  const existing = new Map(
    (await repos.nodes.children(folder.id)).filter((n) => n.name.startsWith(prefix)).map((n) => [n.name, n]),
  );
  let deltaBytes = 0;
  for (const member of members) {
    const name = memberCardName(member.id);
    const text = accountCard(member);
    const summary = parseVcard(text);
    const node = existing.get(name);
    existing.delete(name);
    const etag = etagOfText(text);
    const sizeBytes = Buffer.byteLength(text, 'utf8');
    const card = { uid: summary.uid, version: summary.version, kind: summary.kind, fn: summary.fn, classification: summary.classification, data: text };
    if (node?.etag === etag) continue;
    const holder = await repos.cards.nodeWithUid(folder.id, summary.uid);
    if (holder !== undefined && holder !== node?.id) continue;
    const content = { contentType: 'text/vcard; charset=utf-8', contentLength: sizeBytes, etag, blobId: null };
    if (node) {
      await repos.nodes.replaceContent(node, content, undefined, summary.uid);
      deltaBytes += sizeBytes - node.contentLength;
      await repos.cards.upsert(node.id, folder.id, card, indexedValues(summary), { changeHasUid: true });
    } else {
      const created = await repos.nodes.createFile(
        { accountId: group.id, parentId: folder.id, name, folderKind: 'contacts', ...content },
        { changeUid: summary.uid },
      );
      deltaBytes += sizeBytes;
      await repos.cards.upsert(created.id, folder.id, card, indexedValues(summary), { changeHasUid: true });
    }
  }
  for (const stale of existing.values()) deltaBytes -= (await repos.nodes.deleteSubtree(stale)).bytes;
  await repos.accounts.addUsedBytes(group.id, deltaBytes);
}

/** Removes every member card of a group that no longer keeps its members in the GAL. */
export async function removeMemberCards(repos: Repositories, group: AccountRow): Promise<void> {
  const home = await repos.nodes.home(group.id);
  const folder = home && (await repos.nodes.child(home.id, memberCardsFolder));
  if (!folder) return;
  let freed = 0;
  for (const node of await repos.nodes.children(folder.id)) {
    if (node.name.startsWith(prefix)) freed += (await repos.nodes.deleteSubtree(node)).bytes;
  }
  await repos.accounts.addUsedBytes(group.id, -freed);
}
