import { SaxesParser, type SaxesTagNS } from 'saxes';
import { clark, type ClarkName } from './names.js';
import { XmlParseError } from './xml-parse-error.js';
import type { XmlElement, XmlNode } from './xml-element.js';

/** Bounds on a request body (SPEC §7: 2 MiB and 64 levels by default). */
export interface XmlLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

export const defaultXmlLimits: XmlLimits = { maxBytes: 2 * 1024 * 1024, maxDepth: 64 };

interface Building {
  name: ClarkName;
  attributes: Record<string, string>;
  children: XmlNode[];
}

/**
 * Parses a request body into an element tree, namespace-aware. A DOCTYPE is refused
 * outright (no internal subset, so no entity expansion, no external entities), as are
 * bodies over `maxBytes` and nesting deeper than `maxDepth`.
 *
 * @example parseXml('<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>').name === '{DAV:}propfind'
 */
export function parseXml(input: string, limits: XmlLimits = defaultXmlLimits): XmlElement {
  if (Buffer.byteLength(input, 'utf8') > limits.maxBytes) {
    throw new XmlParseError(`XML body larger than ${limits.maxBytes} bytes`, 'too-large');
  }
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: Building[] = [];
  let root: Building | undefined;
  let failure: XmlParseError | undefined;

  parser.on('doctype', () => {
    failure ??= new XmlParseError('DOCTYPE is not allowed in request bodies', 'doctype');
  });
  parser.on('error', (error) => {
    failure ??= new XmlParseError(`malformed XML: ${error.message}`);
  });
  parser.on('opentag', (tag) => {
    if (failure) return;
    if (stack.length >= limits.maxDepth) {
      failure = new XmlParseError(`XML nested deeper than ${limits.maxDepth} levels`, 'too-deep');
      return;
    }
    const node: Building = { name: clark(tag.uri, tag.local), attributes: attributesOf(tag), children: [] };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('closetag', () => {
    if (!failure) stack.pop();
  });
  parser.on('text', (text) => {
    const parent = stack[stack.length - 1];
    if (!failure && parent) parent.children.push(text);
  });
  parser.on('cdata', (text) => {
    const parent = stack[stack.length - 1];
    if (!failure && parent) parent.children.push(text);
  });

  try {
    parser.write(input).close();
  } catch (error) {
    failure ??= new XmlParseError(`malformed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (failure) throw failure;
  if (!root) throw new XmlParseError('empty XML body');
  return root;
}

function attributesOf(tag: SaxesTagNS): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const attribute of Object.values(tag.attributes)) {
    if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
    attributes[clark(attribute.uri, attribute.local)] = attribute.value;
  }
  return attributes;
}
