import { dav, el, parseXml, type XmlElement } from '@partage/dav-xml';
import { hrefOf } from './dav-path.js';
import type { ActiveLock } from './ports.js';

/** A `DAV:activelock` element (RFC 4918 §14.1) for a stored lock. */
export function activeLockElement(lock: ActiveLock): XmlElement {
  const remaining = Math.max(0, Math.round((lock.expiresAt.getTime() - Date.now()) / 1000));
  let owner: XmlElement | undefined;
  if (lock.ownerXml !== undefined) {
    try {
      owner = parseXml(lock.ownerXml);
    } catch {
      owner = undefined;
    }
  }
  return el(dav('activelock'), [
    el(dav('locktype'), [el(dav('write'))]),
    el(dav('lockscope'), [el(dav(lock.scope))]),
    el(dav('depth'), [lock.depth === '0' ? '0' : 'infinity']),
    owner,
    el(dav('timeout'), [`Second-${remaining}`]),
    el(dav('locktoken'), [el(dav('href'), [lock.token])]),
    el(dav('lockroot'), [
      el(dav('href'), [hrefOf(lock.path.split('/').filter((s) => s !== ''), false)]),
    ]),
  ]);
}
