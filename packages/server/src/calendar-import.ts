import { createHash } from 'node:crypto';
import { splitCalendar } from '@partage/ical';
import type { DavTransport } from './dav-transport.js';

/** What an import did. */
export interface ImportReport {
  readonly imported: number;
  /** Objects already in the calendar (same name), left as they were: a re-run resumes. */
  readonly skipped: number;
  readonly rejected: readonly { readonly uid: string; readonly reason: string }[];
  /** All-or-nothing imports that met a rejection undo what they wrote. */
  readonly rolledBack: boolean;
}

/** Options of an import. */
export interface ImportOptions {
  /** Undo every object written by this run when any object is rejected. */
  readonly allOrNothing: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

const encodePath = (segments: readonly string[]) => `/${segments.map(encodeURIComponent).join('/')}`;

/** The resource name of an object: its UID when that is a safe name, else a hash of it. */
export function objectName(uid: string): string {
  return /^[A-Za-z0-9@._-]{1,200}$/.test(uid) ? `${uid}.ics` : `${createHash('sha1').update(uid).digest('hex')}.ics`;
}

function reasonOf(status: number, text: string): string {
  const condition = /<(?:[A-Za-z]+:)?([a-z-]+)\/>/.exec(text.replace(/<\?xml[^>]*>\s*<[^>]*error[^>]*>/, ''))?.[1];
  const message = /<[^>]*message>([^<]*)</.exec(text)?.[1] ?? text.trim().slice(0, 200);
  return `${status}${condition ? ` ${condition}` : ''}: ${message}`;
}

/**
 * Imports an iCalendar file into a calendar (`partage import`): one calendar object per
 * UID, each PUT through the DAV stack so that it is validated as any client's would be.
 * `If-None-Match: *` makes a re-run resume: objects already there are skipped.
 */
export async function importCalendar(
  transport: DavTransport,
  target: { readonly email: string; readonly folder: string },
  text: string,
  options: ImportOptions,
): Promise<ImportReport> {
  const objects = splitCalendar(text);
  const written: string[] = [];
  const rejected: { uid: string; reason: string }[] = [];
  let skipped = 0;
  const folder = ['webdav', target.email, ...target.folder.split('/').filter(Boolean)];
  for (const [index, object] of objects.entries()) {
    const path = encodePath([...folder, objectName(object.uid)]);
    const reply = await transport.send('PUT', path, object.text, {
      'Content-Type': 'text/calendar; charset=utf-8',
      'If-None-Match': '*',
    });
    if (reply.status === 201) written.push(path);
    else if (reply.status === 412) skipped++;
    else {
      rejected.push({ uid: object.uid, reason: reasonOf(reply.status, reply.text) });
      if (options.allOrNothing) break;
    }
    options.onProgress?.(index + 1, objects.length);
  }
  if (options.allOrNothing && rejected.length > 0) {
    for (const path of written) await transport.send('DELETE', path);
    return { imported: 0, skipped, rejected, rolledBack: true };
  }
  return { imported: written.length, skipped, rejected, rolledBack: false };
}

/** Exports a calendar as one iCalendar file (`partage export`). */
export async function exportCalendar(transport: DavTransport, target: { email: string; folder: string }): Promise<string> {
  const reply = await transport.send('GET', `${encodePath(['webdav', target.email, ...target.folder.split('/').filter(Boolean)])}/`);
  if (reply.status !== 200) throw new Error(`export failed: ${reasonOf(reply.status, reply.text)}`);
  return reply.text;
}
