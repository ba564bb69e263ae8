import { describe, expect, it } from '@jest/globals';
import { DavError } from './dav-error.js';
import { hrefOf, parseRequestPath } from './dav-path.js';

describe('request paths', () => {
  it('decodes segments and normalises them to NFC', () => {
    const nfd = encodeURIComponent('e\u0301t\u00e9');
    expect(parseRequestPath(`/webdav/a@b.fr/${nfd}/`).segments).toEqual(['webdav', 'a@b.fr', '\u00e9t\u00e9']);
  });

  it('round-trips percent-encoding of names through hrefs', () => {
    for (const name of ['Projets 2026', 'caf\u00e9', '100% sûr', 'a+b=c', "l'été", '#hash', '?q', '日本語']) {
      const href = hrefOf(['webdav', 'a@b.fr', name], false);
      expect(parseRequestPath(href).segments).toEqual(['webdav', 'a@b.fr', name.normalize('NFC')]);
    }
  });

  it.each(['/a/../b', '/a/%2e%2E/b', '/a/./b', '/a%2Fb', '/a%5cb', '/%ZZ', '/a%00', 'relative'])('refuses %s', (path) => {
    expect(() => parseRequestPath(path)).toThrow(DavError);
  });

  it('ends collection hrefs with a slash', () => {
    expect(hrefOf(['webdav', 'a@b.fr', 'Documents'], true)).toBe('/webdav/a@b.fr/Documents/');
    expect(hrefOf([], true)).toBe('/');
  });
});
