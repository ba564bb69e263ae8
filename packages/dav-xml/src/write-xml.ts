import { ns, splitClark, type ClarkName } from './names.js';
import type { XmlElement } from './xml-element.js';

const wellKnownPrefixes: Readonly<Record<string, string>> = {
  [ns.dav]: 'D',
  [ns.caldav]: 'C',
  [ns.carddav]: 'CR',
  [ns.calendarServer]: 'CS',
  [ns.apple]: 'A',
  [ns.microsoft]: 'Z',
  [ns.partage]: 'P',
  'http://www.w3.org/XML/1998/namespace': 'xml',
};

/** Escapes text content (and attribute values, where quotes matter too). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#13;',
  );
}

/**
 * Serializes an element tree as a standalone document fragment: every namespace used
 * anywhere in the tree is declared once on the root, with short prefixes for the
 * well-known ones and `ns0`, `ns1`… for the others.
 */
export function writeXml(root: XmlElement, options: { declaration?: boolean } = {}): string {
  const prefixes = new Map<string, string>();
  collectNamespaces(root, prefixes);
  const declarations = [...prefixes]
    .filter(([uri]) => uri !== 'http://www.w3.org/XML/1998/namespace')
    .map(([uri, prefix]) => ` xmlns:${prefix}="${escapeXml(uri)}"`)
    .join('');
  const parts: string[] = [];
  if (options.declaration !== false) parts.push('<?xml version="1.0" encoding="utf-8"?>\n');
  writeElement(root, prefixes, parts, declarations);
  return parts.join('');
}

function collectNamespaces(element: XmlElement, prefixes: Map<string, string>): void {
  const add = (uri: string) => {
    if (uri === '' || prefixes.has(uri)) return;
    prefixes.set(uri, wellKnownPrefixes[uri] ?? `ns${prefixes.size}`);
  };
  add(splitClark(element.name).namespace);
  for (const key of Object.keys(element.attributes)) {
    if (key.startsWith('{')) add(splitClark(key as ClarkName).namespace); // keys are Clark names by construction
  }
  for (const child of element.children) if (typeof child !== 'string') collectNamespaces(child, prefixes);
}

function qualified(name: string, prefixes: Map<string, string>): string {
  if (!name.startsWith('{')) return name;
  const { namespace, local } = splitClark(name as ClarkName); // checked just above
  const prefix = prefixes.get(namespace);
  return prefix ? `${prefix}:${local}` : local;
}

function writeElement(element: XmlElement, prefixes: Map<string, string>, out: string[], extra = ''): void {
  const tag = qualified(element.name, prefixes);
  out.push('<', tag, extra);
  for (const [name, value] of Object.entries(element.attributes)) {
    out.push(' ', qualified(name, prefixes), '="', escapeXml(value), '"');
  }
  if (element.children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const child of element.children) {
    if (typeof child === 'string') out.push(escapeXml(child));
    else writeElement(child, prefixes, out);
  }
  out.push('</', tag, '>');
}
