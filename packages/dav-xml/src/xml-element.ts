import type { ClarkName } from './names.js';

/** An XML element of a parsed request or of a response under construction. */
export interface XmlElement {
  readonly name: ClarkName;
  /** Attributes by Clark name (`{}lang` for an unqualified one); namespace declarations are not kept. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}

/** An element or a run of text. */
export type XmlNode = XmlElement | string;

/**
 * Builds an element. Children that are `undefined` or `false` are dropped, so optional
 * parts read naturally: `el(dav('prop'), [etag && el(dav('getetag'), [etag])])`.
 */
export function el(
  name: ClarkName,
  children: readonly (XmlNode | undefined | false | null)[] = noChildren,
  attributes: Readonly<Record<string, string>> = noAttributes,
): XmlElement {
  return {
    name,
    attributes,
    children: children.length === 0 ? noChildren : children.filter((c): c is XmlNode => c !== undefined && c !== false && c !== null),
  };
}

/** Shared by the elements built without attributes or children (they are never changed in place). */
const noAttributes: Readonly<Record<string, string>> = Object.freeze({});
const noChildren: readonly XmlNode[] = Object.freeze([]);

/** Narrows a node to an element. */
export const isElement = (node: XmlNode): node is XmlElement => typeof node !== 'string';

/** The child elements, skipping text. */
export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter(isElement);
}

/** The first child element with this name. */
export function findChild(element: XmlElement, name: ClarkName): XmlElement | undefined {
  return element.children.find((c): c is XmlElement => isElement(c) && c.name === name);
}

/** The concatenated text content of an element and its descendants. */
export function textOf(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
