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

const escapable = /[&<>"\r]/;

/** Escapes text content (and attribute values, where quotes matter too). */
export function escapeXml(text: string): string {
  if (!escapable.test(text)) return text;
  return text.replace(/[&<>"\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#13;',
  );
}

/**
 * Serializes an element tree as a standalone document fragment: every namespace used
 * anywhere in the tree is declared once on the root, with short prefixes for the
 * well-known ones and `ns0`, `ns1`… for the others. Each distinct name is split and
 * prefixed once per document (a multistatus repeats the same few names many times).
 */
export function writeXml(root: XmlElement, options: { declaration?: boolean } = {}): string {
  const prefixes = new Map<string, string>();
  collectNamespaces(root, prefixes, new Set());
  const declarations = [...prefixes]
    .filter(([uri]) => uri !== 'http://www.w3.org/XML/1998/namespace')
    .map(([uri, prefix]) => ` xmlns:${prefix}="${escapeXml(uri)}"`)
    .join('');
  const head = options.declaration !== false ? '<?xml version="1.0" encoding="utf-8"?>\n' : '';
  return head + writeElement(root, { prefixes, tags: new Map() }, declarations);
}

function collectNamespaces(element: XmlElement, prefixes: Map<string, string>, seen: Set<string>): void {
  const add = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    if (!name.startsWith('{')) return;
    const uri = splitClark(name as ClarkName).namespace; // checked just above
    if (uri === '' || prefixes.has(uri)) return;
    prefixes.set(uri, wellKnownPrefixes[uri] ?? `ns${prefixes.size}`);
  };
  add(element.name);
  for (const key in element.attributes) add(key);
  for (const child of element.children) if (typeof child !== 'string') collectNamespaces(child, prefixes, seen);
}

interface Naming {
  readonly prefixes: Map<string, string>;
  /** Qualified names already computed, by Clark name. */
  readonly tags: Map<string, string>;
}

function qualified(name: string, naming: Naming): string {
  const known = naming.tags.get(name);
  if (known !== undefined) return known;
  let tag = name;
  if (name.startsWith('{')) {
    const { namespace, local } = splitClark(name as ClarkName); // checked just above
    const prefix = naming.prefixes.get(namespace);
    tag = prefix ? `${prefix}:${local}` : local;
  }
  naming.tags.set(name, tag);
  return tag;
}

function writeElement(element: XmlElement, naming: Naming, extra = ''): string {
  const tag = qualified(element.name, naming);
  let out = `<${tag}${extra}`;
  for (const name in element.attributes) {
    out += ` ${qualified(name, naming)}="${escapeXml(element.attributes[name] ?? '')}"`;
  }
  if (element.children.length === 0) return `${out}/>`;
  out += '>';
  for (const child of element.children) out += typeof child === 'string' ? escapeXml(child) : writeElement(child, naming);
  return `${out}</${tag}>`;
}
