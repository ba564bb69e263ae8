import { parseXml, textOf } from '@partage/dav-xml';
import { repositories, type Db, type NodeRow } from '@partage/storage';
import { componentTypes, type ComponentType } from '@partage/ical';
import { caldav } from './names.js';

/** The component set of a calendar folder (`supported-calendar-component-set`). */
export function componentsOf(folder: NodeRow): ComponentType[] {
  const names = (folder.components ?? 'VEVENT').split(',').map((c) => c.trim());
  return componentTypes.filter((c) => names.includes(c));
}

/**
 * The time zone in which the folder's floating times are read: `calendar-timezone-id`
 * (RFC 7809) or the TZID of `calendar-timezone` (RFC 4791 §5.2.2), both stored as dead
 * properties of the folder.
 */
export async function floatingTimezoneOf(db: Db, folder: NodeRow): Promise<string | undefined> {
  const properties = await repositories(db).nodes.deadProperties(folder.id);
  const byId = properties.find((p) => p.name === caldav('calendar-timezone-id'));
  if (byId) return textOf(parseXml(byId.xml)).trim() || undefined;
  const calendar = properties.find((p) => p.name === caldav('calendar-timezone'));
  if (!calendar) return undefined;
  return /^TZID:(.+)$/m.exec(textOf(parseXml(calendar.xml)))?.[1]?.trim();
}
