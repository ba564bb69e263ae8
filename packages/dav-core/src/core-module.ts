import type { DavModule } from './handlers.js';
import { coreProperties } from './properties/core-properties.js';
import { copyMethod, moveMethod } from './methods/copy-move.js';
import { deleteMethod } from './methods/delete.js';
import { getMethod, headMethod } from './methods/get-head.js';
import { lockMethod, unlockMethod } from './methods/lock.js';
import { mkcolMethod } from './methods/mkcol.js';
import { optionsMethod } from './methods/options.js';
import { propfindMethod } from './methods/propfind.js';
import { proppatchMethod } from './methods/proppatch.js';
import { putMethod } from './methods/put.js';
import { reportMethod } from './methods/report.js';
import { expandPropertyReport } from './reports/expand-property.js';
import { syncCollectionReport } from './reports/sync-collection.js';

/** WebDAV itself (RFC 4918 class 1 and 2): every method and the live properties of every resource. */
export const coreModule: DavModule = {
  name: 'webdav',
  features: [],
  properties: coreProperties,
  reports: [syncCollectionReport, expandPropertyReport],
  methods: [
    optionsMethod, propfindMethod, proppatchMethod, getMethod, headMethod, putMethod, deleteMethod, mkcolMethod,
    copyMethod, moveMethod, lockMethod, unlockMethod, reportMethod,
  ],
};
