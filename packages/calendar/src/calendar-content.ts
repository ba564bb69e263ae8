import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { repositories, type Db, type NodeRow } from '@partage/storage';
import { hrefOf } from '@partage/dav-core';
import { readTextBody, type ItemContent } from '@partage/files';
import {
  instancesBetween,
  InvalidCalendarData,
  parseCalendarObject,
  reduceConfidential,
  TooManyInstances,
  type ComponentType,
} from '@partage/ical';
import { calendarConditions } from './conditions.js';
import type { CalendarLimits } from './calendar-limits.js';
import { componentsOf, floatingTimezoneOf } from './calendar-folder.js';


/**
 * Calendar object resources (RFC 4791 §4.1): validated with ical.js, stored as the client
 * sent them with their prefilter columns; the ETag is the hash of those bytes.
 */
export function calendarContent(db: Db, limits: CalendarLimits): ItemContent {
  return {
    prepare: async (body, meta, target) => {
      const type = meta.contentType?.split(';')[0]?.trim().toLowerCase();
      if (type !== undefined && type !== 'text/calendar') {
        throw calendarConditions.supportedCalendarData(`calendar objects are text/calendar, not ${type}`);
      }
      if (meta.contentLength !== undefined && meta.contentLength > limits.maxResourceBytes) {
        throw calendarConditions.maxResourceSize(limits.maxResourceBytes);
      }
      const text = await readTextBody(body, limits.maxResourceBytes, {
        tooLarge: () => calendarConditions.maxResourceSize(limits.maxResourceBytes),
        notText: () => calendarConditions.validCalendarData('calendar data must be UTF-8 text, without NUL characters'),
      });
      const allowed = componentsOf(target.folder);
      const floatingTimezone = await floatingTimezoneOf(db, target.folder);
      let summary;
      try {
        summary = parseCalendarObject(text, { allowedComponents: allowed, ...(floatingTimezone ? { floatingTimezone } : {}) });
      } catch (error) {
        if (error instanceof InvalidCalendarData) {
          if (error.condition === 'supported-calendar-component') throw calendarConditions.supportedCalendarComponent(error.message);
          if (error.condition === 'valid-calendar-object-resource') throw calendarConditions.validCalendarObjectResource(error.message);
          throw calendarConditions.validCalendarData(error.message);
        }
        if (error instanceof TooManyInstances) throw calendarConditions.maxInstances();
        throw error;
      }
      if (summary.lastEnd && summary.lastEnd < limits.minDateTime) throw calendarConditions.minDateTime();
      if (summary.firstStart && summary.firstStart > limits.maxDateTime) throw calendarConditions.maxDateTime();
      const holder = await repositories(db).calendarObjects.nodeWithUid(target.folder.id, summary.uid);
      if (holder !== undefined && holder !== target.existing?.id) {
        const other = await repositories(db).nodes.byId(holder);
        throw calendarConditions.noUidConflict(hrefOf([...target.folderPath, other?.name ?? ''], false));
      }
      const index = instanceIndexOf(text, summary, floatingTimezone);
      const etag = `"${createHash('sha256').update(text).digest('hex').slice(0, 40)}"`;
      return {
        sizeBytes: Buffer.byteLength(text, 'utf8'),
        etag,
        contentType: 'text/calendar; charset=utf-8',
        blobId: null,
        isVerbatim: true,
        persist: async (repos, node: NodeRow) => {
          await repos.calendarObjects.upsert(node.id, target.folder.id, {
            uid: summary.uid,
            componentType: summary.componentType,
            firstStart: summary.firstStart,
            lastEnd: summary.lastEnd,
            isRecurring: summary.isRecurring,
            classification: summary.classification,
            data: text,
            indexedUntil: index.indexedUntil,
          });
          await repos.calendarObjects.replaceInstances(node.id, index.instances, target.existing === undefined);
        },
        discard: async () => undefined,
      };
    },
    read: async (node) => {
      const row = await repositories(db).calendarObjects.byNode(node.id);
      return Readable.from([Buffer.from(row?.data ?? '', 'utf8')]);
    },
    readRestricted: async (node) => {
      const row = await repositories(db).calendarObjects.byNode(node.id);
      return Buffer.from(row ? reduceConfidential(row.data) : '', 'utf8');
    },
    copy: async (repos, from, to) => {
      const row = await repos.calendarObjects.byNode(from.id);
      if (!row || to.parentId === null) return;
      const { nodeId: _n, folderId: _f, ...values } = row;
      await repos.calendarObjects.upsert(to.id, to.parentId, values);
      await repos.calendarObjects.copyInstances(from.id, to.id);
    },
    moved: async (repos, node, folder) => {
      await repos.calendarObjects.setFolder([node.id], folder.id);
    },
    stageCopies: async () => new Map(),
    discardCopies: async () => undefined,
  };
}

/** How far ahead the instances of an unbounded recurring event are indexed. */
const indexHorizonMs = 3 * 365 * 24 * 3600 * 1000;
const maxIndexedInstances = 5000;
/** `indexed_until` of an object whose every instance is indexed. */
const everything = new Date(Date.UTC(9999, 11, 31));

/**
 * The instances of a recurring event to index (STYLE §3): all of them when the rule ends,
 * else those up to the horizon; none (not indexed) past the instance cap or for other
 * components, whose queries are evaluated exactly.
 */
function instanceIndexOf(
  text: string,
  summary: { componentType: string; isRecurring: boolean; firstStart: Date | null; lastEnd: Date | null },
  floatingTimezone: string | undefined,
): { instances: { start: Date; end: Date }[]; indexedUntil: Date | null } {
  if (summary.componentType !== 'VEVENT' || !summary.isRecurring || !summary.firstStart) return { instances: [], indexedUntil: null };
  const horizon = new Date(Date.now() + indexHorizonMs);
  const bounded = summary.lastEnd !== null && summary.lastEnd <= horizon;
  try {
    const instances = instancesBetween(
      text,
      { start: summary.firstStart, end: bounded ? undefined : horizon },
      { maxInstances: maxIndexedInstances, ...(floatingTimezone ? { floatingTimezone } : {}) },
    );
    return { instances: instances.map((i) => ({ start: i.start, end: i.end })), indexedUntil: bounded ? everything : horizon };
  } catch (error) {
    if (error instanceof TooManyInstances) return { instances: [], indexedUntil: null };
    throw error;
  }
}

export type { ComponentType };
