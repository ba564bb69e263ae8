import { defineMethod } from '../handlers.js';

/** OPTIONS (RFC 4918 §10.1, §18): compliance classes and methods; answers on any path, even `/`, as the Windows mini-redirector expects. */
export const optionsMethod = defineMethod({
  name: 'OPTIONS',
  run: async (_ctx, server) => ({
    status: 200,
    headers: {
      dav: ['1', '2', '3', 'access-control', ...server.registry.features].join(', '),
      'ms-author-via': 'DAV',
      allow: server.registry.methodNames().join(', '),
      'accept-ranges': 'bytes',
      'content-length': '0',
    },
  }),
});
