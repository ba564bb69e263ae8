/** An XML name in Clark notation: `{namespace}local`; `{}local` has no namespace. */
export type ClarkName = `{${string}}${string}`;

/** Namespace URIs; this file is the only place they are spelled out. */
export const ns = {
  dav: 'DAV:',
  caldav: 'urn:ietf:params:xml:ns:caldav',
  carddav: 'urn:ietf:params:xml:ns:carddav',
  calendarServer: 'http://calendarserver.org/ns/',
  apple: 'http://apple.com/ns/ical/',
  microsoft: 'urn:schemas-microsoft-com:',
  partage: 'urn:partage:ns',
} as const;

/** Builds a Clark name. */
export const clark = (namespace: string, local: string): ClarkName => `{${namespace}}${local}`;
/** A name in the `DAV:` namespace, for example `dav('getetag')`. */
export const dav = (local: string): ClarkName => clark(ns.dav, local);
/** A name in the Microsoft namespace used by the Windows mini-redirector (`Win32*` properties). */
export const microsoft = (local: string): ClarkName => clark(ns.microsoft, local);

/** Splits a Clark name into namespace and local part. */
export function splitClark(name: ClarkName): { namespace: string; local: string } {
  const close = name.indexOf('}');
  return { namespace: name.slice(1, close), local: name.slice(close + 1) };
}

/** Narrows a string to a Clark name. */
export function isClarkName(value: string): value is ClarkName {
  return value.startsWith('{') && value.indexOf('}') > 0 && value.indexOf('}') < value.length - 1;
}
