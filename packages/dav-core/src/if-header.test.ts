import { describe, expect, it } from '@jest/globals';
import { DavError } from './dav-error.js';
import { parseIfHeader, submittedTokens } from './if-header.js';

describe('parseIfHeader (RFC 4918 §10.4)', () => {
  it('parses untagged lists with tokens, entity tags and Not', () => {
    const lists = parseIfHeader('(<opaquelocktoken:a> ["etag1"]) (Not <DAV:no-lock>)');
    expect(lists).toEqual([
      { resourceTag: undefined, conditions: [{ negated: false, stateToken: 'opaquelocktoken:a' }, { negated: false, etag: '"etag1"' }] },
      { resourceTag: undefined, conditions: [{ negated: true, stateToken: 'DAV:no-lock' }] },
    ]);
  });

  it('parses tagged lists as neon sends them', () => {
    const lists = parseIfHeader('<http://h/webdav/a@b/Documents/x> (<opaquelocktoken:t>)');
    expect(lists[0]?.resourceTag).toBe('http://h/webdav/a@b/Documents/x');
  });

  it('counts only non-negated tokens as submitted', () => {
    expect([...submittedTokens(parseIfHeader('(<opaquelocktoken:a>) (Not <opaquelocktoken:b>)'))]).toEqual(['opaquelocktoken:a']);
  });

  it.each(['', '(', '()', '(<a>', 'garbage', '(["x")'])('refuses the malformed header %j with 400', (header) => {
    expect(() => parseIfHeader(header)).toThrow(DavError);
  });
});
