import { childElements, dav, type XmlElement } from '@partage/dav-xml';
import { DavError, type Resource } from '@partage/dav-core';
import { isNodeResource, propertiesToSet, type FolderKindSpec, type NodeResource } from '@partage/files';
import { Readable } from 'node:stream';
import { repositories, type Db } from '@partage/storage';
import { componentTypes, mergeCalendars, reduceConfidential } from '@partage/ical';
import { calendarContent } from './calendar-content.js';
import type { CalendarLimits } from './calendar-limits.js';
import { caldav } from './names.js';

/** A calendar collection (RFC 4791 §4.2): events, tasks, notes or several. */
export const isCalendarCollection = (r: Resource): r is NodeResource =>
  isNodeResource(r) && r.isCollection && r.folderKind === 'calendar';

/** A calendar object resource (RFC 4791 §4.1). */
export const isCalendarObject = (r: Resource): r is NodeResource =>
  isNodeResource(r) && !r.isCollection && r.folderKind === 'calendar';


/** Whether an extended MKCOL or MKCALENDAR body asks for a calendar. */
function asksForCalendar(body: XmlElement): boolean {
  if (body.name === caldav('mkcalendar')) return true;
  if (body.name !== dav('mkcol')) return false;
  const type = propertiesToSet(body).find((p) => p.name === dav('resourcetype'));
  return type !== undefined && childElements(type).some((c) => c.name === caldav('calendar'));
}

/**
 * The properties of a new calendar (MKCALENDAR, RFC 4791 §5.3.1; extended MKCOL, RFC 5689):
 * the component set (default: events), and the rest stored as properties of the folder.
 */
function newCalendar(body: XmlElement | undefined): { components: string | null; properties: XmlElement[] } {
  const properties = body ? propertiesToSet(body) : [];
  let components = 'VEVENT';
  const set = properties.find((p) => p.name === caldav('supported-calendar-component-set'));
  if (set) {
    const names = childElements(set)
      .filter((c) => c.name === caldav('comp'))
      .map((c) => (c.attributes['{}name'] ?? '').toUpperCase());
    const unknown = names.filter((n) => !(componentTypes as readonly string[]).includes(n));
    if (names.length === 0 || unknown.length > 0) {
      throw new DavError(403, caldav('supported-calendar-component'), `unsupported component set: ${names.join(', ')}`);
    }
    components = [...new Set(names)].join(',');
  }
  return {
    components,
    properties: properties.filter(
      (p) => p.name !== dav('resourcetype') && p.name !== caldav('supported-calendar-component-set'),
    ),
  };
}

/** The `calendar` folder kind. */
export function calendarKind(db: Db, limits: CalendarLimits): FolderKindSpec {
  return {
    kind: 'calendar',
    resourceTypes: [caldav('calendar')],
    allowsSubcollections: false,
    content: calendarContent(db, limits),
    newFolder: newCalendar,
    exportFolder: {
      contentType: 'text/calendar; charset=utf-8',
      read: async (folder, members) => {
        const rows = await repositories(db).calendarObjects.findCandidates(folder.id, undefined, undefined);
        const shown = rows.flatMap((r) =>
          members?.hidden.has(r.nodeId) ? [] : [members?.restricted.has(r.nodeId) ? reduceConfidential(r.data) : r.data],
        );
        return Readable.from([Buffer.from(mergeCalendars(shown), 'utf8')]);
      },
    },
    accepts: asksForCalendar,
  };
}
