import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { davConditions, hrefOf } from '@partage/dav-core';
import { readTextBody, type ItemContent } from '@partage/files';
import { convertVcard, indexFold, InvalidAddressData, parseVcard, reduceConfidentialCard, type VcardSummary } from '@partage/ical';
import { newCardRows, repositories, violatesUnique, type Db, type NewCardValue } from '@partage/storage';
import { acceptedVersion } from './address-data-request.js';
import { contactsConditions } from './conditions.js';
import type { ContactsLimits } from './contacts-limits.js';

/** Media types clients send vCards with: RFC 6350's, and the older ones of vCard 3.0 clients. */
const vcardTypes = ['text/vcard', 'text/x-vcard', 'text/directory'];


function summarize(text: string): VcardSummary {
  try {
    return parseVcard(text);
  } catch (error) {
    if (error instanceof InvalidAddressData) throw contactsConditions.validAddressData(error.message);
    throw error;
  }
}

/** The indexed values of a card with their folds, as the store keeps them. */
export const indexedValues = (summary: VcardSummary): NewCardValue[] =>
  summary.values.map((v) => ({ property: v.property, value: v.value, valueFolded: indexFold(v.value) }));

/**
 * Address object resources (RFC 6352 §5.1): validated with ical.js, stored as the client sent
 * them with their indexed values; the ETag is the hash of those bytes.
 */
export function cardContent(db: Db, limits: ContactsLimits): ItemContent {
  return {
    prepare: async (body, meta, target) => {
      const type = meta.contentType?.split(';')[0]?.trim().toLowerCase();
      if (type !== undefined && type !== '' && !vcardTypes.includes(type)) {
        throw contactsConditions.supportedAddressData(`address objects are text/vcard, not ${type}`);
      }
      if (meta.contentLength !== undefined && meta.contentLength > limits.maxResourceBytes) {
        throw contactsConditions.maxResourceSize(limits.maxResourceBytes);
      }
      const text = await readTextBody(body, limits.maxResourceBytes, {
        tooLarge: () => contactsConditions.maxResourceSize(limits.maxResourceBytes),
        notText: () => contactsConditions.validAddressData('vCard data must be UTF-8 text, without NUL characters'),
      });
      const sizeBytes = Buffer.byteLength(text, 'utf8');
      const left = target.spaceLeftBytes;
      if (left !== undefined && sizeBytes > left) throw davConditions.quotaNotExceeded();
      const summary = summarize(text);
      const card = { uid: summary.uid, version: summary.version, kind: summary.kind, fn: summary.fn, classification: summary.classification, data: text };
      const values = indexedValues(summary);
      return {
        sizeBytes,
        etag: `"${createHash('sha256').update(text).digest('hex').slice(0, 40)}"`,
        contentType: 'text/vcard; charset=utf-8',
        blobId: null,
        isVerbatim: true,
        uid: summary.uid,
        persist: async (repos, node) => {
          await repos.cards.upsert(node.id, target.folder.id, card, values, { changeHasUid: true });
        },
        newRows: newCardRows(target.folder.id, card, values),
        discard: async () => undefined,
        // The UID is unique in a folder (index card_folder_uid): the store refuses a second card
        // with it, so that no read before the write is needed (nor can two writes race past one).
        explainFailure: async (error) => {
          if (!violatesUnique(error, 'card_folder_uid')) return undefined;
          const holder = await repositories(db).cards.nodeWithUid(target.folder.id, summary.uid);
          const other = holder === undefined ? undefined : await repositories(db).nodes.byId(holder);
          return contactsConditions.noUidConflict(hrefOf([...target.folderPath, other?.name ?? ''], false));
        },
      };
    },
    read: async (node) => {
      const row = await repositories(db).cards.byNode(node.id);
      return Readable.from([Buffer.from(row?.data ?? '', 'utf8')]);
    },
    readRestricted: async (node) => {
      const row = await repositories(db).cards.byNode(node.id);
      return Buffer.from(row ? reduceConfidentialCard(row.data) : '', 'utf8');
    },
    copy: async (repos, from, to) => {
      if (to.parentId !== null) await repos.cards.copy(from.id, to.id, to.parentId);
    },
    moved: async (repos, node, folder) => {
      await repos.cards.setFolder([node.id], folder.id);
    },
    stageCopies: async () => new Map(),
    discardCopies: async () => undefined,
    represent: async (node, accept) => {
      const version = acceptedVersion(accept);
      const row = version === undefined ? undefined : await repositories(db).cards.byNode(node.id);
      if (!row || version === undefined || row.version === version) return undefined;
      return { contentType: `text/vcard; version=${version}; charset=utf-8`, body: Buffer.from(convertVcard(row.data, version), 'utf8') };
    },
  };
}
