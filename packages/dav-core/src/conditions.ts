import { dav, el, type ClarkName } from '@partage/dav-xml';
import { DavError } from './dav-error.js';

/** The DAV: preconditions dav-core raises, with their RFC sections. */
export const davConditions = {
  /** RFC 4918 §9.1: Depth infinity PROPFIND is refused. */
  propfindFiniteDepth: () =>
    new DavError(403, dav('propfind-finite-depth'), 'PROPFIND with Depth: infinity is not supported'),
  /** RFC 4918 §9.2, §16: a protected property cannot be changed. */
  cannotModifyProtectedProperty: () => el(dav('cannot-modify-protected-property')),
  /** RFC 4918 §9.11.1 */
  lockTokenMatchesRequestUri: () =>
    new DavError(409, dav('lock-token-matches-request-uri'), 'the lock token does not apply to this resource'),
  /** RFC 4918 §9.10, §16: the resource is locked and the request did not submit a token for it. */
  lockTokenSubmitted: (hrefs: readonly string[]) =>
    new DavError(
      423,
      el(dav('lock-token-submitted'), hrefs.map((h) => el(dav('href'), [h]))),
      'the resource is locked',
    ),
  /** RFC 4918 §9.10.5 */
  noConflictingLock: (hrefs: readonly string[]) =>
    new DavError(
      423,
      el(dav('no-conflicting-lock'), hrefs.map((h) => el(dav('href'), [h]))),
      'a conflicting lock exists',
    ),
  /** RFC 3744 §7.1.1: names the resource and the missing privilege. */
  needPrivileges: (href: string, privilege: ClarkName) =>
    new DavError(
      403,
      el(dav('need-privileges'), [
        el(dav('resource'), [el(dav('href'), [href]), el(dav('privilege'), [el(privilege)])]),
      ]),
      'insufficient privileges',
    ),
  /** RFC 3253 §3.6 / RFC 4918: unsupported REPORT. */
  supportedReport: () => new DavError(403, dav('supported-report'), 'unsupported report'),
  /** RFC 6578 §3.2: the token is unknown, from another collection, or too old. */
  validSyncToken: () => new DavError(403, dav('valid-sync-token'), 'invalid or expired sync token'),
  /** RFC 6578 §3.3: only sync-level 1 is supported. */
  syncTraversalSupported: () =>
    new DavError(403, dav('sync-traversal-supported'), 'only sync-level 1 is supported'),
  /** RFC 6578 §3.7 / RFC 5323: the limit cannot be honoured. */
  numberOfMatchesWithinLimits: () =>
    new DavError(507, dav('number-of-matches-within-limits'), 'the limit is not supported'),
  /** RFC 4331 §6 */
  quotaNotExceeded: () => new DavError(507, dav('quota-not-exceeded'), 'quota exceeded'),
} as const;
