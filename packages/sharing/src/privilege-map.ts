import { dav, type ClarkName } from '@partage/dav-xml';
import type { Right } from './rights.js';

const caldavReadFreeBusy: ClarkName = '{urn:ietf:params:xml:ns:caldav}read-free-busy';

/**
 * Rights (SPEC §4) to DAV privileges (RFC 3744 §3, RFC 4791 §6.1.1). Shares are the truth
 * and DAV ACL is a view of them (STYLE §5).
 */
export const privilegesByRight = {
  read: [dav('read'), dav('read-current-user-privilege-set'), caldavReadFreeBusy],
  create: [dav('bind')],
  modify: [dav('write-content'), dav('write-properties'), dav('unlock')],
  delete: [dav('unbind')],
  admin: [dav('read-acl'), dav('write-acl')],
  freebusy: [caldavReadFreeBusy],
} as const satisfies Record<Right, readonly ClarkName[]>;

/** The DAV privileges that a set of rights gives. */
export function privilegesOf(rights: Iterable<Right>): Set<ClarkName> {
  const privileges = new Set<ClarkName>();
  for (const right of rights) for (const privilege of privilegesByRight[right]) privileges.add(privilege);
  return privileges;
}
