import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseXml } from './parse-xml.js';
import { writeXml } from './write-xml.js';
import type { XmlElement } from './xml-element.js';

const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures');
const pairs = (dir: string) =>
  readdirSync(join(fixtures, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length));

/** Drops whitespace-only text between elements, as the DAV layer ignores it. */
function trimmed(element: XmlElement): unknown {
  return {
    ...element,
    children: element.children
      .filter((c) => typeof c !== 'string' || c.trim() !== '')
      .map((c) => (typeof c === 'string' ? c : trimmed(c))),
  };
}

describe('golden requests', () => {
  it.each(pairs('requests'))('parses %s into its model', (name) => {
    const xml = readFileSync(join(fixtures, 'requests', `${name}.xml`), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(join(fixtures, 'requests', `${name}.json`), 'utf8'));
    expect(trimmed(parseXml(xml))).toEqual(expected);
  });
});

describe('golden responses', () => {
  it.each(pairs('responses'))('serializes %s exactly', (name) => {
    // The fixture is the model the serializer receives; its shape is checked by the parse round trip below.
    const model = JSON.parse(readFileSync(join(fixtures, 'responses', `${name}.json`), 'utf8')) as XmlElement;
    const expected = readFileSync(join(fixtures, 'responses', `${name}.xml`), 'utf8');
    const written = writeXml(model);
    expect(written).toBe(expected);
    expect(trimmed(parseXml(written))).toEqual(trimmed(model));
  });
});
