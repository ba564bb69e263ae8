import { ns, splitClark, type ClarkName } from './names.js';
import type { XmlElement, XmlNode } from './xml-element.js';

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
  const writer = new XmlDocumentWriter(root.name, root.attributes, options);
  for (const child of root.children) writer.add(child);
  return writer.finish();
}

/**
 * Writes a document whose root's children come one at a time, each serialized when added: a
 * long multistatus keeps strings, not the element trees of all its responses. Namespaces get
 * their prefixes in the order they first appear, as {@link writeXml} gives them, and are all
 * declared on the root when the document is finished; the output is the same as `writeXml`
 * of the whole tree.
 */
export class XmlDocumentWriter {
  readonly #naming: Naming = { prefixes: new Map(), tags: new Map() };
  readonly #parts: string[] = [];
  readonly #rootName: ClarkName;
  readonly #rootAttributes: Readonly<Record<string, string>>;
  readonly #declaration: boolean;

  constructor(rootName: ClarkName, rootAttributes: Readonly<Record<string, string>> = {}, options: { declaration?: boolean } = {}) {
    this.#rootName = rootName;
    this.#rootAttributes = rootAttributes;
    this.#declaration = options.declaration !== false;
    qualified(rootName, this.#naming);
    for (const key in rootAttributes) qualified(key, this.#naming);
  }

  /** Serializes one child of the root (an element or text). */
  add(child: XmlNode): void {
    if (typeof child === 'string') {
      this.#parts.push(escapeXml(child));
      return;
    }
    this.#parts.push(writeElement(child, this.#naming));
  }

  /** The whole document. */
  finish(): string {
    const naming = this.#naming;
    let declarations = '';
    for (const [uri, prefix] of naming.prefixes) {
      if (uri !== 'http://www.w3.org/XML/1998/namespace') declarations += ` xmlns:${prefix}="${escapeXml(uri)}"`;
    }
    const head: string[] = [];
    if (this.#declaration) head.push('<?xml version="1.0" encoding="utf-8"?>\n');
    const tag = qualified(this.#rootName, naming);
    head.push(`<${tag}${declarations}`);
    for (const name in this.#rootAttributes) head.push(` ${qualified(name, naming)}="${escapeXml(this.#rootAttributes[name] ?? '')}"`);
    if (this.#parts.length === 0) return `${head.join('')}/>`;
    return `${head.join('')}>${this.#parts.join('')}</${tag}>`;
  }
}

interface Naming {
  /** Prefixes by namespace URI, in the order the namespaces appeared. */
  readonly prefixes: Map<string, string>;
  /** Qualified names already computed, by Clark name. */
  readonly tags: Map<string, string>;
}

/**
 * The qualified name of a Clark name, its namespace given a prefix the first time it appears:
 * names are qualified in document order, so the prefixes come in the order the namespaces
 * appear, and the root declares them all when the document is finished.
 */
function qualified(name: string, naming: Naming): string {
  const known = naming.tags.get(name);
  if (known !== undefined) return known;
  let tag = name;
  if (name.startsWith('{')) {
    const { namespace, local } = splitClark(name as ClarkName); // checked just above
    let prefix = naming.prefixes.get(namespace);
    if (prefix === undefined && namespace !== '') {
      prefix = wellKnownPrefixes[namespace] ?? `ns${naming.prefixes.size}`;
      naming.prefixes.set(namespace, prefix);
    }
    tag = prefix ? `${prefix}:${local}` : local;
  }
  naming.tags.set(name, tag);
  return tag;
}

function writeElement(element: XmlElement, naming: Naming): string {
  const tag = qualified(element.name, naming);
  let out = `<${tag}`;
  for (const name in element.attributes) {
    out += ` ${qualified(name, naming)}="${escapeXml(element.attributes[name] ?? '')}"`;
  }
  if (element.children.length === 0) return `${out}/>`;
  out += '>';
  for (const child of element.children) out += typeof child === 'string' ? escapeXml(child) : writeElement(child, naming);
  return `${out}</${tag}>`;
}
