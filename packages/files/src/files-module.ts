import type { DavModule } from '@partage/dav-core';

/**
 * The `files` folder kind: plain WebDAV collections that nest (SPEC §2). Its resources
 * come from `AccountTree`; every method and property it needs is in the core module, and
 * the Windows `Win32*` properties are dead properties stored with the file.
 */
export const filesModule: DavModule = {
  name: 'files',
  features: [],
  properties: [],
  reports: [],
  methods: [],
};
