import { describe, expect, it } from '@jest/globals';
import { parseXml } from './parse-xml.js';
import { XmlParseError } from './xml-parse-error.js';

const reason = (input: string, limits?: { maxBytes: number; maxDepth: number }) => {
  try {
    parseXml(input, limits);
  } catch (error) {
    if (error instanceof XmlParseError) return error.reason;
    throw error;
  }
  return 'accepted';
};

describe('parseXml on hostile input', () => {
  it('refuses a DOCTYPE, so no entity can be declared or expanded', () => {
    const billionLaughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><D:propfind xmlns:D="DAV:">&lol2;</D:propfind>';
    expect(reason(billionLaughs)).toBe('doctype');
    expect(reason('<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>')).toBe('doctype');
  });
  it('refuses an undeclared entity', () => {
    expect(reason('<D:prop xmlns:D="DAV:">&xxe;</D:prop>')).toBe('malformed');
  });
  it('refuses nesting past the depth limit and accepts it at the limit', () => {
    const nest = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(reason(nest(65))).toBe('too-deep');
    expect(reason(nest(64))).toBe('accepted');
  });
  it('refuses a body past the size limit', () => {
    expect(reason(`<a>${'x'.repeat(100)}</a>`, { maxBytes: 50, maxDepth: 64 })).toBe('too-large');
  });
  it('refuses malformed and empty bodies', () => {
    expect(reason('<a><b></a>')).toBe('malformed');
    expect(reason('')).toBe('malformed');
    expect(reason('<a xmlns:D="DAV:"><E:b/></a>')).toBe('malformed');
  });
  it('keeps unqualified elements apart from namespaced ones', () => {
    const root = parseXml('<D:prop xmlns:D="DAV:"><x xmlns=""/></D:prop>');
    expect(root.children).toEqual([{ name: '{}x', attributes: {}, children: [] }]);
  });
});
